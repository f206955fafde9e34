// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML loading with positions, and YAML -> JSON for custom rule attributes.

#include "load/yaml_loader.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include <yaml-cpp/depthguard.h>

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

namespace {

SourceLocation MarkLocation(const YAML::Mark& mark, const std::string& file) {
  SourceLocation loc;
  loc.file = file;
  if (mark.line >= 0) {
    loc.line = static_cast<uint32_t>(mark.line) + 1;
    loc.column = static_cast<uint32_t>(mark.column) + 1;
  }
  return loc;
}

// Checks kMaxYamlDepth and kMaxYamlNodes by walking the document as its users will,
// aliases expanded, with an explicit stack; stops at the first node over a limit.
bool WithinLimits(const YAML::Node& root, const std::string& file, std::vector<Diagnostic>* diagnostics) {
  std::vector<std::pair<YAML::Node, int>> stack;
  std::vector<YAML::Node> children;
  stack.emplace_back(root, 0);
  size_t nodes = 0;
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (++nodes > kMaxYamlNodes) {
      diagnostics->emplace_back(Severity::kError, LocationOf(node, file),
                                "YAML document has more than " + std::to_string(kMaxYamlNodes) +
                                    " nodes once its aliases are expanded; document left out");
      return false;
    }
    if (depth > kMaxYamlDepth) {
      diagnostics->emplace_back(Severity::kError, LocationOf(node, file),
                                "YAML nested deeper than " + std::to_string(kMaxYamlDepth) +
                                    " levels (or an alias inside its own anchor); document left out");
      return false;
    }
    // Children are pushed last first, so that they are visited in document order and
    // the error names the first node over a limit. (No std::reverse: assigning a
    // YAML::Node assigns to the node it refers to, which would rewrite the document.)
    children.clear();
    if (node.IsSequence()) {
      for (const auto& e : node) children.push_back(e);
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        children.push_back(kv.first);
        children.push_back(kv.second);
      }
    }
    for (size_t i = children.size(); i-- > 0;) stack.emplace_back(children[i], depth + 1);
    children.clear();
  }
  return true;
}

}  // namespace

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
      if (!WithinLimits(n, file, diagnostics)) continue;
      docs.push_back({n, LocationOf(n, file)});
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard against stack exhaustion; its message is only "bad file".
    diagnostics->push_back({Severity::kError, MarkLocation(e.mark, file),
                            "YAML nested too deeply for the parser (yaml-cpp stops at " +
                                std::to_string(e.depth()) + " levels); file left out"});
  } catch (const YAML::Exception& e) {
    diagnostics->push_back({Severity::kError, MarkLocation(e.mark, file), "YAML syntax error: " + e.msg});
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
