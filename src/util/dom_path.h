// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Field paths over a simdjson DOM as correlations read them: the one reading shared by
// the Scanner, which captures a correlation's fields from its own parse of an event,
// and the Correlator, which parses an event's text itself when nothing was captured.
// Both must read a field the same way, or an alert would depend on which path fed it.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace vigil::internal {

// Walks `path` (dot-separated; a key may itself contain dots, so the whole remaining
// path is tried as a key first) from `e`. Arrays are not descended.
bool DomLookup(simdjson::dom::element e, std::string_view path, simdjson::dom::element* out);

// The text a correlation groups or counts by: a string's unescaped text, "true" or
// "false", the minified JSON of a number, object or array; nullopt for null.
std::optional<std::string> DomValueText(simdjson::dom::element e);

}  // namespace vigil::internal
