// SPDX-License-Identifier: GPL-3.0-or-later
// A study's results table: one row per group, one column per metric, mean ± std over seeds.
#include "panels/study_table_model.h"

#include <QFont>
#include <QLocale>

#include <cmath>
#include <limits>

namespace {

bool isDifference(const std::string& key)
{
    return key == "bwt" || key == "fwt" || key == "forgetting" || key == "forgetting_first" ||
           key == "strict_drop" || key == "essential_forgetting" || key == "superficial_forgetting";
}

bool inAccuracyUnits(const std::string& key)
{
    return isDifference(key) || key == "final_average_accuracy" ||
           key == "average_incremental_accuracy" || key == "plasticity";
}

}  // namespace

StudyTableModel::StudyTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int StudyTableModel::direction(const std::string& key)
{
    // As docs/metrics.md defines them: BWT is negative when tasks are forgotten, so higher is
    // better; both forgetting variants (and the question-answering drops) are losses.
    if (key == "final_average_accuracy" || key == "average_incremental_accuracy" || key == "bwt" ||
        key == "fwt" || key == "plasticity")
        return 1;
    if (key == "forgetting" || key == "forgetting_first" || key == "strict_drop" ||
        key == "essential_forgetting" || key == "superficial_forgetting")
        return -1;
    return 0;
}

QString StudyTableModel::groupName(const clwb::GroupSummary& group)
{
    QString name = QString::fromStdString(group.label);
    if (group.point.empty()) return name;
    QStringList settings;
    for (const auto& [key, value] : group.point)
        settings << QStringLiteral("%1=%2").arg(QString::fromStdString(key),
                                                QString::fromStdString(value));
    return QStringLiteral("%1 (%2)").arg(name, settings.join(QStringLiteral(", ")));
}

QString StudyTableModel::formatted(const std::string& key, const clwb::MeanStd& v)
{
    if (v.n == 0 || std::isnan(v.mean)) return QStringLiteral("—");
    const QLocale locale;
    if (inAccuracyUnits(key)) {
        QString mean = locale.toString(100.0 * v.mean, 'f', 1);
        const QString std = locale.toString(100.0 * v.std, 'f', 1);
        if (!isDifference(key)) return tr("%1 ± %2 %").arg(mean, std);
        if (v.mean > 0) mean.prepend(QLatin1Char('+'));
        return tr("%1 ± %2 pp").arg(mean, std);
    }
    if (key == "trainable_params" || key == "stored_params")
        return locale.toString(qlonglong(std::llround(v.mean)));
    if (key == "wall_seconds")
        return tr("%1 ± %2 s").arg(locale.toString(v.mean, 'g', 3), locale.toString(v.std, 'g', 2));
    return tr("%1 ± %2").arg(locale.toString(v.mean, 'g', 4), locale.toString(v.std, 'g', 2));
}

QString StudyTableModel::shortName(const std::string& key)
{
    if (key == "final_average_accuracy") return tr("A_T");
    if (key == "average_incremental_accuracy") return tr("Ā");
    if (key == "bwt") return tr("BWT");
    if (key == "fwt") return tr("FWT");
    if (key == "forgetting") return tr("Forgetting");
    if (key == "forgetting_first") return tr("Forgetting (first)");
    if (key == "plasticity") return tr("Plasticity");
    if (key == "trainable_params") return tr("Trainable params");
    if (key == "stored_params") return tr("Stored params");
    if (key == "wall_seconds") return tr("Time");
    return QString::fromStdString(key);
}

void StudyTableModel::setSummary(const clwb::StudySummary& summary)
{
    beginResetModel();
    summary_ = summary;
    keys_.clear();
    for (const auto& key : summary_.metricKeys)
        if (key.find('/') == std::string::npos) keys_.push_back(key);  // not the per-task ones
    best_.assign(keys_.size(), {});
    for (size_t c = 0; c < keys_.size(); ++c) {
        const int dir = direction(keys_[c]);
        if (dir == 0) continue;
        double best = std::numeric_limits<double>::quiet_NaN();
        for (const auto& g : summary_.groups) {
            const auto it = g.metrics.find(keys_[c]);
            if (it == g.metrics.end() || it->second.n == 0) continue;
            const double m = it->second.mean;
            if (std::isnan(best) || (dir > 0 ? m > best : m < best)) best = m;
        }
        for (size_t r = 0; r < summary_.groups.size(); ++r) {
            const auto& metrics = summary_.groups[r].metrics;
            const auto it = metrics.find(keys_[c]);
            if (it != metrics.end() && it->second.n > 0 && it->second.mean == best)
                best_[c].insert(int(r));
        }
    }
    endResetModel();
}

