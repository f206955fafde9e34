// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for the Sigma encoding modifiers in util/encoding.h. Expected values were
// computed independently with Python (base64.b64encode, str.encode("utf-16le"/"-be"/
// "utf-16"), and re.finditer(r"\B[-/]\b", re.ASCII) with itertools.product for
// windash), not taken from the implementation.
#include "util/encoding.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

using Strings = std::vector<std::string>;

// Typographic dashes spelled as UTF-8 bytes so the tests do not depend on the source
// file's encoding.
constexpr char kEn[] = "\xE2\x80\x93";
constexpr char kEm[] = "\xE2\x80\x94";
constexpr char kBar[] = "\xE2\x80\x95";

std::string S(const char* a, const char* b = "", const char* c = "") {
  return std::string(a) + b + c;
}

TEST(EncodingBase64, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(EncodingBase64, BinaryAndHighAlphabet) {
  EXPECT_EQ(Base64Encode(std::string("\x00\xff\xfe", 3)), "AP/+");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Encode("\xc3\xbc"), "w7w=");  // "ü" as UTF-8
}

TEST(EncodingBase64Offset, HttpExample) {
  EXPECT_EQ(Base64OffsetVariants("http://"), (Strings{"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}));
}

TEST(EncodingBase64Offset, AllThreeLengthResidues) {
  EXPECT_EQ(Base64OffsetVariants("abc"), (Strings{"YWJj", "FiY", "hYm"}));
  EXPECT_EQ(Base64OffsetVariants("abcd"), (Strings{"YWJjZ", "FiY2", "hYmNk"}));
  EXPECT_EQ(Base64OffsetVariants("/bin/bash"),
            (Strings{"L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"}));
  EXPECT_EQ(Base64OffsetVariants("sekurlsa::logonpasswords"),
            (Strings{"c2VrdXJsc2E6OmxvZ29ucGFzc3dvcmRz", "Nla3VybHNhOjpsb2dvbnBhc3N3b3Jkc",
                     "zZWt1cmxzYTo6bG9nb25wYXNzd29yZH"}));
}

TEST(EncodingBase64Offset, ShortValuesGiveEmptySlices) {
  EXPECT_EQ(Base64OffsetVariants(""), (Strings{"", "", ""}));
  EXPECT_EQ(Base64OffsetVariants("a"), (Strings{"Y", "", "h"}));
  EXPECT_EQ(Base64OffsetVariants("ab"), (Strings{"YW", "Fi", "hY"}));
}

TEST(EncodingBase64Offset, UsesByteLength) {
  // "ü" is two bytes; the cut follows the byte length.
  EXPECT_EQ(Base64OffsetVariants("\xc3\xbc"), (Strings{"w7", "O8", "Dv"}));
  // The utf16le|base64offset chain, as used for PowerShell -EncodedCommand rules.
  EXPECT_EQ(Base64OffsetVariants(Utf16Le("ping")),
            (Strings{"cABpAG4AZw", "AAaQBuAGcA", "wAGkAbgBnA"}));
}

TEST(EncodingUtf16, Ascii) {
  EXPECT_EQ(Utf16Le("cmd"), std::string("c\0m\0d\0", 6));
  EXPECT_EQ(Utf16Be("cmd"), std::string("\0c\0m\0d", 6));
  EXPECT_EQ(Utf16WithBom("cmd"), std::string("\xff\xfe" "c\0m\0d\0", 8));
}

TEST(EncodingUtf16, Empty) {
  EXPECT_EQ(Utf16Le(""), "");
  EXPECT_EQ(Utf16Be(""), "");
  EXPECT_EQ(Utf16WithBom(""), "\xff\xfe");
}

TEST(EncodingUtf16, OneChar) {
  EXPECT_EQ(Utf16Le("a"), std::string("a\0", 2));
  EXPECT_EQ(Utf16Be("a"), std::string("\0a", 2));
}

TEST(EncodingUtf16, BmpNonAscii) {
  EXPECT_EQ(Utf16Le("\xc3\xa9"), std::string("\xe9\0", 2));  // é
  EXPECT_EQ(Utf16Be("\xc3\xa9"), std::string("\0\xe9", 2));
  EXPECT_EQ(Utf16Le("\xe2\x82\xac"), "\xac\x20");  // €
  EXPECT_EQ(Utf16Be("\xe2\x82\xac"), "\x20\xac");
  EXPECT_EQ(Utf16WithBom("\xe2\x82\xac"), "\xff\xfe\xac\x20");
}

TEST(EncodingUtf16, SurrogatePairs) {
  const std::string grin = "\xf0\x9f\x98\x80";  // U+1F600
  EXPECT_EQ(Utf16Le(grin), std::string("\x3d\xd8\x00\xde", 4));
  EXPECT_EQ(Utf16Be(grin), std::string("\xd8\x3d\xde\x00", 4));
  EXPECT_EQ(Utf16Le("a" + grin + "b"), std::string("a\0\x3d\xd8\x00\xde" "b\0", 8));
  EXPECT_EQ(Utf16WithBom(grin), std::string("\xff\xfe\x3d\xd8\x00\xde", 6));
  // U+10FFFF, the last code point.
  EXPECT_EQ(Utf16Be("\xf4\x8f\xbf\xbf"), "\xdb\xff\xdf\xff");
}

TEST(EncodingUtf16, InvalidBytesBecomeReplacementCharacter) {
  EXPECT_EQ(Utf16Le("a\xff" "b"), std::string("a\0\xfd\xff" "b\0", 6));
  // A truncated 3-byte sequence: one U+FFFD per byte.
  EXPECT_EQ(Utf16Be("\xe2\x82"), "\xff\xfd\xff\xfd");
  // An encoded surrogate is not valid UTF-8.
  EXPECT_EQ(Utf16Be("\xed\xa0\x80"), "\xff\xfd\xff\xfd\xff\xfd");
  // Overlong '/'.
  EXPECT_EQ(Utf16Be("\xc0\xaf"), "\xff\xfd\xff\xfd");
}

Strings Windash(std::string_view value) {
  Strings out;
  std::string error;
  EXPECT_TRUE(WindashVariants(value, &out, &error)) << error;
  EXPECT_TRUE(error.empty());
  return out;
}

TEST(EncodingWindash, NoPositions) {
  EXPECT_EQ(Windash(""), (Strings{""}));
  EXPECT_EQ(Windash("-"), (Strings{"-"}));
  EXPECT_EQ(Windash("whoami"), (Strings{"whoami"}));
  EXPECT_EQ(Windash("a-b"), (Strings{"a-b"}));  // inside a word
  EXPECT_EQ(Windash("a/b"), (Strings{"a/b"}));
  EXPECT_EQ(Windash("- x"), (Strings{"- x"}));  // not followed by a word char
  EXPECT_EQ(Windash("x-"), (Strings{"x-"}));
}

TEST(EncodingWindash, AtStart) {
  EXPECT_EQ(Windash("-a"), (Strings{"-a", "/a", S(kEn, "a"), S(kEm, "a"), S(kBar, "a")}));
  EXPECT_EQ(Windash("-_x"),
            (Strings{"-_x", "/_x", S(kEn, "_x"), S(kEm, "_x"), S(kBar, "_x")}));
}

TEST(EncodingWindash, AfterSpaceOriginalSlashComesFirst) {
  EXPECT_EQ(Windash("cmd.exe /c whoami"),
            (Strings{"cmd.exe /c whoami", "cmd.exe -c whoami", S("cmd.exe ", kEn, "c whoami"),
                     S("cmd.exe ", kEm, "c whoami"), S("cmd.exe ", kBar, "c whoami")}));
}

TEST(EncodingWindash, OnlyTheDashNextToAWord) {
  EXPECT_EQ(Windash("--x"), (Strings{"--x", "-/x", S("-", kEn, "x"), S("-", kEm, "x"),
                                     S("-", kBar, "x")}));
  EXPECT_EQ(Windash("a/-b"), (Strings{"a/-b", "a//b", S("a/", kEn, "b"), S("a/", kEm, "b"),
                                      S("a/", kBar, "b")}));
}

TEST(EncodingWindash, TypographicDashIsAPosition) {
  EXPECT_EQ(Windash(S("x ", kEm, "y")),
            (Strings{S("x ", kEm, "y"), "x -y", "x /y", S("x ", kEn, "y"), S("x ", kBar, "y")}));
}

TEST(EncodingWindash, CartesianProductLeftmostSlowest) {
  const Strings got = Windash("-param-1 -param2");
  ASSERT_EQ(got.size(), 25u);
  EXPECT_EQ(got[0], "-param-1 -param2");
  EXPECT_EQ(got[1], "-param-1 /param2");
  EXPECT_EQ(got[2], S("-param-1 ", kEn, "param2"));
  EXPECT_EQ(got[4], S("-param-1 ", kBar, "param2"));
  EXPECT_EQ(got[5], "/param-1 -param2");
  EXPECT_EQ(got[6], "/param-1 /param2");
  EXPECT_EQ(got[10], S(kEn, "param-1 -param2"));
  EXPECT_EQ(got[24], S(kBar, "param-1 ", S(kBar, "param2").c_str()));
}

TEST(EncodingWindash, AsciiWordCharacters) {
  // Documented difference from pySigma: a non-ASCII letter is not a word character.
  EXPECT_EQ(Windash("\xc3\xa9-x").size(), 5u);
}

TEST(EncodingWindash, LimitIsSixPositions) {
  const Strings six = Windash("-a -b -c -d -e -f");
  ASSERT_EQ(six.size(), kMaxWindashVariants);
  EXPECT_EQ(six[0], "-a -b -c -d -e -f");
  EXPECT_EQ(six[5], "-a -b -c -d /e -f");
  EXPECT_EQ(six[15624], S(kBar, "a ", kBar) + "b " + kBar + "c " + kBar + "d " + kBar +
                            "e " + kBar + "f");

  Strings out = {"stale"};
  std::string error;
  EXPECT_FALSE(WindashVariants("-a -b -c -d -e -f -g", &out, &error));
  EXPECT_TRUE(out.empty());
  EXPECT_NE(error.find("15625"), std::string::npos) << error;
  EXPECT_FALSE(WindashVariants("-a -b -c -d -e -f -g", &out, nullptr));
}

TEST(EncodingWindash, ReplacesPreviousOutput) {
  Strings out = {"stale", "values"};
  std::string error;
  ASSERT_TRUE(WindashVariants("x", &out, &error));
  EXPECT_EQ(out, (Strings{"x"}));
}

// The sizes the lowering checks before it expands a value must be exactly the sizes of
// what the expansion then produces.
TEST(EncodingExpansionSize, WindashSizeIsExact) {
  for (std::string_view v : {"", "x", "-a", "a-b", "--x", "-a /b", "x \xe2\x80\x94y -z /w",
                             "-a -b -c -d -e -f", "*-x* ?/y"}) {
    Strings out;
    std::string error;
    ASSERT_TRUE(WindashVariants(v, &out, &error)) << error;
    size_t bytes = 0;
    for (const auto& o : out) bytes += o.size();
    const ExpansionSize size = WindashVariantsSize(v);
    EXPECT_EQ(size.count, out.size()) << v;
    EXPECT_EQ(size.bytes, bytes) << v;
  }
  EXPECT_EQ(WindashVariantsSize("-a -b -c -d -e -f").count, 15625u);
  EXPECT_EQ(WindashVariantsSize("-a -b -c -d -e -f").bytes, 15625u * 11 + 6 * 3125 * 11);
  EXPECT_EQ(WindashVariantsSize("-a -b -c -d -e -f -g").count, SIZE_MAX);
  EXPECT_EQ(WindashVariantsSize(std::string(100000, '-') + " -a").count, 5u);
}

TEST(EncodingExpansionSize, Base64OffsetSizeIsExact) {
  for (size_t length = 0; length < 40; ++length) {
    const std::string v(length, 'q');
    size_t count = 0, bytes = 0;
    for (const auto& o : Base64OffsetVariants(v)) {
      if (o.empty()) continue;
      ++count;
      bytes += o.size();
    }
    const ExpansionSize size = Base64OffsetVariantsSize(length);
    EXPECT_EQ(size.count, count) << length;
    EXPECT_EQ(size.bytes, bytes) << length;
  }
}

}  // namespace
}  // namespace vigil::internal
