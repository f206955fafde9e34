#!/usr/bin/env python3
"""Benchmark peer adapter for rsigma, the Rust Sigma engine (crates.io crate `rsigma`).

Python 3 standard library only. Nothing of rsigma is vendored: `install()` builds the
published crate with `cargo install` into a folder under the peers directory.

    install(peers_dir) -> path of the `rsigma` binary (idempotent)
    run(binary, rules_dir, ndjson_path) -> {"seconds", "matches", "events", ...}

Command line:

    python3 benchmarks/peers/rsigma.py install [PEERS_DIR]
    python3 benchmarks/peers/rsigma.py run RULES_DIR EVENTS.ndjson [--binary PATH] [--peers-dir DIR]
    python3 benchmarks/peers/rsigma.py RULES_DIR EVENTS.ndjson          (same as run)
    python3 benchmarks/peers/rsigma.py prepare RULES_DIR DEST [--comparable]
        (writes the rule copy rsigma evaluates, to give vigil the very same rules)

How rsigma is run: `rsigma engine eval -r RULES -e @EVENTS --input-format json
--output-format ndjson`. It evaluates the file line by line on one thread and prints one
JSON object per match (`rule_title`, `rule_id`, `level`, `tags`, `matched_selections`,
`matched_fields`, and `custom_attributes` when the rule has any), then
`Processed N events, M matches.` on standard error. It does not report its own timing, so
`seconds` is the wall time of the whole process (rule loading included); `startup_seconds`
is the same command on an empty event file, for those who want to subtract it.

Rules: rsigma keeps every unknown top-level attribute of a rule as a custom attribute and
copies it into every match it prints. The vigil pack's `tests:` (whole CloudTrail events)
and `panther:` attributes would make each match line kilobytes long, so `run()` gives
rsigma a copy of the rules with only those top-level attributes removed (see
STRIPPED_ATTRIBUTES; pass strip=() to give it the rules as they are). `rsigma engine
eval` also refuses the whole rule set when one rule does not compile (rsigma's regex
dialect has no look-around, recursion or backreferences), so `run()` leaves such rules out
after `rsigma rule validate` and reports them in `rules_skipped`. README-rsigma.md lists
which pack rules both engines load and agree on.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

CRATE = "rsigma"
# 0.23.0 is the newest release whose rust-version (1.95) the installed toolchain meets;
# 0.24+ need a newer rustc. Pinned so that every run measures the same engine.
VERSION = os.environ.get("RSIGMA_VERSION", "0.23.0")
STRIPPED_ATTRIBUTES = ("tests", "panther")

# Rules that rsigma loads but evaluates differently, each with the reason. The pack's
# were found by running both engines on every `tests:` event of the pack
# (README-rsigma.md); the generated one by the harness (benchmarks/README.md). Pass
# exclude=KNOWN_DISAGREEMENTS (CLI: --comparable) to leave them out of a comparison. The
# harness leaves out only rules listed here: any other disagreement fails its run, so a
# new difference is looked at and explained here before it can be left out.
KNOWN_DISAGREEMENTS = {
    "4280a9c8-053a-43eb-ba4e-60521c8573da":
        "aws_s3_acl_public_grant: requestParameters|contains on an object; vigil matches "
        "the object's compact JSON text, rsigma never matches an object value",
    "ae51b3d0-9f1a-4293-a025-bf7182df3ac2":
        "aws_ec2_mass_instance_termination: |re on an array (instancesSet.items); vigil "
        "matches the array's compact JSON text, rsigma never matches an array value",
    "9a8bc392-0608-4c50-aa6b-0161bd4f254e":
        "generated mix rule 503 (gen_rules.py --seed 7): requestParameters.bucketPolicy."
        "Statement.Principal|contains '*'; where Principal is an object ({\"AWS\":\"*\"}) "
        "vigil matches its compact JSON text, rsigma never matches an object value",
}

_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)\s*:")


def _find_cargo():
    cargo = shutil.which("cargo")
    if cargo:
        return cargo
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    candidate = os.path.join(home, "bin", "cargo")
    if os.access(candidate, os.X_OK):
        return candidate
    return None


def _installed_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"(\d+\.\d+\.\d+\S*)", out)
    return m.group(1) if m else None


# A quick build for tests that need rsigma's answers, not its speed (the Sigma evaluation
# test, tests/python/test_sigma_evaluation.py): no LTO, many codegen units and
# opt-level 1 instead of the crate's thin LTO, codegen-units=1 and opt-level 3. It goes
# to PEERS_DIR/rsigma-quick, never to PEERS_DIR/rsigma, so the benchmarks never time it.
QUICK_PROFILE = {
    "CARGO_PROFILE_RELEASE_LTO": "off",
    "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "256",
    "CARGO_PROFILE_RELEASE_OPT_LEVEL": "1",
    "CARGO_PROFILE_RELEASE_INCREMENTAL": "false",
}


def installed(peers_dir, version=VERSION):
    """The rsigma `version` binary already under PEERS_DIR (the optimised build first,
    else the quick one), or None."""
    for flavour in ("rsigma", "rsigma-quick"):
        binary = os.path.join(os.path.abspath(peers_dir), flavour, "bin", "rsigma")
        if os.access(binary, os.X_OK) and _installed_version(binary) == version:
            return binary
    return None


def install(peers_dir, version=VERSION, quick=False):
    """Build rsigma `version` from crates.io into PEERS_DIR/rsigma (PEERS_DIR/rsigma-quick
    with QUICK_PROFILE when `quick`); return the binary path.

    Skips the build when that version is already there. Raises RuntimeError when cargo is
    missing or the build fails."""
    if quick:
        # Any build of this version gives the same answers: take the optimised one if
        # the benchmarks made it.
        have = installed(peers_dir, version)
        if have:
            print(f"rsigma {version} already installed: {have}", file=sys.stderr)
            return have
    root = os.path.join(os.path.abspath(peers_dir), "rsigma-quick" if quick else "rsigma")
    binary = os.path.join(root, "bin", "rsigma")
    if os.access(binary, os.X_OK):
        have = _installed_version(binary)
        if have == version:
            print(f"rsigma {have} already installed: {binary}", file=sys.stderr)
            return binary
        print(f"rsigma at {binary} is {have or 'unknown'}; installing {version}",
              file=sys.stderr)
    cargo = _find_cargo()
    if cargo is None:
        raise RuntimeError(
            "cargo not found (looked on PATH and in $CARGO_HOME/bin, ~/.cargo/bin): install a "
            f"Rust toolchain (rustc >= 1.95 for rsigma {version}) to build the rsigma peer")
    os.makedirs(root, exist_ok=True)
    cmd = [cargo, "install", CRATE, "--version", version, "--locked", "--root", root]
    if os.access(binary, os.X_OK):
        cmd.append("--force")
    env = dict(os.environ, **QUICK_PROFILE) if quick else None
    print("installing rsigma: " + (" ".join(f"{k}={v}" for k, v in QUICK_PROFILE.items()) + " "
                                   if quick else "") + " ".join(cmd), file=sys.stderr)
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env)
    if proc.returncode != 0 or not os.access(binary, os.X_OK):
        raise RuntimeError(f"cargo install {CRATE} {version} failed (exit {proc.returncode})")
    print(f"rsigma {version} installed in {time.monotonic() - started:.0f} s: {binary}",
          file=sys.stderr)
    return binary


def strip_rule_text(text, attributes=STRIPPED_ATTRIBUTES):
    """Remove the given top-level attributes (key line and its indented block) from the
    text of a YAML rule file; everything else is left byte for byte."""
    out = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if line.startswith("---") or line.startswith("..."):
            skipping = False
            out.append(line)
            continue
        m = _TOP_KEY.match(line)
        if m:
            skipping = m.group(1) in attributes
            if skipping:
                continue
        elif skipping and (line[:1] in (" ", "\t", "-", "#", "\n", "\r") or not line.strip()):
            continue
        else:
            skipping = False
        out.append(line)
    return "".join(out)


def stripped_copy(rules_dir, dest, attributes=STRIPPED_ATTRIBUTES):
    """Copy the .yml/.yaml files under rules_dir (or the single file) to dest, keeping the
    folder layout, with `attributes` removed. Returns the number of files."""
    n = 0
    if os.path.isfile(rules_dir):
        pairs = [(rules_dir, os.path.join(dest, os.path.basename(rules_dir)))]
    else:
        pairs = []
        for d, _, files in os.walk(rules_dir):
            for f in sorted(files):
                if f.endswith((".yml", ".yaml")):
                    src = os.path.join(d, f)
                    pairs.append((src, os.path.join(dest, os.path.relpath(src, rules_dir))))
    for src, dst in pairs:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, encoding="utf-8") as fh:
            text = fh.read()
        with open(dst, "w", encoding="utf-8") as fh:
            fh.write(strip_rule_text(text, attributes))
        n += 1
    return n


_ID_LINE = re.compile(r"""^id:\s*['"]?([^'"\s#]+)""", re.M)
_TITLE_LINE = re.compile(r"""^title:\s*['"]?(.*?)['"]?\s*$""", re.M)


