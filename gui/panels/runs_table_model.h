// SPDX-License-Identifier: GPL-3.0-or-later
// Table model over RunStore::listRuns(): one row per stored run.
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "clwb/run_store.h"

class RunsTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn = 0,
        NameColumn,
        StrategyColumn,
        StatusColumn,
        StartedColumn,
        FinalAccuracyColumn,
        BwtColumn,
        CheckpointColumn,  ///< disk use of the run's kept checkpoints (resumable runs)
        TagsColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;  ///< raw value for sorting
    static constexpr int RunIdRole = Qt::UserRole + 2;

    explicit RunsTableModel(QObject* parent = nullptr);

    void setRuns(std::vector<clwb::RunRecord> runs);
    const std::vector<clwb::RunRecord>& runs() const { return runs_; }
    const clwb::RunRecord* runAt(int row) const;
    static QString statusText(clwb::RunStatus status);
    void retranslate();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<clwb::RunRecord> runs_;
};
