// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench window: designer dock, live charts, log/queue/runs docks, run control.
#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTextStream>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

#include <cmath>
#include <cstdio>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/forgetting_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "clwb/strategy_info.h"
#include "export/report_writer.h"
#include "panels/chart_area.h"
#include "panels/comparison_view.h"
#include "panels/experiment_panel.h"
#include "panels/log_panel.h"
#include "panels/metrics_panel.h"
#include "panels/preview_strip.h"
#include "panels/runs_browser.h"
#include "panels/runs_table_model.h"
#include "clwb/run_replay.h"
#include "strategy_strings.h"
#include "translation_manager.h"
#include "worker/training_worker.h"

namespace {

constexpr int kMaxRecentFiles = 8;

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

QString strategyName(const std::string& id)
{
    const clwb::StrategyInfo* info = clwb::findStrategy(id);
    return info ? trStrategy(info->displayName) : QString::fromStdString(id);
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
    centralTabs_->addTab(comparison_, QString());
    preview_ = new PreviewStrip(this);  // decodes only while its tab is on show
    centralTabs_->addTab(preview_, QString());
    experiment_->connectPreview(preview_);
    setCentralWidget(centralTabs_);
    log_ = new LogPanel(this);
    queueView_ = new QListWidget(this);
    runs_ = new RunsBrowser(this);

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
    connect(worker_, &TrainingWorker::eventReady, this, &MainWindow::onRunEvent);
    connect(worker_, &TrainingWorker::runFinished, this, &MainWindow::onRunFinished);
    workerThread_.setObjectName(QStringLiteral("training"));
    workerThread_.start();

    connect(runs_, &RunsBrowser::openRunRequested, this, &MainWindow::openStoredRun);
    connect(runs_, &RunsBrowser::compareRequested, this, &MainWindow::compareStoredRuns);
    connect(runs_, &RunsBrowser::databaseChanged, this, &MainWindow::setDatabase);
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

void MainWindow::createActions()
{
    QStyle* s = style();
    newAction_ = new QAction(s->standardIcon(QStyle::SP_FileIcon), QString(), this);
    newAction_->setShortcut(QKeySequence::New);
    connect(newAction_, &QAction::triggered, this, [this] {
        if (!maybeSave()) return;
        experiment_->setConfig(clwb::demoConfig());
        currentFile_.clear();
        setWindowModified(false);
        updateTitle();
    });
    openAction_ = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), QString(), this);
    openAction_->setShortcut(QKeySequence::Open);
    connect(openAction_, &QAction::triggered, this, &MainWindow::openExperimentDialog);
    saveAction_ = new QAction(s->standardIcon(QStyle::SP_DialogSaveButton), QString(), this);
    saveAction_->setShortcut(QKeySequence::Save);
    connect(saveAction_, &QAction::triggered, this, &MainWindow::saveExperiment);
    saveAsAction_ = new QAction(this);
    saveAsAction_->setShortcut(QKeySequence::SaveAs);
    connect(saveAsAction_, &QAction::triggered, this, &MainWindow::saveExperimentAs);
    openDbAction_ = new QAction(this);
    connect(openDbAction_, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Open or create a run database"), QFileInfo(dbPath_).absolutePath(),
            tr("Run databases (*.sqlite *.db);;All files (*)"), nullptr,
            QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty()) runs_->setDatabasePath(file);
    });
    exportCsvAction_ = new QAction(this);
    connect(exportCsvAction_, &QAction::triggered, this, &MainWindow::exportCsv);
    exportReportAction_ = new QAction(this);
    connect(exportReportAction_, &QAction::triggered, this, &MainWindow::exportReport);
    exportPngAction_ = new QAction(this);
    connect(exportPngAction_, &QAction::triggered, this, [this] {
        QSettings settings;
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Folder for the chart images"),
            settings.value(QStringLiteral("lastDirectory")).toString());
        if (dir.isEmpty()) return;
        settings.setValue(QStringLiteral("lastDirectory"), dir);
        const std::pair<ChartPanel*, const char*> files[] = {{charts_->curves(), "accuracy-curves"},
                                                             {charts_->matrix(), "accuracy-matrix"},
                                                             {charts_->loss(), "loss"},
                                                             {charts_->importance(), "importance"}};
        for (const auto& [chart, name] : files)
            chart->savePng(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
        statusBar()->showMessage(tr("Charts saved to %1").arg(dir), 5000);
    });
    quitAction_ = new QAction(this);
    quitAction_->setShortcut(QKeySequence::Quit);
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);

    // Own undo/redo actions (not createUndoAction) so their "Undo <edit>" text is ours to
    // translate and follows a language switch at once.
    QUndoStack* stack = experiment_->undoStack();
    undoAction_ = new QAction(s->standardIcon(QStyle::SP_ArrowBack), QString(), this);
    undoAction_->setShortcut(QKeySequence::Undo);
    undoAction_->setEnabled(false);
    connect(undoAction_, &QAction::triggered, stack, &QUndoStack::undo);
    connect(stack, &QUndoStack::canUndoChanged, undoAction_, &QAction::setEnabled);
    redoAction_ = new QAction(s->standardIcon(QStyle::SP_ArrowForward), QString(), this);
    redoAction_->setShortcut(QKeySequence::Redo);
    redoAction_->setEnabled(false);
    connect(redoAction_, &QAction::triggered, stack, &QUndoStack::redo);
    connect(stack, &QUndoStack::canRedoChanged, redoAction_, &QAction::setEnabled);
    connect(stack, &QUndoStack::indexChanged, this, &MainWindow::updateUndoTexts);

    startAction_ = new QAction(s->standardIcon(QStyle::SP_MediaPlay), QString(), this);
    startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    startAction_->setObjectName(QStringLiteral("startAction"));
    connect(startAction_, &QAction::triggered, this, &MainWindow::startExperiment);
    stopAction_ = new QAction(s->standardIcon(QStyle::SP_MediaStop), QString(), this);
    stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    stopAction_->setObjectName(QStringLiteral("stopAction"));
    connect(stopAction_, &QAction::triggered, this, &MainWindow::stopExperiment);
    demoAction_ = new QAction(s->standardIcon(QStyle::SP_MediaSeekForward), QString(), this);
    connect(demoAction_, &QAction::triggered, this, &MainWindow::runDemo);
    resetLayoutAction_ = new QAction(this);
    connect(resetLayoutAction_, &QAction::triggered, this,
            [this] { restoreState(defaultState_, kLayoutVersion); });
    aboutAction_ = new QAction(this);
    connect(aboutAction_, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About CL Workbench"),
                           tr("<p><b>CL Workbench</b>: design, run and compare continual-learning "
                              "experiments on Fashion-MNIST with a small vision transformer.</p>"
                              "<p>%1</p><p>Licence: GPL-3.0-or-later.</p>")
                               .arg(QString::fromStdString(clwb::versionsJson()).toHtmlEscaped()));
    });

    languageGroup_ = new QActionGroup(this);
    // Language names stay in their own language, so anyone can find theirs.
    const std::pair<QString, QString> languages[] = {
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("ja"), QStringLiteral("日本語")}};
    for (const auto& [code, name] : languages) {
        QAction* a = languageGroup_->addAction(name);
        a->setCheckable(true);
        a->setData(code);
        connect(a, &QAction::triggered, this, [this, c = code] { setLanguage(c); });
    }
}

