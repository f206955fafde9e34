// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 5 of the pipeline: evaluate a Program on one event. Internal; use
// include/vigil/scanner.h instead.
//
// The event is parsed by simdjson's DOM parser, which validates all of it, and walked
// on its tape, descending only into fields of the program's trie. A first pass walks
// only the nodes on the paths of fields with trigger atoms; every other part of the
// event is kept (a tape position) and walked on demand, the first time a candidate
// rule reads a field there (Materialize). Each value goes through its field's index
// (program.h), which sets the atoms the value satisfies in a few lookups and one
// multi-literal scan, whatever the number of rules; an atom that holds makes the rules
// it triggers candidates. Keyword rules (which read every string of the event) cost one
// search of the event's text for all their literals, and a walk over every string,
// testing only the literals found, when one occurred. Finally each candidate's check
// clauses are tested (bit tests), then its condition; predicates that no index decides
// (regex and wildcard confirmation, `neq`, fieldref) are tested then, from the values
// the walk kept, at most once per event.
//
// The tape lacks two things rules may need: the raw text of an object or array (which
// rules compare as its compact JSON, with the event's own escapes) and the text of a
// non-integer number as written. An event that needs one, and an event the DOM parser
// refuses (invalid JSON, an integer beyond 64 bits, nesting beyond 1,024 levels), is
// evaluated again by the On-Demand walk, which has both and gives the same verdicts and
// errors as before; in the usual case it is never used.
//
// Atom, predicate and rule "bits" are epoch stamps (stamp == current epoch means set),
// so nothing is cleared between events. All buffers are reused: in steady state an
// event causes no allocation.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compile/literal_matcher.h"
#include "compile/program.h"
#include "compile/regex.h"
#include "eval/embedded_json.h"
#include "eval/value_memo.h"
#include "vigil/input.h"
#include "vigil/status.h"

namespace vigil::internal {

// Deepest nesting of objects and arrays the walker descends into (the top-level
// object is level 0). The walk is recursive, so this bounds its stack use; an event
// whose walked part is deeper is a bad event ("nested deeper than ..."), never a
// crash. Parts of an event that no rule reads (or no candidate rule, on the lazy walk)
// are not walked and are not subject to it; the DOM parser itself stops at 1,024
// levels, and the On-Demand walk then skips them without recursion. Real CloudTrail
// events nest about 10 levels.
inline constexpr int kMaxEventDepth = 128;

enum class ValueKind : uint8_t { kString, kNumber, kBool, kNull, kJson };

class Evaluator {
 public:
  explicit Evaluator(const Program& program);

  // REQUIRES: kRecordPadding readable bytes after json. Fills *rules (sorted rule
  // indexes) and returns true, or returns false with *error: kInvalidInput for an
  // event that is not a valid JSON object, kLimitExceeded for one nested deeper than
  // kMaxEventDepth.
  bool Evaluate(std::string_view json, EventKind kind, Envelope envelope,
                std::vector<uint32_t>* rules, Status* error);

  uint64_t regex_limit_hits() const { return regex_.limit_hits; }

  // Events with a duplicate key among the keys the rules read, matched as both a
  // first-wins and a last-wins parser read them (util/duplicate_keys.h).
  uint64_t duplicate_key_events() const { return duplicate_key_events_; }

  // Work counters since construction, for benchmarks and profiling: how much of each
  // kind of work the events needed (not part of any result).
  struct Counters {
    uint64_t events = 0;
    uint64_t candidates = 0;     // rules made candidates (trigger or always)
    uint64_t checks_failed = 0;  // candidates a check clause ruled out
    uint64_t conditions = 0;     // candidate conditions evaluated
    uint64_t lazy_tests = 0;     // predicates tested from stored values
    uint64_t fieldref_tests = 0; // fieldref predicates decided (both fields present)
    uint64_t materialized = 0;   // parts of events walked on demand
    uint64_t on_demand = 0;      // events the On-Demand walk decided
    uint64_t memo_hits = 0;      // regex and wildcard tests answered by the ValueMemo
    uint64_t dom_reused = 0;     // events whose DOM the Reader parsed (ReuseDom)
    uint64_t regex_set_memo_hits = 0;  // values a RegexSet of their field saw before (ValueMemo)
    uint64_t regex_set_searches = 0;   // values searched by a RegexSet of their field
    uint64_t regex_set_fallbacks = 0;  // values some set could not decide (fallback index)
    uint64_t regex_set_pauses = 0;     // sets paused for costing too much (regex_set.h)
    uint64_t key_cache_misses = 0;     // keys of the DOM walk looked up in the trie
  };
  const Counters& counters() const { return counters_; }

  // True when the last Evaluate proved the whole event valid JSON (the DOM parser read
  // all of it), so a caller that prints the event needs no check of its own.
  bool validated() const { return validated_; }

