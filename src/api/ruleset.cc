// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RuleSetBuilder and RuleSet: the public face of load -> syntax -> IR -> compile.

#include "vigil/ruleset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "compile/program.h"
#include "ir/lower.h"
#include "load/yaml_loader.h"
#include "syntax/rule_ast.h"

namespace vigil {

namespace fs = std::filesystem;
using internal::RuleAst;

namespace {
// An error about a whole file (no line or column).
Diagnostic FileError(const std::string& file, std::string message) {
  SourceLocation where;
  where.file = file;
  return Diagnostic(Severity::kError, std::move(where), std::move(message));
}
}  // namespace

struct RuleSetBuilder::Impl {
  CompileOptions options;
  std::vector<RuleAst> asts;
  std::vector<Diagnostic> diagnostics;
  bool built = false;
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
  std::string trimmed;
  if (!impl_->options.skip_attributes.empty()) {
    trimmed = internal::BlankTopLevelKeys(yaml, impl_->options.skip_attributes);
    yaml = trimmed;
  }
  auto docs = internal::LoadYamlDocuments(yaml, name, &impl_->diagnostics);
  for (const auto& doc : docs) {
    RuleAst ast;
    if (internal::ParseRuleDocument(doc, &ast, &impl_->diagnostics)) {
      impl_->asts.push_back(std::move(ast));
    }
  }
}

void RuleSetBuilder::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    impl_->diagnostics.push_back(FileError(path, "cannot read rule file"));
    return;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  AddYaml(ss.str(), path);
}

void RuleSetBuilder::AddPath(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (!fs::exists(path, ec)) {
      impl_->diagnostics.push_back(FileError(path, "no such rule file or folder"));
      return;
    }
    AddFile(path);
    return;
  }
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& p = it->path();
    const std::string ext = p.extension().string();
    if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml") &&
        p.filename().string()[0] != '.') {
      files.push_back(p.string());
    }
  }
  if (ec) {
    impl_->diagnostics.push_back(FileError(path, "cannot walk folder: " + ec.message()));
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) AddFile(f);
}

std::shared_ptr<const RuleSet> RuleSetBuilder::Build() {
  Impl& im = *impl_;
  im.built = true;
  internal::Ir ir;
  std::vector<RuleAst*> detections;
  std::vector<internal::Expr> exprs;
  for (auto& ast : im.asts) {
    if (ast.kind == RuleAst::Kind::kCorrelation) {
      im.diagnostics.push_back(
          {Severity::kWarning, ast.info.where,
           "correlation rule '" + ast.info.title + "' (" + ast.correlation.type +
               ") was parsed and validated, but correlation rules are not evaluated yet: it "
               "will not produce alerts"});
      continue;
    }
    if (ast.kind != RuleAst::Kind::kDetection) continue;
    internal::Expr e;
    if (!internal::LowerDetection(ast.detection, im.options.placeholders, &ir, &e, &im.diagnostics)) {
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
    if (!internal::LowerDetection(ast.detection, im.options.placeholders, &ir, &f, &im.diagnostics)) {
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
      bool found = false;
      for (size_t i = 0; i < detections.size(); ++i) {
        const RuleInfo& info = detections[i]->info;
        const bool named = any || (!info.id.empty() && info.id == ref) ||
                           (!info.name.empty() && info.name == ref) || info.title == ref;
        if (!named) continue;
        found = true;
        if (applied[i] || !covers(info.logsource)) continue;
        applied[i] = true;
        exprs[i] = internal::Expr::And({std::move(exprs[i]), f});
        filters_of[i].push_back(&ast);
      }
      if (!found && !any) {
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
    ir.rules.push_back({info, std::move(exprs[i])});
  }
  auto program = internal::CompileProgram(std::move(ir));
  program->diagnostics = im.diagnostics;
  program->placeholders = im.options.placeholders;
  program->sources.resize(detections.size());
  for (size_t i = 0; i < detections.size(); ++i) {
    internal::RuleSource& src = program->sources[i];
    src.detection = std::move(detections[i]->detection);
    for (const RuleAst* f : filters_of[i]) src.filters.push_back({f->info, f->detection});
  }
  return std::shared_ptr<const RuleSet>(new RuleSet(std::move(program)));
}

RuleSet::RuleSet(std::unique_ptr<internal::Program> program) : program_(std::move(program)) {}
RuleSet::~RuleSet() = default;
size_t RuleSet::size() const { return program_->ir.rules.size(); }
const RuleInfo& RuleSet::rule(size_t i) const { return program_->ir.rules[i].info; }
const std::vector<Diagnostic>& RuleSet::diagnostics() const { return program_->diagnostics; }
std::string RuleSet::Dump() const { return program_->Dump(); }

Status LoadPlaceholderFile(const std::string& path,
                           std::map<std::string, std::vector<std::string>>* out) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    YAML::Node vars = root["vars"];
    if (!vars) return Status::Error(path + ": no 'vars' section");
    if (!vars.IsMap()) return Status::Error(path + ": 'vars' must be a map");
    for (const auto& kv : vars) {
      std::vector<std::string>& values = (*out)[kv.first.as<std::string>()];
      if (kv.second.IsSequence()) {
        for (const auto& v : kv.second) values.push_back(v.as<std::string>(""));
      } else if (kv.second.IsScalar()) {
        values.push_back(kv.second.Scalar());
      } else {
        return Status::Error(path + ": placeholder '" + kv.first.as<std::string>() +
                             "' must be a string or a list of strings");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Error(path + ": " + e.what());
  }
  return Status::Ok();
}

}  // namespace vigil
