// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: gzip framing. Mutating compressed bytes almost never yields a stream
// that decompresses, so the fuzzer chooses the content and the framing instead, and this
// target compresses: one to four members split where the input says, optional header
// fields (FEXTRA, FNAME, FCOMMENT, FHCRC), flush points inside a member, stored or
// compressed blocks, zero padding after the last member, and one kind of damage: a cut,
// a wrong CRC, a wrong ISIZE, or garbage after the last member. The content is expanded
// first (fuzz::Expand), so members of megabytes of blanks and huge tokens occur.
//
// Invariants, reading the gzip whole from memory (libdeflate, falling back to zlib) and
// from a file as a stream (zlib, small chunks, max_inflate_bytes = 0):
//   - undamaged framing: exactly the records (text, index, line, envelope) and the
//     number of errors that reading the content uncompressed gives;
//   - damaged framing: an error that names the gzip stream, and every
//     record delivered is a record of the content at the same index, except that a cut
//     may end the last one delivered early.
#include <simdjson.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

using vigil::fuzz::Collect;
using vigil::fuzz::RecordKey;

void Put32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// One gzip member of `content`. `style` picks the header fields, the compression and a
// flush point in the middle.
std::string Member(std::string_view content, uint8_t style) {
  std::string out = {'\x1f', '\x8b', '\x08'};
  const bool fields = style & 1;
  out.push_back(static_cast<char>(fields ? 0x1e : 0x00));  // FHCRC FEXTRA FNAME FCOMMENT
  out.append(std::string(5, '\0'));                        // MTIME, XFL
  out.push_back('\x03');                                   // OS: Unix
  if (fields) {
    out.append("\x04\x00" "ab\x01\x00", 6);                // FEXTRA: 4 bytes
    out.append("name.json", 10);                           // FNAME, zero-terminated
    out.append("comment", 8);                              // FCOMMENT
    const uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(out.data()), out.size());
    out.push_back(static_cast<char>(crc & 0xff));          // FHCRC: low 16 bits
    out.push_back(static_cast<char>((crc >> 8) & 0xff));
  }
  z_stream z{};
  const int level = (style >> 1) % 3 == 0 ? 0 : ((style >> 1) % 3 == 1 ? 1 : 9);
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    vigil::fuzz::Fail("deflateInit2 failed");
  }
  std::string deflated(deflateBound(&z, content.size()) + 64, '\0');
  z.next_out = reinterpret_cast<Bytef*>(deflated.data());
  z.avail_out = static_cast<uInt>(deflated.size());
  const size_t half = (style & 8) ? content.size() / 2 : content.size();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  z.avail_in = static_cast<uInt>(half);
  if (half < content.size()) {
    deflate(&z, (style & 16) ? Z_FULL_FLUSH : Z_SYNC_FLUSH);
    z.avail_in = static_cast<uInt>(content.size() - half);
  }
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) vigil::fuzz::Fail("deflate did not finish");
  deflated.resize(z.total_out);
  deflateEnd(&z);
  out += deflated;
  Put32(crc32(0, reinterpret_cast<const Bytef*>(content.data()), content.size()), &out);
  Put32(static_cast<uint32_t>(content.size()), &out);
  return out;
}