  // One parse per event with the Reader (scan/reader.h, DomHandoff): ParseDom parses
  // `json` (REQUIRES: SIMDJSON_PADDING readable bytes after it) into this evaluator's
  // DOM parser, true for an object; ReuseDom then says the next Evaluate is of that
  // very text, which is not parsed again. The promise lasts for one Evaluate.
  bool ParseDom(std::string_view json, simdjson::dom::element* root);
  void ReuseDom(std::string_view json);
  // The same for one object inside the text ParseDom parsed last (a record of a
  // {"Records":[...]} document): the next Evaluate is of `json`, the text of `element`.
  // REQUIRES: SIMDJSON_PADDING readable bytes after `json`.
  void ReuseDomElement(std::string_view json, simdjson::dom::element element);
  // Counts the DOM parses (ParseDom, and Evaluate's own: of an event not reused, of
  // the copies made for duplicate keys): a parse ends the elements of the one before.
  uint64_t dom_generation() const { return dom_generation_; }
  // Where simdjson's first stage found the structural characters (and the starts of
  // scalars) of the text ParseDom parsed last, as offsets in it, in order; valid until
  // the next parse. Read from simdjson's parser internals (simdjson 3): its DOM keeps
  // no positions of its own, and the Reader needs the records' raw texts.
  const uint32_t* DomStructurals(size_t* count) const {
    *count = dom_parser_.implementation->n_structural_indexes;
    return dom_parser_.implementation->structural_indexes.get();
  }

  // The DOM of `json` when the last Evaluate parsed that very text into one (an
  // object): not when simdjson's DOM refused it, nor when the event had duplicate keys
  // (then copies were parsed). Valid until the next Evaluate. What the Scanner reads
  // correlations' fields from, so that no one parses the event a second time.
  bool EventDom(std::string_view json, simdjson::dom::element* root) const {
    if (dom_data_ == nullptr || dom_data_ != json.data() || dom_size_ != json.size()) return false;
    *root = dom_root_;
    return true;
  }

 private:
  // A value kept for lazy predicates and fieldref: a view of the parser's buffers or
  // the event text, or (objects and arrays made compact) a range of arena_.
  struct Stored {
    const char* data;  // null: arena_ at offset
    uint32_t offset, length;
    ValueKind kind;
    uint32_t folded = UINT32_MAX;  // offset of its folded copy in folded_arena_, once made
    uint32_t memo = UINT32_MAX;    // its ValueMemo id (or ValueMemo::kNone), once asked
  };

  // What a fieldref's quick rejection reads of a field's value (DecideFieldRefAtoms).
  struct RefSummary {
    uint32_t length = 0;
    uint8_t front = 0, back = 0;  // ASCII-lowered end bytes
    bool single = false;          // exactly one value (else the rest is not read)
    uint32_t epoch = 0;           // made for this event (Summary)
    // The bytes the single value holds, ASCII-lowered, as bits (kFoldedByteBit); made
    // for this event when bytes_epoch == epoch (SummaryBytes).
    uint64_t bytes = 0;
    uint32_t bytes_epoch = 0;
  };

