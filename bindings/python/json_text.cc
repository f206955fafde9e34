// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Python values -> the JSON text vigil matches (json_text.h). The conversion json.dumps
// would make, without its cost: written straight into a std::string, with the GIL
// held. Tested by tests/python/test_api.py (json_dumps, events of every type).

#include "json_text.h"

#include <charconv>
#include <cmath>
#include <string>

namespace vigil_py {

namespace {

// collections.abc.Mapping / Sequence, looked up once by InitJsonText (intentionally
// never released: the module lives as long as the interpreter).
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
    if (PyBytes_Check(k))
      return String(PyBytes_AS_STRING(k), static_cast<size_t>(PyBytes_GET_SIZE(k)));
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
    py::object seq =
        py::reinterpret_steal<py::object>(PySequence_Fast(items, "items() is not a sequence"));
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

}  // namespace

void InitJsonText() {
  py::module_ abc = py::module_::import("collections.abc");
  g_mapping_abc = py::object(abc.attr("Mapping")).release().ptr();
  g_sequence_abc = py::object(abc.attr("Sequence")).release().ptr();
}

void WriteJson(py::handle value, std::string* out) { JsonWriter(out).Value(value.ptr(), 0); }

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

EventBatches::EventBatches(py::handle events)
    : it_(py::reinterpret_steal<py::object>(PyObject_GetIter(events.ptr()))), bufs_(kSize) {
  if (!it_) throw py::error_already_set();
  objects_.reserve(kSize);
  texts_.reserve(kSize);
}

bool EventBatches::Next() {
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

}  // namespace vigil_py
