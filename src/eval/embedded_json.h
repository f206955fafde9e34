// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Embedded JSON (the "Embedded JSON" part of the contract in ir/ir.h): CloudTrail
// carries some documents as JSON text inside a string (IAM policy and trust policy
// documents, KMS key policies...), URL-encoded as IAM sends them or plain. Before an
// event is evaluated, each configured field's string gets its decoded document as a
// sibling member, so that rules reach into it with plain field paths
// (requestParameters.policyDocument.Statement.Effect) instead of regexes over the text.
// Both engines evaluate the same text: the compiled matcher and the reference
// interpreter each insert the members into the event's text (EmbeddedJson::InsertInto)
// before they read it, so the parent object's JSON text, duplicate keys and lone
// surrogates come out alike. Internal.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "eval/interpreter.h"
#include "vigil/status.h"

namespace vigil::internal {

// Decoded documents nested deeper than this are left undecoded: policy documents are
// four or five levels deep, and the insertion must not push an event past the
// evaluator's own depth limit.
inline constexpr int kMaxDecodedDepth = 32;

// The compact JSON of the object or array that `text` holds: `text` itself, or `text`
// URL-decoded when it starts with '%' (IAM's form: %7B%22Version%22...). False when it
// holds none (not JSON, a scalar, too deep). `parser` is scratch.
bool DecodeEmbeddedJson(std::string_view text, simdjson::dom::parser* parser, std::string* out);

// Inserts decoded members into event texts, for one set of embedded fields.
class EmbeddedJson {
 public:
  explicit EmbeddedJson(const std::vector<std::string>& fields);

  bool empty() const { return paths_.empty(); }

  // Whether a parse of the event has some configured field that InsertInto would give a
  // member: a string that starts like a document ('{', '[' or '%' after blanks), an
  // object or an array. The evaluator asks this of the DOM it parses anyway, so that
  // the common event (no such field) costs a few key lookups, not a search of its text.
  bool AnyIn(simdjson::dom::element root) const;

  // When some configured field of `json` is a string holding a document: writes the
  // event with the decoded members inserted to *out (followed by
  // SIMDJSON_PADDING zero bytes, not counted in the returned view) and returns true.
  // False, with *out untouched, when nothing was inserted (most events: a field's key
  // that does not occur in the text is not looked for). *view is the new event text.
  // REQUIRES: SIMDJSON_PADDING readable bytes follow json.
  bool InsertInto(std::string_view json, std::string* out, std::string_view* view);

 private:
  // The configured paths as a tree of keys, for AnyIn.
  struct KeyNode {
    std::string key;
    bool leaf = false;  // a configured field ends here
    std::vector<KeyNode> children;
  };
  bool AnyAt(simdjson::dom::element e, const KeyNode& node) const;

  struct Insertion {
    size_t at;  // offset in the event, after the string's closing quote
    std::string text;
  };
  void Visit(simdjson::ondemand::object object, const std::vector<std::string>& path,
             size_t segment, std::string_view json, std::vector<Insertion>* out);

  std::vector<std::vector<std::string>> paths_;  // each field split on '.'
  KeyNode keys_;
  std::vector<std::string> quoted_keys_;  // <last segment>", the text prefilter
  simdjson::ondemand::parser parser_;
  simdjson::dom::parser decode_parser_;
  std::vector<Insertion> insertions_;
  std::string lossy_;
};

// The reference interpreter's reading of an event (EventReadings) with the decoded
// members of `fields` inserted first, exactly as the compiled matcher inserts them.
bool EventReadingsDecoded(std::string_view json, const std::vector<std::string>& fields,
                          std::vector<TreeNode>* readings, Status* error = nullptr);

}  // namespace vigil::internal
