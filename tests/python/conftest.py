# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the Python suites."""

import importlib
import os

import pytest


def need_module(module: str):
    """Imports an optional test dependency (pandas, pyarrow, nbclient...). Missing, the
    test is skipped -- or fails under VIGIL_TEST_OPTIONAL=require (scripts/test-python),
    so that CI cannot go green by skipping the notebook or the data-frame tests."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("VIGIL_TEST_OPTIONAL") == "require":
            pytest.fail(f"{module} is not installed (VIGIL_TEST_OPTIONAL=require)")
        pytest.skip(f"{module} is not installed")
