// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig <-> JSON with path-located errors, --set overrides and environment validation.
#include "clwb/run_config.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "checks.h"
#include "clwb/datasets.h"
#include "clwb/engine.h"

#ifndef CLWB_RESOURCE_DIR
#define CLWB_RESOURCE_DIR ""
#endif

namespace clwb {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
using Keys = std::vector<std::string>;

constexpr int kMaxDomainTasks = 20;

const Keys kTopKeys = {"name",    "strategy", "params", "seed", "device",
                       "threads", "data",     "model",  "train"};
const Keys kDataKeys = {"dataset",
                        "path",
                        "scenario",
                        "tasks",
                        "num_tasks",
                        "rotation_step",
                        "shuffle_class_order",
                        "train_per_class",
                        "test_per_class",
                        "curve_per_task",
                        "qa_styles",
                        "asd_percent",
                        "test_fraction",
                        "bad_images",
                        "store_size",
                        "augment",
                        "memory_limit_mb"};
const Keys kModelKeys = {"backbone",  "arch",       "image_size", "channels",   "patch_size",
                         "dim",       "depth",      "heads",      "mlp_ratio",  "mlp_hidden",
                         "pool",      "class_token", "fc_norm",   "layer_scale", "qkv_bias",
                         "bias",      "mean",       "std"};
const Keys kTrainKeys = {"epochs", "batch_size", "lr", "weight_decay", "eval_every", "precision"};
const Keys kPrecisions = {"fp32", "bf16", "fp16"};

const Keys kDatasets = {"fashion-mnist", "idx",         "cifar10",  "cifar100",
                        "image-folder",  "file-list",   "synthetic"};
const Keys kBadImages = {"skip", "reject"};
const Keys kAugments = {"none", "flip", "crop-flip"};
const Keys kScenarios = {"class-incremental", "permuted", "rotated", "qa"};
const Keys kQaStyles = {"yn", "mcq", "short", "brief", "detail"};
const Keys kDevices = {"auto", "cpu", "cuda"};
const Keys kPools = {"mean", "cls"};
const Keys kFashionMnistFiles = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

bool contains(const Keys& keys, const std::string& key)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string join(const Keys& items, const char* sep = ", ")
{
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += sep;
        out += item;
    }
    return out;
}

std::string formatNumber(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string inQuotes(const std::string& s)
{
    return "'" + s + "'";
}

std::string childPath(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

std::string indexPath(const std::string& parent, std::size_t i)
{
    return parent + "[" + std::to_string(i) + "]";
}

std::string typeName(const Json& j)
{
    switch (j.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return "a number";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        default:
            return "an unsupported value";
    }
}

int editDistance(const std::string& a, const std::string& b)
{
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const int substitution = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitution});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// The known key nearest to `key` if it is a plausible typo (distance <= 2), else "".
std::string closestKey(const std::string& key, const Keys& known)
{
    std::string best;
    int bestDistance = 3;
    for (const auto& candidate : known) {
        const int d = editDistance(key, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

std::string didYouMean(const std::string& suggestion)
{
    return suggestion.empty() ? std::string() : " (did you mean " + inQuotes(suggestion) + "?)";
}

/// Converts a JSON number to int; accepts integral floats such as 3.0.
bool toInt(const Json& v, int& out, std::string& problem)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT_MAX)) {
            problem = "integer " + std::to_string(u) + " is out of range";
            return false;
        }
        out = static_cast<int>(u);
        return true;
    }
    if (v.is_number_integer()) {
        const auto s = v.get<std::int64_t>();
        if (s < INT_MIN || s > INT_MAX) {
            problem = "integer " + std::to_string(s) + " is out of range";
            return false;
        }
        out = static_cast<int>(s);
        return true;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d)) {
            problem = "expected an integer, got " + formatNumber(d);
            return false;
        }
        if (d < INT_MIN || d > INT_MAX) {
            problem = "integer " + formatNumber(d) + " is out of range";
            return false;
        }
        out = static_cast<int>(d);
        return true;
    }
    problem = "expected an integer, got " + typeName(v);
    return false;
}

/// JSON -> RunConfig field by field; every problem is recorded and parsing goes on.
class Reader
{
public:
    explicit Reader(std::vector<ConfigError>& errors) : errors_(errors) {}

    void error(const std::string& path, const std::string& message)
    {
        errors_.push_back({path, message});
    }

