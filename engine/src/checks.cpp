// SPDX-License-Identifier: GPL-3.0-or-later
// Torch-side validation helpers used by the (torch-free) config checks.
#include "checks.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "clwb/backbones.h"

namespace clwb::detail {
namespace {

std::string fileProblem(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return "checkpoint file not found: " + path;
    if (std::filesystem::is_directory(path, ec)) return path + " is a directory, not a checkpoint";
    if (!std::ifstream(path).good()) return "cannot read " + path;
    return {};
}

}  // namespace

std::string checkpointProblem(const std::string& path, const std::string& arch)
{
    if (auto p = fileProblem(path); !p.empty()) return p;
    return inspectBackbone(path, arch).problem;
}

std::string backboneProblem(const ModelConfig& model)
{
    if (model.backbone == "random") return {};
    const auto path = backbonePath(model);
    if (auto p = fileProblem(path); !p.empty()) return p;
    const auto info = inspectBackbone(path, model.arch);
    if (!info.problem.empty()) return info.problem;
    const int patch = info.model.patchSize;
    if (model.imageSize != ModelConfig{}.imageSize && model.imageSize % patch != 0)
        return "model.image_size " + std::to_string(model.imageSize) +
               " is not a multiple of the checkpoint's patch size " + std::to_string(patch) +
               " (its own size is " + std::to_string(info.model.imageSize) + ")";
    return {};
}

std::optional<ModelConfig> checkpointModel(const std::string& path, const std::string& arch)
{
    if (!fileProblem(path).empty()) return std::nullopt;
    auto info = inspectBackbone(path, arch);
    if (!info.problem.empty()) return std::nullopt;
    return info.model;
}

std::string bundledBackbonePath() { return resourceDir() + "/backbone.pt"; }

std::string backbonePath(const ModelConfig& model)
{
    return model.backbone == "pretrained" ? bundledBackbonePath() : model.backbone;
}

RunConfig effectiveConfig(RunConfig config)
{
    if (config.model.backbone == "random") return config;
    const ModelConfig requested = config.model;
    const auto detected = checkpointModel(backbonePath(requested), requested.arch);
    if (!detected) return config;
    config.model = *detected;
    config.model.backbone = requested.backbone;
    if (!requested.arch.empty()) config.model.arch = requested.arch;
    if (!requested.mean.empty()) {
        config.model.mean = requested.mean;
        config.model.std = requested.std;
    }
    // The default size means "not set"; a chosen one is served by resampling pos_embed.
    if (requested.imageSize != ModelConfig{}.imageSize && requested.imageSize > 0 &&
        requested.imageSize % detected->patchSize == 0)
        config.model.imageSize = requested.imageSize;
    return config;
}

std::string defaultFashionMnistDir()
{
    if (const char* env = std::getenv("CLWB_FASHION_MNIST_DIR"); env && *env) return env;
    return "/usr/share/datasets/fashion-mnist";
}

}  // namespace clwb::detail