void MainWindow::createMenus()
{
    fileMenu_ = menuBar()->addMenu(QString());
    fileMenu_->addAction(newAction_);
    fileMenu_->addAction(openAction_);
    recentMenu_ = fileMenu_->addMenu(QString());
    fileMenu_->addAction(saveAction_);
    fileMenu_->addAction(saveAsAction_);
    fileMenu_->addSeparator();
    fileMenu_->addAction(openDbAction_);
    exportMenu_ = fileMenu_->addMenu(QString());
    exportMenu_->addAction(exportPngAction_);
    exportMenu_->addAction(exportCsvAction_);
    exportMenu_->addAction(exportReportAction_);
    fileMenu_->addSeparator();
    fileMenu_->addAction(quitAction_);
    editMenu_ = menuBar()->addMenu(QString());
    editMenu_->addAction(undoAction_);
    editMenu_->addAction(redoAction_);
    runMenu_ = menuBar()->addMenu(QString());
    runMenu_->addAction(startAction_);
    runMenu_->addAction(stopAction_);
    runMenu_->addAction(demoAction_);
    viewMenu_ = menuBar()->addMenu(QString());
    languageMenu_ = new QMenu(this);
    languageMenu_->addActions(languageGroup_->actions());
    helpMenu_ = menuBar()->addMenu(QString());
    helpMenu_->addAction(aboutAction_);

    toolBar_ = addToolBar(QString());
    toolBar_->setObjectName(QStringLiteral("mainToolBar"));
    toolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar_->addAction(newAction_);
    toolBar_->addAction(openAction_);
    toolBar_->addAction(saveAction_);
    toolBar_->addSeparator();
    toolBar_->addAction(startAction_);
    toolBar_->addAction(stopAction_);
    toolBar_->addAction(demoAction_);
    toolBar_->addSeparator();
    toolBar_->addAction(undoAction_);
    toolBar_->addAction(redoAction_);
}

