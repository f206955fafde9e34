# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The committed stubs of the extension module (python/vigil/_vigil.pyi) are what
pybind11-stubgen makes of the module as built: a change to the bindings that is not
regenerated (tools/gen_python_stubs.py) fails here."""

import os
import subprocess
import sys

from conftest import need_module

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "gen_python_stubs.py")


def test_extension_stubs_are_generated_from_the_bindings():
    need_module("pybind11_stubgen")
    run = subprocess.run([sys.executable, TOOL, "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
