// SPDX-License-Identifier: GPL-3.0-or-later
// A study's results table: one row per group, one column per metric, mean ± std over seeds.
#pragma once

#include <QAbstractTableModel>

#include <set>
#include <string>
#include <vector>

#include "clwb/study_summary.h"

/// Columns: the configuration (label and grid point), the number of seeds averaged, then every
/// summary metric the runs stored (per-task ones left out), in the study summary's order.
/// Accuracy metrics are in % and differences in pp, as in the metrics panel. The best mean of
/// each column with a direction (docs/metrics.md: higher A_T, Ā, BWT, FWT and plasticity,
/// lower forgetting) is bold. SortRole sorts by the mean.
class StudyTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn = 0, SeedsColumn = 1, FirstMetricColumn = 2 };
    enum Role { SortRole = Qt::UserRole + 1, MeanRole, StdRole, GroupRole };

    explicit StudyTableModel(QObject* parent = nullptr);

    void setSummary(const clwb::StudySummary& summary);
    /// Headers follow the language (call on LanguageChange).
    void retranslate();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const std::vector<std::string>& metricKeys() const { return keys_; }
    /// The column of a metric; -1 when the table has none.
    int columnOf(const std::string& key) const;
    /// The cell holds its column's best mean.
    bool isBest(int row, int column) const;

    /// +1 when higher is better, -1 when lower is, 0 when neither (parameter counts, time).
    static int direction(const std::string& key);
    /// "ewc (params.lambda=100, train.lr=0.001)": a group as tables and legends name it.
    static QString groupName(const clwb::GroupSummary& group);
    /// "52.3 ± 5.5 %", "−3.1 ± 0.4 pp", "26,922": a metric's mean ± std in the panel's units.
    static QString formatted(const std::string& key, const clwb::MeanStd& value);
    /// The short column header of a metric ("A_T", "BWT", ...).
    static QString shortName(const std::string& key);

private:
    clwb::StudySummary summary_;
    std::vector<std::string> keys_;
    std::vector<std::set<int>> best_;  ///< per metric column: the rows holding its best mean
};
