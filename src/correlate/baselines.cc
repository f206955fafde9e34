// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// first_seen baselines (baselines.h).
#include "correlate/baselines.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/strings.h"
#include "util/timeparts.h"

namespace vigil::internal {
namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  JsonEscapeInto(s, out);
  out->push_back('"');
}

void AppendTime(int64_t ms, std::string* out) { AppendJsonString(FormatIsoMillis(ms), out); }

bool ReadTime(simdjson::dom::object o, const char* key, int64_t* out) {
  std::string_view s;
  return !o[key].get_string().get(s) && ParseIsoTimestamp(s, out);
}

// A learned value's key in Baseline::entries: its group's key, then the values.
void EntryKeyInto(const std::string& group_key, const std::vector<std::string>& values,
                  std::string* key) {
  key->assign(group_key);
  *key += '\x1d';
  AppendValueKey(values, key);
}

std::string BaselineKey(const RuleInfo& info) { return info.id.empty() ? info.title : info.id; }

}  // namespace

Baselines::Baselines(const RuleSet& rules, AlertSink* sink, uint64_t max_bytes)
    : rules_(rules), sink_(sink), max_bytes_(max_bytes) {
  // What is learned must fit a saved baseline, with room for its header, rule and end
  // lines (the rule lines take a few hundred bytes per first_seen rule).
  learned_budget_ = max_bytes > (2u << 20) ? max_bytes - (1u << 20) : max_bytes / 2;
  baseline_of_.resize(rules.correlation_count(), nullptr);
  for (uint32_t c = 0; c < rules.correlation_count(); ++c) {
    const CorrelationRule& r = rules.correlation(c);
    if (r.type != CorrelationType::kFirstSeen) continue;
    Baseline& b = baselines_[BaselineKey(r.info)];
    b.retention_ms = r.timespan_ms;
    baseline_of_[c] = &b;
  }
}

void Baselines::Advance(int64_t t) {
  latest_ = std::max(latest_, t);
  // Aging first, so a value past its retention is new to this event.
  if (!baselines_.empty() &&
      (last_age_ == std::numeric_limits<int64_t>::min() || t - last_age_ >= kAgeEvery)) {
    Age(t);
    last_age_ = t;
  }
}

void Baselines::Apply(const Contribution& con, int64_t t, const Ref& ref,
                      const std::shared_ptr<const std::vector<EventRef>>& more) {
  const uint32_t c = con.corr;
  const CorrelationRule& rule = rules_.correlation(c);
  Baseline& b = *baseline_of_[c];
  if (!b.learning_since) b.learning_since = t;
  std::string& key = key_;
  EntryKeyInto(con.key, con.values, &key);
  auto it = b.entries.find(key);
  bool counted_self = true;  // the value is among the group's known ones
  if (it == b.entries.end()) {
    // Past the bound the value is not learned: it is new each time it is seen (an
    // alert too many, never one too few), and counted.
    if (!Learn(b, BaselineKey(rule.info), key, con, t)) {
      ++unlearned_;
      counted_self = false;
    }
  } else if (t - it->second.last <= rule.timespan_ms) {
    it->second.first = std::min(it->second.first, t);
    it->second.last = std::max(it->second.last, t);
    return;  // known
  } else {
    it->second.first = it->second.last = t;  // aged out since it was last seen: new again
  }
  if (t < *b.learning_since + rule.learning_ms) return;
  Subject subject;
  for (size_t i = 0; i < rule.fields.size() && i < con.values.size(); ++i) {
    subject.emplace_back(rule.fields[i], con.values[i]);
  }
  std::vector<Entry> events{Entry{t, ref, std::nullopt, 0, more}};
  // The value of the alert: how many other values the group had learned.
  const auto pg = b.per_group.find(con.key);
  const size_t known = pg == b.per_group.end() ? 0 : pg->second;
  sink_->Emit(c, con.group, static_cast<double>(known - (counted_self && known > 0 ? 1 : 0)),
              std::move(events), t, std::move(subject));
}

bool Baselines::Learn(Baseline& b, const std::string& rule_key, const std::string& key,
                      const Contribution& con, int64_t t) {
  Known k;
  k.group = con.group;
  k.value = con.values;
  k.first = k.last = t;
  std::string line;
  AppendKnownLine(rule_key, k, &line);
  k.bytes = line.size() + 1;
  if (learned_bytes_ + k.bytes > learned_budget_) return false;
  learned_bytes_ += k.bytes;
  b.entries.emplace(key, std::move(k));
  ++b.per_group[con.key];
  ++known_values_;
  return true;
}

