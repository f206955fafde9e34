#!/usr/bin/env bash
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
#
# The memory and reading invariants of docs/limits.md ("Memory bound", "Reading"),
# checked on the whole program (issue 13, items 1, 2, 3 and 11). Every input is
# generated and streamed through a pipe (stdin, or process substitution for several
# inputs), so gigabytes of input need no disk. Each case runs `vigil scan` under
# `ulimit -v` (4 GB, as in the issue) and /usr/bin/time, and prints the records matched
# against the records expected, the exit status, and the peak RSS against its bound.
#
#   tests/hostile/memory.sh VIGIL [CASE...]     (no CASE: all of them)
#
# Exit status 0 when every case selected holds. ctest runs each case as its own test
# (tests/CMakeLists.txt: hostile_memory_<case>). Sizes are chosen so that each case runs
# in well under a minute on 2 cores; VIGIL_MEMORY_SCALE=N multiplies the stream sizes.
set -u -o pipefail

VIGIL=${1:?usage: memory.sh VIGIL [CASE...]}
shift
SCALE=${VIGIL_MEMORY_SCALE:-1}
if [[ ! -x /usr/bin/time ]]; then
  echo "memory.sh: /usr/bin/time is needed for the peak RSS (Debian package time, scripts/setup-deps)" >&2
  exit 2
fi
ULIMIT_KB=4000000
MIB=1048576

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil_memory.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/hit.yml" <<'EOF'
title: hit
id: 00000000-0000-0000-0000-000000000013
detection:
  sel:
    eventName: Hit
  condition: sel
EOF
# A first_seen rule: with one loaded, --baseline is read.
cat >"$TMP/first_seen.yml" <<'EOF'
title: hit
name: hit
id: 00000000-0000-0000-0000-000000000013
detection:
  sel:
    eventName: Hit
  condition: sel
---
title: new source for a user
correlation:
  type: first_seen
  rules: [hit]
  group-by: [userIdentity.arn]
  timespan: 1d
  condition:
    field: sourceIPAddress
EOF

HIT='{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"Hit","userIdentity":{"arn":"arn:aws:iam::111122223333:user/alice"},"sourceIPAddress":"198.51.100.7"}'
MISS='{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"Miss","userIdentity":{"arn":"arn:aws:iam::111122223333:user/alice"},"sourceIPAddress":"198.51.100.7"}'

# Generators (all to stdout).
records() { yes "$1" | head -n "$2"; }              # $2 copies of record $1
newlines() { yes '' | head -c "$1"; }               # $1 bytes of '\n'
around_newlines() { echo "$HIT"; newlines "$1"; echo "$HIT"; }
records_doc() { echo '{"Records":['; yes "$MISS," | head -n "$1"; echo "$HIT]}"; }  # $1 + 1 records

failures=0
# run NAME EXPECTED_MATCHES EXPECTED_STATUS RSS_BOUND_MIB STDERR_PATTERN COMMAND
# COMMAND is a bash script run under ulimit -v; its stdout is jsonl findings (one line
# each) or table rows (counted as lines with " hit "), its stderr must match the pattern.
run() {
  local name=$1 expected=$2 want_status=$3 bound=$4 pattern=$5 script=$6
  local out="$TMP/$name.out" err="$TMP/$name.err" rss_file="$TMP/$name.rss"
  local start=$SECONDS
  VIGIL=$VIGIL TMP=$TMP HIT=$HIT MISS=$MISS SCALE=$SCALE \
    bash -c "$(declare -f records newlines around_newlines records_doc failed_logins); ulimit -v $ULIMIT_KB; $script" \
    >"$out" 2>"$err"
  local status=$?
  local rss_kb
  rss_kb=$(sed -n 's/^vigil-peak-rss-kb \([0-9]*\)$/\1/p' "$err" | sort -n | tail -1)
  rss_kb=${rss_kb:-0}
  local matched
  if grep -q '^LEVEL' "$out"; then
    matched=$(grep -c ' hit ' "$out")
  else
    matched=$(grep -c '"rule_id"' "$out")
  fi
  local ok=1
  [[ $matched == "$expected" ]] || ok=0
  [[ $status == "$want_status" ]] || ok=0
  ((rss_kb <= bound * 1024)) || ok=0
  [[ -z $pattern ]] || grep -Eq -- "$pattern" "$err" || ok=0
  printf '%-26s matched %9s of %9s  status %s (want %s)  peak RSS %7.1f MiB (bound %5d MiB)  %3ds  %s\n' \
    "$name" "$matched" "$expected" "$status" "$want_status" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$bound" \
    $((SECONDS - start)) "$([[ $ok == 1 ]] && echo ok || echo FAIL)"
  if [[ $ok != 1 ]]; then
    failures=$((failures + 1))
    grep -v '^vigil-peak-rss-kb' "$err" | head -5 | sed 's/^/    stderr: /'
  fi
}

