// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil scan` (match CloudTrail logs against Sigma rules) and `vigil dump` (print the
// compiled program). Uses only the public API, plus the JSON escaping helper.
//
// Longer than this project's ~600-line mark: the help text is 75 lines, and CliSink
// (about 400) holds the three ways a scan is printed (jsonl, the table, the summary),
// which share its per-file and per-rule state. If another output format comes, CliSink
// moves to a file of its own with an output interface.

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/common.h"
#include "cli/interrupt.h"
#include "cli/line_writer.h"
#include "cli/text_out.h"
#include "util/file_lock.h"
#include "util/strings.h"
#include "util/surrogates.h"
#include "vigil/vigil.h"

namespace vigil::cli {
namespace {

constexpr const char* kScanHelp = R"(usage: vigil scan [options] [INPUT]...

Match CloudTrail logs against Sigma detection rules and print what matched.

INPUT is a file, a folder (searched recursively; CloudTrail-Digest files skipped) or
'-' for standard input (the default). Accepted content, detected by content:
{"Records":[...]} CloudTrail files, gzip of anything (.json.gz), NDJSON, a JSON array
of events or a single event, `aws cloudtrail lookup-events` output, EventBridge
events (the record is in "detail").

options:
  --rules PATH        rule file or folder; repeatable (default: the bundled pack)
  --vars FILE         values for |expand placeholders (pySigma pipeline `vars:` form)
  --format FORMAT     table (default on a terminal) or jsonl (default otherwise): one
                      JSON object per match with rule_id, rule_title, level, tags,
                      author, file, record, event
  --logsource KIND    auto (default): CloudTrail records only meet rules whose
                      logsource fits product aws / service cloudtrail (or none);
                      cloudtrail: treat every event as CloudTrail; any: all rules
  -j, --threads N     files matched in parallel (default 0: one per core; at most
                      256); output order is the same whatever N; -j4 works as
                      -j 4 does
  --lateness DURATION how far out of event-time order an event may come and still be
                      correlated (default 15m: CloudTrail delivers events up to about
                      15 minutes late); 900s, 2h, 1d...; 0: no reordering; inf (or
                      all): hold every event to the end of the scan (within
                      --max-held-events)
  --max-future DURATION
                      an event dated more than this after its file's CloudTrail
                      delivery time (in the file name), else after the clock, is a
                      time outlier: still matched and printed, but not correlated and
                      counted in the summary (default 1d; inf: no bound)
  --max-held-events N correlation's memory bound: events held at once for reordering
                      and in windows, about 1 KB each (default 200000); past it the
                      oldest are processed early or dropped from windows, and the
                      summary says how many (docs/limits.md)
  --baseline FILE     what first_seen rules have learned: read before the scan (a
                      missing file starts empty), written back after it (atomically);
                      the scan holds an exclusive lock on it, and a second scan of the
                      same file stops with an error (status 2) before scanning
  --skip-bad-rules    scan with the rules that loaded even if some failed
  --validate          validate the INPUT folders' log file integrity first (as vigil
                      validate does) and mark each match whose log file failed
                      validation or could not be validated: jsonl adds
                      "log_validation": validated, failed, unverified or not-covered
                      (a file in no validated tree: standard input, files given one
                      by one); the table marks the file; the summary counts them
  --public-keys FILE  with --validate: `aws cloudtrail list-public-keys` output
  --signatures FILE   with --validate: the newest digests' signatures (vigil validate)
  -q, --quiet         no summary line on standard error
  -h, --help          this help

Correlation rules (Sigma correlations: event_count, value_count, temporal,
temporal_ordered, value_sum, value_avg, value_median, value_percentile, and vigil's
first_seen extension, docs/first-seen.md) are evaluated
over the whole scan in event-time order (eventTime). Events are reordered within the
--lateness bound: an event older than the latest eventTime seen so far minus the bound
is not correlated (it is still matched and printed), and the summary counts such
events. Inputs are read in the order given; in a folder, CloudTrail log files
(<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_*.json.gz) are read in the order of that
delivery time, all regions together (other files keep their place in name order).
For files named one by one out of time order, or logs from different sources, use
--lateness inf.
An alert is printed as soon as event time has moved past its window, among the
matches (right after the record whose eventTime let it out; the rest at the end of the
scan): in jsonl as {"correlation_id","correlation_title","type","group","window_start",
"window_end","value","events":[{"file","record"}]} (times in ISO 8601 UTC; first_seen
and rare values add "subject": the new or rare value by field), in the
table as rows with the correlation's title. The matches of rules that correlations
reference with `generate: false` (the default) are not printed on their own.

exit status: 0 the scan ran (whatever it found); 1 the output could not be written;
2 bad usage, or rules that failed to load (every error is printed first); 130 or 143
SIGINT or SIGTERM ended the scan: it stopped after the record at hand, wrote whole
lines and printed its summary (a second signal ends it at once).
)";

