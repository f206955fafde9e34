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


def need_cli(*candidates: str) -> str:
    """The `vigil` command (the first of `candidates` that is an executable file, else
    the one installed beside this Python or on PATH). Missing, the test is skipped -- or
    fails under VIGIL_TEST_OPTIONAL=require: a test that compares the Python package
    with the command must never quietly compare the package with itself."""
    import shutil
    import sys

    for c in (*candidates, os.path.join(os.path.dirname(sys.executable), "vigil"), shutil.which("vigil")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    if os.environ.get("VIGIL_TEST_OPTIONAL") == "require":
        pytest.fail("the vigil command is not installed beside this Python (VIGIL_TEST_OPTIONAL=require)")
    pytest.skip("the vigil command is not installed beside this Python")


# ---- per-test timeout ------------------------------------------------------------------
#
# VIGIL_TEST_TIMEOUT seconds (default 300, as ctest's) for each test, setup and teardown
# included; a test may ask for another limit with @pytest.mark.timeout(seconds). At the
# limit SIGALRM fails the test where it stands (the rest of the session goes on); a
# test stuck in native code that never returns to the interpreter (the alarm cannot
# interrupt it) is ended 30 s later by faulthandler, which prints every thread's stack
# and exits the process with an error. No plugin needed (pytest-timeout does the same).

_TIMEOUT_GRACE = 30.0


class TimedOut(Exception):
    """Raised in the test by the alarm (an Exception, so that the test fails)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): this test's time limit (conftest.py)")


def _on_alarm(signum, frame):
    raise TimedOut(f"test timed out after {_current_limit[0]:g} s (VIGIL_TEST_TIMEOUT)")


_current_limit = [0.0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    import faulthandler
    import signal
    import threading

    marker = item.get_closest_marker("timeout")
    limit = float(marker.args[0]) if marker else float(os.environ.get("VIGIL_TEST_TIMEOUT", "300"))
    armed = (limit > 0 and hasattr(signal, "setitimer")
             and threading.current_thread() is threading.main_thread())
    if armed:
        _current_limit[0] = limit
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
        faulthandler.dump_traceback_later(limit + _TIMEOUT_GRACE, exit=True)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
            signal.signal(signal.SIGALRM, previous)


# ---- no unexpected skips under VIGIL_TEST_OPTIONAL=require -------------------------------
#
# Under VIGIL_TEST_OPTIONAL=require (scripts/test-python, CI) every skip -- a skipif, a
# pytest.skip, an importorskip of a whole module -- fails the session, unless the test's
# id contains one of the comma-separated VIGIL_TEST_ALLOWED_SKIPS. Each skip is listed
# with its reason. Without `require`, skips are reported by pytest as usual.

_skips: list = []


def _note_skip(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skips.append((report.nodeid, reason))


def pytest_runtest_logreport(report):
    _note_skip(report)


def pytest_collectreport(report):
    _note_skip(report)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("VIGIL_TEST_OPTIONAL") != "require" or not _skips:
        return
    allowed = [a.strip() for a in os.environ.get("VIGIL_TEST_ALLOWED_SKIPS", "").split(",") if a.strip()]
    unexpected = [(n, r) for n, r in _skips if not any(a in n for a in allowed)]
    if not unexpected:
        return
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(unexpected)} unexpected skip(s) under VIGIL_TEST_OPTIONAL=require "
             f"(allow one with VIGIL_TEST_ALLOWED_SKIPS=<part of its id>):"]
    lines += [f"  SKIPPED {n}: {r}" for n, r in unexpected]
    if tr is not None:
        tr.write_line("")
        for line in lines:
            tr.write_line(line, red=True)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
