// SPDX-License-Identifier: GPL-3.0-or-later
// The decode cache: one file per (dataset, store size). Layout: a fixed header, the pixels from
// offset 4096 (page-aligned, so they map directly), int64 labels, length-prefixed strings (class
// names, skipped files) and an end marker. Written to a temporary file and renamed into place.
#include "data/decode_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "data/image_decode.h"

namespace fs = std::filesystem;

namespace clwb::detail {
namespace {

constexpr std::uint32_t kVersion = 1;
constexpr char kMagic[8] = {'C', 'L', 'W', 'B', 'D', 'S', 'C', '1'};
constexpr char kEnd[8] = {'C', 'L', 'W', 'B', 'E', 'N', 'D', '1'};
constexpr std::uint64_t kPixelOffset = 4096;
constexpr std::size_t kSkippedKept = 20;

struct Header
{
    char magic[8];
    std::uint32_t version, channels, height, width;
    std::uint32_t hasSplit, reserved;
    std::uint64_t count, numTrain, skipped, numClasses;
    double mean[3], stddev[3];
    std::uint64_t labelOffset, stringOffset, stringBytes, fileSize, metaHash;
};

/// Two 64-bit FNV-1a streams with different bases: a 128-bit name that accidental collisions
/// will not hit (the key is not a security boundary: the cache folder is the user's own).
struct Hasher
{
    std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
    void bytes(const void* p, std::size_t n)
    {
        const auto* c = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) {
            a = (a ^ c[i]) * 0x100000001b3ULL;
            b = (b ^ c[i]) * 0x100000001b3ULL;
            b ^= b >> 29;
        }
    }
    void num(std::int64_t v) { bytes(&v, sizeof v); }
    void str(const std::string& s)
    {
        num(std::int64_t(s.size()));
        bytes(s.data(), s.size());
    }
};

std::string hex(std::uint64_t v)
{
    static const char* digits = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[std::size_t(i)] = digits[v & 15];
    return s;
}

std::string absoluteSource(const std::string& source)
{
    std::error_code ec;
    const fs::path p = fs::absolute(source, ec);
    return (ec ? fs::path(source) : p).lexically_normal().string();
}

std::string prefixFor(const std::string& source, int size)
{
    Hasher h;
    h.str(absoluteSource(source));
    h.num(size);
    h.num(kVersion);
    return hex(h.a);
}

/// Cache order: training images first when the listing is split (so both halves map unchanged).
std::vector<std::size_t> cacheOrder(const ImageListing& listing)
{
    std::vector<std::size_t> order(listing.entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (listing.hasSplit)
        std::stable_partition(order.begin(), order.end(), [&](std::size_t i) {
            return listing.entries[i].split == Split::Train;
        });
    return order;
}

void putString(std::vector<char>& out, const std::string& s)
{
    const auto n = std::uint32_t(s.size());
    out.insert(out.end(), reinterpret_cast<const char*>(&n), reinterpret_cast<const char*>(&n) + 4);
    out.insert(out.end(), s.begin(), s.end());
}

bool getString(const char*& p, const char* end, std::string& s)
{
    std::uint32_t n = 0;
    if (end - p < 4) return false;
    std::memcpy(&n, p, 4);
    p += 4;
    if (std::uint64_t(end - p) < n) return false;
    s.assign(p, n);
    p += n;
    return true;
}

/// An mmap'd region, unmapped when the last tensor viewing it is freed.
struct Mapping
{
    void* base = MAP_FAILED;
    std::size_t length = 0;
    ~Mapping()
    {
        if (base != MAP_FAILED) ::munmap(base, length);
    }
};

/// The cache file at `path` if it is intact and holds `listing` at `size`; otherwise nullopt
/// with *why set.
std::optional<DecodedImages> mapCache(const std::string& path, const ImageListing& listing,
                                      int size, std::string* why)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = std::strerror(errno);
        return std::nullopt;
    }
    struct stat st
    {
    };
    Header h{};
    const bool headerOk = ::fstat(fd, &st) == 0 && std::uint64_t(st.st_size) >= kPixelOffset &&
                          ::pread(fd, &h, sizeof h, 0) == ssize_t(sizeof h);
    auto map = std::make_shared<Mapping>();
    if (headerOk) {
        map->length = std::size_t(st.st_size);
        map->base = ::mmap(nullptr, map->length, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_NORESERVE, fd, 0);
    }
    ::close(fd);
    if (!headerOk) {
        *why = "truncated header";
        return std::nullopt;
    }
    if (map->base == MAP_FAILED) {
        *why = std::string("cannot map: ") + std::strerror(errno);
        return std::nullopt;
    }
    const std::uint64_t imgBytes = 3ULL * std::uint64_t(size) * std::uint64_t(size);
    const std::uint64_t fileSize = std::uint64_t(st.st_size);
    if (std::memcmp(h.magic, kMagic, 8) != 0 || h.version != kVersion) {
        *why = "not a clwb decode cache of this version";
        return std::nullopt;
    }
    if (h.fileSize != fileSize) {
        *why = "truncated (" + std::to_string(fileSize) + " of " + std::to_string(h.fileSize) +
               " bytes)";
        return std::nullopt;
    }
    if (h.channels != 3 || h.height != std::uint32_t(size) || h.width != std::uint32_t(size) ||
        h.count > listing.entries.size() || h.numTrain > h.count ||
        h.labelOffset < kPixelOffset + h.count * imgBytes || h.labelOffset % 8 != 0 ||
        h.stringOffset != h.labelOffset + 8 * h.count ||
        h.stringOffset + h.stringBytes + sizeof kEnd != fileSize ||
        h.numClasses != listing.classNames.size()) {
        *why = "inconsistent header";
        return std::nullopt;
    }
    const char* base = static_cast<const char*>(map->base);
    if (std::memcmp(base + fileSize - sizeof kEnd, kEnd, sizeof kEnd) != 0) {
        *why = "no end marker";
        return std::nullopt;
    }
    Hasher meta;
    meta.bytes(base + h.labelOffset,
               std::size_t(fileSize - h.labelOffset));  // through the end marker
    if (meta.a != h.metaHash) {
        *why = "labels or names damaged (checksum)";
        return std::nullopt;
    }
    DecodedImages out;
    const char* p = base + h.stringOffset;
    const char* end = p + h.stringBytes;
    std::string s;
    for (const auto& name : listing.classNames) {
        if (!getString(p, end, s) || s != name) {
            *why = "class names differ";
            return std::nullopt;
        }
    }
    while (p < end) {
        if (!getString(p, end, s)) {
            *why = "damaged skipped list";
            return std::nullopt;
        }
        out.skippedFiles.push_back(s);
    }
    const auto count = std::int64_t(h.count);
    out.labels = torch::empty({count}, torch::kInt64);
    std::memcpy(out.labels.data_ptr<std::int64_t>(), base + h.labelOffset, std::size_t(8 * count));
    if (count > 0 && (out.labels.min().item<std::int64_t>() < 0 ||
                      out.labels.max().item<std::int64_t>() >= std::int64_t(h.numClasses))) {
        *why = "label out of range";
        return std::nullopt;
    }
    out.images = torch::from_blob(
        const_cast<char*>(base) + kPixelOffset, {count, 3, size, size},
        [map](void*) mutable { map.reset(); }, torch::TensorOptions().dtype(torch::kUInt8));
    out.numTrain = std::int64_t(h.numTrain);
    out.skipped = std::int64_t(h.skipped);
    out.mean.assign(h.mean, h.mean + 3);
    out.stddev.assign(h.stddev, h.stddev + 3);
    out.cacheFile = path;
    out.fromCache = true;
    return out;
}

