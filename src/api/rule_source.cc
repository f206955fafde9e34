// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rules as written (include/vigil/rule_source.h): the public face of the load and
// syntax stages for authoring tools, and of lowering plus the reference interpreter for
// parts of a rule evaluated alone.

#include "vigil/rule_source.h"

#include <algorithm>

#include "api/rule_files.h"
#include "compile/regex.h"
#include "eval/embedded_json.h"
#include "eval/interpreter.h"
#include "ir/lower.h"
#include "load/yaml_loader.h"
#include "syntax/rule_ast.h"

namespace vigil {

namespace internal {

// A rule file's YAML tree and its name, shared by every SourceNode into it.
struct SourceFile {
  std::shared_ptr<const YamlTree> tree;
  std::string file;

  static SourceNode Node(const std::shared_ptr<const SourceFile>& f, const YamlNode& n) {
    if (!n) return SourceNode();
    return SourceNode(f, n.index());
  }
};

struct EventTreeData {
  std::vector<TreeNode> readings;
  std::vector<std::string> embedded_json;  // as parsed: Values reads beneath them alike
};

struct EventTreeAccess {
  static const TreeNode& Reading(const EventTree& e, size_t i) { return e.data_->readings.at(i); }
  static EventTree Make(std::shared_ptr<const EventTreeData> data) {
    EventTree e;
    e.data_ = std::move(data);
    return e;
  }
};

}  // namespace internal

namespace {

internal::YamlNode Yaml(const std::shared_ptr<const internal::SourceFile>& file, uint32_t index) {
  if (file == nullptr) return internal::YamlNode();
  return internal::YamlNode(file->tree.get(), index);
}

}  // namespace

// ---- Detection -----------------------------------------------------------------------

std::vector<std::string> Detection::Referenced(size_t c) const {
  std::vector<std::string> declared;
  for (const auto& id : identifiers) declared.push_back(id.name);
  std::vector<std::string> out;
  for (auto& n : internal::ConditionIdentifiers(conditions.at(c).root, declared)) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(std::move(n));
  }
  return out;
}

std::vector<std::string> Detection::Referenced() const {
  std::vector<std::string> out;
  for (size_t c = 0; c < conditions.size(); ++c) {
    for (auto& n : Referenced(c)) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(std::move(n));
    }
  }
  return out;
}

bool Detection::Evaluate(const std::vector<std::pair<std::string, bool>>& truth) const {
  // EvalCondition expands `1 of X` over the identifiers it is given, in the order
  // given: the declared order, as lowering expands them.
  std::vector<std::pair<std::string, bool>> ordered;
  for (const auto& id : identifiers) {
    const auto it =
        std::find_if(truth.begin(), truth.end(), [&](const auto& t) { return t.first == id.name; });
    ordered.emplace_back(id.name, it != truth.end() && it->second);
  }
  for (const auto& t : truth) {
    if (std::none_of(ordered.begin(), ordered.end(),
                     [&](const auto& o) { return o.first == t.first; })) {
      ordered.push_back(t);
    }
  }
  for (const auto& c : conditions) {
    if (internal::EvalCondition(c.root, ordered)) return true;
  }
  return false;
}

// ---- SourceNode ----------------------------------------------------------------------

SourceNode::Kind SourceNode::kind() const {
  switch (Yaml(file_, index_).kind()) {
    case internal::YamlNode::Kind::kUndefined: return Kind::kMissing;
    case internal::YamlNode::Kind::kNull: return Kind::kNull;
    case internal::YamlNode::Kind::kScalar: return Kind::kScalar;
    case internal::YamlNode::Kind::kSequence: return Kind::kSequence;
    case internal::YamlNode::Kind::kMap: return Kind::kMap;
  }
  return Kind::kMissing;
}

std::string_view SourceNode::text() const { return internal::KeyText(Yaml(file_, index_)); }
bool SourceNode::plain() const { return Yaml(file_, index_).IsPlain(); }

SourceLocation SourceNode::where() const {
  const internal::YamlNode n = Yaml(file_, index_);
  if (!n) return {};
  return internal::LocationOf(n, file_->file);
}

size_t SourceNode::size() const { return Yaml(file_, index_).size(); }
SourceNode SourceNode::element(size_t i) const {
  return internal::SourceFile::Node(file_, Yaml(file_, index_).Element(i));
}
SourceNode SourceNode::key(size_t i) const {
  return internal::SourceFile::Node(file_, Yaml(file_, index_).Key(i));
}
SourceNode SourceNode::value(size_t i) const {
  return internal::SourceFile::Node(file_, Yaml(file_, index_).Value(i));
}
SourceNode SourceNode::operator[](std::string_view key) const {
  return internal::SourceFile::Node(file_, Yaml(file_, index_)[key]);
}

