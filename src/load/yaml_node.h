// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// vigil's own YAML node tree: what the loader (yaml_loader.cc) builds from the parser's
// events, and what the rule parser, the linter and the placeholder loader read.
// Internal; use include/vigil/ruleset.h instead.
//
// The nodes of a file live in one YamlTree (flat arrays, no per-node allocation); a
// YamlNode is a small handle (tree, index) that is valid while its tree is. Scalars keep
// their text, whether they were written plain (no quotes, no tag: YAML typing applies
// to them), their tag, and their 1-based position. Mappings keep their entries in the
// order written. An alias is the node its anchor names (shared, not copied), so a tree
// with aliases is a graph: the loader checks its expanded size before anyone walks it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::internal {

class YamlTree;
template <bool kEntries>
class YamlRange;

class YamlNode {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

  // An undefined node: what a lookup of a missing key returns.
  YamlNode() = default;
  YamlNode(const YamlTree* tree, uint32_t index) : tree_(tree), index_(index) {}

  // True for every node that exists (including null ones).
  explicit operator bool() const { return tree_ != nullptr; }
  // The node's place in its tree (a handle is its tree and this index).
  uint32_t index() const { return index_; }

  Kind kind() const;
  // Null is an empty node or a plain `~`, `null`, `Null` or `NULL` (YAML 1.2 core
  // schema); a quoted 'null' is a scalar.
  bool IsNull() const { return kind() == Kind::kNull; }
  bool IsScalar() const { return kind() == Kind::kScalar; }
  bool IsSequence() const { return kind() == Kind::kSequence; }
  bool IsMap() const { return kind() == Kind::kMap; }

  // The text of a scalar ("" for any other node).
  std::string_view Scalar() const;
  // True for a scalar written without quotes and without a tag: the one kind of scalar
  // that YAML types as null, boolean or number.
  bool IsPlain() const;
  // The node's tag with its handle resolved ("tag:yaml.org,2002:str", "!include"), or
  // "" when none was written.
  std::string_view Tag() const;

  // 1-based position of the node's first character; 0 for an undefined node.
  uint32_t line() const;
  uint32_t column() const;

  // Elements of a sequence, entries of a map; 0 for anything else.
  size_t size() const;
  // The i-th element of a sequence. REQUIRES: IsSequence(), i < size().
  YamlNode Element(size_t i) const;
  // The key and the value of the i-th entry of a map. REQUIRES: IsMap(), i < size().
  YamlNode Key(size_t i) const;
  YamlNode Value(size_t i) const;
  // The value under the scalar key `key`, or an undefined node (also when this is not a
  // map). Keys are unique: the loader rejects documents with duplicates.
  YamlNode operator[](std::string_view key) const;

  // Range-for helpers, empty unless IsSequence() / IsMap():
  //   for (YamlNode e : n.Elements())   for (auto [k, v] : n.Entries())
  YamlRange<false> Elements() const;
  YamlRange<true> Entries() const;

 private:
  const YamlTree* tree_ = nullptr;
  uint32_t index_ = 0;
};

// The elements of a sequence (kEntries false) or the (key, value) entries of a map.
template <bool kEntries>
class YamlRange {
 public:
  class Iterator {
   public:
    Iterator(const YamlNode* n, size_t i) : n_(n), i_(i) {}
    auto operator*() const {
      if constexpr (kEntries) {
        return std::pair<YamlNode, YamlNode>(n_->Key(i_), n_->Value(i_));
      } else {
        return n_->Element(i_);
      }
    }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const YamlNode* n_;
    size_t i_;
  };
  explicit YamlRange(const YamlNode& n) : n_(n), size_(n.size()) {}
  Iterator begin() const { return Iterator(&n_, 0); }
  Iterator end() const { return Iterator(&n_, size_); }

 private:
  YamlNode n_;
  size_t size_;
};

inline YamlRange<false> YamlNode::Elements() const {
  return YamlRange<false>(IsSequence() ? *this : YamlNode());
}
inline YamlRange<true> YamlNode::Entries() const {
  return YamlRange<true>(IsMap() ? *this : YamlNode());
}

// The nodes of one file. Built once by the loader, then read-only.
class YamlTree {
 public:
  struct Node {
    YamlNode::Kind kind;
    bool plain;
    uint32_t line;    // 1-based
    uint32_t column;  // 1-based, in bytes
    // Scalars: the text in text_. Collections: the children in children_ (a map's keys
    // and values alternate).
    uint32_t begin;
    uint32_t count;
    uint32_t tag_begin;
    uint32_t tag_size;  // 0: no tag
  };

  const Node& node(uint32_t i) const { return nodes_[i]; }
  std::string_view text(uint32_t begin, uint32_t size) const {
    return std::string_view(text_).substr(begin, size);
  }
  uint32_t child(uint32_t i) const { return children_[i]; }

 private:
  friend class YamlTreeBuilder;  // yaml_loader.cc
  std::vector<Node> nodes_;
  std::vector<uint32_t> children_;
  std::string text_;  // every scalar's text and every tag, back to back
};

inline YamlNode::Kind YamlNode::kind() const {
  return tree_ ? tree_->node(index_).kind : Kind::kUndefined;
}
inline std::string_view YamlNode::Scalar() const {
  if (!IsScalar()) return {};
  const YamlTree::Node& n = tree_->node(index_);
  return tree_->text(n.begin, n.count);
}
inline bool YamlNode::IsPlain() const { return IsScalar() && tree_->node(index_).plain; }
inline std::string_view YamlNode::Tag() const {
  if (!tree_) return {};
  const YamlTree::Node& n = tree_->node(index_);
  return tree_->text(n.tag_begin, n.tag_size);
}
inline uint32_t YamlNode::line() const { return tree_ ? tree_->node(index_).line : 0; }
inline uint32_t YamlNode::column() const { return tree_ ? tree_->node(index_).column : 0; }
inline size_t YamlNode::size() const {
  const Kind k = kind();
  if (k == Kind::kSequence) return tree_->node(index_).count;
  if (k == Kind::kMap) return tree_->node(index_).count / 2;
  return 0;
}
inline YamlNode YamlNode::Element(size_t i) const {
  return YamlNode(tree_, tree_->child(tree_->node(index_).begin + static_cast<uint32_t>(i)));
}
inline YamlNode YamlNode::Key(size_t i) const {
  return YamlNode(tree_, tree_->child(tree_->node(index_).begin + 2 * static_cast<uint32_t>(i)));
}
inline YamlNode YamlNode::Value(size_t i) const {
  const uint32_t begin = tree_->node(index_).begin;
  return YamlNode(tree_, tree_->child(begin + 2 * static_cast<uint32_t>(i) + 1));
}

}  // namespace vigil::internal
