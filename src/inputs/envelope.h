// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The record shapes, written once. Which records a top-level JSON object holds depends
// only on its members' keys and on the type of their values:
//
//   {"Records":[...]}                       each element is a record (Envelope::kRecords)
//   {"Events":[{"CloudTrailEvent":"<json>"}...]}   each entry's unescaped string is one
//                                           (Envelope::kLookupEvents)
//   {..."detail-type":..., "detail":{...}}  `detail` is the record (Envelope::kEventBridge)
//   any other object                        the object is the record (Envelope::kNone)
//
// A "Records" or "Events" member whose value is not an array is a plain field, and so
// is a "detail" that is not an object. The Reader has three parsers (the matcher's DOM,
// simdjson On-Demand, and the strict JsonScanner that redoes damaged text); each walks
// an object's members and feeds them to an EnvelopeClassifier, which says what to do
// with each value and, at the end, what the object was. So the three cannot disagree
// about a shape, which is what gives one input the same records whichever parser read
// it (fuzz_reader checks exactly that).
//
// Internal to src/inputs/. Tested through tests/inputs/reader_test.cc and the
// envelope cases of shared_data_test.cc.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace vigil::internal {

// The keys the shapes above name; kOther for any other.
enum class EnvelopeKey { kOther, kRecords, kEvents, kDetail, kDetailType, kCloudTrailEvent };

// Tells the keys apart by their first byte, since every top-level key of every event
// comes here; `Key` compares with a string literal.
template <typename Key>
inline EnvelopeKey KeyByFirstByte(char first, const Key& key) {
  switch (first) {
    case 'R': return key == "Records" ? EnvelopeKey::kRecords : EnvelopeKey::kOther;
    case 'E': return key == "Events" ? EnvelopeKey::kEvents : EnvelopeKey::kOther;
    case 'd':
      if (key == "detail") return EnvelopeKey::kDetail;
      return key == "detail-type" ? EnvelopeKey::kDetailType : EnvelopeKey::kOther;
    case 'C': return key == "CloudTrailEvent" ? EnvelopeKey::kCloudTrailEvent : EnvelopeKey::kOther;
    default: return EnvelopeKey::kOther;
  }
}

// `key` unescaped, as the DOM and the strict scanner give it.
inline EnvelopeKey KeyOf(std::string_view key) {
  return key.empty() ? EnvelopeKey::kOther : KeyByFirstByte(key[0], key);
}

// The same on a key of simdjson On-Demand, still escaped, in place in the text. An
// escaped spelling ("Rec\u006frds") is not the key here nor for the strict scanner,
// which passes the raw bytes too; the DOM shortcut, which sees keys unescaped, leaves
// any object with such a key to them (PlainEvent). Reads up to one byte past the key's
// length, which stays inside the text: a key is always followed by its closing quote.
inline EnvelopeKey KeyOf(simdjson::ondemand::raw_json_string key) {
  return KeyByFirstByte(key.raw()[0], key);
}

// The type of a member's value, as far as the shapes care.
enum class ValueKind { kArray, kObject, kOther };

class EnvelopeClassifier {
 public:
  // What the parser does with a member's value.
  enum class Take {
    kSkip,     // nothing: an ordinary field
    kRecords,  // read its elements as records (Envelope::kRecords)
    kEvents,   // read its elements as lookup-events entries (Envelope::kLookupEvents)
    kDetail,   // remember its text: the record if the object turns out EventBridge
  };
  // What the object was, once all its members were fed.
  enum class Shape {
    kEnvelope,     // a Records or Events array: its records were read from the arrays
    kEventBridge,  // the last `detail` object is the record
    kEvent,        // the object itself is the record
  };

  Take Member(EnvelopeKey key, ValueKind value) {
    switch (key) {
      case EnvelopeKey::kRecords:
      case EnvelopeKey::kEvents:
        if (value != ValueKind::kArray) break;
        ++arrays_;
        if (key == EnvelopeKey::kEvents) plain_records_ = false;
        return key == EnvelopeKey::kRecords ? Take::kRecords : Take::kEvents;
      case EnvelopeKey::kDetailType:
        has_detail_type_ = true;
        break;
      case EnvelopeKey::kDetail:
        if (value != ValueKind::kObject) break;
        has_detail_ = true;
        return Take::kDetail;
      case EnvelopeKey::kOther:
        return Take::kSkip;
      case EnvelopeKey::kCloudTrailEvent:
        break;
    }
    // Any member with an envelope key (as a plain field too) makes the object one the
    // DOM shortcut leaves to the other parsers (PlainEvent, PlainRecords).
    plain_ = false;
    if (key != EnvelopeKey::kRecords) plain_records_ = false;
    return Take::kSkip;
  }

  Shape Result() const {
    if (arrays_ > 0) return Shape::kEnvelope;
    if (has_detail_type_ && has_detail_) return Shape::kEventBridge;
    return Shape::kEvent;
  }

  // For the Reader's DOM shortcut (Reader::WholeText), which takes only the two common
  // texts and leaves anything unusual to the On-Demand parser: an object with no
  // member of an envelope key at all (one event), and one whose only such member is
  // one Records array (a CloudTrail delivery file).
  bool PlainEvent() const { return plain_ && arrays_ == 0; }
  bool PlainRecords() const { return plain_records_ && plain_ && arrays_ == 1; }

 private:
  int arrays_ = 0;
  bool has_detail_type_ = false;
  bool has_detail_ = false;
  bool plain_ = true;          // no member of an envelope key other than arrays counted
  bool plain_records_ = true;  // no Events array, no other envelope key
};

}  // namespace vigil::internal