// The event as printed in jsonl: minified into *out (its buffer reused), or as it is
// if the minifier refuses it.
void CompactEventInto(std::string_view json, std::string* out) {
  out->resize(json.size() + simdjson::SIMDJSON_PADDING);
  size_t len = 0;
  if (simdjson::minify(json.data(), json.size(), out->data(), len)) {
    out->assign(json.data(), json.size());
    return;
  }
  out->resize(len);
}

// The table's columns that come from the event (or from a correlation alert).
struct Cells {
  std::string time, event, who, ip, where;
};

// One line of the table: a rule (or correlation) and the cells of its event, which
// all the matches of one record share.
struct Row {
  const std::string* level;
  const std::string* title;
  uint32_t cells;  // index in CliSink::cells_
};

std::string IsoMillis(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

std::string NumberText(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

class CliSink : public vigil::ScanSink {
 public:
  CliSink(bool jsonl, const std::shared_ptr<const vigil::RuleSet>& rules, int64_t lateness_ms,
          LineWriter* out, int64_t max_future_ms, size_t max_held_events)
      : jsonl_(jsonl), out_(out), rules_(rules) {
    rule_rows_.assign(rules->size(), 0);
    if (rules->correlation_count() > 0) {
      vigil::CorrelatorOptions co;
      // The whole scan is one stream, read file by file (a folder's CloudTrail files
      // in delivery time, across regions), so event times are only roughly sorted:
      // the correlator reorders within the lateness bound and drops (counts) what
      // comes later.
      co.lateness_ms = lateness_ms;
      co.max_future_ms = max_future_ms;
      co.max_held_events = max_held_events;
      correlator_ = std::make_unique<vigil::Correlator>(rules, co);
    }
  }

  // The scan's correlator (ScanOptions::correlator), null without correlation rules.
  vigil::Correlator* correlator() { return correlator_.get(); }

  // --validate: each match is marked with its log file's verdict in `report` (which
  // must outlive the scan), and counted by it.
  void SetValidation(const vigil::ValidationReport* report) { validation_ = report; }
  // Matches printed whose log file failed validation, and whose log file could not be
  // validated (unverified or in no validated tree).
  uint64_t matches_failed_validation() const { return matches_by_verdict_[2]; }
  uint64_t matches_not_validated() const { return matches_by_verdict_[0] + matches_by_verdict_[3]; }

  // A record and its matches: a jsonl line or a table row per match. The correlator
  // is fed by the scan itself (ScanOptions::correlator), its alerts come to OnAlert.
  bool OnRecord(const vigil::Record& r, std::span<const vigil::Match> matches) override {
    bool record_ready = false;  // compact_ or the last cells_ hold this record
    for (const vigil::Match& m : matches) {
      if (!OnMatch(r, m, &record_ready)) return false;
    }
    // SIGINT/SIGTERM: stop after this record (interrupt.h).
    return !ScanStopFlag()->load(std::memory_order_relaxed);
  }

  bool OnMatch(const vigil::Record& r, const vigil::Match& m, bool* record_ready) {
    if (rules_->suppressed(m.rule_index)) {
      ++suppressed_;
      return true;
    }
    const vigil::RuleInfo& rule = *m.rule;
    const std::string& file = r.file ? *r.file : kNoFile;
    if (file != file_) {
      file_ = file;
      // Escaped reversibly: bytes that are not UTF-8 as \xNN (text_out.h).
      file_json_ = JsonString(NameText(file));
      EscapeLineSeparators(&file_json_);
      // The file name and record position identify the event; full paths are in jsonl.
      file_name_ = std::filesystem::path(file).filename().string();
      if (validation_ != nullptr) {
        verdict_ = validation_->VerdictOf(file);
        verdict_json_ =
            std::string(",\"log_validation\":\"") + vigil::LogVerdictName(verdict_) + "\"";
        if (verdict_ != vigil::LogVerdict::kValidated) {
          file_name_ = "[" + std::string(vigil::LogVerdictName(verdict_)) + "] " + file_name_;
        }
      }
    }
    if (validation_ != nullptr) ++matches_by_verdict_[static_cast<size_t>(verdict_)];
    // A record's matches come together (OnRecord): what depends only on the record is
    // made once for all of them.
    const bool first_of_record = !*record_ready;
    *record_ready = true;
    if (jsonl_) {
      // Each part has its line separators escaped once (a JSON string or value is whole
      // in its part), so the line needs no pass of its own, and the parts go to the
      // writer's buffer without being joined first: an event matching several rules
      // is copied once for each line, not twice, and searched once in all.
      if (first_of_record) {
        CompactEventInto(r.json, &compact_);
        EscapeLineSeparators(&compact_);
      }
      char record[24];
      const auto record_end = std::to_chars(record, record + sizeof record, r.index).ptr;
      if (!out_->Write(
              {RulePrefix(m.rule_index, rule), ",\"file\":", file_json_, verdict_json_,
               ",\"record\":", std::string_view(record, static_cast<size_t>(record_end - record)),
               ",\"event\":", compact_, "}\n"})) {
        write_errno_ = out_->error() != 0 ? out_->error() : EIO;
        return false;
      }
      return true;
    }
    if (first_of_record) {
      Cells& c = NewCells();
      c.where = file_name_ + ":" + std::to_string(r.index);
      if (r.fields.size() == kCellFields.size()) {
        CapturedCells(r.fields, &c);
      } else {
        EventCells(r.json, &c);
      }
      Clip(&c);
    }
    ++rule_rows_[m.rule_index];
    return AddRow({&rule.level, &rule.title, static_cast<uint32_t>(cells_.size() - 1)});
  }

  // The fields the table asks of each matched record (ScanOptions::record_fields):
  // the scan reads them from the parse that matched the record, and they come with it
  // (Record::fields), so the event is not parsed again for its cells.
  static constexpr std::array<std::string_view, 5> kCellFields = {
      "eventTime", "eventName", "sourceIPAddress", "userIdentity.arn", "userIdentity.type"};
  static std::vector<std::string> CellFields() {
    return std::vector<std::string>(kCellFields.begin(), kCellFields.end());
  }

  // The table's time, event name, principal and source IP from the scan's capture:
  // eventTime, eventName and sourceIPAddress, and userIdentity.arn (else
  // userIdentity.type), when they are strings; empty otherwise. The same cells as
  // EventCells makes for any CloudTrail event (whose userIdentity is an object).
  // The capture reads a path as rules do, which differs only for events no AWS
  // service writes: a top-level key "userIdentity.arn" is read first, and through
  // an array `userIdentity: [{"arn": ...}]` gives the first element's arn.
  // `f`: the values of kCellFields, in its order.
  static void CapturedCells(std::span<const vigil::CapturedFields::Value> f, Cells* c) {
    auto string_of = [](const vigil::CapturedFields::Value& v, std::string* out) {
      if (v.is_string) out->assign(v.text);
    };
    string_of(f[0], &c->time);
    string_of(f[1], &c->event);
    string_of(f[2], &c->ip);
    string_of(f[3].is_string && !f[3].text.empty() ? f[3] : f[4], &c->who);
  }

  // The same cells read from the event's text: the first top-level eventTime,
  // eventName and sourceIPAddress, and userIdentity's arn (else its type), when they
  // are strings; empty otherwise. Only the top-level keys are walked (the event was
  // validated whole by the Scanner before it matched). Used when a matched record
  // comes without its capture (Record::fields empty), which the scan cannot make of
  // an event its DOM parse refuses: a repeated key that some rule reads (matched read
  // both ways, from copies; here the first value is shown), a lone surrogate escape
  // (shown as U+FFFD, as the matcher read it), a number beyond 64 bits.
  void EventCells(std::string_view json, Cells* c) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (cell_parser_.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING)
            .get(doc) ||
        doc.get_object().get(object)) {
      return;
    }
    // Each cell: a string's text (a lone surrogate as U+FFFD, as the matcher read it),
    // "" for another value.
    using vigil::internal::StringValueLossy;
    bool time = false, event = false, who = false, ip = false;
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (std::move(field_result).get(field) || field.unescaped_key().get(key)) return;
      if (key == "eventTime" && !time) {
        time = true;
        StringValueLossy(field.value(), &c->time);
      } else if (key == "eventName" && !event) {
        event = true;
        StringValueLossy(field.value(), &c->event);
      } else if (key == "sourceIPAddress" && !ip) {
        ip = true;
        StringValueLossy(field.value(), &c->ip);
      } else if (key == "userIdentity" && !who) {
        who = true;
        simdjson::ondemand::object identity;
        if (field.value().get_object().get(identity)) continue;
        std::string arn, type;
        bool seen_arn = false, seen_type = false;
        for (auto inner_result : identity) {
          simdjson::ondemand::field inner;
          std::string_view inner_key;
          if (std::move(inner_result).get(inner) || inner.unescaped_key().get(inner_key)) return;
          if (inner_key == "arn" && !seen_arn) {
            seen_arn = true;
            StringValueLossy(inner.value(), &arn);
          } else if (inner_key == "type" && !seen_type) {
            seen_type = true;
            StringValueLossy(inner.value(), &type);
          }
        }
        c->who = arn.empty() ? type : arn;
      }
    }
  }

  // jsonl: the part of a match line that depends only on the rule, escaped once.
  const std::string& RulePrefix(uint32_t index, const vigil::RuleInfo& rule) {
    if (index >= rule_prefix_.size()) rule_prefix_.resize(index + 1);
    std::string& p = rule_prefix_[index];
    if (p.empty()) {
      p += "{\"rule_id\":" + JsonString(rule.id);
      p += ",\"rule_title\":" + JsonString(rule.title);
      p += ",\"level\":" + JsonString(rule.level);
      p += ",\"status\":" + JsonString(rule.status);
      p += ",\"tags\":[";
      for (size_t i = 0; i < rule.tags.size(); ++i) p += (i ? "," : "") + JsonString(rule.tags[i]);
      p += "],\"author\":" + JsonString(rule.author);
      EscapeLineSeparators(&p);
    }
    return p;
  }

  void OnError(const vigil::InputError& e) override {
    ++errors_;
    if (errors_ <= kMaxPrintedErrors) {
      // The name is escaped: a newline or an escape sequence in it cannot forge lines.
      std::string where = TerminalText(e.file);
      if (e.line) where += ":" + std::to_string(e.line);
      std::fprintf(stderr, "%s: %s\n", where.c_str(), e.message.c_str());
    } else if (errors_ == kMaxPrintedErrors + 1) {
      std::fprintf(stderr, "vigil: more errors follow; only the count is reported\n");
    }
  }

  // Writes line_ (one jsonl line) whole. False when the output failed.
  bool WriteLine() {
    EscapeLineSeparators(&line_);
    if (!out_->Write(line_)) {
      write_errno_ = out_->error() != 0 ? out_->error() : EIO;
      return false;
    }
    return true;
  }

  // An alert, as soon as event time closes its window (in input order, the same
  // whatever the number of threads): a jsonl line, or a table row. False when the
  // output failed.
  bool OnAlert(const vigil::CorrelationAlert& a) override {
    const vigil::CorrelationRule& rule = *a.rule;
    if (rule.hidden) return true;  // feeds chained correlations (generate: false)
    ++correlation_alerts_;
    if (jsonl_) {
      line_.clear();
      line_ += "{\"correlation_id\":" + JsonString(rule.info.id);
      line_ += ",\"correlation_title\":" + JsonString(rule.info.title);
      line_ += ",\"level\":" + JsonString(rule.info.level);
      line_ += ",\"type\":" + JsonString(vigil::CorrelationTypeName(a.type));
      line_ += ",\"group\":{";
      for (size_t i = 0; i < a.group.size(); ++i) {
        line_ += (i ? "," : "") + JsonString(a.group[i].first) + ":" +
                 (a.group[i].second ? JsonString(*a.group[i].second) : "null");
      }
      line_ += "},\"window_start\":" + JsonString(IsoMillis(a.window_start));
      line_ += ",\"window_end\":" + JsonString(IsoMillis(a.window_end));
      line_ += ",\"value\":" + NumberText(a.value);
      if (!a.subject.empty()) {
        line_ += ",\"subject\":{";
        for (size_t i = 0; i < a.subject.size(); ++i) {
          line_ += (i ? "," : "") + JsonString(a.subject[i].first) + ":" +
                   (a.subject[i].second ? JsonString(*a.subject[i].second) : "null");
        }
        line_ += "}";
      }
      line_ += ",\"events\":[";
      for (size_t i = 0; i < a.events.size(); ++i) {
        line_ += std::string(i ? "," : "") + "{\"file\":" + JsonString(NameText(a.events[i].file)) +
                 ",\"record\":" + std::to_string(a.events[i].record) + "}";
      }
      line_ += "]}\n";
      return WriteLine();
    }
    Cells& row = NewCells();
    row.time = IsoMillis(a.window_start).substr(0, 19) + "Z";
    row.event = std::string(vigil::CorrelationTypeName(a.type)) + "=" + NumberText(a.value);
    for (const auto& [k, v] : a.subject) row.event += " " + k + "=" + (v ? *v : "null");
    for (const auto& [k, v] : a.group) {
      row.who += (row.who.empty() ? "" : " ") + k + "=" + (v ? *v : "null");
    }
    row.ip = std::to_string(a.events.size()) + " events";
    if (!a.events.empty()) {
      row.where = std::filesystem::path(a.events.front().file).filename().string() + ":" +
                  std::to_string(a.events.front().record);
    }
    Clip(&row);
    return AddRow({&rule.info.level, &rule.info.title, static_cast<uint32_t>(cells_.size() - 1)});
  }

  uint64_t suppressed() const { return suppressed_; }
  uint64_t correlation_alerts() const { return correlation_alerts_; }
  uint64_t late_events() const { return correlator_ ? correlator_->late_events() : 0; }
  uint64_t future_events() const { return correlator_ ? correlator_->future_events() : 0; }
  uint64_t untimed_events() const { return correlator_ ? correlator_->untimed_events() : 0; }
  uint64_t early_events() const { return correlator_ ? correlator_->early_events() : 0; }
  uint64_t evicted_events() const { return correlator_ ? correlator_->evicted_events() : 0; }
  uint64_t unlearned_values() const { return correlator_ ? correlator_->unlearned_values() : 0; }
  // Locks the baseline for the whole scan (docs/first-seen.md), then loads it. A scan
  // holding it already is an error; a file that cannot be created here (read-only
  // folder) is not: the scan runs, and saving it fails and is reported at the end.
  vigil::Status LoadBaseline(const std::string& path) {
    if (!correlator_) return vigil::Status::Ok();
    std::string error;
    using Lock = vigil::internal::FileLock;
    const Lock::Result r = baseline_lock_.Acquire(path, correlator_->SerializeBaseline(), &error);
    if (r == Lock::Result::kBusy) {
      return vigil::Status::Error(vigil::StatusCode::kUnavailable,
                                  "cannot use the baseline: " + error);
    }
    if (r == Lock::Result::kError)
      return vigil::Status::Error(vigil::StatusCode::kIoError, "baseline: " + error);
    return correlator_->LoadBaseline(path);
  }
  vigil::Status SaveBaseline(const std::string& path) {
    return correlator_ ? correlator_->SaveBaseline(path) : vigil::Status::Ok();
  }

  // The table. Its column widths come from the rows, so rows are held until
  // kTableWindow of them are there (or the scan ends): a table of fewer rows is laid
  // out over all of them. Past the window the widths are fixed from the rows held,
  // those are printed, and every later row is printed as it comes, so memory stays
  // bounded however many matches there are (docs/limits.md, "Memory"); a later cell
  // wider than its column pushes the rest of its row to the right. Cells are kept
  // clipped to what is printed of them (kCellMax bytes), so one row is small however
  // large the event's fields.
  // Prints the rows still held (the whole table when it stayed within the window).
  void PrintTable() {
    if (!streaming_) {
      if (rows_.empty()) return;
      FixWidths();
    }
    for (const auto& r : rows_) PrintRow(r);
    rows_.clear();
  }

  // Writes the header, then makes the widths those of the header and the rows held.
  void FixWidths() {
    for (int i = 0; i < 7; ++i) w_[i] = std::strlen(kHead[i]);
    for (const auto& r : rows_) {
      for (int i = 0; i < 7; ++i) {
        w_[i] = std::max(w_[i], std::min<size_t>(TerminalText(Cell(r, i)).size(), kCellMax));
      }
    }
    PrintLine([&](int i) -> const std::string& {
      head_cells_[i] = kHead[i];
      return head_cells_[i];
    });
  }

  const std::string& Cell(const Row& r, int i) const {
    const Cells& c = cells_[r.cells];
    const std::string* all[] = {r.level, r.title, &c.time, &c.event, &c.who, &c.ip, &c.where};
    return *all[i];
  }

  void PrintRow(const Row& r) {
    PrintLine([&](int i) -> const std::string& { return Cell(r, i); });
  }

  template <typename Get>
  void PrintLine(Get get) {
    std::string& line = table_line_;
    line.clear();
    for (int i = 0; i < 7; ++i) {
      // Escaped (text_out.h): event values and rule titles are attacker controlled, and
      // raw ESC, CR or LF would rewrite the terminal or forge rows.
      const std::string c = TerminalText(get(i));
      if (c.size() > kCellMax) {
        line.append(c, 0, kCellMax - 3);
        line += "...";
      } else {
        line += c;
      }
      const size_t shown = std::min(c.size(), kCellMax);
      if (i < 6) line.append(w_[i] - std::min(w_[i], shown) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    // As printf("%s") printed it before: the line ends at a NUL byte in a cell.
    if (const size_t nul = line.find('\0'); nul != std::string::npos) line.resize(nul);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() && write_errno_ == 0) {
      write_errno_ = errno != 0 ? errno : EIO;
    }
  }

  // The cells of the next row(s). Once streaming, only the current record's are kept.
  Cells& NewCells() {
    if (streaming_) cells_.clear();
    return cells_.emplace_back();
  }

  // Keeps of each cell only what the table prints of it (and one byte more, so that
  // a clipped cell is still known to be longer than kCellMax).
  static void Clip(Cells* c) {
    for (std::string* s : {&c->time, &c->event, &c->who, &c->ip, &c->where}) {
      if (s->size() > kCellMax + 1) {
        s->resize(kCellMax + 1);
        s->shrink_to_fit();
      }
    }
  }

  // Adds a row: held while the table is within its window, printed once it is past.
  // False when the output failed.
  bool AddRow(const Row& row) {
    if (streaming_) {
      PrintRow(row);
      return write_errno_ == 0;
    }
    rows_.push_back(row);
    if (rows_.size() < kTableWindow) return true;
    FixWidths();
    for (const auto& r : rows_) PrintRow(r);
    rows_.clear();
    // The current record's cells may serve its next matches.
    Cells last = std::move(cells_.back());
    cells_.clear();
    cells_.push_back(std::move(last));
    streaming_ = true;
    return write_errno_ == 0;
  }

  std::string LevelSummary() const {
    std::map<std::string, uint64_t> by_level;
    for (size_t i = 0; i < rule_rows_.size(); ++i) {
      if (rule_rows_[i] == 0) continue;
      const std::string& level = rules_->rule(i).level;
      by_level[level.empty() ? "-" : level] += rule_rows_[i];
    }
    std::string s;
    for (const char* l : {"critical", "high", "medium", "low", "informational", "-"}) {
      auto it = by_level.find(l);
      if (it == by_level.end()) continue;
      s += (s.empty() ? "" : ", ") + std::to_string(it->second) + " " + l;
    }
    return s;
  }

  // errno of the write that failed, 0 if none did.
  int write_errno() const { return write_errno_; }

 private:
  static constexpr uint64_t kMaxPrintedErrors = 100;
  // The table: rows laid out together at most, and the most of a cell printed.
  static constexpr size_t kTableWindow = 10000;
  static constexpr size_t kCellMax = 60;
  static constexpr const char* kHead[7] = {"LEVEL",     "RULE",      "TIME", "EVENT",
                                           "PRINCIPAL", "SOURCE IP", "WHERE"};
  size_t w_[7] = {};
  bool streaming_ = false;  // the widths are fixed and rows are printed as they come
  std::string table_line_;
  std::string head_cells_[7];
  bool jsonl_;
  LineWriter* out_;  // jsonl output
  int write_errno_ = 0;
  uint64_t errors_ = 0;
  std::string line_;
  std::vector<Row> rows_;
  std::vector<Cells> cells_;
  std::vector<uint64_t> rule_rows_;  // table rows by rule index, for the summary's levels
  std::vector<std::string> rule_prefix_;  // by rule index, made on first use (jsonl)
  // The file of the last match: as it is, as a JSON string, and its name alone.
  std::string file_, file_json_ = "\"\"", file_name_;
  std::string compact_;
  simdjson::ondemand::parser cell_parser_;
  std::shared_ptr<const vigil::RuleSet> rules_;
  std::unique_ptr<vigil::Correlator> correlator_;
  vigil::internal::FileLock baseline_lock_;
  inline static const std::string kNoFile;
  uint64_t suppressed_ = 0, correlation_alerts_ = 0;
  const vigil::ValidationReport* validation_ = nullptr;
  vigil::LogVerdict verdict_ = vigil::LogVerdict::kNotCovered;
  std::string verdict_json_;                      // ,"log_validation":"..." with --validate
  std::array<uint64_t, 4> matches_by_verdict_{};  // by LogVerdict
};

