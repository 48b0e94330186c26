// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect_commands.h"

#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "clwb/backbones.h"
#include "clwb/datasets.h"
#include "clwb/run_config.h"

namespace clwb::cli {

int inspectBackboneCommand(const std::vector<std::string>& args)
{
    std::string path, arch;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--arch" && i + 1 < args.size()) arch = args[++i];
        else if (path.empty() && args[i].rfind("--", 0) != 0) path = args[i];
        else throw std::invalid_argument("usage: clwb-run backbone FILE [--arch NAME]");
    }
    if (path.empty()) throw std::invalid_argument("usage: clwb-run backbone FILE [--arch NAME]");
    const BackboneInfo info = inspectBackbone(path, arch);
    const ModelConfig& m = info.model;
    nlohmann::ordered_json j = {
        {"path", info.path},         {"format", info.format},         {"naming", info.naming},
        {"arch", info.arch},         {"parameters", info.parameters}, {"image_size", m.imageSize},
        {"channels", m.channels},    {"patch_size", m.patchSize},     {"dim", m.dim},
        {"depth", m.depth},          {"heads", m.heads},              {"mlp_hidden", m.mlpHidden},
        {"pool", m.pool},            {"class_token", m.classToken},   {"fc_norm", m.fcNorm},
        {"layer_scale", m.layerScale}, {"qkv_bias", m.qkvBias},       {"bias", m.bias},
        {"mean", m.mean},            {"std", m.std},                  {"notes", info.notes},
        {"problem", info.problem}};
    std::cout << j.dump(2) << std::endl;
    if (!info.problem.empty()) std::cerr << path << ": " << info.problem << "\n";
    return info.problem.empty() ? 0 : 1;
}

int inspectDatasetCommand(const std::vector<std::string>& args)
{
    DataConfig data;
    std::vector<std::string> positional;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--test-fraction" && i + 1 < args.size()) data.testFraction = std::stod(args[++i]);
        else positional.push_back(args[i]);
    }
    if (positional.empty() || positional.size() > 2)
        throw std::invalid_argument("usage: clwb-run dataset KIND [PATH] [--test-fraction X]");
    data.dataset = positional[0];
    if (positional.size() == 2) data.path = positional[1];
    const DatasetInfo info = inspectDataset(data);
    nlohmann::ordered_json j = {{"kind", info.kind},
                                {"path", info.path},
                                {"classes", info.numClasses()},
                                {"class_names", info.classNames},
                                {"train_images", info.trainImages},
                                {"test_images", info.testImages},
                                {"has_test_split", info.hasTestSplit},
                                {"problem", info.problem}};
    std::cout << j.dump(2) << std::endl;
    if (!info.problem.empty()) std::cerr << info.problem << "\n";
    return info.problem.empty() ? 0 : 1;
}

int listPresetsCommand()
{
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& p : benchmarkPresets())
        out.push_back({{"id", p.id},
                       {"label", p.label},
                       {"dataset", p.dataset},
                       {"layout", p.layout},
                       {"classes", p.numClasses},
                       {"classes_per_task", p.classesPerTask},
                       {"class_order", p.classOrder}});
    std::cout << out.dump(2) << std::endl;
    return 0;
}

int validateConfigCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run validate FILE [--set KEY=VALUE]...";
    std::string file;
    std::vector<std::string> overrides;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--set" && i + 1 < args.size()) overrides.push_back(args[++i]);
        else if (file.empty() && args[i].rfind("--", 0) != 0) file = args[i];
        else throw std::invalid_argument(usage);
    }
    if (file.empty()) throw std::invalid_argument(usage);
    const ConfigParseResult parsed = loadRunConfig(file, overrides);
    if (parsed.ok()) {
        std::cout << file << ": valid\n";
        return 0;
    }
    std::cerr << file << ": the configuration has " << parsed.errors.size() << " problem"
              << (parsed.errors.size() > 1 ? "s" : "") << ":\n";
    for (const auto& e : parsed.errors)
        std::cerr << "  " << (e.path.empty() ? "(file)" : e.path) << ": " << e.message << "\n";
    return 2;
}

}  // namespace clwb::cli
