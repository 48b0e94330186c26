// SPDX-License-Identifier: GPL-3.0-or-later
// StudySpec -> run configs: configurations x grid points x search samples x seeds, each run's
// problems located where its value came from in the study document.
#include <cmath>
#include <cstdio>
#include <random>
#include <set>
#include <unordered_map>

#include "clwb/study.h"
#include "config/config_common.h"
#include "config/config_fields.h"

namespace clwb {
namespace {

using config::childPath;
using config::closestKey;
using config::didYouMean;
using config::indexPath;
using config::inQuotes;
using config::Keys;
using Json = nlohmann::ordered_json;

/// Dotted run-config key -> the JSON path in the study document its value came from.
using Provenance = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> splitDots(const std::string& key)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        out.push_back(key.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos) return out;
        start = dot + 1;
    }
}

/// Every dotted key a study may set, for "did you mean".
Keys allDottedKeys()
{
    Keys keys;
    for (const auto& k : config::sectionKeys(""))
        if (k != "data" && k != "model" && k != "train" && k != "params") keys.push_back(k);
    for (const char* s : {"data", "model", "train"})
        for (const auto& k : config::sectionKeys(s)) keys.push_back(std::string(s) + "." + k);
    return keys;
}

/// Empty when `key` names a config field the study may set (params.<name> of `strategy`), else
/// why not.
std::string checkKey(const std::string& key, const StrategyInfo* strategy)
{
    const auto segs = splitDots(key);
    for (const auto& s : segs)
        if (s.empty()) return "empty key in " + inQuotes(key);
    const std::string& head = segs[0];
    if (head == "seed") return "seeds are given by \"seeds\", not as a config key";
    if (head == "strategy") return "the strategy is given by a configuration's \"strategy\"";
    if (head == "name") return "run names are made by the study";
    if (head == "params") {
        if (segs.size() != 2) return "expected params.<name>, got " + inQuotes(key);
        if (!strategy) return {};  // the unknown strategy is reported on its own
        Keys known;
        for (const auto& p : strategy->params) known.push_back(p.key);
        if (config::contains(known, segs[1])) return {};
        return "unknown parameter " + inQuotes(segs[1]) + " of strategy " + inQuotes(strategy->id) +
               didYouMean(closestKey(segs[1], known)) +
               (known.empty() ? "; it has none" : "; known: " + config::join(known));
    }
    const Keys all = allDottedKeys();
    if (config::contains(all, key)) return {};
    return "unknown config key " + inQuotes(key) + didYouMean(closestKey(key, all));
}

void setDotted(Json& doc, const std::string& key, const Json& value)
{
    const auto segs = splitDots(key);
    Json* node = &doc;
    for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
        Json& next = (*node)[segs[i]];
        if (!next.is_object()) next = Json::object();
        node = &next;
    }
    (*node)[segs.back()] = value;
}

void setProvenance(Provenance& prov, const std::string& key, const std::string& path)
{
    // A later setting replaces the key and everything under it.
    Provenance kept;
    for (auto& p : prov)
        if (p.first != key && p.first.rfind(key + ".", 0) != 0) kept.push_back(std::move(p));
    kept.emplace_back(key, path);
    prov = std::move(kept);
}

/// The study-document path of a run-config error path.
std::string locate(const std::string& runPath, const Provenance& prov, const std::string& base)
{
    const std::pair<std::string, std::string>* best = nullptr;
    for (const auto& p : prov) {
        const auto& k = p.first;
        const bool match =
            runPath == k || (runPath.size() > k.size() && runPath.compare(0, k.size(), k) == 0 &&
                             (runPath[k.size()] == '.' || runPath[k.size()] == '['));
        if (match && (!best || k.size() > best->first.size())) best = &p;
    }
    if (best) return best->second + runPath.substr(best->first.size());
    if (runPath.empty()) return base;
    return runPath[0] == '[' ? base + runPath : base + "." + runPath;
}

