// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Reader's fast parsers of one text (reader.h, Reader::OnText).
//
// When the Reader feeds a matcher (ScanInputs: DomHandoff), a text of up to
// kMaxWholeDocumentBytes is first parsed whole into the matcher's DOM parser: an
// NDJSON line that is one plain event, and a {"Records":[...]} document (a CloudTrail
// delivery file, compact or pretty-printed), are delivered from that parse, which the
// matcher reads instead of parsing each event again (WholeText). A record's text is
// found among the structural positions of simdjson's first stage. Any other text, or
// one the DOM refuses, goes to the two parsers below as if that parse had not been.
//
// Else the fast path: simdjson On-Demand over the text in place: it walks
// the top-level structure, takes each Records element's raw text without looking
// inside it, and checks the keys of other objects. A record is handed to the sink only
// once the parser has moved past it (found the ',' or ']' that follows it), so a
// missing brace that makes an element swallow the rest of the file never produces a
// record. On-Demand does not check the inside of values it skips: an event with a
// malformed literal deep inside is delivered, and the consumer's parse reports it.
// On any error, the strict path (reader_strict.cc) redoes the text.
#include <array>
#include <cstring>
#include <string>

#include "inputs/envelope.h"
#include "inputs/reader.h"
#include "util/surrogates.h"