// ---- Rule files ----------------------------------------------------------------------

std::vector<RuleFile> ReadRuleFiles(const std::string& path, std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> ignored;
  std::vector<Diagnostic>* diags = diagnostics != nullptr ? diagnostics : &ignored;
  const std::vector<std::string> files = internal::RuleFilesOf(path, diags);
  std::vector<RuleFile> out;
  size_t rules = 0;
  for (const std::string& f : files) {
    RuleFile& rf = out.emplace_back();
    rf.path = f;
    std::string text, error;
    if (!internal::ReadRuleFile(f, &text, &error)) {
      diags->push_back(internal::FileError(f, error));
      continue;
    }
    for (const auto& doc : internal::LoadYamlDocuments(text, f, diags)) {
      if (rules >= internal::kMaxRules) {
        diags->push_back(internal::TooManyRules(doc.where));
        return out;
      }
      internal::RuleAst ast;
      if (!internal::ParseRuleDocument(doc, &ast, diags)) continue;
      ++rules;
      auto file = std::make_shared<internal::SourceFile>();
      file->tree = doc.tree;
      file->file = f;
      RuleSource& src = rf.rules.emplace_back();
      switch (ast.kind) {
        case internal::RuleAst::Kind::kDetection: src.kind = RuleSource::Kind::kDetection; break;
        case internal::RuleAst::Kind::kFilter: src.kind = RuleSource::Kind::kFilter; break;
        case internal::RuleAst::Kind::kCorrelation:
          src.kind = RuleSource::Kind::kCorrelation;
          break;
      }
      src.info = std::move(ast.info);
      src.detection = std::move(ast.detection);
      src.document = internal::SourceFile::Node(file, doc.root);
    }
  }
  return out;
}

// ---- Parts evaluated alone -----------------------------------------------------------

Result<EventTree> EventTree::Parse(std::string_view json, const CompileOptions& options) {
  auto data = std::make_shared<internal::EventTreeData>();
  data->embedded_json = options.embedded_json;
  Status error;
  if (!internal::EventReadingsDecoded(json, data->embedded_json, &data->readings, &error)) {
    return error;
  }
  if (data->readings.empty() || data->readings.front().kind != internal::TreeNode::Kind::kObject) {
    return Status::Error(StatusCode::kInvalidInput, "the event is not a JSON object");
  }
  return internal::EventTreeAccess::Make(std::move(data));
}

size_t EventTree::readings() const { return data_ ? data_->readings.size() : 0; }

std::vector<std::string> EventTree::Values(std::string_view field, size_t reading,
                                           size_t max) const {
  std::vector<std::string> out;
  const internal::TreeNode& root = internal::EventTreeAccess::Reading(*this, reading);
  const std::string path = internal::DecodedPath(std::string(field), data_->embedded_json);
  for (const internal::TreeNode* v : internal::PathValues(path, root)) {
    if (out.size() >= max) break;
    out.push_back(v->kind == internal::TreeNode::Kind::kNull ? std::string("null") : v->text);
  }
  return out;
}

bool ItemHolds(const DetectionItem& item, const EventTree& event, size_t reading,
               const CompileOptions& options) {
  internal::Ir scratch;
  scratch.embedded_json = options.embedded_json;
  internal::Expr e;
  std::vector<Diagnostic> ignored;  // the rule reports them when it loads
  return internal::LowerItem(item, options.placeholders, internal::CompileRegexCheck, &scratch, &e,
                             &ignored) &&
         internal::InterpretExpr(scratch, e, internal::EventTreeAccess::Reading(event, reading));
}

Constancy IdentifierConstancy(const SearchIdentifier& identifier, const CompileOptions& options) {
  Detection one;
  one.identifiers.push_back(identifier);
  Condition& c = one.conditions.emplace_back();
  c.text = identifier.name;
  c.root.kind = ConditionNode::Kind::kIdentifier;
  c.root.name = identifier.name;
  c.where = identifier.where;
  internal::Ir ir;
  ir.embedded_json = options.embedded_json;
  internal::Expr e;
  std::vector<Diagnostic> ignored;  // the rule reports them when it loads
  if (!internal::LowerDetection(one, options.placeholders, internal::CompileRegexCheck, &ir, &e,
                                &ignored)) {
    return Constancy::kInvalid;
  }
  if (e.kind == internal::Expr::Kind::kTrue) return Constancy::kAlwaysHolds;
  if (e.kind == internal::Expr::Kind::kFalse) return Constancy::kNeverHolds;
  return Constancy::kDependsOnEvent;
}

}  // namespace vigil
