// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Sigma wildcard matching over the IR glob encoding: '*' matches any run of bytes, '?'
// exactly one UTF-8 character, '\' makes the next byte literal. Internal.
//
// Patterns of literals and '*' (the usual case) are matched in time linear in the text
// (each part between stars found with memmem). Patterns with '?' or escapes use the
// classic single-backtrack-point algorithm: a later '*' supersedes an earlier one, so
// no exponential blow-up, but O(|pattern| * |text|) at worst. No allocation either way.
#pragma once

#include <cstddef>
#include <string_view>

namespace vigil::internal {

bool GlobMatch(std::string_view pattern, std::string_view text);

// The same match, counting its work into *steps (added to, not reset): one step per
// iteration of the backtracking loop, and for a pattern of literals and '*' one per text
// byte compared or handed to memmem up to where it stopped (glibc's memmem is the
// two-way algorithm, linear in what it scans). For tests and benchmarks, which assert
// the linear bounds above by counting instead of timing; GlobMatch itself is a separate
// instantiation that counts nothing, so the hot path pays nothing for this.
bool GlobMatchCounted(std::string_view pattern, std::string_view text, size_t* steps);

}  // namespace vigil::internal
