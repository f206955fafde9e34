// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RuleInfo: the metadata of one loaded Sigma rule, as matches report it.
//
// A RuleInfo is owned by the RuleSet it was compiled into and lives as long as that
// RuleSet; matches hand out `const RuleInfo*` pointers into it. It is immutable and
// safe to read from any number of threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigil/export.h"
#include "vigil/status.h"

namespace vigil {

struct VIGIL_EXPORT Logsource {
  std::string category;
  std::string product;
  std::string service;
  std::string definition;

  // True when a rule with this logsource applies to AWS CloudTrail records:
  // product is empty or "aws", service is empty or "cloudtrail", category empty.
  bool FitsCloudTrail() const;
  bool empty() const { return category.empty() && product.empty() && service.empty(); }
};

struct VIGIL_EXPORT RelatedRule {
  std::string id;
  std::string type;  // derived, obsolete, merged, renamed, similar
};

struct VIGIL_EXPORT RuleInfo {
  std::string id;     // may be empty: the spec makes it optional
  std::string name;   // optional unique name (Sigma 2), referenced by filters/correlations
  std::string title;
  std::string status;
  std::string description;
  std::string license;
  std::string author;
  std::string date;
  std::string modified;
  std::string level;  // informational, low, medium, high, critical (or empty)
  std::vector<std::string> references;
  std::vector<std::string> tags;
  std::vector<std::string> falsepositives;
  std::vector<std::string> fields;
  std::vector<RelatedRule> related;
  Logsource logsource;

  // Every top-level attribute this struct does not name (custom attributes such as
  // `tests:` or `simulation:`), as compact JSON text keyed by attribute name.
  std::map<std::string, std::string> custom;

  // Where the rule's YAML document starts.
  SourceLocation where;
};

}  // namespace vigil
