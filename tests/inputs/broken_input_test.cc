// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Broken input loses nothing: for each kind of damage, a folder holds a valid file
// before and after a broken one, and the broken file holds valid records before and
// after the broken spot (where its format lets anything follow). A rule matching every
// event then shows, record by record, that everything valid is still matched, with one
// thread and with four; the damage is reported once, with file, position and reason,
// and counted in ScanStats.

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "inputs/scan_testing.h"
#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

using testing::TempDir;

std::shared_ptr<const RuleSet> EveryEvent() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: every event
detection:
  none: {eventName: __no_such_event__}
  condition: not none
)");
  return b.Build();
}

// Event n of a test file; `n` tells which one it is.
std::string Event(int n) {
  return "{\"eventName\":\"ListBuckets\",\"userAgent\":\"agent " + std::to_string(n) + "\",\"n\":" +
         std::to_string(n) + "}";
}

std::string Lines(int from, int to) {
  std::string s;
  for (int n = from; n < to; ++n) s += Event(n) + "\n";
  return s;
}

std::string RecordsFile(int from, int to) {
  std::string s = "{\"Records\":[";
  for (int n = from; n < to; ++n) s += (n > from ? "," : "") + Event(n);
  return s + "]}";
}

struct Outcome {
  // File name (relative to the folder) -> record indexes matched.
  std::map<std::string, std::set<uint64_t>> matched;
  std::vector<InputError> errors;
  ScanStats stats;
};

Outcome Scan(const std::string& folder, unsigned threads) {
  struct Sink : vigil::testing::PerMatchSink {
    std::string prefix;
    Outcome* out;
    bool OnMatch(const Record& r, const vigil::Match&) {
      std::string name = *r.file;
      if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
      EXPECT_TRUE(out->matched[name].insert(r.index).second) << name << ":" << r.index << " twice";
      return true;
    }
    void OnError(const InputError& e) override {
      InputError copy = e;
      if (copy.file.rfind(prefix, 0) == 0) copy.file = copy.file.substr(prefix.size());
      out->errors.push_back(copy);
    }
  };
  Outcome out;
  Sink sink;
  sink.prefix = folder + "/";
  sink.out = &out;
  Scanner scanner(EveryEvent());
  ScanOptions o;
  o.kind = EventKind::kAny;
  o.threads = threads;
  out.stats = ScanInputs(scanner, {folder}, o, &sink);
  return out;
}

std::set<uint64_t> Range(uint64_t from, uint64_t to) {
  std::set<uint64_t> s;
  for (uint64_t i = from; i < to; ++i) s.insert(i);
  return s;
}

struct ExpectedError {
  std::string file;
  uint64_t line;
  uint64_t byte_offset;
  std::string message;
  // The reader delivered the record and the matcher rejected it (ScanStats::event_errors,
  // no stream offset: the message gives the byte within the event).
  bool in_event = false;
};

// Writes the valid neighbours, scans with 1 and 4 threads and checks everything.
// `broken` maps each file of the case to the records expected from it.
void Check(const TempDir& dir, const std::map<std::string, std::set<uint64_t>>& broken,
           const std::vector<ExpectedError>& errors, uint64_t files_read,
           std::initializer_list<unsigned> thread_counts = {1u, 4u}) {
  dir.Write("a_before.ndjson", Lines(0, 5));
  dir.Write("z_after.json", RecordsFile(0, 7));
  std::map<std::string, std::set<uint64_t>> expected = broken;
  expected["a_before.ndjson"] = Range(0, 5);
  expected["z_after.json"] = Range(0, 7);
  for (auto it = expected.begin(); it != expected.end();) {
    it = it->second.empty() ? expected.erase(it) : std::next(it);
  }
  uint64_t events = 0;
  for (const auto& [file, records] : expected) events += records.size();
  for (unsigned threads : thread_counts) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const Outcome got = Scan(dir.path(), threads);
    EXPECT_EQ(got.matched, expected);
    ASSERT_EQ(got.errors.size(), errors.size());
    for (size_t i = 0; i < errors.size(); ++i) {
      EXPECT_EQ(got.errors[i].file, errors[i].file) << i;
      EXPECT_EQ(got.errors[i].line, errors[i].line) << got.errors[i].message;
      EXPECT_EQ(got.errors[i].byte_offset, errors[i].byte_offset) << got.errors[i].message;
      EXPECT_EQ(got.errors[i].message, errors[i].message);
    }
    uint64_t in_events = 0;
    for (const auto& e : errors) in_events += e.in_event ? 1 : 0;
    EXPECT_EQ(got.stats.input_errors, errors.size() - in_events);
    EXPECT_EQ(got.stats.event_errors, in_events);
    EXPECT_EQ(got.stats.events, events + in_events);
    EXPECT_EQ(got.stats.matches, events);
    EXPECT_EQ(got.stats.files, files_read);
  }
}

