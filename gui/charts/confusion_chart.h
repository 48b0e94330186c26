// SPDX-License-Identifier: GPL-3.0-or-later
// "Where the old classes went": the class-by-class confusion matrix after each task boundary.
#pragma once

#include <QStringList>

#include <vector>

#include "charts/chart_panel.h"
#include "clwb/confusion.h"

class QCPColorMap;
class QCPColorScale;
class QLabel;
class QMouseEvent;
class BoundarySlider;

/// One confusion matrix per evaluated boundary (TaskEvaluated events, live or replayed), rows =
/// true class, columns = predicted class, both grouped by the task that introduces them; the
/// colour is the share of the row's test images. The slider picks the boundary; the caption
/// reads it in words (clwb::readConfusion): which earlier task lost most of its images to the
/// newest task's classes.
class ConfusionChart : public ChartPanel
{
    Q_OBJECT

public:
    explicit ConfusionChart(QWidget* parent = nullptr);
    ~ConfusionChart() override;

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    int boundaryCount() const { return int(boundaries_.size()); }
    /// afterTask of the boundary on show (-1 = before training); -2 when none.
    int currentBoundary() const;
    /// Index of the boundary on show (the slider's value); -1 when none.
    int shownIndex() const { return shown_; }
    void showBoundary(int index);
    int classCount() const { return int(classTask_.size()); }
    /// Share of class `trueClass`'s test images predicted as `predicted` at the boundary on show;
    /// NaN when nothing is shown or the class has no test images.
    double cellShare(int trueClass, int predicted) const;
    /// The caption under the matrix.
    QString reading() const;
    /// The caption's sentence for a reading (empty before task 2), translated.
    static QString readingText(const clwb::ConfusionReading& reading);

protected:
    void retranslateUi() override;

private:
    struct Boundary
    {
        int afterTask = -1;
        std::vector<std::int64_t> counts;
    };

    void rebuildAxes();
    void fitCellTexts();
    void showCellTip(QMouseEvent* event);
    void updateCaption();

    std::vector<Boundary> boundaries_;  // sorted by afterTask
    std::vector<int> classTask_;
    std::vector<std::string> rawNames_;  // as the events carry them
    QStringList classNames_;             // as the window shows them (TaskTableModel::runClassNames)
    std::vector<int> order_;             // class ids in display order: by task, then id
    int shown_ = -1;
    BoundarySlider* slider_;
    QLabel* caption_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
};
