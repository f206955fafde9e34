// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// SIGINT and SIGTERM end `vigil scan` cleanly. Internal to the `vigil` command.
//
// The handlers only set a flag (ScanStopFlag), which the reader checks before each
// record and while it waits for input (ReadOptions::stop), so the scan ends after the
// record at hand, its output is written in whole lines, the summary is printed, and the
// exit status says which signal ended it (128 + its number: 130 for SIGINT, 143 for
// SIGTERM, as shells report). The handlers are installed without SA_RESTART and reset
// after their first call (SA_RESETHAND): a second signal ends the process at once.
#pragma once

#include <atomic>

namespace vigil::cli {

// Installs the handlers (idempotent).
void InstallStopHandlers();

// Set when SIGINT or SIGTERM arrived.
const std::atomic<bool>* ScanStopFlag();

// The signal that set the flag, 0 if none.
int StopSignal();

}  // namespace vigil::cli
