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

/// Default Fashion-MNIST directory: $CLWB_FASHION_MNIST_DIR or the Debian package's.
std::string defaultFashionMnistDir();

}  // namespace clwb::detail
