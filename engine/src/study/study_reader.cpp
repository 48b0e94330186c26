// SPDX-License-Identifier: GPL-3.0-or-later
// JSON -> StudySpec: keys, types and shapes, every problem named by its JSON path in the study
// document. What the runs become is checked by expandStudy (study_expand.cpp).
#include <cmath>
#include <filesystem>

#include "clwb/study.h"
#include "config/config_common.h"

namespace clwb {
namespace {

using config::childPath;
using config::closestKey;
using config::didYouMean;
using config::indexPath;
using config::inQuotes;
using config::Keys;
using config::typeName;
using Json = nlohmann::ordered_json;

const Keys kStudyKeys = {"name",  "base", "set",    "configurations",
                         "seeds", "grid", "search", "execution"};
const Keys kConfigurationKeys = {"label", "strategy", "params", "set", "grid", "search"};
const Keys kSearchKeys = {"samples", "seed", "ranges"};
const Keys kRangeKeys = {"min", "max", "log", "integer"};
const Keys kExecutionKeys = {"executor", "max_parallel", "folder", "partition",
                             "time",     "mem",          "gpus",   "sbatch_lines"};
const Keys kExecutors = {"inprocess", "local", "slurm"};

/// nlohmann's int conversion for an ordered_json value (toInt takes the unordered type).
bool toInt(const Json& v, int& out, std::string& problem)
{
    return config::toInt(config::Json::parse(v.dump()), out, problem);
}

std::string typeOf(const Json& j)
{
    return typeName(config::Json::parse(j.dump()));
}

class StudyReader
{
public:
    StudyReader(std::vector<ConfigError>& errors, std::string baseDir)
        : errors_(errors), baseDir_(std::move(baseDir))
    {
    }

    void read(const Json& root, StudySpec& spec)
    {
        if (!object(root, "", kStudyKeys)) return;
        string(root, "name", "", spec.name);
        readBase(root, spec);
        if (const auto it = root.find("set"); it != root.end()) settings(*it, "set", spec.set);
        readConfigurations(root, spec);
        readSeeds(root, spec);
        if (const auto it = root.find("grid"); it != root.end()) grid(*it, "grid", spec.grid);
        if (const auto it = root.find("search"); it != root.end())
            search(*it, "search", spec.search);
        if (const auto it = root.find("execution"); it != root.end())
            execution(*it, spec.execution);
    }

private:
    void error(const std::string& path, const std::string& message)
    {
        errors_.push_back({path, message});
    }

    bool object(const Json& j, const std::string& path, const Keys& known)
    {
        if (!j.is_object()) {
            error(path, "expected an object, got " + typeOf(j));
            return false;
        }
        for (const auto& item : j.items()) {
            if (config::contains(known, item.key())) continue;
            error(childPath(path, item.key()), config::unknownKeyMessage(item.key(), known));
        }
        return true;
    }

    void string(const Json& obj, const char* key, const std::string& parent, std::string& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (it->is_string())
            out = it->get<std::string>();
        else
            error(childPath(parent, key), "expected a string, got " + typeOf(*it));
    }

    void integer(const Json& obj, const char* key, const std::string& parent, int& out, int lo)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        std::string problem;
        if (!toInt(*it, out, problem))
            error(childPath(parent, key), problem);
        else if (out < lo)
            error(childPath(parent, key),
                  "must be at least " + std::to_string(lo) + ", got " + std::to_string(out));
    }

    void readBase(const Json& root, StudySpec& spec)
    {
        const auto it = root.find("base");
        if (it == root.end()) {
            error("base", "missing: the base experiment, a run config object or a file name");
            return;
        }
        if (it->is_object()) {
            spec.baseJson = it->dump(2);
            return;
        }
        if (!it->is_string()) {
            error("base", "expected a run config object or a file name, got " + typeOf(*it));
            return;
        }
        std::filesystem::path file(it->get<std::string>());
        if (file.is_relative()) file = std::filesystem::path(baseDir_) / file;
        spec.baseFile = file.lexically_normal().string();
        std::string text, reason;
        if (!config::readFile(spec.baseFile, text, reason)) {
            error("base", "cannot read " + spec.baseFile + ": " + reason);
            return;
        }
        const Json base = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (base.is_discarded() || !base.is_object()) {
            error("base", spec.baseFile + " is not a JSON object (clwb-run validate " +
                              spec.baseFile + " says where)");
            return;
        }
        spec.baseJson = base.dump(2);
    }