bool SameRecords(const std::vector<RecordKey>& a, const std::vector<RecordKey>& b) {
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vigil::fuzz::ScratchFile file(".json.gz");
  if (size < 3) return 0;
  const uint8_t framing = data[0], where = data[1], style = data[2];
  const std::string content = vigil::fuzz::Expand(
      std::string_view(reinterpret_cast<const char*>(data) + 3, size - 3), 2u << 20);

  // The members: split at fractions of the content that `where` chooses.
  const int members = 1 + framing % 4;
  std::string gz;
  size_t from = 0, last_member = 0;
  for (int m = 0; m < members; ++m) {
    size_t to = content.size();
    if (m + 1 < members) {
      to = from + (content.size() - from) * ((where >> (2 * m)) % 4 + 1) / 5;
    }
    const std::string member = Member(std::string_view(content).substr(from, to - from),
                                      static_cast<uint8_t>(style >> m | (style << (8 - m))));
    gz += member;
    last_member = member.size();
    from = to;
  }
  // The damage, if any.
  const int damage = (framing >> 2) % 8;  // 0-3 none, 4 cut, 5 crc, 6 isize, 7 garbage
  bool damaged = false;
  switch (damage) {
    case 4: {
      // Within the last member (cutting whole members would leave a valid stream).
      const size_t cut = 1 + (static_cast<size_t>(where) * 7919u) % (last_member - 1);
      gz.resize(gz.size() - cut);
      damaged = true;
      break;
    }
    case 5: gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 0x01); damaged = true; break;
    case 6: gz[gz.size() - 1] = static_cast<char>(gz[gz.size() - 1] ^ 0x40); damaged = true; break;
    case 7: gz += "garbage after the stream"; damaged = true; break;
    default:
      if (framing & 0x80) gz.append(512, '\0');  // tar-style padding: not damage
      break;
  }

  Collect plain;
  vigil::ReadStats plain_stats;
  vigil::ReadBuffer(content, "fuzz", vigil::ReadOptions{}, &plain, &plain_stats);

  Collect whole;
  vigil::ReadStats whole_stats;
  vigil::ReadBuffer(gz, "fuzz", vigil::ReadOptions{}, &whole, &whole_stats);

  vigil::ReadOptions streamed;
  streamed.max_inflate_bytes = 0;
  streamed.chunk_size = content.size() < (64u << 10) ? 13 : 4099;
  Collect stream;
  vigil::ReadStats stream_stats;
  vigil::ReadFile(file.Write(gz), streamed, &stream, &stream_stats);

  for (const Collect* got : {&whole, &stream}) {
    const char* how = got == &whole ? "whole" : "streamed";
    if (!damaged) {
      if (!SameRecords(got->records, plain.records)) {
        vigil::fuzz::Fail(std::string("gzip read ") + how + " delivered " +
                          std::to_string(got->records.size()) + " records, the content " +
                          std::to_string(plain.records.size()) + " (or they differ)");
      }
      if (got->errors.size() != plain.errors.size()) {
        vigil::fuzz::Fail(std::string("gzip read ") + how + " reported " +
                          std::to_string(got->errors.size()) + " errors, the content " +
                          std::to_string(plain.errors.size()) +
                          (got->errors.empty() ? "" : ": " + got->errors[0]));
      }
      continue;
    }
    // (Not "one error more than the content": an error the cut explains, the JSON
    // broken at the very end, is folded into the gzip error.)
    bool reported = false;
    for (const std::string& e : got->errors) reported |= e.find("gzip") != std::string::npos;
    // A cut that leaves less than the 2-byte magic leaves nothing that says gzip (a lone
    // 0x1f byte): any error will do, and no record can come out of it.
    if (gz.size() < 2) reported = !got->errors.empty() && got->records.empty();
    if (!reported) {
      vigil::fuzz::Fail(std::string("damaged gzip (kind ") + std::to_string(damage) +
                        ") read " + how + " reported no gzip error" +
                        (got->errors.empty() ? "" : "; first error: " + got->errors[0]));
    }
    for (size_t i = 0; i < got->records.size(); ++i) {
      const RecordKey& r = got->records[i];
      bool found = false;
      for (const RecordKey& p : plain.records) {
        if (std::get<1>(p) == std::get<1>(r) && p == r) {
          found = true;
          break;
        }
      }
      const bool last_of_cut = damage == 4 && i + 1 == got->records.size();
      // The fast path delivers an object without looking inside it; the whole content,
      // whose damage further on sends it to the strict path, reports the same object
      // as damage instead (Issue13LargeTextTest.DamageLaterInADocumentLeavesTheNumberingOfValidRecords).
      // Such a record is not valid JSON, and valid records keep their index.
      auto broken_inside = [&] {
        simdjson::dom::parser json;
        return json.parse(std::get<0>(r)).error() != simdjson::SUCCESS;
      };
      if (!found && !last_of_cut && !broken_inside()) {
        vigil::fuzz::Fail(std::string("damaged gzip read ") + how + " delivered record " +
                          std::to_string(std::get<1>(r)) + " that the content does not hold: " +
                          std::get<0>(r).substr(0, 200));
      }
    }
  }
  return 0;
}
