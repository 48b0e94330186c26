// SPDX-License-Identifier: GPL-3.0-or-later
// Feature drift: a 2-D PCA of fixed test images' features after each task boundary, coloured by
// class, with the previous boundary's positions faded behind.
#pragma once

#include <QStringList>

#include <vector>

#include "charts/chart_panel.h"

class QLabel;
class BoundarySlider;

/// One projection per boundary (TaskEvaluated events with `drift`, live or replayed; the engine
/// computes the PCA and aligns each boundary to the previous one, so positions compare). The
/// slider picks the boundary; the one before it is drawn faded, so clusters of old classes are
/// seen to move or collapse.
class DriftChart : public ChartPanel
{
    Q_OBJECT

public:
    explicit DriftChart(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    int boundaryCount() const { return int(boundaries_.size()); }
    /// afterTask of the boundary on show (-1 = before training); -2 when none.
    int currentBoundary() const;
    int shownIndex() const { return shown_; }
    void showBoundary(int index);
    int pointCount() const { return int(labels_.size()); }
    /// Points of class `label` drawn for the boundary on show (0 when none).
    int shownPoints(int label) const;
    /// Mean position of class `label` at boundary index `index`; NaN when none.
    QPointF centroid(int index, int label) const;
    QString caption() const;

protected:
    void retranslateUi() override;

private:
    struct Boundary
    {
        int afterTask = -1;
        std::vector<float> xy;  ///< x0, y0, x1, y1, ...
        double explained = 0;
    };

    void rebuildGraphs();
    void updateCaption();

    std::vector<Boundary> boundaries_;     // sorted by afterTask
    std::vector<int> labels_;              // class of each point
    std::vector<std::string> classNames_;  // as the events carry them
    std::vector<int> classes_;  // distinct labels, ascending: one current + one faded graph each
    int shown_ = -1;
    BoundarySlider* slider_;
    QLabel* caption_;
};