    /// {"train.lr": 0.001, ...}: dotted keys and any JSON value.
    void settings(const Json& j, const std::string& path, StudySettings& out)
    {
        if (!j.is_object()) {
            error(path, "expected an object of dotted config keys, got " + typeOf(j));
            return;
        }
        for (const auto& item : j.items()) {
            if (item.key().empty()) {
                error(childPath(path, item.key()), "empty key");
                continue;
            }
            out.emplace_back(item.key(), item.value().dump());
        }
    }

    void readConfigurations(const Json& root, StudySpec& spec)
    {
        const auto it = root.find("configurations");
        if (it == root.end()) {
            spec.configurations.push_back(StudyConfiguration{});  // the base as it is
            return;
        }
        if (!it->is_array() || it->empty()) {
            error("configurations",
                  "expected a non-empty array of configurations, got " +
                      (it->is_array() ? std::string("an empty one") : typeOf(*it)));
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const Json& c = (*it)[i];
            const std::string path = indexPath("configurations", i);
            StudyConfiguration conf;
            if (!object(c, path, kConfigurationKeys)) continue;
            string(c, "label", path, conf.label);
            string(c, "strategy", path, conf.strategy);
            if (const auto p = c.find("params"); p != c.end())
                params(*p, path + ".params", conf.params);
            if (const auto s = c.find("set"); s != c.end()) settings(*s, path + ".set", conf.set);
            if (const auto g = c.find("grid"); g != c.end()) grid(*g, path + ".grid", conf.grid);
            if (const auto s = c.find("search"); s != c.end())
                search(*s, path + ".search", conf.search);
            spec.configurations.push_back(std::move(conf));
        }
    }

    void params(const Json& j, const std::string& path, ParamValues& out)
    {
        if (!j.is_object()) {
            error(path, "expected an object, got " + typeOf(j));
            return;
        }
        for (const auto& item : j.items()) {
            const Json& v = item.value();
            if (v.is_boolean())
                out[item.key()] = v.get<bool>() ? 1.0 : 0.0;
            else if (v.is_number())
                out[item.key()] = v.get<double>();
            else
                error(childPath(path, item.key()),
                      "expected a number or a boolean, got " + typeOf(v));
        }
    }

    void readSeeds(const Json& root, StudySpec& spec)
    {
        const auto it = root.find("seeds");
        if (it == root.end()) {
            spec.seeds = {0};
            return;
        }
        std::string problem;
        int n = 0;
        if (it->is_number()) {
            if (!toInt(*it, n, problem))
                error("seeds", problem);
            else if (n < 1 || n > 10000)
                error("seeds",
                      "a count of seeds must be between 1 and 10000, got " + std::to_string(n));
            else
                for (int s = 0; s < n; ++s) spec.seeds.push_back(s);
            return;
        }
        if (!it->is_array() || it->empty()) {
            error("seeds", "expected a count or a non-empty array of seeds, got " +
                               (it->is_array() ? std::string("an empty array") : typeOf(*it)));
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            if (!toInt((*it)[i], n, problem)) {
                error(indexPath("seeds", i), problem);
                continue;
            }
            for (int s : spec.seeds)
                if (s == n) error(indexPath("seeds", i), "seed " + std::to_string(n) + " repeats");
            spec.seeds.push_back(n);
        }
    }

    void grid(const Json& j, const std::string& path, std::vector<StudyAxis>& out)
    {
        if (!j.is_object()) {
            error(path,
                  "expected an object of dotted config keys to value lists, got " + typeOf(j));
            return;
        }
        for (const auto& item : j.items()) {
            const std::string p = childPath(path, item.key());
            const Json& v = item.value();
            if (!v.is_array() || v.empty()) {
                error(p, "expected a non-empty array of values, got " +
                             (v.is_array() ? std::string("an empty array") : typeOf(v)));
                continue;
            }
            StudyAxis axis{item.key(), {}};
            for (std::size_t i = 0; i < v.size(); ++i) {
                const std::string text = v[i].dump();
                for (const auto& seen : axis.values)
                    if (seen == text) error(indexPath(p, i), "value " + text + " repeats");
                axis.values.push_back(text);
            }
            out.push_back(std::move(axis));
        }
    }

