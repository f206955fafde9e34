// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The public input API of include/vigil/input.h: ExpandInputs (folder walking),
// ReadFile, ReadBuffer, ReadInputs and ReadStats. Reading itself is in reader.cc.
//
// Folder walking. Each folder's entries are sorted by name (byte order) and walked
// depth first, so the file order, and with it every record index and error, is the
// same on every run and file system. Rules:
//   - a file under a folder named `CloudTrail-Digest` (in the path given or below
//     it) is an integrity digest, not events: skipped and counted in skipped_files;
//   - a hidden file (name starting with '.') is skipped and counted; a hidden folder
//     (.git, .cache, ...) is not entered;
//   - any other regular file is listed, whatever its extension: the reader detects
//     the format from the content;
//   - FIFOs, sockets and devices found in a folder are skipped and counted (reading
//     one could block forever); named explicitly they are read, so
//     `vigil scan <(zcat x.gz)` works;
//   - symbolic links are followed, except a link to a folder that contains the link
//     (the folder itself or any folder above it, in the file system, not just in the
//     walk), which would loop and is reported; a dangling link is reported;
//   - every file and folder is listed or walked once per call, identified by
//     (device, inode), however many paths lead to it.
//
// Then the files found under one folder input are put in delivery order: the ones
// whose name carries a CloudTrail delivery time (`_YYYYMMDDTHHMMZ_`, as in
// <account>_CloudTrail_<region>_20240101T0005Z_<random>.json.gz) are sorted by it,
// in the slots that such files held in the walk; files without one keep their slot.
// Equal times keep walk order. Why: the S3 layout puts the region above the date
// (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/), so a name-order walk reads
// each region's whole day before the next and event time jumps back hours at every
// region, which a correlator with a lateness bound would drop as late. CloudTrail
// usually delivers a file minutes after its events, so the events of a folder read
// this way are out of order by minutes, not hours.
//
// Tested by tests/inputs/expand_inputs_test.cc and tests/inputs/reader_test.cc.
#include <errno.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inputs/reader.h"
#include "vigil/input.h"

namespace vigil {
namespace {

constexpr char kDigestFolder[] = "CloudTrail-Digest";

class NullSink : public RecordSink {
 public:
  bool OnRecord(const Record&) override { return true; }
  void OnError(const InputError&) override {}
};

RecordSink* OrNull(RecordSink* sink) {
  static NullSink null_sink;
  return sink != nullptr ? sink : &null_sink;
}

// The delivery time in a CloudTrail log file name, the first `_YYYYMMDDTHHMMZ_` of
// its last component, as the number YYYYMMDDHHMM (ordered like the time); 0 if none.
uint64_t DeliveryTime(const std::string& path) {
  constexpr size_t kLen = 16;  // _YYYYMMDDTHHMMZ_
  const size_t slash = path.rfind('/');
  const std::string_view name =
      std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  for (size_t at = name.find('_'); at != std::string_view::npos && at + kLen <= name.size();
       at = name.find('_', at + 1)) {
    const std::string_view t = name.substr(at, kLen);
    if (t[9] != 'T' || t[14] != 'Z' || t[15] != '_') continue;
    uint64_t time = 0;
    bool digits = true;
    for (size_t i = 1; i < 14 && digits; ++i) {
      if (i == 9) continue;
      digits = t[i] >= '0' && t[i] <= '9';
      time = time * 10 + static_cast<uint64_t>(t[i] - '0');
    }
    if (digits) return time;
  }
  return 0;
}

class Expander {
 public:
  Expander(RecordSink* sink, ReadStats* stats, std::vector<std::string>* out)
      : sink_(sink), stats_(stats), out_(out) {}

  void Add(const std::string& input) {
    if (input == "-") {
      out_->push_back(input);
      return;
    }
    struct stat st;
    if (!Stat(input, &st)) return;
    if (S_ISDIR(st.st_mode)) {
      bool in_digest = false;
      for (const auto& part : std::filesystem::path(input)) {
        if (part == kDigestFolder) in_digest = true;
      }
      // The folders above the one given count as ancestors too: a link inside it to
      // one of them would walk back into it.
      std::error_code ec;
      std::filesystem::path real = std::filesystem::canonical(input, ec);
      const size_t outer = ancestors_.size();
      for (std::filesystem::path up = real.parent_path(); !ec && !up.empty();
           up = up.parent_path()) {
        struct stat above;
        if (::stat(up.c_str(), &above) == 0) ancestors_.push_back(Id(above));
        if (up == up.root_path()) break;
      }
      const size_t first = out_->size();
      Walk(input, st, in_digest);
      ancestors_.resize(outer);
      SortByDeliveryTime(first);
      return;
    }
    if (seen_.insert(Id(st)).second) out_->push_back(input);
  }

 private:
  using FileId = std::pair<dev_t, ino_t>;
  static FileId Id(const struct stat& st) { return {st.st_dev, st.st_ino}; }

