# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The suite's own guards (conftest.py), each shown to fail when it should: the
per-test timeout, and the refusal of skips under VIGIL_TEST_OPTIONAL=require. Each case
runs pytest in a subprocess on a small test file beside a copy of conftest.py."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

CONFTEST = pathlib.Path(__file__).with_name("conftest.py")


def run_pytest(tmp_path, test_source: str, **env) -> subprocess.CompletedProcess:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_case.py").write_text(test_source)
    environ = {k: v for k, v in os.environ.items()
               if k not in ("VIGIL_TEST_OPTIONAL", "VIGIL_TEST_ALLOWED_SKIPS", "VIGIL_TEST_TIMEOUT")}
    environ.update(env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           str(tmp_path)], cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=120)


HANGS = """\
import time, pytest

def test_hangs_in_python():
    while True:
        pass

def test_sleeps():
    time.sleep(3600)

@pytest.mark.timeout(0.5)
def test_marked():
    time.sleep(3600)

def test_quick():
    assert 1 + 1 == 2
"""


def test_a_hanging_test_fails_at_the_timeout(tmp_path):
    out = run_pytest(tmp_path, HANGS, VIGIL_TEST_TIMEOUT="1")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "3 failed, 1 passed" in out.stdout, out.stdout
    assert out.stdout.count("TimedOut: test timed out after 1 s") == 2, out.stdout
    assert out.stdout.count("TimedOut: test timed out after 0.5 s") == 1, out.stdout


SKIPS = """\
import pytest

def test_runs():
    assert True

def test_skipped_inside():
    pytest.skip("no widget")

@pytest.mark.skipif(True, reason="never here")
def test_skipped_by_mark():
    pass
"""

MODULE_SKIP = """\
import pytest
pytest.importorskip("vigil_no_such_module_for_the_guard_test")

def test_never_collected():
    pass
"""


def test_skips_fail_the_session_under_require(tmp_path):
    out = run_pytest(tmp_path, SKIPS)  # without require: skips are only reported
    assert out.returncode == 0 and "1 passed, 2 skipped" in out.stdout, out.stdout
    out = run_pytest(tmp_path, SKIPS, VIGIL_TEST_OPTIONAL="require")
    assert out.returncode == 1, out.stdout
    assert "2 unexpected skip(s) under VIGIL_TEST_OPTIONAL=require" in out.stdout, out.stdout
    assert "SKIPPED test_case.py::test_skipped_inside: Skipped: no widget" in out.stdout, out.stdout
    out = run_pytest(tmp_path, SKIPS, VIGIL_TEST_OPTIONAL="require",
                     VIGIL_TEST_ALLOWED_SKIPS="test_skipped_inside,test_skipped_by_mark")
    assert out.returncode == 0, out.stdout
    # A whole module skipped by importorskip counts too.
    (tmp_path / "test_case.py").unlink()
    out = run_pytest(tmp_path, MODULE_SKIP, VIGIL_TEST_OPTIONAL="require")
    assert out.returncode == 1 and "1 unexpected skip(s)" in out.stdout, out.stdout
