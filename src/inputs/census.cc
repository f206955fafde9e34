// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "inputs/census.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "eval/evaluator.h"
#include "util/surrogates.h"
#include "util/timeparts.h"

namespace vigil::internal {

namespace {

constexpr int64_t kHourMs = 3'600'000;

// The first kCensusTextBytes bytes of `s`, less the start of a UTF-8 sequence the cut
// would split (a sequence is at most four bytes: three steps back at most).
std::string_view Cut(std::string_view s) {
  if (s.size() <= kCensusTextBytes) return s;
  size_t n = kCensusTextBytes;
  for (int i = 0; i < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++i) --n;
  return s.substr(0, n);
}

// Rounds towards minus infinity (a time before 1970 is in the hour that starts before it).
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

// The parts of a Cell key (CensusTally::Cell): length byte, account, region, hour.
std::string_view KeyAccount(std::string_view key) {
  return key.substr(1, static_cast<unsigned char>(key[0]));
}
std::string_view KeyRegion(std::string_view key) {
  const size_t a = static_cast<unsigned char>(key[0]);
  return key.substr(1 + a, key.size() - 1 - a - 8);
}
int64_t KeyHour(std::string_view key) {
  int64_t hour;
  std::memcpy(&hour, key.data() + key.size() - 8, 8);
  return hour;
}

void MakeKey(std::string_view account, std::string_view region, int64_t hour, std::string* key) {
  key->clear();
  key->push_back(static_cast<char>(account.size()));  // <= kCensusTextBytes
  key->append(account);
  key->append(region);
  char bytes[8];
  std::memcpy(bytes, &hour, 8);
  key->append(bytes, 8);
}

// EventCensus's order: account, region (bytes, as unsigned), hour (kNoHour first).
bool KeyBefore(std::string_view a, std::string_view b) {
  if (int c = KeyAccount(a).compare(KeyAccount(b)); c != 0) return c < 0;
  if (int c = KeyRegion(a).compare(KeyRegion(b)); c != 0) return c < 0;
  return KeyHour(a) < KeyHour(b);
}

static_assert(kCensusTextBytes < 256, "the key's length byte holds an account's length");

}  // namespace

std::string_view CensusTally::Cell::account() const { return KeyAccount(key); }
std::string_view CensusTally::Cell::region() const { return KeyRegion(key); }

bool CensusTally::Before(const Cell& a, const Cell& b) { return KeyBefore(a.key, b.key); }

CensusTally::Cell* CensusTally::Find(int64_t hour) {
  if (auto it = index_.find(std::string_view(key_)); it != index_.end()) {
    NoteRecent(it->second);
    return &cells_[it->second];
  }
  if (max_cells_ == 0) return nullptr;
  auto later = [this](uint32_t a, uint32_t b) { return Before(cells_[a], cells_[b]); };
  uint32_t slot;
  if (index_.size() < max_cells_) {
    slot = static_cast<uint32_t>(cells_.size());
    cells_.emplace_back();
  } else {
    // Full: key_ enters only if it comes before the last kept key, which leaves.
    if (heap_.empty()) {
      heap_.resize(cells_.size());
      std::iota(heap_.begin(), heap_.end(), 0u);
      std::make_heap(heap_.begin(), heap_.end(), later);
    }
    slot = heap_.front();
    if (!KeyBefore(key_, cells_[slot].key)) return nullptr;
    overflow_ += cells_[slot].events;
    index_.erase(std::string_view(cells_[slot].key));
    std::pop_heap(heap_.begin(), heap_.end(), later);  // slot is now heap_.back()
  }
  Cell& c = cells_[slot];
  c.key.assign(key_);
  c.hour = hour;
  c.events = 0;
  c.first_ms = c.last_ms = 0;
  index_.emplace(std::string_view(c.key), slot);
  if (!heap_.empty()) std::push_heap(heap_.begin(), heap_.end(), later);
  NoteRecent(slot);
  return &c;
}

void CensusTally::NoteRecent(uint32_t slot) {
  for (int i = kRecent - 1; i > 0; --i) recent_[i] = recent_[i - 1];
  recent_[0] = slot;
}

void CensusTally::Add(std::string_view account, std::string_view region, bool timed,
                      int64_t unix_ms) {
  const int64_t hour = timed ? FloorDiv(unix_ms, kHourMs) : EventCensus::kNoHour;
  account = Cut(account);
  region = Cut(region);
  Cell* c = nullptr;
  // A recent slot may hold another key since (an eviction): compared, not trusted.
  for (const uint32_t slot : recent_) {
    if (slot == UINT32_MAX) break;
    Cell& r = cells_[slot];
    if (r.hour == hour && r.account() == account && r.region() == region) {
      c = &r;
      break;
    }
  }
  if (c == nullptr) {
    MakeKey(account, region, hour, &key_);
    c = Find(hour);
  }
  if (c == nullptr) {
    ++overflow_;
    return;
  }
  if (timed) {
    if (c->events == 0) {
      c->first_ms = c->last_ms = unix_ms;
    } else {
      c->first_ms = std::min(c->first_ms, unix_ms);
      c->last_ms = std::max(c->last_ms, unix_ms);
    }
  }
  ++c->events;
}

void CensusTally::Merge(const CensusTally& other) {
  overflow_ += other.overflow_;
  for (const Cell& o : other.cells_) {
    key_.assign(o.key);
    Cell* c = Find(o.hour);
    if (c == nullptr) {
      overflow_ += o.events;
      continue;
    }
    if (c->events == 0) {
      c->first_ms = o.first_ms;
      c->last_ms = o.last_ms;
    } else if (o.hour != EventCensus::kNoHour) {
      c->first_ms = std::min(c->first_ms, o.first_ms);
      c->last_ms = std::max(c->last_ms, o.last_ms);
    }
    c->events += o.events;
  }
}

EventCensus CensusTally::Result() const {
  std::vector<const Cell*> sorted;
  sorted.reserve(cells_.size());
  for (const Cell& c : cells_) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(),
            [](const Cell* a, const Cell* b) { return Before(*a, *b); });
  EventCensus out;
  out.overflow_events = overflow_;
  out.cells.reserve(sorted.size());
  for (const Cell* c : sorted) {
    out.cells.push_back(CensusCell{std::string(c->account()), std::string(c->region()), c->hour,
                                   c->events, c->first_ms, c->last_ms});
  }
  return out;
}