void MainWindow::createDocks()
{
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(experiment_);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(experiment_->sizeHint().width() + 24);
    experimentDock_ = new QDockWidget(this);
    experimentDock_->setObjectName(QStringLiteral("experimentDock"));
    experimentDock_->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, experimentDock_);

    logDock_ = new QDockWidget(this);
    logDock_->setObjectName(QStringLiteral("logDock"));
    logDock_->setWidget(log_);
    queueDock_ = new QDockWidget(this);
    queueDock_->setObjectName(QStringLiteral("queueDock"));
    queueDock_->setWidget(queueView_);
    runsDock_ = new QDockWidget(this);
    runsDock_->setObjectName(QStringLiteral("runsDock"));
    runsDock_->setWidget(runs_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock_);
    addDockWidget(Qt::BottomDockWidgetArea, queueDock_);
    addDockWidget(Qt::BottomDockWidgetArea, runsDock_);
    tabifyDockWidget(logDock_, queueDock_);
    tabifyDockWidget(queueDock_, runsDock_);
    logDock_->raise();
    resizeDocks({logDock_}, {200}, Qt::Vertical);
    resizeDocks({experimentDock_}, {400}, Qt::Horizontal);

    for (QDockWidget* d : {experimentDock_, logDock_, queueDock_, runsDock_})
        viewMenu_->addAction(d->toggleViewAction());
    viewMenu_->addAction(toolBar_->toggleViewAction());
    viewMenu_->addSeparator();
    viewMenu_->addAction(resetLayoutAction_);
    viewMenu_->addMenu(languageMenu_);
}

void MainWindow::retranslateUi()
{
    fileMenu_->setTitle(tr("&File"));
    recentMenu_->setTitle(tr("Open &Recent"));
    exportMenu_->setTitle(tr("&Export"));
    editMenu_->setTitle(tr("&Edit"));
    runMenu_->setTitle(tr("&Run"));
    viewMenu_->setTitle(tr("&View"));
    languageMenu_->setTitle(tr("&Language"));
    helpMenu_->setTitle(tr("&Help"));
    toolBar_->setWindowTitle(tr("Main toolbar"));

    newAction_->setText(tr("&New Experiment"));
    newAction_->setStatusTip(tr("Start from the default experiment"));
    openAction_->setText(tr("&Open Experiment…"));
    openAction_->setStatusTip(tr("Load an experiment JSON (the clwb-run format)"));
    saveAction_->setText(tr("&Save"));
    saveAction_->setStatusTip(tr("Save the experiment as JSON"));
    saveAsAction_->setText(tr("Save &As…"));
    openDbAction_->setText(tr("Open &Database…"));
    openDbAction_->setStatusTip(tr("Use another run database file"));
    exportPngAction_->setText(tr("Charts as &PNG…"));
    exportCsvAction_->setText(tr("Matrix and Metrics as &CSV…"));
    exportReportAction_->setText(tr("PDF &Report…"));
    exportReportAction_->setStatusTip(tr("One-page PDF report of the run on show"));
    quitAction_->setText(tr("&Quit"));
    updateUndoTexts();
    startAction_->setText(tr("&Start"));
    startAction_->setStatusTip(tr("Run the experiment (each checked strategy in turn)"));
    stopAction_->setText(tr("S&top"));
    stopAction_->setStatusTip(tr("Stop the run; it is stored as cancelled"));
    demoAction_->setText(tr("Run &Demo"));
    demoAction_->setStatusTip(tr("Load the bundled demo experiment and run it"));
    resetLayoutAction_->setText(tr("Reset &Layout"));
    aboutAction_->setText(tr("&About CL Workbench"));

    centralTabs_->setTabText(0, tr("Current run"));
    centralTabs_->setTabText(1, tr("Comparison"));
    centralTabs_->setTabText(2, tr("Dataset preview"));
    experimentDock_->setWindowTitle(tr("Experiment"));
    logDock_->setWindowTitle(tr("Log"));
    queueDock_->setWindowTitle(tr("Queue"));
    runsDock_->setWindowTitle(tr("Runs"));
    if (!running_) progressLabel_->setText(tr("Idle"));
    for (QAction* a : languageGroup_->actions())
        a->setChecked(a->data().toString() == translation_manager::language());
    refreshQueueView();
    updateTitle();
}

