# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Writing a generated file, or checking that the committed one is up to date: the
`--check` of the tools whose output is committed (gen_python_stubs.py,
gen_rules_readme.py), one way for all of them."""

import difflib
import sys


def write_or_check(path: str, text: str, label: str, tool: str, check: bool) -> int:
    """Writes `text` to `path`; with `check`, compares instead and, when they differ,
    prints a unified diff (`label` names the file in it) and how to regenerate it, and
    returns 1. Returns 0 otherwise."""
    if check:
        with open(path, encoding="utf-8") as f:
            current = f.read()
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       label, "generated"))
            print(f"{label} is out of date: run {tool}", file=sys.stderr)
            return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0
