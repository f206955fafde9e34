"""python3 -m gen_cloudtrail (from tools/): the same command line as tools/gen_cloudtrail.py."""

import sys

from .cli import main

sys.exit(main())
