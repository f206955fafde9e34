"""Command line of the generator (tools/gen_cloudtrail.py, python3 -m gen_cloudtrail)."""

import argparse
import json
import re
import sys

from . import rulemap
from .attacks import ATTACKS
from .world import parse_time
from .writers import manifest, run

DESCRIPTION = "Deterministic generator of synthetic, realistic AWS CloudTrail records."


def parse_size(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (e.g. 500KB, 100MB, 2GB)")
    num, unit = float(m.group(1)), (m.group(2) or "").rstrip("b")
    base = 1024 if unit.endswith("i") else 1000
    power = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}[unit.rstrip("i")]
    return int(num * base ** power)


def parse_duration(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (e.g. 90m, 2h, 3600)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def parse_args(argv=None):
    """The options, checked and completed (regions a list, rate set, kinds a list)."""
    ap = argparse.ArgumentParser(description=DESCRIPTION,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Attack kinds (--list-attacks for details): " + ", ".join(ATTACKS))
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--events", type=int, help="number of records to write (default 1000)")
    size.add_argument("--bytes", type=parse_size, help="stop after this much uncompressed JSON, e.g. 100MB, 2GiB")
    ap.add_argument("--format", choices=("ndjson", "records", "s3"), default="ndjson")
    ap.add_argument("--out", default="-", help="output file, '-' for stdout, or a folder for --format s3")
    ap.add_argument("--manifest", help="write the JSON summary here (default: stderr)")
    ap.add_argument("--start", type=parse_time, default=parse_time("2026-11-25T08:00:00Z"),
                    help="time of the first event, YYYY-MM-DDTHH:MM:SSZ (default 2026-11-25T08:00:00Z)")
    pace = ap.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, help="mean events per second (default 10)")
    pace.add_argument("--duration", type=parse_duration, help="spread --events over this long, e.g. 90m, 2h")
    ap.add_argument("--regions", default="us-east-1,eu-west-1,us-west-2",
                    help="comma-separated regions; the first is the trail's home region")
    ap.add_argument("--account", help="12-digit account id (default: derived from the seed)")
    ap.add_argument("--attack-rate", type=float, default=0.001,
                    help="probability that an event slot starts an attack (default 0.001)")
    ap.add_argument("--attack-kinds", help="comma-separated subset of the catalogue (default: all)")
    ap.add_argument("--gzip-level", type=int, default=6, help="gzip level for --format s3 (default 6)")
    ap.add_argument("--max-file-records", type=int, default=5000,
                    help="--format s3: split a region's 5-minute window into files of at most this many records")
    ap.add_argument("--list-attacks", action="store_true", help="print the attack catalogue and exit")
    args = ap.parse_args(argv)

    if args.list_attacks:
        return args
    args.regions = [s.strip() for s in args.regions.split(",") if s.strip()]
    if args.events is None and args.bytes is None:
        args.events = 1000
    if args.duration:
        if args.events is None:
            ap.error("--duration needs --events (use --rate with --bytes)")
        args.rate = max(args.events, 1) / args.duration
    if args.rate is None:
        args.rate = 10.0
    if args.rate <= 0:
        ap.error("--rate must be positive")
    if args.attack_kinds:
        kinds = [k.strip() for k in args.attack_kinds.split(",") if k.strip()]
        bad = [k for k in kinds if k not in ATTACKS]
        if bad:
            ap.error("unknown attack kind(s): %s" % ", ".join(bad))
        args.attack_kinds = kinds
    if args.account and not re.fullmatch(r"\d{12}", args.account):
        ap.error("--account must be 12 digits")
    if args.format == "s3" and args.out in (None, "-"):
        ap.error("--format s3 needs --out DIR")
    if not 0 <= args.attack_rate <= 1:
        ap.error("--attack-rate must be within [0, 1]")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.list_attacks:
        for k, (_, desc, variant) in ATTACKS.items():
            if variant is None:
                rules = tuple(rulemap.catalogue_rules(k))
            else:
                rules = {v: tuple(r) for v, r in rulemap.rules_by_variant(k).items()}
            print("%-32s %-45s %s" % (k, rules or "-", desc))
        return 0
    g, cnt, sink = run(args)
    m = manifest(args, g, cnt, sink)
    text = json.dumps(m, indent=2) + "\n"
    if args.manifest:
        with open(args.manifest, "w") as f:
            f.write(text)
    else:
        sys.stderr.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
