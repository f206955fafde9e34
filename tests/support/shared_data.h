// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The third-party rule corpus and CloudTrail records live beside the repository, in
// ../shared (VIGIL_SHARED_DIR), and are read in place, never copied in. A clone made
// elsewhere has no ../shared: the tests that read it then skip, saying why, and every
// other test still runs.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

// Skips the current test unless VIGIL_SHARED_DIR/<sub> is a folder.
#define VIGIL_SKIP_WITHOUT_SHARED(sub)                                                    \
  if (const std::string vigil_shared_path = std::string(VIGIL_SHARED_DIR) + "/" + (sub); \
      !std::filesystem::is_directory(vigil_shared_path))                                 \
  GTEST_SKIP() << "no " << vigil_shared_path << " (the shared corpus lives beside the repository)"
