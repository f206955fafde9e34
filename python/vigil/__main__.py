# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""``python -m vigil report LOGS... -o report.html``: the audit report (vigil.report).

Every other command (scan, test, check, validate...) is the ``vigil`` executable the
wheel installs beside Python; ``python -m vigil scan ...`` runs it."""

import os
import shutil
import sys


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "report":
        from vigil.report import main as report_main
        return report_main(args[1:])
    exe = shutil.which("vigil", path=os.path.dirname(sys.executable) + os.pathsep
                       + os.environ.get("PATH", ""))
    if exe is None:
        print("python -m vigil: the `vigil` command is not installed; "
              "`python -m vigil report` is the only command Python runs itself", file=sys.stderr)
        return 2
    os.execv(exe, [exe] + args)
    return 2  # not reached


if __name__ == "__main__":
    sys.exit(main())
