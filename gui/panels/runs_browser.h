// SPDX-License-Identifier: GPL-3.0-or-later
// Browser over the run database: list, open, compare, rename, tag and delete runs, open their logs.
#pragma once

#include <QList>
#include <QWidget>

#include <memory>

#include "clwb/run_store.h"

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class RunsTableModel;

/// Uses its own RunStore on the GUI thread (one per thread; the worker has another one).
class RunsBrowser : public QWidget
{
    Q_OBJECT

public:
    explicit RunsBrowser(QWidget* parent = nullptr);
    ~RunsBrowser() override;

    /// Opens (creating if needed) a database; false with a message shown on failure.
    bool setDatabasePath(const QString& path);
    QString databasePath() const { return path_; }
    clwb::RunStore* store() const { return store_.get(); }

    QList<qint64> selectedRunIds() const;
    void selectRuns(const QList<qint64>& ids);
    RunsTableModel* model() const { return model_; }
    QTableView* view() const { return view_; }

    // Non-interactive edits (the buttons ask first, then call these).
    bool renameRun(qint64 id, const QString& name);
    bool setRunTags(qint64 id, const QString& tags);
    /// Refuses running runs; returns how many were deleted (their log files too).
    int deleteRuns(const QList<qint64>& ids);
    /// The run's log file beside the database (clwb::runLogPath); it may not exist.
    QString logPath(qint64 id) const;
    /// The run stopped (cancelled, failed, interrupted) and can continue (RunStore::resumability).
    bool canResume(qint64 id) const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void openRunRequested(qint64 id);
    void compareRequested(const QList<qint64>& ids);
    /// The selected runs as a study: grouped (by study group, else by name), mean ± std.
    void studyComparisonRequested(const QList<qint64>& ids);
    /// Presentation mode on one run, or on two side by side.
    void presentRequested(const QList<qint64>& ids);
    /// Continue the run from its last checkpoint (enabled for one stopped run that can).
    void resumeRequested(qint64 id);
    void databaseChanged(const QString& path);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void updateButtons();
    void askRename();
    void askTags();
    void askDelete();
    void askOpenDatabase();

    QString path_;
    std::unique_ptr<clwb::RunStore> store_;
    RunsTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    QLabel* pathLabel_;
    QPushButton* refreshButton_;
    QPushButton* openButton_;
    QPushButton* openLogButton_;
    QPushButton* compareButton_;
    QPushButton* studyButton_;
    QPushButton* presentButton_;
    QPushButton* resumeButton_;
    QPushButton* renameButton_;
    QPushButton* tagsButton_;
    QPushButton* deleteButton_;
    QPushButton* databaseButton_;
};
