// SPDX-License-Identifier: GPL-3.0-or-later
// The Studies dock: the run database's studies with their progress, and the clwb-run study
// commands (merge, cancel, resubmit) run as child processes whose output goes to the log.
#pragma once

#include <QMap>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <vector>

#include "clwb/run_store.h"

class QLabel;
class QProcess;
class QPushButton;
class QTableWidget;

class StudiesDock : public QWidget
{
    Q_OBJECT

public:
    /// A study's runs by state. A study run in process counts the runs it has not stored yet as
    /// queued (or one running while this window runs it).
    struct Counts
    {
        int queued = 0, running = 0, done = 0, failed = 0, cancelled = 0;
        int total() const { return queued + running + done + failed + cancelled; }
        int ended() const { return done + failed + cancelled; }
    };
    enum Column {
        IdColumn,
        NameColumn,
        ExecutorColumn,
        ProgressColumn,
        QueuedColumn,
        RunningColumn,
        DoneColumn,
        FailedColumn,
        CancelledColumn,
        CreatedColumn,
        ColumnCount
    };
    static constexpr int kRefreshMs = 2000;

    explicit StudiesDock(QWidget* parent = nullptr);
    ~StudiesDock() override;

    /// The run database (the runs browser's store: one per thread) and its file.
    void setStore(clwb::RunStore* store, const QString& databasePath);
    /// clwb-run beside the running executable.
    static QString clwbRunPath();
    /// Empty when clwb-run is there, else what is wrong, for the user.
    static QString clwbRunProblem();

    QTableWidget* view() const { return view_; }
    int studyCount() const { return int(studies_.size()); }
    qint64 studyIdAt(int row) const;
    /// -1 when the study is not listed.
    int rowOf(qint64 studyId) const;
    Counts counts(qint64 studyId) const;
    /// A study is running (queued or running runs, or a process of this window working on it):
    /// the list refreshes itself every kRefreshMs while one is.
    bool isActive() const { return timer_.isActive(); }
    /// A study-status call is under way (tests wait for its answer).
    bool isQuerying() const { return statusProcess_ || !statusQueue_.isEmpty(); }
    qint64 selectedStudyId() const;
    void selectStudy(qint64 studyId);

    /// Starts `clwb-run <arguments>` (a `study FILE …` command); its output goes to message(),
    /// and the list follows the study until the process ends. False if clwb-run is missing.
    bool startStudy(const QStringList& arguments);
    /// Studies started from this window that are still running.
    int runningProcesses() const;

    // What the buttons do, without asking.
    bool mergeStudy(qint64 studyId);
    bool cancelStudy(qint64 studyId);
    bool resubmitStudy(qint64 studyId);
    /// The study's report in the format its suffix names (.csv, .md, .tex, .json).
    bool writeReport(qint64 studyId, const QString& file);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void openStudyRequested(qint64 studyId);
    /// A line for the log: 0 info, 1 warning, 2 error.
    void message(const QString& text, int level);
    /// Runs were merged into the database (the runs browser refreshes).
    void runsChanged();
    /// The list (and any study-status answer) is up to date.
    void refreshed();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Study
    {
        clwb::StudyRecord record;
        Counts counts;
        bool fromStatus = false;  ///< counts from clwb-run study-status
        QString statusProblem;    ///< its last error, if any
    };

    void retranslateUi();
    void updateButtons();
    void updateRow(int row);
    void updateTimer();
    bool active(const Study& s) const;
    Counts countFromStore(const clwb::StudyRecord& record) const;
    void queryStatus(qint64 studyId);
    void nextStatusQuery();
    void statusAnswered(qint64 studyId, QProcess* process);
    /// Runs `clwb-run <arguments>` with its output to the log; refreshes when it ends.
    QProcess* runClwb(const QStringList& arguments, const QString& what);
    void forwardOutput(QProcess* process, bool error);
    const Study* find(qint64 studyId) const;

    void askCancel();
    void askReport();

    clwb::RunStore* store_ = nullptr;
    QString dbPath_;
    std::vector<Study> studies_;
    QList<qint64> statusQueue_;          ///< studies waiting for their study-status
    QProcess* statusProcess_ = nullptr;  ///< the one under way
    qint64 statusStudy_ = 0;             ///< and its study
    QMap<qint64, int> totals_;  ///< runs in a study's expansion (its document does not change)
    /// Study processes this window started, and the study each works on (0 until it says).
    QMap<QProcess*, qint64> studyProcesses_;
    QTimer timer_;

    QLabel* hint_;
    QTableWidget* view_;
    QPushButton* openButton_;
    QPushButton* mergeButton_;
    QPushButton* cancelButton_;
    QPushButton* resubmitButton_;
    QPushButton* reportButton_;
    QPushButton* refreshButton_;
};
