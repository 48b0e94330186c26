// SPDX-License-Identifier: GPL-3.0-or-later
// Accuracy-matrix heatmap R[i][j] that fills cell by cell as tasks are evaluated.
#pragma once

#include <vector>

#include "charts/chart_panel.h"

class QCPColorMap;
class QCPColorScale;
class QCPItemText;

/// Rows: "init" (before training, TaskEvaluated with task -1), then "after task i"; columns:
/// the evaluated task. The numbers are written into the cells; the colour scale is fixed to
/// [0, 1] so matrices of different runs compare.
class AccuracyMatrixChart : public ChartPanel
{
    Q_OBJECT

public:
    explicit AccuracyMatrixChart(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    /// Sets one cell; afterTask -1 is the init row. Resizes on the first call.
    void setCell(int afterTask, int evalTask, double accuracy, int taskCount);
    /// Writes `text` into a set cell in place of its percentage (a study's "52.3\n± 5.5"; lines
    /// may break) and makes `tip` its hover text. The cell font then fits the widest such text.
    void setCellText(int afterTask, int evalTask, const QString& text, const QString& tip);
    /// Hides the init row (matrices averaged over seeds have none).
    void setInitRowShown(bool shown);
    bool initRowShown() const { return initRowShown_; }

    int taskCount() const { return taskCount_; }
    /// Filled cells of the T x T matrix (init row excluded).
    int filledCells() const;
    bool initRowFilled() const;
    /// NaN when the cell is empty; read back from the plotted colour map.
    double cellValue(int afterTask, int evalTask) const;
    /// The hover tip of a cell ("After task 3, task 2: 96.7 %"); empty for an empty cell.
    QString cellTip(int afterTask, int evalTask) const;
    /// Text written into the cell (empty if none).
    QString cellText(int afterTask, int evalTask) const;
    /// Rows as a matrix (NaN = missing); row 0 = after task 0.
    std::vector<std::vector<double>> rows() const;
    std::vector<double> initialRow() const;

protected:
    void retranslateUi() override;
    void beforeReplot() override;

private:
    void resize(int taskCount);
    void updateTicks();

    QCPColorMap* map_;
    QCPColorScale* scale_;
    int taskCount_ = 0;
    bool initRowShown_ = true;
    std::vector<std::vector<QCPItemText*>> labels_;  // [row][col], row 0 = init
    std::vector<std::vector<QString>> tips_;          // custom hover texts, same indexing
};
