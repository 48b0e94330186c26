// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/config_fields.h"

namespace clwb::config {
namespace {

/// A row whose member is `expr` of RunConfig c (a captureless lambda: a plain function pointer).
#define CLWB_FIELD(section, key, expr)                      \
    Field                                                   \
    {                                                       \
        section, key, +[](RunConfig& c) { return &(expr); } \
    }

Field ranged(Field f, int min, int max = INT_MAX)
{
    f.ranged = true;
    f.min = min;
    f.max = max;
    return f;
}

Field oneOf(Field f, const Keys& choices, const char* what)
{
    f.choices = &choices;
    f.what = what;
    return f;
}

Field qaOnly(Field f)
{
    f.qaOnly = true;
    return f;
}

}  // namespace

const std::vector<Field>& configFields()
{
    static const std::vector<Field> fields = {
        CLWB_FIELD("", "name", c.name),
        CLWB_FIELD("", "strategy", c.strategy),
        CLWB_FIELD("", "params", c.params),
        CLWB_FIELD("", "seed", c.seed),
        oneOf(CLWB_FIELD("", "device", c.device), kDevices, "device"),
        ranged(CLWB_FIELD("", "threads", c.threads), 0),

        oneOf(CLWB_FIELD("data", "dataset", c.data.dataset), kDatasets, "dataset"),
        CLWB_FIELD("data", "path", c.data.path),
        oneOf(CLWB_FIELD("data", "scenario", c.data.scenario), kScenarios, "scenario"),
        CLWB_FIELD("data", "tasks", c.data.tasks),
        CLWB_FIELD("data", "num_tasks", c.data.numTasks),  // range depends on the scenario
        CLWB_FIELD("data", "rotation_step", c.data.rotationStep),
        CLWB_FIELD("data", "shuffle_class_order", c.data.shuffleClassOrder),
        ranged(CLWB_FIELD("data", "train_per_class", c.data.trainPerClass), 0),
        ranged(CLWB_FIELD("data", "test_per_class", c.data.testPerClass), 0),
        ranged(CLWB_FIELD("data", "curve_per_task", c.data.curvePerTask), 0),
        ranged(CLWB_FIELD("data", "gallery_per_task", c.data.galleryPerTask), 0, 64),
        ranged(CLWB_FIELD("data", "drift_per_class", c.data.driftPerClass), 0, 256),
        CLWB_FIELD("data", "test_fraction", c.data.testFraction),
        oneOf(CLWB_FIELD("data", "bad_images", c.data.badImages), kBadImages, "policy"),
        ranged(CLWB_FIELD("data", "store_size", c.data.storeSize), 0, 1024),
        oneOf(CLWB_FIELD("data", "augment", c.data.augment), kAugments, "augmentation"),
        CLWB_FIELD("data", "memory_limit_mb", c.data.memoryLimitMb),
        qaOnly(CLWB_FIELD("data", "qa_styles", c.data.qaStyles)),
        qaOnly(CLWB_FIELD("data", "asd_percent", c.data.asdPercent)),

        CLWB_FIELD("model", "backbone", c.model.backbone),
        CLWB_FIELD("model", "arch", c.model.arch),
        ranged(CLWB_FIELD("model", "image_size", c.model.imageSize), 1),
        ranged(CLWB_FIELD("model", "channels", c.model.channels), 1),
        ranged(CLWB_FIELD("model", "patch_size", c.model.patchSize), 1),
        ranged(CLWB_FIELD("model", "dim", c.model.dim), 1),
        ranged(CLWB_FIELD("model", "depth", c.model.depth), 1),
        ranged(CLWB_FIELD("model", "heads", c.model.heads), 1),
        ranged(CLWB_FIELD("model", "mlp_ratio", c.model.mlpRatio), 1),
        ranged(CLWB_FIELD("model", "mlp_hidden", c.model.mlpHidden), 0),
        oneOf(CLWB_FIELD("model", "pool", c.model.pool), kPools, "pool"),
        CLWB_FIELD("model", "class_token", c.model.classToken),
        CLWB_FIELD("model", "fc_norm", c.model.fcNorm),
        CLWB_FIELD("model", "layer_scale", c.model.layerScale),
        CLWB_FIELD("model", "qkv_bias", c.model.qkvBias),
        CLWB_FIELD("model", "bias", c.model.bias),
        CLWB_FIELD("model", "mean", c.model.mean),
        CLWB_FIELD("model", "std", c.model.std),

        ranged(CLWB_FIELD("train", "epochs", c.train.epochs), 0, 1000),
        ranged(CLWB_FIELD("train", "batch_size", c.train.batchSize), 1, 65536),
        CLWB_FIELD("train", "lr", c.train.lr),
        CLWB_FIELD("train", "weight_decay", c.train.weightDecay),
        ranged(CLWB_FIELD("train", "eval_every", c.train.evalEvery), 0),
        oneOf(CLWB_FIELD("train", "precision", c.train.precision), kPrecisions, "precision"),
        oneOf(CLWB_FIELD("train", "nonfinite", c.train.nonfinite), kNonfinitePolicies,
              "non-finite loss policy"),
        ranged(CLWB_FIELD("train", "shards", c.train.shards), 0, 256),

        ranged(CLWB_FIELD("checkpoint", "keep", c.checkpoint.keep), 0, 1000),
    };
    return fields;
}

#undef CLWB_FIELD

Keys sectionKeys(const std::string& section)
{
    Keys keys;
    for (const auto& f : configFields())
        if (section == f.section) keys.push_back(f.key);
    if (section.empty())
        for (const char* s : {"data", "model", "train", "checkpoint"}) keys.push_back(s);
    return keys;
}

void checkAtLeast(std::vector<ConfigError>& errors, const std::string& path, int value, int lo)
{
    if (value < lo)
        errors.push_back(
            {path, "must be at least " + std::to_string(lo) + ", got " + std::to_string(value)});
}

void checkBetween(std::vector<ConfigError>& errors, const std::string& path, int value, int lo,
                  int hi)
{
    if (value < lo || value > hi)
        errors.push_back({path, "must be between " + std::to_string(lo) + " and " +
                                    std::to_string(hi) + ", got " + std::to_string(value)});
}

void checkOneOf(std::vector<ConfigError>& errors, const std::string& path, const std::string& value,
                const Keys& valid, const char* what)
{
    if (contains(valid, value)) return;
    errors.push_back({path, std::string("unknown ") + what + " " + inQuotes(value) +
                                didYouMean(closestKey(value, valid)) + "; valid: " + join(valid)});
}

void checkFieldRanges(const RunConfig& config, const std::string& section,
                      std::vector<ConfigError>& errors)
{
    auto& c = const_cast<RunConfig&>(config);  // the accessors only read here
    for (const auto& f : configFields()) {
        if (section != f.section) continue;
        const std::string path = childPath(f.section, f.key);
        if (f.ranged) {
            const int v = *std::get<int* (*)(RunConfig&)>(f.ref)(c);
            if (f.max == INT_MAX)
                checkAtLeast(errors, path, v, f.min);
            else
                checkBetween(errors, path, v, f.min, f.max);
        }
        if (f.choices)
            checkOneOf(errors, path, *std::get<std::string* (*)(RunConfig&)>(f.ref)(c), *f.choices,
                       f.what);
    }
}

}  // namespace clwb::config