/// Removes older caches of the same dataset and size, and temporaries left by a crash.
void pruneSiblings(const fs::path& keep)
{
    const std::string name = keep.filename().string();
    const std::string prefix = name.substr(0, name.find('-') + 1);
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(keep.parent_path(), ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string other = it->path().filename().string();
        if (other == name || other.compare(0, prefix.size(), prefix) != 0) continue;
        std::error_code e2;
        const bool tmp = other.find(".tmp-") != std::string::npos;
        if (tmp && now - fs::last_write_time(it->path(), e2) < std::chrono::hours(24)) continue;
        fs::remove(it->path(), e2);
    }
}

/// Where the decoder writes: a preallocated, shared-mapped temporary file, or plain memory.
struct Target
{
    std::string tmpPath;
    int fd = -1;
    std::shared_ptr<Mapping> map;
    torch::Tensor memory;
    std::uint8_t* pixels = nullptr;
};

Target openTarget(const std::string& finalPath, std::uint64_t pixelBytes, const DataLog& log)
{
    Target t;
    std::string why;
    if (!finalPath.empty()) {
        std::error_code ec;
        fs::create_directories(fs::path(finalPath).parent_path(), ec);
        static std::atomic<int> counter{0};
        t.tmpPath = finalPath + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1));
        t.fd = ::open(t.tmpPath.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        // Reserving the blocks first turns a full disk into an error here instead of SIGBUS.
        int err = t.fd < 0 ? errno : ::posix_fallocate(t.fd, 0, off_t(kPixelOffset + pixelBytes));
        if (err == 0) {
            t.map = std::make_shared<Mapping>();
            t.map->length = std::size_t(kPixelOffset + pixelBytes);
            t.map->base =
                ::mmap(nullptr, t.map->length, PROT_READ | PROT_WRITE, MAP_SHARED, t.fd, 0);
            if (t.map->base == MAP_FAILED) err = errno;
        }
        if (err == 0) {
            t.pixels = static_cast<std::uint8_t*>(t.map->base) + kPixelOffset;
            return t;
        }
        why = std::string(std::strerror(err)) + " (" + t.tmpPath + ")";
        t.map.reset();
        if (t.fd >= 0) ::close(t.fd), ::unlink(t.tmpPath.c_str());
        t.fd = -1;
    } else {
        why = "no cache folder (set CLWB_CACHE_DIR)";
    }
    log(1, "decode cache not written: " + why + "; decoding into memory for this run only");
    t.memory = torch::empty({std::int64_t(pixelBytes)}, torch::kUInt8);
    t.pixels = t.memory.data_ptr<std::uint8_t>();
    return t;
}

