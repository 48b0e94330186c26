// SPDX-License-Identifier: GPL-3.0-or-later
// Decoding one image file (JPEG, PNG, BMP with stb_image; WebP with libwebp) to a square RGB
// thumbnail, and a small parallel loop for decoding many.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace clwb::detail {

/// .jpg .jpeg .png .bmp .webp, any case.
bool isImageFileName(const std::string& name);

/// Decodes `file` to RGB (grey and palette images expanded, alpha dropped), takes the centred
/// square of the shorter side and resizes it to `size` x `size` (Mitchell/Catmull-Rom in linear
/// light), written as HWC to `hwc` (size * size * 3 bytes). Never throws: on a missing,
/// unreadable, corrupt, unsupported or implausibly large file returns false and sets *error.
bool decodeSquareImage(const std::string& file, int size, std::uint8_t* hwc, std::string* error);

/// Calls of decodeSquareImage so far in this process (tests check that a cache was hit).
std::int64_t decodeCallCount();

/// fn(0) .. fn(n - 1) on up to hardware_concurrency threads (at most 8); the first exception
/// thrown by fn is rethrown after all threads have stopped.
void parallelFor(std::int64_t n, const std::function<void(std::int64_t)>& fn);

}  // namespace clwb::detail
