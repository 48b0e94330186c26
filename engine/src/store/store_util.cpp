// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/store_util.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace clwb::sql {

// --- time -----------------------------------------------------------------------------------

std::string isoUtc(std::chrono::system_clock::time_point t)
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    // Floor division keeps the millisecond field in 0..999 for times before 1970 too.
    const auto floorSecs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    const std::time_t secs = static_cast<std::time_t>(floorSecs);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];  // room for any int fields, so the compiler can prove no truncation
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms - floorSecs * 1000));
    return buf;
}

std::string nowIso()
{
    return isoUtc(std::chrono::system_clock::now());
}

/// Parses what isoUtc writes (milliseconds optional); nullopt when it is not that format.
std::optional<std::chrono::system_clock::time_point> parseIso(const std::string& s)
{
    std::tm tm{};
    int millis = 0;
    int consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    if (s[consumed] == '.' && std::sscanf(s.c_str() + consumed + 1, "%3d", &millis) != 1)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::time_t secs = timegm(&tm);
    if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(millis);
}

std::string hostName()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

/// True only when the kernel says the pid does not exist (EPERM means alive, another user).
bool pidIsDead(std::int64_t pid)
{
    // pid <= 0 would address process groups, so an unknown pid is never "dead".
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
    return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// --- float32 blobs (little-endian on disk, whatever the host) ------------------------------

bool hostIsLittleEndian()
{
    const std::uint32_t one = 1;
    unsigned char first = 0;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

bool looksLikeSqlite(const std::string& path)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return true;  // missing (a new database) or unreadable: SQLite says which
    char page[512] = {};  // SQLite's smallest page: every database file holds at least one
    const std::size_t n = std::fread(page, 1, sizeof page, f);
    std::fclose(f);
    return n == 0 || (n == sizeof page && std::memcmp(page, "SQLite format 3", 16) == 0);
}

std::vector<unsigned char> encodeFloats(const std::vector<float>& values)
{
    std::vector<unsigned char> bytes(values.size() * 4);
    if (hostIsLittleEndian()) {
        if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
        return bytes;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &values[i], 4);
        for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<unsigned char>(bits >> (8 * b));
    }
    return bytes;
}

std::vector<float> decodeFloats(const unsigned char* bytes, std::size_t count)
{
    std::vector<float> values(count);
    if (hostIsLittleEndian()) {
        if (count) std::memcpy(values.data(), bytes, count * 4);
        return values;
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) bits |= std::uint32_t(bytes[i * 4 + b]) << (8 * b);
        std::memcpy(&values[i], &bits, 4);
    }
    return values;
}

}  // namespace clwb::sql
