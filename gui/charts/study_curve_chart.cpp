// SPDX-License-Identifier: GPL-3.0-or-later
// A study's curves: one line per group, the mean over seeds inside a translucent ±std band.
#include "charts/study_curve_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_palette.h"
#include "qcustomplot.h"

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

StudyCurveChart::StudyCurveChart(Kind kind, QWidget* parent) : ChartPanel(parent), kind_(kind)
{
    // The legend in a row of its own under the plot: group names can be long, and a legend
    // inside the axis rect would hide the curves' ends.
    plot_->plotLayout()->addElement(1, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(1, 0.001);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setWrap(3);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setVisible(false);
    plot_->setAntialiasedElement(QCP::aeFills, true);
    plot_->setAntialiasedElement(QCP::aePlottables, true);
    clear();
    retranslateUi();
}

void StudyCurveChart::retranslateUi()
{
    switch (kind_) {
        case Kind::AverageAccuracy:
            setTitle(tr("Average accuracy A_t after each task (mean ± std over seeds)"));
            plot_->xAxis->setLabel(tr("Tasks learned t"));
            plot_->yAxis->setLabel(tr("A_t (%)"));
            break;
        case Kind::Forgetting:
            setTitle(tr("Forgetting after each task (mean ± std over seeds)"));
            plot_->xAxis->setLabel(tr("Tasks learned t"));
            plot_->yAxis->setLabel(tr("Forgetting (pp)"));
            break;
        case Kind::Axis:
            setTitle(tr("A_T by %1 (mean ± std over seeds)").arg(axisName_));
            plot_->xAxis->setLabel(axisName_);
            plot_->yAxis->setLabel(tr("A_T (%)"));
            break;
    }
}

void StudyCurveChart::setAxisName(const QString& axis)
{
    axisName_ = axis;
    retranslateUi();
}

void StudyCurveChart::clear()
{
    plot_->clearGraphs();
    lines_.clear();
    xLabels_.clear();
    plot_->legend->setVisible(false);
    updateRanges();
    requestReplot();
}

void StudyCurveChart::setLines(const QStringList& xLabels, const std::vector<Line>& lines)
{
    clear();
    xLabels_ = xLabels;
    for (size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        const QColor colour = chart_palette::taskColor(int(i));
        QColor fill = colour;
        fill.setAlpha(45);
        // The band first, so the mean line is drawn over it.
        QCPGraph* lower = plot_->addGraph();
        QCPGraph* upper = plot_->addGraph();
        QCPGraph* mean = plot_->addGraph();
        for (QCPGraph* band : {lower, upper}) {
            band->setPen(Qt::NoPen);
            band->removeFromLegend();
        }
        upper->setBrush(fill);
        upper->setChannelFillGraph(lower);
        mean->setPen(QPen(colour, 2));
        mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 6));
        mean->setName(line.name);
        for (size_t k = 0; k < line.mean.size(); ++k) {
            const double m = line.mean[k];
            if (!std::isfinite(m)) continue;  // a gap: the line joins its neighbours
            const double s = k < line.std.size() && std::isfinite(line.std[k]) ? line.std[k] : 0.0;
            mean->addData(double(k), m);
            lower->addData(double(k), m - s);
            upper->addData(double(k), m + s);
        }
        lines_.push_back({mean, lower, upper});
    }
    plot_->legend->setVisible(!lines_.empty());
    updateRanges();
    requestReplot();
}

void StudyCurveChart::updateRanges()
{
    const int n = int(xLabels_.size());
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int k = 0; k < n; ++k) ticker->addTick(k, xLabels_[k]);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.4, std::max(0, n - 1) + 0.4);
    if (kind_ != Kind::Forgetting) {
        plot_->yAxis->setRange(0.0, 100.0);  // accuracies of different studies compare at a glance
        return;
    }
    // Forgetting: from 0 (or below, when a task improved) to the highest band with a margin.
    double lo = 0.0, hi = 10.0;
    for (const Graphs& g : lines_) {
        for (auto it = g.lower->data()->constBegin(); it != g.lower->data()->constEnd(); ++it)
            lo = std::min(lo, it->value);
        for (auto it = g.upper->data()->constBegin(); it != g.upper->data()->constEnd(); ++it)
            hi = std::max(hi, it->value);
    }
    plot_->yAxis->setRange(lo < 0 ? lo * 1.1 : 0.0, hi * 1.1);
}

void StudyCurveChart::beforeReplot()
{
    if (lines_.empty()) return;
    const QFontMetrics metrics(plot_->legend->font());
    int widest = 0;
    for (const Graphs& g : lines_)
        widest = std::max(widest, metrics.horizontalAdvance(g.mean->name()));
    // The item's icon, its gap and the legend's margins come on top of the text.
    const int item =
        widest + plot_->legend->iconSize().width() + plot_->legend->iconTextPadding() + 16;
    const int wrap = std::clamp(plot_->viewport().width() / std::max(1, item), 1, 4);
    if (wrap == plot_->legend->wrap()) return;
    plot_->legend->setWrap(wrap);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst, true);  // rearranges the items
}

QString StudyCurveChart::lineName(int line) const
{
    return line >= 0 && line < lineCount() ? lines_[size_t(line)].mean->name() : QString();
}

QColor StudyCurveChart::lineColor(int line) const
{
    return line >= 0 && line < lineCount() ? lines_[size_t(line)].mean->pen().color() : QColor();
}

double StudyCurveChart::valueAt(const QCPGraph* graph, int k)
{
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        if (it->key == double(k)) return it->value;
    return kNaN;
}

double StudyCurveChart::plottedMean(int line, int k) const
{
    return line >= 0 && line < lineCount() ? valueAt(lines_[size_t(line)].mean, k) : kNaN;
}

double StudyCurveChart::bandLower(int line, int k) const
{
    return line >= 0 && line < lineCount() ? valueAt(lines_[size_t(line)].lower, k) : kNaN;
}

double StudyCurveChart::bandUpper(int line, int k) const
{
    return line >= 0 && line < lineCount() ? valueAt(lines_[size_t(line)].upper, k) : kNaN;
}

bool StudyCurveChart::bandFilled(int line) const
{
    if (line < 0 || line >= lineCount()) return false;
    const Graphs& g = lines_[size_t(line)];
    return g.upper->channelFillGraph() == g.lower && g.upper->brush().style() != Qt::NoBrush &&
           g.upper->brush().color().alpha() < 255;
}