TEST(BrokenInputTest, MalformedNdjsonLine) {
  TempDir dir;
  const std::string head = Lines(0, 3);
  dir.Write("m.ndjson", head + "{\"eventName\": broken}\n" + Lines(4, 8));
  Check(dir, {{"m.ndjson", {0, 1, 2, 4, 5, 6, 7}}},
        {{"m.ndjson", 4, 0, "record 3: invalid JSON at byte 14 of the event: expected a JSON value", true}}, 3);
}

TEST(BrokenInputTest, MalformedRecordInPrettyRecordsFile) {
  // One record per line inside a Records array. The reader takes each element's text
  // without parsing it (the brackets around it are intact), the matcher rejects it.
  TempDir dir;
  std::string text = "{\"Records\":[\n";
  for (int n = 0; n < 6; ++n) {
    text += (n == 2 ? std::string("{\"eventName\":\"X\",,\"n\":2}") : Event(n)) + (n < 5 ? ",\n" : "\n");
  }
  text += "]}\n";
  dir.Write("m.json", text);
  Check(dir, {{"m.json", {0, 1, 3, 4, 5}}},
        {{"m.json", 4, 0, "record 2: invalid JSON at byte 17 of the event: expected a string (an object key)", true}},
        3);
}

// What zlib can decode of a damaged gzip stream: the text before the damage.
std::string DecodablePrefix(const std::string& gz) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 16 + MAX_WBITS), Z_OK);
  std::string out;
  char buf[4096];
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  for (;;) {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof buf;
    const int r = inflate(&s, Z_NO_FLUSH);
    out.append(buf, sizeof buf - s.avail_out);
    if (r != Z_OK) break;
  }
  inflateEnd(&s);
  return out;
}

TEST(BrokenInputTest, TruncatedGzip) {
  TempDir dir;
  const std::string full = testing::Gzip(Lines(0, 400));
  const std::string cut = full.substr(0, full.size() / 2);
  dir.Write("m.json.gz", cut);
  const std::string prefix = DecodablePrefix(cut);
  const uint64_t whole_lines = static_cast<uint64_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  ASSERT_GT(whole_lines, 20u);
  ASSERT_LT(whole_lines, 400u);
  // Every line that arrived whole is matched; the stream error names where it ends.
  Check(dir, {{"m.json.gz", Range(0, whole_lines)}},
        {{"m.json.gz", whole_lines + 1, prefix.size(),
          "truncated gzip stream: the compressed input ends at byte " + std::to_string(cut.size()) +
              " in the middle of a member, after " + std::to_string(prefix.size()) +
              " decompressed bytes"}},
        3);
}

