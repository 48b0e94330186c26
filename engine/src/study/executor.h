// SPDX-License-Identifier: GPL-3.0-or-later
// How a study's runs are executed: in process, as a local pool of clwb-run children, or as a
// Slurm job array. One interface; the study folder holds the per-task files and the state that
// study-status and study-merge read (docs/studies.md). Engine-private, plain C++.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clwb/run_store.h"
#include "clwb/study.h"

namespace clwb::study {

/// What a command printed and how it ended.
struct CommandOutput
{
    int status = -1;  ///< exit status; -1 when it could not be started
    std::string out, err;
};
/// Runs argv[0] (searched on PATH, no shell) with the other arguments. The Slurm executor's
/// seam: tests give canned sbatch, squeue and sacct outputs.
using CommandRunner = std::function<CommandOutput(const std::vector<std::string>& argv)>;
CommandOutput runCommand(const std::vector<std::string>& argv);

enum class TaskState {
    Pending,
    Running,
    Finished,
    Failed,
    TimedOut,
    Cancelled,
    NodeFail,
    Preempted,
    Unknown
};
/// "pending", "running", "finished", "failed", "timed-out", "cancelled", "node-fail",
/// "preempted", "unknown".
const char* taskStateName(TaskState s);
TaskState taskStateFromName(const std::string& s);
/// The task will not change any more by itself (its file may be merged).
bool isEnded(TaskState s);

/// One run of the study as a task of its folder.
struct StudyTask
{
    int index = 0;
    std::string label, groupKey;
    int seed = 0;
    TaskState state = TaskState::Pending;
    std::int64_t pid = 0;              ///< local pool: the child while it runs
    std::string job;                   ///< Slurm: the job id of its latest submission
    std::vector<std::int64_t> merged;  ///< run ids in the user's database
};

/// The study folder: tasks/<i>.json (run configs), runs/<i>.sqlite and runs/<i>.summary.json
/// (what each task wrote), runs/<i>.out (its progress), state.json (this), and for Slurm
/// study.sbatch, tasks.txt and logs/.
struct StudyFolder
{
    std::string folder;    ///< absolute
    std::string database;  ///< the user's database, absolute
    std::int64_t studyId = 0;
    std::string executor;  ///< "inprocess" | "local" | "slurm"
    std::string host;      ///< where the local pool runs
    std::vector<StudyTask> tasks;
    std::vector<std::string> jobs;  ///< Slurm submissions, in order

    std::string path(const std::string& relative) const;
    std::string configFile(int index) const;   ///< tasks/<i>.json
    std::string dbFile(int index) const;       ///< runs/<i>.sqlite
    std::string summaryFile(int index) const;  ///< runs/<i>.summary.json
    std::string outputFile(int index) const;   ///< runs/<i>.out
    Journal journal() const { return executor == "slurm" ? Journal::Delete : Journal::Wal; }

    /// Writes state.json atomically (a temporary file renamed into place).
    void save() const;
    /// Reads <folder>/state.json; throws std::invalid_argument naming the folder when absent.
    static StudyFolder load(const std::string& folder);
};

/// Lays out a new folder: creates it (refusing one that holds a study already), writes each
/// run's config to tasks/<i>.json (with `threads` where non-zero) and the tasks to state.json.
StudyFolder prepareFolder(const std::string& folder, const std::string& database,
                          std::int64_t studyId, const std::string& executor,
                          const std::vector<StudyRun>& runs, int threads);

/// Merges the files of the given ended tasks into the user's database and records the run ids
/// in the folder's state (saved). Returns the number of runs merged now. Problems go to `report`
/// and leave the file for a later merge.
int mergeTasks(StudyFolder& folder, const std::vector<int>& tasks,
               const std::function<void(const std::string&)>& report);

struct ExecutorOptions
{
    int maxParallel = 0;
    std::string partition, time, mem, gpus;
    std::vector<std::string> sbatchLines;
    std::string binary;  ///< clwb-run for children and array tasks
};

struct StudyContext
{
    StudyFolder& folder;
    const std::vector<StudyRun>& runs;
    std::function<void(const std::string&)> report;  ///< progress lines
    const std::atomic<bool>* stop = nullptr;         ///< a SIGINT: stop children, merge, return
};

class StudyExecutor
{
public:
    virtual ~StudyExecutor() = default;
    /// In process and local pool: runs every task to its end (or a stop request), each merged
    /// as it ends. Slurm: writes study.sbatch and tasks.txt and submits them unless `submit` is
    /// false. Returns the tasks that did not finish (Slurm: 0 once submitted).
    virtual int run(StudyContext& ctx, bool submit) = 0;
    /// The tasks' states now (saved in the folder's state).
    virtual void refresh(StudyFolder& folder) = 0;
    virtual void cancel(StudyFolder& folder) = 0;
};

/// "inprocess" | "local" | "slurm"; `runner` is used by Slurm only.
std::unique_ptr<StudyExecutor> makeExecutor(const std::string& kind, const ExecutorOptions& options,
                                            CommandRunner runner = runCommand);

/// Slurm: submits the folder's ended, unfinished tasks again (failed, timed out, cancelled,
/// node failure, preempted) as one array of their indices, or the whole array when the study
/// was never submitted; returns the new job id, empty when none needed it. Throws
/// std::runtime_error when sbatch fails.
std::string resubmitFailed(StudyFolder& folder, const ExecutorOptions& options,
                           CommandRunner runner = runCommand);

/// The Slurm pieces, apart for tests: the batch script, the task lines, the parsers.
struct SbatchSpec
{
    std::string folder, jobName;
    int tasks = 0, maxParallel = 0;
    std::string partition, time, mem, gpus;
    std::vector<std::string> extraLines;
};
std::string sbatchScript(const SbatchSpec& spec);
/// One shell-quoted clwb-run command line per task (DELETE journal, own database and summary).
std::string tasksText(const StudyFolder& folder, const std::string& binary);
std::string shellQuote(const std::string& s);
/// "12345" from `sbatch --parsable` ("12345" or "12345;cluster"); empty when there is none.
std::string parseSbatchJobId(const std::string& out);
/// How a task's run ended by its clwb-run --summary-json file; nullopt while there is none.
std::optional<TaskState> stateFromSummary(const std::string& file);
/// Slurm's state words (COMPLETED, CANCELLED by 123, NODE_FAIL, ...) -> TaskState.
TaskState slurmState(const std::string& word);
/// `squeue --noheader --array --format=%i|%T` or `sacct --noheader --parsable2
/// --format=JobID,State,ExitCode` lines -> state per (job id, array index). Steps (".batch") are
/// skipped; ranges such as 123_[4-6,9%2] are expanded.
std::map<std::pair<std::string, int>, TaskState> parseSlurmStates(const std::string& text);

}  // namespace clwb::study