void Baselines::Age(int64_t now) {
  for (auto& [name, b] : baselines_) {
    if (b.retention_ms <= 0) continue;
    for (auto it = b.entries.begin(); it != b.entries.end();) {
      if (now - it->second.last > b.retention_ms) {
        const std::string group_key = it->first.substr(0, it->first.find('\x1d'));
        if (auto pg = b.per_group.find(group_key); pg != b.per_group.end() && --pg->second == 0) {
          b.per_group.erase(pg);
        }
        learned_bytes_ -= std::min<uint64_t>(learned_bytes_, it->second.bytes);
        it = b.entries.erase(it);
        --known_values_;
      } else {
        ++it;
      }
    }
  }
}

// ---- the saved baseline ----------------------------------------------------------

void Baselines::AppendKnownLine(const std::string& rule, const Known& k, std::string* out) {
  *out += "{\"rule\":";
  AppendJsonString(rule, out);
  *out += ",\"group\":[";
  for (size_t i = 0; i < k.group.size(); ++i) {
    if (i) *out += ',';
    if (k.group[i]) {
      AppendJsonString(*k.group[i], out);
    } else {
      *out += "null";
    }
  }
  *out += "],\"value\":[";
  for (size_t i = 0; i < k.value.size(); ++i) {
    if (i) *out += ',';
    AppendJsonString(k.value[i], out);
  }
  *out += "],\"first\":";
  AppendTime(k.first, out);
  *out += ",\"last\":";
  AppendTime(k.last, out);
  *out += '}';
}

std::string Baselines::Serialize() {
  if (latest_ != std::numeric_limits<int64_t>::min()) Age(latest_);
  std::string out = "{\"vigil_baseline\":2,\"saved\":";
  std::time_t now = std::time(nullptr);
  AppendTime(static_cast<int64_t>(now) * 1000, &out);
  out += "}\n";
  for (const auto& [name, b] : baselines_) {
    if (!b.learning_since && b.entries.empty()) continue;
    out += "{\"rule\":";
    AppendJsonString(name, &out);
    if (b.learning_since) {
      out += ",\"learning_since\":";
      AppendTime(*b.learning_since, &out);
    }
    out += ",\"retention_seconds\":" + std::to_string(b.retention_ms / 1000) + "}\n";
  }
  for (const auto& [name, b] : baselines_) {
    for (const auto& [key, k] : b.entries) {
      AppendKnownLine(name, k, &out);
      out += '\n';
    }
  }
  // The end line: a file cut anywhere, even at a line boundary, lacks it or disagrees
  // with it, and is refused on load instead of silently forgetting what was cut.
  const size_t lines = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
  const size_t bytes = out.size();
  out += "{\"vigil_baseline_end\":{\"lines\":" + std::to_string(lines) +
         ",\"bytes\":" + std::to_string(bytes) + "}}\n";
  return out;
}

