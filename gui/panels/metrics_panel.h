// SPDX-License-Identifier: GPL-3.0-or-later
// Continual-learning metrics table (A_T, Ā, BWT, FWT, forgetting, plasticity) with explanations.
#pragma once

#include <QStringList>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "clwb/metrics.h"
#include "clwb/run_event.h"

class QLabel;
class QTableWidget;

/// Live: recomputed with clwb::computeMetrics over the matrix rows so far (leading k x k block),
/// replaced by the engine's final values on Finished. Comparison: one column per run.
class MetricsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit MetricsPanel(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event);
    void clear();
    /// One column per run (comparison view); values keyed as in clwb::metricsAsList.
    void setColumns(const QStringList& names,
                    const std::vector<std::map<std::string, double>>& values);

    /// Keys in display order (clwb::metricsAsList order).
    static std::vector<std::string> keys();
    /// Value shown in `column` for `key`; NaN if empty.
    double value(const std::string& key, int column = 0) const;
    bool isFinal() const { return final_; }
    QString metricLabel(const std::string& key) const;
    QString formattedValue(const std::string& key, double v) const;
    QTableWidget* table() const { return table_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void showValues(const std::map<std::string, double>& values);
    void recompute();
    QString tooltip(const std::string& key) const;

    QLabel* status_;
    QTableWidget* table_;
    QStringList columnNames_;
    std::vector<std::map<std::string, double>> columns_;
    clwb::AccuracyMatrix rows_;
    std::vector<double> initial_;
    int taskCount_ = 0;
    bool final_ = false;
};
