// SPDX-License-Identifier: GPL-3.0-or-later
// The Slurm executor: a job array whose task i runs line i + 1 of tasks.txt (clwb-run with its
// own DELETE-journal database), submitted with sbatch, followed with squeue and sacct, cancelled
// with scancel; failed tasks can be submitted again. Every command goes through CommandRunner.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "study/executor.h"

namespace clwb::study {
namespace {

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void writeFile(const std::string& file, const std::string& text)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write '" + file + "'");
}

/// "0-3,7,9-10" -> indices (the part inside the brackets of 123_[0-3,7%2]).
std::vector<int> expandRanges(const std::string& spec)
{
    std::vector<int> out;
    std::string list = spec.substr(0, spec.find('%'));
    std::stringstream ss(list);
    std::string part;
    while (std::getline(ss, part, ',')) {
        const auto dash = part.find('-');
        try {
            if (dash == std::string::npos) {
                out.push_back(std::stoi(part));
            } else {
                const int a = std::stoi(part.substr(0, dash)), b = std::stoi(part.substr(dash + 1));
                for (int i = a; i <= b && out.size() < 1000000; ++i) out.push_back(i);
            }
        } catch (const std::exception&) {
        }
    }
    return out;
}

/// "0,3,5" for sbatch --array.
std::string arrayList(const std::vector<int>& tasks)
{
    std::string out;
    for (int i : tasks) out += (out.empty() ? "" : ",") + std::to_string(i);
    return out;
}

class SlurmExecutor : public StudyExecutor
{
public:
    SlurmExecutor(ExecutorOptions options, CommandRunner runner)
        : options_(std::move(options)), runner_(std::move(runner))
    {
    }

    int run(StudyContext& ctx, bool submit) override
    {
        StudyFolder& f = ctx.folder;
        SbatchSpec spec;
        spec.folder = f.folder;
        spec.jobName = "clwb-study-" + std::to_string(f.studyId);
        spec.tasks = int(f.tasks.size());
        spec.maxParallel = options_.maxParallel;
        spec.partition = options_.partition;
        spec.time = options_.time;
        spec.mem = options_.mem;
        spec.gpus = options_.gpus;
        spec.extraLines = options_.sbatchLines;
        writeFile(f.path("study.sbatch"), sbatchScript(spec));
        writeFile(f.path("tasks.txt"), tasksText(f, options_.binary));
        if (!submit) {
            if (ctx.report)
                ctx.report("wrote " + f.path("study.sbatch") + " and tasks.txt (not submitted)");
            return 0;
        }
        std::vector<int> all;
        for (const auto& t : f.tasks) all.push_back(t.index);
        const std::string job = submitTasks(f, {});
        if (ctx.report)
            ctx.report("submitted job array " + job + " (" + std::to_string(all.size()) +
                       " tasks); follow it with clwb-run study-status " + f.folder);
        return 0;
    }

    void refresh(StudyFolder& f) override
    {
        std::set<std::string> jobs;
        for (const auto& t : f.tasks)
            if (!t.job.empty()) jobs.insert(t.job);
        if (jobs.empty()) return;
        std::string list;
        for (const auto& j : jobs) list += (list.empty() ? "" : ",") + j;
        // squeue knows live tasks and, for MinJobAge (300 s by default), ended ones too; sacct the
        // ended ones where accounting is on; past both, the task's own summary file says how its
        // run ended (clusters without accounting storage, jobs long gone from the queue).
        const auto queued = runner_({"squeue", "--noheader", "--array", "--states=all",
                                     "--jobs=" + list, "--format=%i|%T"});
        const auto accounted = runner_({"sacct", "--noheader", "--parsable2", "--jobs=" + list,
                                        "--format=JobID,State,ExitCode"});
        const auto live = parseSlurmStates(queued.status == 0 ? queued.out : "");
        const auto past = parseSlurmStates(accounted.status == 0 ? accounted.out : "");
        for (auto& t : f.tasks) {
            if (t.job.empty()) continue;
            const auto key = std::make_pair(t.job, t.index);
            if (const auto it = live.find(key); it != live.end())
                t.state = it->second;
            else if (const auto p = past.find(key); p != past.end())
                t.state = p->second;
            else if (const auto own = stateFromSummary(f.summaryFile(t.index)))
                t.state = *own;
            else if (t.state == TaskState::Pending || t.state == TaskState::Running)
                t.state = TaskState::Unknown;  // gone from the queue, no record, no summary
        }
        f.save();
    }