  // One evaluation of `json` as it is (Evaluate retries with lone surrogates replaced).
  bool EvaluateText(std::string_view json, EventKind kind, Envelope envelope,
                    std::vector<uint32_t>* rules, Status* error);
  bool EvaluateDuplicates(std::string_view json, EventKind kind, Envelope envelope,
                          std::vector<uint32_t>* rules, Status* error);
  void NoteKey(int32_t child, uint32_t serial);
  uint32_t NextObjectSerial();
  void NextEpoch();
  bool VisitObject(simdjson::ondemand::object obj, int32_t node, int depth);
  bool VisitValue(simdjson::ondemand::value v, int32_t node, int depth);
  bool Descend(simdjson::ondemand::value v, int32_t node, int depth, bool is_array);
  bool VisitAll(simdjson::ondemand::value v, int depth);  // the keyword walk
  void MarkPresent(uint32_t field);
  static bool Minify(std::string_view raw, std::string* buf, std::string_view* out);
  int32_t Child(int32_t node, std::string_view key) const;
  struct KeyCacheEntry;
  // REQUIRES: `key` is a key of a DOM (KeyHead reads eight bytes of it).
  void FillKeyCache(KeyCacheEntry* e, int32_t node, std::string_view key);
  // `transient`: text lives in a buffer of the caller; copy it if it is kept.
  void OnValue(uint32_t field, ValueKind kind, std::string_view text, bool transient);
  bool DomVisitObject(simdjson::dom::object obj, int32_t node, int depth);
  bool DomVisitValue(simdjson::dom::element v, int32_t node, int depth);
  bool DomKeywords(simdjson::dom::element v, int depth);
  bool CheckMinusZero();
  bool Candidates(EventKind kind, Envelope envelope, std::vector<uint32_t>* rules);
  // The errors of Evaluate: nesting past kMaxEventDepth (a limit), malformed JSON.
  static Status DepthError();
  static Status InvalidJson(std::string why) {
    return Status::Error(StatusCode::kInvalidInput, std::move(why));
  }
  static Status InvalidJson(simdjson::error_code ec) {
    return InvalidJson(std::string("invalid JSON: ") + simdjson::error_message(ec));
  }
  // Why a walk stopped early: the depth limit if it met it, else the JSON was broken.
  Status WalkError() const { return too_deep_ ? DepthError() : InvalidJson("invalid JSON"); }
  void IndexValue(const FieldIndex& x, ValueKind kind, std::string_view text);
  void MatchRegexSets(const FieldIndex& x, ValueKind kind, std::string_view text);
  void SetAtom(uint32_t atom);
  // Finds the keyword literals in the event's text (keyword_hits_); false when no
  // keyword can hold.
  bool KeywordPrefilter(std::string_view json);
  void OnKeywordString(std::string_view s);
  bool KeywordWalk(std::string_view json, Status* error);
  // `code` points at a rule's count of checks in Program::rule_code; on true it is moved past
  // them, to the rule's condition.
  bool ChecksHold(const uint32_t** code);
  // Walks, if it was not yet, the part of the event where the first (lazy) pass stopped
  // on the path of `field`. False on an event nested too deep there.
  bool Materialize(uint32_t field);
  // A condition in Program::rule_code, from its first word.
  bool EvalCode(const uint32_t* code);
  bool EvalPred(uint32_t pred);
  bool TestLazy(uint32_t pred);
  // `folded`: the value lower-cased, when the caller has it (else folded here).
  bool TestValue(uint32_t pred, ValueKind kind, std::string_view text,
                 std::string_view folded = {});
  bool NeedsWholeFold(uint32_t pred) const;
  std::string_view Folded(Stored* s);
  bool TestDeferred(uint32_t pred);
  bool DecideFieldRefAtoms();
  // What FieldRefCannotHold reads of a present field's values, made once per event.
  const RefSummary& Summary(uint32_t field) {
    if (ref_summary_[field].epoch != epoch_) MakeSummary(field);
    return ref_summary_[field];
  }
  void MakeSummary(uint32_t field);
  // RefSummary::bytes of a field with a single value, made once per event.
  uint64_t SummaryBytes(uint32_t field);
  bool EvalFieldRef(const Predicate& p);
  static bool FieldRefCannotHold(uint32_t shape, const RefSummary& hay, const RefSummary& needle);
  std::string_view Text(const Stored& s) const {
    return s.data ? std::string_view(s.data, s.length)
                  : std::string_view(arena_.data() + s.offset, s.length);
  }
  bool Present(uint32_t field) const { return field_stamp_[field] == epoch_; }

