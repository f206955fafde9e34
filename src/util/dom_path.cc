// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "util/dom_path.h"

namespace vigil::internal {

bool DomLookup(simdjson::dom::element e, std::string_view path, simdjson::dom::element* out) {
  if (path.empty()) {
    *out = e;
    return true;
  }
  simdjson::dom::array array;
  if (!e.get_array().get(array)) {
    // As the matcher reads a path through an array (any element may match): here, the
    // first element, in document order, that has the rest of the path.
    for (simdjson::dom::element item : array) {
      if (DomLookup(item, path, out)) return true;
    }
    return false;
  }
  simdjson::dom::object obj;
  if (e.get_object().get(obj)) return false;
  simdjson::dom::element child;
  if (!obj.at_key(path).get(child)) {
    *out = child;
    return true;
  }
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    if (!obj.at_key(path.substr(0, dot)).get(child) &&
        DomLookup(child, path.substr(dot + 1), out)) {
      return true;
    }
  }
  return false;
}

bool DomValueTextInto(simdjson::dom::element e, std::string* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return false;
    case simdjson::dom::element_type::STRING:
      out->assign(std::string_view(e.get_string().value_unsafe()));
      break;
    case simdjson::dom::element_type::BOOL:
      out->assign(e.get_bool().value_unsafe() ? "true" : "false");
      break;
    default: *out = simdjson::minify(e); break;
  }
  return true;
}

std::optional<std::string> DomValueText(simdjson::dom::element e) {
  std::string text;
  if (!DomValueTextInto(e, &text)) return std::nullopt;
  return text;
}

DomPathSet::DomPathSet(const std::vector<std::string>& paths) {
  // keys_ is a deque: index_ keeps views of its strings, which never move.
  auto key_id = [&](std::string_view k) {
    auto it = index_.find(k);
    if (it != index_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(keys_.size());
    index_.emplace(keys_.emplace_back(k), id);
    filter_[k.size() % 64] |= uint64_t{1} << Signature(k);
    return id;
  };
  alts_.resize(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string_view path = paths[i];
    if (path.empty()) continue;  // no alternative: the root itself
    alts_[i].push_back(Alt{key_id(path), std::string()});
    for (size_t dot = path.find('.'); dot != std::string_view::npos;
         dot = path.find('.', dot + 1)) {
      alts_[i].push_back(Alt{key_id(path.substr(0, dot)), std::string(path.substr(dot + 1))});
    }
  }
  at_.resize(keys_.size());
  have_.resize(keys_.size());
}

void DomPathSet::Lookup(simdjson::dom::element root) {
  out_.resize(alts_.size());
  found_.assign(alts_.size(), 0);
  std::fill(have_.begin(), have_.end(), 0);
  simdjson::dom::object obj;
  if (!root.get_object().get(obj)) {
    for (const simdjson::dom::key_value_pair kv : obj) {
      const std::string_view key = kv.key;
      if ((filter_[key.size() % 64] >> Signature(key) & 1) == 0) continue;
      auto it = index_.find(key);
      if (it == index_.end() || have_[it->second]) continue;  // at_key reads the first
      have_[it->second] = 1;
      at_[it->second] = kv.value;
    }
  }
  for (size_t i = 0; i < alts_.size(); ++i) {
    if (alts_[i].empty()) {  // the empty path
      out_[i] = root;
      found_[i] = 1;
      continue;
    }
    for (const Alt& a : alts_[i]) {
      if (!have_[a.key]) continue;
      if (a.rest.empty()) {
        out_[i] = at_[a.key];
      } else if (!DomLookup(at_[a.key], a.rest, &out_[i])) {
        continue;
      }
      found_[i] = 1;
      break;
    }
  }
}

}  // namespace vigil::internal
