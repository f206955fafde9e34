// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML loading with positions, and YAML -> JSON for custom rule attributes.

#include "load/yaml_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include <yaml-cpp/depthguard.h>

#include "util/strings.h"

namespace vigil::internal {

namespace {

// A pass over the parser's events before yaml-cpp builds the nodes, for two things
// yaml-cpp 0.7 gets wrong (both found by fuzz/fuzz_rule_loader):
//   * LoadAll never ends on some broken files: when a token that cannot start a node
//     (',', ']' or '}') stands where a document should start, the parser emits an empty
//     document without consuming it, again and again, until memory runs out (",\n" is
//     enough). A document that starts where the previous one started means no progress.
//   * Duplicate keys in a mapping are accepted, and then `node["key"]` sees the first
//     value while iterating sees both: the matcher and `vigil explain` used different
//     definitions of one search identifier. YAML requires unique keys; a document with
//     a duplicate scalar key is rejected.
// The events are not kept and aliases are not expanded, so the pass is cheap next to
// building the nodes.
class EventChecker : public YAML::EventHandler {
 public:
  struct Problem {
    YAML::Mark where;
    std::string message;
  };

  // Runs the pass over `text`. Returns the stuck position, if any (then nothing after
  // it was checked), and fills `duplicates` with the first duplicate key of each
  // document (by document index). Syntax errors are left to LoadAll, which reports them
  // with their positions.
  static bool Run(const std::string& text, YAML::Mark* stuck,
                  std::map<size_t, Problem>* duplicates) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    EventChecker checker(duplicates);
    try {
      while (parser.HandleNextDocument(checker)) {
        if (checker.stuck_) {
          *stuck = checker.last_start_;
          return true;
        }
      }
    } catch (const YAML::Exception&) {
    }
    return false;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck_ = document_ > 0 && mark.pos == last_start_.pos;
    ++document_;
    last_start_ = mark;
    stack_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { BeginNode(); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { BeginNode(); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    if (!BeginNode()) return;
    auto [it, inserted] = stack_.back().keys.emplace(value, mark);
    if (!inserted && !duplicates_->count(document_ - 1)) {
      (*duplicates_)[document_ - 1] = {
          mark, "duplicate key '" + value + "' (first at " + std::to_string(it->second.line + 1) +
                    ":" + std::to_string(it->second.column + 1) + ")"};
    }
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    BeginNode();
    stack_.push_back({false, true, {}});
  }
  void OnSequenceEnd() override { stack_.pop_back(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    BeginNode();
    stack_.push_back({true, true, {}});
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  struct Container {
    bool is_map;
    bool expecting_key;
    std::map<std::string, YAML::Mark> keys;
  };

  explicit EventChecker(std::map<size_t, Problem>* duplicates) : duplicates_(duplicates) {}

  // Called for every node; returns true if the node is a key of the enclosing map.
  bool BeginNode() {
    if (stack_.empty() || !stack_.back().is_map) return false;
    const bool key = stack_.back().expecting_key;
    stack_.back().expecting_key = !key;
    return key;
  }

  std::map<size_t, Problem>* duplicates_;
  std::vector<Container> stack_;
  size_t document_ = 0;
  bool stuck_ = false;
  YAML::Mark last_start_;
};

}  // namespace

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
  const std::string owned(text);
  auto error_at = [&](const YAML::Mark& mark, const std::string& message) {
    SourceLocation loc;
    loc.file = file;
    loc.line = static_cast<uint32_t>(mark.line) + 1;
    loc.column = static_cast<uint32_t>(mark.column) + 1;
    diagnostics->push_back({Severity::kError, loc, message});
  };
  YAML::Mark stuck;
  std::map<size_t, EventChecker::Problem> duplicates;
  if (EventChecker::Run(owned, &stuck, &duplicates)) {
    error_at(stuck, "YAML syntax error: unexpected token where a document should start");
    return docs;
  }
  try {
    std::vector<YAML::Node> nodes = YAML::LoadAll(owned);
    for (size_t i = 0; i < nodes.size(); ++i) {
      const YAML::Node& n = nodes[i];
      if (auto dup = duplicates.find(i); dup != duplicates.end()) {
        error_at(dup->second.where, dup->second.message);
        continue;
      }
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
