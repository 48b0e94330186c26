// SPDX-License-Identifier: GPL-3.0-or-later
// Live per-task accuracy over training steps, with dashed lines at task boundaries.
#pragma once

#include <vector>

#include "charts/chart_panel.h"

/// One graph per task that has started (Curve events: values[j] = accuracy of task j), y fixed to
/// [0, 1] so runs compare at a glance.
class AccuracyCurveChart : public ChartPanel
{
    Q_OBJECT

public:
    explicit AccuracyCurveChart(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    int visibleTaskCount() const;
    int pointCount(int task) const;
    int boundaryCount() const { return int(boundaries_.size()); }

protected:
    void retranslateUi() override;

private:
    void noteTask(int task, double step);
    void ensureGraphs(int upToTask);

    int currentTask_ = -1;
    double lastStep_ = 0;
    std::vector<double> boundaries_;
};