def _rule_keys(path):
    """The top-level ids and titles in a rule file (every document)."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return set(_ID_LINE.findall(text)) | set(_TITLE_LINE.findall(text))


def _validate(binary, rules, cwd):
    """`rsigma rule validate DIR` as JSON: (parse error messages, {rule id or title: error})."""
    proc = subprocess.run([binary, "--output-format", "json", "rule", "validate", rules],
                          capture_output=True, text=True, cwd=cwd)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError(f"rsigma rule validate {rules} exited {proc.returncode}: "
                           f"{(proc.stderr or proc.stdout).strip()[:2000]}")
    errors = {}
    for e in report.get("compile_errors", []):
        key, _, msg = e.partition(": ")
        errors[key] = msg
    return report.get("parse_errors", []), errors


def _first_line(msg):
    """A one-line form of an rsigma error (regex errors span several lines)."""
    lines = [l.strip() for l in msg.splitlines() if l.strip()]
    tail = [l for l in lines if l.startswith("error:")]
    return (lines[0] + (" " + tail[-1] if tail else "")) if lines else msg


def prepare_rules(binary, rules_dir, dest, strip=STRIPPED_ATTRIBUTES, exclude=(), cwd=None):
    """Write to dest the rules rsigma will evaluate: rules_dir's .yml/.yaml files with the
    `strip` attributes removed, less the files holding a rule id/title in `exclude`, less
    the files rsigma cannot load. `rsigma engine eval` refuses the whole rule set when one
    rule fails to compile (e.g. a PCRE-only regex), so those are left out here, the way
    `vigil scan --skip-bad-rules` leaves out bad rules.

    Returns {"files": [kept relative paths], "skipped": {relative path: reason}}."""
    stripped_copy(rules_dir, dest, strip)
    files = sorted(os.path.relpath(os.path.join(d, f), dest)
                   for d, _, fs in os.walk(dest) for f in fs)
    skipped = {}
    exclude = set(exclude)
    for rel in files:
        if exclude and _rule_keys(os.path.join(dest, rel)) & exclude:
            skipped[rel] = "excluded"
            os.remove(os.path.join(dest, rel))
    parse_errors, compile_errors = _validate(binary, dest, cwd or dest)
    if parse_errors:
        # Parse errors do not name their file: find the files one at a time.
        for rel in files:
            if rel in skipped:
                continue
            with tempfile.TemporaryDirectory(prefix="rsigma-one-") as one:
                shutil.copy(os.path.join(dest, rel), one)
                perr, cerr = _validate(binary, one, one)
            if perr:
                skipped[rel] = "parse error: " + _first_line(perr[0])
                os.remove(os.path.join(dest, rel))
            compile_errors.update(cerr)
    if compile_errors:
        for rel in files:
            if rel in skipped:
                continue
            keys = _rule_keys(os.path.join(dest, rel)) & set(compile_errors)
            if keys:
                key = sorted(keys)[0]
                skipped[rel] = f"{key}: " + _first_line(compile_errors[key])
                os.remove(os.path.join(dest, rel))
    return {"files": [f for f in files if f not in skipped], "skipped": skipped}


def _eval_cmd(binary, rules, events, config, include_event=False, extra_args=()):
    # --include-event: each match line carries the whole event, as each of vigil's jsonl
    # lines does; without it rsigma writes the rule and the matched fields only.
    return [binary, "engine", "eval", "--config", config, "-r", rules, "-e", "@" + events,
            "--input-format", "json", "--output-format", "ndjson", "--color", "never"] + \
        (["--include-event"] if include_event else []) + list(extra_args)


def _timed(cmd, stdout_path, cwd):
    with open(stdout_path, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, cwd=cwd)
        seconds = time.perf_counter() - started
    return seconds, proc.returncode, proc.stderr.decode("utf-8", "replace")


def run(binary, rules_dir, ndjson_path, strip=STRIPPED_ATTRIBUTES, exclude=(),
        skip_bad_rules=True, startup=True):
    """Evaluate ndjson_path with the rules in rules_dir. Returns
    {"seconds": wall time of the rsigma process, "matches": {rule id (or title): count},
     "events": records read, "rules_loaded", "rules_skipped": {file: reason},
     "startup_seconds": the same command on an empty file, "version", "command"}.
    Rule preparation (copy, validation) is not timed. Raises RuntimeError on failure."""
    ndjson_path = os.path.abspath(ndjson_path)
    binary = os.path.abspath(binary)
    with tempfile.TemporaryDirectory(prefix="rsigma-peer-") as tmp:
        # An explicit, empty config file: rsigma then reads no /etc, ~/.config, .rsigmarc
        # or ./rsigma.yaml that happens to be around (RSIGMA_* variables still apply).
        config = os.path.join(tmp, "rsigma.yaml")
        with open(config, "w") as fh:
            fh.write("{}\n")
        rules = os.path.join(tmp, "rules")
        if skip_bad_rules:
            prepared = prepare_rules(binary, os.path.abspath(rules_dir), rules, strip,
                                     exclude, cwd=tmp)
        else:
            stripped_copy(os.path.abspath(rules_dir), rules, strip)
            prepared = {"skipped": {}}
        out_path = os.path.join(tmp, "matches.ndjson")
        cmd = _eval_cmd(binary, rules, ndjson_path, config)
        # rsigma exits 0 with or without matches (1 only with --fail-on-detection).
        seconds, rc, err = _timed(cmd, out_path, tmp)
        if rc != 0:
            raise RuntimeError(f"rsigma exited {rc}: {' '.join(cmd)}\n{err.strip()[:4000]}")
        loaded = re.search(r"Loaded (\d+) rules", err)
        processed = re.search(r"Processed (\d+) events", err)
        if processed:
            events = int(processed.group(1))
        else:
            with open(ndjson_path, "rb") as fh:
                events = sum(1 for _ in fh)
        matches = Counter()
        with open(out_path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    m = json.loads(line)
                    matches[m.get("rule_id") or m.get("rule_title")] += 1
        startup_seconds = None
        if startup:
            empty = os.path.join(tmp, "empty.ndjson")
            open(empty, "w").close()
            startup_seconds, _, _ = _timed(_eval_cmd(binary, rules, empty, config),
                                           os.devnull, tmp)
        warnings = [l for l in err.splitlines()
                    if l and not l.startswith(("Loaded ", "Processed "))]
    return {
        "seconds": seconds,
        "matches": dict(matches),
        "events": events,
        "rules_loaded": int(loaded.group(1)) if loaded else None,
        "rules_skipped": prepared["skipped"],
        "startup_seconds": startup_seconds,
        "warnings": warnings,
        "version": _installed_version(binary),
        "command": " ".join(cmd),
    }


def run_prepared(binary, rules, ndjson_path, out_path, include_event=False, extra_args=()):
    """One timed `rsigma engine eval` of rules prepared by prepare_rules() (no copy, no
    validation), its matches written to out_path (with each match's event when
    include_event; `extra_args` are appended to the command, e.g. --no-detections).
    Returns (wall seconds, {rule id or title: count}, CPU seconds (user + system) of the
    process)."""
    import resource
    binary = os.path.abspath(binary)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="rsigma-peer-") as tmp:
        config = os.path.join(tmp, "rsigma.yaml")
        with open(config, "w") as fh:
            fh.write("{}\n")
        cmd = _eval_cmd(binary, os.path.abspath(rules), os.path.abspath(ndjson_path), config,
                        include_event, extra_args)
        seconds, rc, err = _timed(cmd, out_path, tmp)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if rc != 0:
            raise RuntimeError(f"rsigma exited {rc}: {' '.join(cmd)}\n{err.strip()[:4000]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    matches = Counter()
    with open(out_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                m = json.loads(line)
                matches[m.get("rule_id") or m.get("rule_title")] += 1
    return seconds, dict(matches), cpu


def _main(argv):
    import argparse
    here = os.path.dirname(os.path.abspath(__file__))
    default_peers = os.path.join(os.path.dirname(here), ".peers")
    if argv and argv[0] not in ("install", "run", "prepare", "-h", "--help"):
        argv = ["run"] + argv
    ap = argparse.ArgumentParser(description="rsigma benchmark peer")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_inst = sub.add_parser("install", help="cargo install rsigma (skipped if present)")
    p_inst.add_argument("peers_dir", nargs="?", default=default_peers)
    p_inst.add_argument("--quick", action="store_true",
                        help="a quick build (QUICK_PROFILE) into PEERS_DIR/rsigma-quick, for tests")
    p_run = sub.add_parser("run", help="evaluate an NDJSON file, print the result as JSON")
    p_run.add_argument("rules_dir")
    p_run.add_argument("ndjson")
    p_prep = sub.add_parser("prepare", help="write the rule copy rsigma would evaluate")
    p_prep.add_argument("rules_dir")
    p_prep.add_argument("dest")
    for p in (p_run, p_prep):
        p.add_argument("--binary", help="rsigma binary (default: install into --peers-dir)")
        p.add_argument("--peers-dir", default=default_peers)
        p.add_argument("--no-strip", action="store_true",
                       help="give rsigma the rules as they are (keep tests:/panther:)")
        p.add_argument("--exclude", action="append", default=[], metavar="ID",
                       help="leave out the rule file holding this id or title (repeatable)")
    for p in (p_run, p_prep):
        p.add_argument("--comparable", action="store_true",
                       help="also leave out KNOWN_DISAGREEMENTS (pack rules rsigma evaluates "
                            "differently)")
    p_run.add_argument("--keep-bad-rules", action="store_true",
                       help="do not leave out rules rsigma cannot compile (rsigma then fails)")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "install":
            print(install(args.peers_dir, quick=args.quick))
            return 0
        binary = args.binary or install(args.peers_dir)
        strip = () if args.no_strip else STRIPPED_ATTRIBUTES
        if args.comparable:
            args.exclude += list(KNOWN_DISAGREEMENTS)
        if args.cmd == "prepare":
            result = prepare_rules(binary, os.path.abspath(args.rules_dir),
                                   os.path.abspath(args.dest), strip, args.exclude)
        else:
            result = run(binary, args.rules_dir, args.ndjson, strip=strip,
                         exclude=args.exclude, skip_bad_rules=not args.keep_bad_rules)
    except RuntimeError as e:
        print(f"rsigma peer: {e}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