void MainWindow::updateUndoTexts()
{
    const QUndoStack* stack = experiment_->undoStack();
    undoAction_->setText(stack->canUndo() ? tr("&Undo %1").arg(stack->undoText()) : tr("&Undo"));
    redoAction_->setText(stack->canRedo() ? tr("&Redo %1").arg(stack->redoText()) : tr("&Redo"));
    undoAction_->setIconText(tr("Undo"));
    redoAction_->setIconText(tr("Redo"));
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::setLanguage(const QString& code)
{
    translation_manager::setLanguage(code);
    QSettings().setValue(QStringLiteral("language"), translation_manager::language());
    for (QAction* a : languageGroup_->actions())
        a->setChecked(a->data().toString() == translation_manager::language());
}

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) {
        // First start: most of the screen, since the charts need room.
        const QRect avail = screen()->availableGeometry();
        resize(std::min(1600, avail.width() * 95 / 100), std::min(1000, avail.height() * 95 / 100));
        // The log gets a fifth of the height at most: on a 768-pixel screen the charts need it.
        resizeDocks({logDock_}, {std::clamp(avail.height() / 7, 90, 200)}, Qt::Vertical);
    }
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray(), kLayoutVersion);
    updateRecentMenu();
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState(kLayoutVersion));
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
    startAction_->setEnabled(!running_);
    demoAction_->setEnabled(!running_);
    stopAction_->setEnabled(running_);
    openDbAction_->setEnabled(!running_);
}

void MainWindow::updateTitle()
{
    const QString file =
        currentFile_.isEmpty() ? tr("Untitled experiment") : QFileInfo(currentFile_).fileName();
    setWindowTitle(tr("%1[*] — CL Workbench").arg(file));
}

void MainWindow::updateRecentMenu()
{
    recentMenu_->clear();
    QStringList files = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    files.erase(std::remove_if(files.begin(), files.end(),
                               [](const QString& f) { return !QFileInfo::exists(f); }),
                files.end());
    for (const QString& f : files) {
        QAction* a = recentMenu_->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] {
            if (maybeSave()) loadExperiment(f);
        });
    }
    recentMenu_->setEnabled(!files.isEmpty());
}

void MainWindow::addRecentFile(const QString& file)
{
    QSettings settings;
    QStringList files = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString abs = QFileInfo(file).absoluteFilePath();
    files.removeAll(abs);
    files.prepend(abs);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), files);
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(abs).absolutePath());
    updateRecentMenu();
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

bool MainWindow::loadExperiment(const QString& file)
{
    const auto result = clwb::loadRunConfig(file.toStdString());
    // Parse errors (syntax, unknown keys, wrong types) reject the file; problems only found by
    // validation (e.g. a missing checkpoint) still load, and Start reports them.
    QStringList problems;
    for (const auto& e : result.errors)
        problems << QStringLiteral("%1: %2").arg(QString::fromStdString(e.path),
                                                 QString::fromStdString(e.message));
    const bool unreadable =
        !result.ok() && result.errors.size() == 1 && result.errors.front().path.empty();
    if (unreadable) {
        reportProblem(tr("Cannot open experiment"), problems.join(QLatin1Char('\n')));
        return false;
    }
    experiment_->setConfig(result.config);
    currentFile_ = file;
    addRecentFile(file);
    setWindowModified(false);
    updateTitle();
    log_->appendLine(tr("Loaded %1").arg(QDir::toNativeSeparators(file)));
    if (!problems.isEmpty())
        log_->appendLine(
            tr("The experiment has problems:\n%1").arg(problems.join(QLatin1Char('\n'))),
            LogPanel::Level::Warning);
    return true;
}

void MainWindow::openExperimentDialog()
{
    if (!maybeSave()) return;
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open experiment"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Experiments (*.json);;All files (*)"));
    if (!file.isEmpty()) loadExperiment(file);
}