  // stat() following links; reports why it failed.
  bool Stat(const std::string& path, struct stat* st) {
    if (::stat(path.c_str(), st) == 0) return true;
    const int err = errno;
    struct stat link;
    if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      Error(path, "broken symbolic link (its target does not exist)");
    } else if (err == ELOOP) {
      Error(path, "symbolic link loop");
    } else {
      Error(path, std::string("cannot access: ") + std::strerror(err));
    }
    return false;
  }

  void Walk(const std::string& dir, const struct stat& st, bool in_digest) {
    const FileId id = Id(st);
    if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
      Error(dir, "symbolic link loop: the folder contains itself; not followed");
      return;
    }
    if (!seen_.insert(id).second) return;  // already walked through another path

    std::vector<std::string> names;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
      Error(dir, "cannot read folder: " + ec.message());
      return;
    }
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) Error(dir, "cannot read folder: " + ec.message());
    std::sort(names.begin(), names.end());

    ancestors_.push_back(id);
    for (const std::string& name : names) {
      const std::string path = (std::filesystem::path(dir) / name).string();
      const bool hidden = name[0] == '.';
      struct stat entry;
      if (hidden) {
        // Hidden entries are skipped even when they are broken links.
        if (::stat(path.c_str(), &entry) == 0 && S_ISREG(entry.st_mode)) {
          ++stats_->skipped_files;
        }
        continue;
      }
      if (!Stat(path, &entry)) continue;
      if (S_ISDIR(entry.st_mode)) {
        Walk(path, entry, in_digest || name == kDigestFolder);
      } else if (!S_ISREG(entry.st_mode) || in_digest) {
        ++stats_->skipped_files;
      } else if (seen_.insert(Id(entry)).second) {
        out_->push_back(path);
      }
    }
    ancestors_.pop_back();
  }

  // Sorts (*out_)[first..] as the comment at the top of this file says.
  void SortByDeliveryTime(size_t first) {
    std::vector<size_t> slots;                    // where the files with a time are
    std::vector<std::pair<uint64_t, size_t>> by;  // (time, walk position) of each
    for (size_t i = first; i < out_->size(); ++i) {
      if (const uint64_t time = DeliveryTime((*out_)[i])) {
        slots.push_back(i);
        by.emplace_back(time, i);
      }
    }
    std::sort(by.begin(), by.end());  // the walk position breaks ties
    std::vector<std::string> moved(by.size());
    for (size_t k = 0; k < by.size(); ++k) moved[k] = std::move((*out_)[by[k].second]);
    for (size_t k = 0; k < slots.size(); ++k) (*out_)[slots[k]] = std::move(moved[k]);
  }

  void Error(const std::string& path, std::string message) {
    InputError error;
    error.file = path;
    error.message = std::move(message);
    ++stats_->errors;
    sink_->OnError(error);
  }

  RecordSink* sink_;
  ReadStats* stats_;
  std::vector<std::string>* out_;
  std::set<FileId> seen_;
  std::vector<FileId> ancestors_;
};

}  // namespace

ReadStats& ReadStats::operator+=(const ReadStats& o) {
  files += o.files;
  records += o.records;
  bytes += o.bytes;
  compressed_bytes += o.compressed_bytes;
  errors += o.errors;
  skipped_files += o.skipped_files;
  return *this;
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs, RecordSink* sink,
                                      ReadStats* stats) {
  ReadStats local;
  std::vector<std::string> files;
  Expander expander(OrNull(sink), stats != nullptr ? stats : &local, &files);
  for (const std::string& input : inputs) expander.Add(input);
  return files;
}

bool ReadFile(const std::string& path, const ReadOptions& options, RecordSink* sink,
              ReadStats* stats) {
  ReadStats local;
  internal::Reader reader(options, OrNull(sink), stats != nullptr ? stats : &local);
  return reader.ReadPath(path);
}

bool ReadBuffer(std::string_view data, const std::string& name, const ReadOptions& options,
                RecordSink* sink, ReadStats* stats) {
  ReadStats local;
  internal::Reader reader(options, OrNull(sink), stats != nullptr ? stats : &local);
  return reader.ReadMemory(data, name);
}

ReadStats ReadInputs(const std::vector<std::string>& inputs, const ReadOptions& options,
                     RecordSink* sink) {
  return internal::ReadInputs(inputs, options, sink, nullptr);
}

namespace internal {

ReadStats ReadInputs(const std::vector<std::string>& inputs, const ReadOptions& options,
                     RecordSink* sink, DomHandoff* handoff) {
  ReadStats stats;
  sink = OrNull(sink);
  const std::vector<std::string> files =
      inputs.empty() ? std::vector<std::string>{"-"} : ExpandInputs(inputs, sink, &stats);
  // One Reader for all files: its buffers and parser are reused.
  Reader reader(options, sink, &stats);
  reader.set_dom_handoff(handoff);
  for (const std::string& file : files) {
    if (!reader.ReadPath(file)) break;
  }
  return stats;
}

}  // namespace internal

}  // namespace vigil
