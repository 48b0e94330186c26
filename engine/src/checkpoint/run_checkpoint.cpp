// SPDX-License-Identifier: GPL-3.0-or-later
#include "checkpoint/run_checkpoint.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "checks.h"

namespace clwb::detail {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int kCheckpointFormat = 1;  ///< bump when what the trainer or a strategy saves changes
const std::string kPrefix = "after-task-";
const std::string kSuffix = ".ckpt";

/// "train.lr" -> value, for every leaf of a JSON object.
void flatten(const Json& j, const std::string& path, std::map<std::string, Json>& out)
{
    if (j.is_object() && !j.empty()) {
        for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
        return;
    }
    out[path] = j;
}

std::string configDifference(const std::string& stored, const std::string& saved)
{
    std::map<std::string, Json> a, b;
    flatten(Json::parse(stored), "", a);
    flatten(Json::parse(saved), "", b);
    std::vector<std::string> differ;
    for (const auto& [k, v] : a)
        if (!b.count(k) || b[k] != v)
            differ.push_back(k + " (" + v.dump() + " stored, " +
                             (b.count(k) ? b[k].dump() : std::string("absent")) +
                             " in the checkpoint)");
    for (const auto& [k, v] : b)
        if (!a.count(k))
            differ.push_back(k + " (absent stored, " + v.dump() + " in the checkpoint)");
    if (differ.empty()) return {};
    std::string s = "the stored config differs from the checkpoint's: ";
    for (std::size_t i = 0; i < differ.size() && i < 3; ++i) s += (i ? "; " : "") + differ[i];
    if (differ.size() > 3) s += "; and " + std::to_string(differ.size() - 3) + " more";
    return s;
}

std::string codeDifference(const Json& saved)
{
    const auto now = Json::parse(codeVersionJson());
    std::string s;
    for (const auto& [k, v] : now.items()) {
        const auto then = saved.contains(k) ? saved[k] : Json();
        if (then == v) continue;
        auto text = [](const Json& x) { return x.is_string() ? x.get<std::string>() : x.dump(); };
        s += std::string(s.empty() ? "" : "; ") + k + " " + text(v) + " now, " + text(then) +
             " when the checkpoint was written";
    }
    return s.empty() ? s : "the code differs from the one that wrote the checkpoint: " + s;
}

std::string backboneDifference(const Json& saved, const std::string& storedConfigJson)
{
    const auto config = readRunConfig(storedConfigJson);
    const auto now = Json::parse(backboneFingerprint(config.config.model));
    if (now == saved) return {};
    const std::string path = saved.value("path", now.value("path", std::string()));
    if (now.value("missing", false)) return "the backbone file " + path + " is missing";
    std::string s = "the backbone file " + path + " changed since the checkpoint was written";
    std::vector<std::string> what;
    if (saved.value("path", "") != now.value("path", ""))
        what.push_back("path " + saved.value("path", "") + " -> " + now.value("path", ""));
    if (saved.value("bytes", -1) != now.value("bytes", -1))
        what.push_back("size " + std::to_string(saved.value("bytes", -1)) + " -> " +
                       std::to_string(now.value("bytes", -1)) + " bytes");
    if (saved.value("mtime_ns", -1LL) != now.value("mtime_ns", -1LL))
        what.push_back("modification time");
    for (std::size_t i = 0; i < what.size(); ++i) s += (i ? ", " : " (") + what[i];
    return what.empty() ? s : s + ")";
}

}  // namespace

std::string checkpointFileName(int afterTask)
{
    return kPrefix + std::to_string(afterTask) + kSuffix;
}

int checkpointTaskOf(const std::string& name)
{
    if (name.size() <= kPrefix.size() + kSuffix.size() || name.rfind(kPrefix, 0) != 0 ||
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
        return -1;
    const auto digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return std::stoi(digits);
}

std::string codeVersionJson()
{
    return Json{{"clwb", CLWB_VERSION},
                {"torch", TORCH_VERSION},
                {"compiler", __VERSION__},
                {"checkpoint_format", kCheckpointFormat}}
        .dump();
}

std::string backboneFingerprint(const ModelConfig& model)
{
    if (model.backbone == "random") return "{}";
    const auto path = backbonePath(model);
    std::error_code ec;
    const auto bytes = fs::file_size(path, ec);
    if (ec) return Json{{"path", path}, {"missing", true}}.dump();
    const auto mtime = fs::last_write_time(path, ec);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch());
    return Json{
        {"path", path}, {"bytes", std::int64_t(bytes)}, {"mtime_ns", std::int64_t(ns.count())}}
        .dump();
}

std::string checkpointHeader(const CheckpointPlan& plan, int afterTask, std::int64_t step)
{
    return Json{{"run_id", plan.runId},
                {"after_task", afterTask},
                {"step", step},
                {"config", plan.configJson},
                {"code", Json::parse(codeVersionJson())},
                {"backbone", Json::parse(plan.backbone)}}
        .dump(2);
}

std::string checkpointMismatch(const std::string& headerJson, const std::string& storedConfigJson)
{
    const auto header = Json::parse(headerJson);
    std::vector<std::string> problems;
    for (const auto& p :
         {configDifference(storedConfigJson, header.value("config", "{}")),
          codeDifference(header.value("code", Json::object())),
          backboneDifference(header.value("backbone", Json::object()), storedConfigJson)})
        if (!p.empty()) problems.push_back(p);
    std::string s;
    for (const auto& p : problems) s += (s.empty() ? "" : "; ") + p;
    return s;
}

void pruneCheckpoints(const std::string& folder, int keep, int newest)
{
    std::error_code ec;
    std::vector<std::pair<int, fs::path>> found;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        const auto name = e.path().filename().string();
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
            fs::remove(e.path(), ec);  // a write a killed process never finished
            continue;
        }
        const int task = checkpointTaskOf(name);
        if (task > newest)
            fs::remove(e.path(), ec);
        else if (task >= 0)
            found.emplace_back(task, e.path());
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = std::size_t(std::max(0, keep)); i < found.size(); ++i)
        fs::remove(found[i].second, ec);
}

}  // namespace clwb::detail
