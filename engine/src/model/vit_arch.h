// SPDX-License-Identifier: GPL-3.0-or-later
// What a ViT checkpoint holds: torchvision names mapped to timm's, the architecture read off the
// tensor shapes, and what shapes cannot tell (heads, pooling, preprocessing) taken from a timm
// name, a sidecar config.json or timm's defaults. docs/backbones.md has the rules.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clwb/backbones.h"
#include "clwb/run_config.h"
#include "model/checkpoint_reader.h"

namespace clwb::detail {

/// A timm architecture known by name.
struct KnownArch
{
    const char* name;
    int dim, depth, heads, patch, imageSize;
    bool classToken = true;
    const char* pool = "cls";  ///< clwb spelling: timm's 'token' = "cls", 'avg' = "mean"
    bool fcNorm = false;
    bool layerScale = false;
    bool qkvBias = true;
};

/// The table entry for `name` ("vit_base_patch16_224" or with a tag, ".augreg_in21k"); null if
/// the name is not known.
const KnownArch* findKnownArch(const std::string& name);

/// timm's pretrained input normalisation for a name with or without tag; `rule` says which rule
/// applied ("timm ViT default (inception) 0.5/0.5", ...). Empty mean for names of no rule.
struct Normalisation
{
    std::vector<double> mean, std;
    std::string rule;
};
Normalisation timmNormalisation(const std::string& name);

/// The checkpoint's backbone tensors under timm names (torchvision names mapped, a "module."
/// prefix stripped, the classifier head dropped), with the names as stored for messages.
struct MappedTensors
{
    std::string naming;  ///< "clwb" | "timm" | "torchvision"
    std::map<std::string, const CheckpointTensor*> tensors;
    std::map<std::string, std::string> storedName;  ///< timm name -> name in the file
    std::string problem;                            ///< unsupported tensors or no ViT at all
};
MappedTensors mapToTimm(const Checkpoint& checkpoint);

/// Parameter names and shapes of the backbone that `model` builds (head excluded), in the order
/// VitImpl registers them.
std::vector<std::pair<std::string, std::vector<std::int64_t>>> backboneShapes(
    const ModelConfig& model);

/// Architecture of a checkpoint read by readCheckpoint (shapes suffice); `arch` is a timm name
/// that fixes heads, pooling and preprocessing. Never throws; problems go to info.problem.
BackboneInfo detectBackbone(const Checkpoint& checkpoint, const std::string& arch);

/// Compares checkpoint tensors with the shapes `model` needs; pos_embed may differ in its grid
/// when `allowGridChange` (it is resampled then). Empty when they fit; else the first mismatch,
/// naming the tensor.
std::string shapeProblem(const MappedTensors& mapped, const ModelConfig& model,
                         bool allowGridChange);

/// timm's resample_abs_pos_embed: the patch grid of `posEmbed` [1, prefix + g*g, D] resized to
/// newGrid x newGrid (bicubic, antialiased, align_corners false), prefix tokens kept.
torch::Tensor resamplePosEmbed(const torch::Tensor& posEmbed, int prefix, int newGrid);

}  // namespace clwb::detail
