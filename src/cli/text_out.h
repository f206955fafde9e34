// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Text that the CLI prints and does not control: field values of events (attacker
// controlled), file names (any bytes but '/' and NUL). Internal to the `vigil` command.
//
// Three places, three rules (docs/limits.md, "Text: surrogates, control characters,
// names"):
//   - The table and standard error go to terminals: TerminalText makes a value inert
//     and one line, reversibly. Control characters (C0, DEL, C1), the Unicode line and
//     paragraph separators and the bidirectional formatting characters are written as
//     escapes, bytes that are not UTF-8 as \xNN, and the backslash itself as \\, so
//     no two different texts print the same and ESC/OSC sequences, CR and LF cannot
//     clear the screen or forge rows.
//   - jsonl file names: NameText escapes only what JSON cannot carry (bytes that are
//     not UTF-8, as \xNN) and the backslash (\\), so a consumer can recover the exact
//     bytes; JSON's own escaping then does the rest.
//   - jsonl lines: EscapeLineSeparators writes U+2028, U+2029 and U+0085 as \u2028,
//     \u2029, \u0085 (JSON allows them raw, but many line-oriented consumers split on
//     them).
#pragma once

#include <string>
#include <string_view>

#include "vigil/status.h"

namespace vigil::cli {

// `text` made safe for a terminal, on one line; see above. Escapes: \\, \t, \n, \r,
// \xNN (other C0 controls, DEL, bytes that are not part of well-formed UTF-8), \uXXXX
// (C1 controls U+0080..U+009F, U+061C, U+200E, U+200F, U+2028..U+202E,
// U+2066..U+2069).
std::string TerminalText(std::string_view text);

// Like TerminalText, but backslashes are kept as they are: for messages and
// explanations, which quote regular expressions and patterns as they were written.
// Inert and one line, not reversible.
std::string QuotedText(std::string_view text);

// A file name for jsonl (before JSON escaping): \\ for a backslash, \xNN for each byte
// that is not part of well-formed UTF-8; everything else as it is.
std::string NameText(std::string_view name);

// A rule diagnostic as one line of standard error: the file name as TerminalText, the
// message with its control characters escaped the same way (backslashes kept as they
// are: messages quote regular expressions), so no rule file can forge lines.
std::string DiagnosticLine(const vigil::Diagnostic& d);

// Rewrites, in place, each raw U+2028, U+2029 and U+0085 of a line of JSON as its
// \uXXXX escape. REQUIRES: `line` is valid UTF-8 JSON text (those characters can then
// only occur inside strings, where the escape means the same).
void EscapeLineSeparators(std::string* line);

}  // namespace vigil::cli
