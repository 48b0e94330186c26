// SPDX-License-Identifier: GPL-3.0-or-later
// Small helpers of the run store: ISO-8601 times, this host and its processes, float32 blobs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clwb::sql {

/// "2026-11-29T11:43:47.123Z"
std::string isoUtc(std::chrono::system_clock::time_point t);
std::string nowIso();
std::optional<std::chrono::system_clock::time_point> parseIso(const std::string& s);
std::string hostName();
/// True when no process `pid` exists on this host.
bool pidIsDead(std::int64_t pid);
bool hostIsLittleEndian();
/// True when `path` does not exist or is empty (SQLite makes a new database of both), or holds at
/// least one 512-byte page starting with SQLite's header ("SQLite format 3"); false otherwise.
bool looksLikeSqlite(const std::string& path);
/// float32 values as little-endian bytes on disk, whatever the host.
std::vector<unsigned char> encodeFloats(const std::vector<float>& values);
std::vector<float> decodeFloats(const unsigned char* bytes, std::size_t count);

}  // namespace clwb::sql
