#!/usr/bin/env python3
"""Deterministic generator of synthetic, realistic AWS CloudTrail records.

The code is the package tools/gen_cloudtrail/ (see its __init__.py for the options);
this file keeps the command every caller uses: tools/gen_cloudtrail.py [options].
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_cloudtrail.cli import main  # noqa: E402  (the package beside this file)

if __name__ == "__main__":
    sys.exit(main())