  const Program& prog_;
  simdjson::dom::parser dom_parser_;
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::parser keyword_parser_;  // its strings outlive the main walk's
  simdjson::ondemand::document* doc_ = nullptr;  // the event being walked
  std::string json_text_;               // compact JSON of the value at hand
  std::string lazy_text_, lazy_fold_;   // lazy tests: compact JSON, folded text
  std::string fold_;                    // index lookups: the folded value
  std::string cooked_;                  // the event text unescaped, for the prefilter
  std::string exact_;                   // a numeric value in exact form (exact_number.h)
  std::string surrogate_free_, surrogate_keep_;
  // Embedded JSON (ir.h): set when some predicate can see the decoded members (a field
  // beneath one, a field holding an object on the way to one, or a keyword), else
  // null, and events are read as they are. The text with the members inserted.
  std::unique_ptr<EmbeddedJson> embedded_;
  std::string embedded_text_;
  bool MayHoldEmbedded(std::string_view json);
  bool dom_parsed_here_ = false;  // MayHoldEmbedded parsed the DOM EvaluateText reuses
  // While the copy with lone surrogates replaced is walked: its start, and the event's.
  const char* copy_base_ = nullptr;
  const char* original_base_ = nullptr;
  // Duplicate keys (util/duplicate_keys.h): by trie node, the serial of the last object
  // in which the walk met its key; objects are numbered as the walk enters them.
  std::vector<uint32_t> key_seen_;
  uint32_t object_serial_ = 0;
  bool duplicate_keys_ = false;
  uint64_t duplicate_key_events_ = 0;
  std::string dedup_;
  std::vector<uint32_t> dedup_rules_;          // the event with lone surrogates as \ufffd, padded
  uint32_t epoch_ = 0;
  std::vector<uint32_t> atom_stamp_;   // by atom: holds
  std::vector<uint32_t> lazy_stamp_;   // by predicate: tested lazily this event
  std::vector<uint32_t> lazy_true_;    // by predicate: ... and held
  // By rule: whether it is a candidate of this event, beside where its code is, which
  // the candidate loop reads next (one cache line for both).
  struct RuleSlot {
    uint32_t stamp = 0;
    uint32_t code = 0;
  };
  std::vector<RuleSlot> rules_;
  std::vector<uint32_t> field_stamp_;
  std::vector<uint32_t> null_stamp_;
  std::vector<uint32_t> deferred_stamp_;  // by field: deferred_ holds this event's values
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> fieldref_fields_;  // fields met this event with fieldref atoms
  // The fields met this event that some fieldref compares with, and their bits
  // (FieldIndex::fieldref_second): all zero between events, DecideFieldRefAtoms clears
  // the words it set.
  std::vector<uint32_t> fieldref_seconds_;
  std::vector<uint64_t> fieldref_present_;
  // The same bits split by what the values are (DecideFieldRefAtoms): fields with
  // several values, with an empty one, and by the first and last byte of a single value
  // (256 rows of fieldref_words each). Kept only while the rows are short.
  static constexpr uint32_t kFieldRefByteWords = 16;
  std::vector<uint64_t> fieldref_multi_, fieldref_empty_, fieldref_front_, fieldref_back_;
  std::vector<RefSummary> ref_summary_;  // by field (Summary)
  std::string arena_;
  std::string folded_arena_;  // folded copies of stored values, made once per event
  std::vector<std::vector<Stored>> stored_;  // by field, valid when field_stamp_ == epoch_
  std::vector<Stored> keyword_values_;       // every string, when keywords keep values
  std::vector<uint32_t> keyword_hits_;       // prefilter literals found in this event
  // By field: raw text of the objects and arrays it had, for deferred predicates.
  std::vector<std::vector<std::string_view>> deferred_;
  LiteralScratch literal_scratch_;
  std::vector<int> set_hits_;         // RegexSet::Match results
  std::vector<uint32_t> set_atoms_;  // ... as atoms
  std::string set_fold_;             // the value ASCII-folded, for sets of caseless wildcards
  // This thread's cost of each regex set (regex_set.h, kRegexSetMaxNanosPerByte).
  struct SetCost {
    uint64_t bytes = 0, nanos = 0;
    uint64_t values = 0;  // offered to the set
    uint64_t resume = 0;  // paused until `values` reaches this
    uint32_t pause = kRegexSetFirstPause;
  };
  std::vector<SetCost> set_cost_;
  RegexScratch regex_;
  ValueMemo memo_;
  // Values the first pass did not walk, by trie node (valid when pending_stamp_ ==
  // epoch_), with the depth they sit at; walked on demand (Materialize).
  struct Pending {
    simdjson::dom::element value;
    int depth;
  };
  // Child() remembered by (node, key); see DomVisitObject.
  struct KeyCacheEntry {
    uint64_t head = 0;  // the key's first eight bytes (zeros past a shorter key's end)
    uint32_t length = UINT32_MAX;  // none
    int32_t child = -1;
    bool cloudtrail = false;  // eventSource, eventName or eventTime
    char bytes[39];
  };
  static constexpr uint32_t kKeyCacheBits = 7;
  static constexpr uint32_t kKeyCacheSlots = 1u << kKeyCacheBits;
  std::vector<int32_t> key_cache_row_;      // by trie node: its row, or -1
  std::vector<KeyCacheEntry> key_cache_;    // rows of kKeyCacheSlots entries
  std::vector<uint32_t> pending_stamp_, materialized_stamp_;
  std::vector<std::vector<Pending>> pending_;
  Counters counters_;
  bool full_ = false;       // walking on demand: every node, no pending
  bool deep_error_ = false; // an on-demand walk met nesting deeper than the limit
  bool dom_mode_ = false;   // the DOM walk is on: no raw text of objects at hand
  bool restart_ = false;    // it met what only the On-Demand walk can do
  bool validated_ = false;
  const char* dom_data_ = nullptr;  // the text dom_root_ was parsed from (EventDom)
  size_t dom_size_ = 0;
  bool dom_reuse_ = false;          // ReuseDom: the next EvaluateText reads dom_root_
  simdjson::dom::element dom_root_;
  uint64_t dom_generation_ = 0;
  int minus_zero_ = -1;     // the event text holds "-0" (-1: not looked yet)
  std::string_view current_json_;
  bool top_level_ = false;
  bool too_deep_ = false;  // the walk stopped at kMaxEventDepth
  int cloudtrail_keys_ = 0;
};

}  // namespace vigil::internal
