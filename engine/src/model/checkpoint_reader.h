// SPDX-License-Identifier: GPL-3.0-or-later
// Reading backbone checkpoints of other tools into named float32 tensors: safetensors (the
// Hugging Face cache's model.safetensors), torch.save zip archives (.pt / .pth) and clwb's own
// torch::serialize archives. docs/backbones.md describes the formats and their limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// A checkpoint that cannot be read; the message names the file and, where it applies, the tensor.
struct CheckpointError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

struct CheckpointTensor
{
    std::string name;
    std::string
        dtype;  ///< as stored, in safetensors spelling: "F32", "F16", "BF16", "F64", "I64", ...
    std::vector<std::int64_t> shape;
    torch::Tensor value;  ///< float32, contiguous, on the CPU; undefined when read shapes-only
};

struct Checkpoint
{
    std::string path;
    std::string format;                           ///< "clwb" | "safetensors" | "torch-zip"
    std::vector<CheckpointTensor> tensors;        ///< in file order (safetensors: offset order)
    std::map<std::string, std::string> metadata;  ///< safetensors __metadata__
    std::string clwbModelJson;                    ///< clwb archives: the architecture record
    std::string nestedKey;  ///< torch-zip: "model" / "state_dict" when the tensors were nested

    const CheckpointTensor* find(const std::string& name) const;
};

/// Reads a checkpoint, recognised by its content (not its extension). `shapesOnly` reads names,
/// dtypes and shapes without the data where the format allows (safetensors header, torch zip
/// pickle): fast enough for config validation of a 350 MB ViT-B. Throws CheckpointError.
Checkpoint readCheckpoint(const std::string& path, bool shapesOnly = false);

/// Parses a safetensors file held in memory; `label` names it in error messages. Every field is
/// validated (header length, JSON, dtypes, shapes, offsets in range and not overlapping, byte
/// counts) before any data is touched. Throws CheckpointError.
Checkpoint parseSafetensors(const unsigned char* data, std::size_t size, bool shapesOnly,
                            const std::string& label);

/// Writes float32 tensors as a safetensors file (tests; exporting). Throws CheckpointError.
void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace clwb::detail
