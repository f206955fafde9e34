// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
#include "util/duplicate_keys.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::internal {
namespace {

std::string Dedup(std::string_view json, bool keep_last) {
  std::string out;
  if (!RemoveDuplicateKeys(json, keep_last, &out)) return "(none)";
  return out;
}

TEST(DuplicateKeysTest, FirstWinsAndLastWinsBlankTheOthers) {
  const std::string j = R"({"a":1,"b":{"x":[1,2]},"a":"z"})";
  EXPECT_EQ(Dedup(j, false), R"({"a":1,"b":{"x":[1,2]}        })");
  EXPECT_EQ(Dedup(j, true), R"({      "b":{"x":[1,2]},"a":"z"})");
  const std::string three = R"({"a":1,"a":2,"a":3})";
  EXPECT_EQ(Dedup(three, false), R"({"a":1            })");
  EXPECT_EQ(Dedup(three, true), R"({            "a":3})");
}

TEST(DuplicateKeysTest, NestedObjectsKeysUnescapedAndSpaces) {
  EXPECT_EQ(Dedup(R"({"u":{"arn":"admin","arn":"x"}})", false), R"({"u":{"arn":"admin"          }})");
  EXPECT_EQ(Dedup(R"({"u":{"arn":"admin","arn":"x"}})", true), R"({"u":{              "arn":"x"}})");
  EXPECT_EQ(Dedup(R"({"a":1,"\u0061":2})", true), R"({      "\u0061":2})");
  EXPECT_EQ(Dedup("{ \"a\" : 1 , \"a\" : 2 }", false), "{ \"a\" : 1           }");
  // Objects in an array are separate objects; a key equal to a string value is no key.
  EXPECT_EQ(Dedup(R"([{"a":1},{"a":2}])", false), "(none)");
  EXPECT_EQ(Dedup(R"({"a":"a","b":["a","a"]})", false), "(none)");
  EXPECT_EQ(Dedup(R"({"a:":1,"a":2})", false), "(none)");
}

// Found by fuzz_correlation: a stray closing bracket popped an empty stack (a heap
// overflow under ASan), and a duplicate member without its comma gave a range whose
// end came before its start. Text that is not well-formed is left alone.
TEST(DuplicateKeysTest, TextThatIsNotWellFormedIsLeftAlone) {
  for (const char* bad : {R"(}{"a":1,"a":2})", R"({"a":1,"a":2}})", R"({"a":1,"a":2])",
                          R"([{"a":1,"a":2}})", R"({"a":1 "a":2,"b":3})", R"({"a":1,"a":2)",
                          R"({"a":1,"a":)", "]]]", R"({"a":[1,"a":2})"}) {
    for (bool keep_last : {false, true}) {
      EXPECT_EQ(Dedup(bad, keep_last), "(none)") << bad << " keep_last=" << keep_last;
    }
  }
}

}  // namespace
}  // namespace vigil::internal