void Census::Count(const Scanner& scanner, std::string_view json) {
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (!scanner.evaluator().EventDom(json, &root) || root.get_object().get(object)) {
    CountText(json);
    return;
  }
  // One pass over the top-level keys; the first of a repeated key counts, as
  // simdjson's at_key reads it (and CountText).
  std::string_view account, region, time;
  bool seen_account = false, seen_region = false, seen_time = false;
  for (const simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    std::string_view* out = nullptr;
    if (key.size() == 18 && !seen_account && key == "recipientAccountId") {
      seen_account = true;
      out = &account;
    } else if (key.size() == 9 && !seen_region && key == "awsRegion") {
      seen_region = true;
      out = &region;
    } else if (key.size() == 9 && !seen_time && key == "eventTime") {
      seen_time = true;
      out = &time;
    } else {
      continue;
    }
    if (field.value.get_string().get(*out)) *out = std::string_view();  // not a string: ""
    if (seen_account && seen_region && seen_time) break;
  }
  int64_t ms = 0;
  const bool timed = seen_time && EventTime(time, &ms);
  tally_.Add(account, region, timed, ms);
}

namespace {

// "YYYY-MM-DDTHH:MM:SSZ": CloudTrail's own shape of eventTime (20 bytes).
bool CloudTrailShaped(std::string_view t) {
  return t.size() == 20 && t[13] == ':' && t[16] == ':' && t[19] == 'Z';
}

bool TwoDigits(const char* p, int* out) {
  if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return false;
  *out = (p[0] - '0') * 10 + (p[1] - '0');
  return true;
}

}  // namespace

// The same answer as ParseIsoTimestamp: a text of CloudTrail's shape whose first 13
// bytes equal those of one it accepted differs from it only in minutes and seconds,
// which are checked here as it checks them (two digits, below 60).
bool Census::EventTime(std::string_view text, int64_t* unix_ms) {
  int minute, second;
  if (CloudTrailShaped(text) && hour_start_ms_ != INT64_MIN &&
      std::memcmp(text.data(), hour_text_, sizeof hour_text_) == 0 &&
      TwoDigits(text.data() + 14, &minute) && TwoDigits(text.data() + 17, &second) && minute < 60 &&
      second < 60) {
    *unix_ms = hour_start_ms_ + minute * 60'000 + second * 1'000;
    return true;
  }
  if (!ParseIsoTimestamp(text, unix_ms)) return false;
  if (CloudTrailShaped(text) && TwoDigits(text.data() + 14, &minute) &&
      TwoDigits(text.data() + 17, &second)) {
    std::memcpy(hour_text_, text.data(), sizeof hour_text_);
    hour_start_ms_ = *unix_ms - minute * 60'000 - second * 1'000;
  }
  return true;
}

// The matcher kept no DOM of the event: On-Demand reads the three keys (it takes what
// the DOM parser refuses: lone surrogate escapes, as U+FFFD like the matcher, and
// integers past 64 bits elsewhere in the event).
void Census::CountText(std::string_view json) {
  if (parser_ == nullptr) parser_ = std::make_unique<simdjson::ondemand::parser>();
  account_.clear();
  region_.clear();
  time_.clear();
  bool seen_account = false, seen_region = false, seen_time = false;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (!parser_->iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING)
           .get(doc) &&
      !doc.get_object().get(object)) {
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (std::move(field_result).get(field) || field.unescaped_key().get(key)) break;
      if (key == "recipientAccountId" && !seen_account) {
        seen_account = true;
        StringValueLossy(field.value(), &account_);  // "" when not a string
      } else if (key == "awsRegion" && !seen_region) {
        seen_region = true;
        StringValueLossy(field.value(), &region_);
      } else if (key == "eventTime" && !seen_time) {
        seen_time = true;
        StringValueLossy(field.value(), &time_);
      }
      if (seen_account && seen_region && seen_time) break;
    }
  }
  int64_t ms = 0;
  const bool timed = seen_time && EventTime(time_, &ms);
  tally_.Add(account_, region_, timed, ms);
}

}  // namespace vigil::internal
