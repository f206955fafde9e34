// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML loading with positions, and YAML -> JSON for custom rule attributes.

#include "load/yaml_loader.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "util/strings.h"

namespace vigil::internal {

SourceLocation LocationOf(const YAML::Node& node, const std::string& file) {
  SourceLocation loc;
  loc.file = file;
  const YAML::Mark m = node.Mark();
  if (m.line >= 0) {
    loc.line = static_cast<uint32_t>(m.line) + 1;
    loc.column = static_cast<uint32_t>(m.column) + 1;
  }
  return loc;
}

bool IsPlainScalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() == "?";
}

std::vector<YamlDocument> LoadYamlDocuments(std::string_view text, const std::string& file,
                                            std::vector<Diagnostic>* diagnostics) {
  std::vector<YamlDocument> docs;
  if (text.size() > kMaxRuleFileBytes) {
    SourceLocation where;
    where.file = file;
    diagnostics->emplace_back(Severity::kError, where,
                              "rule file is larger than " + std::to_string(kMaxRuleFileBytes) +
                                  " bytes");
    return docs;
  }
  try {
    std::vector<YAML::Node> nodes = YAML::LoadAll(std::string(text));
    for (auto& n : nodes) {
      if (!n.IsDefined() || n.IsNull()) continue;  // empty document, e.g. a trailing ---
      docs.push_back({n, LocationOf(n, file)});
    }
  } catch (const YAML::Exception& e) {
    SourceLocation loc;
    loc.file = file;
    if (e.mark.line >= 0) {
      loc.line = static_cast<uint32_t>(e.mark.line) + 1;
      loc.column = static_cast<uint32_t>(e.mark.column) + 1;
    }
    diagnostics->push_back({Severity::kError, loc, "YAML syntax error: " + e.msg});
  }
  return docs;
}

namespace {

bool LooksLikeYamlNumber(const std::string& s) {
  static const std::regex kNumber(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return std::regex_match(s, kNumber);
}

void AppendJson(const YAML::Node& node, std::string* out) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      *out += "null";
      return;
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (IsPlainScalar(node)) {
        if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) {
          *out += "null";
          return;
        }
        if (s == "true" || s == "True" || s == "TRUE") {
          *out += "true";
          return;
        }
        if (s == "false" || s == "False" || s == "FALSE") {
          *out += "false";
          return;
        }
        if (LooksLikeYamlNumber(s)) {
          *out += s[0] == '+' ? s.substr(1) : s;
          return;
        }
      }
      *out += '"';
      *out += JsonEscape(s);
      *out += '"';
      return;
    }
    case YAML::NodeType::Sequence: {
      *out += '[';
      bool first = true;
      for (const auto& e : node) {
        if (!first) *out += ',';
        first = false;
        AppendJson(e, out);
      }
      *out += ']';
      return;
    }
    case YAML::NodeType::Map: {
      *out += '{';
      bool first = true;
      for (const auto& kv : node) {
        if (!first) *out += ',';
        first = false;
        *out += '"';
        *out += JsonEscape(kv.first.as<std::string>(""));
        *out += "\":";
        AppendJson(kv.second, out);
      }
      *out += '}';
      return;
    }
  }
}

}  // namespace

std::vector<std::string> ListRuleFiles(const std::string& folder, std::error_code* ec) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, *ec);
       !*ec && it != fs::recursive_directory_iterator(); it.increment(*ec)) {
    const auto& p = it->path();
    const std::string ext = p.extension().string();
    if (it->is_regular_file(*ec) && (ext == ".yml" || ext == ".yaml") && p.filename().string()[0] != '.') {
      files.push_back(p.string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string BlankTopLevelKeys(std::string_view text, const std::vector<std::string>& keys) {
  std::string out;
  bool blanking = false, changed = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = text.substr(pos, next - pos);
    const char c = line.empty() ? '\n' : line[0];
    if (c != ' ' && c != '\t' && c != '#' && c != '\n' && c != '\r') {
      blanking = false;
      for (const auto& k : keys) {
        if (line.size() > k.size() && line.compare(0, k.size(), k) == 0 && line[k.size()] == ':') blanking = true;
      }
    }
    if (blanking) {
      changed = true;
      if (line.back() == '\n') out += line.size() > 1 && line[line.size() - 2] == '\r' ? "\r\n" : "\n";
    } else {
      out.append(line);
    }
    pos = next;
  }
  return changed ? out : std::string(text);
}

std::string YamlToJson(const YAML::Node& node) {
  std::string out;
  AppendJson(node, &out);
  return out;
}

}  // namespace vigil::internal