bool MainWindow::writeExperiment(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        reportProblem(tr("Cannot save experiment"), f.errorString());
        return false;
    }
    f.write(QByteArray::fromStdString(clwb::toJson(experiment_->config()) + "\n"));
    f.close();
    currentFile_ = file;
    addRecentFile(file);
    experiment_->undoStack()->setClean();
    setWindowModified(false);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
    return true;
}

bool MainWindow::saveExperiment()
{
    return currentFile_.isEmpty() ? saveExperimentAs() : writeExperiment(currentFile_);
}

bool MainWindow::saveExperimentAs()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save experiment"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Experiments (*.json)"));
    if (file.isEmpty()) return false;
    if (!file.endsWith(QLatin1String(".json"))) file += QStringLiteral(".json");
    return writeExperiment(file);
}

bool MainWindow::maybeSave()
{
    if (!isWindowModified() || !interactive_) return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved experiment"), tr("The experiment has been modified. Save it?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save) return saveExperiment();
    return answer == QMessageBox::Discard;
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
    if (running_) return false;
    const auto configs = experiment_->batchConfigs();
    QStringList problems;
    for (const auto& c : configs) {
        for (const auto& e : clwb::validateRunConfig(c))
            problems << tr("%1 — %2: %3")
                            .arg(strategyName(c.strategy), QString::fromStdString(e.path),
                                 QString::fromStdString(e.message));
    }
    if (!problems.isEmpty()) {
        reportProblem(tr("Cannot start the experiment"), problems.join(QLatin1Char('\n')));
        return false;
    }
    queue_.reset(configs);
    running_ = true;
    updateActions();
    if (queue_.size() > 1) queueDock_->raise();
    startNext();
    return true;
}

void MainWindow::stopExperiment()
{
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
    const QString title = QStringLiteral("%1 — %2").arg(QString::fromStdString(entry.config.name),
                                                        strategyName(entry.config.strategy));
    charts_->setRunTitle(queue_.size() > 1
                             ? tr("%1 (run %2 of %3)").arg(title).arg(next + 1).arg(queue_.size())
                             : title);
    centralTabs_->setCurrentWidget(chartsScroll_);
    progress_->setRange(0, 0);  // busy until the engine reports the planned steps
    progressLabel_->setText(tr("Preparing data and model…"));
    log_->appendLine(
        tr("Starting %1 with %2")
            .arg(QString::fromStdString(entry.config.name), strategyName(entry.config.strategy)));
    worker_->clearStop();
    Q_EMIT startRequested(entry.config);
}

void MainWindow::onRunEvent(const clwb::RunEvent& event)
{
    using Kind = clwb::RunEvent::Kind;
    charts_->handleEvent(event);
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
                const QString where =
                    event.phase.empty() ? tr("epoch %1").arg(event.epoch + 1)
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
    progressLabel_->setText(
        tr("Done: %1")
            .arg(RunsTableModel::statusText(lastStatus_)));
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
        QString text = tr("%1. %2 — %3").arg(i + 1).arg(strategyName(e.config.strategy), state);
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
    QCoreApplication::processEvents();
    const QPixmap shot = grab();
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
        shownConfig_ = clwb::parseRunConfig(run->configJson).config;
        shownRunId_ = id;
        charts_->clear();
        charts_->handleEvents(events);
        charts_->setRunTitle(tr("Run %1: %2 — %3 (%4)")
                                 .arg(id)
                                 .arg(QString::fromStdString(run->name),
                                      strategyName(run->strategy),
                                      RunsTableModel::statusText(run->status)));
        centralTabs_->setCurrentWidget(chartsScroll_);
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
            runs.push_back({tr("#%1 %2").arg(id).arg(strategyName(run->strategy)),
                            clwb::replayRun(*store, id)});
        }
    } catch (const std::exception& e) {
        reportProblem(tr("Cannot compare runs"), QString::fromUtf8(e.what()));
        return;
    }
    comparison_->setRuns(runs);
    centralTabs_->setCurrentWidget(comparison_);
}

void MainWindow::exportCsv()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export matrix and metrics"),
        settings.value(QStringLiteral("lastDirectory")).toString(), tr("CSV files (*.csv)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".csv"))) file += QStringLiteral(".csv");
    if (!writeCsv(file))
        reportProblem(tr("Cannot write CSV"), file);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
}

bool MainWindow::writeCsv(const QString& file)
{
    std::vector<std::pair<QString, double>> metrics;
    for (const auto& key : MetricsPanel::keys())
        metrics.emplace_back(QString::fromStdString(key), charts_->metrics()->value(key));
    return report_writer::writeCsv(file, charts_->matrix()->rows(), charts_->matrix()->initialRow(),
                                   metrics);
}

