// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's part of checkpoints and resume (docs/reliability.md): where a run's checkpoints
// live, which one it continues from, and putting a stopped run back to running.
#include <unistd.h>

#include <filesystem>

#include "clwb/run_store.h"
#include "store/run_store_impl.h"

namespace clwb {

namespace fs = std::filesystem;
using sql::Query;
using sql::Transaction;

std::string runCheckpointDir(const std::string& dbPath, std::int64_t runId)
{
    if (dbPath.empty() || dbPath == ":memory:" || runId <= 0) return {};
    const fs::path db(dbPath);
    const auto folder = db.parent_path() / (db.stem().string() + ".checkpoints");
    return (folder / ("run-" + std::to_string(runId))).string();
}

namespace sql {

RunRecord withCheckpoint(RunRecord run, const std::string& dbPath)
{
    const auto folder = runCheckpointDir(dbPath, run.id);
    if (!run.checkpointPath.empty())
        run.checkpointPath = folder.empty() ? "" : (fs::path(folder) / run.checkpointPath).string();
    std::error_code ec;
    if (folder.empty() || !fs::is_directory(folder, ec)) return run;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file(ec)) run.checkpointBytes += std::int64_t(e.file_size(ec));
    return run;
}

void removeCheckpoints(const std::string& dbPath, std::int64_t runId)
{
    const auto folder = runCheckpointDir(dbPath, runId);
    std::error_code ec;
    if (!folder.empty()) fs::remove_all(folder, ec);  // what is left is only disk space
}

}  // namespace sql

void RunStore::setCheckpoint(std::int64_t runId, const std::string& file, int afterTask,
                             std::int64_t step)
{
    Query(*impl_,
          "UPDATE runs SET checkpoint = ?1, checkpoint_task = ?2, checkpoint_step = ?3 "
          "WHERE id = ?4",
          "recording a checkpoint")
        .bind(1, fs::path(file).filename().string())
        .bind(2, afterTask)
        .bind(3, step)
        .bind(4, runId)
        .run();
}

Resumability RunStore::resumability(std::int64_t runId)
{
    recoverInterrupted();  // a run whose process died since the store was opened
    Resumability r;
    const auto run = this->run(runId);
    const auto name = "run " + std::to_string(runId);
    if (!run) {
        r.reason = "there is no " + name + " in " + impl_->path;
        return r;
    }
    if (run->status == RunStatus::Running) {
        r.reason = name + " is still running";
        return r;
    }
    if (run->status == RunStatus::Finished) {
        r.reason = name + " finished; there is nothing to resume";
        return r;
    }
    if (!run->checkpointPath.empty()) {
        std::error_code ec;
        if (!fs::is_regular_file(run->checkpointPath, ec)) {
            r.reason = "the checkpoint of " + name + ", " + run->checkpointPath + ", is missing";
            return r;
        }
        r.checkpoint = run->checkpointPath;
        r.afterTask = run->checkpointTask;
        r.step = run->checkpointStep;
    }
    r.resumable = true;
    return r;
}

void RunStore::reopenRun(std::int64_t runId, int afterTask, std::int64_t step)
{
    Impl& d = *impl_;
    const char* what = "reopening a run";
    // From the start: the row before training goes too (it is measured again).
    const int after = afterTask < 0 ? -2 : afterTask;
    const std::int64_t upTo = afterTask < 0 ? -1 : step;
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM series WHERE run_id = ?1 AND (step > ?2 OR task > ?3)", what)
        .bind(1, runId)
        .bind(2, upTo)
        .bind(3, after)
        .run();
    for (const char* sql : {"DELETE FROM matrices WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM qa_examples WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM confusion WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM gallery_predictions WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM drift WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM drift_boundaries WHERE run_id = ?1 AND after_task > ?2",
                            "DELETE FROM importance WHERE run_id = ?1 AND task > ?2"})
        Query(d, sql, what).bind(1, runId).bind(2, after).run();
    Query(d, "DELETE FROM metrics WHERE run_id = ?1", what).bind(1, runId).run();
    const std::string now = sql::nowIso();
    Query(d,
          "UPDATE runs SET status = 'running', ended_at = NULL, message = '', heartbeat_at = ?1, "
          "pid = ?2, host = ?3 WHERE id = ?4",
          what)
        .bind(1, now)
        .bind(2, static_cast<std::int64_t>(getpid()))
        .bind(3, d.host)
        .bind(4, runId)
        .run();
    if (afterTask < 0)
        Query(d,
              "UPDATE runs SET checkpoint = '', checkpoint_task = -1, checkpoint_step = 0 "
              "WHERE id = ?1",
              what)
            .bind(1, runId)
            .run();
    tx.commit();
}

}  // namespace clwb
