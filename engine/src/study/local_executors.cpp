// SPDX-License-Identifier: GPL-3.0-or-later
// The in-process executor (one run after another through runExperiment into the user's
// database) and the local pool (K clwb-run children, each with its own database file in the
// study folder, merged into the user's as it ends).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <thread>

#include "clwb/engine.h"
#include "store/store_util.h"
#include "study/executor.h"

extern char** environ;

namespace clwb::study {
namespace {

using Clock = std::chrono::steady_clock;

bool stopRequested(const StudyContext& ctx)
{
    return ctx.stop && ctx.stop->load();
}

std::string seconds(double s)
{
    return std::to_string(long(std::lround(s))) + "s";
}

class InProcessExecutor : public StudyExecutor
{
public:
    int run(StudyContext& ctx, bool) override
    {
        RunStore store(ctx.folder.database);
        int notFinished = 0;
        for (const auto& r : ctx.runs) {
            StudyTask& t = ctx.folder.tasks[size_t(r.index)];
            if (stopRequested(ctx)) {
                ++notFinished;
                continue;
            }
            t.state = TaskState::Running;
            const auto result = runExperiment(r.config, &store,
                                              [&](const RunEvent&) { return !stopRequested(ctx); });
            if (result.runId > 0) {
                store.setRunStudy({result.runId, ctx.folder.studyId, r.groupKey, r.seed, r.index});
                t.merged.push_back(result.runId);
            }
            t.state = result.status == RunStatus::Finished    ? TaskState::Finished
                      : result.status == RunStatus::Cancelled ? TaskState::Cancelled
                                                              : TaskState::Failed;
            if (t.state != TaskState::Finished) ++notFinished;
            if (ctx.report)
                ctx.report("task " + std::to_string(r.index) + " (" + r.groupKey + ", seed " +
                           std::to_string(r.seed) + "): " + toString(result.status) +
                           (result.message.empty() ? "" : " (" + result.message + ")") + " in " +
                           seconds(result.wallSeconds) + ", run " + std::to_string(result.runId));
        }
        return notFinished;
    }
    void refresh(StudyFolder&) override {}
    void cancel(StudyFolder&) override {}
};

/// Starts `binary` with `args`, stdin from /dev/null, stdout to /dev/null (the summary goes to
/// its file), stderr to `output`. 0 when it could not be started.
pid_t spawnChild(const std::vector<std::string>& argv, const std::string& output)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, output.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    // The children get default signal handling and an empty mask whatever the parent has.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    // Its own process group: a Ctrl-C at the terminal reaches the study command only, which
    // sends each child one SIGTERM (a second signal would end a child before it stores its run).
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? pid : 0;
}

/// clwb-run's exit status (main.cpp): 0 finished, 128 + signal stopped, else failed.
TaskState stateOfExit(int status)
{
    if (WIFEXITED(status)) {
        const int code = WEXITSTATUS(status);
        if (code == 0) return TaskState::Finished;
        if (code > 128) return TaskState::Cancelled;
        return TaskState::Failed;
    }
    return TaskState::Cancelled;  // killed by a signal before it could store the run
}

class LocalPoolExecutor : public StudyExecutor
{
public:
    explicit LocalPoolExecutor(ExecutorOptions options) : options_(std::move(options)) {}

