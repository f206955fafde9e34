// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// vigil: a detection-rules engine for cloud audit logs. Umbrella header.
//
//   vigil::RuleSetBuilder b;            // ruleset.h: load and compile Sigma rules
//   b.AddPath("rules/");
//   for (auto& d : b.diagnostics()) std::cerr << d.ToString() << "\n";
//   std::shared_ptr<const vigil::RuleSet> rules = b.Build();
//   vigil::Scanner scanner(rules);      // scanner.h: one per thread
//   std::vector<vigil::Match> out;
//   scanner.Match(R"({"eventName":"StopLogging", ...})", &out);
#pragma once

#define VIGIL_VERSION_MAJOR 0
#define VIGIL_VERSION_MINOR 1
#define VIGIL_VERSION_PATCH 0

#include "vigil/correlation.h"
#include "vigil/explain.h"
#include "vigil/input.h"
#include "vigil/lint.h"
#include "vigil/rule.h"
#include "vigil/rule_source.h"
#include "vigil/rule_tests.h"
#include "vigil/ruleset.h"
#include "vigil/scan_stream.h"
#include "vigil/scanner.h"
#include "vigil/status.h"
#include "vigil/validate.h"
