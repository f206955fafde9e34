// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "eval/embedded_json.h"

#include <string.h>

#include <algorithm>

#include "ir/ir.h"
#include "util/strings.h"
#include "util/surrogates.h"

namespace vigil::internal {

namespace {

// RFC 3986 percent-decoding ('+' stays '+': IAM encodes a space as %20). False on a
// broken escape.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

bool WithinDepth(simdjson::dom::element e, int depth) {
  if (depth > kMaxDecodedDepth) return false;
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
        if (!WithinDepth(kv.value, depth + 1)) return false;
      }
      return true;
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element el : simdjson::dom::array(e)) {
        if (!WithinDepth(el, depth + 1)) return false;
      }
      return true;
    default: return true;
  }
}

// `key` as the inside of a JSON string.
void AppendEscaped(std::string_view key, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
}

// ,"<key>\u001fdecoded":<document>
void AppendMember(std::string_view key, std::string_view document, std::string* out) {
  out->reserve(out->size() + document.size() + key.size() + 24);
  out->append(",\"");
  AppendEscaped(key, out);
  AppendEscaped(kDecodedSuffix, out);
  out->append("\":");
  out->append(document);
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out(1);
  for (const char c : path) {
    if (c == '.') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

bool DecodeEmbeddedJson(std::string_view text, simdjson::dom::parser* parser, std::string* out) {
  size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t' || text[start] == '\n' ||
                                 text[start] == '\r')) {
    ++start;
  }
  if (start == text.size()) return false;
  std::string decoded;
  if (text[start] == '%') {
    if (!PercentDecode(text, &decoded)) return false;
  } else if (text[start] == '{' || text[start] == '[') {
    decoded.assign(text);
  } else {
    return false;  // a scalar, or not JSON: nothing to decode
  }
  simdjson::dom::element root;
  if (parser->parse(decoded).get(root)) return false;
  if (root.type() != simdjson::dom::element_type::OBJECT &&
      root.type() != simdjson::dom::element_type::ARRAY) {
    return false;
  }
  if (!WithinDepth(root, 1)) return false;
  *out = simdjson::minify(root);
  return true;
}

EmbeddedJson::EmbeddedJson(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    paths_.push_back(Split(f));
    KeyNode* node = &keys_;
    for (const std::string& segment : paths_.back()) {
      auto it = std::find_if(node->children.begin(), node->children.end(),
                             [&](const KeyNode& c) { return c.key == segment; });
      if (it == node->children.end()) {
        node->children.push_back({segment, false, {}});
        it = node->children.end() - 1;
      }
      node = &*it;
    }
    node->leaf = true;
    // The key and its closing quote: a needle that starts with a letter, not with the
    // quote every JSON text is full of.
    quoted_keys_.push_back(paths_.back().back() + "\"");
  }
}

namespace {

bool LooksLikeDocument(simdjson::dom::element v) {
  switch (v.type()) {
    case simdjson::dom::element_type::OBJECT:
    case simdjson::dom::element_type::ARRAY: return true;
    case simdjson::dom::element_type::STRING: {
      const std::string_view text(v);
      const size_t at = text.find_first_not_of(" \t\n\r");
      return at != std::string_view::npos &&
             (text[at] == '{' || text[at] == '[' || text[at] == '%');
    }
    default: return false;
  }
}

}  // namespace

// One pass over each object on the way: its keys are compared with the few that the
// configured paths name there (most events: "requestParameters" at the top, then the
// handful of its keys).
bool EmbeddedJson::AnyAt(simdjson::dom::element e, const KeyNode& node) const {
  if (e.type() != simdjson::dom::element_type::OBJECT) return false;
  for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
    for (const KeyNode& child : node.children) {
      if (kv.key != child.key) continue;
      if (child.leaf && LooksLikeDocument(kv.value)) return true;
      if (!child.children.empty() && AnyAt(kv.value, child)) return true;
    }
  }
  return false;
}

bool EmbeddedJson::AnyIn(simdjson::dom::element root) const { return AnyAt(root, keys_); }

