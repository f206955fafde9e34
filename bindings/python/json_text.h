// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The bindings' side of events: Python values (dict / Mapping, str, bytes, buffers)
// as the JSON text the engine matches. Everything here requires the GIL and reports
// failures as Python exceptions (py::error_already_set, TypeError, ValueError).
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>
#include <vector>

namespace vigil_py {

namespace py = pybind11;

// Once, at module import: looks up collections.abc.Mapping and Sequence.
void InitJsonText();

// Writes a Python value as compact JSON into *out (appended). dict/Mapping -> object,
// list/tuple/set and other sequences -> array, str -> string, int/float/bool/None ->
// the JSON literal, bytes -> a string of its bytes, a date/datetime/time (anything with
// isoformat()) -> its ISO text, anything else -> the string str() gives. NaN and
// infinities become null. A str holding a lone surrogate has each one written as
// U+FFFD, the engine's own reading of such an escape.
void WriteJson(py::handle value, std::string* out);

// The JSON text of one event: a str or bytes is used in place (the caller keeps it
// alive), a bytearray or buffer is copied into *buf (it could change while the GIL is
// released), a dict or other mapping is serialised into *buf.
std::string_view EventText(PyObject* event, std::string* buf);

// The events of a Python iterable, taken in batches: each converted to JSON text with
// the GIL held (the objects are kept alive for the texts that point into them), so a
// batch can then be matched without the GIL.
class EventBatches {
 public:
  static constexpr size_t kSize = 1024;

  explicit EventBatches(py::handle events);

  // Fills the next batch; false when the iterable has no more events.
  bool Next();

  const std::vector<py::object>& objects() const { return objects_; }
  const std::vector<std::string_view>& texts() const { return texts_; }

 private:
  py::object it_;
  std::vector<std::string> bufs_;
  std::vector<py::object> objects_;
  std::vector<std::string_view> texts_;
  bool done_ = false;
};

}  // namespace vigil_py
