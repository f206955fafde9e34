// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "util/dom_path.h"

namespace vigil::internal {

bool DomLookup(simdjson::dom::element e, std::string_view path, simdjson::dom::element* out) {
  if (path.empty()) {
    *out = e;
    return true;
  }
  simdjson::dom::object obj;
  if (e.get_object().get(obj)) return false;
  simdjson::dom::element child;
  if (!obj.at_key(path).get(child)) {
    *out = child;
    return true;
  }
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    if (!obj.at_key(path.substr(0, dot)).get(child) && DomLookup(child, path.substr(dot + 1), out)) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> DomValueText(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return std::nullopt;
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL: return std::string(e.get_bool().value_unsafe() ? "true" : "false");
    default: return simdjson::minify(e);
  }
}

}  // namespace vigil::internal
