// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// VIGIL_EXPORT marks the symbols of the public API. The shared library is built with
// -fvisibility=hidden, so everything not marked stays internal and can change freely.
#pragma once

#if defined(VIGIL_SHARED_LIBRARY)
#if defined(VIGIL_COMPILE_LIBRARY)
#define VIGIL_EXPORT __attribute__((visibility("default")))
#else
#define VIGIL_EXPORT
#endif
#else
#define VIGIL_EXPORT __attribute__((visibility("default")))
#endif
