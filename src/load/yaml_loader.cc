// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// YAML loading with positions (libyaml events -> YamlTree, in one pass), and YAML ->
// JSON for custom rule attributes. Tested by tests/load/yaml_loader_test.cc and
// tests/load/yaml_loader_broken_test.cc.
//
// Longer than this project's ~600-line mark: libyaml's event loop, the limits checked
// before each node is kept (size, depth, aliases, duplicate keys; docs/limits.md) and
// the YAML-to-JSON writer for custom attributes share the tree being built; the limits
// are the part that must not be split from the loop that enforces them.

#include "load/yaml_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "util/bounded_read.h"
#include "util/strings.h"

namespace vigil::internal {

YamlNode YamlNode::operator[](std::string_view key) const {
  if (!IsMap()) return {};
  const size_t n = size();
  for (size_t i = 0; i < n; ++i) {
    const YamlNode k = Key(i);
    if (k.IsScalar() && k.Scalar() == key) return Value(i);
  }
  return {};
}

SourceLocation LocationOf(const YamlNode& node, const std::string& file) {
  SourceLocation loc;
  loc.file = file;
  loc.line = node.line();
  loc.column = node.column();
  return loc;
}

bool IsPlainScalar(const YamlNode& node) { return node.IsPlain(); }

std::string_view KeyText(const YamlNode& node) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsNull()) return "null";
  return {};
}

namespace {

// libyaml counts a position in characters; vigil's columns count bytes, because a
// modifier's or a condition token's column is its scalar's column plus a byte offset.
// The two differ only on lines with non-ASCII characters, so only such text pays for
// the conversion.
class Positions {
 public:
  explicit Positions(std::string_view text) : text_(text) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    if (text.size() >= 2 &&
        ((byte(0) == 0xFF && byte(1) == 0xFE) || (byte(0) == 0xFE && byte(1) == 0xFF))) {
      characters_ = true;  // UTF-16: libyaml converts it; character columns are all we have
      return;
    }
    const size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    mark_ = line_ = Cursor{0, bom};
    characters_ = std::all_of(text.begin() + static_cast<std::ptrdiff_t>(bom), text.end(),
                              [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    bom_ = bom;
  }

  // 1-based line and byte column of a libyaml mark.
  std::pair<uint32_t, uint32_t> At(const yaml_mark_t& m) {
    const auto line = static_cast<uint32_t>(m.line + 1);
    if (characters_) return {line, static_cast<uint32_t>(m.column + 1)};
    const size_t start = Byte(&line_, m.index - m.column);
    return {line, static_cast<uint32_t>(Byte(&mark_, m.index) - start + 1)};
  }

  // 1-based line and column of a byte offset (libyaml reports undecodable input so).
  std::pair<uint32_t, uint32_t> AtByte(size_t offset) const {
    offset = std::min(offset, text_.size());
    const std::string_view before = text_.substr(0, offset);
    const size_t lines = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    const size_t nl = before.rfind('\n');
    const size_t column = nl == std::string_view::npos ? offset - bom_ : offset - nl - 1;
    return {static_cast<uint32_t>(lines + 1), static_cast<uint32_t>(column + 1)};
  }

 private:
  // A character index and its byte offset. Marks arrive nearly in order, so moving a
  // cursor from the last one asked for adds up to about one pass over the text; a
  // second cursor for line starts keeps long lines from being walked once per node.
  struct Cursor {
    size_t character = 0;
    size_t byte = 0;
  };
  size_t Byte(Cursor* c, size_t character) const {
    while (c->character < character && c->byte < text_.size()) {
      const auto b = static_cast<unsigned char>(text_[c->byte]);
      c->byte += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      ++c->character;
    }
    while (c->character > character && c->byte > bom_) {
      do {
        --c->byte;
      } while (c->byte > bom_ && (static_cast<unsigned char>(text_[c->byte]) & 0xC0) == 0x80);
      --c->character;
    }
    return std::min(c->byte, text_.size());
  }

  std::string_view text_;
  bool characters_ = false;  // columns need no conversion
  size_t bom_ = 0;
  Cursor mark_, line_;
};

std::string Position(const std::pair<uint32_t, uint32_t>& at) {
  return std::to_string(at.first) + ":" + std::to_string(at.second);
}

}  // namespace

// Builds the YamlTree of one file from libyaml's events, making every check of
// yaml_loader.h on the way: duplicate keys, depth and node count while the nodes
// arrive, and the expanded size of documents that use aliases once they are complete.
class YamlTreeBuilder {
 public:
  YamlTreeBuilder(std::string_view text, const std::string& file,
                  std::vector<Diagnostic>* diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics), positions_(text),
        tree_(std::make_shared<YamlTree>()) {}