TEST(BrokenInputTest, CorruptGzipMember) {
  // Two gzip members; the second has bytes flipped in its compressed data. Deflate
  // cannot tell: it decodes the damage into wrong text and only the CRC at the end of the
  // member says so. The first member is intact, so all its records come out; of the
  // damaged text, each line that is still a JSON object is a record (garbage in), each
  // other line an error, and the CRC failure is reported at the end.
  TempDir dir;
  const std::string first = testing::Gzip(Lines(0, 50));
  std::string second = testing::Gzip(Lines(50, 300));
  for (size_t i = second.size() / 2; i < second.size() / 2 + 16; ++i) second[i] = static_cast<char>(second[i] ^ 0x5a);
  dir.Write("m.json.gz", first + second);
  const std::string text = Lines(0, 50) + DecodablePrefix(second);
  std::set<uint64_t> objects;
  uint64_t index = 0, broken = 0;
  simdjson::dom::parser parser;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    simdjson::dom::element e;
    if (!parser.parse(text.substr(pos, nl - pos)).get(e) && e.is_object()) {
      objects.insert(index);
    } else if (nl < text.size()) {
      ++broken;
    }  // else: text cut short by the damage, which the gzip error reports (reader_recovery.cc)
    pos = nl + 1;
    ++index;
  }
  for (uint64_t i = 0; i < 50; ++i) EXPECT_EQ(objects.count(i), 1u) << i;
  EXPECT_GT(broken, 0u);
  dir.Write("a_before.ndjson", Lines(0, 5));
  dir.Write("z_after.json", RecordsFile(0, 7));
  for (unsigned threads : {1u, 4u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const Outcome got = Scan(dir.path(), threads);
    EXPECT_EQ(got.matched.at("m.json.gz"), objects);
    EXPECT_EQ(got.matched.at("a_before.ndjson"), Range(0, 5));
    EXPECT_EQ(got.matched.at("z_after.json"), Range(0, 7));
    ASSERT_EQ(got.errors.size(), broken + 1);
    const InputError& last = got.errors.back();
    EXPECT_EQ(last.file, "m.json.gz");
    EXPECT_EQ(last.line, index) << "the line on which the text ends";
    EXPECT_EQ(last.byte_offset, text.size());
    // zlib stops right after the CRC it checked, 4 bytes (ISIZE) before the end.
    EXPECT_EQ(last.message, "corrupt gzip stream at compressed byte " + std::to_string(first.size() + second.size() - 4) +
                                ", after " + std::to_string(text.size()) + " decompressed bytes: incorrect data check");
    EXPECT_EQ(got.stats.input_errors + got.stats.event_errors, broken + 1);
  }
}

TEST(BrokenInputTest, InvalidUtf8InAStringValue) {
  TempDir dir;
  const std::string head = Lines(0, 2);
  const std::string bad = "{\"eventName\":\"ListBuckets\",\"userAgent\":\"bad \xff\xfe agent\",\"n\":2}";
  dir.Write("m.ndjson", head + bad + "\n" + Lines(3, 6));
  // The same inside a compact Records file (one line): the other records still come out.
  std::string records = "{\"Records\":[" + Event(0) + "," + Event(1) + "," + bad + "," + Event(3) + "]}";
  dir.Write("n.json", records);
  Check(dir, {{"m.ndjson", {0, 1, 3, 4, 5}}, {"n.json", {0, 1, 3}}},
        {{"m.ndjson", 3, head.size(), "invalid UTF-8 in event"},
         {"n.json", 1, records.find(bad), "invalid UTF-8 in event"}},
        4);
}

TEST(BrokenInputTest, NulBytes) {
  TempDir dir;
  const std::string head = Lines(0, 2);
  // A line of NULs (a file preallocated and partly written), and a NUL inside a string.
  dir.Write("m.ndjson", head + std::string(8, '\0') + "\n" + Lines(3, 5));
  static const char kNulInString[] = "{\"eventName\":\"List\0Buckets\",\"n\":1}";
  const std::string text = Event(0) + "\n" + std::string(kNulInString, sizeof kNulInString - 1) + "\n" + Lines(2, 4);
  dir.Write("n.ndjson", text);
  Check(dir, {{"m.ndjson", {0, 1, 3, 4}}, {"n.ndjson", {0, 2, 3}}},
        {{"m.ndjson", 3, head.size(), "invalid JSON: expected a JSON value"},
         {"n.ndjson", 2, Event(0).size() + 1 + 18, "invalid JSON: control character inside a string"}},
        4);
}

