// SPDX-License-Identifier: GPL-3.0-or-later
// A study's curves: one line per group, the mean over seeds inside a translucent ±std band.
#pragma once

#include <QStringList>

#include <vector>

#include "charts/chart_panel.h"

class QCPGraph;

/// What the chart plots decides its title, axis labels and y range: A_t after each task
/// (the standard continual-learning figure), forgetting after each task, or A_T against the
/// values of one grid axis. Values are in points (accuracy × 100), as the study table shows them.
class StudyCurveChart : public ChartPanel
{
    Q_OBJECT

public:
    enum class Kind { AverageAccuracy, Forgetting, Axis };

    struct Line
    {
        QString name;
        std::vector<double> mean;  ///< per x position; NaN = no value there
        std::vector<double> std;
    };

    explicit StudyCurveChart(Kind kind, QWidget* parent = nullptr);

    /// Study charts are fed with a summary, not with run events.
    void handleEvent(const clwb::RunEvent&) override {}
    void clear() override;
    /// Lines at x positions 0..n-1, labelled `xLabels` on the x axis.
    void setLines(const QStringList& xLabels, const std::vector<Line>& lines);
    /// Kind::Axis: the grid axis the x positions are values of ("train.lr").
    void setAxisName(const QString& axis);

    Kind kind() const { return kind_; }
    int lineCount() const { return int(lines_.size()); }
    QString lineName(int line) const;
    QColor lineColor(int line) const;
    /// What is plotted at x position k (NaN where nothing is): the mean line and the band.
    double plottedMean(int line, int k) const;
    double bandLower(int line, int k) const;
    double bandUpper(int line, int k) const;
    /// The band's fill (translucent line colour) and whether it fills down to its lower graph.
    bool bandFilled(int line) const;
    QStringList xLabels() const { return xLabels_; }

protected:
    void retranslateUi() override;
    /// As many legend columns as the widest name leaves room for.
    void beforeReplot() override;

private:
    struct Graphs
    {
        QCPGraph* mean;
        QCPGraph* lower;
        QCPGraph* upper;
    };
    static double valueAt(const QCPGraph* graph, int k);
    void updateRanges();

    Kind kind_;
    QString axisName_;
    QStringList xLabels_;
    std::vector<Graphs> lines_;
};