// --validate: validates the INPUT folders. False (with the error printed) when the
// key or signatures file is unusable.
bool ValidateInputs(const ScanArgs& o, vigil::ValidationReport* report) {
  std::vector<std::string> folders;
  for (const std::string& input : o.inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) folders.push_back(input);
  }
  if (folders.empty()) return true;  // every match is then not-covered
  vigil::ValidateOptions options;
  options.public_keys = o.public_keys;
  options.signatures = o.signatures;
  vigil::Result<vigil::ValidationReport> r = vigil::Validate(folders, options);
  if (!r.ok()) {
    std::fprintf(stderr, "vigil: --validate: %s\n", r.status().message().c_str());
    return false;
  }
  *report = std::move(r).value();
  return true;
}

}  // namespace

int Scan(int argc, char** argv) {
  ScanArgs o;
  if (int rc = Parse(argc, argv, kScanHelp, &o); rc >= 0) return rc;
  const bool terminal = isatty(STDOUT_FILENO);
  if (o.format.empty()) o.format = terminal ? "table" : "jsonl";
  // To a file or a pipe, write in larger pieces: stdio's default buffer (the block
  // size, often 4 KiB) costs a write(2) for every two or three jsonl matches. 64 KiB
  // (a pipe's capacity) takes 16 times fewer calls and still hands matches on while a
  // long scan runs. A terminal keeps its line buffering.
  if (!terminal) std::setvbuf(stdout, nullptr, _IOFBF, 64 << 10);
  int status = 0;
  auto rules = LoadRules(o, o.skip_bad_rules, &status);
  if (!rules) return status;
  vigil::Scanner scanner(rules);
  vigil::ScanOptions sopts;
  sopts.kind = o.kind;
  sopts.threads = o.threads;
  // SIGINT/SIGTERM end the scan after the record at hand, with whole lines and the
  // summary (interrupt.h); jsonl goes out in whole lines, at least once a second.
  InstallStopHandlers();
  sopts.read.stop = ScanStopFlag();
  // No flusher thread for the table: it is printed at the end (through stdio).
  LineWriter out(STDOUT_FILENO, /*immediate=*/terminal || o.format != "jsonl");
  CliSink sink(o.format == "jsonl", rules, o.lateness_ms, &out, o.max_future_ms, o.max_held_events);
  if (!o.baseline.empty()) {
    // A baseline that cannot be read is not overwritten: stop before scanning.
    if (vigil::Status s = sink.LoadBaseline(o.baseline); !s.ok()) {
      std::fprintf(stderr, "vigil: %s\n", s.message().c_str());
      return 2;
    }
  }
  sopts.correlator = sink.correlator();
  vigil::ValidationReport validation;
  if (o.validate) {
    if (!ValidateInputs(o, &validation)) return 2;
    sink.SetValidation(&validation);
  } else if (!o.public_keys.empty() || !o.signatures.empty()) {
    return Usage("--public-keys and --signatures go with --validate");
  }
  // The table's cells come with each matched record; jsonl prints the event whole
  // and asks for nothing (a scan asked for no field reads none).
  if (o.format == "table") sopts.record_fields = CliSink::CellFields();
  vigil::ScanStats st = vigil::ScanInputs(scanner, o.inputs, sopts, &sink);
  // The findings first: whatever happens to the baseline (a read-only folder, a full
  // disk), what the scan found is printed; the failure is reported after the summary.
  if (o.format == "table") sink.PrintTable();
  vigil::Status baseline_saved;
  if (!o.baseline.empty()) baseline_saved = sink.SaveBaseline(o.baseline);
  // The error of the first failed write, else of the final flush (data stdio kept).
  int write_errno = sink.write_errno();
  if (!out.Flush() && write_errno == 0) write_errno = out.error();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (write_errno == 0) write_errno = errno != 0 ? errno : EIO;
  }
  auto baseline_failed = [&] {
    std::fprintf(stderr, "vigil: the baseline was not saved: %s\n",
                 baseline_saved.message().c_str());
    return 1;
  };
  if (write_errno != 0) {
    const int baseline_status = baseline_saved.ok() ? 0 : baseline_failed();
    if (write_errno == EPIPE)
      return baseline_status;  // the reader closed the pipe (vigil scan | head)
    // No summary: it would claim a scan whose results did not all arrive.
    return OutputFailed(write_errno);
  }
  if (!o.quiet) {
    const double secs = std::chrono::duration<double>(st.elapsed).count();
    const std::string levels = sink.LevelSummary();
    std::fprintf(stderr,
                 "vigil: %llu events in %llu files scanned with %zu rules: %llu matches%s, "
                 "%llu errors (%llu bad events, %llu read errors), %.2f s\n",
                 (unsigned long long)st.events, (unsigned long long)st.files, rules->size(),
                 // Matches printed: a building block's (generate: false) count below.
                 (unsigned long long)(st.matches - sink.suppressed()),
                 levels.empty() ? "" : (" (" + levels + ")").c_str(),
                 (unsigned long long)(st.event_errors + st.input_errors),
                 (unsigned long long)st.event_errors, (unsigned long long)st.input_errors, secs);
    if (o.validate) {
      std::fprintf(stderr,
                   "vigil: --validate: %llu digests, %llu log files: %zu ok, %zu failed, %zu "
                   "unverified, %zu gaps (vigil validate lists them); %llu matches from log "
                   "files that failed validation, %llu from log files not validated\n",
                   (unsigned long long)validation.digests, (unsigned long long)validation.log_files,
                   validation.Count(vigil::ValidationStatus::kOk),
                   validation.Count(vigil::ValidationStatus::kFailed),
                   validation.Count(vigil::ValidationStatus::kUnverified), validation.Count("gap"),
                   (unsigned long long)sink.matches_failed_validation(),
                   (unsigned long long)sink.matches_not_validated());
    }
    if (st.regex_limit_hits > 0) {
      std::fprintf(
          stderr,
          "vigil: warning: %llu regular expression searches stopped at a regex limit "
          "(PCRE2 match limit or work budget) and counted as no match (see docs/limits.md)\n",
          (unsigned long long)st.regex_limit_hits);
    }
    if (st.duplicate_key_events > 0) {
      std::fprintf(
          stderr,
          "vigil: %llu events repeat a key the rules read in one object; each matched what "
          "it matches read first-wins or last-wins (see docs/limits.md)\n",
          (unsigned long long)st.duplicate_key_events);
    }
    if (rules->correlation_count() > 0) {
      std::fprintf(stderr,
                   "vigil: %zu correlation rules: %llu alerts; %llu matches of their base rules "
                   "not shown (generate: false)%s\n",
                   rules->correlation_count(), (unsigned long long)sink.correlation_alerts(),
                   (unsigned long long)sink.suppressed(),
                   st.correlation_errors ? (", " + std::to_string(st.correlation_errors) +
                                            " events without a usable eventTime")
                                               .c_str()
                                         : "");
      // Correlations that name their rules by title (a vigil extension), repeated here
      // from the load warnings so that a scan's summary says its rules are not portable.
      std::string by_title;
      size_t titles = 0;
      for (const auto& d : rules->diagnostics()) {
        if (!std::string_view(d.message).ends_with("[reference-by-title]")) continue;
        by_title += (titles++ ? ", " : "") + d.where.ToString();
      }
      if (titles > 0) {
        std::fprintf(stderr,
                     "vigil: warning: %zu correlation %s a rule by its title, which the Sigma "
                     "specification does not allow (id or name only) and other Sigma tools do "
                     "not resolve: %s\n",
                     titles, titles == 1 ? "reference names" : "references name", by_title.c_str());
      }
      if (const uint64_t late = sink.late_events()) {
        std::fprintf(stderr,
                     "vigil: %llu %s later than the lateness bound (--lateness %s) and %s not "
                     "correlated\n",
                     (unsigned long long)late, late == 1 ? "event arrived" : "events arrived",
                     o.lateness.c_str(), late == 1 ? "was" : "were");
      }
      if (const uint64_t future = sink.future_events()) {
        std::fprintf(stderr,
                     "vigil: warning: %llu %s dated more than %s after %s file's delivery time (or "
                     "the clock): %s, printed if matched but not correlated "
                     "(--max-future)\n",
                     (unsigned long long)future, future == 1 ? "event" : "events",
                     o.max_future.c_str(), future == 1 ? "its" : "their",
                     future == 1 ? "a time outlier" : "time outliers");
      }
      if (const uint64_t untimed = sink.untimed_events()) {
        std::fprintf(stderr,
                     "vigil: warning: %llu %s matched by correlations' rules had no readable "
                     "eventTime: printed if they matched, but not correlated\n",
                     (unsigned long long)untimed, untimed == 1 ? "event" : "events");
      }
      // The memory bound of correlation state (docs/limits.md): never silent.
      const uint64_t early = sink.early_events();
      const uint64_t evicted = sink.evicted_events();
      if (early > 0 || evicted > 0) {
        std::fprintf(
            stderr,
            "vigil: warning: correlation state reached its bound of %zu events held "
            "(--max-held-events): %llu processed before --lateness had passed, %llu dropped "
            "from windows; alerts may be missing (docs/limits.md)\n",
            o.max_held_events, (unsigned long long)early, (unsigned long long)evicted);
      }
      if (const uint64_t unlearned = sink.unlearned_values()) {
        std::fprintf(
            stderr,
            "vigil: warning: %llu first_seen %s not learned: the baseline reached its bound "
            "(what fits in a baseline file of %llu bytes); each alerts as new when seen\n",
            (unsigned long long)unlearned, unlearned == 1 ? "value was" : "values were",
            (unsigned long long)vigil::CorrelatorOptions().max_baseline_bytes);
      }
    }
  }
  // An unsaved baseline is reported whatever else happened; a signal decides the status.
  const int baseline_status = baseline_saved.ok() ? 0 : baseline_failed();
  if (const int sig = StopSignal(); sig != 0) {
    // Printed even with -q: the output holds only the records read before the signal.
    std::fprintf(stderr, "vigil: interrupted by %s: the scan stopped after the record at hand\n",
                 sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal");
    return 128 + sig;
  }
  if (baseline_status != 0) return baseline_status;
  return 0;
}

int Dump(int argc, char** argv) {
  DumpArgs o;
  if (int rc = Parse(argc, argv, "usage: vigil dump [--rules PATH]... [--vars FILE]\n", &o);
      rc >= 0)
    return rc;
  int status = 0;
  auto rules = LoadRules(o, /*skip_bad_rules=*/true, &status);
  if (!rules) return status;
  std::fputs(rules->Dump().c_str(), stdout);
  return 0;
}

}  // namespace vigil::cli
