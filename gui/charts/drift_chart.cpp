// SPDX-License-Identifier: GPL-3.0-or-later
// Feature drift: a 2-D PCA of fixed test images' features after each task boundary, coloured by
// class, with the previous boundary's positions faded behind.
#include "charts/drift_chart.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "charts/boundary_slider.h"
#include "charts/chart_palette.h"
#include "panels/task_table_model.h"
#include "qcustomplot.h"

namespace {

constexpr int kFadedAlpha = 55;

}  // namespace

DriftChart::DriftChart(QWidget* parent)
    : ChartPanel(parent), slider_(new BoundarySlider(this)), caption_(new QLabel(this))
{
    caption_->setWordWrap(true);
    mainLayout()->insertWidget(1, caption_);
    mainLayout()->insertWidget(2, slider_);
    connect(slider_, &QSlider::valueChanged, this, &DriftChart::showBoundary);
    plot_->legend->setVisible(false);
    plot_->plotLayout()->addElement(0, 1, plot_->legend);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    plot_->legend->setBorderPen(Qt::NoPen);
    QFont small = plot_->legend->font();
    small.setPointSizeF(std::max(6.5, small.pointSizeF() * 0.8));
    plot_->legend->setFont(small);
    plot_->xAxis->setTickLabels(false);  // PCA axes have no units; positions compare
    plot_->yAxis->setTickLabels(false);
    retranslateUi();
}

void DriftChart::retranslateUi()
{
    setTitle(tr("Feature drift"));
    plot_->xAxis->setLabel(tr("Principal component 1"));
    plot_->yAxis->setLabel(tr("Principal component 2"));
    slider_->setToolTip(tr("Task boundary whose projection is shown (the one before it is faded)"));
    if (!classes_.empty()) rebuildGraphs();
    updateCaption();
}

void DriftChart::clear()
{
    boundaries_.clear();
    labels_.clear();
    classNames_.clear();
    classes_.clear();
    shown_ = -1;
    plot_->clearGraphs();
    plot_->legend->setVisible(false);
    slider_->reset();
    updateCaption();
    requestReplot();
}

void DriftChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::TaskEvaluated || event.drift.empty()) return;
    if (!event.classNames.empty()) classNames_ = event.classNames;
    if (!event.driftLabels.empty() && event.driftLabels != labels_) {
        labels_ = event.driftLabels;
        const std::set<int> distinct(labels_.begin(), labels_.end());
        classes_.assign(distinct.begin(), distinct.end());
        boundaries_.clear();
        shown_ = -1;
        rebuildGraphs();
    }
    if (event.drift.size() != 2 * labels_.size()) return;
    upsertSorted(boundaries_, Boundary{event.task, event.drift, event.driftExplained},
                 [](const Boundary& b) { return b.afterTask; });
    showBoundary(slider_->grow(int(boundaries_.size()), shown_ < 0));
}

void DriftChart::rebuildGraphs()
{
    // Faded graphs first (drawn below), then the current ones, which alone enter the legend.
    plot_->clearGraphs();
    plot_->legend->clearItems();
    const QStringList names = TaskTableModel::runClassNames(classNames_);
    for (int pass = 0; pass < 2; ++pass) {
        const bool faded = pass == 0;
        for (int c : classes_) {
            QCPGraph* g = plot_->addGraph();
            QColor color = chart_palette::taskColor(c);
            if (faded) color.setAlpha(kFadedAlpha);
            g->setLineStyle(QCPGraph::lsNone);
            g->setScatterStyle(
                QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, faded ? 5 : 6));
            g->setPen(QPen(color));
            g->setName(names.value(c, QString::number(c)));
            if (faded) g->removeFromLegend();
        }
    }
    plot_->legend->setVisible(!classes_.empty());
    if (shown_ >= 0) showBoundary(shown_);
}

void DriftChart::showBoundary(int index)
{
    if (index < 0 || index >= int(boundaries_.size())) return;
    shown_ = index;
    slider_->moveTo(index);
    const int n = int(classes_.size());
    if (plot_->graphCount() != 2 * n) return;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    auto fill = [&](int boundary, bool faded) {
        for (int k = 0; k < n; ++k) {
            QVector<double> xs, ys;
            if (boundary >= 0) {
                const auto& xy = boundaries_[size_t(boundary)].xy;
                for (size_t i = 0; i < labels_.size(); ++i) {
                    if (labels_[i] != classes_[size_t(k)]) continue;
                    xs << xy[2 * i];
                    ys << xy[2 * i + 1];
                    lo = std::min({lo, double(xy[2 * i]), double(xy[2 * i + 1])});
                    hi = std::max({hi, double(xy[2 * i]), double(xy[2 * i + 1])});
                }
            }
            plot_->graph(faded ? k : n + k)->setData(xs, ys);
        }
    };
    fill(index - 1, true);
    fill(index, false);
    if (std::isfinite(lo) && hi > lo) {
        // One square range for both axes: distances read the same either way.
        const double pad = 0.05 * (hi - lo);
        plot_->xAxis->setRange(lo - pad, hi + pad);
        plot_->yAxis->setRange(lo - pad, hi + pad);
    }
    updateCaption();
    requestReplot();
}

int DriftChart::currentBoundary() const
{
    return shown_ >= 0 ? boundaries_[size_t(shown_)].afterTask : -2;
}

int DriftChart::shownPoints(int label) const
{
    const auto it = std::find(classes_.begin(), classes_.end(), label);
    if (it == classes_.end() || shown_ < 0) return 0;
    const int k = int(it - classes_.begin());
    return plot_->graph(int(classes_.size()) + k)->dataCount();
}

QPointF DriftChart::centroid(int index, int label) const
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (index < 0 || index >= int(boundaries_.size())) return {nan, nan};
    const auto& xy = boundaries_[size_t(index)].xy;
    double x = 0, y = 0;
    int count = 0;
    for (size_t i = 0; i < labels_.size(); ++i)
        if (labels_[i] == label) {
            x += xy[2 * i];
            y += xy[2 * i + 1];
            ++count;
        }
    return count ? QPointF(x / count, y / count) : QPointF(nan, nan);
}

QString DriftChart::caption() const
{
    return caption_->text();
}

void DriftChart::updateCaption()
{
    if (shown_ < 0) {
        caption_->setText(tr("No projection yet: it appears after each task is evaluated."));
        return;
    }
    const auto& b = boundaries_[size_t(shown_)];
    const QString when =
        b.afterTask < 0 ? tr("Before training") : tr("After task %1").arg(b.afterTask + 1);
    QString text = tr("%1: PCA of %2 test images' features; the two components explain %3 % of "
                      "their variance.")
                       .arg(when)
                       .arg(labels_.size())
                       .arg(std::lround(100.0 * b.explained));
    if (shown_ > 0) {
        const auto& prev = boundaries_[size_t(shown_ - 1)];
        text += QLatin1Char(' ') + (prev.afterTask < 0
                                        ? tr("Faded: before training.")
                                        : tr("Faded: after task %1.").arg(prev.afterTask + 1));
    }
    caption_->setText(text);
}