    void cancel(StudyFolder& f) override
    {
        std::set<std::string> jobs;
        for (const auto& t : f.tasks)
            if (!t.job.empty() && !isEnded(t.state)) jobs.insert(t.job);
        for (const auto& j : jobs) {
            const auto r = runner_({"scancel", j});
            if (r.status != 0)
                throw std::runtime_error("scancel " + j + " failed: " + trim(r.err + r.out));
        }
    }

    /// Submits the given tasks again (all when empty); returns the new job id.
    std::string submitTasks(StudyFolder& f, const std::vector<int>& tasks)
    {
        std::vector<std::string> argv = {"sbatch", "--parsable"};
        if (!tasks.empty()) {
            std::string array = "--array=" + arrayList(tasks);
            if (options_.maxParallel > 0) array += "%" + std::to_string(options_.maxParallel);
            argv.push_back(array);
        }
        argv.push_back(f.path("study.sbatch"));
        const auto r = runner_(argv);
        const std::string job = r.status == 0 ? parseSbatchJobId(r.out) : std::string();
        if (job.empty())
            throw std::runtime_error("sbatch failed (exit " + std::to_string(r.status) +
                                     "): " + trim(r.err + r.out));
        f.jobs.push_back(job);
        for (auto& t : f.tasks)
            if (tasks.empty() || std::find(tasks.begin(), tasks.end(), t.index) != tasks.end()) {
                t.job = job;
                t.state = TaskState::Pending;
            }
        f.save();
        return job;
    }

private:
    ExecutorOptions options_;
    CommandRunner runner_;
};

}  // namespace

std::string shellQuote(const std::string& s)
{
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-./=:,+@%") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string sbatchScript(const SbatchSpec& spec)
{
    std::string s = "#!/bin/bash\n";
    s += "#SBATCH --job-name=" + spec.jobName + "\n";
    s += "#SBATCH --array=0-" + std::to_string(std::max(0, spec.tasks - 1)) +
         (spec.maxParallel > 0 ? "%" + std::to_string(spec.maxParallel) : "") + "\n";
    s +=
        "#SBATCH --output=" + (std::filesystem::path(spec.folder) / "logs" / "%A_%a.out").string() +
        "\n";
    if (!spec.partition.empty()) s += "#SBATCH --partition=" + spec.partition + "\n";
    if (!spec.time.empty()) s += "#SBATCH --time=" + spec.time + "\n";
    if (!spec.mem.empty()) s += "#SBATCH --mem=" + spec.mem + "\n";
    if (!spec.gpus.empty()) s += "#SBATCH --gpus=" + spec.gpus + "\n";
    // TERM to the batch shell 60 s before the time limit; the shell is clwb-run by then (exec
    // below), which stores its run as cancelled. Requeued after a node failure or preemption.
    s += "#SBATCH --signal=B:TERM@60\n";
    s += "#SBATCH --requeue\n";
    for (const auto& line : spec.extraLines) {
        const std::string l = trim(line);
        s += (l.rfind("#SBATCH", 0) == 0 ? l : "#SBATCH " + l) + "\n";
    }
    s += "# Written by clwb-run study (docs/studies.md): array task i runs line i + 1 of "
         "tasks.txt,\n";
    s +=
        "# in the folder sbatch was called from, so relative paths in the configs mean what they\n";
    s += "# meant to clwb-run study.\n";
    s += "set -euo pipefail\n";
    s += "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " +
         shellQuote((std::filesystem::path(spec.folder) / "tasks.txt").string()) + ")\n";
    s += "if [ -z \"$line\" ]; then echo \"no line for task $SLURM_ARRAY_TASK_ID in tasks.txt\" "
         ">&2; "
         "exit 2; fi\n";
    s += "eval \"exec $line\"\n";
    return s;
}

std::string tasksText(const StudyFolder& f, const std::string& binary)
{
    std::string out;
    for (const auto& t : f.tasks)
        out += shellQuote(binary) + " --config " + shellQuote(f.configFile(t.index)) + " --db " +
               shellQuote(f.dbFile(t.index)) + " --db-journal delete --quiet --summary-json " +
               shellQuote(f.summaryFile(t.index)) + "\n";
    return out;
}

std::optional<TaskState> stateFromSummary(const std::string& file)
{
    std::ifstream in(file);
    if (!in) return std::nullopt;
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string())
        return std::nullopt;  // still being written, or not clwb-run's
    const std::string status = doc["status"].get<std::string>();
    if (status == "finished") return TaskState::Finished;
    if (status == "failed") return TaskState::Failed;
    if (status == "cancelled" || status == "interrupted") return TaskState::Cancelled;
    return std::nullopt;
}

