// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Reader's strict path (reader.h, Reader::OnText): JsonScanner, byte by byte, over a
// text the fast path refused (reader_fast.cc) or one larger than kMaxFastTextBytes. It
// redoes the text from its start, skips what the fast path already delivered, delivers
// every record up to the damage (UTF-8 is checked per record here), and hands the
// damage to recovery (reader_recovery.cc). Objects are classified by the same
// EnvelopeClassifier as on the fast path (envelope.h).
#include <string>

#include "inputs/envelope.h"
#include "inputs/reader.h"
#include "util/surrogates.h"

namespace vigil::internal {
namespace {

// Reads the separator after a value: true and past it at ','; at the closing
// bracket `close`, sets *closed. False (scanner error set) otherwise.
bool NextMember(JsonScanner& scanner, char close, bool* closed, const char* message) {
  scanner.SkipWs();
  if (scanner.at_end()) return scanner.FailEnd("unexpected end of input");
  const char c = scanner.peek();
  scanner.Advance();
  if (c == ',') {
    *closed = false;
    return true;
  }
  if (c == close) {
    *closed = true;
    return true;
  }
  return scanner.Fail(scanner.pos() - 1, message);
}

}  // namespace

bool Reader::SlowText(const char* from) {
  damage_context_ = Context::kTop;
  JsonScanner scanner(from, text_.end);
  for (;;) {
    scanner.SkipWs();
    if (scanner.at_end()) return true;
    Slow r = SlowValue(scanner, Context::kTop);
    if (r == Slow::kStop) return false;
    if (r == Slow::kDamaged) {
      ReportDamage(scanner);
      return !stop_ && Recover(scanner.error_pos());
    }
  }
}

Reader::Slow Reader::SlowValue(JsonScanner& scanner, Context context) {
  const char* start = scanner.pos();
  const char c = scanner.peek();
  if (c == '{') return SlowObject(scanner);
  if (c == '[' && context == Context::kTop) {
    scanner.Advance();
    return SlowArray(scanner, Context::kArray);
  }
  if (!scanner.SkipValue()) return Slow::kDamaged;
  ElementError(start, context == Context::kTop
                          ? "not an event: expected a JSON object or array"
                          : "array element is not a JSON object");
  return Slow::kOk;
}

Reader::Slow Reader::EndDamaged(JsonScanner& scanner) {
  scanner.FailEnd("unexpected end of input");
  return Slow::kDamaged;
}

Reader::Slow Reader::SlowObject(JsonScanner& scanner) {
  const char* start = scanner.pos();
  scanner.Advance();  // '{'
  EnvelopeClassifier shape;
  const char* detail_begin = nullptr;
  const char* detail_end = nullptr;
  scanner.SkipWs();
  if (scanner.at_end()) return EndDamaged(scanner);
  bool closed = scanner.peek() == '}';
  if (closed) scanner.Advance();
  while (!closed) {
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    if (scanner.peek() != '"') {
      scanner.Fail(scanner.pos(), "expected a string (an object key)");
      return Slow::kDamaged;
    }
    const char* key_begin = scanner.pos() + 1;
    if (!scanner.SkipString()) return Slow::kDamaged;
    const EnvelopeKey key =
        KeyOf(std::string_view(key_begin, static_cast<size_t>(scanner.pos() - 1 - key_begin)));
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    if (scanner.peek() != ':') {
      scanner.Fail(scanner.pos(), "expected ':' after an object key");
      return Slow::kDamaged;
    }
    scanner.Advance();
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    const char c = scanner.peek();
    const ValueKind kind = c == '['   ? ValueKind::kArray
                           : c == '{' ? ValueKind::kObject
                                      : ValueKind::kOther;
    switch (shape.Member(key, kind)) {
      case EnvelopeClassifier::Take::kRecords:
      case EnvelopeClassifier::Take::kEvents: {
        scanner.Advance();
        const Slow r =
            SlowArray(scanner, key == EnvelopeKey::kRecords ? Context::kRecords : Context::kLookup);
        if (r != Slow::kOk) return r;
        break;
      }
      case EnvelopeClassifier::Take::kDetail:
        detail_begin = scanner.pos();
        if (!scanner.SkipValue()) return Slow::kDamaged;
        detail_end = scanner.pos();
        break;
      case EnvelopeClassifier::Take::kSkip:
        if (!scanner.SkipValue()) return Slow::kDamaged;
        break;
    }
    if (!NextMember(scanner, '}', &closed, "expected ',' or '}' after an object member")) {
      return Slow::kDamaged;
    }
  }
  bool go_on = true;
  switch (shape.Result()) {
    case EnvelopeClassifier::Shape::kEnvelope:
      break;
    case EnvelopeClassifier::Shape::kEventBridge:
      go_on =
          EmitSlow(std::string_view(detail_begin, static_cast<size_t>(detail_end - detail_begin)),
                   detail_begin, Envelope::kEventBridge);
      break;
    case EnvelopeClassifier::Shape::kEvent:
      go_on = EmitSlow(std::string_view(start, static_cast<size_t>(scanner.pos() - start)), start,
                       Envelope::kNone);
      break;
  }
  return go_on ? Slow::kOk : Slow::kStop;
}

Reader::Slow Reader::SlowArray(JsonScanner& scanner, Context context) {
  const Context saved = damage_context_;
  damage_context_ = context;
  scanner.SkipWs();
  if (scanner.at_end()) return EndDamaged(scanner);
  bool closed = scanner.peek() == ']';
  if (closed) scanner.Advance();
  while (!closed) {
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    const char* start = scanner.pos();
    if (scanner.peek() != '{') {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      ElementError(start, "array element is not a JSON object");
    } else if (context == Context::kRecords) {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      if (!EmitSlow(std::string_view(start, static_cast<size_t>(scanner.pos() - start)), start,
                    Envelope::kRecords)) {
        return Slow::kStop;
      }
    } else if (context == Context::kLookup) {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      if (!SlowLookupEntry(start, scanner.pos())) return Slow::kStop;
    } else {
      Slow r = SlowObject(scanner);
      if (r != Slow::kOk) return r;
    }
    if (stop_) return Slow::kStop;
    if (!NextMember(scanner, ']', &closed, "expected ',' or ']' after an array element")) {
      return Slow::kDamaged;
    }
  }
  damage_context_ = saved;
  return Slow::kOk;
}

bool Reader::SlowLookupEntry(const char* begin, const char* end) {
  if (delivered_ != nullptr && begin <= delivered_) {
    ++next_index_;
    return true;
  }
  simdjson::ondemand::document doc;
  const size_t len = static_cast<size_t>(end - begin);
  simdjson::error_code error =
      parser_.iterate(begin, len, framer_.buffer().AllocatedFrom(begin)).get(doc);
  simdjson::ondemand::object entry;
  if (!error) error = doc.get_object().get(entry);
  std::string_view json;
  const char* where = nullptr;
  if (!error) {
    for (auto field_result : entry) {
      simdjson::ondemand::field field;
      if ((error = std::move(field_result).get(field))) break;
      if (KeyOf(field.key()) != EnvelopeKey::kCloudTrailEvent) continue;
      simdjson::ondemand::value value = field.value();
      const std::string_view token = value.raw_json_token();
      const char* at = token.data();
      std::string_view text;
      if (value.get_string().get(text)) {
        // simdjson refuses a lone surrogate: read it as U+FFFD (util/surrogates.h).
        if (!UnescapeStringLossy(token, &lossy_)) continue;
        text = lossy_;
      }
      json = CopyToOwned(text);
      where = at;
    }
  }
  if (error) {
    ElementError(begin, std::string("unreadable lookup-events entry: ") +
                            simdjson::error_message(error));
    return !stop_;
  }
  if (where == nullptr) {
    ElementError(begin, "lookup-events entry has no CloudTrailEvent string");
    return !stop_;
  }
  Record record;
  record.json = json;
  record.file = name_;
  record.index = next_index_++;
  record.line = LineAt(where);
  record.envelope = Envelope::kLookupEvents;
  delivered_end_ = end;
  return Deliver(record, begin);
}

bool Reader::EmitSlow(std::string_view json, const char* source, Envelope envelope) {
  if (delivered_ != nullptr && source <= delivered_) {
    ++next_index_;  // the fast path delivered it with this index
    return true;
  }
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    ElementError(source, "invalid UTF-8 in event");
    return !stop_;
  }
  Record record;
  record.json = json;
  record.file = name_;
  record.index = next_index_++;
  record.line = LineAt(json.data());
  record.envelope = envelope;
  delivered_end_ = json.data() + json.size();
  return Deliver(record, source);
}

}  // namespace vigil::internal
