// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Field paths over a simdjson DOM as correlations read them: the one reading shared by
// the Scanner, which captures a correlation's fields from its own parse of an event,
// and the Correlator, which parses an event's text itself when nothing was captured.
// Both must read a field the same way, or an alert would depend on which path fed it.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::internal {

// Walks `path` (dot-separated; a key may itself contain dots, so the whole remaining
// path is tried as a key first) from `e`. Through an array, the path goes on in its
// elements, as the matcher reads it, and gives the first element's value found, in
// document order (`resources.ARN` of an event with two resources is the first one's).
bool DomLookup(simdjson::dom::element e, std::string_view path, simdjson::dom::element* out);

// The text a correlation groups or counts by: a string's unescaped text, "true" or
// "false", the minified JSON of a number, object or array; nullopt for null.
std::optional<std::string> DomValueText(simdjson::dom::element e);
// The same into *out, whose capacity a caller reading many events keeps; false (and
// *out untouched) for null.
bool DomValueTextInto(simdjson::dom::element e, std::string* out);

// A fixed set of paths, each read as DomLookup reads it, from one object at a time
// with one pass over its keys instead of a search of them per path and per dot of a
// path (the Scanner captures a correlation's fields, often ten or more, from every
// event that feeds one; a CloudTrail event has about twenty top-level keys). Not
// thread-safe: Lookup uses scratch space of its own.
class DomPathSet {
 public:
  explicit DomPathSet(const std::vector<std::string>& paths);

  // Reads every path in `root`: afterwards found(i) and element(i) answer exactly what
  // DomLookup(root, paths[i], ...) does, until the next Lookup.
  void Lookup(simdjson::dom::element root);
  bool found(size_t i) const { return found_[i] != 0; }
  simdjson::dom::element element(size_t i) const { return out_[i]; }

 private:
  // One way a path can be read: a key of the root, then the rest of the path under it
  // (DomLookup's order: the whole path as a key, then a split at each dot in turn).
  struct Alt {
    uint32_t key;
    std::string rest;
  };
  std::deque<std::string> keys_;                        // distinct keys of the root
  std::unordered_map<std::string_view, uint32_t> index_;  // into keys_
  // A filter before the hash: by a key's length (modulo 64), a bit for its Signature.
  // Most keys of an event are not among keys_, and few pass it.
  static uint32_t Signature(std::string_view k) {
    if (k.empty()) return 0;
    return (static_cast<unsigned char>(k[0]) +
            3u * static_cast<unsigned char>(k[k.size() / 2 + (k.size() > 1)]) +
            5u * static_cast<unsigned char>(k.back())) %
           64;
  }
  uint64_t filter_[64] = {};
  std::vector<std::vector<Alt>> alts_;                  // by path (none: "", the root)
  std::vector<simdjson::dom::element> at_;              // by key: its first value
  std::vector<uint8_t> have_;                           // by key
  std::vector<simdjson::dom::element> out_;             // by path
  std::vector<uint8_t> found_;                          // by path
};

}  // namespace vigil::internal
