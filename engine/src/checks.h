// SPDX-License-Identifier: GPL-3.0-or-later
// Checks that need torch, called by the torch-free config validation.
#pragma once

#include <optional>
#include <string>

#include "clwb/run_config.h"

namespace clwb::detail {

/// Empty when `path` is a usable backbone checkpoint (clwb, safetensors or torch.save of timm /
/// torchvision; docs/backbones.md); otherwise what is wrong with it. Reads headers and shapes
/// only, so a 350 MB ViT-B costs milliseconds. `arch`: model.arch (a timm name).
std::string checkpointProblem(const std::string& path, const std::string& arch = "");

/// checkpointProblem for the checkpoint `model` names, with its arch, plus whether its
/// image_size can be served (a multiple of the checkpoint's patch size). Empty for "random".
std::string backboneProblem(const ModelConfig& model);

/// Architecture of a checkpoint, stored or detected (nullopt if unusable).
std::optional<ModelConfig> checkpointModel(const std::string& path, const std::string& arch = "");

/// Path of the bundled pretrained backbone.
std::string bundledBackbonePath();

/// The checkpoint file a model config names ("pretrained" = the bundled one).
std::string backbonePath(const ModelConfig& model);

/// `config` with the checkpoint's architecture adopted, so the stored snapshot is what actually
/// runs. Kept from the request: model.backbone, model.arch (filled in when detected), model.mean /
/// std when given, and model.image_size when set (not the default), different from the
/// checkpoint's and a multiple of its patch (pos_embed is then resampled). Unchanged for
/// "random" or an unusable checkpoint.
RunConfig effectiveConfig(RunConfig config);

/// Default Fashion-MNIST directory: $CLWB_FASHION_MNIST_DIR or the Debian package's.
std::string defaultFashionMnistDir();

}  // namespace clwb::detail
