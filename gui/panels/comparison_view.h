// SPDX-License-Identifier: GPL-3.0-or-later
// Side-by-side comparison of stored runs: matrices, overlaid loss curves, metrics table.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

#include "clwb/run_event.h"

class AccuracyMatrixChart;
class LossChart;
class MetricsPanel;
class QHBoxLayout;
class QLabel;

class ComparisonView : public QWidget
{
    Q_OBJECT

public:
    struct Run
    {
        QString name;
        std::vector<clwb::RunEvent> events;  ///< from run_replay::eventsFromStore
    };

    explicit ComparisonView(QWidget* parent = nullptr);
    void setRuns(const std::vector<Run>& runs);
    int runCount() const { return int(matrices_.size()); }
    AccuracyMatrixChart* matrix(int i) const { return matrices_.at(size_t(i)); }
    LossChart* loss() const { return loss_; }
    MetricsPanel* metrics() const { return metrics_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* hint_;
    QHBoxLayout* matrixRow_;
    std::vector<AccuracyMatrixChart*> matrices_;
    LossChart* loss_;
    MetricsPanel* metrics_;
};
