// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The decompression floor: how fast can the .json.gz files of a CloudTrail folder be
// read and decompressed, doing nothing else? A scan cannot be faster than this, so the
// harness reports vigil's speed on the same files as a ratio to it.
//
// usage: vigil_decompress_floor [--threads N] [--zlib] PATH...
// Reads every *.gz file under PATH (whole file, then libdeflate's one-shot gzip
// decompression into a buffer sized from the gzip trailer, as vigil's reader does;
// --zlib: zlib's inflate instead) and prints one JSON object: files, compressed and
// decompressed bytes, seconds.

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  out->resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  in.read(out->data(), static_cast<std::streamsize>(out->size()));
  return static_cast<bool>(in);
}

size_t InflateZlib(const std::string& in, std::string* out) {
  z_stream s{};
  inflateInit2(&s, 16 + MAX_WBITS);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  size_t total = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(out->data());
    s.avail_out = static_cast<uInt>(out->size());
    rc = inflate(&s, Z_NO_FLUSH);
    total += out->size() - s.avail_out;
  }
  inflateEnd(&s);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 1;
  bool zlib = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--zlib") {
      zlib = true;
    } else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(a)) {
        // Digest files are not logs; vigil skips them too.
        const std::string path = e.path().string();
        if (e.is_regular_file() && e.path().extension() == ".gz" &&
            path.find("/CloudTrail-Digest/") == std::string::npos) {
          files.push_back(path);
        }
      }
    } else {
      files.push_back(a);
    }
  }
  std::sort(files.begin(), files.end());
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> in_bytes{0}, out_bytes{0};
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::string in, out;
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      if (!ReadAll(files[i], &in) || in.size() < 18) {
        failed = true;
        continue;
      }
      uint32_t isize;
      std::memcpy(&isize, in.data() + in.size() - 4, 4);
      out.resize(std::max<size_t>(isize, 1 << 16));
      size_t got = 0;
      if (zlib) {
        got = InflateZlib(in, &out);
      } else if (libdeflate_gzip_decompress(d, in.data(), in.size(), out.data(), out.size(), &got) !=
                 LIBDEFLATE_SUCCESS) {
        failed = true;
        continue;
      }
      in_bytes += in.size();
      out_bytes += got;
    }
    libdeflate_free_decompressor(d);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"files\":%zu,\"compressed_bytes\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"threads\":%u,"
              "\"codec\":\"%s\",\"errors\":%s}\n",
              files.size(), (unsigned long long)in_bytes.load(), (unsigned long long)out_bytes.load(), secs,
              threads, zlib ? "zlib" : "libdeflate", failed ? "true" : "false");
  return failed ? 1 : 0;
}