void StudyTableModel::retranslate()
{
    if (columnCount() > 0) Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int StudyTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(summary_.groups.size());
}

int StudyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstMetricColumn + int(keys_.size());
}

int StudyTableModel::columnOf(const std::string& key) const
{
    for (size_t c = 0; c < keys_.size(); ++c)
        if (keys_[c] == key) return FirstMetricColumn + int(c);
    return -1;
}

bool StudyTableModel::isBest(int row, int column) const
{
    const int c = column - FirstMetricColumn;
    return c >= 0 && c < int(best_.size()) && best_[size_t(c)].count(row) > 0;
}

QVariant StudyTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const clwb::GroupSummary& g = summary_.groups[size_t(index.row())];
    const int column = index.column();
    if (role == GroupRole) return index.row();
    if (column == NameColumn) {
        if (role == Qt::DisplayRole || role == SortRole) return groupName(g);
        if (role == Qt::ToolTipRole) {
            QStringList runs;
            for (auto id : g.runIds) runs << QString::number(id);
            return tr("Group %1; runs %2")
                .arg(QString::fromStdString(g.key), runs.join(QStringLiteral(", ")));
        }
        return {};
    }
    if (column == SeedsColumn) {
        if (role == Qt::DisplayRole || role == SortRole) return int(g.runIds.size());
        if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole) {
            QStringList seeds;
            for (auto s : g.seeds) seeds << QString::number(s);
            return tr("Seeds: %1").arg(seeds.join(QStringLiteral(", ")));
        }
        return {};
    }
    const size_t c = size_t(column - FirstMetricColumn);
    if (c >= keys_.size()) return {};
    const auto it = g.metrics.find(keys_[c]);
    const clwb::MeanStd v = it == g.metrics.end() ? clwb::MeanStd{0, 0, 0} : it->second;
    switch (role) {
        case Qt::DisplayRole:
            return formatted(keys_[c], v);
        case SortRole:
        case MeanRole:
            // Groups without the metric sort below every value.
            return v.n > 0 && std::isfinite(v.mean) ? v.mean
                                                    : -std::numeric_limits<double>::infinity();
        case StdRole:
            return v.std;
        case Qt::TextAlignmentRole:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::FontRole:
            if (isBest(index.row(), column)) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            return {};
        case Qt::ToolTipRole:
            return v.n == 0   ? QVariant()
                   : v.n == 1 ? QVariant(tr("%1: %2 from one seed")
                                             .arg(shortName(keys_[c]), formatted(keys_[c], v)))
                              : QVariant(tr("%1: %2, mean ± standard deviation over %3 seeds")
                                             .arg(shortName(keys_[c]), formatted(keys_[c], v))
                                             .arg(v.n));
        default:
            return {};
    }
}

QVariant StudyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) return {};
    if (section == NameColumn)
        return role == Qt::DisplayRole ? QVariant(tr("Configuration")) : QVariant();
    if (section == SeedsColumn) {
        if (role == Qt::DisplayRole) return tr("Seeds");
        if (role == Qt::ToolTipRole) return tr("Finished runs averaged (one per seed)");
        return {};
    }
    const size_t c = size_t(section - FirstMetricColumn);
    if (c >= keys_.size()) return {};
    if (role == Qt::DisplayRole) return shortName(keys_[c]);
    if (role == Qt::ToolTipRole) {
        const int dir = direction(keys_[c]);
        const QString better = dir > 0   ? tr("Higher is better; the best mean is bold.")
                               : dir < 0 ? tr("Lower is better; the best mean is bold.")
                                         : QString();
        return QStringLiteral("%1 (%2). %3")
            .arg(shortName(keys_[c]), QString::fromStdString(keys_[c]), better)
            .trimmed();
    }
    return {};
}
