// SPDX-License-Identifier: GPL-3.0-or-later
// Image decoding on Debian's libstb (compiled stb_image / stb_image_resize) and libwebp.
#include "data/image_decode.h"

#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <webp/decode.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "threads.h"

namespace clwb::detail {
namespace {

std::atomic<std::int64_t> decodeCalls{0};

constexpr long kMaxFileBytes = 512L << 20;        // no photo is larger; protects memory
constexpr std::int64_t kMaxPixels = 256LL << 20;  // 16k x 16k

bool readFile(const std::string& file, std::vector<unsigned char>& out, std::string* error)
{
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!f) {
        *error = std::strerror(errno);
        return false;
    }
    if (std::fseek(f.get(), 0, SEEK_END) != 0) {
        *error = "cannot seek";
        return false;
    }
    const long size = std::ftell(f.get());
    if (size < 0 || size > kMaxFileBytes) {
        *error = size < 0 ? "cannot read" : "larger than 512 MB";
        return false;
    }
    std::rewind(f.get());
    out.resize(std::size_t(size));
    if (size > 0 && std::fread(out.data(), 1, out.size(), f.get()) != out.size()) {
        *error = "read error";
        return false;
    }
    if (size == 0) {
        *error = "empty file";
        return false;
    }
    return true;
}

bool isWebp(const std::vector<unsigned char>& b)
{
    return b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 &&
           std::memcmp(b.data() + 8, "WEBP", 4) == 0;
}

/// Centre square of the shorter side of `rgb` (w x h), resized to size x size.
bool squareResize(const unsigned char* rgb, int w, int h, int size, std::uint8_t* out,
                  std::string* error)
{
    const int side = std::min(w, h);
    const unsigned char* from =
        rgb + (std::size_t((h - side) / 2) * std::size_t(w) + std::size_t((w - side) / 2)) * 3;
    if (side == size) {
        for (int y = 0; y < size; ++y)
            std::memcpy(out + std::size_t(y) * size * 3, from + std::size_t(y) * w * 3,
                        std::size_t(size) * 3);
        return true;
    }
    if (!stbir_resize_uint8_srgb(from, side, side, w * 3, out, size, size, size * 3, 3,
                                 STBIR_ALPHA_CHANNEL_NONE, 0)) {
        *error = "resize failed";
        return false;
    }
    return true;
}

}  // namespace

bool isImageFileName(const std::string& name)
{
    const auto dot = name.rfind('.');
    if (dot == std::string::npos) return false;
    std::string ext = name.substr(dot + 1);
    for (auto& ch : ext) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "bmp" || ext == "webp";
}

bool decodeSquareImage(const std::string& file, int size, std::uint8_t* hwc, std::string* error)
{
    decodeCalls.fetch_add(1, std::memory_order_relaxed);
    try {
        std::vector<unsigned char> bytes;
        if (!readFile(file, bytes, error)) return false;
        int w = 0, h = 0;
        if (isWebp(bytes)) {
            if (!WebPGetInfo(bytes.data(), bytes.size(), &w, &h) || w <= 0 || h <= 0) {
                *error = "corrupt WebP";
                return false;
            }
            if (std::int64_t(w) * h > kMaxPixels) {
                *error = "image too large";
                return false;
            }
            std::unique_ptr<std::uint8_t, void (*)(void*)> rgb(
                WebPDecodeRGB(bytes.data(), bytes.size(), &w, &h), &WebPFree);
            if (!rgb) {
                *error = "corrupt WebP";
                return false;
            }
            return squareResize(rgb.get(), w, h, size, hwc, error);
        }
        // Debian's libstb keeps the failure reason in a plain global: with several decoding
        // threads a reason may belong to another file, which only affects the log text.
        const int len = int(bytes.size());
        int comp = 0;
        if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &comp) || w <= 0 || h <= 0) {
            const char* why = stbi_failure_reason();
            *error = std::string("not a readable image (") + (why ? why : "unknown format") + ")";
            return false;
        }
        if (std::int64_t(w) * h > kMaxPixels) {
            *error = "image too large";
            return false;
        }
        std::unique_ptr<stbi_uc, void (*)(void*)> rgb(
            stbi_load_from_memory(bytes.data(), len, &w, &h, &comp, 3), &stbi_image_free);
        if (!rgb) {
            const char* why = stbi_failure_reason();
            *error = std::string("corrupt image (") + (why ? why : "decoder error") + ")";
            return false;
        }
        return squareResize(rgb.get(), w, h, size, hwc, error);
    } catch (const std::exception& e) {  // std::bad_alloc on a hostile header
        *error = e.what();
        return false;
    }
}

std::int64_t decodeCallCount()
{
    return decodeCalls.load();
}

void parallelFor(std::int64_t n, const std::function<void(std::int64_t)>& fn)
{
    if (n <= 0) return;
    const std::int64_t threads = std::min<std::int64_t>({n, cpuCores(), 8});
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex mutex;
    auto work = [&] {
        for (std::int64_t i; !failed && (i = next.fetch_add(1)) < n;) {
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!first) first = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::int64_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (first) std::rethrow_exception(first);
}

}  // namespace clwb::detail