    /// Type-checks an object and reports its unknown keys. False when `j` is not an object.
    bool object(const Json& j, const std::string& path, const Keys& known)
    {
        if (!j.is_object()) {
            error(path, "expected an object, got " + typeName(j));
            return false;
        }
        for (const auto& item : j.items()) {
            if (contains(known, item.key())) continue;
            std::string hint = didYouMean(closestKey(item.key(), known));
            if (hint.empty() && path.empty()) hint = sectionHint(item.key());
            error(childPath(path, item.key()),
                  "unknown key " + inQuotes(item.key()) +
                      (hint.empty() ? "; known keys: " + join(known) : hint));
        }
        return true;
    }

    void readString(const Json& obj, const char* key, const std::string& parent, std::string& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_string())
            out = it->get<std::string>();
        else
            error(childPath(parent, key), "expected a string, got " + typeName(*it));
    }

    void readInt(const Json& obj, const char* key, const std::string& parent, int& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        std::string problem;
        if (!toInt(*it, out, problem)) error(childPath(parent, key), problem);
    }

    void readDouble(const Json& obj, const char* key, const std::string& parent, double& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_number())
            out = it->get<double>();
        else
            error(childPath(parent, key), "expected a number, got " + typeName(*it));
    }

    void readBool(const Json& obj, const char* key, const std::string& parent, bool& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_boolean())
            out = it->get<bool>();
        else
            error(childPath(parent, key), "expected true or false, got " + typeName(*it));
    }

    void readParams(const Json& root, ParamValues& out)
    {
        const auto it = root.find("params");
        if (it == root.end()) return;
        if (!it->is_object()) {
            error("params", "expected an object, got " + typeName(*it));
            return;
        }
        // Which keys exist depends on the strategy, so validateRunConfig checks the names.
        for (const auto& item : it->items()) {
            const Json& v = item.value();
            if (v.is_boolean())
                out[item.key()] = v.get<bool>() ? 1.0 : 0.0;
            else if (v.is_number())
                out[item.key()] = v.get<double>();
            else
                error(childPath("params", item.key()),
                      "expected a number or a boolean, got " + typeName(v));
        }
    }

    void readNumberList(const Json& obj, const char* key, const std::string& parent,
                        std::vector<double>& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        const std::string path = parent + "." + key;
        if (!it->is_array()) {
            error(path, "expected an array of numbers, got " + typeName(*it));
            return;
        }
        std::vector<double> values;
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!(*it)[i].is_number()) {
                error(indexPath(path, i), "expected a number, got " + typeName((*it)[i]));
                return;
            }
            values.push_back((*it)[i].get<double>());
        }
        out = std::move(values);
    }

    void readStringList(const Json& obj, const char* key, const std::string& parent,
                        std::vector<std::string>& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        const std::string path = parent + "." + key;
        if (!it->is_array()) {
            error(path, "expected an array of strings, got " + typeName(*it));
            return;
        }
        std::vector<std::string> values;
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!(*it)[i].is_string()) {
                error(path + "[" + std::to_string(i) + "]", "expected a string, got " + typeName((*it)[i]));
                return;
            }
            values.push_back((*it)[i].get<std::string>());
        }
        out = std::move(values);
    }

    void readTasks(const Json& data, std::vector<TaskSpec>& out)
    {
        const auto it = data.find("tasks");
        if (it == data.end()) return;
        const std::string path = "data.tasks";
        if (!it->is_array()) {
            error(path,
                  "expected an array of class lists such as [[0,1],[2,3]], got " + typeName(*it));
            return;
        }
        if (it->empty()) {
            error(path, "at least one task is needed (leave the key out for the 5 x 2 default)");
            return;
        }
        std::vector<TaskSpec> tasks;
        bool ok = true;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& task = (*it)[i];
            if (!task.is_array()) {
                error(indexPath(path, i), "expected an array of class ids, got " + typeName(task));
                ok = false;
                continue;
            }
            TaskSpec spec;
            for (std::size_t k = 0; k < task.size(); ++k) {
                int c = 0;
                std::string problem;
                if (toInt(task[k], c, problem)) {
                    spec.classes.push_back(c);
                } else {
                    error(indexPath(indexPath(path, i), k), problem);
                    ok = false;
                }
            }
            tasks.push_back(std::move(spec));
        }
        // A half-read list would make validation report the same problem a second time.
        if (ok) out = std::move(tasks);
    }