  std::vector<YamlDocument> Run() {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
      FileError({0, 0}, "out of memory starting the YAML parser");
      return {};
    }
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()),
                                 text_.size());
    bool more = true;
    while (more) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        SyntaxError(parser);
        break;
      }
      more = Handle(event);
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    // A file the parser cannot read to its end is left out whole, the documents before
    // the error too: the mistake may well be in one of them (an unclosed quote or
    // bracket makes the parser read on through the next `---`).
    if (failed_) docs_.clear();
    return std::move(docs_);
  }

 private:
  using Kind = YamlNode::Kind;
  using Node = YamlTree::Node;

  // Scalar keys by their text. Nodes are held by index and their text looked up on
  // each use, because the tree's text buffer may move while the map is being read.
  struct KeyHash {
    const YamlTree* tree;
    size_t operator()(uint32_t i) const {
      return std::hash<std::string_view>()(YamlNode(tree, i).Scalar());
    }
  };
  struct KeyEqual {
    const YamlTree* tree;
    bool operator()(uint32_t a, uint32_t b) const {
      return YamlNode(tree, a).Scalar() == YamlNode(tree, b).Scalar();
    }
  };
  using KeySet = std::unordered_set<uint32_t, KeyHash, KeyEqual>;

  // An open sequence or map: its node and where its children start in pending_.
  struct Frame {
    uint32_t node;
    size_t first;
    bool map;
    // The map's scalar keys, once it has so many that comparing each new key with all
    // the others would be slow (a hostile map can have a million).
    std::unique_ptr<KeySet> keys;
  };
  static constexpr size_t kLinearKeyScan = 16;

  // Returns false when the file is done (stream end, or an error that stops it).
  bool Handle(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_STREAM_END_EVENT:
        return false;
      case YAML_DOCUMENT_START_EVENT:
        StartDocument();
        return true;
      case YAML_DOCUMENT_END_EVENT:
        EndDocument();
        return true;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr;
        const bool null = plain && (value.empty() || value == "~" || value == "null" ||
                                    value == "Null" || value == "NULL");
        return AddNode(e, null ? Kind::kNull : Kind::kScalar, plain, value, s.tag, s.anchor);
      }
      case YAML_SEQUENCE_START_EVENT:
        return AddNode(e, Kind::kSequence, false, {}, e.data.sequence_start.tag,
                       e.data.sequence_start.anchor);
      case YAML_MAPPING_START_EVENT:
        return AddNode(e, Kind::kMap, false, {}, e.data.mapping_start.tag,
                       e.data.mapping_start.anchor);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        Close();
        return true;
      case YAML_ALIAS_EVENT:
        return Alias(e);
      default:
        return true;
    }
  }

  void StartDocument() {
    depth_ = 0;
    nodes_ = 0;
    rejected_ = false;
    aliases_ = false;
    anchors_.clear();
    frames_.clear();
    pending_.clear();
    doc_nodes_ = tree_->nodes_.size();
    doc_children_ = tree_->children_.size();
    doc_text_ = tree_->text_.size();
  }

  void EndDocument() {
    const bool has_root = tree_->nodes_.size() > doc_nodes_;
    const auto root = static_cast<uint32_t>(doc_nodes_);
    // Empty documents (a trailing ---) are skipped; rejected ones were reported.
    if (rejected_ || !has_root || tree_->nodes_[root].kind == Kind::kNull ||
        (aliases_ && !WithinLimits(root))) {
      tree_->nodes_.resize(doc_nodes_);
      tree_->children_.resize(doc_children_);
      tree_->text_.resize(doc_text_);
      return;
    }
    YamlDocument doc;
    doc.tree = tree_;
    doc.root = YamlNode(tree_.get(), root);
    doc.where = LocationOf(doc.root, file_);
    docs_.push_back(std::move(doc));
  }

  // Adds a scalar or opens a collection. Returns false when the file must stop.
  bool AddNode(const yaml_event_t& e, Kind kind, bool plain, std::string_view value,
               const yaml_char_t* tag, const yaml_char_t* anchor) {
    const bool collection = kind == Kind::kSequence || kind == Kind::kMap;
    const int depth = depth_;
    if (collection) ++depth_;
    if (rejected_) {
      // The document is lost; only how deep the parser has to go to skip it matters.
      if (depth > kMaxYamlParseDepth) {
        FileError(positions_.At(e.start_mark),
                  "YAML nested deeper than " + std::to_string(kMaxYamlParseDepth) +
                      " levels; the parser stops here and the file is left out");
        return false;
      }
      return true;
    }
    if (!CheckLimits(e.start_mark, depth)) return true;
    const auto [line, column] = positions_.At(e.start_mark);
    Node n{};
    n.kind = kind;
    n.plain = plain;
    n.line = line;
    n.column = column;
    std::string& text = tree_->text_;
    if (!collection) {
      n.begin = static_cast<uint32_t>(text.size());
      n.count = static_cast<uint32_t>(value.size());
      text.append(value);
    }
    if (tag != nullptr) {
      const std::string_view t(reinterpret_cast<const char*>(tag));
      n.tag_begin = static_cast<uint32_t>(text.size());
      n.tag_size = static_cast<uint32_t>(t.size());
      text.append(t);
    }
    const auto index = static_cast<uint32_t>(tree_->nodes_.size());
    tree_->nodes_.push_back(n);
    // An anchor names its node from here on, so an alias inside the node's own
    // children makes a cycle, which the depth limit then reports.
    if (anchor != nullptr) anchors_[reinterpret_cast<const char*>(anchor)] = index;
    if (!AddChild(index)) return true;
    if (collection) frames_.push_back({index, pending_.size(), kind == Kind::kMap, nullptr});
    return true;
  }

  bool Alias(const yaml_event_t& e) {
    if (rejected_) return true;
    if (!CheckLimits(e.start_mark, depth_)) return true;
    const std::string name(reinterpret_cast<const char*>(e.data.alias.anchor));
    const auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      FileError(positions_.At(e.start_mark),
                "YAML syntax error: alias '*" + name +
                    "' names no anchor defined before it in its document");
      return false;
    }
    aliases_ = true;
    AddChild(it->second);
    return true;
  }

  void Close() {
    --depth_;
    if (rejected_ || frames_.empty()) return;
    const Frame& f = frames_.back();
    Node& n = tree_->nodes_[f.node];
    n.begin = static_cast<uint32_t>(tree_->children_.size());
    n.count = static_cast<uint32_t>(pending_.size() - f.first);
    tree_->children_.insert(tree_->children_.end(),
                            pending_.begin() + static_cast<std::ptrdiff_t>(f.first),
                            pending_.end());
    pending_.resize(f.first);
    frames_.pop_back();
  }

  // The node and depth limits, checked as each node arrives (for a document without
  // aliases these are exactly the expanded counts). Rejects the document and returns
  // false when one is passed.
  bool CheckLimits(const yaml_mark_t& mark, int depth) {
    if (++nodes_ > kMaxYamlNodes) {
      Reject(positions_.At(mark), TooManyNodes());
      return false;
    }
    if (depth > kMaxYamlDepth) {
      Reject(positions_.At(mark), TooDeep());
      return false;
    }
    return true;
  }

  // Appends a node to the open collection, checking a map's keys for duplicates.
  // Returns false if the document was rejected.
  bool AddChild(uint32_t index) {
    if (frames_.empty()) return true;  // the root
    Frame& f = frames_.back();
    const size_t position = pending_.size() - f.first;
    if (f.map && position % 2 == 0 && tree_->nodes_[index].kind == Kind::kScalar) {
      const std::string_view key = YamlNode(tree_.get(), index).Scalar();
      uint32_t first = UINT32_MAX;
      if (!f.keys && position / 2 < kLinearKeyScan) {
        for (size_t k = f.first; k < pending_.size() && first == UINT32_MAX; k += 2) {
          const YamlNode other(tree_.get(), pending_[k]);
          if (other.IsScalar() && other.Scalar() == key) first = pending_[k];
        }
      } else {
        if (!f.keys) {
          f.keys = std::make_unique<KeySet>(64, KeyHash{tree_.get()}, KeyEqual{tree_.get()});
          for (size_t k = f.first; k < pending_.size(); k += 2) {
            if (tree_->nodes_[pending_[k]].kind == Kind::kScalar) f.keys->insert(pending_[k]);
          }
        }
        const auto [it, inserted] = f.keys->insert(index);
        if (!inserted) first = *it;
      }
      if (first != UINT32_MAX) {
        const Node& n = tree_->nodes_[first];
        Reject({tree_->nodes_[index].line, tree_->nodes_[index].column},
               "duplicate key '" + std::string(key) + "' (first at " + std::to_string(n.line) +
                   ":" + std::to_string(n.column) + ")");
        return false;
      }
    }
    pending_.push_back(index);
    return true;
  }

  void Reject(const std::pair<uint32_t, uint32_t>& at, std::string message) {
    Diagnose(at, std::move(message));
    rejected_ = true;
    frames_.clear();
    pending_.clear();
  }

  void FileError(const std::pair<uint32_t, uint32_t>& at, std::string message) {
    Diagnose(at, std::move(message));
    failed_ = true;
  }

  void Diagnose(const std::pair<uint32_t, uint32_t>& at, std::string message) {
    SourceLocation loc;
    loc.file = file_;
    loc.line = at.first;
    loc.column = at.second;
    diagnostics_->emplace_back(Severity::kError, std::move(loc), std::move(message));
  }

  void SyntaxError(const yaml_parser_t& p) {
    std::string message = "YAML syntax error: ";
    message += p.problem != nullptr ? p.problem : "the parser failed";
    std::pair<uint32_t, uint32_t> at;
    if (p.error == YAML_READER_ERROR) {
      at = positions_.AtByte(p.problem_offset);
      if (p.problem_value != -1) {
        char value[16];
        std::snprintf(value, sizeof value, " (0x%02x)", static_cast<unsigned>(p.problem_value));
        message += value;
      }
    } else if (p.error == YAML_MEMORY_ERROR) {
      message = "YAML parser out of memory";
    } else {
      at = positions_.At(p.problem_mark);
      if (p.context != nullptr) {
        message += std::string(" (") + p.context;
        const auto start = positions_.At(p.context_mark);
        if (start != at) message += " that starts at " + Position(start);
        message += ")";
      }
    }
    FileError(at, std::move(message));
  }

  // For documents with aliases: walks the document as its readers will, aliases
  // expanded, with an explicit stack; stops at the first node over a limit.
  bool WithinLimits(uint32_t root) {
    std::vector<std::pair<uint32_t, int>> stack;
    stack.emplace_back(root, 0);
    size_t nodes = 0;
    while (!stack.empty()) {
      const auto [index, depth] = stack.back();
      stack.pop_back();
      const Node& n = tree_->nodes_[index];
      if (++nodes > kMaxYamlNodes || depth > kMaxYamlDepth) {
        Diagnose({n.line, n.column}, nodes > kMaxYamlNodes ? TooManyNodes() : TooDeep());
        return false;
      }
      if (n.kind != Kind::kSequence && n.kind != Kind::kMap) continue;
      // Last child first, so that children are visited in document order and the error
      // names the first node over a limit.
      for (uint32_t k = n.count; k-- > 0;) {
        stack.emplace_back(tree_->children_[n.begin + k], depth + 1);
      }
    }
    return true;
  }

  static std::string TooManyNodes() {
    return "YAML document has more than " + std::to_string(kMaxYamlNodes) +
           " nodes once its aliases are expanded; document left out";
  }
  static std::string TooDeep() {
    return "YAML nested deeper than " + std::to_string(kMaxYamlDepth) +
           " levels (or an alias inside its own anchor); document left out";
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>* diagnostics_;
  Positions positions_;
  std::shared_ptr<YamlTree> tree_;
  std::vector<YamlDocument> docs_;
  bool failed_ = false;  // the file is left out

  // The document being read.
  int depth_ = 0;          // collections open
  size_t nodes_ = 0;       // nodes so far, aliases counted once
  bool rejected_ = false;  // over a limit or with a duplicate key: skipped to its end
  bool aliases_ = false;
  std::unordered_map<std::string, uint32_t> anchors_;
  std::vector<Frame> frames_;
  std::vector<uint32_t> pending_;  // children of the open collections, innermost last
  size_t doc_nodes_ = 0, doc_children_ = 0, doc_text_ = 0;  // the tree before it
};