void discard(Target& t)
{
    t.map.reset();
    if (t.fd >= 0) {
        ::close(t.fd);
        ::unlink(t.tmpPath.c_str());
        t.fd = -1;
    }
}

bool writeAll(int fd, const void* data, std::size_t n, std::uint64_t at)
{
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::pwrite(fd, p, n, off_t(at));
        if (w <= 0) return false;
        p += w;
        n -= std::size_t(w);
        at += std::uint64_t(w);
    }
    return true;
}

}  // namespace

std::string datasetCacheDir()
{
    if (const char* d = std::getenv("CLWB_CACHE_DIR"); d && *d)
        return (fs::path(d) / "datasets").string();
    if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d)
        return (fs::path(d) / "clwb" / "datasets").string();
    if (const char* d = std::getenv("HOME"); d && *d)
        return (fs::path(d) / ".cache" / "clwb" / "datasets").string();
    return {};
}

std::string decodeCachePath(const ImageListing& listing, const std::string& source, int size)
{
    const std::string dir = datasetCacheDir();
    if (dir.empty()) return {};
    return (fs::path(dir) / (listingKey(listing, source, size) + ".clwbds")).string();
}

std::string listingKey(const ImageListing& listing, const std::string& source, int size)
{
    Hasher h;
    h.num(kVersion);
    h.num(size);
    h.str(absoluteSource(source));
    for (const auto& name : listing.classNames) h.str(name);
    for (const std::size_t i : cacheOrder(listing)) {
        const auto& e = listing.entries[i];
        h.str(e.rel);
        h.num(e.size);
        h.num(e.mtimeNs);
        h.num(e.label);
        h.num(int(e.split));
    }
    return prefixFor(source, size) + "-" + hex(h.a) + hex(h.b);
}