bool EmbeddedJson::InsertInto(std::string_view json, std::string* out, std::string_view* view) {
  // A key may be written with escapes ("policy\u0044ocument"): an event with any \u
  // escape is looked at whatever its text, so spelling a key differently cannot keep
  // its document from the rules.
  // (glibc's memmem: std::string_view::find would stop at every '"' of the event.)
  const auto has = [json](std::string_view needle) {
    return memmem(json.data(), json.size(), needle.data(), needle.size()) != nullptr;
  };
  const bool escapes = has("\\u");
  insertions_.clear();
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (!escapes && !has(quoted_keys_[i])) continue;
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (parser_.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING)
            .get(doc) ||
        doc.get_object().get(object)) {
      return false;  // not an object, or broken: the evaluator reports it as it is
    }
    Visit(object, paths_[i], 0, json, &insertions_);
  }
  if (insertions_.empty()) return false;
  std::stable_sort(insertions_.begin(), insertions_.end(),
                   [](const Insertion& a, const Insertion& b) { return a.at < b.at; });
  size_t size = json.size();
  for (const Insertion& ins : insertions_) size += ins.text.size();
  out->clear();
  out->reserve(size + simdjson::SIMDJSON_PADDING);
  size_t from = 0;
  for (const Insertion& ins : insertions_) {
    out->append(json.substr(from, ins.at - from));
    out->append(ins.text);
    from = ins.at;
  }
  out->append(json.substr(from));
  out->append(simdjson::SIMDJSON_PADDING, '\0');
  *view = std::string_view(out->data(), size);
  return true;
}

void EmbeddedJson::Visit(simdjson::ondemand::object object, const std::vector<std::string>& path,
                         size_t segment, std::string_view json, std::vector<Insertion>* out) {
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) return;
    if (key != path[segment]) continue;
    simdjson::ondemand::value value = field.value();
    if (segment + 1 < path.size()) {
      simdjson::ondemand::object inner;
      if (!value.get_object().get(inner)) Visit(inner, path, segment + 1, json, out);
      continue;
    }
    const std::string_view raw = value.raw_json_token();
    if (!raw.empty() && (raw[0] == '{' || raw[0] == '[')) {
      // Already a document in the event (a log shipper may have decoded it): the member
      // holds a copy, so that paths beneath the field read it either way.
      std::string_view whole;
      simdjson::ondemand::object o;
      simdjson::ondemand::array a;
      if (raw[0] == '{' ? value.get_object().get(o) || o.raw_json().get(whole)
                        : value.get_array().get(a) || a.raw_json().get(whole)) {
        return;
      }
      while (!whole.empty() && (whole.back() == ' ' || whole.back() == '\n' ||
                                whole.back() == '\r' || whole.back() == '\t')) {
        whole.remove_suffix(1);
      }
      Insertion ins;
      ins.at = static_cast<size_t>(whole.data() + whole.size() - json.data());
      AppendMember(key, whole, &ins.text);
      out->push_back(std::move(ins));
      continue;
    }
    if (raw.empty() || raw[0] != '"') continue;
    std::string_view text;
    if (value.get_string().get(text)) {
      // A lone surrogate escape, which simdjson refuses: read as U+FFFD, as both engines
      // read such strings (util/surrogates.h).
      if (!UnescapeStringLossy(raw, &lossy_)) continue;
      text = lossy_;
    }
    // The string's closing quote, in the event's own text.
    const char* p = raw.data() + 1;
    const char* end = json.data() + json.size();
    while (p < end && *p != '"') p += *p == '\\' ? 2 : 1;
    if (p >= end) continue;
    std::string decoded;
    if (!DecodeEmbeddedJson(text, &decode_parser_, &decoded)) continue;
    Insertion ins;
    ins.at = static_cast<size_t>(p + 1 - json.data());
    AppendMember(key, decoded, &ins.text);
    out->push_back(std::move(ins));
  }
}

bool EventReadingsDecoded(std::string_view json, const std::vector<std::string>& fields,
                          std::vector<TreeNode>* readings, Status* error) {
  if (fields.empty()) return EventReadings(json, readings, error);
  std::string padded(json);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  EmbeddedJson embedded(fields);
  std::string inserted;
  std::string_view view;
  if (embedded.InsertInto(std::string_view(padded.data(), json.size()), &inserted, &view)) {
    return EventReadings(view, readings, error);
  }
  return EventReadings(json, readings, error);
}

}  // namespace vigil::internal
