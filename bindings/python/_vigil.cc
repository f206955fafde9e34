// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// vigil._vigil: the pybind11 extension module under the Python package `vigil`
// (python/vigil/__init__.py is the public API; this module is private to it).
//
// Input: Python objects (rule sources, events as dict / str / bytes, paths).
// Output: plain Python values (tuples, lists, dicts) that __init__.py wraps into Rule,
// Match, Diagnostic... objects. Entry points: build(), Core (one compiled RuleSet),
// ScanIter (a streaming scan), Correlator (correlation rules over a stream fed in batches).
//
// Threads and the GIL: every piece of C++ work (compiling, matching, scanning, rule
// tests, explain) runs with the GIL released. A Scanner is not thread-safe, so a Core
// keeps a small pool of Scanners: a call takes one (or makes one), matches, and puts
// it back. N Python threads matching through one RuleSet therefore use N Scanners
// and run in parallel; a single thread keeps reusing the same warm Scanner.
//
// Streaming scans: ScanIter runs vigil::ScanInputs on a C++ thread of its own whose
// sink queues matches (and read errors and correlation alerts, in order) into a bounded
// queue; Python pulls batches from it. Correlation is the library's: the scan feeds its
// Correlator (ScanOptions::correlator), and Correlator.feed scans each batch
// (vigil::ScanEvents) as a part of one stream. When the queue is full the scan waits, so memory stays bounded
// whatever the size of the input; closing the iterator early stops the scan.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "util/timeparts.h"
#include "vigil/vigil.h"

namespace py = pybind11;

namespace {

// A failed Status as the exception its code calls for in Python: OSError for a file
// that could not be read or written (what open() raises), ValueError for the rest
// (malformed input, a limit passed).
[[noreturn]] void Raise(const vigil::Status& s) {
  if (s.code() == vigil::StatusCode::kIoError) {
    PyErr_SetString(PyExc_OSError, s.message().c_str());
    throw py::error_already_set();
  }
  throw py::value_error(s.message());
}

// ---- Python objects -> JSON text ----------------------------------------------------

// collections.abc.Mapping / Sequence, looked up once (intentionally never released:
// the module lives as long as the interpreter).
PyObject* g_mapping_abc = nullptr;
PyObject* g_sequence_abc = nullptr;

constexpr int kMaxDepth = 512;

// The UTF-8 of a str. A str holding a lone surrogate (json.loads makes one from a
// "\\ud800" escape, as an attacker can put in any field of a record) has no UTF-8: each
// such code point is written as U+FFFD into *buf, the decision the engine's own JSON
// reader makes for the escape, so that the event is still matched (and its other fields
// as they are) instead of being rejected. Requires the GIL.
std::string_view Utf8Text(PyObject* s, std::string* buf) {
  Py_ssize_t n = 0;
  if (const char* p = PyUnicode_AsUTF8AndSize(s, &n)) return {p, static_cast<size_t>(n)};
  if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) throw py::error_already_set();
  PyErr_Clear();
  const Py_ssize_t len = PyUnicode_GET_LENGTH(s);
  const int kind = PyUnicode_KIND(s);
  const void* data = PyUnicode_DATA(s);
  buf->clear();
  buf->reserve(static_cast<size_t>(len) + 16);
  for (Py_ssize_t i = 0; i < len; ++i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
    if (c < 0x80) {
      buf->push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      buf->push_back(static_cast<char>(0xC0 | (c >> 6)));
      buf->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      buf->push_back(static_cast<char>(0xE0 | (c >> 12)));
      buf->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      buf->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      buf->push_back(static_cast<char>(0xF0 | (c >> 18)));
      buf->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      buf->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      buf->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return *buf;
}

// Writes a Python value as compact JSON. dict/Mapping -> object, list/tuple/set and
// other sequences -> array, str -> string, int/float/bool/None -> the JSON literal,
// bytes -> a string of its bytes, a date/datetime/time (anything with isoformat()) ->
// its ISO text, anything else -> the string str() gives. NaN and infinities become
// null (JSON has no spelling for them). Requires the GIL; throws error_already_set.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(*out) {}

  void Value(PyObject* o, int depth) {
    if (depth > kMaxDepth) {
      throw py::value_error("event nested more than 512 levels deep (a circular reference?)");
    }
    if (o == Py_None) {
      out_ += "null";
    } else if (o == Py_True) {
      out_ += "true";
    } else if (o == Py_False) {
      out_ += "false";
    } else if (PyUnicode_Check(o)) {
      Unicode(o);
    } else if (PyDict_Check(o)) {
      Dict(o, depth);
    } else if (PyList_Check(o) || PyTuple_Check(o)) {
      py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(o, "not a sequence"));
      if (!seq) throw py::error_already_set();
      Array(seq.ptr(), depth);
    } else if (PyLong_Check(o)) {
      Long(o);
    } else if (PyFloat_Check(o)) {
      Float(PyFloat_AS_DOUBLE(o));
    } else if (PyBytes_Check(o)) {
      String(PyBytes_AS_STRING(o), static_cast<size_t>(PyBytes_GET_SIZE(o)));
    } else if (PyByteArray_Check(o)) {
      String(PyByteArray_AS_STRING(o), static_cast<size_t>(PyByteArray_GET_SIZE(o)));
    } else if (IsInstance(o, g_mapping_abc)) {
      py::object items = py::reinterpret_steal<py::object>(PyMapping_Items(o));
      if (!items) throw py::error_already_set();
      Pairs(items.ptr(), depth);
    } else if (PyAnySet_Check(o) || IsInstance(o, g_sequence_abc)) {
      py::object seq = py::reinterpret_steal<py::object>(PySequence_List(o));
      if (!seq) throw py::error_already_set();
      Array(seq.ptr(), depth);
    } else if (PyObject_HasAttrString(o, "isoformat")) {
      py::object text = py::reinterpret_borrow<py::object>(o).attr("isoformat")();
      if (!PyUnicode_Check(text.ptr())) text = py::str(text);
      Unicode(text.ptr());
    } else {
      py::object text = py::reinterpret_steal<py::object>(PyObject_Str(o));
      if (!text) throw py::error_already_set();
      Unicode(text.ptr());
    }
  }