DecodedImages decodeListing(const ImageListing& listing, const std::string& source, int size,
                            bool reject, const DataLog& log)
{
    const std::string path = decodeCachePath(listing, source, size);
    auto rejectIfSkipped = [&](const DecodedImages& d) {
        if (reject && d.skipped > 0)
            throw std::runtime_error(
                "data.bad_images is \"reject\" and " + listing.root + "/" +
                (d.skippedFiles.empty() ? std::string("an image") : d.skippedFiles.front()) +
                " cannot be read; fix or remove it, or set data.bad_images to \"skip\"");
    };
    std::error_code ec;
    if (!path.empty() && fs::exists(path, ec)) {
        std::string why;
        if (auto hit = mapCache(path, listing, size, &why)) {
            rejectIfSkipped(*hit);
            return std::move(*hit);
        }
        log(1, "decode cache " + path + " is unusable (" + why + "); rebuilding it");
    }

    const auto order = cacheOrder(listing);
    const auto n = std::int64_t(order.size());
    const std::uint64_t imgBytes = 3ULL * std::uint64_t(size) * std::uint64_t(size);
    Target target = openTarget(path, std::uint64_t(n) * imgBytes, log);
    log(0, "decoding " + std::to_string(n) + " images from " + source + " at " +
               std::to_string(size) + "x" + std::to_string(size) +
               (target.fd >= 0 ? " into the cache " + path : ""));

    const auto slots = static_cast<std::size_t>(n);
    std::vector<char> ok(slots, 0);
    std::vector<std::string> errors(slots);
    std::vector<std::array<double, 6>> sums(slots);
    std::atomic<bool> abort{false};
    try {
        parallelFor(n, [&](std::int64_t i) {
            if (abort) return;
            const auto& e = listing.entries[order[std::size_t(i)]];
            thread_local std::vector<std::uint8_t> hwc;
            hwc.resize(std::size_t(imgBytes));
            std::string err = e.size < 0 ? "file not found" : "";
            if (err.empty() && decodeSquareImage(e.file, size, hwc.data(), &err)) {
                std::uint8_t* chw = target.pixels + std::uint64_t(i) * imgBytes;
                const std::size_t plane = std::size_t(size) * std::size_t(size);
                std::array<double, 6> s{};
                for (std::size_t px = 0; px < plane; ++px) {
                    for (int c = 0; c < 3; ++c) {
                        const std::uint8_t v = hwc[px * 3 + std::size_t(c)];
                        chw[std::size_t(c) * plane + px] = v;
                        s[std::size_t(c)] += v;
                        s[std::size_t(c) + 3] += double(v) * v;
                    }
                }
                sums[std::size_t(i)] = s;
                ok[std::size_t(i)] = 1;
            } else {
                errors[std::size_t(i)] = err;
                if (reject) abort = true;
            }
        });
    } catch (...) {
        discard(target);
        throw;
    }

    // Compact the readable images to the front, keeping order.
    DecodedImages out;
    std::vector<std::int64_t> labels;
    std::array<double, 6> total{};
    std::int64_t kept = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto& e = listing.entries[order[std::size_t(i)]];
        if (!ok[std::size_t(i)]) {
            if (errors[std::size_t(i)].empty()) continue;  // not decoded: a reject stopped the work
            if (reject) {
                discard(target);
                throw std::runtime_error("data.bad_images is \"reject\" and " + e.file +
                                         " cannot be read (" + errors[std::size_t(i)] +
                                         "); fix or remove it, or set data.bad_images to \"skip\"");
            }
            ++out.skipped;
            if (out.skippedFiles.size() < kSkippedKept)
                out.skippedFiles.push_back(e.rel + " (" + errors[std::size_t(i)] + ")");
            continue;
        }
        if (kept != i)
            std::memmove(target.pixels + std::uint64_t(kept) * imgBytes,
                         target.pixels + std::uint64_t(i) * imgBytes, std::size_t(imgBytes));
        labels.push_back(e.label);
        if (!listing.hasSplit || e.split == Split::Train) {
            ++out.numTrain;
            for (std::size_t k = 0; k < 6; ++k) total[k] += sums[std::size_t(i)][k];
        }
        ++kept;
    }
    if (kept == 0 || out.numTrain == 0) {
        discard(target);
        throw std::runtime_error(
            "data.path: none of the " + std::to_string(n) +
            (kept == 0 ? " images" : " training images") + " in " + source + " could be read" +
            (out.skippedFiles.empty() ? "" : " (first: " + out.skippedFiles.front() + ")"));
    }
    const double perChannel = double(out.numTrain) * double(size) * double(size) * 255.0;
    for (int c = 0; c < 3; ++c) {
        const double mean = total[std::size_t(c)] / perChannel;
        const double meanSq = total[std::size_t(c) + 3] / (perChannel * 255.0);
        out.mean.push_back(mean);
        out.stddev.push_back(std::sqrt(std::max(meanSq - mean * mean, 1e-12)));
    }
    if (out.skipped > 0) {
        std::string names;
        for (std::size_t k = 0; k < std::min<std::size_t>(5, out.skippedFiles.size()); ++k)
            names += (k ? ", " : "") + out.skippedFiles[k];
        log(1, "skipped " + std::to_string(out.skipped) + " unreadable image" +
                   (out.skipped == 1 ? "" : "s") + " in " + source + ": " + names +
                   (out.skipped > 5 ? ", ..." : "") + " (data.bad_images \"skip\")");
    }

    if (target.fd < 0) {  // memory only
        out.images = target.memory.narrow(0, 0, std::int64_t(kept * std::int64_t(imgBytes)))
                         .view({kept, 3, size, size});
        out.labels = torch::tensor(labels, torch::kInt64);
        return out;
    }

    // Finish the file: labels, strings and the end marker after the pixels; then rename.
    Header h{};
    std::memcpy(h.magic, kMagic, 8);
    h.version = kVersion;
    h.channels = 3;
    h.height = h.width = std::uint32_t(size);
    h.hasSplit = listing.hasSplit ? 1 : 0;
    h.count = std::uint64_t(kept);
    h.numTrain = std::uint64_t(out.numTrain);
    h.skipped = std::uint64_t(out.skipped);
    h.numClasses = listing.classNames.size();
    for (int c = 0; c < 3; ++c)
        h.mean[c] = out.mean[std::size_t(c)], h.stddev[c] = out.stddev[std::size_t(c)];
    h.labelOffset = (kPixelOffset + std::uint64_t(kept) * imgBytes + 7) / 8 * 8;
    h.stringOffset = h.labelOffset + 8 * std::uint64_t(kept);
    std::vector<char> meta(reinterpret_cast<const char*>(labels.data()),
                           reinterpret_cast<const char*>(labels.data() + labels.size()));
    for (const auto& name : listing.classNames) putString(meta, name);
    for (const auto& s : out.skippedFiles) putString(meta, s);
    h.stringBytes = meta.size() - 8 * std::uint64_t(kept);
    h.fileSize = h.labelOffset + meta.size() + sizeof kEnd;
    Hasher mh;
    mh.bytes(meta.data(), meta.size());
    mh.bytes(kEnd, sizeof kEnd);
    h.metaHash = mh.a;
    target.map.reset();  // unmap: the pixels are in the page cache
    const bool written = ::ftruncate(target.fd, off_t(h.fileSize)) == 0 &&
                         writeAll(target.fd, meta.data(), meta.size(), h.labelOffset) &&
                         writeAll(target.fd, kEnd, sizeof kEnd, h.labelOffset + meta.size()) &&
                         writeAll(target.fd, &h, sizeof h, 0) && ::fdatasync(target.fd) == 0;
    const int err = errno;
    ::close(target.fd);
    target.fd = -1;
    if (!written || ::rename(target.tmpPath.c_str(), path.c_str()) != 0) {
        ::unlink(target.tmpPath.c_str());
        throw std::runtime_error("cannot write the decode cache " + path + ": " +
                                 std::strerror(err) +
                                 " (free disk space or set CLWB_CACHE_DIR elsewhere)");
    }
    pruneSiblings(path);
    std::string why;
    auto mapped = mapCache(path, listing, size, &why);
    if (!mapped)
        throw std::runtime_error("the decode cache " + path + " just written is unusable: " + why);
    mapped->fromCache = false;
    return std::move(*mapped);
}

}  // namespace clwb::detail
