// SPDX-License-Identifier: GPL-3.0-or-later
// The main window: construction, the batch of runs (start, events, finish) and stored runs.
// UI construction and retranslation: main_window_ui.cpp; settings, experiment files and exports:
// main_window_files.cpp.
#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/forgetting_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "clwb/engine.h"
#include "clwb/run_replay.h"
#include "clwb/run_store.h"
#include "clwb/strategy_info.h"
#include "export/report_writer.h"
#include "panels/chart_area.h"
#include "panels/comparison_view.h"
#include "panels/experiment_panel.h"
#include "panels/log_panel.h"
#include "panels/metrics_panel.h"
#include "panels/prediction_gallery.h"
#include "panels/preview_strip.h"
#include "panels/runs_browser.h"
#include "panels/runs_table_model.h"
#include "panels/studies_dock.h"
#include "strategy_strings.h"
#include "translation_manager.h"
#include "worker/training_worker.h"

namespace {

QString formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds)) return QStringLiteral("–");
    const qint64 s = qint64(std::lround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

MainWindow::MainWindow(const QString& dbPath, QWidget* parent)
    : QMainWindow(parent),
      dbPath_(dbPath.isEmpty() ? QString::fromStdString(clwb::RunStore::defaultPath()) : dbPath)
{
    QDir().mkpath(QFileInfo(dbPath_).absolutePath());
    experiment_ = new ExperimentPanel(this);
    charts_ = new ChartArea(this);
    comparison_ = new ComparisonView(this);
    centralTabs_ = new QTabWidget(this);
    // On small screens (1366 x 768) the charts keep a readable size and scroll instead of
    // pushing the window past the screen.
    chartsScroll_ = new QScrollArea(this);
    chartsScroll_->setWidget(charts_);
    chartsScroll_->setWidgetResizable(true);
    chartsScroll_->setFrameShape(QFrame::NoFrame);
    centralTabs_->addTab(chartsScroll_, QString());
    // The gallery is the chart area's (it gets the same events) but needs a whole tab's width.
    centralTabs_->addTab(charts_->gallery(), QString());
    centralTabs_->addTab(comparison_, QString());
    preview_ = new PreviewStrip(this);  // decodes only while its tab is on show
    centralTabs_->addTab(preview_, QString());
    experiment_->connectPreview(preview_);
    setCentralWidget(centralTabs_);
    log_ = new LogPanel(this);
    queueView_ = new QListWidget(this);
    runs_ = new RunsBrowser(this);
    createStudyViews();

    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("runProgress"));
    progress_->setMaximumWidth(260);
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progressLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(progressLabel_);
    statusBar()->addPermanentWidget(progress_);

    createActions();
    createMenus();
    createDocks();

    worker_ = new TrainingWorker(dbPath_);
    worker_->moveToThread(&workerThread_);
    connect(&workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &MainWindow::startRequested, worker_, &TrainingWorker::start);
    connect(this, &MainWindow::resumeRequested, worker_, &TrainingWorker::resume);
    connect(worker_, &TrainingWorker::eventReady, this, &MainWindow::onRunEvent);
    connect(worker_, &TrainingWorker::runFinished, this, &MainWindow::onRunFinished);
    workerThread_.setObjectName(QStringLiteral("training"));
    workerThread_.start();

    connect(runs_, &RunsBrowser::openRunRequested, this, &MainWindow::openStoredRun);
    connect(runs_, &RunsBrowser::compareRequested, this, &MainWindow::compareStoredRuns);
    connect(runs_, &RunsBrowser::presentRequested, this, &MainWindow::presentRuns);
    connect(runs_, &RunsBrowser::resumeRequested, this, &MainWindow::resumeStoredRun);
    // On a small screen the chart grid scrolls: a chosen inspection view scrolls into sight.
    connect(charts_->inspectionTabs(), &QTabWidget::currentChanged, this, [this] {
        chartsScroll_->ensureWidgetVisible(charts_->inspectionTabs(), 0, 0);
    });
    connect(runs_, &RunsBrowser::databaseChanged, this, &MainWindow::setDatabase);
    connect(runs_, &RunsBrowser::databaseChanged, studies_,
            [this](const QString& path) { studies_->setStore(runs_->store(), path); });
    connect(experiment_, &ExperimentPanel::changed, this, [this] { setWindowModified(true); });
    runs_->setDatabasePath(dbPath_);

    retranslateUi();
    defaultState_ = saveState(kLayoutVersion);
    readSettings();
    updateActions();
    updateTitle();
    setWindowModified(false);
}

