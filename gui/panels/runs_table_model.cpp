// SPDX-License-Identifier: GPL-3.0-or-later
// Table model over RunStore::listRuns(): one row per stored run.
#include "panels/runs_table_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <cmath>

namespace {

double metric(const clwb::RunRecord& r, const char* key)
{
    const auto it = r.metrics.find(key);
    return it == r.metrics.end() ? std::nan("") : it->second;
}

}  // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<clwb::RunRecord> runs)
{
    beginResetModel();
    runs_ = std::move(runs);
    endResetModel();
}

const clwb::RunRecord* RunsTableModel::runAt(int row) const
{
    return row >= 0 && row < int(runs_.size()) ? &runs_[size_t(row)] : nullptr;
}

QString RunsTableModel::statusText(clwb::RunStatus status)
{
    switch (status) {
        case clwb::RunStatus::Running:
            return tr("running");
        case clwb::RunStatus::Finished:
            return tr("finished");
        case clwb::RunStatus::Cancelled:
            return tr("cancelled");
        case clwb::RunStatus::Failed:
            return tr("failed");
        case clwb::RunStatus::Interrupted:
            return tr("interrupted");
    }
    return {};
}

void RunsTableModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    if (!runs_.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int RunsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(runs_.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const clwb::RunRecord& r = runs_[size_t(index.row())];
    if (role == RunIdRole) return qint64(r.id);
    const QDateTime started =
        QDateTime::fromString(QString::fromStdString(r.startedAt), Qt::ISODate).toLocalTime();
    if (role == SortRole) {
        switch (index.column()) {
            case IdColumn:
                return qint64(r.id);
            case StartedColumn:
                return started;
            case FinalAccuracyColumn:
                return metric(r, "final_average_accuracy");
            case BwtColumn:
                return metric(r, "bwt");
            case CheckpointColumn:
                return qint64(r.checkpointBytes);
            default:
                return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
            case IdColumn:
                return qint64(r.id);
            case NameColumn:
                return QString::fromStdString(r.name);
            case StrategyColumn:
                return QString::fromStdString(r.strategy);
            case StatusColumn:
                return statusText(r.status);
            case StartedColumn:
                return started.isValid() ? QLocale().toString(started, QLocale::ShortFormat)
                                         : QString::fromStdString(r.startedAt);
            case FinalAccuracyColumn:
            case BwtColumn: {
                const double v =
                    metric(r, index.column() == BwtColumn ? "bwt" : "final_average_accuracy");
                return std::isnan(v) ? QString() : QLocale().toString(v * 100.0, 'f', 1);
            }
            case CheckpointColumn:
                return r.checkpointBytes > 0
                           ? QLocale().formattedDataSize(r.checkpointBytes, 1,
                                                         QLocale::DataSizeTraditionalFormat)
                           : QString();
            case TagsColumn:
                return QString::fromStdString(r.tags);
            default:
                return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == FinalAccuracyColumn || index.column() == BwtColumn ||
         index.column() == IdColumn || index.column() == CheckpointColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        if (r.status == clwb::RunStatus::Failed) return QBrush(QColor(192, 57, 43));
        if (r.status == clwb::RunStatus::Running) return QBrush(QColor(0, 114, 178));
    }
    if (role == Qt::ToolTipRole && index.column() == CheckpointColumn && r.checkpointTask >= 0 &&
        !r.checkpointPath.empty())
        return tr("Checkpoint after task %1 (step %2): %3")
            .arg(r.checkpointTask + 1)
            .arg(r.checkpointStep)
            .arg(QString::fromStdString(r.checkpointPath));
    if (role == Qt::ToolTipRole && !r.message.empty()) return QString::fromStdString(r.message);
    return {};
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case IdColumn:
            return tr("ID");
        case NameColumn:
            return tr("Name");
        case StrategyColumn:
            return tr("Strategy");
        case StatusColumn:
            return tr("Status");
        case StartedColumn:
            return tr("Started");
        case FinalAccuracyColumn:
            return tr("A_T (%)");
        case BwtColumn:
            return tr("BWT (pp)");
        case CheckpointColumn:
            return tr("Checkpoint");
        case TagsColumn:
            return tr("Tags");
        default:
            return {};
    }
}