std::string parseSbatchJobId(const std::string& out)
{
    const std::string line = trim(out.substr(0, out.find('\n')));
    const std::string id = line.substr(0, line.find(';'));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return {};
    return id;
}

TaskState slurmState(const std::string& word)
{
    std::string w = trim(word);
    w = w.substr(0, w.find(' '));                     // "CANCELLED by 1000"
    if (!w.empty() && w.back() == '+') w.pop_back();  // sacct's mark of a cut-off column
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::toupper(c); });
    if (w == "PENDING" || w == "REQUEUED" || w == "REQUEUE_HOLD" || w == "REQUEUE_FED" ||
        w == "CONFIGURING" || w == "RESIZING" || w == "SUSPENDED" || w == "PD" || w == "CF")
        return TaskState::Pending;
    if (w == "RUNNING" || w == "COMPLETING" || w == "STAGE_OUT" || w == "SIGNALING" || w == "R" ||
        w == "CG")
        return TaskState::Running;
    if (w == "COMPLETED" || w == "CD") return TaskState::Finished;
    if (w == "FAILED" || w == "OUT_OF_MEMORY" || w == "BOOT_FAIL" || w == "DEADLINE" ||
        w == "SPECIAL_EXIT" || w == "F" || w == "OOM")
        return TaskState::Failed;
    if (w == "TIMEOUT" || w == "TO") return TaskState::TimedOut;
    if (w == "CANCELLED" || w == "REVOKED" || w == "CA") return TaskState::Cancelled;
    if (w == "NODE_FAIL" || w == "NF") return TaskState::NodeFail;
    if (w == "PREEMPTED" || w == "PR") return TaskState::Preempted;
    return TaskState::Unknown;
}

std::map<std::pair<std::string, int>, TaskState> parseSlurmStates(const std::string& text)
{
    std::map<std::pair<std::string, int>, TaskState> out;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) {
        line = trim(line);
        const auto bar = line.find('|');
        if (line.empty() || bar == std::string::npos) continue;
        const std::string id = trim(line.substr(0, bar));
        std::string rest = line.substr(bar + 1);
        const std::string state = rest.substr(0, rest.find('|'));
        if (id.find('.') != std::string::npos) continue;  // a step: 123_4.batch, 123_4.extern
        const auto us = id.find('_');
        if (us == std::string::npos) continue;  // not an array task
        const std::string job = id.substr(0, us), task = id.substr(us + 1);
        if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos) continue;
        std::vector<int> indices;
        if (!task.empty() && task.front() == '[')
            indices = expandRanges(task.substr(1, task.find(']') - 1));
        else if (!task.empty() && task.find_first_not_of("0123456789") == std::string::npos)
            indices.push_back(std::stoi(task));
        for (int i : indices) out[{job, i}] = slurmState(state);
    }
    return out;
}

std::unique_ptr<StudyExecutor> makeSlurmExecutor(const ExecutorOptions& options,
                                                 CommandRunner runner)
{
    return std::make_unique<SlurmExecutor>(options, std::move(runner));
}

/// Submits the folder's ended, unfinished tasks again (study-resubmit); returns the new job id
/// or empty when there was nothing to submit.
std::string resubmitFailed(StudyFolder& f, const ExecutorOptions& options, CommandRunner runner)
{
    SlurmExecutor ex(options, std::move(runner));
    if (f.jobs.empty()) return ex.submitTasks(f, {});  // written without --submit: all of it
    std::vector<int> tasks;
    for (const auto& t : f.tasks)
        if (isEnded(t.state) && t.state != TaskState::Finished) tasks.push_back(t.index);
    if (tasks.empty()) return {};
    return ex.submitTasks(f, tasks);
}

}  // namespace clwb::study