TEST(BrokenInputTest, DuplicateKeysLoadAsData) {
  // Duplicate keys are not an input error (RFC 8259 leaves them to the reader): the
  // record is delivered, and rules see every value (EvaluatorTest.DuplicateKeysAreAllSeen).
  TempDir dir;
  dir.Write("m.ndjson", Lines(0, 2) + "{\"eventName\":\"A\",\"eventName\":\"B\",\"n\":2}\n" + Lines(3, 5));
  Check(dir, {{"m.ndjson", Range(0, 5)}}, {}, 3);
}

TEST(BrokenInputTest, EmptyFilesAreReported) {
  // An empty file (or a 0-byte .gz, a gzip of nothing, only whitespace) yields nothing;
  // CloudTrail never writes one (a truncated upload, a shipper's placeholder), so each
  // is reported and counted, and the files around it are read.
  TempDir dir;
  dir.Write("m_empty.json", "");
  dir.Write("m_empty.json.gz", "");
  dir.Write("m_empty_member.json.gz", testing::Gzip(""));
  dir.Write("m_blank.ndjson", "\n\n  \n");
  dir.Write("m_records_empty.json", "{\"Records\":[]}");  // a valid file of no records
  const std::string empty = "empty: no records (0 bytes, or only whitespace)";
  Check(dir, {},
        {{"m_blank.ndjson", 0, 0, empty},
         {"m_empty.json", 0, 0, empty},
         {"m_empty.json.gz", 0, 0, empty},
         {"m_empty_member.json.gz", 0, 0, empty}},
        7);
}

TEST(BrokenInputTest, SymlinkLoops) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/m_sub");
  dir.Write("m_sub/inner.ndjson", Lines(0, 3));
  std::filesystem::create_directory_symlink("..", dir.path() + "/m_sub/up");
  std::filesystem::create_symlink("m_self", dir.path() + "/m_self");
  Check(dir, {{"m_sub/inner.ndjson", Range(0, 3)}},
        {{"m_self", 0, 0, "symbolic link loop"},
         {"m_sub/up", 0, 0, "symbolic link loop: the folder contains itself; not followed"}},
        3);
}

TEST(BrokenInputTest, UnreadableFile) {
  TempDir dir;
  const std::string path = dir.Write("m.ndjson", Lines(0, 3));
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  if (geteuid() != 0) {
    Check(dir, {}, {{"m.ndjson", 0, 0, "cannot open: Permission denied"}}, 2);
    return;
  }
  // As root (how CI runs) chmod 000 stops nobody: the scan runs in a child process that
  // has given up root for good (user and group 65534, "nobody"), where the file is as
  // unreadable as for any user. The folder is opened to that user so the child can write
  // the neighbours. Skipped only where root cannot change user (no CAP_SETUID).
  ASSERT_EQ(chmod(dir.path().c_str(), 0777), 0);
  fflush(nullptr);
  const pid_t child = fork();
  ASSERT_GE(child, 0) << strerror(errno);
  if (child == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(77);
    if (open(path.c_str(), O_RDONLY) >= 0) _exit(78);  // still readable: the test proves nothing
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer stops a child of a fork that starts threads (its runtime has a
    // thread of its own): one scan thread here; the 4-thread error path is tested by
    // the other cases.
    Check(dir, {}, {{"m.ndjson", 0, 0, "cannot open: Permission denied"}}, 2, {1u});
#else
    Check(dir, {}, {{"m.ndjson", 0, 0, "cannot open: Permission denied"}}, 2);
#endif
    fflush(nullptr);
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died: status " << status;
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "root cannot give up root here (setuid failed)";
  ASSERT_NE(WEXITSTATUS(status), 78) << "the file stayed readable after giving up root";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the checks failed in the child (its messages are above)";
}

TEST(BrokenInputTest, FolderNamedLikeAFile) {
  // A folder called m.json.gz is walked like any folder.
  TempDir dir;
  std::filesystem::create_directory(dir.path() + "/m.json.gz");
  dir.Write("m.json.gz/inner.json", RecordsFile(0, 4));
  Check(dir, {{"m.json.gz/inner.json", Range(0, 4)}}, {}, 3);
}

}  // namespace
}  // namespace vigil