private:
    /// Top-level keys that belong in a section, e.g. "lr" -> "train.lr".
    static std::string sectionHint(const std::string& key)
    {
        const std::pair<const char*, const Keys*> sections[] = {
            {"data", &kDataKeys}, {"model", &kModelKeys}, {"train", &kTrainKeys}};
        for (const auto& [name, keys] : sections) {
            if (contains(*keys, key)) return didYouMean(std::string(name) + "." + key);
        }
        return {};
    }

    std::vector<ConfigError>& errors_;
};

RunConfig fromJson(const Json& root, std::vector<ConfigError>& errors)
{
    RunConfig c;
    Reader r(errors);
    if (!r.object(root, "", kTopKeys)) return c;
    r.readString(root, "name", "", c.name);
    r.readString(root, "strategy", "", c.strategy);
    r.readParams(root, c.params);
    r.readInt(root, "seed", "", c.seed);
    r.readString(root, "device", "", c.device);
    r.readInt(root, "threads", "", c.threads);

    if (const auto it = root.find("data"); it != root.end() && r.object(*it, "data", kDataKeys)) {
        const Json& d = *it;
        DataConfig& data = c.data;
        r.readString(d, "dataset", "data", data.dataset);
        r.readString(d, "path", "data", data.path);
        r.readString(d, "scenario", "data", data.scenario);
        r.readTasks(d, data.tasks);
        r.readInt(d, "num_tasks", "data", data.numTasks);
        r.readDouble(d, "rotation_step", "data", data.rotationStep);
        r.readBool(d, "shuffle_class_order", "data", data.shuffleClassOrder);
        r.readInt(d, "train_per_class", "data", data.trainPerClass);
        r.readInt(d, "test_per_class", "data", data.testPerClass);
        r.readInt(d, "curve_per_task", "data", data.curvePerTask);
        r.readStringList(d, "qa_styles", "data", data.qaStyles);
        r.readDouble(d, "asd_percent", "data", data.asdPercent);
        r.readDouble(d, "test_fraction", "data", data.testFraction);
        r.readString(d, "bad_images", "data", data.badImages);
        r.readInt(d, "store_size", "data", data.storeSize);
        r.readString(d, "augment", "data", data.augment);
        r.readDouble(d, "memory_limit_mb", "data", data.memoryLimitMb);
    }
    if (const auto it = root.find("model");
        it != root.end() && r.object(*it, "model", kModelKeys)) {
        const Json& m = *it;
        ModelConfig& model = c.model;
        r.readString(m, "backbone", "model", model.backbone);
        r.readInt(m, "image_size", "model", model.imageSize);
        r.readInt(m, "channels", "model", model.channels);
        r.readInt(m, "patch_size", "model", model.patchSize);
        r.readInt(m, "dim", "model", model.dim);
        r.readInt(m, "depth", "model", model.depth);
        r.readInt(m, "heads", "model", model.heads);
        r.readInt(m, "mlp_ratio", "model", model.mlpRatio);
        r.readString(m, "pool", "model", model.pool);
        r.readString(m, "arch", "model", model.arch);
        r.readInt(m, "mlp_hidden", "model", model.mlpHidden);
        r.readBool(m, "class_token", "model", model.classToken);
        r.readBool(m, "fc_norm", "model", model.fcNorm);
        r.readBool(m, "layer_scale", "model", model.layerScale);
        r.readBool(m, "qkv_bias", "model", model.qkvBias);
        r.readBool(m, "bias", "model", model.bias);
        r.readNumberList(m, "mean", "model", model.mean);
        r.readNumberList(m, "std", "model", model.std);
    }
    if (const auto it = root.find("train");
        it != root.end() && r.object(*it, "train", kTrainKeys)) {
        const Json& t = *it;
        TrainConfig& train = c.train;
        r.readInt(t, "epochs", "train", train.epochs);
        r.readInt(t, "batch_size", "train", train.batchSize);
        r.readDouble(t, "lr", "train", train.lr);
        r.readDouble(t, "weight_decay", "train", train.weightDecay);
        r.readInt(t, "eval_every", "train", train.evalEvery);
        r.readString(t, "precision", "train", train.precision);
    }
    return c;
}

/// nlohmann reports a 1-based byte count; users want line and column (in characters).
std::string invalidJsonMessage(const std::string& text, const Json::parse_error& e)
{
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            ++line;
            column = 1;
        } else if ((byte & 0xC0) != 0x80) {  // UTF-8 continuation bytes share one column
            ++column;
        }
    }
    // Keep nlohmann's description, drop its "[json.exception...] parse error at ...:" prefix.
    std::string detail = e.what();
    if (const auto pos = detail.find("parse error"); pos != std::string::npos) {
        if (const auto colon = detail.find(": ", pos); colon != std::string::npos)
            detail = detail.substr(colon + 2);
    }
    return "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
           ": " + detail;
}

