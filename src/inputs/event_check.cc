// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The whole-event check of a matched event; see event_check.h.
#include "inputs/event_check.h"

#include "inputs/json_scanner.h"

namespace vigil::internal {

bool EventCheck::Valid(std::string_view json, std::string* error) {
  if (json.size() <= kMaxDomBytes) {
    simdjson::dom::element root;
    if (!dom_.parse(json.data(), json.size(), /*realloc_if_needed=*/false).get(root)) return true;
  }
  JsonScanner strict(json.data(), json.data() + json.size());
  strict.SkipWs();
  if (!strict.SkipValue()) {
    *error = "invalid JSON at byte " + std::to_string(strict.error_pos() - json.data()) +
             " of the event: " + strict.error_message();
    return false;
  }
  strict.SkipWs();
  if (!strict.at_end()) {
    *error = "invalid JSON at byte " + std::to_string(strict.pos() - json.data()) +
             " of the event: text after the event";
    return false;
  }
  return true;
}

}  // namespace vigil::internal
