// SPDX-License-Identifier: GPL-3.0-or-later
// Tensors whose storage is a file on disk rather than anonymous memory: what a run streams from
// when its images exceed data.memory_limit_mb (docs/data.md, "Memory").
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace clwb::detail {

/// Bytes of images a run may hold in memory: `limitMb` megabytes, or half of the machine's
/// physical memory when limitMb <= 0.
std::int64_t imageMemoryBudget(double limitMb);

/// An uninitialised CPU tensor backed by a shared mapping of an unlinked file in `dir` (the system
/// temporary folder when empty): pages written to it go to disk and the kernel evicts them under
/// memory pressure instead of the process growing. The file vanishes with the last tensor viewing
/// it. Throws std::runtime_error naming the folder when it cannot be created or lacks space.
torch::Tensor diskBackedTensor(torch::IntArrayRef sizes, torch::ScalarType dtype,
                               const std::string& dir);

/// `src` rows `index` (int64, on the CPU) copied into a diskBackedTensor, a few thousand rows at a
/// time so that no second full copy is made in memory.
torch::Tensor selectRowsToDisk(const torch::Tensor& src, const torch::Tensor& index,
                               const std::string& dir);

}  // namespace clwb::detail
