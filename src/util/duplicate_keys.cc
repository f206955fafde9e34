// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Duplicate keys; see duplicate_keys.h.
#include "util/duplicate_keys.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "util/strings.h"

namespace vigil::internal {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The string literal at json[i] ('"'): its end (past the closing quote), and its
// unescaped text in *key when key is not null. Lone surrogates become U+FFFD.
size_t ReadString(std::string_view json, size_t i, std::string* key) {
  ++i;
  if (key) key->clear();
  while (i < json.size() && json[i] != '"') {
    if (json[i] != '\\') {
      if (key) key->push_back(json[i]);
      ++i;
      continue;
    }
    const char e = i + 1 < json.size() ? json[i + 1] : '\0';
    i += 2;
    if (key == nullptr) {
      continue;
    }
    switch (e) {
      case 'n': key->push_back('\n'); break;
      case 't': key->push_back('\t'); break;
      case 'r': key->push_back('\r'); break;
      case 'b': key->push_back('\b'); break;
      case 'f': key->push_back('\f'); break;
      case 'u': {
        uint32_t cp = 0;
        for (size_t k = i; k < i + 4 && k < json.size(); ++k)
          cp = cp * 16 + static_cast<uint32_t>(std::max(Hex(json[k]), 0));
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= json.size() && json[i] == '\\' &&
            json[i + 1] == 'u') {
          uint32_t lo = 0;
          for (size_t k = i + 2; k < i + 6; ++k)
            lo = lo * 16 + static_cast<uint32_t>(std::max(Hex(json[k]), 0));
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
        AppendUtf8(static_cast<char32_t>(cp), key);
        break;
      }
      default: key->push_back(e); break;
    }
  }
  return i + 1;
}

struct Member {
  std::string key;
  size_t start;      // the key's opening quote
  size_t value_end;  // past the value (before whitespace)
  size_t comma_before;  // position of the ',' before it, or npos (first member)
  size_t comma_after;   // position of the ',' after it, or npos (last member)
};

struct Frame {
  bool object;
  std::vector<Member> members;
};

}  // namespace

bool RemoveDuplicateKeys(std::string_view json, bool keep_last, std::string* out, size_t padding) {
  std::vector<std::pair<size_t, size_t>> blanks;  // [begin, end) ranges to blank
  std::vector<Frame> stack;
  std::string key;
  size_t last_comma = std::string_view::npos;
  // Text that is not well-formed (a stray or mismatched bracket, a member without its
  // comma) is left alone: false, nothing to blank. Only a parser-accepted shape may be
  // rewritten, and positions taken from broken text could point anywhere.
  bool malformed = false;
  // Closes the object on top of the stack: decides which of its members go.
  auto close_object = [&](Frame& f) {
    const size_t n = f.members.size();
    if (n < 2) return;
    std::vector<size_t> order(n);
    for (size_t k = 0; k < n; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return f.members[a].key < f.members[b].key; });
    for (size_t k = 0; k + 1 < n; ++k) {
      if (f.members[order[k]].key != f.members[order[k + 1]].key) continue;
      // order[k] and order[k+1]: same key, document order. Drop the later one (first
      // wins) or the earlier one (last wins).
      const Member& m = f.members[keep_last ? order[k] : order[k + 1]];
      const size_t edge = keep_last ? m.comma_after : m.comma_before;
      if (edge == std::string_view::npos || m.value_end == std::string_view::npos) {
        malformed = true;
        return;
      }
      if (keep_last) {
        blanks.emplace_back(m.start, m.comma_after + 1);  // an earlier one has a ',' after it
      } else {
        blanks.emplace_back(m.comma_before, m.value_end);  // a later one has a ',' before it
      }
    }
  };
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (IsWs(c)) {
      ++i;
      continue;
    }
    Frame* top = stack.empty() ? nullptr : &stack.back();
    switch (c) {
      case '{':
      case '[':
        stack.push_back({c == '{', {}});
        last_comma = std::string_view::npos;
        ++i;
        continue;
      case '}':
      case ']': {
        if (top == nullptr || top->object != (c == '}')) return false;
        if (top->object) close_object(*top);
        if (malformed) return false;
        stack.pop_back();
        ++i;
        break;  // a value ended
      }
      case ',':
        last_comma = i;
        if (top && top->object && !top->members.empty()) top->members.back().comma_after = i;
        ++i;
        continue;
      case ':':
        ++i;
        continue;
      case '"': {
        // A key when it is followed by ':' inside an object.
        if (top && top->object) {
          size_t after = ReadString(json, i, nullptr);
          size_t j = after;
          while (j < json.size() && IsWs(json[j])) ++j;
          if (j < json.size() && json[j] == ':') {
            ReadString(json, i, &key);
            top->members.push_back({key, i, std::string_view::npos,
                                    top->members.empty() ? std::string_view::npos : last_comma,
                                    std::string_view::npos});
            i = j + 1;
            continue;
          }
          i = after;
        } else {
          i = ReadString(json, i, nullptr);
        }
        break;  // a value ended
      }
      default:
        // A number or literal.
        while (i < json.size() && !IsWs(json[i]) && json[i] != ',' && json[i] != '}' &&
               json[i] != ']')
          ++i;
        break;
    }
    // A value ended at i: it belongs to the last member of the enclosing object.
    if (!stack.empty() && stack.back().object && !stack.back().members.empty() &&
        stack.back().members.back().value_end == std::string_view::npos) {
      stack.back().members.back().value_end = i;
    }
  }
  if (blanks.empty() || !stack.empty()) return false;
  out->assign(json.data(), json.size());
  out->append(padding, '\0');
  for (auto [b, e] : blanks)
    std::fill(out->begin() + static_cast<std::ptrdiff_t>(b),
              out->begin() + static_cast<std::ptrdiff_t>(e), ' ');
  return true;
}

}  // namespace vigil::internal