Status Baselines::Restore(std::string_view text, const std::string& origin) {
  std::map<std::string, Baseline> loaded;
  simdjson::dom::parser p;
  size_t line_no = 0;
  bool header = false;
  int64_t version = 0;
  bool ended = false;  // the end line (version 2) was read
  const std::string_view all = text;
  auto fail = [&](const std::string& why) {
    return Status::Error(StatusCode::kInvalidInput,
                         origin + ":" + std::to_string(line_no) + ": " + why);
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (ended) return fail("content after the end line {\"vigil_baseline_end\":...}");
    simdjson::dom::element doc;
    if (auto err = p.parse(line.data(), line.size(), true).get(doc)) {
      return fail(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
    }
    simdjson::dom::object o;
    if (doc.get_object().get(o)) return fail("expected a JSON object");
    if (!header) {
      if (o["vigil_baseline"].get_int64().get(version)) {
        return fail("not a vigil baseline: the first line must be {\"vigil_baseline\":2,...}");
      }
      if (version != 1 && version != 2) {
        return fail("baseline format version " + std::to_string(version) +
                    " is not supported (1 and 2 are)");
      }
      header = true;
      continue;
    }
    if (simdjson::dom::object end; !o["vigil_baseline_end"].get_object().get(end)) {
      int64_t lines = 0, bytes = 0;
      const size_t offset = static_cast<size_t>(line.data() - all.data());
      if (end["lines"].get_int64().get(lines) || end["bytes"].get_int64().get(bytes)) {
        return fail("the end line needs \"lines\" and \"bytes\"");
      }
      if (static_cast<uint64_t>(lines) != line_no - 1 || static_cast<uint64_t>(bytes) != offset) {
        return fail("damaged: the end line counts " + std::to_string(lines) + " lines and " +
                    std::to_string(bytes) + " bytes before it, the file has " +
                    std::to_string(line_no - 1) + " and " + std::to_string(offset));
      }
      ended = true;
      continue;
    }
    std::string_view rule;
    if (o["rule"].get_string().get(rule)) return fail("a line without \"rule\"");
    Baseline& b = loaded[std::string(rule)];
    simdjson::dom::array group, value;
    if (o["group"].get_array().get(group)) {  // a rule line
      int64_t since = 0;
      if (o["learning_since"].error() != simdjson::NO_SUCH_FIELD) {
        if (!ReadTime(o, "learning_since", &since))
          return fail("\"learning_since\" is not an ISO 8601 time");
        b.learning_since = since;
      }
      int64_t retention = 0;
      // At most about 292 million years: the milliseconds must fit in an int64 (found by
      // fuzz_baseline: a larger value overflowed the multiplication below).
      if (o["retention_seconds"].get_int64().get(retention) || retention < 0 ||
          retention > std::numeric_limits<int64_t>::max() / 1000) {
        return fail("\"retention_seconds\" must be a non-negative integer of at most " +
                    std::to_string(std::numeric_limits<int64_t>::max() / 1000));
      }
      b.retention_ms = retention * 1000;
      continue;
    }
    if (o["value"].get_array().get(value)) return fail("\"value\" must be an array of strings");
    Known k;
    for (auto g : group) {
      std::string_view sv;
      if (g.is_null()) {
        k.group.emplace_back(std::nullopt);
      } else if (!g.get_string().get(sv)) {
        k.group.emplace_back(std::string(sv));
      } else {
        return fail("\"group\" must be an array of strings and nulls");
      }
    }
    for (auto v : value) {
      std::string_view sv;
      if (v.get_string().get(sv)) return fail("\"value\" must be an array of strings");
      k.value.emplace_back(sv);
    }
    if (!ReadTime(o, "first", &k.first) || !ReadTime(o, "last", &k.last)) {
      return fail("\"first\" and \"last\" must be ISO 8601 times");
    }
    std::string key;
    EntryKeyInto(GroupKey(k.group), k.value, &key);
    b.entries[std::move(key)] = std::move(k);
  }
  if (!header) {
    line_no = 1;
    return fail("empty: a baseline starts with {\"vigil_baseline\":2,...}");
  }
  // Version 1 (vigil before the end line) is read as it is, and written back as 2.
  if (version >= 2 && !ended) {
    return fail(
        "truncated: the end line {\"vigil_baseline_end\":...} is missing; nothing of the file "
        "was used (restore it from a copy, or remove it to learn from scratch)");
  }
  // Merge: the union of what both know, widest first/last, earliest learning start.
  for (auto& [name, in] : loaded) {
    const bool is_new = !baselines_.count(name);
    Baseline& b = baselines_[name];
    if (is_new) b.retention_ms = in.retention_ms;  // a rule not loaded keeps its own
    if (in.learning_since && (!b.learning_since || *in.learning_since < *b.learning_since)) {
      b.learning_since = in.learning_since;
    }
    for (auto& [key, k] : in.entries) {
      auto [it, fresh] = b.entries.try_emplace(key, k);
      if (fresh) {
        // Kept even past learned_budget: nothing learned before is dropped on load.
        std::string line;
        AppendKnownLine(name, k, &line);
        it->second.bytes = line.size() + 1;
        learned_bytes_ += it->second.bytes;
        ++b.per_group[GroupKey(k.group)];
        ++known_values_;
      } else {
        it->second.first = std::min(it->second.first, k.first);
        it->second.last = std::max(it->second.last, k.last);
      }
    }
  }
  return Status::Ok();
}

Status Baselines::Load(const std::string& path) {
  auto unreadable = [&](const char* why) {
    return Status::Error(StatusCode::kIoError, "cannot read baseline " + path + ": " + why);
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();  // the first run: nothing learned yet
    return unreadable(std::strerror(errno));
  }
  // The size is checked before any byte is held, and again while reading (a file that
  // grows meanwhile): a baseline is a regular file, so /dev/zero, a FIFO or a folder is
  // refused rather than read without end.
  const uint64_t limit = max_bytes_;
  auto too_large = [&] {
    return Status::Error(
        StatusCode::kLimitExceeded,
        "baseline " + path + " is larger than the limit of " + std::to_string(limit) + " bytes");
  };
  struct stat st;
  Status error;
  if (fstat(fd, &st) != 0) {
    error = unreadable(std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    error = unreadable("not a regular file");
  } else if (static_cast<uint64_t>(st.st_size) > limit) {
    error = too_large();
  }
  std::string text;
  if (error.ok()) {
    text.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = unreadable(std::strerror(errno));
        break;
      }
      if (n == 0) break;
      if (text.size() + static_cast<size_t>(n) > limit) {
        error = too_large();
        break;
      }
      text.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!error.ok()) return error;
  return Restore(text, path);
}

}  // namespace vigil::internal
