// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// vigil._vigil: the pybind11 extension module under the Python package `vigil`
// (python/vigil/__init__.py is the public API and re-exports what it needs from here;
// the stubs, python/vigil/_vigil.pyi, are generated from this module by
// pybind11-stubgen: tools/gen_python_stubs.py).
//
// A thin layer over the C++ API. Core is one compiled RuleSet with its
// vigil::ScannerPool; ScanIter is a vigil::ScanStream; Correlator is a vigil::Correlator
// fed through vigil::ScanEvents. What they give back are the read-only classes defined
// here, once: Rule, CorrelationRule, Match, Diagnostic, ScanError, Alert,
// TestCaseResult and CorrelationTestCaseResult (Python adds only what is written in
// Python: RuleSet, ScanIterator, Correlator's options, the test report).
//
// Threads and the GIL: every piece of C++ work (compiling, matching, scanning, rule
// tests, explain) runs with the GIL released. A call that matches leases a Scanner
// from the Core's pool, so N Python threads matching through one RuleSet use N
// Scanners in parallel. A ScanIter's scan runs on a thread of its own that never takes
// the GIL; Python pulls its results in batches.
//
// Longer than this project's ~600-line mark: it is the whole extension module, and most
// of it is the eight result classes' bindings with their docstrings, which
// pybind11-stubgen turns into the stubs; each is a block of read-only properties.
// Splitting it by class would spread one module definition over files that each
// include all of it.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
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
#include <variant>
#include <vector>

#include "json_text.h"
#include "util/dom_path.h"
#include "util/surrogates.h"
#include "util/timeparts.h"
#include "vigil/vigil.h"

namespace py = pybind11;
namespace pyt = pybind11::typing;
using vigil_py::EventBatches;
using vigil_py::EventText;

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

// Text from the engine (file names, messages, records) as a str; bytes that are not
// UTF-8 become U+FFFD rather than an exception.
py::str Utf8(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// The event as a Python str for Match.event_json: the str itself, or a new str.
py::str EventTextObject(PyObject* ev, std::string_view text) {
  if (PyUnicode_Check(ev)) return py::reinterpret_borrow<py::str>(ev);
  return Utf8(text);
}

pyt::List<py::str> StringList(const std::vector<std::string>& v) {
  pyt::List<py::str> out;
  for (const auto& s : v) out.append(Utf8(s));
  return out;
}

vigil::EventKind ParseKind(const std::string& kind) {
  if (kind == "auto") return vigil::EventKind::kAuto;
  if (kind == "cloudtrail") return vigil::EventKind::kCloudTrail;
  if (kind == "any") return vigil::EventKind::kAny;
  throw py::value_error("kind must be 'auto', 'cloudtrail' or 'any', not '" + kind + "'");
}

// A datetime.datetime, so named in the generated stubs.
struct DateTime : py::object {
  using py::object::object;
  DateTime() = default;
  DateTime(py::object o) : py::object(std::move(o)) {}  // NOLINT: a datetime is an object
  static bool check_(py::handle h) { return h.ptr() != nullptr; }
};

}  // namespace

template <>
struct pybind11::detail::handle_type_name<DateTime> {
  static constexpr auto name = const_name("datetime.datetime");
};

