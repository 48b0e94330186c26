// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a backbone checkpoint without training: what architecture it holds, how many
// parameters, which preprocessing. Plain C++; no torch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clwb/run_config.h"

namespace clwb {

struct BackboneInfo
{
    std::string path;
    std::string format;  ///< "clwb" | "safetensors" | "torch-zip"
    std::string naming;  ///< "clwb" | "timm" | "torchvision"
    std::string arch;    ///< timm name when known or matched ("vit_base_patch16_224"), else ""
    ModelConfig model;   ///< detected architecture (backbone = path); imageSize = checkpoint's
    std::int64_t parameters = 0;  ///< backbone parameters (head excluded)
    std::vector<std::string> notes;  ///< what was inferred and how ("heads: 12 from the timm name")
    std::string problem;  ///< empty = usable; otherwise what is wrong and what to do
};

/// Inspects a checkpoint; `arch` (a timm name) fixes what the tensors cannot tell. Never throws.
BackboneInfo inspectBackbone(const std::string& path, const std::string& arch = "");

/// timm architectures the workbench knows by name (heads, pooling, preprocessing).
std::vector<std::string> knownArchitectures();

}  // namespace clwb