 private:
  static bool IsInstance(PyObject* o, PyObject* cls) {
    if (!cls) return false;
    int r = PyObject_IsInstance(o, cls);
    if (r < 0) throw py::error_already_set();
    return r == 1;
  }

  void Unicode(PyObject* s) {
    std::string replaced;
    const std::string_view text = Utf8Text(s, &replaced);
    String(text.data(), text.size());
  }

  void String(const char* s, size_t n) {
    static const char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    size_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s + start, i - start);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        default:
          out_ += "\\u00";
          out_.push_back(kHex[c >> 4]);
          out_.push_back(kHex[c & 15]);
      }
      start = i + 1;
    }
    out_.append(s + start, n - start);
    out_.push_back('"');
  }

  void Long(PyObject* o) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow) {
      // Beyond 64 bits: its decimal text (int.__repr__, not an IntEnum's str()).
      py::object text = py::reinterpret_steal<py::object>(PyLong_Type.tp_repr(o));
      if (!text) throw py::error_already_set();
      Py_ssize_t n = 0;
      const char* p = PyUnicode_AsUTF8AndSize(text.ptr(), &n);
      if (!p) throw py::error_already_set();
      out_.append(p, static_cast<size_t>(n));
      return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }

  void Float(double d) {
    if (!std::isfinite(d)) {
      out_ += "null";
      return;
    }
    // Python's repr: the shortest text that reads back as the same double.
    char* text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
    if (!text) throw py::error_already_set();
    out_ += text;
    PyMem_Free(text);
  }

  void Key(PyObject* k) {
    if (PyUnicode_Check(k)) return Unicode(k);
    // json.dumps' conversions for non-string keys.
    if (k == Py_True) return String("true", 4);
    if (k == Py_False) return String("false", 5);
    if (k == Py_None) return String("null", 4);
    if (PyBytes_Check(k)) return String(PyBytes_AS_STRING(k), static_cast<size_t>(PyBytes_GET_SIZE(k)));
    std::string text;
    JsonWriter w(&text);
    if (PyLong_Check(k)) {
      w.Long(k);
    } else if (PyFloat_Check(k)) {
      w.Float(PyFloat_AS_DOUBLE(k));
    } else {
      py::object s = py::reinterpret_steal<py::object>(PyObject_Str(k));
      if (!s) throw py::error_already_set();
      return Unicode(s.ptr());
    }
    String(text.data(), text.size());
  }

  void Dict(PyObject* d, int depth) {
    out_.push_back('{');
    Py_ssize_t pos = 0;
    PyObject* k = nullptr;
    PyObject* v = nullptr;
    bool first = true;
    while (PyDict_Next(d, &pos, &k, &v)) {
      // Hold references: str() of an odd key or value runs Python code.
      py::object key = py::reinterpret_borrow<py::object>(k);
      py::object value = py::reinterpret_borrow<py::object>(v);
      if (!first) out_.push_back(',');
      first = false;
      Key(key.ptr());
      out_.push_back(':');
      Value(value.ptr(), depth + 1);
    }
    out_.push_back('}');
  }

  void Pairs(PyObject* items, int depth) {
    py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(items, "items() is not a sequence"));
    if (!seq) throw py::error_already_set();
    out_.push_back('{');
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* pair = PySequence_Fast_GET_ITEM(seq.ptr(), i);
      if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
        throw py::type_error("a mapping's items() must be (key, value) pairs");
      }
      if (i) out_.push_back(',');
      Key(PyTuple_GET_ITEM(pair, 0));
      out_.push_back(':');
      Value(PyTuple_GET_ITEM(pair, 1), depth + 1);
    }
    out_.push_back('}');
  }

  void Array(PyObject* seq, int depth) {
    out_.push_back('[');
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i) {
      py::object item = py::reinterpret_borrow<py::object>(PySequence_Fast_GET_ITEM(seq, i));
      if (i) out_.push_back(',');
      Value(item.ptr(), depth + 1);
    }
    out_.push_back(']');
  }

  std::string& out_;
};