std::string trim(const std::string& s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    const auto end = s.find_last_not_of(" \t");
    return s.substr(begin, end - begin + 1);
}

/// Applies one "a.b.c=value" override to the document, creating objects on the way.
void applyOverride(Json& root, const std::string& text, std::vector<ConfigError>& errors)
{
    const std::string where = "--set " + text;
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
        errors.push_back({where, "expected key.path=value"});
        return;
    }
    const std::string path = trim(text.substr(0, eq));
    if (path.empty()) {
        errors.push_back({where, "empty key path before '='"});
        return;
    }
    Keys segments;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        segments.push_back(path.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); })) {
        errors.push_back({where, "empty key in path " + inQuotes(path)});
        return;
    }
    // JSON if it parses (numbers, true/false, arrays, "quoted"), otherwise the raw text.
    Json value = Json::parse(text.substr(eq + 1), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text.substr(eq + 1);

    Json* node = &root;
    std::string prefix;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        prefix = childPath(prefix, segments[i]);
        Json& next = (*node)[segments[i]];
        if (next.is_null()) next = Json::object();
        if (!next.is_object()) {
            errors.push_back(
                {where, inQuotes(prefix) + " is " + typeName(next) + ", not an object"});
            return;
        }
        node = &next;
    }
    (*node)[segments.back()] = std::move(value);
}

/// Parsing and type checks without validateRunConfig (which needs the outside world).
ConfigParseResult parseUnvalidated(const std::string& text, const Keys& overrides)
{
    ConfigParseResult result;
    Json root;
    try {
        root = Json::parse(text);
    } catch (const Json::parse_error& e) {
        result.errors.push_back({"", invalidJsonMessage(text, e)});
        return result;
    }
    if (!root.is_object()) {
        result.errors.push_back({"", "expected a JSON object, got " + typeName(root)});
        return result;
    }
    for (const auto& o : overrides) applyOverride(root, o, result.errors);
    result.config = fromJson(root, result.errors);
    return result;
}

bool readFile(const std::string& file, std::string& text, std::string& reason)
{
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        reason = "it is a directory";
        return false;
    }
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        reason = errno != 0 ? std::strerror(errno) : "cannot open";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        reason = "read error";
        return false;
    }
    text = buffer.str();
    return true;
}

void checkAtLeast(std::vector<ConfigError>& errors, const std::string& path, int value, int lo)
{
    if (value < lo) {
        errors.push_back(
            {path, "must be at least " + std::to_string(lo) + ", got " + std::to_string(value)});
    }
}

void checkBetween(std::vector<ConfigError>& errors, const std::string& path, int value, int lo,
                  int hi)
{
    if (value < lo || value > hi) {
        errors.push_back({path, "must be between " + std::to_string(lo) + " and " +
                                    std::to_string(hi) + ", got " + std::to_string(value)});
    }
}