    void search(const Json& j, const std::string& path, StudySearch& out)
    {
        if (!object(j, path, kSearchKeys)) return;
        integer(j, "samples", path, out.samples, 1);
        if (!j.contains("samples"))
            error(childPath(path, "samples"), "missing: how many points to draw");
        integer(j, "seed", path, out.seed, 0);
        const auto it = j.find("ranges");
        const std::string rp = childPath(path, "ranges");
        if (it == j.end() || !it->is_object() || it->empty()) {
            error(rp, "expected a non-empty object of dotted config keys to {\"min\", \"max\"}");
            return;
        }
        for (const auto& item : it->items()) {
            const std::string p = childPath(rp, item.key());
            const Json& r = item.value();
            if (!object(r, p, kRangeKeys)) continue;
            StudyRange range{item.key()};
            bool ok = true;
            for (const char* k : {"min", "max"}) {
                const auto v = r.find(k);
                if (v == r.end() || !v->is_number()) {
                    error(childPath(p, k),
                          v == r.end() ? "missing" : "expected a number, got " + typeOf(*v));
                    ok = false;
                }
            }
            for (const char* k : {"log", "integer"})
                if (const auto v = r.find(k); v != r.end() && !v->is_boolean()) {
                    error(childPath(p, k), "expected true or false, got " + typeOf(*v));
                    ok = false;
                }
            if (!ok) continue;
            range.min = r["min"].get<double>();
            range.max = r["max"].get<double>();
            range.logScale = r.value("log", false);
            range.integer = r.value("integer", false);
            if (!(range.min <= range.max))
                error(p, "min must not exceed max");
            else if (range.logScale && range.min <= 0)
                error(childPath(p, "min"), "a log-scale range needs min > 0");
            else
                out.ranges.push_back(range);
        }
    }

    void execution(const Json& j, StudyExecution& e)
    {
        const std::string path = "execution";
        if (!object(j, path, kExecutionKeys)) return;
        string(j, "executor", path, e.executor);
        if (!config::contains(kExecutors, e.executor))
            error(childPath(path, "executor"), "unknown executor " + inQuotes(e.executor) +
                                                   didYouMean(closestKey(e.executor, kExecutors)) +
                                                   "; valid: " + config::join(kExecutors));
        integer(j, "max_parallel", path, e.maxParallel, 0);
        string(j, "folder", path, e.folder);
        string(j, "partition", path, e.partition);
        string(j, "time", path, e.time);
        string(j, "mem", path, e.mem);
        if (const auto g = j.find("gpus"); g != j.end())
            e.gpus = g->is_string() ? g->get<std::string>() : g->dump();
        if (const auto it = j.find("sbatch_lines"); it != j.end()) {
            if (!it->is_array()) {
                error(childPath(path, "sbatch_lines"),
                      "expected an array of strings, got " + typeOf(*it));
                return;
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                if ((*it)[i].is_string())
                    e.sbatchLines.push_back((*it)[i].get<std::string>());
                else
                    error(indexPath(childPath(path, "sbatch_lines"), i),
                          "expected a string, got " + typeOf((*it)[i]));
            }
        }
    }

    std::vector<ConfigError>& errors_;
    std::string baseDir_;
};

}  // namespace

StudyParseResult parseStudy(const std::string& json, const std::string& baseDir)
{
    StudyParseResult result;
    Json root;
    try {
        root = Json::parse(json);
    } catch (const Json::exception& e) {
        std::string detail = e.what();
        if (const auto pos = detail.find("] "); pos != std::string::npos)
            detail = detail.substr(pos + 2);
        result.errors.push_back({"", "invalid JSON: " + detail});
        return result;
    }
    StudyReader(result.errors, baseDir).read(root, result.spec);
    return result;
}

StudyParseResult loadStudy(const std::string& file)
{
    std::string text, reason;
    if (!config::readFile(file, text, reason)) {
        StudyParseResult result;
        result.errors.push_back({"", "cannot read " + file + ": " + reason});
        return result;
    }
    const auto dir = std::filesystem::path(file).parent_path();
    auto result = parseStudy(text, dir.empty() ? "." : dir.string());
    if (result.spec.name.empty()) result.spec.name = std::filesystem::path(file).stem().string();
    return result;
}

}  // namespace clwb