namespace vigil::internal {
namespace {

using simdjson::ondemand::json_type;

bool IsWs(char c) { return JsonScanner::IsWs(c); }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// The common NDJSON line, one CloudTrail event, costs one parse instead of two: the
// matcher's DOM parse is also the Reader's look at the line. Only a line that parses
// whole (valid JSON to the last byte, an object) and has no envelope key at its top
// level (not even escaped, which FastObject would not see as one) is taken here, and
// for such a line FastText delivers exactly this: the line, as one plain event.
// So is a CloudTrail delivery file, {"Records":[...]} (one line or pretty-printed, up
// to kMaxWholeDocumentBytes): its records are delivered from the same parse
// (WholeRecords).
Reader::Whole Reader::WholeText() {
  const size_t len = static_cast<size_t>(text_.end - text_.begin);
  if (framer_.buffer().AllocatedFrom(text_.begin) < len + simdjson::SIMDJSON_PADDING)
    return Whole::kNo;
  const std::string_view json(text_.begin, len);
  simdjson::dom::element root;
  if (!handoff_->Parse(json, &root)) return Whole::kNo;
  simdjson::dom::array records;
  EnvelopeClassifier shape;
  for (const simdjson::dom::key_value_pair kv : simdjson::dom::object(root)) {
    const EnvelopeKey key = KeyOf(kv.key);
    if (key == EnvelopeKey::kOther) continue;
    const ValueKind kind = kv.value.is_array()    ? ValueKind::kArray
                           : kv.value.is_object() ? ValueKind::kObject
                                                  : ValueKind::kOther;
    if (shape.Member(key, kind) == EnvelopeClassifier::Take::kRecords) {
      records = kv.value.get_array().value_unsafe();
    }
  }
  // Only the two common texts; anything else is FastText's.
  if (shape.PlainRecords()) return WholeRecords(records);
  if (!shape.PlainEvent()) return Whole::kNo;
  if (!text_.single_line) return Whole::kNo;  // FastObject trims a document's end
  Produce(json, text_.begin, Envelope::kNone, text_.end, text_.begin);
  handoff_->Reuse(json);
  return FlushPending() ? Whole::kDelivered : Whole::kStop;
}

// The spans of the elements of the Records array of the text just parsed, found among
// the structural positions of simdjson's first stage (a string, number or literal is
// one position; only brackets change the depth). The key must be written "Records",
// unescaped, as FastObject reads it, and there must be one such key; every element an
// object. False otherwise: FastText then reads the text as ever.
bool Reader::RecordSpans(std::vector<std::pair<uint32_t, uint32_t>>* spans) {
  spans->clear();
  size_t n = 0;
  const uint32_t* idx = handoff_->Structurals(&n);
  const char* base = text_.begin;
  auto at = [&](size_t j) { return base[idx[j]]; };
  // The structural after the value at j (n when the text ends first). Most positions
  // are strings, ':' and ',': a table gives each its change of depth, without branches.
  static constexpr std::array<int8_t, 256> kDepth = [] {
    std::array<int8_t, 256> t{};
    t['{'] = t['['] = 1;
    t['}'] = t[']'] = -1;
    return t;
  }();
  auto skip = [&](size_t j) -> size_t {
    if (at(j) != '{' && at(j) != '[') return j + 1;
    ptrdiff_t depth = 0;
    for (; j < n; ++j) {
      depth += kDepth[static_cast<unsigned char>(at(j))];
      if (depth == 0) return j + 1;
    }
    return n;
  };
  if (n < 2 || at(0) != '{') return false;
  bool found = false;
  size_t j = 1;
  while (j + 2 < n && at(j) == '"' && at(j + 1) == ':') {
    const size_t value = j + 2;
    if (idx[j + 1] - idx[j] >= 9 && std::memcmp(base + idx[j], "\"Records\"", 9) == 0) {
      if (found || at(value) != '[') return false;
      found = true;
      size_t k = value + 1;
      if (k < n && at(k) != ']') {
        for (;;) {
          if (at(k) != '{') return false;
          const size_t after = skip(k);
          if (after >= n) return false;
          spans->emplace_back(idx[k], idx[after - 1] + 1);
          if (at(after) == ']') {
            k = after;
            break;
          }
          if (at(after) != ',' || after + 1 >= n) return false;
          k = after + 1;
        }
      }
      j = k + 1;
    } else {
      j = skip(value);
    }
    if (j >= n) return false;
    if (at(j) == '}') return found;
    if (at(j) != ',') return false;
    ++j;
  }
  return false;
}

// Delivers each element of `records` with its text, for the matcher to read from the
// document's parse (DomHandoff::ReuseElement) as long as that parse lasts: a record the
// matcher had to parse on its own (duplicate keys are evaluated on copies) ends it, and
// the records after it are handed over as text only.
Reader::Whole Reader::WholeRecords(simdjson::dom::array records) {
  if (!RecordSpans(&record_spans_) || record_spans_.size() != records.size()) return Whole::kNo;
  const uint64_t generation = handoff_->Generation();
  // The array is read only while its parse lasts.
  simdjson::dom::array::iterator element = records.begin();
  for (size_t i = 0; i < record_spans_.size(); ++i) {
    const char* start = text_.begin + record_spans_[i].first;
    const char* end = text_.begin + record_spans_[i].second;
    const std::string_view json(start, static_cast<size_t>(end - start));
    Produce(json, start, Envelope::kRecords, end, start);
    if (handoff_->Generation() == generation) {
      handoff_->ReuseElement(json, *element);
      ++element;
    }
    if (!FlushPending()) return Whole::kStop;
  }
  return Whole::kDelivered;
}

Reader::Fast Reader::FastText() {
  simdjson::ondemand::document doc;
  const size_t len = static_cast<size_t>(text_.end - text_.begin);
  if (parser_.iterate(text_.begin, len, framer_.buffer().AllocatedFrom(text_.begin)).get(doc)) {
    return Fast::kFailed;
  }
  doc_ = &doc;
  json_type type;
  if (doc.type().get(type)) return Fast::kFailed;
  Fast r;
  if (type == json_type::object) {
    const char* start = text_.begin;
    while (start < text_.end && IsWs(*start)) ++start;
    simdjson::ondemand::object object;
    if (doc.get_object().get(object)) return Fast::kFailed;
    r = FastObject(object, start);
  } else if (type == json_type::array) {
    simdjson::ondemand::array array;
    if (doc.get_array().get(array)) return Fast::kFailed;
    r = FastArray(array, Context::kArray);
  } else {
    return Fast::kFailed;  // not an event; the slow path says so
  }
  if (r != Fast::kOk) return r;
  if (!FlushPending()) return Fast::kStop;
  const char* location;
  simdjson::error_code error = doc.current_location().get(location);
  if (error == simdjson::OUT_OF_BOUNDS) return Fast::kOk;
  if (error) return Fast::kFailed;
  trailing_ = location;
  return Fast::kTrailing;
}

const char* Reader::EndOfValue(const char* start) {
  const char* location;
  if (doc_->current_location().get(location)) location = text_.end;
  while (location > start && IsWs(location[-1])) --location;
  return location;
}

Reader::Fast Reader::FastObject(simdjson::ondemand::object& object, const char* start) {
  EnvelopeClassifier shape;
  std::string_view detail;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Fast::kFailed;
    const EnvelopeKey key = KeyOf(field.key());
    if (key == EnvelopeKey::kOther) continue;
    simdjson::ondemand::value value = field.value();
    // The first byte tells the type; nothing is parsed yet (a malformed value after a
    // Records key is a plain field here, as in the strict scanner).
    const std::string_view token = value.raw_json_token();
    const char first = token.empty() ? '\0' : token[0];
    const ValueKind kind = first == '[' ? ValueKind::kArray
                           : first == '{' ? ValueKind::kObject
                                          : ValueKind::kOther;
    switch (shape.Member(key, kind)) {
      case EnvelopeClassifier::Take::kSkip:
        break;
      case EnvelopeClassifier::Take::kRecords:
      case EnvelopeClassifier::Take::kEvents: {
        simdjson::ondemand::array array;
        if (value.get_array().get(array)) return Fast::kFailed;
        const Fast r = FastArray(array, key == EnvelopeKey::kRecords ? Context::kRecords
                                                                     : Context::kLookup);
        if (r != Fast::kOk) return r;
        break;
      }
      case EnvelopeClassifier::Take::kDetail: {
        simdjson::ondemand::object inner;
        if (value.get_object().get(inner)) return Fast::kFailed;
        std::string_view raw;
        if (inner.raw_json().get(raw)) return Fast::kFailed;
        detail = TrimRight(raw);
        break;
      }
    }
  }
  switch (shape.Result()) {
    case EnvelopeClassifier::Shape::kEnvelope:
      return Fast::kOk;
    case EnvelopeClassifier::Shape::kEventBridge:
      Produce(detail, detail.data(), Envelope::kEventBridge, detail.data() + detail.size(),
              detail.data());
      return Fast::kOk;
    case EnvelopeClassifier::Shape::kEvent:
      break;
  }
  const char* end = EndOfValue(start);
  Produce(std::string_view(start, static_cast<size_t>(end - start)), start, Envelope::kNone,
          end, start);
  return Fast::kOk;
}

Reader::Fast Reader::FastArray(simdjson::ondemand::array& array, Context context) {
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    // An error here is also how a missing ',' or ']' after the previous element
    // shows up: that element, still pending, is then never delivered.
    if (std::move(element_result).get(element)) return Fast::kFailed;
    if (!FlushPending()) return Fast::kStop;
    const char* start = element.raw_json_token().data();
    simdjson::ondemand::object object;
    if (element.get_object().get(object)) return Fast::kFailed;
    Fast r = Fast::kOk;
    switch (context) {
      case Context::kRecords: {
        std::string_view raw;
        if (object.raw_json().get(raw)) return Fast::kFailed;
        raw = TrimRight(raw);
        Produce(raw, start, Envelope::kRecords, raw.data() + raw.size(), start);
        break;
      }
      case Context::kLookup:
        r = FastLookupEntry(object, start);
        break;
      default:
        r = FastObject(object, start);
        break;
    }
    if (r != Fast::kOk) return r;
  }
  return FlushPending() ? Fast::kOk : Fast::kStop;
}

Reader::Fast Reader::FastLookupEntry(simdjson::ondemand::object& entry, const char* start) {
  std::string_view json;
  const char* where = nullptr;
  for (auto field_result : entry) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Fast::kFailed;
    if (KeyOf(field.key()) != EnvelopeKey::kCloudTrailEvent) continue;
    simdjson::ondemand::value value = field.value();
    const std::string_view token = value.raw_json_token();
    where = token.data();
    std::string_view text;
    if (value.get_string().get(text)) {
      // simdjson refuses a lone surrogate: read it as U+FFFD (util/surrogates.h).
      if (!UnescapeStringLossy(token, &lossy_)) return Fast::kFailed;
      text = lossy_;
    }
    json = CopyToOwned(text);
  }
  if (where == nullptr) return Fast::kFailed;
  const char* end = EndOfValue(start);
  Produce(json, start, Envelope::kLookupEvents, end, where);
  return Fast::kOk;
}

}  // namespace vigil::internal