// The JSON text of one event given to match() / match_many(): a str or bytes is used
// in place (kept alive by `owner`), a bytearray or buffer is copied (it could change
// while the GIL is released), a dict or other mapping is serialised into `buf`.
// Requires the GIL.
std::string_view EventText(PyObject* ev, std::string* buf) {
  if (PyUnicode_Check(ev)) return Utf8Text(ev, buf);  // in place, unless it must be repaired
  if (PyBytes_Check(ev)) {
    return {PyBytes_AS_STRING(ev), static_cast<size_t>(PyBytes_GET_SIZE(ev))};
  }
  buf->clear();
  if (PyDict_Check(ev) || (g_mapping_abc && PyObject_IsInstance(ev, g_mapping_abc) == 1)) {
    JsonWriter(buf).Value(ev, 0);
    return *buf;
  }
  if (PyErr_Occurred()) throw py::error_already_set();
  if (PyObject_CheckBuffer(ev)) {
    Py_buffer view;
    if (PyObject_GetBuffer(ev, &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    buf->assign(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
    PyBuffer_Release(&view);
    return *buf;
  }
  throw py::type_error(std::string("an event must be a dict (or other mapping), a str or bytes "
                                   "holding one JSON object, not ") +
                       Py_TYPE(ev)->tp_name);
}

// The events of a Python iterable, taken in batches: each converted to JSON text with
// the GIL held (the objects are kept alive for the texts that point into them), so a
// batch can then be matched without the GIL.
class EventBatches {
 public:
  static constexpr size_t kSize = 1024;

  explicit EventBatches(py::handle events)
      : it_(py::reinterpret_steal<py::object>(PyObject_GetIter(events.ptr()))), bufs_(kSize) {
    if (!it_) throw py::error_already_set();
    objects_.reserve(kSize);
    texts_.reserve(kSize);
  }

  // Fills the next batch; false when the iterable has no more events.
  bool Next() {
    objects_.clear();
    texts_.clear();
    while (!done_ && objects_.size() < kSize) {
      PyObject* item = PyIter_Next(it_.ptr());
      if (!item) {
        if (PyErr_Occurred()) throw py::error_already_set();
        done_ = true;
        break;
      }
      objects_.push_back(py::reinterpret_steal<py::object>(item));
      texts_.push_back(EventText(item, &bufs_[objects_.size() - 1]));
    }
    return !objects_.empty();
  }

  const std::vector<py::object>& objects() const { return objects_; }
  const std::vector<std::string_view>& texts() const { return texts_; }

 private:
  py::object it_;
  std::vector<std::string> bufs_;
  std::vector<py::object> objects_;
  std::vector<std::string_view> texts_;
  bool done_ = false;
};

// The event as a Python str for Match.event_json: the str itself, or a new str.
py::object EventTextObject(PyObject* ev, std::string_view text) {
  if (PyUnicode_Check(ev)) return py::reinterpret_borrow<py::object>(ev);
  PyObject* s = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
  if (!s) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(s);
}

py::str Utf8(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

vigil::EventKind ParseKind(const std::string& kind) {
  if (kind == "auto") return vigil::EventKind::kAuto;
  if (kind == "cloudtrail") return vigil::EventKind::kCloudTrail;
  if (kind == "any") return vigil::EventKind::kAny;
  throw py::value_error("kind must be 'auto', 'cloudtrail' or 'any', not '" + kind + "'");
}

py::tuple DiagnosticTuple(const vigil::Diagnostic& d) {
  return py::make_tuple(d.severity == vigil::Severity::kError ? "error" : "warning", Utf8(d.where.file),
                        d.where.line, d.where.column, Utf8(d.message), Utf8(d.ToString()));
}

py::list StringList(const std::vector<std::string>& v) {
  py::list out;
  for (const auto& s : v) out.append(Utf8(s));
  return out;
}

py::dict RuleDict(const vigil::RuleInfo& r) {
  py::dict d;
  d["id"] = Utf8(r.id);
  d["name"] = Utf8(r.name);
  d["title"] = Utf8(r.title);
  d["status"] = Utf8(r.status);
  d["description"] = Utf8(r.description);
  d["license"] = Utf8(r.license);
  d["author"] = Utf8(r.author);
  d["date"] = Utf8(r.date);
  d["modified"] = Utf8(r.modified);
  d["level"] = Utf8(r.level);
  d["references"] = StringList(r.references);
  d["tags"] = StringList(r.tags);
  d["falsepositives"] = StringList(r.falsepositives);
  d["fields"] = StringList(r.fields);
  py::list related;
  for (const auto& rel : r.related) related.append(py::make_tuple(Utf8(rel.id), Utf8(rel.type)));
  d["related"] = related;
  py::dict logsource;
  if (!r.logsource.category.empty()) logsource["category"] = Utf8(r.logsource.category);
  if (!r.logsource.product.empty()) logsource["product"] = Utf8(r.logsource.product);
  if (!r.logsource.service.empty()) logsource["service"] = Utf8(r.logsource.service);
  if (!r.logsource.definition.empty()) logsource["definition"] = Utf8(r.logsource.definition);
  d["logsource"] = logsource;
  py::dict custom;  // JSON texts; __init__.py parses them
  for (const auto& [k, v] : r.custom) custom[Utf8(k)] = Utf8(v);
  d["custom"] = custom;
  d["file"] = Utf8(r.where.file);
  d["line"] = r.where.line;
  d["column"] = r.where.column;
  return d;
}

// ---- Core: one compiled RuleSet and its Scanner pool -------------------------------

class Core {
 public:
  explicit Core(std::shared_ptr<const vigil::RuleSet> set) : set_(std::move(set)) {}

  // A Scanner borrowed from the pool for the duration of one call.
  class Lease {
   public:
    explicit Lease(Core* core) : core_(core), scanner_(core->Take()) {}
    ~Lease() { core_->Put(std::move(scanner_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    vigil::Scanner* operator->() { return scanner_.get(); }
    vigil::Scanner& operator*() { return *scanner_; }

   private:
    Core* core_;
    std::unique_ptr<vigil::Scanner> scanner_;
  };

  const std::shared_ptr<const vigil::RuleSet>& set() const { return set_; }

  std::unique_ptr<vigil::Scanner> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<vigil::Scanner>(set_);
  }

  void Put(std::unique_ptr<vigil::Scanner> s) {
    std::lock_guard<std::mutex> lock(mu_);
    // More idle Scanners than this means a burst of threads has passed: let it go.
    if (free_.size() < kMaxIdle) free_.push_back(std::move(s));
  }

  size_t idle_scanners() {
    std::lock_guard<std::mutex> lock(mu_);
    return free_.size();
  }

  py::list Rules() const {
    py::list out;
    for (size_t i = 0; i < set_->size(); ++i) out.append(RuleDict(set_->rule(i)));
    return out;
  }

  py::list Diagnostics() const {
    py::list out;
    for (const auto& d : set_->diagnostics()) out.append(DiagnosticTuple(d));
    return out;
  }

  // One event -> (rule indexes, event text as str or None when nothing matched).
  // building_blocks: keep the matches of rules that only feed correlations (rule tests
  // judge those rules too).
  py::tuple Match(py::handle event, const std::string& kind, bool building_blocks) {
    const vigil::EventKind k = ParseKind(kind);
    std::string buf;
    const std::string_view text = EventText(event.ptr(), &buf);
    std::vector<vigil::Match> out;
    vigil::Status s;
    {
      py::gil_scoped_release release;
      Lease scanner(this);
      s = scanner->Match(text, &out, k);
    }
    if (!s.ok()) throw py::value_error(s.message());
    py::list rules;
    for (const auto& m : out) {
      // Building blocks of correlations (generate: false) do not alert on their own.
      if (building_blocks || !set_->suppressed(m.rule_index)) rules.append(m.rule_index);
    }
    if (out.empty()) return py::make_tuple(rules, py::none());
    return py::make_tuple(rules, EventTextObject(event.ptr(), text));
  }

  // Any iterable of events -> list of (event position, rule index, event text). Events
  // are taken in batches: converted with the GIL held, matched without it.
  py::list MatchMany(py::handle events, const std::string& kind) {
    const vigil::EventKind k = ParseKind(kind);
    EventBatches batches(events);
    std::vector<std::pair<uint32_t, uint32_t>> hits;  // (position in batch, rule)
    py::list result;
    size_t base = 0;
    while (batches.Next()) {
      const std::vector<py::object>& objects = batches.objects();
      const std::vector<std::string_view>& texts = batches.texts();
      hits.clear();
      size_t bad = SIZE_MAX;
      vigil::Status status;
      {
        py::gil_scoped_release release;
        Lease scanner(this);
        std::vector<vigil::Match> out;
        for (size_t i = 0; i < texts.size(); ++i) {
          status = scanner->Match(texts[i], &out, k);
          if (!status.ok()) {
            bad = i;
            break;
          }
          for (const auto& m : out) {
            if (!set_->suppressed(m.rule_index)) hits.emplace_back(static_cast<uint32_t>(i), m.rule_index);
          }
        }
      }
      if (bad != SIZE_MAX) {
        throw py::value_error("event " + std::to_string(base + bad) + ": " + status.message());
      }
      py::object text;
      uint32_t last = UINT32_MAX;
      for (const auto& [i, rule] : hits) {
        if (i != last) {
          text = EventTextObject(objects[i].ptr(), texts[i]);
          last = i;
        }
        result.append(py::make_tuple(base + i, rule, text));
      }
      base += objects.size();
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
    return result;
  }

  std::string Explain(size_t rule, py::handle event) {
    if (rule >= set_->size()) throw py::index_error("rule index out of range");
    std::string buf;
    const std::string_view text = EventText(event.ptr(), &buf);
    std::string out, error;
    {
      py::gil_scoped_release release;
      vigil::Result<vigil::Explanation> r = vigil::Explain(*set_, rule, text);
      if (r.ok()) {
        out = r.value().ToText();
      } else {
        error = r.status().message();
      }
    }
    if (!error.empty()) throw py::value_error(error);
    return out;
  }

  // Rule tests -> [(correlation, index, error, results)], the detection rules' reports
  // (index into rules) then the correlation rules' (index into correlations). A result is
  // (name, expect_match, matched, passed, error, explanation) for a detection test and
  // (name, expected_alerts, actual_alerts, passed, error, explanation) for a correlation
  // test: the same shape, so Python unpacks both alike.
  py::list Test() {
    std::vector<vigil::RuleTestReport> reports;
    {
      py::gil_scoped_release release;
      reports = vigil::RunRuleTests(set_);
    }
    py::list out;
    for (const auto& r : reports) {
      py::list results;
      for (const auto& t : r.results) {
        py::object expect = t.correlation ? py::object(py::int_(t.expected_alerts)) : py::bool_(t.expect_match);
        py::object got = t.correlation ? py::object(py::int_(t.actual_alerts)) : py::bool_(t.matched);
        results.append(py::make_tuple(Utf8(t.name), expect, got, t.passed(), Utf8(t.error), Utf8(t.explanation)));
      }
      out.append(py::make_tuple(r.correlation, r.correlation ? r.correlation_index : r.rule_index, Utf8(r.error),
                                results));
    }
    return out;
  }

  std::string Dump() {
    py::gil_scoped_release release;
    return set_->Dump();
  }

 private:
  static constexpr size_t kMaxIdle = 64;
  std::shared_ptr<const vigil::RuleSet> set_;
  std::mutex mu_;
  std::vector<std::unique_ptr<vigil::Scanner>> free_;
};

// ---- CorrelatorCore: a Correlator fed with events matched by a Core --------------

const char* CompareOpName(vigil::CorrelationCompare::Op op) {
  switch (op) {
    case vigil::CorrelationCompare::Op::kGt: return "gt";
    case vigil::CorrelationCompare::Op::kGte: return "gte";
    case vigil::CorrelationCompare::Op::kLt: return "lt";
    case vigil::CorrelationCompare::Op::kLte: return "lte";
    case vigil::CorrelationCompare::Op::kEq: return "eq";
    case vigil::CorrelationCompare::Op::kNeq: return "neq";
  }
  return "?";
}

// The metadata of correlation rule i: RuleDict of its own info plus the correlation's
// parameters (timespan in milliseconds; __init__.py turns it into seconds).
py::dict CorrelationDict(const vigil::RuleSet& set, size_t i) {
  const vigil::CorrelationRule& c = set.correlation(i);
  py::dict d = RuleDict(c.info);
  d["type"] = vigil::CorrelationTypeName(c.type);
  d["group_by"] = StringList(c.group_by);
  d["timespan_ms"] = c.timespan_ms;
  py::dict condition;
  for (const auto& cmp : c.condition) condition[CompareOpName(cmp.op)] = cmp.value;
  d["condition"] = condition;
  d["field"] = StringList(c.fields.empty() && !c.field.empty() ? std::vector<std::string>{c.field} : c.fields);
  py::list referenced;
  for (const auto& position : c.rules) {
    for (uint32_t r : position) referenced.append(r);
  }
  d["rules"] = referenced;
  d["generate"] = c.generate;
  d["hidden"] = c.hidden;
  return d;
}

vigil::CorrelatorOptions CorrelatorOptionsOf(double lateness_ms, double max_future_ms, size_t max_held_events) {
  if (!(lateness_ms >= 0)) throw py::value_error("lateness must be >= 0");
  if (!(max_future_ms >= 0)) throw py::value_error("max_future must be >= 0");
  if (max_held_events < 2) throw py::value_error("max_held_events must be >= 2");
  vigil::CorrelatorOptions o;
  o.max_held_events = max_held_events;
  // Infinity (or anything past int64) buffers the whole stream until flush().
  o.lateness_ms = lateness_ms >= 9.2e18 ? std::numeric_limits<int64_t>::max()
                                        : static_cast<int64_t>(std::llround(lateness_ms));
  // Infinity: no horizon for events dated ahead (docs/limits.md, "Time and baselines").
  o.max_future_ms = max_future_ms >= 9.2e18 ? std::numeric_limits<int64_t>::max()
                                            : static_cast<int64_t>(std::llround(max_future_ms));
  return o;
}

// One alert as the Python package reads it: (correlation index, type, [(field, value
// or None)], window_start ms, window_end ms, value, [(source, index)], [(field, value
// or None)] of its subject). Requires the GIL.
py::tuple AlertTuple(const vigil::RuleSet& set, const vigil::CorrelationAlert& a) {
  size_t index = 0;
  while (index < set.correlation_count() && &set.correlation(index) != a.rule) ++index;
  auto pairs = [](const std::vector<std::pair<std::string, std::optional<std::string>>>& v) {
    py::list out;
    for (const auto& [field, value] : v) {
      out.append(py::make_tuple(Utf8(field), value ? py::object(Utf8(*value)) : py::object(py::none())));
    }
    return out;
  };
  py::list events;
  const std::string* last_source = nullptr;
  py::object source_obj;
  for (const auto& e : a.events) {
    if (!last_source || e.file != *last_source) {
      source_obj = Utf8(e.file);
      last_source = &e.file;
    }
    events.append(py::make_tuple(source_obj, e.record));
  }
  return py::make_tuple(index, vigil::CorrelationTypeName(a.type), pairs(a.group), a.window_start, a.window_end,
                        a.value, events, pairs(a.subject));
}

// One Correlator over one stream. Its Python wrapper may be shared between threads, so
// every call holds mu_ (taken with the GIL released: a thread holding mu_ re-takes
// the GIL between batches). Matching and correlating run without the GIL.
class CorrelatorCore {
 public:
  CorrelatorCore(std::shared_ptr<Core> core, double lateness_ms, double max_future_ms, size_t max_held_events)
      : core_(std::move(core)), correlator_(core_->set(), CorrelatorOptionsOf(lateness_ms, max_future_ms, max_held_events)) {}

  // Matches and feeds every event of `events` (records source / next position), then
  // returns the alerts raised so far: [(correlation index, type, [(field, value or
  // None)], window_start ms, window_end ms, value, [(source, index)])].
  py::list Feed(py::handle events, const std::string& source, const std::string& kind) {
    const vigil::EventKind k = ParseKind(kind);
    std::unique_lock<std::mutex> lock = Lock();
    Owner owner(&owner_);
    // Each batch is a part of one stream (vigil::ScanEvents, not flushed): the first
    // event that cannot be used stops the feed with its reason.
    struct Sink : vigil::ScanSink {
      std::vector<vigil::CorrelationAlert>* alerts;
      uint64_t records = 0;
      std::string error;
      uint64_t bad = 0;
      bool OnAlert(const vigil::CorrelationAlert& a) override {
        alerts->push_back(a);
        return true;
      }
      // The events up to the first that cannot be used are fed (it is counted, as it
      // keeps its position); the scan stops there.
      bool OnRecord(const vigil::Record& r, std::span<const vigil::Match>) override {
        if (!error.empty() && r.index != bad) return false;
        ++records;
        return error.empty();
      }
      void OnError(const vigil::InputError& e) override { Fail(e.index, std::string(e.reason())); }
      void OnCorrelationError(const vigil::Record& r, const vigil::Status& st) override { Fail(r.index, st.message()); }
      void Fail(uint64_t index, const std::string& why) {
        if (!error.empty()) return;
        error = why;
        bad = index;
      }
    };
    vigil::ScanOptions options;
    options.kind = k;
    options.correlator = &correlator_;
    options.end_of_stream = false;
    EventBatches batches(events);
    while (batches.Next()) {
      Sink sink;
      sink.alerts = &alerts_;
      {
        py::gil_scoped_release release;
        Core::Lease scanner(core_.get());
        vigil::ScanEvents(*scanner, batches.texts(), source, options, &sink, next_index_);
      }
      next_index_ += sink.records;
      if (!sink.error.empty()) throw py::value_error("event " + std::to_string(sink.bad) + ": " + sink.error);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
    return Alerts();
  }

  py::list Flush() {
    std::unique_lock<std::mutex> lock = Lock();
    {
      py::gil_scoped_release release;
      correlator_.Flush();
    }
    return Alerts();
  }

  size_t StateSize() {
    std::unique_lock<std::mutex> lock = Lock();
    return correlator_.StateSize();
  }

  uint64_t LateEvents() {
    std::unique_lock<std::mutex> lock = Lock();
    return correlator_.late_events();
  }

  uint64_t FutureEvents() {
    std::unique_lock<std::mutex> lock = Lock();
    return correlator_.future_events();
  }

  uint64_t UntimedEvents() {
    std::unique_lock<std::mutex> lock = Lock();
    return correlator_.untimed_events();
  }

  // The memory bound at work (CorrelatorOptions::max_held_events, max_baseline_bytes).
  py::dict BoundCounts() {
    std::unique_lock<std::mutex> lock = Lock();
    py::dict d;
    d["early_events"] = correlator_.early_events();
    d["evicted_events"] = correlator_.evicted_events();
    d["unlearned_values"] = correlator_.unlearned_values();
    return d;
  }

  uint64_t EventsFed() {
    std::unique_lock<std::mutex> lock = Lock();
    return next_index_;
  }

  // first_seen baselines (docs/first-seen.md); errors raise ValueError / OSError.
  void LoadBaseline(const std::string& path) {
    std::unique_lock<std::mutex> lock = Lock();
    vigil::Status s;
    {
      py::gil_scoped_release release;
      s = correlator_.LoadBaseline(path);
    }
    if (!s.ok()) Raise(s);
  }

  void SaveBaseline(const std::string& path) {
    std::unique_lock<std::mutex> lock = Lock();
    vigil::Status s;
    {
      py::gil_scoped_release release;
      s = correlator_.SaveBaseline(path);
    }
    if (!s.ok()) Raise(s);
  }

  py::bytes SerializeBaseline() {
    std::unique_lock<std::mutex> lock = Lock();
    return py::bytes(correlator_.SerializeBaseline());
  }

  void RestoreBaseline(const std::string& text, const std::string& origin) {
    std::unique_lock<std::mutex> lock = Lock();
    vigil::Status s = correlator_.RestoreBaseline(text, origin);
    if (!s.ok()) throw py::value_error(s.message());
  }

  size_t BaselineSize() {
    std::unique_lock<std::mutex> lock = Lock();
    return correlator_.BaselineSize();
  }

 private:
  // Locks mu_ for one call. A call made from inside the same thread's feed (an event
  // object whose isoformat() or __str__ feeds the correlator) would wait for itself.
  std::unique_lock<std::mutex> Lock() {
    if (owner_.load() == std::this_thread::get_id()) {
      throw std::runtime_error("Correlator used from inside its own feed()");
    }
    std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
    if (!lock.try_lock()) {
      py::gil_scoped_release release;
      lock.lock();
    }
    return lock;
  }

  // Marks the calling thread as the owner of mu_ for the duration of a feed().
  struct Owner {
    explicit Owner(std::atomic<std::thread::id>* o) : o_(o) { o_->store(std::this_thread::get_id()); }
    ~Owner() { o_->store(std::thread::id()); }
    std::atomic<std::thread::id>* o_;
  };

  // Requires the GIL and mu_.
  py::list Alerts() {
    std::vector<vigil::CorrelationAlert> alerts = std::move(alerts_);
    alerts_.clear();
    for (auto& a : correlator_.TakeAlerts()) alerts.push_back(std::move(a));
    py::list out;
    for (const auto& a : alerts) out.append(AlertTuple(*core_->set(), a));
    return out;
  }

  std::shared_ptr<Core> core_;
  std::mutex mu_;
  std::atomic<std::thread::id> owner_{};
  vigil::Correlator correlator_;
  std::vector<vigil::CorrelationAlert> alerts_;  // raised by feeds, not yet returned
  uint64_t next_index_ = 0;
};

// sources: [(kind, value, name)], kind "path" (value = file or folder) or "yaml"
// (value = YAML text, name = its name in diagnostics).
std::shared_ptr<Core> Build(const std::vector<std::tuple<std::string, std::string, std::string>>& sources,
                            const std::map<std::string, std::vector<std::string>>& vars, bool skip_tests) {
  vigil::CompileOptions options;
  options.placeholders = vars;
  if (skip_tests) options.skip_attributes = {"tests"};
  std::shared_ptr<const vigil::RuleSet> set;
  {
    py::gil_scoped_release release;
    vigil::RuleSetBuilder builder(options);
    for (const auto& [kind, value, name] : sources) {
      if (kind == "yaml") {
        builder.AddYaml(value, name);
      } else {
        builder.AddPath(value);
      }
    }
    set = builder.Build();
  }
  return std::make_shared<Core>(std::move(set));
}

py::dict LoadVars(const std::string& path) {
  std::map<std::string, std::vector<std::string>> vars;
  vigil::Status s = vigil::LoadPlaceholderFile(path, &vars);
  if (!s.ok()) Raise(s);
  py::dict out;
  for (const auto& [k, v] : vars) out[Utf8(k)] = StringList(v);
  return out;
}

// ---- ScanIter: a scan on its own thread, drained by Python in batches ---------------

class ScanIter {
 public:
  // correlate: the scan is one stream for a Correlator of its own (with these options)
  // when the rules have correlations, as in `vigil scan`; its alerts are queued with
  // the matches.
  ScanIter(std::shared_ptr<Core> core, std::vector<std::string> paths, const std::string& kind,
           unsigned threads, bool correlate, double lateness_ms, double max_future_ms, size_t max_held_events)
      : core_(std::move(core)), state_(std::make_shared<State>()) {
    vigil::ScanOptions options;
    options.kind = ParseKind(kind);
    options.threads = threads;
    if (correlate && core_->set()->correlation_count() > 0) {
      state_->correlator = std::make_unique<vigil::Correlator>(
          core_->set(), CorrelatorOptionsOf(lateness_ms, max_future_ms, max_held_events));
      options.correlator = state_->correlator.get();
    }
    for (const auto& p : paths) {
      if (p == "-") stdin_ = true;
    }
    auto state = state_;
    auto core_ref = core_;
    worker_ = std::thread([state, core_ref, paths = std::move(paths), options]() {
      Sink sink(state.get(), core_ref->set().get());
      vigil::ScanStats stats;
      std::string failure;
      try {
        Core::Lease scanner(core_ref.get());
        stats = vigil::ScanInputs(*scanner, paths, options, &sink);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      std::lock_guard<std::mutex> lock(state->mu);
      state->stats = stats;
      state->failure = failure;
      state->done = true;
      state->not_empty.notify_all();
    });
  }

  ~ScanIter() {
    // Runs with the GIL held (Python dealloc); the worker never takes it.
    Stop();
  }

  // Up to `max` queued items: (matches [(rule, file, record, line, json)], errors
  // [(file, line, byte_offset, index, message)] in between, finished). Waits (GIL
  // released) until at least one item is there or the scan has ended.
  py::tuple Next(size_t max) {
    std::vector<Item> batch;
    bool finished = false;
    while (true) {
      bool got = false;
      {
        py::gil_scoped_release release;
        std::unique_lock<std::mutex> lock(state_->mu);
        state_->not_empty.wait_for(lock, std::chrono::milliseconds(100),
                                   [&] { return !state_->queue.empty() || state_->done; });
        if (!state_->queue.empty() || state_->done) {
          got = true;
          while (!state_->queue.empty() && batch.size() < max) {
            state_->bytes -= state_->queue.front().bytes;
            batch.push_back(std::move(state_->queue.front()));
            state_->queue.pop_front();
          }
          finished = state_->done && state_->queue.empty();
          state_->not_full.notify_all();
        }
      }
      if (got) break;
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C while waiting
    }
    py::list items;
    const std::string* last_json = nullptr;
    const std::string* last_file = nullptr;
    py::object json_obj, file_obj;
    for (const auto& item : batch) {
      if (item.alert) {
        items.append(py::make_tuple(2, AlertTuple(*core_->set(), *item.alert)));
        continue;
      }
      if (item.file.get() != last_file) {
        file_obj = Utf8(*item.file);
        last_file = item.file.get();
      }
      if (item.is_error) {
        items.append(py::make_tuple(0, file_obj, item.line, item.offset, item.index, Utf8(item.message)));
        continue;
      }
      if (item.json.get() != last_json) {
        json_obj = Utf8(*item.json);
        last_json = item.json.get();
      }
      items.append(py::make_tuple(1, item.rule, file_obj, item.index, item.line, json_obj));
    }
    if (finished) {
      Join();
      std::string failure;
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        failure = state_->failure;
      }
      if (!failure.empty()) throw std::runtime_error("scan failed: " + failure);
    }
    return py::make_tuple(items, finished);
  }

  py::object Stats() {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!state_->done) return py::none();
    const auto& s = state_->stats;
    py::dict d;
    d["events"] = s.events;
    // Matches yielded; a building block's (generate: false) are not (as in vigil scan).
    d["matches"] = s.matches - state_->hidden.load();
    d["event_errors"] = s.event_errors;
    d["input_errors"] = s.input_errors;
    d["files"] = s.files;
    d["bytes"] = s.bytes;
    // Regex searches stopped by a limit or the per-value work budget (docs/limits.md):
    // counted as no match, so a rule may have missed an event.
    d["regex_limit_hits"] = s.regex_limit_hits;
    // Events with a key repeated in one object, matched read first-wins and last-wins.
    d["duplicate_key_events"] = s.duplicate_key_events;
    d["seconds"] = std::chrono::duration<double>(s.elapsed).count();
    if (const vigil::Correlator* c = state_->correlator.get()) {
      // Alerts queued (those of correlations that only feed others are not), and what
      // the correlator could not use or had to degrade (vigil scan's summary).
      d["alerts"] = state_->alerts.load();
      d["correlation_errors"] = s.correlation_errors;
      d["late_events"] = c->late_events();
      d["future_events"] = c->future_events();
      d["untimed_events"] = c->untimed_events();
      d["early_events"] = c->early_events();
      d["evicted_events"] = c->evicted_events();
      d["unlearned_values"] = c->unlearned_values();
    }
    return d;
  }

  // Stops the scan (if it is still running) and waits for its thread.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->cancel = true;
      state_->not_full.notify_all();
    }
    Join();
  }

 private:
  struct Item {
    bool is_error = false;
    uint32_t rule = 0;
    std::shared_ptr<const std::string> file;
    std::shared_ptr<const std::string> json;
    uint64_t index = 0;
    uint64_t line = 0;
    uint64_t offset = 0;
    std::string message;
    std::shared_ptr<const vigil::CorrelationAlert> alert;  // an alert, not a match
    size_t bytes = 0;
  };

  struct State {
    std::mutex mu;
    std::condition_variable not_empty, not_full;
    std::deque<Item> queue;
    size_t bytes = 0;
    bool done = false;
    std::atomic<bool> cancel{false};  // written under mu (with a notify), read anywhere
    std::atomic<uint64_t> hidden{0};  // matches of building blocks, not yielded
    std::atomic<uint64_t> alerts{0};  // alerts queued
    // The scan's correlator, used by the scan thread only until `done`.
    std::unique_ptr<vigil::Correlator> correlator;
    vigil::ScanStats stats;
    std::string failure;
  };

  // Bounds of the queue between the scan thread and Python.
  static constexpr size_t kMaxItems = 4096;
  static constexpr size_t kMaxBytes = 32u << 20;

  class Sink : public vigil::ScanSink {
   public:
    Sink(State* state, const vigil::RuleSet* rules) : state_(state), rules_(rules) {}

    bool OnRecord(const vigil::Record& record, std::span<const vigil::Match> matches) override {
      // The record's matches share one copy of its text, made for the first one shown.
      std::shared_ptr<const std::string> json;
      for (const vigil::Match& match : matches) {
        // Building blocks of correlations (generate: false) do not alert on their own.
        if (rules_->suppressed(match.rule_index)) {
          state_->hidden.fetch_add(1);
          continue;
        }
        Item item;
        item.rule = match.rule_index;
        item.file = File(record.file ? *record.file : std::string());
        item.bytes = 64;
        if (!json) {
          json = std::make_shared<const std::string>(record.json);
          item.bytes += record.json.size();
        }
        item.json = json;
        item.index = record.index;
        item.line = record.line;
        if (!Push(std::move(item))) return false;
      }
      return !state_->cancel.load(std::memory_order_relaxed);
    }

    bool OnAlert(const vigil::CorrelationAlert& alert) override {
      if (alert.rule->hidden) return true;  // feeds chained correlations only
      state_->alerts.fetch_add(1);
      Item item;
      item.alert = std::make_shared<const vigil::CorrelationAlert>(alert);
      item.bytes = 256 + 64 * alert.events.size();
      return Push(std::move(item));
    }

    void OnError(const vigil::InputError& error) override {
      Item item;
      item.is_error = true;
      item.file = File(error.file);
      item.line = error.line;
      item.offset = error.byte_offset;
      item.index = error.index;
      item.message = error.message;
      item.bytes = error.message.size() + 64;
      Push(std::move(item));
    }

   private:
    std::shared_ptr<const std::string> File(const std::string& name) {
      if (!last_file_ || *last_file_ != name) last_file_ = std::make_shared<const std::string>(name);
      return last_file_;
    }

    bool Push(Item item) {
      std::unique_lock<std::mutex> lock(state_->mu);
      state_->not_full.wait(lock, [&] {
        return state_->cancel ||
               (state_->queue.size() < kMaxItems && state_->bytes + item.bytes <= kMaxBytes) ||
               state_->queue.empty();
      });
      if (state_->cancel) return false;
      state_->bytes += item.bytes;
      state_->queue.push_back(std::move(item));
      state_->not_empty.notify_one();
      return true;
    }

    State* state_;
    const vigil::RuleSet* rules_;
    std::shared_ptr<const std::string> last_file_;
  };

  void Join() {
    if (!worker_.joinable()) return;
    if (stdin_) {
      // A scan of standard input may be blocked in read(): do not wait for it. The
      // thread owns what it uses (shared_ptr) and stops at its next record.
      bool done;
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        done = state_->done;
      }
      if (!done) {
        worker_.detach();
        return;
      }
    }
    if (PyGILState_Check()) {
      py::gil_scoped_release release;
      worker_.join();
    } else {
      worker_.join();
    }
  }

  std::shared_ptr<Core> core_;
  std::shared_ptr<State> state_;
  std::thread worker_;
  bool stdin_ = false;
};

}  // namespace

PYBIND11_MODULE(_vigil, m) {
  m.doc() = "vigil's C++ engine (private: use the `vigil` package).";
  m.attr("__version__") = std::to_string(VIGIL_VERSION_MAJOR) + "." + std::to_string(VIGIL_VERSION_MINOR) +
                          "." + std::to_string(VIGIL_VERSION_PATCH);
  {
    py::module_ abc = py::module_::import("collections.abc");
    g_mapping_abc = py::object(abc.attr("Mapping")).release().ptr();
    g_sequence_abc = py::object(abc.attr("Sequence")).release().ptr();
  }

  py::class_<Core, std::shared_ptr<Core>>(m, "Core")
      .def("rules", &Core::Rules)
      .def("diagnostics", &Core::Diagnostics)
      .def("size", [](const Core& c) { return c.set()->size(); })
      .def("match", &Core::Match, py::arg("event"), py::arg("kind") = "auto", py::arg("building_blocks") = false)
      .def("match_many", &Core::MatchMany, py::arg("events"), py::arg("kind") = "auto")
      .def("explain", &Core::Explain, py::arg("rule"), py::arg("event"))
      .def("test", &Core::Test)
      .def("dump", &Core::Dump)
      .def("idle_scanners", &Core::idle_scanners)
      .def("find", [](const Core& c, const std::string& key) { return c.set()->Find(key); }, py::arg("key"))
      .def("correlations", [](const Core& c) {
        py::list out;
        for (size_t i = 0; i < c.set()->correlation_count(); ++i) out.append(CorrelationDict(*c.set(), i));
        return out;
      });

  py::class_<CorrelatorCore>(m, "Correlator")
      .def(py::init<std::shared_ptr<Core>, double, double, size_t>(), py::arg("core"), py::arg("lateness_ms"),
           py::arg("max_future_ms") = 86400000.0,
           py::arg("max_held_events") = vigil::CorrelatorOptions().max_held_events)
      .def("feed", &CorrelatorCore::Feed, py::arg("events"), py::arg("source") = "", py::arg("kind") = "auto")
      .def("flush", &CorrelatorCore::Flush)
      .def("state_size", &CorrelatorCore::StateSize)
      .def("late_events", &CorrelatorCore::LateEvents)
      .def("future_events", &CorrelatorCore::FutureEvents)
      .def("untimed_events", &CorrelatorCore::UntimedEvents)
      .def("bound_counts", &CorrelatorCore::BoundCounts)
      .def("events_fed", &CorrelatorCore::EventsFed)
      .def("load_baseline", &CorrelatorCore::LoadBaseline, py::arg("path"))
      .def("save_baseline", &CorrelatorCore::SaveBaseline, py::arg("path"))
      .def("serialize_baseline", &CorrelatorCore::SerializeBaseline)
      .def("restore_baseline", &CorrelatorCore::RestoreBaseline, py::arg("text"), py::arg("origin"))
      .def("baseline_size", &CorrelatorCore::BaselineSize);

  py::class_<ScanIter>(m, "ScanIter")
      .def(py::init<std::shared_ptr<Core>, std::vector<std::string>, const std::string&, unsigned, bool, double,
                    double, size_t>(),
           py::arg("core"), py::arg("paths"), py::arg("kind") = "auto", py::arg("threads") = 1,
           py::arg("correlate") = true, py::arg("lateness_ms") = 900000.0, py::arg("max_future_ms") = 86400000.0,
           py::arg("max_held_events") = vigil::CorrelatorOptions().max_held_events)
      .def("next", &ScanIter::Next, py::arg("max") = 512)
      .def("stats", &ScanIter::Stats)
      .def("stop", &ScanIter::Stop);

  m.def("build", &Build, py::arg("sources"), py::arg("vars"), py::arg("skip_tests") = false,
        "Compiles rule sources [(\"path\"|\"yaml\", value, name)] into a Core.");
  // The duration grammar of the CLI's --lateness (util/timeparts.h, kStream): its
  // milliseconds, inf for no bound, None when `text` is not a duration.
  m.def("parse_duration", [](const std::string& text) -> py::object {
    int64_t ms = 0;
    if (!vigil::internal::ParseDurationMillis(text, vigil::internal::DurationSyntax::kStream, &ms)) {
      return py::none();
    }
    if (ms == std::numeric_limits<int64_t>::max()) return py::float_(std::numeric_limits<double>::infinity());
    return py::int_(ms);
  }, py::arg("text"));
  m.def("load_vars", &LoadVars, py::arg("path"),
        "Reads |expand placeholder values from a pySigma-style `vars:` YAML file.");
  m.def("json_dumps", [](py::handle obj) {
        std::string out;
        JsonWriter(&out).Value(obj.ptr(), 0);
        return Utf8(out);
      }, py::arg("obj"), "The compact JSON text vigil matches for a Python value (for tests).");
}
