// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// SIGINT and SIGTERM handlers; see interrupt.h.
#include "cli/interrupt.h"

#include <signal.h>

#include <cstring>

namespace vigil::cli {
namespace {

// Lock-free (checked below), hence safe to store from a signal handler.
std::atomic<bool> g_stop{false};
volatile sig_atomic_t g_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free);

void OnStopSignal(int sig) {
  g_signal = sig;
  g_stop.store(true);
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // no SA_RESTART: a blocked read returns (EINTR)
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const std::atomic<bool>* ScanStopFlag() { return &g_stop; }

int StopSignal() { return g_signal; }

}  // namespace vigil::cli
