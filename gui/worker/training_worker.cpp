// SPDX-License-Identifier: GPL-3.0-or-later
// Runs experiments on a worker thread and forwards engine events as queued Qt signals.
#include "worker/training_worker.h"

#include <exception>
#include <stdexcept>

TrainingWorker::TrainingWorker(const QString& dbPath, RunFunction run, QObject* parent,
                               ResumeFunction resume)
    : QObject(parent), dbPath_(dbPath), run_(std::move(run)), resume_(std::move(resume))
{
    qRegisterMetaType<clwb::RunEvent>("clwb::RunEvent");
    qRegisterMetaType<clwb::RunConfig>("clwb::RunConfig");
    qRegisterMetaType<clwb::RunStatus>("clwb::RunStatus");
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::requestStop()
{
    stopRequested_.store(true);
}

void TrainingWorker::clearStop()
{
    stopRequested_.store(false);
}

void TrainingWorker::setDatabasePath(const QString& dbPath)
{
    store_.reset();
    dbPath_ = dbPath;
}

void TrainingWorker::start(const clwb::RunConfig& config)
{
    execute(
        [&](const clwb::ProgressCallback& onEvent) { return run_(config, store_.get(), onEvent); });
}

void TrainingWorker::resume(qint64 runId)
{
    execute([&](const clwb::ProgressCallback& onEvent) {
        if (!store_) throw std::runtime_error("resuming a run needs its run database");
        return resume_(*store_, runId, onEvent);
    });
}

void TrainingWorker::execute(
    const std::function<clwb::RunResult(const clwb::ProgressCallback&)>& body)
{
    clwb::RunStatus status = clwb::RunStatus::Failed;
    QString message;
    qint64 runId = 0;
    bool caught = false;
    // Anything thrown here (store, engine, fake engine) is turned into a Failed event: an
    // exception escaping a queued slot would terminate the application.
    try {
        if (!dbPath_.isEmpty() && !store_)
            store_ = std::make_unique<clwb::RunStore>(dbPath_.toStdString());
        const clwb::ProgressCallback onEvent = [this](const clwb::RunEvent& event) {
            Q_EMIT eventReady(event);
            return !stopRequested_.load();
        };
        const clwb::RunResult result = body(onEvent);
        status = result.status;
        message = QString::fromStdString(result.message);
        runId = result.runId;
    } catch (const std::exception& e) {
        message = QString::fromStdString(e.what());
        caught = true;
    } catch (...) {
        message = tr("unknown error");
        caught = true;
    }
    if (caught) {  // the engine reports its own failures; only ours need an event
        status = clwb::RunStatus::Failed;
        clwb::RunEvent failed;
        failed.kind = clwb::RunEvent::Kind::Failed;
        failed.message = message.toStdString();
        Q_EMIT eventReady(failed);
    }
    Q_EMIT runFinished(status, message, runId);
}