# `vigil scan` under /usr/bin/time; the peak RSS goes to stderr as one tagged line.
V='/usr/bin/time -f "vigil-peak-rss-kb %M" "$VIGIL" scan'

case_parallel_nomatch() {
  # Item 1: default threads (one per core; here 2), two inputs of 5M records that match
  # nothing. Before: every record logged until its file ended (1.6 GB for 20M).
  run parallel_nomatch 0 0 64 ' 10000000 events in 2 files' \
    "$V -j 0 --rules \$TMP/hit.yml -f jsonl <(records \"\$MISS\" \$((5000000 * SCALE))) <(records \"\$MISS\" \$((5000000 * SCALE)))"
}
case_parallel_match() {
  # Item 1 with matches: the texts of 500k matched records, next to a 2M-record file.
  run parallel_match $((500000 * SCALE)) 0 64 '' \
    "$V -j 2 --rules \$TMP/hit.yml -f jsonl <(records \"\$MISS\" \$((2000000 * SCALE))) <(records \"\$HIT\" \$((500000 * SCALE)))"
}
case_parallel_newlines() {
  # Items 1 and 2: two inputs of 1 GiB of newlines between two records each, -j 2.
  run parallel_newlines 4 0 96 '' \
    "$V -j 2 --rules \$TMP/hit.yml -f jsonl <(around_newlines \$((1024 * $MIB * SCALE))) <(around_newlines \$((1024 * $MIB * SCALE)))"
}
case_stdin_newlines() {
  # Item 2: a record, 2 GiB of newlines, a record, on stdin.
  run stdin_newlines 2 0 64 '' \
    "around_newlines \$((2048 * $MIB * SCALE)) | $V --rules \$TMP/hit.yml -f jsonl -"
}
case_gzip_newlines() {
  # Item 2: the same inside gzip (512 MiB of newlines compress to about 0.5 MB).
  run gzip_newlines 2 0 64 '' \
    "around_newlines \$((512 * $MIB * SCALE)) | gzip -1 | $V --rules \$TMP/hit.yml -f jsonl -"
}
case_records_document() {
  # Item 1: a 410 MB Records document (read whole, as a Records file must be: its
  # buffer grows to 512 MiB) next to another input, -j 2. Before: simdjson's index of
  # the document came on top, and the worker's log of every record (718 MiB RSS here).
  # Now the document is read by the strict scanner in place, and the log is handed over
  # in chunks.
  run records_document 2 0 640 ' 2 matches' \
    "$V -j 2 --rules \$TMP/hit.yml -f jsonl <(records_doc \$((1900000 * SCALE))) <(echo \"\$HIT\")"
}
case_records_document_whole() {
  # A Records document just under kMaxWholeDocumentBytes (2 MiB) of 698,000 empty records
  # and one hit: read from one DOM parse in the matcher's parser (src/inputs/reader_fast.cc,
  # WholeText), the most records such a document can hold: 35 MiB RSS when written, 16
  # MiB when such a document was read by the On-Demand pass.
  run records_document_whole 1 0 64 ' 1 matches' \
    "python3 -c 'import sys; sys.stdout.write(\"{\\\"Records\\\":[\" + \"{},\" * 698000 + sys.argv[1] + \"]}\")' \"\$HIT\" > \$TMP/whole.json; $V --rules \$TMP/hit.yml -f jsonl \$TMP/whole.json"
}
case_table_rows() {
  # Item 11: --format table with 1M matches. Before: every row kept (357 MB per 1M).
  run table_rows $((1000000 * SCALE)) 0 64 '' \
    "records \"\$HIT\" \$((1000000 * SCALE)) | $V --rules \$TMP/hit.yml -f table -"
}
case_threads_9999() {
  # Item 11: before, 300 inputs with --threads 9999 started threads until the system
  # refused one: std::system_error and an abort. Now a usage error.
  run threads_9999 0 2 64 '^vigil: --threads is at most 256, not 9999$' \
    "mkdir -p \$TMP/many && for i in \$(seq 1000 1299); do echo \"\$HIT\" > \$TMP/many/\$i.json; done && $V --threads 9999 --rules \$TMP/hit.yml -f jsonl \$TMP/many"
}
case_threads_256() {
  # The most threads accepted: works, with one input.
  run threads_256 1 0 64 '' "echo \"\$HIT\" | $V --threads 256 --rules \$TMP/hit.yml -f jsonl -"
}
case_threads_256_files() {
  # Item 11: the most threads accepted, on 300 inputs (256 threads started), under the
  # 4 GB limit: every record found. Each thread reserves an 8 MiB stack (address space,
  # not RSS); a thread the system refuses to start is done without.
  run threads_256_files 300 0 64 ' 300 events in 300 files' \
    "mkdir -p \$TMP/many && for i in \$(seq 1000 1299); do echo \"\$HIT\" > \$TMP/many/\$i.json; done && $V -j 256 --rules \$TMP/hit.yml -f jsonl \$TMP/many"
}
case_rules_devzero() {
  # Item 3: read up to the 16 MiB limit + 1 byte, then an error.
  run rules_devzero 0 2 64 '^/dev/zero: error: rule file is larger than 16777216 bytes$' \
    "echo \"\$HIT\" | $V --rules /dev/zero -f jsonl -"
}
case_rules_sparse() {
  # Item 3: a sparse 1 TiB rule file, refused on its size before reading.
  run rules_sparse 0 2 16 'error: rule file is larger than 16777216 bytes$' \
    "truncate -s 1T \$TMP/sparse.yml && echo \"\$HIT\" | $V --rules \$TMP/sparse.yml -f jsonl -"
}
case_vars_devzero() {
  run vars_devzero 0 2 64 '^vigil: /dev/zero: vars file is larger than 16777216 bytes$' \
    "echo \"\$HIT\" | $V --rules \$TMP/hit.yml --vars /dev/zero -f jsonl -"
}
case_baseline_devzero() {
  # Item 3: a baseline must be a regular file: /dev/zero is refused before a byte is
  # read, and nothing is scanned (the baseline is not overwritten either).
  run baseline_devzero 0 2 16 'cannot read baseline /dev/zero: not a regular file' \
    "echo \"\$HIT\" | $V --rules \$TMP/first_seen.yml --baseline /dev/zero -f jsonl -"
}
case_baseline_sparse() {
  run baseline_sparse 0 2 16 'is larger than the limit of 268435456 bytes' \
    "truncate -s 1T \$TMP/baseline.jsonl && echo \"\$HIT\" | $V --rules \$TMP/first_seen.yml --baseline \$TMP/baseline.jsonl -f jsonl -"
}
case_input_devzero() {
  # An input that never ends a line: read up to max_document_bytes (1 GiB) + 1 byte,
  # reported, and the next input still read. The read buffer peaks at 1.5 GiB while it
  # grows to the limit (docs/limits.md, "Memory bound").
  run input_devzero 1 0 1600 'larger than max_document_bytes' \
    "echo \"\$HIT\" > \$TMP/one.json && $V -j 1 --rules \$TMP/hit.yml -f jsonl /dev/zero \$TMP/one.json"
}

