// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Sigma wildcard matching over the IR glob encoding: '*' matches any run of bytes, '?'
// exactly one UTF-8 character, '\' makes the next byte literal. Internal.
//
// Patterns of literals and '*' (the usual case) are matched in time linear in the text
// (each part between stars found with memmem). Patterns with '?' or escapes use the
// classic single-backtrack-point algorithm: a later '*' supersedes an earlier one, so
// no exponential blow-up, but O(|pattern| * |text|) at worst. No allocation either way.
#pragma once

#include <string_view>

namespace vigil::internal {

bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace vigil::internal
