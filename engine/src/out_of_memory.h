// SPDX-License-Identifier: GPL-3.0-or-later
// Out-of-memory failures: recognised by type or by message, and turned into a message that says
// which batch size to try. Engine-private.
#pragma once

#include <string>

namespace clwb::detail {

/// True for CUDA's "out of memory" and the CPU allocator's "not enough memory".
inline bool isOutOfMemory(const std::string& what)
{
    return what.find("out of memory") != std::string::npos ||
           what.find("not enough memory") != std::string::npos;
}

/// One line: the device, the batch size that did not fit, the one to try (half) and the
/// allocator's own first line.
inline std::string outOfMemoryMessage(const std::string& what, const std::string& device,
                                      int batchSize)
{
    const std::string hint =
        batchSize > 1
            ? "try train.batch_size " + std::to_string(batchSize / 2) +
                  " (--set train.batch_size=" + std::to_string(batchSize / 2) + ")"
            : "the batch size is already 1: try a smaller model or image size, or train.precision "
              "\"bf16\"";
    return "out of memory on " + device + " at train.batch_size " + std::to_string(batchSize) +
           "; " + hint + ". " + what.substr(0, what.find('\n'));
}

}  // namespace clwb::detail