std::string compactNumber(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

struct Point
{
    StudySettings values;  ///< key, JSON text
    Provenance prov;
};

/// Row-major grid points of `axes` (paths parallel to axes).
std::vector<Point> gridPoints(const std::vector<StudyAxis>& axes,
                              const std::vector<std::string>& paths)
{
    std::vector<Point> points(1);
    for (std::size_t a = 0; a < axes.size(); ++a) {
        std::vector<Point> next;
        for (const auto& p : points)
            for (std::size_t v = 0; v < axes[a].values.size(); ++v) {
                Point q = p;
                q.values.emplace_back(axes[a].key, axes[a].values[v]);
                q.prov.emplace_back(axes[a].key, indexPath(paths[a], v));
                next.push_back(std::move(q));
            }
        points = std::move(next);
    }
    return points;
}

/// `search.samples` points drawn with a 64-bit Mersenne Twister seeded by search.seed; the
/// mapping to [0, 1) is written out so every platform draws the same values.
std::vector<Point> searchPoints(const StudySearch& search, const std::string& path)
{
    std::vector<Point> points;
    std::mt19937_64 rng(static_cast<std::uint64_t>(search.seed));
    for (int s = 0; s < search.samples; ++s) {
        Point p;
        for (const auto& r : search.ranges) {
            const double u = double(rng() >> 11) * 0x1.0p-53;
            double v = r.logScale
                           ? std::exp(std::log(r.min) + u * (std::log(r.max) - std::log(r.min)))
                           : r.min + u * (r.max - r.min);
            if (r.integer) v = std::round(v);
            p.values.emplace_back(r.key,
                                  r.integer ? Json(std::int64_t(v)).dump() : compactNumber(v));
            p.prov.emplace_back(r.key, childPath(childPath(path, "ranges"), r.key));
        }
        points.push_back(std::move(p));
    }
    return points;
}

class Expander
{
public:
    Expander(const StudySpec& spec, bool validate, StudyExpansion& out)
        : spec_(spec), validate_(validate), out_(out)
    {
    }

    void run()
    {
        Json base = Json::parse(spec_.baseJson.empty() ? "{}" : spec_.baseJson, nullptr, false);
        if (base.is_discarded() || !base.is_object()) {
            error("base", "the base experiment is not a JSON object");
            return;
        }
        Provenance prov;
        const StrategyInfo* baseStrategy =
            findStrategy(base.value("strategy", std::string("finetune")));
        // The study's params.<name> settings go in per configuration, after its strategy.
        for (const auto& [key, value] : spec_.set)
            if (key.rfind("params.", 0) != 0)
                applySetting(base, prov, key, value, childPath("set", key), baseStrategy);
        std::set<std::string> labels;
        for (std::size_t i = 0; i < spec_.configurations.size(); ++i)
            configuration(base, prov, i, labels);
    }

private:
    void error(const std::string& path, const std::string& message)
    {
        if (seen_.insert(path + "\n" + message).second) out_.errors.push_back({path, message});
    }

    /// Checks and applies one dotted setting (params.<name> against `strategy`).
    bool applySetting(Json& doc, Provenance& prov, const std::string& key, const std::string& value,
                      const std::string& path, const StrategyInfo* strategy)
    {
        const std::string problem = checkKey(key, strategy);
        if (!problem.empty()) {
            error(path, problem);
            return false;
        }
        setDotted(doc, key, Json::parse(value));
        setProvenance(prov, key, path);
        return true;
    }

    void configuration(const Json& base, const Provenance& baseProv, std::size_t i,
                       std::set<std::string>& labels)
    {
        const StudyConfiguration& conf = spec_.configurations[i];
        const std::string path = indexPath("configurations", i);
        Json doc = base;
        Provenance prov = baseProv;
        const std::string baseStrategy = doc.value("strategy", std::string("finetune"));
        const std::string strategyId = conf.strategy.empty() ? baseStrategy : conf.strategy;
        if (strategyId != baseStrategy) {
            // The base's parameters belong to its own strategy.
            doc.erase("params");
            setProvenance(prov, "params", path + ".strategy");
        }
        doc["strategy"] = strategyId;
        if (!conf.strategy.empty()) setProvenance(prov, "strategy", path + ".strategy");
        const StrategyInfo* strategy = findStrategy(strategyId);
        if (!strategy) {
            Keys ids;
            for (const auto& s : listStrategies()) ids.push_back(s.id);
            error(conf.strategy.empty() ? "base.strategy" : path + ".strategy",
                  "unknown strategy " + inQuotes(strategyId) +
                      didYouMean(closestKey(strategyId, ids)));
            return;
        }
        const std::string label = conf.label.empty() ? strategyId : conf.label;
        if (label.find('|') != std::string::npos) {
            error(path + ".label", "a label may not contain '|'");
            return;
        }
        if (!labels.insert(label).second) {
            error(conf.label.empty() ? path : path + ".label",
                  "label " + inQuotes(label) + " is used twice; give each configuration its own");
            return;
        }
        const std::size_t errorsBefore = out_.errors.size();
        for (const auto& [key, value] : spec_.set) {
            if (key.rfind("params.", 0) != 0) continue;
            if (const std::string problem = checkKey(key, strategy); !problem.empty()) {
                error(childPath("set", key), problem + " (in " + path + ")");
                continue;
            }
            setDotted(doc, key, Json::parse(value));
            setProvenance(prov, key, childPath("set", key));
        }
        for (const auto& [key, value] : conf.params)
            applySetting(doc, prov, "params." + key, Json(value).dump(),
                         childPath(path + ".params", key), strategy);
        for (const auto& [key, value] : conf.set)
            applySetting(doc, prov, key, value, childPath(path + ".set", key), strategy);

        std::vector<StudyAxis> axes;
        std::vector<std::string> axisPaths;
        std::set<std::string> axisKeys;
        auto addAxes = [&](const std::vector<StudyAxis>& from, const std::string& at) {
            for (const auto& axis : from) {
                const std::string p = childPath(at, axis.key);
                const std::string problem = checkKey(axis.key, strategy);
                if (!problem.empty()) {
                    error(p, problem + (at == "grid" ? " (in " + path + ")" : ""));
                    continue;
                }
                if (!axisKeys.insert(axis.key).second) {
                    error(p, inQuotes(axis.key) + " is already an axis");
                    continue;
                }
                axes.push_back(axis);
                axisPaths.push_back(p);
            }
        };
        addAxes(spec_.grid, "grid");
        addAxes(conf.grid, path + ".grid");

        const bool ownSearch = !conf.search.empty();
        if (ownSearch && !spec_.search.empty())
            error(path + ".search", "the study has a search already; give one or the other");
        const StudySearch& search = ownSearch ? conf.search : spec_.search;
        const std::string searchPath = ownSearch ? path + ".search" : "search";
        for (const auto& r : search.ranges) {
            const std::string p = childPath(childPath(searchPath, "ranges"), r.key);
            const std::string problem = checkKey(r.key, strategy);
            if (!problem.empty())
                error(p, problem + (ownSearch ? "" : " (in " + path + ")"));
            else if (axisKeys.count(r.key))
                error(p, inQuotes(r.key) + " is a grid axis too");
        }
        if (out_.errors.size() > errorsBefore) return;

        std::vector<Point> points;
        for (auto& g : gridPoints(axes, axisPaths)) {
            if (search.empty()) {
                points.push_back(std::move(g));
                continue;
            }
            for (auto& s : searchPoints(search, searchPath)) {
                Point p = g;
                p.values.insert(p.values.end(), s.values.begin(), s.values.end());
                p.prov.insert(p.prov.end(), s.prov.begin(), s.prov.end());
                points.push_back(std::move(p));
            }
        }
        for (const auto& point : points) {
            Json d = doc;
            Provenance pv = prov;
            for (std::size_t k = 0; k < point.values.size(); ++k) {
                setDotted(d, point.values[k].first, Json::parse(point.values[k].second));
                setProvenance(pv, point.prov[k].first, point.prov[k].second);
            }
            const std::string group = studyGroupKey(label, point.values);
            for (std::size_t s = 0; s < spec_.seeds.size(); ++s)
                addRun(d, pv, label, group, point.values, s);
        }
    }

    void addRun(Json doc, Provenance prov, const std::string& label, const std::string& group,
                const StudySettings& point, std::size_t seedIndex)
    {
        const int seed = spec_.seeds[seedIndex];
        doc["seed"] = seed;
        setProvenance(prov, "seed", indexPath("seeds", seedIndex));
        const std::string prefix = spec_.name.empty() ? "" : spec_.name + " / ";
        doc["name"] = prefix + group + " / seed " + std::to_string(seed);
        ConfigParseResult parsed = readRunConfig(doc.dump());
        std::vector<ConfigError> problems = parsed.errors;
        if (validate_ && problems.empty()) {
            // Validation looks at files and ranges, not at the seed or name: once per config.
            Json key = doc;
            key["seed"] = 0;
            key["name"] = "";
            const auto [it, fresh] = validated_.emplace(key.dump(), std::vector<ConfigError>{});
            if (fresh) it->second = validateRunConfig(parsed.config);
            problems = it->second;
        }
        for (const auto& e : problems) error(locate(e.path, prov, "base"), e.message);
        if (!problems.empty()) return;
        StudyRun run;
        run.index = int(out_.runs.size());
        run.label = label;
        run.groupKey = group;
        run.point = point;
        run.seed = seed;
        run.config = parsed.config;
        run.configJson = toJson(parsed.config);
        out_.runs.push_back(std::move(run));
    }

    const StudySpec& spec_;
    bool validate_;
    StudyExpansion& out_;
    std::set<std::string> seen_;
    std::unordered_map<std::string, std::vector<ConfigError>> validated_;
};

}  // namespace

std::string studyGroupKey(const std::string& label, const StudySettings& point)
{
    std::string key = label;
    for (const auto& [k, v] : point) key += "|" + k + "=" + v;
    return key;
}

std::pair<std::string, StudySettings> parseStudyGroupKey(const std::string& key)
{
    std::pair<std::string, StudySettings> out;
    std::size_t start = 0;
    bool first = true;
    while (start <= key.size()) {
        const auto bar = key.find('|', start);
        const std::string part = key.substr(start, bar == std::string::npos ? bar : bar - start);
        if (first) {
            out.first = part;
            first = false;
        } else if (const auto eq = part.find('='); eq != std::string::npos) {
            out.second.emplace_back(part.substr(0, eq), part.substr(eq + 1));
        }
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return out;
}

StudyExpansion expandStudy(const StudySpec& spec, bool validate)
{
    StudyExpansion out;
    if (spec.configurations.empty()) {
        out.errors.push_back({"configurations", "no configuration to run"});
        return out;
    }
    Expander(spec, validate, out).run();
    if (!out.errors.empty()) out.runs.clear();
    return out;
}

}  // namespace clwb
