// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: studies (the Study tab, the Studies dock, Run → New Study…).
#include <QDockWidget>
#include <QStatusBar>
#include <QTabWidget>

#include <algorithm>
#include <exception>
#include <map>

#include "clwb/strategy_info.h"
#include "clwb/study_summary.h"
#include "main_window.h"
#include "panels/experiment_panel.h"
#include "panels/log_panel.h"
#include "panels/runs_browser.h"
#include "panels/studies_dock.h"
#include "panels/study_dialog.h"
#include "panels/study_view.h"

void MainWindow::createStudyViews()
{
    studyView_ = new StudyView(this);
    centralTabs_->addTab(studyView_, QString());
    studies_ = new StudiesDock(this);
    connect(studies_, &StudiesDock::openStudyRequested, this, &MainWindow::openStudy);
    connect(studies_, &StudiesDock::message, this, [this](const QString& text, int level) {
        log_->appendLine(text, level == 0   ? LogPanel::Level::Info
                               : level == 1 ? LogPanel::Level::Warning
                                            : LogPanel::Level::Error);
    });
    // A running study merges its runs as they end: the runs list follows.
    connect(studies_, &StudiesDock::runsChanged, runs_, &RunsBrowser::refresh);
    connect(studies_, &StudiesDock::refreshed, this, [this] {
        if (studies_->isActive()) runs_->refresh();
    });
    connect(runs_, &RunsBrowser::studyComparisonRequested, this, &MainWindow::showStudyOfRuns);
    connect(studyView_, &StudyView::exported, this, [this](const QString& file) {
        statusBar()->showMessage(tr("Saved %1").arg(file), 5000);
    });
}

bool MainWindow::openStudy(qint64 id)
{
    clwb::RunStore* store = runs_->store();
    if (!store) return false;
    try {
        const auto record = store->study(id);
        if (!record) {
            reportProblem(tr("Cannot open study"),
                          tr("There is no study %1 in %2.").arg(id).arg(runs_->databasePath()));
            return false;
        }
        studyView_->setSummary(
            clwb::summarizeStudy(*store, id),
            tr("Study %1: %2").arg(id).arg(QString::fromStdString(record->name)));
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot open study"), QString::fromUtf8(e.what()));
        return false;
    }
    centralTabs_->setCurrentWidget(studyView_);
    studies_->selectStudy(id);
    return true;
}

bool MainWindow::showStudyOfRuns(const QList<qint64>& ids)
{
    clwb::RunStore* store = runs_->store();
    if (!store || ids.isEmpty()) return false;
    std::vector<std::int64_t> runIds(ids.begin(), ids.end());
    std::sort(runIds.begin(), runIds.end());
    QStringList names;
    for (auto id : runIds) names << QString::number(id);
    try {
        studyView_->setSummary(clwb::summarizeRunIds(*store, runIds),
                               tr("Runs %1").arg(names.join(QStringLiteral(", "))));
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot compare runs"), QString::fromUtf8(e.what()));
        return false;
    }
    centralTabs_->setCurrentWidget(studyView_);
    return true;
}

StudyDialog* MainWindow::createStudyDialog()
{
    auto* dialog = new StudyDialog(this);
    std::map<std::string, clwb::ParamValues> params;
    for (const auto& info : clwb::listStrategies())
        params[info.id] = experiment_->strategyParams(QString::fromStdString(info.id));
    dialog->setDesign(experiment_->config(), experiment_->checkedStrategies(), params);
    dialog->setDatabasePath(dbPath_);
    return dialog;
}

void MainWindow::newStudy()
{
    if (const QString problem = StudiesDock::clwbRunProblem(); !problem.isEmpty()) {
        reportProblem(tr("Cannot run studies"), problem);
        return;
    }
    StudyDialog* dialog = createStudyDialog();
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { startStudy(*dialog); });
    dialog->open();
}

bool MainWindow::startStudy(const StudyDialog& dialog)
{
    if (dialog.studyFile().isEmpty()) return false;
    log_->appendLine(tr("Study written to %1").arg(dialog.studyFile()));
    if (!studies_->startStudy(dialog.commandArguments())) {
        reportProblem(tr("Cannot run studies"), StudiesDock::clwbRunProblem());
        return false;
    }
    showStudiesDock();
    return true;
}

void MainWindow::showStudiesDock()
{
    studiesDock_->show();
    studiesDock_->raise();
}
