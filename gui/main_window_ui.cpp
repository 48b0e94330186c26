// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's actions, menus, docks and their texts (retranslated on a language change).
#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

#include "appearance.h"
#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/confusion_chart.h"
#include "charts/drift_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "clwb/engine.h"
#include "clwb/strategy_info.h"
#include "panels/chart_area.h"
#include "panels/comparison_view.h"
#include "panels/experiment_panel.h"
#include "panels/log_panel.h"
#include "panels/prediction_gallery.h"
#include "panels/preview_strip.h"
#include "panels/runs_browser.h"
#include "strategy_strings.h"
#include "translation_manager.h"

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
                                                             {charts_->importance(), "importance"},
                                                             {charts_->confusion(), "confusion"},
                                                             {charts_->drift(), "feature-drift"}};
        for (const auto& [chart, name] : files)
            chart->savePng(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
        for (int task : charts_->gallery()->tasks())
            charts_->gallery()->savePng(
                QDir(dir).filePath(QStringLiteral("gallery-task-%1.png").arg(task + 1)), task);
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
    presentAction_ = new QAction(this);
    presentAction_->setObjectName(QStringLiteral("presentAction"));
    presentAction_->setShortcut(QKeySequence(Qt::Key_F11));
    connect(presentAction_, &QAction::triggered, this, &MainWindow::present);
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

    appearanceGroup_ = new QActionGroup(this);
    for (auto mode : {appearance::Mode::System, appearance::Mode::Light, appearance::Mode::Dark}) {
        QAction* a = appearanceGroup_->addAction(QString());
        a->setCheckable(true);
        a->setData(appearance::toString(mode));
        a->setChecked(mode == appearance::current());
        connect(a, &QAction::triggered, this, [mode] {
            appearance::apply(mode);
            QSettings().setValue(QStringLiteral("appearance"), appearance::toString(mode));
        });
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
    appearanceMenu_ = new QMenu(this);
    appearanceMenu_->addActions(appearanceGroup_->actions());
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
    viewMenu_->addAction(presentAction_);
    viewMenu_->addSeparator();
    viewMenu_->addAction(resetLayoutAction_);
    viewMenu_->addMenu(languageMenu_);
    viewMenu_->addMenu(appearanceMenu_);
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
    appearanceMenu_->setTitle(tr("&Appearance"));
    const QString appearanceNames[] = {tr("As the &desktop"), tr("&Light"), tr("&Dark")};
    for (int i = 0; i < 3; ++i) appearanceGroup_->actions().at(i)->setText(appearanceNames[i]);
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
    presentAction_->setText(tr("&Present"));
    presentAction_->setStatusTip(
        tr("Tell the run on show (or the two compared) full screen, one task boundary at a time"));
    aboutAction_->setText(tr("&About CL Workbench"));

    centralTabs_->setTabText(centralTabs_->indexOf(chartsScroll_), tr("Current run"));
    centralTabs_->setTabText(centralTabs_->indexOf(charts_->gallery()), tr("Gallery"));
    centralTabs_->setTabText(centralTabs_->indexOf(comparison_), tr("Comparison"));
    centralTabs_->setTabText(centralTabs_->indexOf(preview_), tr("Dataset preview"));
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
