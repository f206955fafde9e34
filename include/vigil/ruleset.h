// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RuleSetBuilder -> RuleSet: load Sigma rules from YAML and compile them into one
// immutable matching program.
//
// Lifecycle: create a RuleSetBuilder, add files, folders or YAML text (each rule that
// fails to load becomes a Diagnostic and the others still load), then call Build()
// once. Build() returns a std::shared_ptr<const RuleSet>.
//
// Limits (docs/limits.md lists them all): a rule file of more than 16 MiB; a YAML
// document nested deeper than 64 levels or with more than 1,000,000 nodes once its
// aliases are expanded ("billion laughs", alias cycles); more than 100,000 rules per
// builder; more than 10,000 search identifiers in a detection, field entries in a
// search identifier, or values in one item; more than 100,000 patterns from one item
// once encodings and windash variants are applied; a condition nested deeper than 64
// parentheses or `not`s; a `|re` pattern longer than 16 KiB or with groups nested
// deeper than 250. Each is an error Diagnostic (file:line:column of the node that
// passed it) that leaves the rule (or file) out; the other rules still load.
//
// Ownership and thread safety: a RuleSet is immutable; every method is const and it
// may be shared by any number of threads, each matching with its own Scanner
// (scanner.h). A RuleSetBuilder is a single-threaded, mutable object.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/correlation.h"
#include "vigil/export.h"
#include "vigil/rule.h"
#include "vigil/rule_source.h"
#include "vigil/status.h"

namespace vigil {

namespace internal {
struct Program;
struct RuleSources;
}

// Reads placeholder values from a YAML file in the form of a pySigma processing
// pipeline's `vars` section:
//   vars:
//     Admins: [adm_alice, adm_bob]
//     Legitimate_Countries: US
// Scalars become one-element lists. Other keys of the file are ignored.
VIGIL_EXPORT Status LoadPlaceholderFile(const std::string& path,
                                        std::map<std::string, std::vector<std::string>>* out);

class RuleSet;

class VIGIL_EXPORT RuleSetBuilder {
 public:
  explicit RuleSetBuilder(CompileOptions options = {});
  ~RuleSetBuilder();
  RuleSetBuilder(const RuleSetBuilder&) = delete;
  RuleSetBuilder& operator=(const RuleSetBuilder&) = delete;

  // Adds every rule of one YAML file (several documents separated by `---` allowed).
  // REQUIRES: Build() has not been called.
  void AddFile(const std::string& path);

  // Adds a file, or every *.yml / *.yaml file under a folder (recursively, in sorted
  // order so results are deterministic).
  // REQUIRES: Build() has not been called.
  void AddPath(const std::string& path);

  // Adds rules from YAML text. `name` is used as the file in diagnostics.
  // REQUIRES: Build() has not been called.
  void AddYaml(std::string_view yaml, const std::string& name = "<string>");

  // Everything found so far, in the order found. Errors mean the named rule (or file)
  // was left out; warnings do not.
  const std::vector<Diagnostic>& diagnostics() const;
  bool has_errors() const;

  // Compiles the rules added so far that loaded without error. Filters (Sigma meta
  // filters) are applied to the rules they name. Problems found while compiling are
  // appended to diagnostics().
  // REQUIRES: Build() has not been called.
  std::shared_ptr<const RuleSet> Build();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class VIGIL_EXPORT RuleSet {
 public:
  ~RuleSet();
  // A RuleSet is shared through shared_ptr<const RuleSet>; copying would duplicate a
  // large compiled program for no benefit.
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // Number of detection rules that can match (filters and correlations not counted).
  size_t size() const;
  const RuleInfo& rule(size_t i) const;

  // Correlation rules (correlation.h) whose referenced rules all loaded, in load order.
  // A correlation referencing a rule that is not loaded (or, through chaining, a
  // correlation that is left out, or itself) is left out with a warning.
  size_t correlation_count() const { return correlations_.size(); }
  const CorrelationRule& correlation(size_t i) const { return correlations_[i]; }

  // True when detection rule i is referenced by correlation rules and none of them has
  // `generate: true`: per the Sigma specification its matches are inputs of the
  // correlations and are not reported as alerts of their own. Scanner::Match still
  // returns them (a Correlator needs them); `vigil scan` does not print them.
  bool suppressed(size_t i) const { return i < suppressed_.size() && suppressed_[i]; }

  // The fields the correlations read from an event, each once: eventTime and
  // @timestamp first (an event's time), then every group-by field, alias and condition
  // field. A Scanner reads them from its own parse of each event that matches a rule
  // some correlation references (feeds_correlation), so that a Correlator does not
  // parse the event again (Scanner::captured(), Correlator::Add). Empty without
  // correlations.
  const std::vector<std::string>& captured_fields() const { return captured_fields_; }
  // True when detection rule i is referenced by some correlation.
  bool feeds_correlation(size_t i) const { return i < feeds_.size() && feeds_[i]; }

  // The detection rules `key` names, in rule order: those whose id or name is `key`;
  // when none, those whose title is `key` (titles need not be unique); when none, those
  // whose title is `key` ignoring ASCII case. Empty when it names none. Every reference
  // to a rule resolves this way: a correlation's or a filter's `rules:`, `vigil
  // explain RULE`, Python's RuleSet.rule().
  std::vector<size_t> Find(std::string_view key) const;
  // The same over the correlation rules (correlation()).
  std::vector<size_t> FindCorrelations(std::string_view key) const;

  // Diagnostics of the load and compile that made this set (a copy of the builder's).
  const std::vector<Diagnostic>& diagnostics() const;

  // A readable dump of the compiled program: fields, shared predicates, per-rule
  // conditions. For debugging and `vigil dump`; the format is not stable.
  std::string Dump() const;

  // Detection rule i as written (rule_source.h): its detection, and the filters applied
  // to it, with their positions, for tools that say item by item what held (Explain).
  // Matching never reads them. REQUIRES: i < size().
  struct Filter {
    RuleInfo info;
    Detection detection;  // the filter's selection: the rule matches only if it holds
  };
  const Detection& detection(size_t i) const;
  const std::vector<Filter>& filters(size_t i) const;
  // The options the rules were compiled with, to evaluate their parts alone the same way
  // (EventTree::Parse, ItemHolds).
  const CompileOptions& compile_options() const;

  const internal::Program& program() const { return *program_; }

 private:
  friend class RuleSetBuilder;
  explicit RuleSet(std::unique_ptr<internal::Program> program);
  std::unique_ptr<internal::Program> program_;
  std::unique_ptr<internal::RuleSources> sources_;
  std::vector<CorrelationRule> correlations_;
  std::vector<bool> suppressed_;
  std::vector<std::string> captured_fields_;
  std::vector<bool> feeds_;
};

}  // namespace vigil
