// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: resuming a stopped stored run from its last checkpoint (Resume in the runs browser).
#include <QStatusBar>

#include "clwb/run_replay.h"
#include "clwb/run_store.h"
#include "main_window.h"
#include "panels/chart_area.h"
#include "panels/log_panel.h"
#include "panels/runs_browser.h"

bool MainWindow::resumeStoredRun(qint64 id)
{
    clwb::RunStore* store = runs_->store();
    if (!store) return false;
    if (running_ || checking_) {
        statusBar()->showMessage(tr("Stop the current run before resuming another one"), 5000);
        return false;
    }
    try {
        const auto point = store->resumability(id);
        const auto run = store->run(id);
        if (!point.resumable || !run) {
            reportProblem(tr("Cannot resume run %1").arg(id), QString::fromStdString(point.reason));
            return false;
        }
        // The engine checks the rest (config, code version, backbone, the file's checksum) and
        // refuses, leaving the run as it was, with the reason as the failure message.
        const auto parsed = clwb::readRunConfig(run->configJson);
        queue_.resetToResume(parsed.config, id);
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot resume run %1").arg(id), QString::fromUtf8(e.what()));
        return false;
    }
    log_->appendLine(tr("Resuming run %1 from its last checkpoint").arg(id));
    running_ = true;
    updateActions();
    startNext();
    return true;
}

void MainWindow::drawStoredPart(qint64 id)
{
    // What the resumed run keeps: rows up to the checkpoint's task, series up to its step.
    clwb::RunStore* store = runs_->store();
    if (!store) return;
    using Kind = clwb::RunEvent::Kind;
    try {
        const auto point = store->resumability(id);
        std::vector<clwb::RunEvent> kept;
        for (auto& e : clwb::replayRun(*store, id)) {
            const bool series = e.kind == Kind::Step || e.kind == Kind::Curve;
            if ((series && e.step > point.step) || e.kind == Kind::Finished) continue;
            if ((e.kind == Kind::TaskEvaluated || e.kind == Kind::Importance) &&
                e.task > point.afterTask)
                continue;
            kept.push_back(std::move(e));
        }
        charts_->handleEvents(kept);
        for (const auto& e : kept) presentLiveEvent(e);
    } catch (const std::exception& e) {
        log_->appendLine(tr("Cannot draw the stored part of run %1: %2")
                             .arg(id)
                             .arg(QString::fromUtf8(e.what())),
                         LogPanel::Level::Warning);
    }
}