void checkOneOf(std::vector<ConfigError>& errors, const std::string& path, const std::string& value,
                const Keys& valid, const char* what)
{
    if (contains(valid, value)) return;
    errors.push_back({path, std::string("unknown ") + what + " " + inQuotes(value) +
                                didYouMean(closestKey(value, valid)) + "; valid: " + join(valid)});
}

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
    const std::pair<const char*, int> sizes[] = {
        {"model.image_size", m.imageSize}, {"model.channels", m.channels},
        {"model.patch_size", m.patchSize}, {"model.dim", m.dim},
        {"model.depth", m.depth},          {"model.heads", m.heads},
        {"model.mlp_ratio", m.mlpRatio}};
    for (const auto& [path, value] : sizes) checkAtLeast(errors, path, value, 1);
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
    checkOneOf(errors, "model.pool", m.pool, kPools, "pool");
    checkAtLeast(errors, "model.mlp_hidden", m.mlpHidden, 0);
    if (m.pool == "cls" && !m.classToken)
        errors.push_back({"model.pool", "\"cls\" pooling needs a class token (model.class_token)"});
    for (const auto& [key, values] : {std::pair<const char*, const std::vector<double>*>{"mean", &m.mean},
                                      {"std", &m.std}}) {
        const std::string path = std::string("model.") + key;
        if (!values->empty() && static_cast<int>(values->size()) != m.channels && values->size() != 1)
            errors.push_back({path, "has " + std::to_string(values->size()) +
                                        " values; give one per channel (" +
                                        std::to_string(m.channels) + ") or leave it empty"});
        for (std::size_t i = 0; i < values->size(); ++i) {
            const double v = (*values)[i];
            if (!std::isfinite(v) || (std::string(key) == "std" && v <= 0))
                errors.push_back({indexPath(path, i), std::string("must be a finite") +
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

RunConfig builtinDemo()
{
    RunConfig c;
    c.name = "Demo: Split Fashion-MNIST 5x2";
    c.strategy = "finetune";
    c.data.trainPerClass = 1000;
    c.data.testPerClass = 500;
    c.train.epochs = 1;
    c.train.batchSize = 64;
    return c;
}

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

ConfigParseResult parseRunConfig(const std::string& json, const std::vector<std::string>& overrides)
{
    ConfigParseResult result = parseUnvalidated(json, overrides);
    // An unparsable document has no config worth validating.
    if (!result.errors.empty() && result.errors.front().path.empty()) return result;
    for (auto& e : validateRunConfig(result.config)) result.errors.push_back(std::move(e));
    return result;
}

ConfigParseResult loadRunConfig(const std::string& file, const std::vector<std::string>& overrides)
{
    std::string text, reason;
    if (!readFile(file, text, reason)) {
        ConfigParseResult result;
        result.errors.push_back({"", "cannot read " + file + ": " + reason});
        return result;
    }
    return parseRunConfig(text, overrides);
}

std::string toJson(const RunConfig& config, int indent)
{
    OrderedJson j;
    j["name"] = config.name;
    j["strategy"] = config.strategy;
    OrderedJson params = OrderedJson::object();
    const StrategyInfo* info = findStrategy(config.strategy);
    for (const auto& [key, value] : config.params) params[key] = paramJson(info, key, value);
    j["params"] = std::move(params);
    j["seed"] = config.seed;
    j["device"] = config.device;
    j["threads"] = config.threads;

    const DataConfig& d = config.data;
    OrderedJson tasks = OrderedJson::array();
    for (const auto& t : d.tasks) tasks.push_back(t.classes);
    j["data"] = {{"dataset", d.dataset},
                 {"path", d.path},
                 {"scenario", d.scenario},
                 {"tasks", std::move(tasks)},
                 {"num_tasks", d.numTasks},
                 {"rotation_step", d.rotationStep},
                 {"shuffle_class_order", d.shuffleClassOrder},
                 {"train_per_class", d.trainPerClass},
                 {"test_per_class", d.testPerClass},
                 {"curve_per_task", d.curvePerTask},
                 {"test_fraction", d.testFraction},
                 {"bad_images", d.badImages},
                 {"store_size", d.storeSize},
                 {"augment", d.augment},
                 {"memory_limit_mb", d.memoryLimitMb}};
    // An empty list would read back as an error; leaving it out means the default split.
    if (d.tasks.empty()) j["data"].erase("tasks");
    if (d.scenario == "qa") {
        if (!d.qaStyles.empty()) j["data"]["qa_styles"] = d.qaStyles;
        j["data"]["asd_percent"] = d.asdPercent;
    }

    const ModelConfig& m = config.model;
    j["model"] = {{"backbone", m.backbone},      {"arch", m.arch},
                  {"image_size", m.imageSize},   {"channels", m.channels},
                  {"patch_size", m.patchSize},   {"dim", m.dim},
                  {"depth", m.depth},            {"heads", m.heads},
                  {"mlp_ratio", m.mlpRatio},     {"mlp_hidden", m.mlpHidden},
                  {"pool", m.pool},              {"class_token", m.classToken},
                  {"fc_norm", m.fcNorm},         {"layer_scale", m.layerScale},
                  {"qkv_bias", m.qkvBias},       {"bias", m.bias},
                  {"mean", m.mean},              {"std", m.std}};

    const TrainConfig& t = config.train;
    j["train"] = {{"epochs", t.epochs},
                  {"batch_size", t.batchSize},
                  {"lr", t.lr},
                  {"weight_decay", t.weightDecay},
                  {"eval_every", t.evalEvery},
                  {"precision", t.precision}};
    // Replace rather than throw on invalid UTF-8 in free-text fields such as the name.
    return j.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

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

    const DataConfig& d = config.data;
    checkOneOf(errors, "data.dataset", d.dataset, kDatasets, "dataset");
    checkOneOf(errors, "data.scenario", d.scenario, kScenarios, "scenario");
    if (d.scenario == "class-incremental") {
        validateTasks(config, errors);
    } else if (d.scenario == "qa") {
        validateTasks(config, errors);
        for (std::size_t i = 0; i < d.qaStyles.size(); ++i)
            checkOneOf(errors, "data.qa_styles[" + std::to_string(i) + "]", d.qaStyles[i], kQaStyles,
                       "answer style");
        if (!(std::isfinite(d.asdPercent) && d.asdPercent >= 0 && d.asdPercent <= 100))
            errors.push_back({"data.asd_percent", "must be between 0 and 100, got " +
                                                      formatNumber(d.asdPercent)});
        if (const StrategyInfo* info = findStrategy(config.strategy); info && !info->questionAnswering) {
            Keys ok;
            for (const auto& s : listStrategies())
                if (s.questionAnswering) ok.push_back(s.id);
            errors.push_back({"strategy", "strategy " + inQuotes(config.strategy) +
                                              " does not run on question-answering sequences; "
                                              "use one of: " + join(ok)});
        }
    } else if (d.scenario == "permuted" || d.scenario == "rotated") {
        checkBetween(errors, "data.num_tasks", d.numTasks, 1, kMaxDomainTasks);
        if (!std::isfinite(d.rotationStep))
            errors.push_back({"data.rotation_step", "must be a finite number"});
    }
    checkAtLeast(errors, "data.train_per_class", d.trainPerClass, 0);
    checkAtLeast(errors, "data.test_per_class", d.testPerClass, 0);
    checkAtLeast(errors, "data.curve_per_task", d.curvePerTask, 0);
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
        errors.push_back({"data.test_fraction",
                          "must be between 0 and 1 (exclusive), got " + formatNumber(d.testFraction)});
    checkOneOf(errors, "data.bad_images", d.badImages, kBadImages, "policy");
    checkOneOf(errors, "data.augment", d.augment, kAugments, "augmentation");
    checkBetween(errors, "data.store_size", d.storeSize, 0, 1024);
    if (!(std::isfinite(d.memoryLimitMb) && d.memoryLimitMb >= 0))
        errors.push_back({"data.memory_limit_mb", "must be 0 (half of the machine's memory) or a "
                                                  "positive number of megabytes, got " +
                                                      formatNumber(d.memoryLimitMb)});
    if ((d.scenario == "permuted" || d.scenario == "qa") && d.dataset != "fashion-mnist" &&
        d.dataset != "synthetic" && d.dataset != "idx")
        errors.push_back({"data.scenario", "the " + d.scenario +
                                               " scenario needs 28x28 grey images (fashion-mnist, "
                                               "idx or synthetic), not " + inQuotes(d.dataset)});

    // A checkpoint fixes the architecture: the size checks apply to what will actually run
    // (image_size 384 on a /16 checkpoint is fine although the default patch_size is 7).
    validateModel(config.model.backbone == "random" ? config.model
                                                    : detail::effectiveConfig(config).model,
                  errors);

    const TrainConfig& t = config.train;
    checkBetween(errors, "train.epochs", t.epochs, 0, 1000);
    checkBetween(errors, "train.batch_size", t.batchSize, 1, 65536);
    if (!(std::isfinite(t.lr) && t.lr > 0))
        errors.push_back({"train.lr", "must be a positive number, got " + formatNumber(t.lr)});
    if (!(std::isfinite(t.weightDecay) && t.weightDecay >= 0)) {
        errors.push_back(
            {"train.weight_decay", "must be zero or positive, got " + formatNumber(t.weightDecay)});
    }
    checkAtLeast(errors, "train.eval_every", t.evalEvery, 0);
    checkOneOf(errors, "train.precision", t.precision, kPrecisions, "precision");
    if (t.precision == "fp16" && (config.device == "cpu" || !cudaAvailable()))
        errors.push_back({"train.precision",
                          "fp16 needs a CUDA device (no CUDA here); use \"bf16\" or \"fp32\" on "
                          "the CPU"});

    checkAtLeast(errors, "threads", config.threads, 0);
    checkOneOf(errors, "device", config.device, kDevices, "device");
    if (config.device == "cuda" && !cudaAvailable()) {
        errors.push_back({"device",
                          "CUDA requested but this build/machine has no CUDA device; "
                          "use \"auto\" or \"cpu\""});
    }
    return errors;
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
