// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rules as written: a read-only model of Sigma rule files that keeps the position
// of every part, and the primitives that evaluate one part of a rule alone.
//
// For tools that show, check or explain rules rather than scan with them: `vigil
// check` (lint.h) and Explain (explain.h) are written on this header alone, and an
// editor plugin or a rule reviewer can be too. Matching never reads this model: a
// RuleSet compiles it into a program that no longer knows items or positions, and
// keeps the model beside it only so that rules can be explained (RuleSet::detection).
//
// What a model holds is the rule as the syntax stage read it: field names, modifiers
// and values as written (values with their YAML type), each with its file:line:column.
// Meaning (what a modifier does to a value, what `1 of sel*` selects) is the engine's;
// ask it through ItemHolds, IdentifierConstancy and Detection::Evaluate, so that a
// tool cannot drift from what a scan does.
//
// Ownership and thread safety: every type here is a plain value (SourceNode shares an
// immutable tree), safe to read from any number of threads. The free functions are
// pure and may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/export.h"
#include "vigil/rule.h"
#include "vigil/status.h"

namespace vigil {

namespace internal {
struct SourceFile;
struct EventTreeData;
struct EventTreeAccess;
}  // namespace internal

// ---- The detection of a rule ------------------------------------------------------

// One value of a detection item, as written.
struct VIGIL_EXPORT DetectionValue {
  // Its YAML type: a plain scalar is typed by YAML 1.2's core schema (123 a number,
  // true a boolean, ~ or null a null); a quoted one is a string.
  enum class Type { kString, kNumber, kBool, kNull };
  Type type = Type::kString;
  std::string text;  // as written, unquoted (kBool: "true" or "false"; kNull: "")
  SourceLocation where;
};

// One `field|modifier|...: values` entry of a search identifier. An empty field is a
// keyword item (its values are searched in every string of the event).
struct VIGIL_EXPORT DetectionItem {
  std::string field;
  std::vector<std::string> modifiers;          // as written, in order
  std::vector<SourceLocation> modifier_where;  // one per modifier
  std::vector<DetectionValue> values;          // a single value is a list of one
  SourceLocation where;
};

// A search identifier (`selection:`): an OR of alternatives (the elements of a list of
// maps; a single map is one alternative), each an AND of items.
struct VIGIL_EXPORT SearchIdentifier {
  std::string name;
  std::vector<std::vector<DetectionItem>> alternatives;
  SourceLocation where;
};

// A parsed condition: the tree of `and`, `or`, `not`, identifiers and `1 of` / `all of`
// patterns (`them` or a name with '*' wildcards).
struct VIGIL_EXPORT ConditionNode {
  enum class Kind { kAnd, kOr, kNot, kIdentifier, kOneOf, kAllOf };
  Kind kind = Kind::kIdentifier;
  std::string name;   // kIdentifier: the identifier; kOneOf/kAllOf: the pattern or "them"
  size_t offset = 0;  // byte offset in the condition's text
  std::vector<ConditionNode> children;  // kAnd, kOr: two or more; kNot: one
};

struct VIGIL_EXPORT Condition {
  ConditionNode root;
  std::string text;  // as written
  SourceLocation where;
};

// A rule's detection (or the selection of a filter).
struct VIGIL_EXPORT Detection {
  std::vector<SearchIdentifier> identifiers;  // in the order written
  std::vector<Condition> conditions;          // several are OR-ed (a list of conditions)

  // The identifiers condition `c` refers to, each once, in order of first reference,
  // `1 of` / `all of` patterns expanded against the declared identifiers. A name no
  // identifier declares (a rule that does not load) is included as written.
  // REQUIRES: c < conditions.size().
  std::vector<std::string> Referenced(size_t c) const;
  // The same over every condition.
  std::vector<std::string> Referenced() const;