# Failed console logins for the bundled pack, whose correlations (5 failures of one
# user, or from one address, in 10 minutes) hold them: $1 of them, all at one instant,
# for one user (same) or each for a user of its own (distinct).
failed_logins() {
  awk -v n="$1" -v distinct="$2" 'BEGIN { for (i = 0; i < n; i++) printf "{\"eventVersion\":\"1.08\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"awsRegion\":\"us-east-1\",\"recipientAccountId\":\"111122223333\",\"sourceIPAddress\":\"203.0.113.%d\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"%s\"},\"responseElements\":{\"ConsoleLogin\":\"Failure\"},\"additionalEventData\":{\"MFAUsed\":\"No\"},\"errorMessage\":\"Failed authentication\"}\n", i % 250, distinct ? "u" i : "alice" }'
}
case_correlation_one_instant() {
  # Correlation state: 2M failed logins of one user at one instant. The watermark
  # never passes them: before, all were held in the reorder buffer to the end (1M:
  # 0.8 GB; 5M would abort under the limit). Now at most --max-held-events (200,000).
  run correlation_one_instant $((2000000 * SCALE)) 0 320 'correlation state reached its bound of 200000 events held' \
    "failed_logins \$((2000000 * SCALE)) 0 | $V -j 1 -f jsonl -"
}
case_correlation_group_per_event() {
  # The same with a user of its own for every event: one window per user (1M: 1.2 GB).
  run correlation_group_per_event $((2000000 * SCALE)) 0 320 ' dropped from windows' \
    "failed_logins \$((2000000 * SCALE)) 1 | $V -j 1 -f jsonl -"
}

ALL=(parallel_nomatch parallel_match parallel_newlines stdin_newlines gzip_newlines records_document records_document_whole table_rows
  threads_9999 threads_256 threads_256_files rules_devzero rules_sparse vars_devzero baseline_devzero
  baseline_sparse input_devzero correlation_one_instant correlation_group_per_event)
(($# > 0)) || set -- "${ALL[@]}"
for c in "$@"; do
  if ! declare -F "case_$c" >/dev/null; then
    echo "memory.sh: no case $c (cases: ${ALL[*]})" >&2
    exit 2
  fi
  "case_$c"
done
if ((failures > 0)); then
  echo "memory.sh: $failures case(s) failed" >&2
  exit 1
fi
