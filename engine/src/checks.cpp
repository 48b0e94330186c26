// SPDX-License-Identifier: GPL-3.0-or-later
// Torch-side validation helpers used by the (torch-free) config checks.
#include "checks.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "model/vit.h"

namespace clwb::detail {
namespace {

std::optional<std::string> readModelJson(const std::string& path, std::string* error)
{
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        torch::Tensor t;
        if (!archive.try_read("__clwb_model__", t)) {
            *error = "not a CL Workbench backbone checkpoint (no architecture record)";
            return std::nullopt;
        }
        return std::string(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()), size_t(t.numel()));
    } catch (const std::exception& e) {
        std::string what = e.what();
        *error = "unreadable checkpoint: " + what.substr(0, what.find('\n'));
        return std::nullopt;
    }
}

}  // namespace

std::string checkpointProblem(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return "checkpoint file not found: " + path;
    if (std::filesystem::is_directory(path, ec)) return path + " is a directory, not a checkpoint";
    if (!std::ifstream(path).good()) return "cannot read " + path;
    std::string error;
    auto json = readModelJson(path, &error);
    if (!json) return error;
    try {
        auto config = modelConfigFromJson(*json);
        Vit probe(config, 10);
        probe->loadBackbone(path);
    } catch (const std::exception& e) {
        std::string what = e.what();
        return "checkpoint does not match its own architecture: " + what.substr(0, what.find('\n'));
    }
    return {};
}

std::optional<ModelConfig> checkpointModel(const std::string& path)
{
    std::string error;
    auto json = readModelJson(path, &error);
    if (!json) return std::nullopt;
    try {
        return modelConfigFromJson(*json);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string bundledBackbonePath() { return resourceDir() + "/backbone.pt"; }

std::string backbonePath(const ModelConfig& model)
{
    return model.backbone == "pretrained" ? bundledBackbonePath() : model.backbone;
}

RunConfig effectiveConfig(RunConfig config)
{
    if (config.model.backbone == "random") return config;
    if (auto arch = checkpointModel(backbonePath(config.model))) {
        const auto backbone = config.model.backbone;
        config.model = *arch;
        config.model.backbone = backbone;
    }
    return config;
}

std::string defaultFashionMnistDir()
{
    if (const char* env = std::getenv("CLWB_FASHION_MNIST_DIR"); env && *env) return env;
    return "/usr/share/datasets/fashion-mnist";
}

}  // namespace clwb::detail