  // Whether the detection holds when each identifier is true or false as `truth`
  // says (an identifier `truth` lacks is false): the OR of the conditions. This is the
  // meaning a scan gives the conditions, quantifiers included.
  bool Evaluate(const std::vector<std::pair<std::string, bool>>& truth) const;
};

// ---- Rule files as written ---------------------------------------------------------

// A node of a rule file's YAML as written, with its position. A small handle that
// shares the file's immutable tree: copying it is cheap, and it stays valid on its own.
// An alias is the node its anchor names.
class VIGIL_EXPORT SourceNode {
 public:
  enum class Kind { kMissing, kNull, kScalar, kSequence, kMap };

  SourceNode() = default;  // kMissing: what a lookup of an absent key returns

  Kind kind() const;
  explicit operator bool() const { return kind() != Kind::kMissing; }
  bool IsScalar() const { return kind() == Kind::kScalar; }
  bool IsSequence() const { return kind() == Kind::kSequence; }
  bool IsMap() const { return kind() == Kind::kMap; }

  // A scalar's text; "null" for a null node (however it was written: ~, null, or
  // nothing); "" for a collection or a missing node.
  std::string_view text() const;
  // True for a scalar written without quotes or tag (the kind YAML types).
  bool plain() const;
  // Where the node starts; an empty location for kMissing.
  SourceLocation where() const;

  // Elements of a sequence, entries of a map; 0 for anything else.
  size_t size() const;
  // REQUIRES: IsSequence(), i < size().
  SourceNode element(size_t i) const;
  // The key and the value of the i-th entry, in the order written.
  // REQUIRES: IsMap(), i < size().
  SourceNode key(size_t i) const;
  SourceNode value(size_t i) const;
  // The value under the scalar key `key` (keys are unique), or a kMissing node.
  SourceNode operator[](std::string_view key) const;

 private:
  friend struct internal::SourceFile;
  SourceNode(std::shared_ptr<const internal::SourceFile> file, uint32_t index)
      : file_(std::move(file)), index_(index) {}
  std::shared_ptr<const internal::SourceFile> file_;
  uint32_t index_ = 0;
};

// One YAML document of a rule file that reads as a rule.
struct VIGIL_EXPORT RuleSource {
  enum class Kind { kDetection, kFilter, kCorrelation };
  Kind kind = Kind::kDetection;
  RuleInfo info;
  Detection detection;  // kDetection: the rule's; kFilter: its selection; else empty
  SourceNode document;  // the whole document as written
};

struct VIGIL_EXPORT RuleFile {
  std::string path;
  std::vector<RuleSource> rules;  // in the order written
};

// Reads rule files as written: a file, or every rule file under a folder walked as
// RuleSetBuilder::AddPath walks it (so the same files, in the same order). One RuleFile
// per file, also for a file that cannot be read (no rules). A document that is not a
// rule (a YAML error, a missing detection) is left out, with the Diagnostic a
// RuleSetBuilder would give for it appended to *diagnostics when given; so is a path
// that does not exist. The limits of ruleset.h apply.
VIGIL_EXPORT std::vector<RuleFile> ReadRuleFiles(const std::string& path,
                                                 std::vector<Diagnostic>* diagnostics = nullptr);

// ---- Parts of a rule evaluated alone -----------------------------------------------

// `|expand` placeholder values, as CompileOptions::placeholders holds them.
using PlaceholderValues = std::map<std::string, std::vector<std::string>>;

// How rules are read: RuleSetBuilder compiles with them, and the parts evaluated alone
// below take the same (RuleSet::compile_options() gives a set's).
struct VIGIL_EXPORT CompileOptions {
  // Values of `|expand` placeholders, keyed by name without the percent signs
  // (`%Admins%` -> "Admins"). A placeholder expands to the OR of its values. A rule
  // that uses a placeholder missing here is rejected with an error at its position.
  PlaceholderValues placeholders;