    int run(StudyContext& ctx, bool) override
    {
        StudyFolder& f = ctx.folder;
        const int k = std::max(1, options_.maxParallel);
        std::deque<int> queue;
        for (const auto& t : f.tasks)
            if (t.state == TaskState::Pending) queue.push_back(t.index);
        struct Child
        {
            int index;
            pid_t pid;
            Clock::time_point started;
        };
        std::vector<Child> children;
        bool stopping = false;
        Clock::time_point stopAt{};
        // Stopping: no new child; the loop ends when the running ones have ended.
        while ((!stopping && !queue.empty()) || !children.empty()) {
            if (!stopping && stopRequested(ctx)) {
                // Each child stores its run as cancelled at its next step (its SIGTERM handler).
                stopping = true;
                stopAt = Clock::now();
                for (const auto& c : children) kill(c.pid, SIGTERM);
                if (ctx.report && !children.empty())
                    ctx.report("stopping " + std::to_string(children.size()) +
                               " running task(s); finished ones are merged");
            }
            if (stopping && Clock::now() - stopAt > std::chrono::seconds(60))
                for (const auto& c : children) kill(c.pid, SIGKILL);
            while (!stopping && int(children.size()) < k && !queue.empty()) {
                const int i = queue.front();
                queue.pop_front();
                const pid_t pid =
                    spawnChild({options_.binary, "--config", f.configFile(i), "--db", f.dbFile(i),
                                "--quiet", "--summary-json", f.summaryFile(i)},
                               f.outputFile(i));
                StudyTask& t = f.tasks[size_t(i)];
                if (pid == 0) {
                    t.state = TaskState::Failed;
                    if (ctx.report)
                        ctx.report("task " + std::to_string(i) + ": cannot start " +
                                   options_.binary + ": " + std::strerror(errno));
                    continue;
                }
                t.state = TaskState::Running;
                t.pid = pid;
                children.push_back({i, pid, Clock::now()});
                f.save();
            }
            bool ended = false;
            for (auto it = children.begin(); it != children.end();) {
                int status = 0;
                const pid_t r = waitpid(it->pid, &status, WNOHANG);
                if (r == 0 || (r < 0 && errno == EINTR)) {
                    ++it;
                    continue;
                }
                StudyTask& t = f.tasks[size_t(it->index)];
                t.state = r < 0 ? TaskState::Unknown : stateOfExit(status);
                t.pid = 0;
                const double secs =
                    std::chrono::duration<double>(Clock::now() - it->started).count();
                const auto done =
                    std::count_if(f.tasks.begin(), f.tasks.end(),
                                  [](const StudyTask& x) { return isEnded(x.state); });
                if (ctx.report)
                    ctx.report("[" + std::to_string(done) + "/" + std::to_string(f.tasks.size()) +
                               "] task " + std::to_string(it->index) + " " +
                               taskStateName(t.state) + " after " + seconds(secs));
                // Merged before the next child starts: the file stays until the merge commits.
                mergeTasks(f, {it->index}, ctx.report);
                it = children.erase(it);
                ended = true;
            }
            if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        f.save();
        return int(std::count_if(f.tasks.begin(), f.tasks.end(), [](const StudyTask& t) {
            return t.state != TaskState::Finished;
        }));
    }

    /// Tasks recorded as running whose process is gone (a study command that was killed) count
    /// as ended; their runs are recovered as interrupted when merged.
    void refresh(StudyFolder& f) override
    {
        const bool here = f.host == sql::hostName();
        for (auto& t : f.tasks)
            if (t.state == TaskState::Running && here && t.pid > 0 && sql::pidIsDead(t.pid)) {
                t.state = TaskState::Unknown;
                t.pid = 0;
            }
        f.save();
    }

    void cancel(StudyFolder& f) override
    {
        if (f.host != sql::hostName()) return;
        for (const auto& t : f.tasks)
            if (t.state == TaskState::Running && t.pid > 0 && !sql::pidIsDead(t.pid))
                kill(pid_t(t.pid), SIGTERM);
    }

private:
    ExecutorOptions options_;
};

}  // namespace

std::unique_ptr<StudyExecutor> makeSlurmExecutor(const ExecutorOptions& options,
                                                 CommandRunner runner);

std::unique_ptr<StudyExecutor> makeExecutor(const std::string& kind, const ExecutorOptions& options,
                                            CommandRunner runner)
{
    if (kind == "inprocess") return std::make_unique<InProcessExecutor>();
    if (kind == "local") return std::make_unique<LocalPoolExecutor>(options);
    if (kind == "slurm") return makeSlurmExecutor(options, std::move(runner));
    throw std::invalid_argument("unknown executor '" + kind + "' (inprocess, local, slurm)");
}

}  // namespace clwb::study