MainWindow::~MainWindow()
{
    // The engine sees the stop at its next callback; wait() then returns within about a step.
    worker_->requestStop();
    workerThread_.quit();
    workerThread_.wait();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (running_ && interactive_) {
        const auto answer = QMessageBox::question(
            this, tr("Run in progress"), tr("A run is in progress. Stop it and quit?"),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (studies_->runningProcesses() > 0 && interactive_) {
        const auto answer = QMessageBox::question(
            this, tr("Study in progress"),
            tr("A study started from this window is running. Closing stops its runs; the "
               "finished ones stay in the database. Quit?"),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    stopExperiment();
    writeSettings();
    event->accept();
}

void MainWindow::updateActions()
{
    const bool busy = running_ || checking_;
    startAction_->setEnabled(!busy);
    demoAction_->setEnabled(!busy);
    stopAction_->setEnabled(busy);
    openDbAction_->setEnabled(!busy);
}

void MainWindow::reportProblem(const QString& title, const QString& text)
{
    log_->appendLine(title + QStringLiteral(": ") + text, LogPanel::Level::Error);
    statusBar()->showMessage(title, 10000);
    if (interactive_)
        QMessageBox::warning(this, title, text);
    else
        std::fprintf(stderr, "clwb: %s: %s\n", qPrintable(title), qPrintable(text));
}

bool MainWindow::runDemo()
{
    if (running_) return false;
    experiment_->setConfig(clwb::demoConfig());
    currentFile_.clear();
    setWindowModified(false);
    updateTitle();
    return startExperiment();
}

bool MainWindow::startExperiment()
{
    if (running_ || checking_) return false;
    const auto configs = experiment_->batchConfigs();
    // Validation lists dataset folders and reads checkpoint headers: off the GUI thread. The batch
    // starts, or its problems are shown, when the check is done.
    checking_ = true;
    updateActions();
    progressLabel_->setText(tr("Checking the experiment…"));
    using Problems = std::vector<std::pair<std::string, clwb::ConfigError>>;
    auto* watcher = new QFutureWatcher<Problems>(this);
    connect(watcher, &QFutureWatcher<Problems>::finished, this, [this, watcher, configs] {
        watcher->deleteLater();
        checking_ = false;
        if (std::exchange(checkCancelled_, false)) {
            updateActions();
            progressLabel_->setText(tr("Stopped before the start"));
            return;
        }
        QStringList problems;
        for (const auto& [strategy, e] : watcher->result())
            problems << tr("%1 — %2: %3")
                            .arg(trStrategyName(strategy), QString::fromStdString(e.path),
                                 QString::fromStdString(e.message));
        if (!problems.isEmpty()) {
            updateActions();
            progressLabel_->clear();
            reportProblem(tr("Cannot start the experiment"), problems.join(QLatin1Char('\n')));
            if (!interactive_ && quitWhenDone_) QCoreApplication::exit(2);
            return;
        }
        startBatch(configs);
    });
    watcher->setFuture(QtConcurrent::run([configs] {
        Problems problems;
        for (const auto& c : configs)
            for (auto& e : clwb::validateRunConfig(c))
                problems.emplace_back(c.strategy, std::move(e));
        return problems;
    }));
    return true;
}

void MainWindow::startBatch(const std::vector<clwb::RunConfig>& configs)
{
    queue_.reset(configs);
    running_ = true;
    updateActions();
    if (queue_.size() > 1) queueDock_->raise();
    startNext();
}

void MainWindow::stopExperiment()
{
    if (checking_ && !running_) {
        checkCancelled_ = true;
        return;
    }
    if (!running_) return;
    worker_->requestStop();
    queue_.cancelQueued();
    refreshQueueView();
    log_->appendLine(tr("Stopping…"), LogPanel::Level::Warning);
    progressLabel_->setText(tr("Stopping…"));
}

void MainWindow::startNext()
{
    const int next = queue_.startNext();
    if (next < 0) {
        finishBatch();
        return;
    }
    const RunQueue::Entry& entry = *queue_.currentEntry();
    refreshQueueView();
    taskCount_ = int(clwb::resolvedTasks(entry.config).size());
    shownConfig_ = entry.config;
    shownRunId_ = 0;
    charts_->clear();
    liveEvents_.clear();
    if (entry.resumeRunId > 0) drawStoredPart(entry.resumeRunId);
    liveStrategy_ = QString::fromStdString(entry.config.strategy);
    if (presentation_) showPresentation({});  // the next run of the batch, from its start
    const QString title = QStringLiteral("%1 — %2").arg(QString::fromStdString(entry.config.name),
                                                        trStrategyName(entry.config.strategy));
    charts_->setRunTitle(queue_.size() > 1
                             ? tr("%1 (run %2 of %3)").arg(title).arg(next + 1).arg(queue_.size())
                             : title);
    showRunViews();
    progress_->setRange(0, 0);  // busy until the engine reports the planned steps
    progressLabel_->setText(tr("Preparing data and model…"));
    log_->appendLine(
        tr("Starting %1 with %2")
            .arg(QString::fromStdString(entry.config.name), trStrategyName(entry.config.strategy)));
    worker_->clearStop();
    if (entry.resumeRunId > 0)
        Q_EMIT resumeRequested(entry.resumeRunId);
    else
        Q_EMIT startRequested(entry.config);
}

void MainWindow::onRunEvent(const clwb::RunEvent& event)
{
    using Kind = clwb::RunEvent::Kind;
    charts_->handleEvent(event);
    presentLiveEvent(event);
    switch (event.kind) {
        case Kind::Started:
            progress_->setRange(0, 0);  // busy until the first step reports the planned total
            progress_->setValue(0);
            log_->appendLine(QString::fromStdString(event.message));
            runs_->refresh();  // the engine has created the run record by now
            break;
        case Kind::Log:
            log_->appendEngineLine(event.message, event.level);
            break;
        case Kind::Step:
            // Label text is cheap but not free; steps of tiny models arrive by the thousand.
            if (event.step % 5 == 0 || event.step == event.total) {
                const int total = int(std::max<std::int64_t>(1, event.total));
                if (progress_->maximum() != total) progress_->setRange(0, total);
                progress_->setValue(int(event.step));
                // A strategy's own phase (MIST's pre-adaptation) in place of the epoch.
                const QString where = event.phase.empty() ? tr("epoch %1").arg(event.epoch + 1)
                                      : event.epochs <= 0 ? trStrategy(event.phase)
                                                          : tr("%1 %2/%3")
                                                                .arg(trStrategy(event.phase))
                                                                .arg(event.epoch + 1)
                                                                .arg(event.epochs);
                progressLabel_->setText(tr("Task %1/%2 · %3 · step %4/%5 · ETA %6")
                                            .arg(event.task + 1)
                                            .arg(taskCount_)
                                            .arg(where)
                                            .arg(event.step)
                                            .arg(event.total)
                                            .arg(formatDuration(event.etaSeconds)));
            }
            break;
        case Kind::Failed:
            log_->appendLine(tr("Run failed: %1").arg(QString::fromStdString(event.message)),
                             LogPanel::Level::Error);
            break;
        case Kind::Cancelled:
            log_->appendLine(tr("Run cancelled"), LogPanel::Level::Warning);
            break;
        case Kind::Finished:
            progress_->setValue(progress_->maximum());
            break;
        default:
            break;
    }
}

void MainWindow::onRunFinished(clwb::RunStatus status, const QString& message, qint64 runId)
{
    const bool finished = status == clwb::RunStatus::Finished;
    lastStatus_ = status;
    lastRunId_ = runId;
    shownRunId_ = runId;
    if (presentation_) presentation_->endLive();
    const double at = charts_->metrics()->value("final_average_accuracy");
    queue_.finishCurrent(status, finished && !std::isnan(at)
                                     ? tr("A_T %1").arg(charts_->metrics()->formattedValue(
                                           "final_average_accuracy", at))
                                     : message);
    const QString statusText = RunsTableModel::statusText(status);
    log_->appendLine(
        runId > 0 ? tr("Run %1 %2").arg(runId).arg(statusText) : tr("Run %1").arg(statusText),
        finished ? LogPanel::Level::Info : LogPanel::Level::Warning);
    runs_->refresh();
    if (status == clwb::RunStatus::Cancelled || worker_->stopRequested()) queue_.cancelQueued();
    refreshQueueView();
    startNext();
}

void MainWindow::finishBatch()
{
    running_ = false;
    updateActions();
    if (progress_->maximum() == 0) progress_->setRange(0, 1);
    progressLabel_->setText(tr("Done: %1").arg(RunsTableModel::statusText(lastStatus_)));
    statusBar()->showMessage(tr("Batch finished"), 5000);
    Q_EMIT batchFinished();
    if (!reportFile_.isEmpty()) {
        charts_->flushReplots();
        if (writeReport(reportFile_)) log_->appendLine(tr("Report saved to %1").arg(reportFile_));
    }
    if (!screenshotFile_.isEmpty()) {
        // Let the last queued events and the coalesced replots land first.
        QTimer::singleShot(500, this, &MainWindow::takeScreenshot);
    } else if (quitWhenDone_) {
        QTimer::singleShot(0, qApp, [ok = lastStatus_ == clwb::RunStatus::Finished] {
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
}

void MainWindow::refreshQueueView()
{
    queueView_->clear();
    for (size_t i = 0; i < queue_.entries().size(); ++i) {
        const RunQueue::Entry& e = queue_.entries()[i];
        const bool running = e.status == clwb::RunStatus::Running;
        const QString state = !e.status ? tr("queued")
                              : running ? tr("running")
                                        : RunsTableModel::statusText(*e.status);
        QString text = tr("%1. %2 — %3").arg(i + 1).arg(trStrategyName(e.config.strategy), state);
        if (!e.detail.isEmpty()) text += QStringLiteral(" (%1)").arg(e.detail);
        auto* item = new QListWidgetItem(text, queueView_);
        if (running) {
            QFont f = item->font();
            f.setBold(true);
            item->setFont(f);
        }
    }
}

void MainWindow::setScreenshotOnFinish(const QString& file, bool quit)
{
    screenshotFile_ = file;
    quitWhenDone_ = quit;
}

void MainWindow::takeScreenshot()
{
    charts_->flushReplots();
    if (charts_->inspectionTabs()->currentIndex() > 0)
        chartsScroll_->ensureWidgetVisible(charts_->inspectionTabs(), 0, 0);
    QCoreApplication::processEvents();
    const QPixmap shot = presentation_ ? presentation_->grab() : grab();
    const bool ok = shot.save(screenshotFile_);
    if (ok)
        log_->appendLine(tr("Screenshot saved to %1").arg(screenshotFile_));
    else
        reportProblem(tr("Cannot save screenshot"), screenshotFile_);
    if (quitWhenDone_) {
        const bool finished = lastStatus_ == clwb::RunStatus::Finished;
        QCoreApplication::exit(ok && finished ? 0 : 1);
    }
}

void MainWindow::setDatabase(const QString& path)
{
    if (path == dbPath_) return;
    dbPath_ = path;
    // The worker opens its own store on its own thread, next time it runs.
    QMetaObject::invokeMethod(
        worker_, [w = worker_, path] { w->setDatabasePath(path); }, Qt::QueuedConnection);
    log_->appendLine(tr("Run database: %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::openStoredRun(qint64 id)
{
    if (running_) {
        statusBar()->showMessage(tr("Stop the current run before opening another one"), 5000);
        return;
    }
    clwb::RunStore* store = runs_->store();
    if (!store) return;
    try {
        const auto run = store->run(id);
        if (!run) return;
        const auto events = clwb::replayRun(*store, id);
        shownConfig_ = clwb::readRunConfig(run->configJson).config;  // no environment checks
        shownRunId_ = id;
        charts_->clear();
        charts_->handleEvents(events);
        charts_->setRunTitle(tr("Run %1: %2 — %3 (%4)")
                                 .arg(id)
                                 .arg(QString::fromStdString(run->name),
                                      trStrategyName(run->strategy),
                                      RunsTableModel::statusText(run->status)));
        showRunViews();
        taskCount_ = charts_->matrix()->taskCount();
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot open run"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::compareStoredRuns(const QList<qint64>& ids)
{
    clwb::RunStore* store = runs_->store();
    if (!store || ids.size() < 2) return;
    std::vector<ComparisonView::Run> runs;
    try {
        for (qint64 id : ids) {
            const auto run = store->run(id);
            if (!run) continue;
            runs.push_back({tr("#%1 %2").arg(id).arg(trStrategyName(run->strategy)),
                            clwb::replayRun(*store, id)});
        }
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot compare runs"), QString::fromUtf8(e.what()));
        return;
    }
    comparison_->setRuns(runs);
    comparedIds_ = ids;
    centralTabs_->setCurrentWidget(comparison_);
}

void MainWindow::showGallery()
{
    centralTabs_->setCurrentWidget(charts_->gallery());
}

void MainWindow::showRunViews()
{
    // A run's own views: the charts, unless its gallery is already on show.
    if (centralTabs_->currentWidget() != charts_->gallery())
        centralTabs_->setCurrentWidget(chartsScroll_);
}