void MainWindow::exportReport()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export PDF report"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("PDF files (*.pdf)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".pdf"))) file += QStringLiteral(".pdf");
    if (writeReport(file))
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
    else
        reportProblem(tr("Cannot write PDF"), file);
}

bool MainWindow::writeReport(const QString& file)
{
    const clwb::RunConfig& c = shownConfig_;
    report_writer::Report r;
    r.title = charts_->runTitle().isEmpty() ? tr("CL Workbench run") : charts_->runTitle();
    r.subtitle = QLocale().toString(QDateTime::currentDateTime(), QLocale::LongFormat);
    QStringList tasks;
    for (const auto& t : clwb::resolvedTasks(c)) {
        QStringList ids;
        for (int k : t.classes) ids << QString::number(k);
        tasks << QStringLiteral("{%1}").arg(ids.join(QLatin1Char(',')));
    }
    QStringList params;
    for (const auto& [k, v] : c.params)
        params << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(v);
    r.config = {
        {tr("Strategy"), strategyName(c.strategy)},
        {tr("Parameters"), params.isEmpty() ? tr("(none)") : params.join(QStringLiteral(", "))},
        {tr("Dataset"), QString::fromStdString(c.data.dataset + " / " + c.data.scenario)},
        {tr("Tasks"), tasks.join(QLatin1Char(' '))},
        {tr("Backbone"), QString::fromStdString(c.model.backbone)},
        {tr("Model"), tr("ViT dim %1, depth %2, heads %3, patch %4")
                          .arg(c.model.dim)
                          .arg(c.model.depth)
                          .arg(c.model.heads)
                          .arg(c.model.patchSize)},
        {tr("Training"), tr("%1 epoch(s), batch %2, lr %3")
                             .arg(c.train.epochs)
                             .arg(c.train.batchSize)
                             .arg(c.train.lr)},
        {tr("Images per class"),
         c.data.trainPerClass == 0 ? tr("all") : QString::number(c.data.trainPerClass)},
        {tr("Seed"), QString::number(c.seed)},
    };
    MetricsPanel* m = charts_->metrics();
    for (const auto& key : MetricsPanel::keys())
        r.metrics.emplace_back(m->metricLabel(key), m->formattedValue(key, m->value(key)));
    // Small logical size, high scale: the page shrinks the figures, so fonts must start large.
    r.matrix = charts_->matrix()->toPixmap(460, 380, 3.0);
    r.curves = charts_->curves()->toPixmap(460, 380, 3.0);
    r.loss = charts_->loss()->toPixmap(460, 380, 3.0);
    r.importance = charts_->importance()->toPixmap(460, 380, 3.0);
    r.captions = {charts_->matrix()->title(), charts_->curves()->title(), charts_->loss()->title(),
                  charts_->importance()->title()};
    if (ForgettingChart* f = charts_->forgetting(); f->hasData()) {
        r.forgetting = f->toPixmap(900, 360, 3.0);
        r.forgettingCaption = f->title();
        const auto& d = f->decomposition();
        const auto pts = [](double v) { return QLocale().toString(100.0 * v, 'f', 1); };
        for (size_t j = 0; j < d.essential.size(); ++j)
            r.decomposition.emplace_back(
                tr("Task %1").arg(j + 1),
                tr("drop %1 = essential %2 + superficial %3").arg(pts(d.strictDrop[j]), pts(d.essential[j]), pts(d.superficial[j])));
        if (!d.essential.empty())
            r.decomposition.emplace_back(
                tr("Mean"), tr("drop %1 = essential %2 + superficial %3")
                                .arg(pts(d.meanStrictDrop), pts(d.meanEssential), pts(d.meanSuperficial)));
        const auto* table = f->examplesTable();
        for (int i = 0; i < table->rowCount(); ++i)
            r.examples.emplace_back(
                table->item(i, 0)->text() + QStringLiteral(" ") + table->item(i, 1)->text(),
                tr("%1 (expected %2)").arg(table->item(i, 3)->text(), table->item(i, 2)->text()));
    }
    // The run's log file goes beside the PDF, so the report carries its warnings.
    const QString log = shownRunId_ ? runs_->logPath(shownRunId_) : QString();
    return report_writer::writePdf(file, r) && report_writer::copyRunLog(file, log);
}
