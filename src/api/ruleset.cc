// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RuleSetBuilder and RuleSet: the public face of load -> syntax -> IR -> compile.

#include "vigil/ruleset.h"

#include <algorithm>
#include <map>
#include <set>

#include "api/rule_files.h"
#include "api/rule_sources.h"
#include "common/rule_names.h"
#include "compile/program.h"
#include "compile/regex.h"
#include "correlate/fields.h"
#include "correlate/resolve.h"
#include "ir/lower.h"
#include "load/yaml_loader.h"
#include "syntax/rule_ast.h"
#include "util/bounded_read.h"

namespace vigil {

using internal::RuleAst;

using internal::FileError;

struct RuleSetBuilder::Impl {
  CompileOptions options;
  std::vector<RuleAst> asts;
  std::vector<Diagnostic> diagnostics;
  bool built = false;
  bool rule_limit_reported = false;  // internal::kMaxRules was passed

  // Parses the rules of one file's text (skip_attributes already blanked).
  void Load(std::string_view yaml, const std::string& name) {
    const std::vector<internal::YamlDocument> docs =
        internal::LoadYamlDocuments(yaml, name, &diagnostics);
    for (const auto& doc : docs) {
      if (asts.size() >= internal::kMaxRules) {
        // Once: every document after the limit is left out for the same reason.
        if (!rule_limit_reported) {
          rule_limit_reported = true;
          diagnostics.push_back(internal::TooManyRules(doc.where));
        }
        return;
      }
      RuleAst ast;
      if (internal::ParseRuleDocument(doc, &ast, &diagnostics)) asts.push_back(std::move(ast));
    }
  }
};

RuleSetBuilder::RuleSetBuilder(CompileOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
RuleSetBuilder::~RuleSetBuilder() = default;

const std::vector<Diagnostic>& RuleSetBuilder::diagnostics() const { return impl_->diagnostics; }

bool RuleSetBuilder::has_errors() const {
  return std::any_of(impl_->diagnostics.begin(), impl_->diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

void RuleSetBuilder::AddYaml(std::string_view yaml, const std::string& name) {
  if (impl_->options.skip_attributes.empty()) {
    impl_->Load(yaml, name);
    return;
  }
  std::string text(yaml);
  internal::BlankTopLevelKeys(&text, impl_->options.skip_attributes);
  impl_->Load(text, name);
}

void RuleSetBuilder::AddFile(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::ReadRuleFile(path, &text, &error)) {
    impl_->diagnostics.push_back(FileError(path, error));
    return;
  }
  if (!impl_->options.skip_attributes.empty()) {
    internal::BlankTopLevelKeys(&text, impl_->options.skip_attributes);
  }
  impl_->Load(text, path);
}

void RuleSetBuilder::AddPath(const std::string& path) {
  for (const auto& f : internal::RuleFilesOf(path, &impl_->diagnostics)) AddFile(f);
}

std::shared_ptr<const RuleSet> RuleSetBuilder::Build() {
  Impl& im = *impl_;
  im.built = true;
  internal::Ir ir;
  ir.embedded_json = im.options.embedded_json;
  std::vector<RuleAst*> detections;
  std::vector<internal::Expr> exprs;
  std::vector<const RuleAst*> correlation_asts;
  for (auto& ast : im.asts) {
    if (ast.kind == RuleAst::Kind::kCorrelation) {
      correlation_asts.push_back(&ast);
      continue;
    }
    if (ast.kind != RuleAst::Kind::kDetection) continue;
    internal::Expr e;
    if (!internal::LowerDetection(ast.detection, im.options.placeholders,
                                  internal::CompileRegexCheck, &ir, &e, &im.diagnostics)) {
      continue;
    }
    detections.push_back(&ast);
    exprs.push_back(std::move(e));
  }
  std::vector<std::vector<const RuleAst*>> filters_of(detections.size());
  // Sigma meta filters, applied as pySigma (the reference implementation) applies them:
  // the rule's condition becomes `(condition) and (filter condition)`, for the rules the
  // filter names (by id, name or title, or `any`) whose logsource the filter's covers.
  for (auto& ast : im.asts) {
    if (ast.kind != RuleAst::Kind::kFilter) continue;
    internal::Expr f;
    if (!internal::LowerDetection(ast.detection, im.options.placeholders,
                                  internal::CompileRegexCheck, &ir, &f, &im.diagnostics)) {
      continue;
    }
    const Logsource& fl = ast.info.logsource;
    auto covers = [&](const Logsource& rl) {
      return (fl.category.empty() || fl.category == rl.category) &&
             (fl.product.empty() || fl.product == rl.product) &&
             (fl.service.empty() || fl.service == rl.service);
    };
    const bool any = ast.filter_rules.size() == 1 && ast.filter_rules[0] == "any";
    std::vector<bool> applied(detections.size(), false);
    for (const auto& ref : ast.filter_rules) {
      std::vector<uint32_t> named;
      if (any) {
        for (size_t i = 0; i < detections.size(); ++i) named.push_back(static_cast<uint32_t>(i));
      } else {
        named = internal::RulesNamed(
            detections.size(), [&](size_t i) -> const RuleInfo& { return detections[i]->info; },
            ref);
      }
      for (uint32_t i : named) {
        if (applied[i] || !covers(detections[i]->info.logsource)) continue;
        applied[i] = true;
        exprs[i] = internal::Expr::And({std::move(exprs[i]), f});
        filters_of[i].push_back(&ast);
      }
      if (named.empty() && !any) {
        im.diagnostics.emplace_back(Severity::kWarning, ast.info.where,
                                    "filter '" + ast.info.title + "' names rule '" + ref +
                                        "', which is not loaded");
      }
    }
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < detections.size(); ++i) {
    const RuleInfo& info = detections[i]->info;
    if (!info.id.empty() && !ids.insert(info.id).second) {
      im.diagnostics.push_back({Severity::kWarning, info.where, "duplicate rule id " + info.id});
    }
  }
  std::vector<CorrelationRule> correlations;
  std::vector<bool> suppressed;
  internal::ResolveCorrelations(correlation_asts, detections, &correlations, &suppressed,
                                &im.diagnostics);
  // The compiled rule code keeps a predicate's id in 28 bits. The loader's limits admit
  // more in theory; memory runs out long before (each predicate is ~200 bytes).
  if (ir.predicates.size() > internal::kMaxPredicates) {
    im.diagnostics.push_back({Severity::kError,
                              {},
                              "the rules hold " + std::to_string(ir.predicates.size()) +
                                  " distinct predicates, more than the " +
                                  std::to_string(internal::kMaxPredicates) +
                                  " one rule set can compile"});
    detections.clear();
    exprs.clear();
  }
  // Last reader of the rules' infos above: they move into the program, uncopied.
  ir.rules.reserve(detections.size());
  for (size_t i = 0; i < detections.size(); ++i) {
    ir.rules.push_back({std::move(detections[i]->info), std::move(exprs[i])});
  }
  auto program = internal::CompileProgram(std::move(ir));
  // The compiler's own warnings (a literal or regex set it could not build) follow the
  // load's, in the builder's list and the set's alike.
  im.diagnostics.insert(im.diagnostics.end(), program->diagnostics.begin(),
                        program->diagnostics.end());
  program->diagnostics = im.diagnostics;
  auto sources = std::make_unique<internal::RuleSources>();
  sources->options = im.options;
  sources->detections.resize(detections.size());
  sources->filters.resize(detections.size());
  for (size_t i = 0; i < detections.size(); ++i) {
    sources->detections[i] = std::move(detections[i]->detection);
    for (const RuleAst* f : filters_of[i]) sources->filters[i].push_back({f->info, f->detection});
  }
  auto set = std::shared_ptr<RuleSet>(new RuleSet(std::move(program)));
  set->sources_ = std::move(sources);
  set->correlations_ = std::move(correlations);
  set->suppressed_ = std::move(suppressed);
  if (!set->correlations_.empty()) {
    std::vector<std::string>& fields = set->captured_fields_;
    fields = {"eventTime", "@timestamp"};
    auto want = [&fields](const std::string& f) {
      if (std::find(fields.begin(), fields.end(), f) == fields.end()) fields.push_back(f);
    };
    set->feeds_.assign(set->size(), false);
    for (const CorrelationRule& c : set->correlations_) {
      internal::ForEachReadField(c, want);
      for (const auto& position : c.rules) {
        for (uint32_t i : position) {
          if (i < set->feeds_.size()) set->feeds_[i] = true;
        }
      }
    }
  }
  return set;
}

std::vector<size_t> RuleSet::Find(std::string_view key) const {
  const std::vector<uint32_t> found =
      internal::RulesNamed(size(), [this](size_t i) -> const RuleInfo& { return rule(i); }, key);
  return std::vector<size_t>(found.begin(), found.end());
}

std::vector<size_t> RuleSet::FindCorrelations(std::string_view key) const {
  const std::vector<uint32_t> found = internal::RulesNamed(
      correlations_.size(), [this](size_t i) -> const RuleInfo& { return correlations_[i].info; },
      key);
  return std::vector<size_t>(found.begin(), found.end());
}

RuleSet::RuleSet(std::unique_ptr<internal::Program> program) : program_(std::move(program)) {}
RuleSet::~RuleSet() = default;
size_t RuleSet::size() const { return program_->ir.rules.size(); }
const Detection& RuleSet::detection(size_t i) const { return sources_->detections.at(i); }
const std::vector<RuleSet::Filter>& RuleSet::filters(size_t i) const {
  return sources_->filters.at(i);
}
const CompileOptions& RuleSet::compile_options() const { return sources_->options; }
const RuleInfo& RuleSet::rule(size_t i) const { return program_->ir.rules[i].info; }
const std::vector<Diagnostic>& RuleSet::diagnostics() const { return program_->diagnostics; }
std::string RuleSet::Dump() const { return program_->Dump(); }

Status LoadPlaceholderFile(const std::string& path,
                           std::map<std::string, std::vector<std::string>>* out) {
  std::string text;
  int err = 0;
  const internal::ReadResult read =
      internal::ReadFileBounded(path, internal::kMaxRuleFileBytes, &text, &err);
  if (read == internal::ReadResult::kTooLarge) {
    return Status::Error(StatusCode::kLimitExceeded, path + ": vars file is larger than " +
                         std::to_string(internal::kMaxRuleFileBytes) + " bytes");
  }
  if (read != internal::ReadResult::kOk)
    return Status::Error(StatusCode::kIoError, path + ": cannot read the file");
  std::vector<Diagnostic> diagnostics;
  const std::vector<internal::YamlDocument> docs =
      internal::LoadYamlDocuments(text, path, &diagnostics);
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError)
      return Status::Error(StatusCode::kInvalidInput, d.ToString());
  }
  const internal::YamlNode vars = docs.empty() ? internal::YamlNode() : docs[0].root["vars"];
  if (!vars) return Status::Error(StatusCode::kInvalidInput, path + ": no 'vars' section");
  if (!vars.IsMap())
    return Status::Error(StatusCode::kInvalidInput, path + ": 'vars' must be a map");
  for (const auto& [k, v] : vars.Entries()) {
    const std::string name(internal::KeyText(k));
    std::vector<std::string>& values = (*out)[name];
    if (v.IsSequence()) {
      for (const internal::YamlNode e : v.Elements()) values.emplace_back(internal::KeyText(e));
    } else if (v.IsScalar()) {
      values.emplace_back(v.Scalar());
    } else {
      return Status::Error(StatusCode::kInvalidInput, path + ": placeholder '" + name +
                           "' must be a string or a list of strings");
    }
  }
  return Status::Ok();
}

}  // namespace vigil
