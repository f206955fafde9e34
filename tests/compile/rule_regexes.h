// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The `|re` values of real rules, for the soundness tests of the regex analyses
// (regex_atoms_test.cc, regex_bytes_test.cc): every pattern of the bundled pack and of
// the SigmaHQ rules in ../shared/corpus/sigma (read in place, not copied).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"

namespace vigil::internal {

// (pattern, RegexFlags) of each `field|re...:` value, one per list item.
inline std::vector<std::pair<std::string, uint8_t>> RealRuleRegexes() {
  namespace fs = std::filesystem;
  std::vector<std::string> dirs = {std::string(VIGIL_SOURCE_DIR) + "/rules"};
  const std::string shared = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma";
  if (fs::exists(shared)) dirs.push_back(shared);
  // `field|re...: 'pattern'` or `- 'pattern'` lines under such a key.
  const std::regex key(R"(^\s*[\w.]*\|re(\|[ims])*:\s*(.*)$)");
  const std::regex item(R"(^\s*-\s*'(.*)'\s*$)");
  std::vector<std::pair<std::string, uint8_t>> out;
  for (const auto& d : dirs) {
    for (const auto& e : fs::recursive_directory_iterator(d)) {
      if (e.path().extension() != ".yml") continue;
      std::ifstream in(e.path());
      std::string line;
      bool in_list = false;
      uint8_t flags = 0;
      while (std::getline(in, line)) {
        std::smatch m;
        std::string pattern;
        if (std::regex_match(line, m, key)) {
          flags = line.find("|i") != std::string::npos ? kRegexCaseless : 0;
          std::string v = m[2];
          in_list = v.empty();
          if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') pattern = v.substr(1, v.size() - 2);
        } else if (in_list && std::regex_match(line, m, item)) {
          pattern = m[1];
        } else if (in_list && line.find(':') != std::string::npos) {
          in_list = false;
        }
        if (pattern.empty()) continue;
        // YAML single quotes double a quote.
        for (size_t at = pattern.find("''"); at != std::string::npos; at = pattern.find("''", at + 1)) {
          pattern.erase(at, 1);
        }
        out.emplace_back(std::move(pattern), flags);
      }
    }
  }
  return out;
}

}  // namespace vigil::internal
