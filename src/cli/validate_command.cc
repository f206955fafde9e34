// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil validate`: CloudTrail log file integrity validation over a local copy of the
// bucket (include/vigil/validate.h), one line per finding and a summary.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/common.h"
#include "vigil/validate.h"

namespace vigil::cli {
namespace {

constexpr const char* kValidateHelp = R"(usage: vigil validate [options] PATH...

Check CloudTrail log file integrity offline, over folders laid out like the trail's
S3 bucket ([prefix/]AWSLogs/[o-ID/]ACCOUNT/CloudTrail{,-Digest}/REGION/...), as
`aws cloudtrail validate-logs` does against S3: every digest's signature and chain,
every log file a digest lists (present, and its SHA-256 as listed), log files no
digest lists, and periods with no digest (gaps). Each PATH is a bucket root (or a
folder below it: the digests say where the root is).

options:
  --public-keys FILE   `aws cloudtrail list-public-keys` output (JSON); without it no
                       signature is verified
  --signatures FILE    signatures of the newest digests (only in S3 metadata): JSON
                       {"S3 key": "hex x-amz-meta-signature"}, or a list of
                       `aws s3api head-object` outputs with "Key" added
  --start TIME         validate from this time (ISO 8601, e.g. 2026-12-01T00:00:00Z)
  --end TIME           up to this time
  -f, --format F       table (default on a terminal) or jsonl: one JSON object per
                       finding: code, status, file, account, region, trail, detail,
                       and digest, start, end, reason where they apply
  --strict             unverified findings (no signature, unlisted log files) fail too
  -q, --quiet          no summary line

Codes: ok: log-valid, digest-valid; failed: log-modified, log-missing, log-unreadable,
digest-modified, digest-missing, digest-unreadable, digest-moved,
digest-signature-invalid, chain-broken, digest-key-unknown, digest-key-invalid-period;
unverified: digest-signature-unverifiable, log-unlisted; info: gap (README, "Audit").

exit status: 0 nothing failed; 1 something failed validation (or, with --strict, could
not be verified); 2 bad usage or an unusable key or signatures file.
)";

void PrintJsonl(const ValidationFinding& f) {
  std::string line = "{\"code\":" + JsonString(f.code) +
                     ",\"status\":" + JsonString(ValidationStatusName(f.status));
  auto field = [&](const char* name, const std::string& value) {
    if (!value.empty()) line += std::string(",\"") + name + "\":" + JsonString(value);
  };
  field("file", f.file);
  field("account", f.account);
  field("region", f.region);
  field("trail", f.trail);
  field("digest", f.digest);
  field("start", f.start);
  field("end", f.end);
  field("reason", f.reason);
  field("detail", f.detail);
  line += "}\n";
  std::fputs(line.c_str(), stdout);
}

void PrintRow(const ValidationFinding& f) {
  std::string what = f.file;
  if (f.code == "gap") {
    what = (f.start.empty() ? std::string("?") : f.start) + " .. " + f.end + " " + f.account + " " +
           f.region + " " + f.trail + ": " + f.reason;
  }
  std::printf("%-10s  %-29s  %s\n", ValidationStatusName(f.status), f.code.c_str(), what.c_str());
  if (f.status == ValidationStatus::kFailed || f.status == ValidationStatus::kUnverified) {
    std::printf("%-10s  %-29s  %s\n", "", "", f.detail.c_str());
  }
}

}  // namespace

int ValidateCommand(int argc, char** argv) {
  ValidateArgs o;
  if (int rc = Parse(argc, argv, kValidateHelp, &o); rc >= 0) return rc;
  if (o.paths.empty())
    return Usage("validate needs a PATH (a folder holding AWSLogs/)", "validate");
  if (o.format.empty()) o.format = isatty(STDOUT_FILENO) ? "table" : "jsonl";
  ValidateOptions options;
  options.public_keys = o.public_keys;
  options.signatures = o.signatures;
  options.start_ms = o.start_ms;
  options.end_ms = o.end_ms;
  const Result<ValidationReport> r = Validate(o.paths, options);
  if (!r.ok()) {
    std::fprintf(stderr, "vigil: %s\n", r.status().message().c_str());
    return 2;
  }
  const ValidationReport& report = r.value();
  for (const ValidationFinding& f : report.findings) {
    if (o.format == "jsonl") {
      PrintJsonl(f);
    } else {
      PrintRow(f);
    }
  }
  std::fflush(stdout);
  if (!o.quiet) {
    std::fprintf(stderr,
                 "vigil: %llu digests, %llu log files (%llu bytes) read: %zu ok, %zu failed, "
                 "%zu unverified, %zu gaps\n",
                 static_cast<unsigned long long>(report.digests),
                 static_cast<unsigned long long>(report.log_files),
                 static_cast<unsigned long long>(report.bytes), report.Count(ValidationStatus::kOk),
                 report.Count(ValidationStatus::kFailed),
                 report.Count(ValidationStatus::kUnverified), report.Count("gap"));
  }
  return report.Failed(o.strict) ? 1 : 0;
}

}  // namespace vigil::cli