std::vector<YamlDocument> LoadYamlDocuments(std::string_view text, const std::string& file,
                                            std::vector<Diagnostic>* diagnostics) {
  if (text.size() > kMaxRuleFileBytes) {
    SourceLocation where;
    where.file = file;
    diagnostics->emplace_back(Severity::kError, where,
                              "rule file is larger than " + std::to_string(kMaxRuleFileBytes) +
                                  " bytes");
    return {};
  }
  if (text.empty()) return {};  // no documents (and no null pointer for libyaml to copy from)
  return YamlTreeBuilder(text, file, diagnostics).Run();
}

bool IsYamlDecimal(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto digits = [&] {
    const size_t from = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - from;
  };
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < n && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < n && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

namespace {

// A YAML decimal as a JSON number. They differ: YAML allows +1, 007, .5 and 1., JSON
// writes 1, 7, 0.5 and 1.0. REQUIRES: IsYamlDecimal(s).
void AppendJsonNumber(std::string_view s, std::string* out) {
  size_t i = 0;
  if (s[i] == '-' || s[i] == '+') {
    if (s[i] == '-') *out += '-';
    ++i;
  }
  const size_t int_begin = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::string_view whole = s.substr(int_begin, i - int_begin);
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  out->append(whole.empty() ? "0" : whole);
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t frac_begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    *out += '.';
    out->append(i > frac_begin ? s.substr(frac_begin, i - frac_begin) : "0");
  }
  out->append(s.substr(i));  // the exponent, already valid JSON
}

void AppendJson(const YamlNode& node, std::string* out) {
  switch (node.kind()) {
    case YamlNode::Kind::kUndefined:
    case YamlNode::Kind::kNull:
      *out += "null";
      return;
    case YamlNode::Kind::kScalar: {
      const std::string_view s = node.Scalar();
      if (node.IsPlain()) {
        if (s == "true" || s == "True" || s == "TRUE") {
          *out += "true";
          return;
        }
        if (s == "false" || s == "False" || s == "FALSE") {
          *out += "false";
          return;
        }
        if (IsYamlDecimal(s)) {
          AppendJsonNumber(s, out);
          return;
        }
      }
      *out += '"';
      JsonEscapeInto(s, out);
      *out += '"';
      return;
    }
    case YamlNode::Kind::kSequence: {
      *out += '[';
      bool first = true;
      for (const YamlNode e : node.Elements()) {
        if (!first) *out += ',';
        first = false;
        AppendJson(e, out);
      }
      *out += ']';
      return;
    }
    case YamlNode::Kind::kMap: {
      *out += '{';
      bool first = true;
      for (const auto& [k, v] : node.Entries()) {
        if (!first) *out += ',';
        first = false;
        *out += '"';
        JsonEscapeInto(KeyText(k), out);
        *out += "\":";
        AppendJson(v, out);
      }
      *out += '}';
      return;
    }
  }
}

}  // namespace

