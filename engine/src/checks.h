// SPDX-License-Identifier: GPL-3.0-or-later
// Checks that need torch, called by the torch-free config validation.
#pragma once

#include <optional>
#include <string>

#include "clwb/run_config.h"

namespace clwb::detail {

/// Empty when `path` is a readable clwb backbone checkpoint; otherwise what is wrong with it.
std::string checkpointProblem(const std::string& path);

/// Architecture stored in a checkpoint (nullopt if unreadable).
std::optional<ModelConfig> checkpointModel(const std::string& path);

/// Path of the bundled pretrained backbone.
std::string bundledBackbonePath();

/// The checkpoint file a model config names ("pretrained" = the bundled one).
std::string backbonePath(const ModelConfig& model);

/// `config` with the checkpoint's architecture adopted (backbone choice kept), so the stored
/// snapshot is what actually runs. Unchanged for "random" or an unreadable checkpoint.
RunConfig effectiveConfig(RunConfig config);

/// Default Fashion-MNIST directory: $CLWB_FASHION_MNIST_DIR or the Debian package's.
std::string defaultFashionMnistDir();

}  // namespace clwb::detail
