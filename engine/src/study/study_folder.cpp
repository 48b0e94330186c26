// SPDX-License-Identifier: GPL-3.0-or-later
// The study folder: its layout, state.json, and merging the tasks' own databases.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "store/store_util.h"
#include "study/executor.h"
#include "study/run_merge.h"

namespace clwb::study {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kStateFile = "state.json";

const char* const kStateNames[] = {"pending",   "running",   "finished",  "failed", "timed-out",
                                   "cancelled", "node-fail", "preempted", "unknown"};

void writeAtomically(const std::string& file, const std::string& text)
{
    const std::string tmp = file + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) throw std::runtime_error("cannot write '" + tmp + "'");
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw std::runtime_error("cannot write '" + file + "': " + ec.message());
}

}  // namespace

const char* taskStateName(TaskState s)
{
    return kStateNames[static_cast<int>(s)];
}

TaskState taskStateFromName(const std::string& s)
{
    for (int i = 0; i < int(std::size(kStateNames)); ++i)
        if (s == kStateNames[i]) return static_cast<TaskState>(i);
    return TaskState::Unknown;
}

bool isEnded(TaskState s)
{
    return s != TaskState::Pending && s != TaskState::Running && s != TaskState::Unknown;
}

std::string StudyFolder::path(const std::string& relative) const
{
    return (fs::path(folder) / relative).string();
}
std::string StudyFolder::configFile(int i) const
{
    return path("tasks/" + std::to_string(i) + ".json");
}
std::string StudyFolder::dbFile(int i) const
{
    return path("runs/" + std::to_string(i) + ".sqlite");
}
std::string StudyFolder::summaryFile(int i) const
{
    return path("runs/" + std::to_string(i) + ".summary.json");
}
std::string StudyFolder::outputFile(int i) const
{
    return path("runs/" + std::to_string(i) + ".out");
}

void StudyFolder::save() const
{
    if (folder.empty()) return;  // in process: the database is the only record
    Json tasksJson = Json::array();
    for (const auto& t : tasks) {
        Json j = {{"index", t.index},
                  {"label", t.label},
                  {"group", t.groupKey},
                  {"seed", t.seed},
                  {"state", taskStateName(t.state)},
                  {"merged", t.merged}};
        if (t.pid) j["pid"] = t.pid;
        if (!t.job.empty()) j["job"] = t.job;
        tasksJson.push_back(std::move(j));
    }
    const Json j = {{"study_id", studyId}, {"database", database}, {"executor", executor},
                    {"host", host},        {"jobs", jobs},         {"tasks", tasksJson}};
    writeAtomically(path(kStateFile), j.dump(2) + "\n");
}

StudyFolder StudyFolder::load(const std::string& folder)
{
    const fs::path file = fs::path(folder) / kStateFile;
    std::ifstream in(file);
    if (!in)
        throw std::invalid_argument("'" + folder + "' is not a study folder (no " + kStateFile +
                                    ")");
    const Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        throw std::invalid_argument("'" + file.string() + "' is damaged (not JSON)");
    StudyFolder f;
    try {
        f.folder = fs::absolute(folder).lexically_normal().string();
        f.database = j.at("database").get<std::string>();
        f.studyId = j.at("study_id").get<std::int64_t>();
        f.executor = j.at("executor").get<std::string>();
        f.host = j.value("host", std::string());
        f.jobs = j.value("jobs", std::vector<std::string>{});
        for (const auto& t : j.at("tasks")) {
            StudyTask task;
            task.index = t.at("index").get<int>();
            task.label = t.value("label", std::string());
            task.groupKey = t.at("group").get<std::string>();
            task.seed = t.at("seed").get<int>();
            task.state = taskStateFromName(t.value("state", std::string("unknown")));
            task.pid = t.value("pid", std::int64_t(0));
            task.job = t.value("job", std::string());
            task.merged = t.value("merged", std::vector<std::int64_t>{});
            f.tasks.push_back(std::move(task));
        }
    } catch (const Json::exception& e) {
        throw std::invalid_argument("'" + file.string() + "' is damaged: " + e.what());
    }
    return f;
}

StudyFolder prepareFolder(const std::string& folder, const std::string& database,
                          std::int64_t studyId, const std::string& executor,
                          const std::vector<StudyRun>& runs, int threads)
{
    std::error_code ec;
    const fs::path dir = fs::absolute(folder).lexically_normal();
    if (fs::exists(dir / kStateFile, ec))
        throw std::invalid_argument("'" + dir.string() +
                                    "' holds a study already; give another --folder");
    for (const std::string sub : {"tasks", "runs", executor == "slurm" ? "logs" : ""}) {
        if (sub.empty()) continue;
        fs::create_directories(dir / sub, ec);
        if (ec)
            throw std::runtime_error("cannot create '" + (dir / sub).string() +
                                     "': " + ec.message());
    }
    StudyFolder f;
    f.folder = dir.string();
    f.database = fs::absolute(database).lexically_normal().string();
    f.studyId = studyId;
    f.executor = executor;
    f.host = sql::hostName();
    for (const auto& r : runs) {
        RunConfig config = r.config;
        if (threads > 0 && (config.threads == 0 || config.threads > threads))
            config.threads = threads;
        writeAtomically(f.configFile(r.index), toJson(config) + "\n");
        StudyTask t;
        t.index = r.index;
        t.label = r.label;
        t.groupKey = r.groupKey;
        t.seed = r.seed;
        f.tasks.push_back(std::move(t));
    }
    f.save();
    return f;
}

int mergeTasks(StudyFolder& folder, const std::vector<int>& tasks,
               const std::function<void(const std::string&)>& report)
{
    int merged = 0;
    for (int i : tasks) {
        if (i < 0 || i >= int(folder.tasks.size())) continue;
        StudyTask& t = folder.tasks[size_t(i)];
        MergeSource src;
        src.file = folder.dbFile(i);
        src.journal = folder.journal();
        src.studyId = folder.studyId;
        src.groupKey = t.groupKey;
        src.seed = t.seed;
        src.taskIndex = i;
        try {
            const auto start = std::chrono::steady_clock::now();
            const MergeOutcome o = mergeRuns(folder.database, src);
            const long ms = long(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
            for (std::size_t k = 0; k < o.runIds.size(); ++k) {
                t.merged.push_back(o.runIds[k]);
                if (report)
                    report("task " + std::to_string(i) + " (" + t.groupKey + ", seed " +
                           std::to_string(t.seed) + "): " + toString(o.statuses[k]) +
                           ", merged as run " + std::to_string(o.runIds[k]) + " in " +
                           std::to_string(ms) + " ms");
            }
            merged += o.merged;
        } catch (const std::exception& e) {
            if (report) report("task " + std::to_string(i) + ": not merged: " + e.what());
        }
    }
    folder.save();
    return merged;
}

}  // namespace clwb::study
