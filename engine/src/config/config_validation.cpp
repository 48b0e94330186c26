// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig validation: ranges and choices of every field, strategy parameters, task splits, and
// the checks that look at the machine (dataset files, checkpoints, CUDA).
#include "clwb/run_config.h"

#include <algorithm>
#include <cmath>

#include "checks.h"
#include "clwb/datasets.h"
#include "clwb/engine.h"
#include "clwb/strategy_info.h"
#include "config/config_common.h"
#include "config/config_fields.h"

namespace clwb {
using namespace config;
namespace {

void validateParams(const RunConfig& config, const StrategyInfo& info,
                    std::vector<ConfigError>& errors)
{
    Keys validKeys;
    for (const auto& spec : info.params) validKeys.push_back(spec.key);
    for (const auto& [key, value] : config.params) {
        const std::string path = childPath("params", key);
        const auto spec = std::find_if(info.params.begin(), info.params.end(),
                                       [&](const ParamSpec& p) { return p.key == key; });
        if (spec == info.params.end()) {
            errors.push_back(
                {path, "unknown key " + inQuotes(key) + " for strategy " + inQuotes(info.id) +
                           didYouMean(closestKey(key, validKeys)) +
                           "; valid keys: " + (validKeys.empty() ? "(none)" : join(validKeys))});
            continue;
        }
        if (!std::isfinite(value)) {
            errors.push_back({path, "must be a finite number"});
            continue;
        }
        switch (spec->type) {
            case ParamSpec::Type::Bool:
                if (value != 0.0 && value != 1.0)
                    errors.push_back(
                        {path, "expected true or false (1 or 0), got " + formatNumber(value)});
                break;
            case ParamSpec::Type::Choice: {
                const auto n = static_cast<double>(spec->choices.size());
                if (value != std::floor(value) || value < 0 || value >= n) {
                    Keys numbered;
                    for (std::size_t i = 0; i < spec->choices.size(); ++i)
                        numbered.push_back(std::to_string(i) + " = " + spec->choices[i]);
                    errors.push_back({path, "choice index " + formatNumber(value) +
                                                " is out of range; valid: " + join(numbered)});
                }
                break;
            }
            case ParamSpec::Type::Int:
                if (value != std::floor(value)) {
                    errors.push_back({path, "expected an integer, got " + formatNumber(value)});
                    break;
                }
                [[fallthrough]];
            case ParamSpec::Type::Float:
                if (value < spec->minValue || value > spec->maxValue) {
                    errors.push_back({path, formatNumber(value) + " is outside [" +
                                                formatNumber(spec->minValue) + ", " +
                                                formatNumber(spec->maxValue) + "]"});
                }
                break;
        }
    }
}

void validateTasks(const RunConfig& config, std::vector<ConfigError>& errors)
{
    const auto names = datasetClassNames(config.data);
    const int numClasses = static_cast<int>(names.size());
    std::vector<int> owner(numClasses, -1);  // task that first listed each class
    for (std::size_t i = 0; i < config.data.tasks.size(); ++i) {
        const std::string path = indexPath("data.tasks", i);
        const auto& classes = config.data.tasks[i].classes;
        if (classes.empty()) {
            errors.push_back({path, "task " + std::to_string(i) + " has no classes"});
            continue;
        }
        for (const int c : classes) {
            if (c < 0 || c >= numClasses) {
                errors.push_back({path, "class " + std::to_string(c) + " is out of range (0.." +
                                            std::to_string(numClasses - 1) + ")"});
                continue;
            }
            const std::string label = "class " + std::to_string(c) + " (" + names[c] + ")";
            if (owner[c] == static_cast<int>(i)) {
                errors.push_back({path, label + " is listed twice"});
            } else if (owner[c] >= 0) {
                errors.push_back({path, label + " is also in task " + std::to_string(owner[c])});
            } else {
                owner[c] = static_cast<int>(i);
            }
        }
    }
}

void validateDatasetFiles(const RunConfig& config, std::vector<ConfigError>& errors)
{
    const std::string hint =
        "; install them with `apt install dataset-fashion-mnist` or set data.path";
    const std::string dir =
        config.data.path.empty() ? detail::defaultFashionMnistDir() : config.data.path;
    std::error_code ec;
    if (dir.empty()) {
        errors.push_back({"data.path", "no Fashion-MNIST directory given and none found" + hint});
        return;
    }
    if (!fs::is_directory(dir, ec)) {
        errors.push_back({"data.path", "Fashion-MNIST directory " + inQuotes(dir) +
                                           " does not exist (it needs " + join(kFashionMnistFiles) +
                                           ")" + hint});
        return;
    }
    Keys missing;
    for (const auto& f : kFashionMnistFiles) {
        if (!fs::is_regular_file(fs::path(dir) / f, ec)) missing.push_back(f);
    }
    if (!missing.empty()) {
        errors.push_back({"data.path", inQuotes(dir) + " lacks " + join(missing) + hint});
    }
}

void validateModel(const ModelConfig& m, std::vector<ConfigError>& errors)
{
    RunConfig model;  // the field table's ranges, on the architecture that will run
    model.model = m;
    checkFieldRanges(model, "model", errors);
    if (m.dim > 0 && m.heads > 0 && m.dim % m.heads != 0) {
        errors.push_back({"model.dim", "dim " + std::to_string(m.dim) +
                                           " is not divisible by heads " +
                                           std::to_string(m.heads)});
    }
    if (m.imageSize > 0 && m.patchSize > 0 && m.imageSize % m.patchSize != 0) {
        errors.push_back({"model.patch_size", "image_size " + std::to_string(m.imageSize) +
                                                  " is not divisible by patch_size " +
                                                  std::to_string(m.patchSize)});
    }
    if (m.pool == "cls" && !m.classToken)
        errors.push_back({"model.pool", "\"cls\" pooling needs a class token (model.class_token)"});
    for (const auto& [key, values] :
         {std::pair<const char*, const std::vector<double>*>{"mean", &m.mean}, {"std", &m.std}}) {
        const std::string path = std::string("model.") + key;
        if (!values->empty() && static_cast<int>(values->size()) != m.channels &&
            values->size() != 1)
            errors.push_back({path, "has " + std::to_string(values->size()) +
                                        " values; give one per channel (" +
                                        std::to_string(m.channels) + ") or leave it empty"});
        for (std::size_t i = 0; i < values->size(); ++i) {
            const double v = (*values)[i];
            if (!std::isfinite(v) || (std::string(key) == "std" && v <= 0))
                errors.push_back(
                    {indexPath(path, i), std::string("must be a finite") +
                                             (std::string(key) == "std" ? " positive" : "") +
                                             " number, got " + formatNumber(v)});
        }
    }
    if (m.mean.empty() != m.std.empty())
        errors.push_back({m.mean.empty() ? "model.mean" : "model.std",
                          "give model.mean and model.std together (or neither)"});

    if (m.backbone == "random") return;
    if (m.backbone.empty()) {
        errors.push_back({"model.backbone",
                          "empty; use \"pretrained\", \"random\" or a "
                          "checkpoint path"});
        return;
    }
    const bool bundled = m.backbone == "pretrained";
    // Reads the checkpoint's header and shapes only (a ViT-B safetensors in well under a second);
    // checks model.arch and model.image_size against it too.
    const std::string problem = detail::backboneProblem(m);
    if (!problem.empty())
        errors.push_back({"model.backbone", (bundled ? "pretrained backbone: " : "") + problem});
}

}  // namespace

std::vector<ConfigError> validateRunConfig(const RunConfig& config)
{
    std::vector<ConfigError> errors;

    if (const StrategyInfo* info = findStrategy(config.strategy)) {
        validateParams(config, *info, errors);
    } else {
        Keys ids;
        for (const auto& s : listStrategies()) ids.push_back(s.id);
        errors.push_back({"strategy", "unknown strategy " + inQuotes(config.strategy) +
                                          didYouMean(closestKey(config.strategy, ids)) +
                                          "; valid: " + (ids.empty() ? "(none)" : join(ids))});
    }

    // Plain ranges and choices come from the field table (config_fields.cpp).
    checkFieldRanges(config, "", errors);
    checkFieldRanges(config, "data", errors);
    checkFieldRanges(config, "train", errors);
    checkFieldRanges(config, "checkpoint", errors);

    const DataConfig& d = config.data;
    if (d.scenario == "class-incremental") {
        validateTasks(config, errors);
    } else if (d.scenario == "qa") {
        validateTasks(config, errors);
        for (std::size_t i = 0; i < d.qaStyles.size(); ++i)
            checkOneOf(errors, "data.qa_styles[" + std::to_string(i) + "]", d.qaStyles[i],
                       kQaStyles, "answer style");
        if (!(std::isfinite(d.asdPercent) && d.asdPercent >= 0 && d.asdPercent <= 100))
            errors.push_back({"data.asd_percent",
                              "must be between 0 and 100, got " + formatNumber(d.asdPercent)});
        if (const StrategyInfo* info = findStrategy(config.strategy);
            info && !info->questionAnswering) {
            Keys ok;
            for (const auto& s : listStrategies())
                if (s.questionAnswering) ok.push_back(s.id);
            errors.push_back({"strategy", "strategy " + inQuotes(config.strategy) +
                                              " does not run on question-answering sequences; "
                                              "use one of: " +
                                              join(ok)});
        }
    } else if (d.scenario == "permuted" || d.scenario == "rotated") {
        checkBetween(errors, "data.num_tasks", d.numTasks, 1, kMaxDomainTasks);
        if (!std::isfinite(d.rotationStep))
            errors.push_back({"data.rotation_step", "must be a finite number"});
    }
    if (d.dataset == "fashion-mnist") {
        validateDatasetFiles(config, errors);
    } else if (d.dataset != "synthetic" && contains(kDatasets, d.dataset)) {
        const DatasetInfo info = inspectDataset(d);
        if (!info.problem.empty()) {
            // inspectDataset prefixes the field ("data.path: ...").
            const auto colon = info.problem.find(": ");
            const bool located = info.problem.rfind("data.", 0) == 0 && colon != std::string::npos;
            errors.push_back({located ? info.problem.substr(0, colon) : "data.path",
                              located ? info.problem.substr(colon + 2) : info.problem});
        }
    }
    if (!(std::isfinite(d.testFraction) && d.testFraction > 0 && d.testFraction < 1))
        errors.push_back({"data.test_fraction", "must be between 0 and 1 (exclusive), got " +
                                                    formatNumber(d.testFraction)});
    if (!(std::isfinite(d.memoryLimitMb) && d.memoryLimitMb >= 0))
        errors.push_back({"data.memory_limit_mb",
                          "must be 0 (half of the machine's memory) or a "
                          "positive number of megabytes, got " +
                              formatNumber(d.memoryLimitMb)});
    if ((d.scenario == "permuted" || d.scenario == "qa") && d.dataset != "fashion-mnist" &&
        d.dataset != "synthetic" && d.dataset != "idx")
        errors.push_back({"data.scenario", "the " + d.scenario +
                                               " scenario needs 28x28 grey images (fashion-mnist, "
                                               "idx or synthetic), not " +
                                               inQuotes(d.dataset)});

    // A checkpoint fixes the architecture: the size checks apply to what will actually run
    // (image_size 384 on a /16 checkpoint is fine although the default patch_size is 7).
    validateModel(
        config.model.backbone == "random" ? config.model : detail::effectiveConfig(config).model,
        errors);

    const TrainConfig& t = config.train;
    if (!(std::isfinite(t.lr) && t.lr > 0))
        errors.push_back({"train.lr", "must be a positive number, got " + formatNumber(t.lr)});
    if (!(std::isfinite(t.weightDecay) && t.weightDecay >= 0)) {
        errors.push_back(
            {"train.weight_decay", "must be zero or positive, got " + formatNumber(t.weightDecay)});
    }
    if (t.precision == "fp16" && (config.device == "cpu" || !cudaAvailable()))
        errors.push_back({"train.precision",
                          "fp16 needs a CUDA device (no CUDA here); use \"bf16\" or \"fp32\" on "
                          "the CPU"});

    if (config.device == "cuda" && !cudaAvailable()) {
        errors.push_back({"device",
                          "CUDA requested but this build/machine has no CUDA device; "
                          "use \"auto\" or \"cpu\""});
    }
    return errors;
}

}  // namespace clwb
