// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Escaping of printed text; see text_out.h.
#include "cli/text_out.h"

#include <cstring>

#include "util/strings.h"

namespace vigil::cli {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendByteEscape(unsigned char c, std::string* out) {
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

void AppendCodeEscape(char32_t cp, std::string* out) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
}

// Characters that change how a terminal lays text out or in which order it shows it.
bool IsInvisibleControl(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// The shared walk: ASCII through `ascii`, well-formed sequences through `wide`, bad
// bytes as \xNN.
template <typename Ascii, typename Wide>
std::string Escape(std::string_view text, Ascii ascii, Wide wide) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ascii(c, &out);
      ++i;
      continue;
    }
    char32_t cp;
    const size_t length = vigil::internal::DecodeUtf8(text, i, &cp);
    if (length == 0) {
      AppendByteEscape(c, &out);
      ++i;
      continue;
    }
    wide(cp, text.substr(i, length), &out);
    i += length;
  }
  return out;
}

}  // namespace

std::string TerminalText(std::string_view text) {
  return Escape(
      text,
      [](unsigned char c, std::string* out) {
        switch (c) {
          case '\\': out->append("\\\\"); return;
          case '\t': out->append("\\t"); return;
          case '\n': out->append("\\n"); return;
          case '\r': out->append("\\r"); return;
          default:
            if (c < 0x20 || c == 0x7F) {
              AppendByteEscape(c, out);
            } else {
              out->push_back(static_cast<char>(c));
            }
        }
      },
      [](char32_t cp, std::string_view bytes, std::string* out) {
        if (IsInvisibleControl(cp)) {
          AppendCodeEscape(cp, out);
        } else {
          out->append(bytes);
        }
      });
}

std::string NameText(std::string_view name) {
  return Escape(
      name,
      [](unsigned char c, std::string* out) {
        if (c == '\\') out->push_back('\\');
        out->push_back(static_cast<char>(c));
      },
      [](char32_t, std::string_view bytes, std::string* out) { out->append(bytes); });
}

std::string QuotedText(std::string_view text) {
  const std::string escaped = TerminalText(text);
  // TerminalText doubled each backslash: undo that, where reversibility matters less
  // than quoting patterns as they were written.
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    out.push_back(escaped[i]);
    if (escaped[i] == '\\' && i + 1 < escaped.size() && escaped[i + 1] == '\\') ++i;
  }
  return out;
}

std::string DiagnosticLine(const vigil::Diagnostic& d) {
  vigil::SourceLocation where = d.where;
  where.file = TerminalText(where.file);
  return where.ToString() + (d.severity == vigil::Severity::kError ? ": error: " : ": warning: ") +
         QuotedText(d.message);
}

void EscapeLineSeparators(std::string* line) {
  // E2 80 A8/A9 and C2 85 are the only encodings of the three; in valid UTF-8 neither
  // lead byte occurs inside another character.
  // memchr for the two lead bytes: most lines are ASCII, and this runs on every one.
  const char* p = line->data();
  const char* end = p + line->size();
  bool found = false;
  for (const char* q = p;
       !found &&
       (q = static_cast<const char*>(std::memchr(q, '\xE2', static_cast<size_t>(end - q))));
       ++q) {
    found = end - q >= 3 && q[1] == '\x80' && (q[2] == '\xA8' || q[2] == '\xA9');
  }
  for (const char* q = p;
       !found &&
       (q = static_cast<const char*>(std::memchr(q, '\xC2', static_cast<size_t>(end - q))));
       ++q) {
    found = end - q >= 2 && q[1] == '\x85';
  }
  if (!found) return;
  std::string out;
  out.reserve(line->size() + 16);
  for (size_t i = 0; i < line->size(); ++i) {
    const unsigned char c = static_cast<unsigned char>((*line)[i]);
    if (c == 0xE2 && i + 2 < line->size() && (*line)[i + 1] == '\x80' &&
        ((*line)[i + 2] == '\xA8' || (*line)[i + 2] == '\xA9')) {
      out.append((*line)[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
      i += 2;
    } else if (c == 0xC2 && i + 1 < line->size() && (*line)[i + 1] == '\x85') {
      out.append("\\u0085");
      i += 1;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  line->swap(out);
}

}  // namespace vigil::cli
