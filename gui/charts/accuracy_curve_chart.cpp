// SPDX-License-Identifier: GPL-3.0-or-later
// Live per-task accuracy over training steps, with dashed lines at task boundaries.
#include "charts/accuracy_curve_chart.h"

#include "charts/chart_palette.h"
#include "qcustomplot.h"

AccuracyCurveChart::AccuracyCurveChart(QWidget* parent) : ChartPanel(parent)
{
    plot_->yAxis->setRange(0.0, 1.0);
    plot_->xAxis->setRange(0.0, 1.0);
    // Legend in its own column so it never hides a curve.
    plot_->legend->setVisible(true);
    plot_->plotLayout()->addElement(0, 1, plot_->legend);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foRowsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setVisible(false);
    retranslateUi();
}

void AccuracyCurveChart::retranslateUi()
{
    setTitle(tr("Accuracy per task"));
    plot_->xAxis->setLabel(tr("Training step"));
    plot_->yAxis->setLabel(tr("Accuracy"));
    for (int j = 0; j < plot_->graphCount(); ++j)
        plot_->graph(j)->setName(tr("Task %1").arg(j + 1));
}

void AccuracyCurveChart::clear()
{
    plot_->clearGraphs();
    plot_->clearItems();
    plot_->legend->setVisible(false);
    plot_->xAxis->setRange(0.0, 1.0);
    currentTask_ = -1;
    lastStep_ = 0;
    boundaries_.clear();
    requestReplot();
}

void AccuracyCurveChart::ensureGraphs(int upToTask)
{
    while (plot_->graphCount() <= upToTask) {
        const int j = plot_->graphCount();
        QCPGraph* g = plot_->addGraph();
        g->setPen(QPen(chart_palette::taskColor(j), 1.5));
        g->setName(tr("Task %1").arg(j + 1));
        plot_->legend->setVisible(true);
    }
}

void AccuracyCurveChart::noteTask(int task, double step)
{
    if (task > currentTask_) {
        if (currentTask_ >= 0) {
            // The previous task's last step is the boundary.
            auto* line = new QCPItemStraightLine(plot_);
            line->point1->setCoords(lastStep_, 0.0);
            line->point2->setCoords(lastStep_, 1.0);
            line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
            boundaries_.push_back(lastStep_);
        }
        currentTask_ = task;
    }
    lastStep_ = step;
}

void AccuracyCurveChart::handleEvent(const clwb::RunEvent& event)
{
    using Kind = clwb::RunEvent::Kind;
    switch (event.kind) {
        case Kind::Started:
            if (event.total > 0) plot_->xAxis->setRange(0.0, double(event.total));
            requestReplot();
            break;
        case Kind::Step:
            noteTask(event.task, double(event.step));
            break;
        case Kind::Curve: {
            if (event.task < 0) break;
            noteTask(event.task, double(event.step));
            const int shown = std::min<int>(event.task, int(event.values.size()) - 1);
            ensureGraphs(shown);
            for (int j = 0; j <= shown; ++j)
                plot_->graph(j)->addData(double(event.step), event.values[size_t(j)]);
            if (double(event.step) > plot_->xAxis->range().upper)
                plot_->xAxis->setRangeUpper(double(event.step));
            requestReplot();
            break;
        }
        default:
            break;
    }
}

int AccuracyCurveChart::visibleTaskCount() const
{
    return plot_->graphCount();
}

int AccuracyCurveChart::pointCount(int task) const
{
    return task >= 0 && task < plot_->graphCount() ? plot_->graph(task)->dataCount() : 0;
}
