// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig -> JSON, the resolved task split, class names, resource paths and the demo. Reading
// JSON: config_reader.cpp; validation: config_validation.cpp.
#include "clwb/run_config.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <type_traits>
#include <utility>

#include "clwb/datasets.h"
#include "clwb/strategy_info.h"
#include "config/config_common.h"
#include "config/config_fields.h"

#ifndef CLWB_RESOURCE_DIR
#define CLWB_RESOURCE_DIR ""
#endif

namespace clwb {
using namespace config;
namespace {

/// Bools as true/false and integral values as integers, so files read naturally.
OrderedJson paramJson(const StrategyInfo* info, const std::string& key, double value)
{
    if (info) {
        for (const auto& spec : info->params) {
            if (spec.key == key && spec.type == ParamSpec::Type::Bool &&
                (value == 0.0 || value == 1.0))
                return value == 1.0;
        }
    }
    if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15)
        return static_cast<std::int64_t>(value);
    return value;
}

}  // namespace

std::string toJson(const RunConfig& config, int indent)
{
    auto& c = const_cast<RunConfig&>(config);  // the table's accessors only read here
    const StrategyInfo* info = findStrategy(config.strategy);
    OrderedJson j;
    for (const auto& f : configFields()) {
        if (f.qaOnly && config.data.scenario != "qa") continue;
        OrderedJson& out = *f.section ? j[f.section] : j;
        std::visit(
            [&](auto get) {
                using T = std::decay_t<decltype(*get(c))>;
                const T& value = *get(c);
                if constexpr (std::is_same_v<T, std::vector<TaskSpec>>) {
                    // An empty list would read back as an error; left out = the default split.
                    if (value.empty()) return;
                    OrderedJson tasks = OrderedJson::array();
                    for (const auto& t : value) tasks.push_back(t.classes);
                    out[f.key] = std::move(tasks);
                } else if constexpr (std::is_same_v<T, ParamValues>) {
                    OrderedJson params = OrderedJson::object();
                    for (const auto& [key, v] : value) params[key] = paramJson(info, key, v);
                    out[f.key] = std::move(params);
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    if (!value.empty() || !f.qaOnly) out[f.key] = value;
                } else {
                    out[f.key] = value;
                }
            },
            f.ref);
    }
    // Replace rather than throw on invalid UTF-8 in free-text fields such as the name.
    return j.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

std::vector<TaskSpec> resolvedTasks(const RunConfig& config)
{
    const DataConfig& d = config.data;
    const int numClasses = d.dataset == "synthetic" || d.dataset == "fashion-mnist"
                               ? 10
                               : std::max(1, static_cast<int>(datasetClassNames(d).size()));
    if (d.scenario == "permuted" || d.scenario == "rotated") {
        TaskSpec all;
        for (int c = 0; c < numClasses; ++c) all.classes.push_back(c);
        return std::vector<TaskSpec>(static_cast<std::size_t>(std::max(0, d.numTasks)), all);
    }
    std::vector<TaskSpec> tasks = d.tasks;
    if (tasks.empty()) {
        // Equal consecutive groups; the first groups take the remainder (100 classes, 3 tasks:
        // 34 + 33 + 33).
        const int groups = std::max(1, std::min(d.numTasks, numClasses));
        int next = 0;
        for (int g = 0; g < groups; ++g) {
            const int size = numClasses / groups + (g < numClasses % groups ? 1 : 0);
            TaskSpec t;
            for (int k = 0; k < size; ++k) t.classes.push_back(next++);
            tasks.push_back(std::move(t));
        }
    }
    if (d.shuffleClassOrder) {
        // Own Fisher-Yates: std::shuffle's draws differ between standard libraries, and a
        // seed must name the same class order everywhere.
        std::vector<int> perm(numClasses);
        for (int c = 0; c < numClasses; ++c) perm[c] = c;
        std::mt19937 rng(static_cast<std::uint32_t>(config.seed));
        for (int i = numClasses - 1; i > 0; --i) {
            const int j = static_cast<int>(rng() % static_cast<std::uint32_t>(i + 1));
            std::swap(perm[i], perm[j]);
        }
        for (auto& task : tasks) {
            for (int& c : task.classes) {
                if (c >= 0 && c < numClasses) c = perm[c];
            }
        }
    }
    return tasks;
}

std::vector<std::string> classNames(const std::string& dataset)
{
    if (dataset == "fashion-mnist") {
        return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    }
    std::vector<std::string> names;
    for (int c = 0; c < 10; ++c) names.push_back("Class " + std::to_string(c));
    return names;
}

std::string resourceDir()
{
    if (const char* env = std::getenv("CLWB_RESOURCE_DIR"); env && *env) return env;
    // Installed layout: <prefix>/bin/clwb next to <prefix>/share/clwb.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = (exe.parent_path() / ".." / "share" / "clwb").lexically_normal();
        if (fs::exists(dir / "backbone.pt", ec)) return dir.string();
    }
    return CLWB_RESOURCE_DIR;
}

RunConfig demoConfig()
{
    const fs::path file = fs::path(resourceDir()) / "demo.json";
    std::error_code ec;
    std::string text, reason;
    // Only parse errors reject the file: a missing dataset is the GUI's to report on run.
    if (fs::exists(file, ec) && readFile(file.string(), text, reason)) {
        ConfigParseResult result = parseUnvalidated(text, {});
        if (result.ok()) return result.config;
    }
    return builtinDemo();
}

}  // namespace clwb
