// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: presentation mode (View → Present, F11) on the live run, a stored one or two.
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>

#include "clwb/run_replay.h"
#include "clwb/run_store.h"
#include "main_window.h"
#include "panels/comparison_view.h"
#include "panels/runs_browser.h"
#include "strategy_strings.h"

bool MainWindow::present()
{
    if (centralTabs_->currentWidget() == comparison_ && comparedIds_.size() >= 2)
        return presentRuns(comparedIds_.mid(0, 2));
    if (running_ && !liveEvents_.empty()) {
        PresentationView::Run run{tr("Live: %1").arg(trStrategyName(liveStrategy_.toStdString())),
                                  trStrategyName(liveStrategy_.toStdString()), liveEvents_, true};
        showPresentation({std::move(run)});
        return true;
    }
    if (shownRunId_ > 0) return presentRuns({shownRunId_});
    statusBar()->showMessage(tr("Nothing to present yet: start a run or open a stored one"), 5000);
    return false;
}

bool MainWindow::presentRuns(const QList<qint64>& ids)
{
    clwb::RunStore* store = runs_->store();
    if (!store || ids.isEmpty()) return false;
    std::vector<PresentationView::Run> runs;
    try {
        for (qint64 id : ids.mid(0, 2)) {
            const auto run = store->run(id);
            if (!run) continue;
            const QString strategy = trStrategyName(run->strategy);
            runs.push_back(
                {tr("#%1 %2").arg(id).arg(strategy), strategy, clwb::replayRun(*store, id), false});
        }
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot present runs"), QString::fromUtf8(e.what()));
        return false;
    }
    if (runs.empty()) return false;
    showPresentation(std::move(runs));
    return true;
}

void MainWindow::showPresentation(std::vector<PresentationView::Run> runs)
{
    if (runs.empty()) {  // a new live run of the batch replaces the one presented
        if (!presentation_ || presentation_->laneCount() != 1) return;
        runs.push_back({tr("Live: %1").arg(trStrategyName(liveStrategy_.toStdString())),
                        trStrategyName(liveStrategy_.toStdString()), liveEvents_, true});
    }
    if (!presentation_) {
        presentation_ = new PresentationView(this);
        // Without a window manager (xvfb, kiosk) full screen is only a request: size it too.
        presentation_->setGeometry(screen()->geometry());
        presentation_->showFullScreen();
    }
    presentation_->setRuns(std::move(runs));
    presentation_->raise();
    presentation_->activateWindow();
}

void MainWindow::presentLiveEvent(const clwb::RunEvent& event)
{
    if (!PresentationView::draws(event.kind)) return;
    liveEvents_.push_back(event);
    if (presentation_) presentation_->appendLiveEvent(event);
}
