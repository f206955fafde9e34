// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Replacing a file so that readers and crashes only ever see the old content or the
// new, never a torn mix: state that must survive between runs (first-seen baselines)
// is written this way.
#pragma once

#include <string>
#include <string_view>

#include "vigil/status.h"

namespace vigil::internal {

// Writes `content` to a temporary file beside `path` (same folder, so the rename
// cannot cross file systems), fsyncs it, renames it over `path` and fsyncs the folder.
// On any failure the temporary file is removed, `path` is left as it was, and the
// error names the path and the system's reason. A symbolic link is followed (its target
// is replaced, the link kept; a link to a missing file is an error); a file replaced keeps
// its mode (a new one is 0600).
Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace vigil::internal
