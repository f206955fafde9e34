// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Duplicate keys in JSON objects. Internal.
//
// RFC 8259 leaves an object with a repeated key to the parser: jq, Python and
// JavaScript keep the last value, Go's encoding/json merges, others keep the first or
// refuse. Whichever value the service that wrote the log acted on, a detection must
// not be evaded by adding a second one: `{"arn":"admin","arn":"attacker"}` must not
// slip past `selection and not filter(arn: admin)`.
//
// vigil's rule (docs/limits.md): an event with a duplicate key matches a rule when the
// event read the first-wins way (every later duplicate dropped) matches it, or read
// the last-wins way (every earlier duplicate dropped) does: the union of the verdicts
// of both kinds of parser. No reading an attacker can count on hides the event, and an
// event without duplicates is read as before. Both the matcher (evaluator.cc) and the
// reference interpreter (interpreter.cc, Explain) do this; the scan counts such events.
//
// Tested by tests/util/duplicate_keys_test.cc and tests/cases/text_hostile.yml.
#pragma once

#include <string>
#include <string_view>

namespace vigil::internal {

// Copies `json` (REQUIRES: valid JSON text) into *out with the duplicate members of
// every object replaced by spaces, keeping the first (keep_last false) or the last
// occurrence of each key, so the copy is valid JSON of the same length (offsets are
// unchanged), followed by `padding` zero bytes. Keys are compared unescaped ("a" and
// "\u0061" are one key). Returns false (and leaves *out unspecified) when there is no
// duplicate key.
bool RemoveDuplicateKeys(std::string_view json, bool keep_last, std::string* out,
                         size_t padding = 0);

}  // namespace vigil::internal