  // Top-level attributes (custom ones, such as `tests`) not to load at all: their lines
  // are blanked out of the YAML text before it is parsed, so positions elsewhere do not
  // move and the attribute is absent from RuleInfo::custom. `vigil scan` skips
  // `tests`: the test events are most of the bytes of a rule pack and matching never
  // reads them, and parsing them was most of the start-up time. Only block-style
  // attributes written at column 0 are recognised (the usual form); others load.
  std::vector<std::string> skip_attributes;

  // Fields whose string values hold a JSON document (as written, or URL-encoded as IAM
  // sends them; an object or an array), decoded so that rules reach into them with
  // plain paths: `requestParameters.policyDocument.Statement.Effect: Allow`. The field
  // itself keeps its string (rules that read it are unchanged); a path beneath it reads
  // the decoded document, with the usual meaning (arrays: any element). Keyword searches
  // see the decoded strings too. A string that holds no document (not JSON, a scalar,
  // nested deeper than 32 levels) decodes to nothing. The default lists where CloudTrail
  // carries policies as JSON text: IAM policy and trust documents (CreatePolicy,
  // Put*Policy, CreatePolicyVersion, CreateRole, UpdateAssumeRolePolicy), KMS key
  // policies (PutKeyPolicy, CreateKey), Secrets Manager resource policies
  // (PutResourcePolicy), ECR repository policies (SetRepositoryPolicy) and SQS queue
  // policies (SetQueueAttributes). Clear it to read every event exactly as sent.
  std::vector<std::string> embedded_json = {
      "requestParameters.policyDocument", "requestParameters.assumeRolePolicyDocument",
      "requestParameters.policy",         "requestParameters.resourcePolicy",
      "requestParameters.policyText",     "requestParameters.attributes.Policy"};
};

// One event read into a tree, to evaluate parts of rules on it one at a time. Slow next
// to a Scanner (the whole event becomes a tree); meant for one event, not for scans.
class VIGIL_EXPORT EventTree {
 public:
  // An error Status for malformed JSON, for JSON nested deeper than 1,024 levels, and for
  // a document that is not an object.
  // `options.embedded_json` says which embedded documents are decoded, as a scan of a
  // RuleSet compiled with `options` decodes them.
  static Result<EventTree> Parse(std::string_view json, const CompileOptions& options = {});

  // The ways a scan reads this event: 1, or 2 when some object in it repeats a key
  // (read first-wins, then last-wins; a rule matches if either reading matches:
  // docs/limits.md, "Text").
  size_t readings() const;

  // The values of `field` (a dotted path, as rules name fields; arrays are descended
  // into) in reading `reading`, in document order, at most `max` of them: strings
  // unescaped, numbers and booleans as written, objects and arrays as compact JSON, null
  // as "null". Empty when the field is missing. REQUIRES: reading < readings().
  std::vector<std::string> Values(std::string_view field, size_t reading = 0,
                                  size_t max = SIZE_MAX) const;

 private:
  friend struct internal::EventTreeAccess;
  EventTree() = default;
  std::shared_ptr<const internal::EventTreeData> data_;
};

// Whether `item` alone holds on reading `reading` of `event`, with the meaning a scan
// gives it (modifiers, wildcards, placeholders, embedded documents: `options` as the
// RuleSet was compiled with, RuleSet::compile_options()). Evaluated by the engine's reference
// interpreter, which the test suite holds to agreement with the compiled matcher. False
// for an item that does not load (its rule reports why). REQUIRES: reading <
// event.readings().
VIGIL_EXPORT bool ItemHolds(const DetectionItem& item, const EventTree& event, size_t reading = 0,
                            const CompileOptions& options = {});

// What a search identifier alone lowers to, whatever the event.
enum class Constancy {
  kDependsOnEvent,
  kAlwaysHolds,  // e.g. every item folded to true
  kNeverHolds,   // e.g. every value of an item removed, or a contradiction
  kInvalid,      // it does not load (its rule reports why)
};
VIGIL_EXPORT Constancy IdentifierConstancy(const SearchIdentifier& identifier,
                                           const CompileOptions& options = {});

}  // namespace vigil