// Straight into *out, never more than kMaxRuleFileBytes + 1 bytes (util/bounded_read.h):
// a huge or sparse file is refused on its size, /dev/zero after the limit.
bool ReadRuleFile(const std::string& path, std::string* out, std::string* error) {
  int err = 0;
  const ReadResult r = ReadFileBounded(path, kMaxRuleFileBytes, out, &err);
  if (r == ReadResult::kOk) return true;
  if (error != nullptr) {
    *error = r == ReadResult::kTooLarge
                 ? "rule file is larger than " + std::to_string(kMaxRuleFileBytes) + " bytes"
                 : "cannot read rule file";
  }
  return false;
}

std::vector<std::string> ListRuleFiles(const std::string& folder, std::error_code* ec) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(
           folder, fs::directory_options::skip_permission_denied, *ec);
       !*ec && it != fs::recursive_directory_iterator(); it.increment(*ec)) {
    const auto& p = it->path();
    const std::string ext = p.extension().string();
    if (it->is_regular_file(*ec) && (ext == ".yml" || ext == ".yaml") &&
        p.filename().string()[0] != '.') {
      files.push_back(p.string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void BlankTopLevelKeys(std::string* text, const std::vector<std::string>& keys) {
  // One pass, in place: kept lines move down over the blanked ones, so a text with
  // nothing to blank is only read.
  char* const data = text->data();
  const size_t size = text->size();
  size_t read = 0, write = 0;
  bool blanking = false;
  while (read < size) {
    const void* nl = std::memchr(data + read, '\n', size - read);
    const size_t next =
        nl == nullptr ? size : static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
    const std::string_view line(data + read, next - read);
    const char c = line[0];
    if (c != ' ' && c != '\t' && c != '#' && c != '\n' && c != '\r') {
      blanking = false;
      for (const auto& k : keys) {
        if (line.size() > k.size() && line.compare(0, k.size(), k) == 0 && line[k.size()] == ':')
          blanking = true;
      }
    }
    if (blanking) {
      if (line.back() == '\n') {
        if (line.size() > 1 && line[line.size() - 2] == '\r') data[write++] = '\r';
        data[write++] = '\n';
      }
    } else {
      if (write != read) std::memmove(data + write, data + read, line.size());
      write += line.size();
    }
    read = next;
  }
  text->resize(write);
}

std::string BlankTopLevelKeys(std::string_view text, const std::vector<std::string>& keys) {
  std::string out(text);
  BlankTopLevelKeys(&out, keys);
  return out;
}

std::string YamlToJson(const YamlNode& node) {
  std::string out;
  AppendJson(node, &out);
  return out;
}

}  // namespace vigil::internal
