// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Sigma wildcard matching over the IR glob encoding: '*' matches any run of bytes, '?'
// exactly one UTF-8 character, '\' makes the next byte literal. Internal.
//
// Linear-space, worst case O(|pattern| * |text|) (the classic single-backtrack-point
// algorithm: a later '*' supersedes an earlier one, so no exponential blow-up).
#pragma once

#include <string_view>

namespace vigil::internal {

bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace vigil::internal
