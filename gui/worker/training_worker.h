// SPDX-License-Identifier: GPL-3.0-or-later
// Runs experiments on a worker thread and forwards engine events as queued Qt signals.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

#include "clwb/engine.h"
#include "clwb/run_event.h"
#include "clwb/run_store.h"
#include "worker/meta_types.h"

/// Worker object (QThread docs pattern): lives on a QThread, start() runs one experiment to the
/// end there. Every engine event becomes eventReady(); the engine's callback returns false once
/// requestStop() was called, so the engine stores the run as cancelled.
class TrainingWorker : public QObject
{
    Q_OBJECT

public:
    using RunFunction = std::function<clwb::RunResult(const clwb::RunConfig&, clwb::RunStore*,
                                                      const clwb::ProgressCallback&)>;
    using ResumeFunction = std::function<clwb::RunResult(clwb::RunStore&, std::int64_t,
                                                         const clwb::ProgressCallback&)>;

    /// `dbPath` empty = no persistence. `run` and `resume` are injectable so tests can fake the
    /// engine.
    explicit TrainingWorker(const QString& dbPath, RunFunction run = clwb::runExperiment,
                            QObject* parent = nullptr,
                            ResumeFunction resume = clwb::resumeExperiment);
    ~TrainingWorker() override;

    /// Thread-safe; takes effect at the engine's next callback (every training step) and stays
    /// in effect, also for runs started later, until clearStop(). The controller clears it
    /// before queueing a start, so a Stop pressed between two runs of a batch is never lost.
    void requestStop();
    void clearStop();
    bool stopRequested() const { return stopRequested_.load(); }
    /// Call on the worker's thread while idle (e.g. via QMetaObject::invokeMethod).
    void setDatabasePath(const QString& dbPath);

public Q_SLOTS:
    /// Runs synchronously on the worker's thread; never lets an exception escape.
    void start(const clwb::RunConfig& config);
    /// Continues stored run `runId` from its last checkpoint (clwb::resumeExperiment), in its own
    /// row; the same signals as start().
    void resume(qint64 runId);

Q_SIGNALS:
    void eventReady(const clwb::RunEvent& event);
    /// status: Finished | Cancelled | Failed; runId 0 when nothing was stored.
    void runFinished(clwb::RunStatus status, const QString& message, qint64 runId);

private:
    /// Opens the store if needed, runs `body` with the event callback, turns anything thrown
    /// into a Failed event, and reports runFinished.
    void execute(const std::function<clwb::RunResult(const clwb::ProgressCallback&)>& body);

    QString dbPath_;
    RunFunction run_;
    ResumeFunction resume_;
    std::unique_ptr<clwb::RunStore> store_;  // opened on the worker thread: one per thread
    std::atomic<bool> stopRequested_{false};
};
