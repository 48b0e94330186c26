// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench window: designer dock, live charts, log/queue/runs docks, run control.
#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QThread>

#include <deque>

#include "clwb/run_config.h"
#include "clwb/run_event.h"
#include "run_queue.h"
#include "panels/presentation_view.h"
#include "worker/meta_types.h"

class ChartArea;
class ComparisonView;
class ExperimentPanel;
class LogPanel;
class PresentationView;
class PreviewStrip;
class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QScrollArea;
class QTabWidget;
class QToolBar;
class RunsBrowser;
class StudiesDock;
class StudyDialog;
class StudyView;
class TrainingWorker;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    static constexpr int kLayoutVersion = 1;

    /// `dbPath` empty = RunStore::defaultPath().
    explicit MainWindow(const QString& dbPath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Loads an experiment JSON; errors go to a message box (or the log when non-interactive).
    bool loadExperiment(const QString& file);
    /// Validates the designer's batch and starts it; false if validation failed or busy.
    bool startExperiment();
    void stopExperiment();
    /// The bundled demo experiment, started at once.
    bool runDemo();
    /// A batch is being checked or run.
    bool isRunning() const { return running_ || checking_; }

    /// After the batch ends: grab the window into `file`; then quit if `quit`.
    void setScreenshotOnFinish(const QString& file, bool quit);
    /// No modal dialogs (command-line runs); problems go to the log and stderr.
    void setInteractive(bool interactive) { interactive_ = interactive; }
    void setLanguage(const QString& code);

    QString databasePath() const { return dbPath_; }
    ExperimentPanel* experimentPanel() const { return experiment_; }
    ChartArea* chartArea() const { return charts_; }
    /// Brings the prediction gallery's tab to the front.
    void showGallery();
    ComparisonView* comparisonView() const { return comparison_; }
    PreviewStrip* previewStrip() const { return preview_; }
    RunsBrowser* runsBrowser() const { return runs_; }
    LogPanel* logPanel() const { return log_; }
    QListWidget* queueView() const { return queueView_; }
    QAction* startAction() const { return startAction_; }
    QAction* stopAction() const { return stopAction_; }
    /// Last finished/cancelled/failed run's status and id (tests).
    clwb::RunStatus lastStatus() const { return lastStatus_; }
    qint64 lastRunId() const { return lastRunId_; }

    /// Non-interactive exports of the run on show.
    bool writeReport(const QString& file);
    bool writeCsv(const QString& file);
    /// After the batch ends (before the screenshot): write a PDF report to `file`.
    void setReportOnFinish(const QString& file) { reportFile_ = file; }

    void openStoredRun(qint64 id);
    /// Continues a stopped stored run from its last checkpoint in its own row (Resume in the
    /// runs browser); the part already done is drawn from the database first. False (with a
    /// message) when it cannot resume.
    bool resumeStoredRun(qint64 id);
    void compareStoredRuns(const QList<qint64>& ids);

    /// View → Present: the runs being compared (the first two), else the run on show, live or
    /// stored, full screen (main_window_present.cpp). False when there is nothing to present.
    bool present();
    /// Presents one stored run, or two side by side.
    bool presentRuns(const QList<qint64>& ids);
    /// The open presentation, or null.
    PresentationView* presentation() const { return presentation_; }

    // Studies (main_window_study.cpp).
    StudyView* studyView() const { return studyView_; }
    StudiesDock* studiesDock() const { return studies_; }
    /// The Study tab on study `id` of the database; false (with the problem shown) if it cannot.
    bool openStudy(qint64 id);
    /// The Study tab on any stored runs, grouped by study group or run name.
    bool showStudyOfRuns(const QList<qint64>& ids);
    /// Run → New Study…: a dialog on the designer's experiment (not yet shown).
    StudyDialog* createStudyDialog();
    /// Opens that dialog (window-modal); OK starts the study.
    void newStudy();
    /// Starts the study the accepted dialog wrote (clwb-run study …, followed by the dock).
    bool startStudy(const StudyDialog& dialog);
    /// Brings the Studies dock to the front.
    void showStudiesDock();

Q_SIGNALS:
    /// Internal: hands a config to the worker thread (queued).
    void startRequested(const clwb::RunConfig& config);
    /// Internal: hands a stored run to the worker to resume (queued).
    void resumeRequested(qint64 runId);
    /// The whole batch ended (finished, cancelled or failed).
    void batchFinished();

protected:
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void showRunViews();
    void createActions();
    void createMenus();
    void createDocks();
    void retranslateUi();
    void readSettings();
    void writeSettings();
    void updateActions();
    void updateUndoTexts();
    void updateTitle();
    void updateRecentMenu();
    void addRecentFile(const QString& file);

    void startNext();
    /// Starts the checked batch (startExperiment validates it on a pool thread first).
    void startBatch(const std::vector<clwb::RunConfig>& configs);
    void onRunEvent(const clwb::RunEvent& event);
    void onRunFinished(clwb::RunStatus status, const QString& message, qint64 runId);
    void finishBatch();
    void refreshQueueView();
    void takeScreenshot();
    void reportProblem(const QString& title, const QString& text);
    void showPresentation(std::vector<PresentationView::Run> runs);
    /// A resumed run's stored part (up to its checkpoint) into the charts, before it goes on.
    void drawStoredPart(qint64 id);
    /// Keeps what presentation mode needs of the live run and passes it on (lane 0).
    void presentLiveEvent(const clwb::RunEvent& event);

    void openExperimentDialog();
    bool saveExperiment();
    bool saveExperimentAs();
    bool writeExperiment(const QString& file);
    void exportCsv();
    void exportReport();
    bool maybeSave();
    void setDatabase(const QString& path);
    void createStudyViews();

    QString dbPath_;
    QString currentFile_;
    bool interactive_ = true;
    QString screenshotFile_;
    QString reportFile_;
    clwb::RunConfig shownConfig_;  // config of the run on show (live or stored)
    qint64 shownRunId_ = 0;        // its id; 0 while a live run has not ended
    bool quitWhenDone_ = false;
    QPointer<PresentationView> presentation_;
    std::vector<clwb::RunEvent> liveEvents_;  ///< the live run's events presentation mode draws
    QString liveStrategy_;                    ///< its strategy id
    QList<qint64> comparedIds_;               ///< the runs in the Comparison tab

    QThread workerThread_;
    TrainingWorker* worker_ = nullptr;
    RunQueue queue_;
    bool running_ = false;
    bool checking_ = false;       ///< a batch is being validated before it starts
    bool checkCancelled_ = false;  ///< Stop pressed while checking: do not start it
    clwb::RunStatus lastStatus_ = clwb::RunStatus::Running;
    qint64 lastRunId_ = 0;
    int taskCount_ = 0;

    ExperimentPanel* experiment_;
    QScrollArea* chartsScroll_ = nullptr;
    ChartArea* charts_;
    ComparisonView* comparison_;
    PreviewStrip* preview_;
    QTabWidget* centralTabs_;
    LogPanel* log_;
    QListWidget* queueView_;
    RunsBrowser* runs_;
    StudyView* studyView_ = nullptr;
    StudiesDock* studies_ = nullptr;
    QDockWidget* studiesDock_ = nullptr;
    QDockWidget* experimentDock_;
    QDockWidget* logDock_;
    QDockWidget* queueDock_;
    QDockWidget* runsDock_;
    QToolBar* toolBar_;
    QProgressBar* progress_;
    QLabel* progressLabel_;

    QMenu* fileMenu_;
    QMenu* recentMenu_;
    QMenu* exportMenu_;
    QMenu* editMenu_;
    QMenu* runMenu_;
    QMenu* viewMenu_;
    QMenu* languageMenu_;
    QMenu* helpMenu_;
    QAction* newAction_;
    QAction* openAction_;
    QAction* saveAction_;
    QAction* saveAsAction_;
    QAction* openDbAction_;
    QAction* exportCsvAction_;
    QAction* exportReportAction_;
    QAction* exportPngAction_;
    QAction* quitAction_;
    QAction* undoAction_;
    QAction* redoAction_;
    QAction* startAction_;
    QAction* stopAction_;
    QAction* demoAction_;
    QAction* newStudyAction_;
    QAction* resetLayoutAction_;
    QAction* presentAction_;
    QAction* aboutAction_;
    QActionGroup* languageGroup_;
    QActionGroup* appearanceGroup_;
    QMenu* appearanceMenu_;
    QByteArray defaultState_;
};