namespace {

// json.loads and the epoch as an aware datetime, looked up at import (never released).
PyObject* g_json_loads = nullptr;
PyObject* g_epoch = nullptr;
PyObject* g_timedelta = nullptr;

// ---- The result classes --------------------------------------------------------------
//
// Each is a plain struct of Python values, bound with its fields as read-only
// attributes; Fields() lists them once, for the attributes and for pickling (the
// fields in order). Equality and hashing are by a key of identifying fields.

template <typename T, typename M>
struct Field {
  const char* name;
  M T::*member;
};

template <typename T>
using Class = py::class_<T, std::shared_ptr<T>>;

template <typename T, typename... M>
void BindFields(Class<T>& cls, const Field<T, M>&... fields) {
  (cls.def_readonly(fields.name, fields.member), ...);
  cls.def(py::pickle([=](const T& v) { return py::make_tuple(v.*(fields.member)...); },
                     [=](const py::tuple& state) {
                       if (state.size() != sizeof...(M))
                         throw std::runtime_error("invalid pickled state");
                       auto v = std::make_shared<T>();
                       size_t i = 0;
                       ((v.get()->*(fields.member) = state[i++].template cast<M>()), ...);
                       return v;
                     }));
}

// __eq__ and __hash__ by T::Key() (a tuple).
template <typename T>
void BindKey(Class<T>& cls) {
  cls.def("__eq__",
          [](const T& a, const py::object& b) -> py::object {
            if (!py::isinstance<T>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(a.Key().equal(b.cast<const T&>().Key()));
          })
      .def("__hash__", [](const T& a) { return py::hash(a.Key()); });
}

// BindKey's, with the tuple behaviour of a record whose Key() is all of its fields in order
// (what these results had as NamedTuples): equal to the same values as a tuple,
// unpacked, indexed.
template <typename T>
void BindRecord(Class<T>& cls) {
  cls.def("__eq__",
          [](const T& a, const py::object& b) -> py::object {
            if (py::isinstance<T>(b)) return py::bool_(a.Key().equal(b.cast<const T&>().Key()));
            if (py::isinstance<py::tuple>(b)) return py::bool_(a.Key().equal(b));
            return py::reinterpret_borrow<py::object>(Py_NotImplemented);
          })
      .def("__hash__", [](const T& a) { return py::hash(a.Key()); })
      .def("__len__", [](const T& a) { return a.Key().size(); })
      .def("__getitem__", [](const T& a, const py::object& i) { return py::object(a.Key()[i]); })
      .def("__iter__", [](const T& a) { return py::iter(a.Key()); });
}

struct Rule {
  py::str id, name, title, status, description, license, author, date, modified, level;
  pyt::List<py::str> references, tags, falsepositives, fields;
  pyt::List<pyt::Tuple<py::str, py::str>> related;
  pyt::Dict<py::str, py::str> logsource;
  pyt::Dict<py::str, py::object> custom;  // every other top-level attribute, parsed from JSON
  py::str file;
  uint32_t line = 0, column = 0;
  std::optional<size_t> index;  // in its RuleSet

  py::tuple Key() const { return py::make_tuple(id, name, title, file, line, column); }
};

struct CorrelationRule {
  py::str id, name, title, status, description, author, level;
  pyt::List<py::str> tags;
  py::str type;
  pyt::List<py::str> group_by;
  double timespan = 0;  // seconds
  pyt::Dict<py::str, py::float_> condition;
  pyt::List<py::str> field;
  pyt::List<Rule> rules;
  bool generate = false, hidden = false;
  py::str file;
  uint32_t line = 0, column = 0;
  std::optional<size_t> index;

  py::tuple Key() const { return py::make_tuple(id, name, title, file, line, column); }
};

struct Match {
  std::shared_ptr<Rule> rule;
  py::str event_json;
  std::optional<uint64_t> index;  // in the events given to match_many
  std::optional<py::str> file;    // a scan's input, and the position in it
  std::optional<uint64_t> record;
  std::optional<uint64_t> line;
  py::object event;  // event_json parsed, on first use
  // RuleSet.scan's `fields` of the event, in their order (FieldObject); None when none
  // were asked for.
  std::optional<py::tuple> fields;

  py::tuple Key() const { return py::make_tuple(rule, index, file, record, event_json); }
};

struct Diagnostic {
  py::str severity, file;
  uint32_t line = 0, column = 0;
  py::str message, text;

  py::tuple Key() const { return py::make_tuple(severity, file, line, column, message); }
};

struct ScanError {
  py::str file;
  uint64_t line = 0, offset = 0, record = 0;
  py::str message;

  py::tuple Key() const { return py::make_tuple(file, line, offset, record, message); }
};

struct Alert {
  std::shared_ptr<CorrelationRule> rule;
  py::str type;
  pyt::Dict<py::str, pyt::Optional<py::str>> group;
  DateTime window_start, window_end;  // aware UTC datetimes
  double value = 0;
  pyt::List<pyt::Tuple<py::str, int>> events;
  pyt::Dict<py::str, pyt::Optional<py::str>> subject;
  // The ISO text of the window, for to_dict and repr.
  std::string start_iso, end_iso;

  py::tuple Key() const {
    return py::make_tuple(rule->title, rule->id, type, py::tuple(group.attr("items")()),
                          window_start, window_end, value, py::tuple(events),
                          py::tuple(subject.attr("items")()));
  }
};

struct TestCaseResult {
  py::str name;
  bool expect_match = false, matched = false, passed = false;
  py::str explanation;

  py::tuple Key() const { return py::make_tuple(name, expect_match, matched, passed, explanation); }
};

struct CorrelationTestCaseResult {
  py::str name;
  size_t expected_alerts = 0, actual_alerts = 0;
  bool passed = false;
  py::str explanation;

  py::tuple Key() const {
    return py::make_tuple(name, expected_alerts, actual_alerts, passed, explanation);
  }
};

std::string Alerts(size_t n) { return std::to_string(n) + (n == 1 ? " alert" : " alerts"); }

py::str Repr(const py::handle& h) { return py::repr(h); }

// "name(field=value, ...)" for the record-like results (the repr a NamedTuple had).
py::str RecordRepr(const char* name, const py::tuple& state,
                   std::initializer_list<const char*> fields) {
  std::string out = std::string(name) + "(";
  size_t i = 0;
  for (const char* f : fields) {
    if (i) out += ", ";
    out += std::string(f) + "=" + std::string(Repr(state[i++]));
  }
  return Utf8(out + ")");
}

// The metadata a Rule and a CorrelationRule share, and their place.
template <typename T>
void CopyInfo(const vigil::RuleInfo& r, size_t index, T* out) {
  out->id = Utf8(r.id);
  out->name = Utf8(r.name);
  out->title = Utf8(r.title);
  out->status = Utf8(r.status);
  out->description = Utf8(r.description);
  out->author = Utf8(r.author);
  out->level = Utf8(r.level);
  out->tags = StringList(r.tags);
  out->file = Utf8(r.where.file);
  out->line = r.where.line;
  out->column = r.where.column;
  out->index = index;
}

std::shared_ptr<Rule> MakeRule(const vigil::RuleInfo& r, size_t index) {
  auto out = std::make_shared<Rule>();
  CopyInfo(r, index, out.get());
  out->license = Utf8(r.license);
  out->date = Utf8(r.date);
  out->modified = Utf8(r.modified);
  out->references = StringList(r.references);
  out->falsepositives = StringList(r.falsepositives);
  out->fields = StringList(r.fields);
  for (const auto& rel : r.related)
    out->related.append(py::make_tuple(Utf8(rel.id), Utf8(rel.type)));
  const vigil::Logsource& ls = r.logsource;
  for (const auto& [key, value] :
       {std::pair{"category", &ls.category}, std::pair{"product", &ls.product},
        std::pair{"service", &ls.service}, std::pair{"definition", &ls.definition}}) {
    if (!value->empty()) out->logsource[key] = Utf8(*value);
  }
  for (const auto& [k, v] : r.custom) {
    PyObject* parsed = PyObject_CallOneArg(g_json_loads, Utf8(v).ptr());
    if (parsed) {
      out->custom[Utf8(k)] = py::reinterpret_steal<py::object>(parsed);
    } else if (PyErr_ExceptionMatches(PyExc_ValueError)) {
      PyErr_Clear();
      out->custom[Utf8(k)] = Utf8(v);
    } else {
      throw py::error_already_set();
    }
  }
  return out;
}

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

std::shared_ptr<CorrelationRule> MakeCorrelationRule(
    const vigil::CorrelationRule& c, size_t index,
    const std::vector<std::shared_ptr<Rule>>& rules) {
  auto out = std::make_shared<CorrelationRule>();
  CopyInfo(c.info, index, out.get());
  out->type = Utf8(vigil::CorrelationTypeName(c.type));
  out->group_by = StringList(c.group_by);
  out->timespan = static_cast<double>(c.timespan_ms) / 1000.0;
  for (const auto& cmp : c.condition) out->condition[CompareOpName(cmp.op)] = py::float_(cmp.value);
  out->field = StringList(c.fields.empty() && !c.field.empty() ? std::vector<std::string>{c.field}
                                                               : c.fields);
  for (const auto& position : c.rules) {
    for (uint32_t i : position) out->rules.append(rules[i]);
  }
  out->generate = c.generate;
  out->hidden = c.hidden;
  return out;
}

std::shared_ptr<Diagnostic> MakeDiagnostic(const vigil::Diagnostic& d) {
  auto out = std::make_shared<Diagnostic>();
  out->severity = py::str(d.severity == vigil::Severity::kError ? "error" : "warning");
  out->file = Utf8(d.where.file);
  out->line = d.where.line;
  out->column = d.where.column;
  out->message = Utf8(d.message);
  out->text = Utf8(d.ToString());
  return out;
}

std::shared_ptr<ScanError> MakeScanError(const vigil::InputError& e, const py::str& file) {
  auto out = std::make_shared<ScanError>();
  out->file = file;
  out->line = e.line;
  out->offset = e.byte_offset;
  out->record = e.index;
  out->message = Utf8(e.message);
  return out;
}

// Unix milliseconds as an aware UTC datetime (integer arithmetic: milliseconds exact).
DateTime UtcTime(int64_t ms) {
  py::object delta = py::reinterpret_borrow<py::object>(g_timedelta)(py::arg("milliseconds") = ms);
  return py::reinterpret_borrow<DateTime>(py::reinterpret_borrow<py::object>(g_epoch) + delta);
}

std::shared_ptr<Alert> MakeAlert(const vigil::CorrelationAlert& a,
                                 const std::vector<std::shared_ptr<CorrelationRule>>& correlations,
                                 const vigil::RuleSet& set) {
  size_t index = 0;
  while (index < set.correlation_count() && &set.correlation(index) != a.rule) ++index;
  auto out = std::make_shared<Alert>();
  out->rule = correlations.at(index);
  out->type = Utf8(vigil::CorrelationTypeName(a.type));
  for (const auto& [field, value] : a.group)
    out->group[Utf8(field)] = value ? py::object(Utf8(*value)) : py::none();
  for (const auto& [field, value] : a.subject) {
    out->subject[Utf8(field)] = value ? py::object(Utf8(*value)) : py::none();
  }
  out->window_start = UtcTime(a.window_start);
  out->window_end = UtcTime(a.window_end);
  out->start_iso = vigil::internal::FormatIsoMillis(a.window_start);
  out->end_iso = vigil::internal::FormatIsoMillis(a.window_end);
  out->value = a.value;
  const std::string* last = nullptr;
  py::str source;
  for (const auto& e : a.events) {
    if (!last || e.file != *last) {
      source = Utf8(e.file);
      last = &e.file;
    }
    out->events.append(py::make_tuple(source, e.record));
  }
  return out;
}

void BindResults(py::module_& m) {
  Class<Rule> rule(m, "Rule", R"(One loaded Sigma rule's metadata (read-only).

Attributes: ``id``, ``name``, ``title``, ``status``, ``description``, ``author``,
``date``, ``modified``, ``license``, ``level`` (strings, ``""`` when absent); ``tags``,
``references``, ``falsepositives``, ``fields`` (lists of strings); ``related`` (list of
``(id, type)``); ``logsource`` (dict of the keys present among category, product,
service, definition); ``custom`` (every other top-level attribute, e.g. ``tests``, with
its value parsed from JSON); ``file``, ``line``, ``column`` (where the rule's YAML
document starts).)");
  BindFields(rule, Field{"id", &Rule::id}, Field{"name", &Rule::name}, Field{"title", &Rule::title},
             Field{"status", &Rule::status}, Field{"description", &Rule::description},
             Field{"license", &Rule::license}, Field{"author", &Rule::author},
             Field{"date", &Rule::date}, Field{"modified", &Rule::modified},
             Field{"level", &Rule::level}, Field{"references", &Rule::references},
             Field{"tags", &Rule::tags}, Field{"falsepositives", &Rule::falsepositives},
             Field{"fields", &Rule::fields}, Field{"related", &Rule::related},
             Field{"logsource", &Rule::logsource}, Field{"custom", &Rule::custom},
             Field{"file", &Rule::file}, Field{"line", &Rule::line}, Field{"column", &Rule::column},
             Field{"_index", &Rule::index});
  BindKey(rule);
  rule.def("__repr__", [](const Rule& r) {
    return py::str("<Rule {!r} id={!r} level={!r}>").format(r.title, r.id, r.level);
  });

  Class<CorrelationRule> correlation(
      m, "CorrelationRule",
      R"(One loaded Sigma correlation rule's metadata (read-only; see RuleSet.correlations).

Attributes: ``id``, ``name``, ``title``, ``status``, ``description``, ``author``,
``level`` (strings, ``""`` when absent); ``tags`` (list); ``type`` (``"event_count"``,
``"value_count"``, ``"temporal"``, ``"temporal_ordered"``, ``"value_sum"``,
``"value_avg"``, ``"value_percentile"``, ``"value_median"``, ``"first_seen"``);
``group_by`` (list of field names or aliases); ``timespan`` (seconds, float);
``condition`` (dict operator -> number, e.g. ``{"gte": 3.0}``; empty for the temporal
types); ``field`` (list of the condition's fields, for the value_* types); ``rules``
(the referenced detection :class:`Rule` objects); ``generate``; ``hidden`` (only other
correlations reference it and its alerts are not reported on their own); ``file``,
``line``, ``column``.)");
  BindFields(
      correlation, Field{"id", &CorrelationRule::id}, Field{"name", &CorrelationRule::name},
      Field{"title", &CorrelationRule::title}, Field{"status", &CorrelationRule::status},
      Field{"description", &CorrelationRule::description},
      Field{"author", &CorrelationRule::author}, Field{"level", &CorrelationRule::level},
      Field{"tags", &CorrelationRule::tags}, Field{"type", &CorrelationRule::type},
      Field{"group_by", &CorrelationRule::group_by}, Field{"timespan", &CorrelationRule::timespan},
      Field{"condition", &CorrelationRule::condition}, Field{"field", &CorrelationRule::field},
      Field{"rules", &CorrelationRule::rules}, Field{"generate", &CorrelationRule::generate},
      Field{"hidden", &CorrelationRule::hidden}, Field{"file", &CorrelationRule::file},
      Field{"line", &CorrelationRule::line}, Field{"column", &CorrelationRule::column},
      Field{"_index", &CorrelationRule::index});
  BindKey(correlation);
  correlation.def("__repr__", [](const CorrelationRule& c) {
    return py::str("<CorrelationRule {!r} type={} group_by={} timespan={:g}s level={!r}>")
        .format(c.title, c.type, c.group_by, c.timespan, c.level);
  });

  Class<Match> match(m, "Match", R"(One rule matching one event.

Attributes: ``rule`` (:class:`Rule`); ``index`` (position of the event in the sequence
given to RuleSet.match_many, else None); ``file`` and ``record`` (the input and the
0-based position of the event in it, for RuleSet.scan, else None); ``line`` (1-based
line where the event starts in its file, when known); ``event_json`` (the event's JSON
text); ``event`` (the event as a dict, parsed from ``event_json`` on first use);
``fields`` (the values of the ``fields`` given to RuleSet.scan, a tuple in their order:
str, int, float, True/False, None when missing or null, the compact JSON text of an
object or array; None when no fields were asked for).)");
  match.def(
      py::init([](std::shared_ptr<Rule> rule, py::str event_json, std::optional<uint64_t> index,
                  std::optional<py::str> file, std::optional<uint64_t> record,
                  std::optional<uint64_t> line, std::optional<py::tuple> fields) {
        return std::make_shared<Match>(Match{std::move(rule), std::move(event_json), index,
                                             std::move(file), record, line, py::none(),
                                             std::move(fields)});
      }),
      py::arg("rule"), py::arg("event_json"), py::arg("index") = py::none(),
      py::arg("file") = py::none(), py::arg("record") = py::none(), py::arg("line") = py::none(),
      py::arg("fields") = py::none());
  BindFields(match, Field{"rule", &Match::rule}, Field{"event_json", &Match::event_json},
             Field{"index", &Match::index}, Field{"file", &Match::file},
             Field{"record", &Match::record}, Field{"line", &Match::line},
             Field{"fields", &Match::fields});
  BindKey(match);
  match.def_property_readonly(
      "event",
      [](Match& self) -> pyt::Dict<py::str, py::object> {
        if (!self.event || self.event.is_none()) {
          self.event = py::reinterpret_borrow<py::object>(g_json_loads)(self.event_json);
        }
        return self.event;
      },
      "The event as a dict (parsed from ``event_json`` once, then cached).");
  match.def("__repr__", [](const Match& self) {
    std::string where;
    if (self.index) where = " index=" + std::to_string(*self.index);
    if (self.file) {
      where += " file=" + std::string(Repr(*self.file)) +
               " record=" + std::string(Repr(py::cast(self.record)));
    }
    return Utf8("<Match " + std::string(Repr(self.rule->title)) + where + ">");
  });

  Class<Diagnostic> diagnostic(
      m, "Diagnostic",
      R"(A problem found in a rule file, at ``file:line:column`` (1-based; 0 = unknown).

Attributes: ``severity`` (``"error"`` or ``"warning"``), ``file``, ``line``, ``column``,
``message``. ``str()`` gives ``"file:line:column: error: message"``.)");
  diagnostic.def(
      py::init([](const std::string& severity, const std::string& file, uint32_t line,
                  uint32_t column, const std::string& message, std::optional<py::str> text) {
        vigil::Diagnostic d(
            severity == "warning" ? vigil::Severity::kWarning : vigil::Severity::kError,
            vigil::SourceLocation{file, line, column}, message);
        std::shared_ptr<Diagnostic> out = MakeDiagnostic(d);
        out->severity = Utf8(severity);
        if (text) out->text = *text;
        return out;
      }),
      py::arg("severity"), py::arg("file"), py::arg("line"), py::arg("column"), py::arg("message"),
      py::arg("text") = py::none());
  BindFields(diagnostic, Field{"severity", &Diagnostic::severity}, Field{"file", &Diagnostic::file},
             Field{"line", &Diagnostic::line}, Field{"column", &Diagnostic::column},
             Field{"message", &Diagnostic::message}, Field{"_text", &Diagnostic::text});
  BindKey(diagnostic);
  diagnostic.def("__str__", [](const Diagnostic& d) { return d.text; })
      .def("__repr__",
           [](const Diagnostic& d) { return py::str("Diagnostic({!r})").format(d.text); });

  Class<ScanError> scan_error(
      m, "ScanError",
      R"(A record or input that could not be read during RuleSet.scan; the scan went on.

``line`` is 1-based (0 = unknown), ``offset`` a byte offset in the decompressed input,
``record`` the 0-based position of the lost record when known.)");
  BindFields(scan_error, Field{"file", &ScanError::file}, Field{"line", &ScanError::line},
             Field{"offset", &ScanError::offset}, Field{"record", &ScanError::record},
             Field{"message", &ScanError::message});
  BindRecord(scan_error);
  scan_error
      .def("__str__",
           [](const ScanError& e) {
             return e.line ? py::str("{}:{}: {}").format(e.file, e.line, e.message)
                           : py::str("{}: {}").format(e.file, e.message);
           })
      .def("__repr__", [](const ScanError& e) {
        return RecordRepr("ScanError", e.Key(), {"file", "line", "offset", "record", "message"});
      });

  Class<Alert> alert(m, "Alert", R"(One alert of a correlation rule (see Correlator).

Attributes: ``rule`` (the :class:`CorrelationRule`; ``title``, ``rule_id`` and ``level``
repeat its fields); ``type``; ``group`` (dict group-by field -> value, None when the
events lacked the field); ``subject`` (what the alert is about beyond its group:
first_seen's new value(s), the rare value of value_percentile's rarity reading; {} for
the other types); ``window_start`` and ``window_end`` (timezone-aware UTC datetimes of
the first and last contributing events); ``value`` (the aggregate that met the
condition, float); ``events`` (list of ``(source, index)`` of the contributing events in
time order: the ``source`` given to Correlator.feed, or the scanned file, and the
event's position in it); ``hidden``. ``to_dict()`` gives a JSON-ready dict (times as ISO
text).)");
  BindFields(alert, Field{"rule", &Alert::rule}, Field{"type", &Alert::type},
             Field{"group", &Alert::group}, Field{"window_start", &Alert::window_start},
             Field{"window_end", &Alert::window_end}, Field{"value", &Alert::value},
             Field{"events", &Alert::events}, Field{"subject", &Alert::subject},
             Field{"_start_iso", &Alert::start_iso}, Field{"_end_iso", &Alert::end_iso});
  BindKey(alert);
  alert
      .def_property_readonly(
          "title", [](const Alert& a) { return a.rule->title; }, "The correlation rule's title.")
      .def_property_readonly(
          "rule_id", [](const Alert& a) { return a.rule->id; }, "The correlation rule's id.")
      .def_property_readonly(
          "level", [](const Alert& a) { return a.rule->level; }, "The correlation rule's level.")
      .def_property_readonly(
          "hidden", [](const Alert& a) { return a.rule->hidden; },
          "True for a correlation that only feeds others (not reported on its own).")
      .def(
          "to_dict",
          [](const Alert& a) {
            pyt::Dict<py::str, py::object> d;
            d["rule"] = a.rule->title;
            d["rule_id"] = a.rule->id;
            d["level"] = a.rule->level;
            d["type"] = a.type;
            d["group"] = py::dict(a.group);
            d["subject"] = py::dict(a.subject);
            d["window_start"] = a.start_iso;
            d["window_end"] = a.end_iso;
            d["value"] = a.value;
            py::list events;
            for (const auto& e : a.events)
              events.append(py::list(py::reinterpret_borrow<py::object>(e)));
            d["events"] = events;
            d["hidden"] = a.rule->hidden;
            return d;
          },
          "The alert as a JSON-ready dict: rule (title), rule_id, level, type, group, subject, "
          "window_start / window_end (ISO 8601 UTC text, milliseconds), value, events (list of "
          "``[source, index]``), hidden.")
      .def("__repr__", [](const Alert& a) {
        std::string group;
        for (auto [k, v] : a.group)
          group +=
              (group.empty() ? "" : " ") + std::string(py::str(k)) + "=" + std::string(py::str(v));
        return py::str("<Alert {!r} {}={:g} [{}] {}..{} events={}>")
            .format(a.rule->title, a.type, a.value, group, a.start_iso, a.end_iso,
                    py::len(a.events));
      });

  Class<TestCaseResult> test_case(m, "TestCaseResult",
                                  R"(The outcome of one test of a detection rule's ``tests:``.

``explanation`` is the item by item explanation (see RuleSet.explain) for a failed test,
else ``""``.)");
  BindFields(test_case, Field{"name", &TestCaseResult::name},
             Field{"expect_match", &TestCaseResult::expect_match},
             Field{"matched", &TestCaseResult::matched}, Field{"passed", &TestCaseResult::passed},
             Field{"explanation", &TestCaseResult::explanation});
  BindRecord(test_case);
  test_case
      .def_property_readonly(
          "message",
          [](const TestCaseResult& t) {
            return std::string("expected ") + (t.expect_match ? "match" : "no match") + ", got " +
                   (t.matched ? "match" : "no match");
          },
          "The failure in one line: ``\"expected match, got no match\"``.")
      .def("__repr__", [](const TestCaseResult& t) {
        return RecordRepr("TestCaseResult", t.Key(),
                          {"name", "expect_match", "matched", "passed", "explanation"});
      });

  Class<CorrelationTestCaseResult> correlation_case(
      m, "CorrelationTestCaseResult",
      R"(The outcome of one sequence test of a correlation rule's ``tests:``.

The number of alerts the test expects (``expected_alerts``) and the correlation raised
(``actual_alerts``); ``explanation`` is, for a failed test, the expected and actual
alerts, one line each (``group k=v value=5 events=[0,1]``), else ``""``. A test passes
when the alerts agree (count, groups, and the values and events written).)");
  BindFields(correlation_case, Field{"name", &CorrelationTestCaseResult::name},
             Field{"expected_alerts", &CorrelationTestCaseResult::expected_alerts},
             Field{"actual_alerts", &CorrelationTestCaseResult::actual_alerts},
             Field{"passed", &CorrelationTestCaseResult::passed},
             Field{"explanation", &CorrelationTestCaseResult::explanation});
  BindRecord(correlation_case);
  correlation_case
      .def_property_readonly(
          "message",
          [](const CorrelationTestCaseResult& t) {
            if (t.expected_alerts != t.actual_alerts) {
              return "expected " + Alerts(t.expected_alerts) + ", got " + Alerts(t.actual_alerts);
            }
            return "the alerts raised differ from those expected (" + Alerts(t.actual_alerts) + ")";
          },
          "The failure in one line, as ``vigil test`` prints it.")
      .def("__repr__", [](const CorrelationTestCaseResult& t) {
        return RecordRepr("CorrelationTestCaseResult", t.Key(),
                          {"name", "expected_alerts", "actual_alerts", "passed", "explanation"});
      });
}

// ---- Core: one compiled RuleSet, its Scanner pool and its rules as Python objects ---

class Core {
 public:
  // Requires the GIL (makes the Python objects of the rules, once).
  explicit Core(std::shared_ptr<const vigil::RuleSet> set)
      : set_(std::move(set)), pool_(std::make_shared<vigil::ScannerPool>(set_)) {
    for (size_t i = 0; i < set_->size(); ++i) rules_.push_back(MakeRule(set_->rule(i), i));
    for (size_t i = 0; i < set_->correlation_count(); ++i) {
      correlations_.push_back(MakeCorrelationRule(set_->correlation(i), i, rules_));
    }
    // Python objects made now and kept: the same Rule object in every Match.
    rule_objects_ = py::list(py::cast(rules_));
    correlation_objects_ = py::list(py::cast(correlations_));
  }

  const std::shared_ptr<const vigil::RuleSet>& set() const { return set_; }
  const std::shared_ptr<vigil::ScannerPool>& pool() const { return pool_; }
  const std::vector<std::shared_ptr<Rule>>& rules() const { return rules_; }
  const std::vector<std::shared_ptr<CorrelationRule>>& correlations() const {
    return correlations_;
  }
  pyt::List<Rule> RuleObjects() const { return rule_objects_; }
  pyt::List<CorrelationRule> CorrelationObjects() const { return correlation_objects_; }

  pyt::List<Diagnostic> Diagnostics() const {
    pyt::List<Diagnostic> out;
    for (const auto& d : set_->diagnostics()) out.append(MakeDiagnostic(d));
    return out;
  }

  py::object MakeMatch(uint32_t rule, py::str json, std::optional<uint64_t> index = std::nullopt,
                       std::optional<py::str> file = std::nullopt,
                       std::optional<uint64_t> record = std::nullopt,
                       std::optional<uint64_t> line = std::nullopt,
                       std::optional<py::tuple> fields = std::nullopt) const {
    return py::cast(
        std::make_shared<Match>(Match{rules_[rule], std::move(json), index, std::move(file), record,
                                      line, py::none(), std::move(fields)}));
  }

  // One event -> its matches. building_blocks: keep the matches of rules that only
  // feed correlations (rule tests judge those rules too).
  pyt::List<Match> MatchOne(py::handle event, const std::string& kind, bool building_blocks) {
    const vigil::EventKind k = ParseKind(kind);
    std::string buf;
    const std::string_view text = EventText(event.ptr(), &buf);
    std::vector<vigil::Match> out;
    vigil::Status s;
    {
      py::gil_scoped_release release;
      s = pool_->Acquire()->Match(text, &out, k);
    }
    if (!s.ok()) throw py::value_error(s.message());
    pyt::List<Match> matches;
    if (out.empty()) return matches;
    const py::str json = EventTextObject(event.ptr(), text);
    for (const auto& m : out) {
      // Building blocks of correlations (generate: false) do not alert on their own.
      if (building_blocks || !set_->suppressed(m.rule_index))
        matches.append(MakeMatch(m.rule_index, json));
    }
    return matches;
  }

  // Any iterable of events -> their matches, with their positions. Events are taken in
  // batches: converted with the GIL held, matched without it.
  pyt::List<Match> MatchMany(py::handle events, const std::string& kind) {
    const vigil::EventKind k = ParseKind(kind);
    EventBatches batches(events);
    std::vector<std::pair<uint32_t, uint32_t>> hits;  // (position in batch, rule)
    pyt::List<Match> result;
    uint64_t base = 0;
    while (batches.Next()) {
      const std::vector<std::string_view>& texts = batches.texts();
      hits.clear();
      size_t bad = SIZE_MAX;
      vigil::Status status;
      {
        py::gil_scoped_release release;
        vigil::ScannerPool::Lease scanner = pool_->Acquire();
        std::vector<vigil::Match> out;
        for (size_t i = 0; i < texts.size() && bad == SIZE_MAX; ++i) {
          status = scanner->Match(texts[i], &out, k);
          if (!status.ok()) bad = i;
          for (const auto& m : out) {
            if (!set_->suppressed(m.rule_index))
              hits.emplace_back(static_cast<uint32_t>(i), m.rule_index);
          }
        }
      }
      if (bad != SIZE_MAX) {
        throw py::value_error("event " + std::to_string(base + bad) + ": " + status.message());
      }
      py::str text;
      uint32_t last = UINT32_MAX;
      for (const auto& [i, rule] : hits) {
        if (i != last) {
          text = EventTextObject(batches.objects()[i].ptr(), texts[i]);
          last = i;
        }
        result.append(MakeMatch(rule, text, base + i));
      }
      base += texts.size();
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

  // The rules' own tests -> [(rule or correlation rule, error, [results])], the
  // detection rules then the correlation rules (RunRuleTests' order).
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
        const py::str explanation(
            Utf8(t.error.empty() ? t.explanation : t.error + "\n" + t.explanation)
                .attr("strip")("\n"));
        if (t.correlation) {
          results.append(std::make_shared<CorrelationTestCaseResult>(CorrelationTestCaseResult{
              Utf8(t.name), t.expected_alerts, t.actual_alerts, t.passed(), explanation}));
        } else {
          results.append(std::make_shared<TestCaseResult>(
              TestCaseResult{Utf8(t.name), t.expect_match, t.matched, t.passed(), explanation}));
        }
      }
      py::object rule =
          r.correlation ? correlation_objects_[r.correlation_index] : rule_objects_[r.rule_index];
      out.append(py::make_tuple(rule, Utf8(r.error), results));
    }
    return out;
  }

  std::string Dump() {
    py::gil_scoped_release release;
    return set_->Dump();
  }

  // An alert of this RuleSet's correlations as the Python class.
  py::object MakeAlertObject(const vigil::CorrelationAlert& a) const {
    return py::cast(MakeAlert(a, correlations_, *set_));
  }

 private:
  std::shared_ptr<const vigil::RuleSet> set_;
  std::shared_ptr<vigil::ScannerPool> pool_;
  std::vector<std::shared_ptr<Rule>> rules_;
  std::vector<std::shared_ptr<CorrelationRule>> correlations_;
  py::list rule_objects_, correlation_objects_;
};

vigil::CorrelatorOptions CorrelatorOptionsOf(double lateness_ms, double max_future_ms,
                                             size_t max_held_events) {
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

// The counters of a Correlator as the Python package reports them (ScanIterator.stats,
// Correlator's properties).
void AddCorrelatorCounts(const vigil::Correlator& c, py::dict* d) {
  (*d)["late_events"] = c.late_events();
  (*d)["future_events"] = c.future_events();
  (*d)["untimed_events"] = c.untimed_events();
  (*d)["early_events"] = c.early_events();
  (*d)["evicted_events"] = c.evicted_events();
  (*d)["unlearned_values"] = c.unlearned_values();
}

// ---- CorrelatorCore: a Correlator fed with events matched by a Core ----------------

// One Correlator over one stream. Its Python wrapper may be shared between threads, so
// every call holds mu_ (taken with the GIL released: a thread holding mu_ re-takes
// the GIL between batches). Matching and correlating run without the GIL.
class CorrelatorCore {
 public:
  CorrelatorCore(std::shared_ptr<Core> core, double lateness_ms, double max_future_ms,
                 size_t max_held_events)
      : core_(std::move(core)),
        correlator_(core_->set(),
                    CorrelatorOptionsOf(lateness_ms, max_future_ms, max_held_events)) {}

  // Matches and feeds every event of `events` (records source / next position), then
  // returns the alerts raised so far (hidden ones included).
  pyt::List<Alert> Feed(py::handle events, const std::string& source, const std::string& kind) {
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
      void OnCorrelationError(const vigil::Record& r, const vigil::Status& st) override {
        Fail(r.index, st.message());
      }
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
        vigil::ScanEvents(*core_->pool()->Acquire(), batches.texts(), source, options, &sink,
                          next_index_);
      }
      next_index_ += sink.records;
      if (!sink.error.empty())
        throw py::value_error("event " + std::to_string(sink.bad) + ": " + sink.error);
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
    return Alerts();
  }

  pyt::List<Alert> Flush() {
    std::unique_lock<std::mutex> lock = Lock();
    {
      py::gil_scoped_release release;
      correlator_.Flush();
    }
    return Alerts();
  }

  // The correlator's counters and sizes.
  py::dict Counts() {
    std::unique_lock<std::mutex> lock = Lock();
    py::dict d;
    AddCorrelatorCounts(correlator_, &d);
    d["state_size"] = correlator_.StateSize();
    d["baseline_size"] = correlator_.BaselineSize();
    d["events_fed"] = next_index_;
    return d;
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
    explicit Owner(std::atomic<std::thread::id>* o) : o_(o) {
      o_->store(std::this_thread::get_id());
    }
    ~Owner() { o_->store(std::thread::id()); }
    std::atomic<std::thread::id>* o_;
  };

  // Requires the GIL and mu_.
  pyt::List<Alert> Alerts() {
    std::vector<vigil::CorrelationAlert> alerts = std::move(alerts_);
    alerts_.clear();
    for (auto& a : correlator_.TakeAlerts()) alerts.push_back(std::move(a));
    pyt::List<Alert> out;
    for (const auto& a : alerts) out.append(core_->MakeAlertObject(a));
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
std::shared_ptr<Core> Build(
    const std::vector<std::tuple<std::string, std::string, std::string>>& sources,
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

std::map<std::string, std::vector<std::string>> LoadVars(const std::string& path) {
  std::map<std::string, std::vector<std::string>> vars;
  vigil::Status s = vigil::LoadPlaceholderFile(path, &vars);
  if (!s.ok()) Raise(s);
  return vars;
}

// ---- Match.fields: a field's value as Python reads JSON ---------------------------
//
// str, int, float, True/False, None (missing or null), and for an object or array its
// compact JSON text, as the engine compares it.

// From the scan's capture (StreamMatch::fields, what a ScanSink gets in Record::fields).
py::object FieldObject(const vigil::CapturedFields::Value& v) {
  if (!v.present) return py::none();
  if (v.is_string) return Utf8(v.text);
  if (v.is_number) {
    // The text is simdjson's: an integer is digits alone (even past 2^63, a uint64), a
    // double always has a '.' or an exponent ("3.0").
    if (v.text.find_first_of(".eE") == std::string::npos) {
      if (PyObject* o = PyLong_FromString(v.text.c_str(), nullptr, 10))
        return py::reinterpret_steal<py::object>(o);
      PyErr_Clear();
    }
    return py::float_(v.number);
  }
  if (v.text == "true") return py::bool_(true);
  if (v.text == "false") return py::bool_(false);
  return Utf8(v.text);
}

// From a DOM of the event, for a match the scan did not capture.
py::object FieldObject(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return py::none();
    case simdjson::dom::element_type::STRING: return Utf8(e.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64: return py::int_(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return py::int_(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: return py::float_(e.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL: return py::bool_(e.get_bool().value_unsafe());
    default: return Utf8(simdjson::minify(e));
  }
}

// util/dom_path.h's DomLookup over what json.loads made of an event (its dicts keep
// the first of a repeated key, as simdjson's DOM reads it): for the events simdjson's
// DOM refuses (an integer past 64 bits).
bool PyLookup(py::handle v, std::string_view path, py::object* out) {
  if (path.empty()) {
    *out = py::reinterpret_borrow<py::object>(v);
    return true;
  }
  if (PyList_Check(v.ptr())) {
    for (py::handle item : py::reinterpret_borrow<py::list>(v)) {
      if (PyLookup(item, path, out)) return true;
    }
    return false;
  }
  if (!PyDict_Check(v.ptr())) return false;
  auto child = [&](std::string_view key) -> PyObject* {
    py::str k = Utf8(key);
    PyObject* c = PyDict_GetItemWithError(v.ptr(), k.ptr());  // borrowed
    if (c == nullptr && PyErr_Occurred()) throw py::error_already_set();
    return c;
  };
  if (PyObject* c = child(path)) {
    *out = py::reinterpret_borrow<py::object>(c);
    return true;
  }
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    PyObject* c = child(path.substr(0, dot));
    if (c != nullptr && PyLookup(c, path.substr(dot + 1), out)) return true;
  }
  return false;
}

// The values of `paths` in a match's event that the scan did not capture (rare: see
// vigil::Record::fields), read as the scan reads them: a DOM of the text (a lone
// surrogate escape as U+FFFD), else json.loads.
class FieldFallback {
 public:
  explicit FieldFallback(std::vector<std::string> paths) : paths_(std::move(paths)) {}

  py::tuple Read(const std::string& json) {
    py::tuple out(paths_.size());
    simdjson::dom::element root;
    std::string_view text = json;
    if (vigil::internal::ReplaceLoneSurrogateEscapes(json, &fixed_)) text = fixed_;
    if (!parser_.parse(text.data(), text.size(), true).get(root)) {
      for (size_t i = 0; i < paths_.size(); ++i) {
        simdjson::dom::element e;
        out[i] = vigil::internal::DomLookup(root, paths_[i], &e) ? FieldObject(e) : py::none();
      }
      return out;
    }
    py::object first_wins = py::cpp_function([](const py::list& pairs) {
      py::dict d;
      for (py::handle pair : pairs) {
        py::object key = pair[py::int_(0)];
        if (!d.contains(key)) d[key] = pair[py::int_(1)];
      }
      return d;
    });
    py::object event = py::reinterpret_borrow<py::object>(g_json_loads)(
        Utf8(text), py::arg("object_pairs_hook") = first_wins);
    for (size_t i = 0; i < paths_.size(); ++i) {
      py::object v;
      if (!PyLookup(event, paths_[i], &v) || v.is_none()) {
        out[i] = py::none();
      } else if (PyDict_Check(v.ptr()) || PyList_Check(v.ptr())) {
        std::string compact;
        vigil_py::WriteJson(v, &compact);
        out[i] = Utf8(compact);
      } else {
        out[i] = v;
      }
    }
    return out;
  }

 private:
  std::vector<std::string> paths_;
  simdjson::dom::parser parser_;
  std::string fixed_;
};

// ---- ScanIter: a vigil::ScanStream, drained by Python in batches ---------------------

class ScanIter {
 public:
  // correlate: the scan is one stream for a Correlator of its own (with these options)
  // when the rules have correlations, as in `vigil scan`.
  // census: the scan's EventCensus (Census()); fields: each match's values of these
  // paths (Match.fields).
  ScanIter(std::shared_ptr<Core> core, std::vector<std::string> paths, const std::string& kind,
           unsigned threads, bool correlate, double lateness_ms, double max_future_ms,
           size_t max_held_events, bool census, std::optional<std::vector<std::string>> fields)
      : core_(std::move(core)), census_(census) {
    vigil::ScanStreamOptions options;
    options.scan.kind = ParseKind(kind);
    options.scan.threads = threads;
    options.scan.census = census;
    if (fields) {
      options.scan.record_fields = *fields;
      fallback_ = std::make_unique<FieldFallback>(std::move(*fields));
    }
    options.correlate = correlate;
    options.correlator = CorrelatorOptionsOf(lateness_ms, max_future_ms, max_held_events);
    stream_ =
        std::make_unique<vigil::ScanStream>(core_->pool(), std::move(paths), std::move(options));
  }

  ~ScanIter() { Stop(); }

  // Up to `max` results: (matches, errors, alerts, finished). Waits (GIL released)
  // until there is at least one or the scan has ended; raises RuntimeError when the
  // scan itself failed.
  std::tuple<pyt::List<Match>, pyt::List<ScanError>, pyt::List<Alert>, bool> Next(size_t max) {
    std::vector<vigil::ScanStream::Item> items;
    bool more = !finished_;
    while (more) {
      {
        py::gil_scoped_release release;
        more = stream_->Next(&items, max, std::chrono::milliseconds(100));
      }
      if (!items.empty()) break;
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C while waiting
    }
    pyt::List<Match> matches;
    pyt::List<ScanError> errors;
    pyt::List<Alert> alerts;
    const std::string* last_file = nullptr;
    const std::string* last_json = nullptr;
    py::str file, json;
    std::optional<py::tuple> fields;  // last_json's
    auto file_of = [&](const std::string& name) {
      if (&name != last_file) {
        file = Utf8(name);
        last_file = &name;
      }
      return file;
    };
    for (const auto& item : items) {
      if (const auto* m = std::get_if<vigil::StreamMatch>(&item)) {
        if (m->json.get() != last_json) {
          json = Utf8(*m->json);
          last_json = m->json.get();
          if (fallback_) fields = FieldsOf(*m);
        }
        matches.append(
            core_->MakeMatch(m->rule_index, json, std::nullopt, file_of(*m->file), m->record,
                             m->line ? std::optional<uint64_t>(m->line) : std::nullopt, fields));
      } else if (const auto* e = std::get_if<vigil::InputError>(&item)) {
        errors.append(MakeScanError(*e, Utf8(e->file)));
      } else {
        alerts.append(core_->MakeAlertObject(std::get<vigil::CorrelationAlert>(item)));
      }
    }
    if (!more && !finished_) {
      finished_ = true;
      if (!stream_->status().ok())
        throw std::runtime_error("scan failed: " + stream_->status().message());
    }
    return {matches, errors, alerts, finished_};
  }

  // The counts of the finished scan, else None.
  std::optional<py::dict> Stats() const {
    if (!finished_) return std::nullopt;
    const vigil::ScanStats& s = stream_->stats();
    py::dict d;
    d["events"] = s.events;
    d["matches"] = s.matches;  // yielded: a building block's (generate: false) are not
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
    // Events the census could not keep a cell for (census_max_cells, docs/limits.md).
    if (census_) d["census_overflow"] = s.census.overflow_events;
    if (const vigil::Correlator* c = stream_->correlator()) {
      // Alerts yielded, and what the correlator could not use or had to degrade (vigil
      // scan's summary).
      d["alerts"] = s.alerts;
      d["correlation_errors"] = s.correlation_errors;
      AddCorrelatorCounts(*c, &d);
    }
    return d;
  }

  using CensusRow =
      pyt::Tuple<py::str, py::str, pyt::Optional<py::int_>, py::int_, py::int_, py::int_>;

  // The census of the finished scan, when asked for, else None: (account, region,
  // hour or None, events, first_ms, last_ms) per cell, in EventCensus's order.
  std::optional<pyt::List<CensusRow>> Census() const {
    if (!finished_ || !census_) return std::nullopt;
    pyt::List<CensusRow> out;
    for (const vigil::CensusCell& c : stream_->stats().census.cells) {
      py::object hour = c.hour == vigil::EventCensus::kNoHour ? py::object(py::none())
                                                              : py::object(py::int_(c.hour));
      out.append(
          py::make_tuple(Utf8(c.account), Utf8(c.region), hour, c.events, c.first_ms, c.last_ms));
    }
    return out;
  }

  // Stops the scan (if it is still running) and waits for its thread, without the GIL
  // (the scan's thread never takes it).
  void Stop() {
    if (PyGILState_Check()) {
      py::gil_scoped_release release;
      stream_->Close();
    } else {
      stream_->Close();
    }
  }

 private:
  // Match.fields of a match's record: the scan's capture, else read here.
  py::tuple FieldsOf(const vigil::StreamMatch& m) {
    if (!m.fields) return fallback_->Read(*m.json);
    py::tuple out(m.fields->size());
    for (size_t i = 0; i < m.fields->size(); ++i) out[i] = FieldObject((*m.fields)[i]);
    return out;
  }

  std::shared_ptr<Core> core_;
  std::unique_ptr<vigil::ScanStream> stream_;
  const bool census_;
  std::unique_ptr<FieldFallback> fallback_;  // null when no fields were asked for
  bool finished_ = false;
};

// ---- Log file integrity validation (vigil/validate.h) ------------------------------
//
// The report as plain attributes; vigil.validate() (python/vigil/__init__.py) wraps it
// with to_pandas().

void BindValidation(py::module_& m) {
  py::class_<vigil::ValidationFinding>(
      m, "ValidationFinding",
      "One result of vigil.validate() (read-only): code, status (ok, failed, unverified, "
      "info), file (S3 key), account, region, trail, digest, start, end, reason, detail.")
      .def_readonly("code", &vigil::ValidationFinding::code)
      .def_property_readonly(
          "status",
          [](const vigil::ValidationFinding& f) { return vigil::ValidationStatusName(f.status); })
      .def_readonly("file", &vigil::ValidationFinding::file)
      .def_readonly("account", &vigil::ValidationFinding::account)
      .def_readonly("region", &vigil::ValidationFinding::region)
      .def_readonly("trail", &vigil::ValidationFinding::trail)
      .def_readonly("digest", &vigil::ValidationFinding::digest)
      .def_readonly("start", &vigil::ValidationFinding::start)
      .def_readonly("end", &vigil::ValidationFinding::end)
      .def_readonly("reason", &vigil::ValidationFinding::reason)
      .def_readonly("detail", &vigil::ValidationFinding::detail)
      .def("__repr__", [](const vigil::ValidationFinding& f) {
        return "<ValidationFinding " + f.code + " " + f.file + ">";
      });
  py::class_<vigil::ValidationReport>(
      m, "ValidationReport",
      "The findings of a validation and what was read (wrapped by vigil.ValidationReport).")
      .def_readonly("findings", &vigil::ValidationReport::findings)
      .def_readonly("digests", &vigil::ValidationReport::digests)
      .def_readonly("log_files", &vigil::ValidationReport::log_files)
      .def_readonly("bytes", &vigil::ValidationReport::bytes)
      .def(
          "count_code",
          [](const vigil::ValidationReport& r, const std::string& code) { return r.Count(code); },
          py::arg("code"))
      .def("failed", &vigil::ValidationReport::Failed, py::arg("strict") = false)
      .def(
          "verdict_of",
          [](const vigil::ValidationReport& r, const std::string& path) {
            return vigil::LogVerdictName(r.VerdictOf(path));
          },
          py::arg("path"));
  m.def(
      "validate",
      [](const std::vector<std::string>& paths, const std::string& public_keys,
         const std::string& signatures, std::optional<int64_t> start_ms,
         std::optional<int64_t> end_ms) {
        vigil::ValidateOptions o;
        o.public_keys = public_keys;
        o.signatures = signatures;
        if (start_ms) o.start_ms = *start_ms;
        if (end_ms) o.end_ms = *end_ms;
        vigil::Result<vigil::ValidationReport> r = [&] {
          py::gil_scoped_release release;
          return vigil::Validate(paths, o);
        }();
        if (!r.ok()) {
          // A file that cannot be read: OSError; one of the wrong shape: ValueError.
          PyErr_SetString(
              r.status().code() == vigil::StatusCode::kIoError ? PyExc_OSError : PyExc_ValueError,
              r.status().message().c_str());
          throw py::error_already_set();
        }
        return std::move(r).value();
      },
      py::arg("paths"), py::arg("public_keys") = "", py::arg("signatures") = "",
      py::arg("start_ms") = std::nullopt, py::arg("end_ms") = std::nullopt,
      "Validates CloudTrail log file integrity offline (vigil/validate.h).");
  // ISO 8601 text as unix milliseconds (util/timeparts.h), None when it is not a time.
  m.def(
      "parse_time",
      [](const std::string& text) -> std::optional<int64_t> {
        int64_t ms = 0;
        if (!vigil::internal::ParseIsoTimestamp(text, &ms)) return std::nullopt;
        return ms;
      },
      py::arg("text"));
}

}  // namespace

PYBIND11_MODULE(_vigil, m) {
  m.doc() = "vigil's C++ engine (private: use the `vigil` package).";
  m.attr("__version__") = std::to_string(VIGIL_VERSION_MAJOR) + "." +
                          std::to_string(VIGIL_VERSION_MINOR) + "." +
                          std::to_string(VIGIL_VERSION_PATCH);
  vigil_py::InitJsonText();
  g_json_loads = py::object(py::module_::import("json").attr("loads")).release().ptr();
  {
    py::module_ datetime = py::module_::import("datetime");
    g_timedelta = py::object(datetime.attr("timedelta")).release().ptr();
    g_epoch = py::object(datetime.attr("datetime")(
                             1970, 1, 1, py::arg("tzinfo") = datetime.attr("timezone").attr("utc")))
                  .release()
                  .ptr();
  }

  BindResults(m);
  BindValidation(m);

  py::class_<Core, std::shared_ptr<Core>>(m, "Core")
      .def("rules", &Core::RuleObjects)
      .def("diagnostics", &Core::Diagnostics)
      .def("size", [](const Core& c) { return c.set()->size(); })
      .def("match", &Core::MatchOne, py::arg("event"), py::arg("kind") = "auto",
           py::arg("building_blocks") = false)
      .def("match_many", &Core::MatchMany, py::arg("events"), py::arg("kind") = "auto")
      .def("explain", &Core::Explain, py::arg("rule"), py::arg("event"))
      .def("test", &Core::Test)
      .def("dump", &Core::Dump)
      .def("idle_scanners", [](const Core& c) { return c.pool()->idle(); })
      .def(
          "find", [](const Core& c, const std::string& key) { return c.set()->Find(key); },
          py::arg("key"))
      .def("correlations", &Core::CorrelationObjects);

  py::class_<CorrelatorCore>(m, "Correlator")
      .def(py::init<std::shared_ptr<Core>, double, double, size_t>(), py::arg("core"),
           py::arg("lateness_ms"), py::arg("max_future_ms") = 86400000.0,
           py::arg("max_held_events") = vigil::CorrelatorOptions().max_held_events)
      .def("feed", &CorrelatorCore::Feed, py::arg("events"), py::arg("source") = "",
           py::arg("kind") = "auto")
      .def("flush", &CorrelatorCore::Flush)
      .def("counts", &CorrelatorCore::Counts)
      .def("load_baseline", &CorrelatorCore::LoadBaseline, py::arg("path"))
      .def("save_baseline", &CorrelatorCore::SaveBaseline, py::arg("path"))
      .def("serialize_baseline", &CorrelatorCore::SerializeBaseline)
      .def("restore_baseline", &CorrelatorCore::RestoreBaseline, py::arg("text"),
           py::arg("origin"));

  py::class_<ScanIter>(m, "ScanIter")
      .def(py::init<std::shared_ptr<Core>, std::vector<std::string>, const std::string&, unsigned,
                    bool, double, double, size_t, bool, std::optional<std::vector<std::string>>>(),
           py::arg("core"), py::arg("paths"), py::arg("kind") = "auto", py::arg("threads") = 1,
           py::arg("correlate") = true, py::arg("lateness_ms") = 900000.0,
           py::arg("max_future_ms") = 86400000.0,
           py::arg("max_held_events") = vigil::CorrelatorOptions().max_held_events,
           py::arg("census") = false, py::arg("fields") = py::none())
      .def("next", &ScanIter::Next, py::arg("max") = 512)
      .def("stats", &ScanIter::Stats)
      .def("census", &ScanIter::Census)
      .def("stop", &ScanIter::Stop);

  m.def("build", &Build, py::arg("sources"), py::arg("vars"), py::arg("skip_tests") = false,
        "Compiles rule sources [(\"path\"|\"yaml\", value, name)] into a Core.");
  // The duration grammar of the CLI's --lateness (util/timeparts.h, kStream): its
  // milliseconds, inf for no bound, None when `text` is not a duration.
  m.def(
      "parse_duration",
      [](const std::string& text) -> std::optional<double> {
        int64_t ms = 0;
        if (!vigil::internal::ParseDurationMillis(text, vigil::internal::DurationSyntax::kStream,
                                                  &ms)) {
          return std::nullopt;
        }
        if (ms == std::numeric_limits<int64_t>::max())
          return std::numeric_limits<double>::infinity();
        return static_cast<double>(ms);
      },
      py::arg("text"));
  m.def("load_vars", &LoadVars, py::arg("path"),
        "Reads |expand placeholder values from a pySigma-style `vars:` YAML file.");
  m.def("json_dumps", [](py::handle obj) {
        std::string out;
        vigil_py::WriteJson(obj, &out);
        return Utf8(out);
      }, py::arg("obj"), "The compact JSON text vigil matches for a Python value (for tests).");
}
