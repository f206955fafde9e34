// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The CLI's escaping of printed text (src/cli/text_out.h) and its whole-line writer
// (src/cli/line_writer.h).
#include "cli/text_out.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "cli/line_writer.h"

namespace vigil::cli {
namespace {

TEST(TextOutTest, TerminalTextEscapesControlsReversibly) {
  EXPECT_EQ(TerminalText("plain arn:aws:iam::1:user/x"), "plain arn:aws:iam::1:user/x");
  EXPECT_EQ(TerminalText("\x1b]0;owned\x07\x1b[2J"), "\\x1b]0;owned\\x07\\x1b[2J");
  EXPECT_EQ(TerminalText("a\r\nb\tc\x7f"), "a\\r\\nb\\tc\\x7f");
  EXPECT_EQ(TerminalText("back\\slash"), "back\\\\slash");
  // C1 (U+009B is CSI), bidi override, line separator: as \uXXXX; é stays.
  EXPECT_EQ(TerminalText("\xc2\x9b" "2J \xe2\x80\xae" "txt \xe2\x80\xa8 \xc3\xa9"),
            "\\u009b2J \\u202etxt \\u2028 \xc3\xa9");
  // Bytes that are not UTF-8: \xNN, distinct from the character U+0085 (\u0085).
  EXPECT_EQ(TerminalText("x\xff\x85y\xc2\x85"), "x\\xff\\x85y\\u0085");
}

TEST(TextOutTest, NameTextIsReversibleForAnyBytes) {
  EXPECT_EQ(NameText("logs/a.json"), "logs/a.json");
  EXPECT_EQ(NameText("a\xff.json"), "a\\xff.json");
  EXPECT_EQ(NameText("a\xfe.json"), "a\\xfe.json");  // two names, two texts
  EXPECT_EQ(NameText("a\\xff.json"), "a\\\\xff.json");  // the text \xff itself
  EXPECT_EQ(NameText("caf\xc3\xa9\n"), "caf\xc3\xa9\n");  // JSON escapes the newline
}

TEST(TextOutTest, LineSeparatorsAreEscapedInJsonLines) {
  std::string line = "{\"a\":\"x\xe2\x80\xa8y\xe2\x80\xa9z\xc2\x85w\xe2\x80\xa7\"}\n";
  EscapeLineSeparators(&line);
  EXPECT_EQ(line, "{\"a\":\"x\\u2028y\\u2029z\\u0085w\xe2\x80\xa7\"}\n");
  std::string ascii = "{\"a\":1}\n";
  EscapeLineSeparators(&ascii);
  EXPECT_EQ(ascii, "{\"a\":1}\n");
}

TEST(TextOutTest, DiagnosticLinesCannotBeForgedByFileNamesOrMessages) {
  vigil::Diagnostic d(vigil::Severity::kError, {"rules/a\nvigil: ok.yml", 3, 5}, "bad regex '\\d\r\x1b[2J'");
  EXPECT_EQ(DiagnosticLine(d), "rules/a\\nvigil: ok.yml:3:5: error: bad regex '\\d\\r\\x1b[2J'");
  vigil::Diagnostic plain(vigil::Severity::kWarning, {"r.yml", 0, 0}, "x");
  EXPECT_EQ(DiagnosticLine(plain), plain.ToString());
}

// Reads what is in the pipe now.
std::string Drain(int fd) {
  std::string got;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

TEST(LineWriterTest, EveryWriteHoldsWholeLines) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  std::string all;
  std::thread reader([&] { all = Drain(p[0]); });
  uint64_t writes = 0;
  {
    LineWriter w(p[1], /*immediate=*/false);
    const std::string line = std::string(1000, 'x') + "\n";  // 65 lines fill the buffer
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(w.Write(line));
    const std::string big = std::string(LineWriter::kBufferBytes + 10, 'y') + "\n";
    ASSERT_TRUE(w.Write(big));
    ASSERT_TRUE(w.Flush());
    writes = w.writes();
  }
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  EXPECT_EQ(all.size(), 200u * 1001 + LineWriter::kBufferBytes + 11);
  // 65 lines per buffer (65,065 bytes): 200 lines are 4 writes (65+65+65+5), the big
  // line flushes the 5 and goes alone: 5 whole-line writes (no partial writes from a
  // pipe that is drained).
  EXPECT_EQ(writes, 5u);
}

// A line given in pieces is one line: buffered with the others, written alone when it
// is larger than the buffer, and in one write(2) on a terminal (immediate).
TEST(LineWriterTest, ALineInPiecesIsWrittenWhole) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  std::string all;
  std::thread reader([&] { all = Drain(p[0]); });
  uint64_t writes = 0, immediate_writes = 0;
  const std::string big(LineWriter::kBufferBytes, 'b');
  {
    LineWriter w(p[1], /*immediate=*/false);
    ASSERT_TRUE(w.Write({"{\"a\":", "1", "}\n"}));
    ASSERT_TRUE(w.Write("{\"b\":2}\n"));
    ASSERT_TRUE(w.Write({"[\"", big, "\"]\n"}));  // flushes the two, then goes alone
    ASSERT_TRUE(w.Write({"{\"c\":", "3}\n"}));
    ASSERT_TRUE(w.Flush());
    writes = w.writes();
    LineWriter t(p[1], /*immediate=*/true);
    ASSERT_TRUE(t.Write({"{\"d\":", "4", "}\n"}));
    immediate_writes = t.writes();
  }
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  EXPECT_EQ(all, "{\"a\":1}\n{\"b\":2}\n[\"" + big + "\"]\n{\"c\":3}\n{\"d\":4}\n");
  EXPECT_EQ(writes, 3u);
  EXPECT_EQ(immediate_writes, 1u);
}

TEST(LineWriterTest, PendingLinesAreWrittenWithinASecondWithoutMoreInput) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  LineWriter w(p[1], /*immediate=*/false);
  ASSERT_TRUE(w.Write("{\"a\":1}\n"));
  // Nothing else is written and Flush is not called: the flusher thread must write it.
  // A liveness bound, not a speed assertion: the flusher writes after 500-600 ms; 10 s
  // keeps the test from hanging if it never does.
  std::string got;
  pollfd pfd{p[0], POLLIN, 0};
  if (::poll(&pfd, 1, 10000) == 1) {
    char buf[64];
    const ssize_t n = ::read(p[0], buf, sizeof buf);
    if (n > 0) got.assign(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(got, "{\"a\":1}\n");
  EXPECT_EQ(w.writes(), 1u);
  ::close(p[0]);
  ::close(p[1]);
}

}  // namespace
}  // namespace vigil::cli
