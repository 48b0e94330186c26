// SPDX-License-Identifier: GPL-3.0-or-later
// Training loss over steps, averaged into buckets so long runs stay fast to draw.
#include "charts/loss_chart.h"

#include "charts/chart_palette.h"
#include "qcustomplot.h"

LossChart::LossChart(QWidget* parent) : ChartPanel(parent)
{
    plot_->addGraph();  // the run's own line; its pen follows the palette (applyPalette)
    plot_->legend->setVisible(false);
    plot_->xAxis->setRange(0.0, 1.0);
    plot_->yAxis->setRange(0.0, 1.0);
    retranslateUi();
}

void LossChart::applyPalette()
{
    ChartPanel::applyPalette();
    plot_->graph(0)->setPen(QPen(palette().color(QPalette::Text), 1.2));  // the run's own line
}

void LossChart::retranslateUi()
{
    setTitle(tr("Training loss"));
    plot_->xAxis->setLabel(tr("Training step"));
    plot_->yAxis->setLabel(tr("Loss (mean per bucket)"));
    plot_->graph(0)->setName(tr("Current run"));
}

void LossChart::clear()
{
    while (plot_->graphCount() > 1) plot_->removeGraph(plot_->graphCount() - 1);
    plot_->graph(0)->data()->clear();
    plot_->legend->setVisible(false);
    buckets_.clear();
    bucketSize_ = 1;
    rawCount_ = 0;
    maxLoss_ = 0;
    plot_->xAxis->setRange(0.0, 1.0);
    plot_->yAxis->setRange(0.0, 1.0);
    requestReplot();
}

void LossChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind == clwb::RunEvent::Kind::Started && event.total > 0) {
        plot_->xAxis->setRange(0.0, double(event.total));
        requestReplot();
    } else if (event.kind == clwb::RunEvent::Kind::Step) {
        append(double(event.step), event.loss);
    }
}

void LossChart::append(double step, double loss)
{
    if (!std::isfinite(loss)) return;
    ++rawCount_;
    if (buckets_.empty() || buckets_.back().n >= bucketSize_) buckets_.push_back({});
    Bucket& b = buckets_.back();
    b.stepSum += step;
    b.lossSum += loss;
    ++b.n;
    if (int(buckets_.size()) > kMaxPoints) {
        // Merge neighbours: halves the point count, doubles the bucket size.
        std::vector<Bucket> merged;
        merged.reserve(buckets_.size() / 2 + 1);
        for (size_t i = 0; i < buckets_.size(); i += 2) {
            Bucket m = buckets_[i];
            if (i + 1 < buckets_.size()) {
                m.stepSum += buckets_[i + 1].stepSum;
                m.lossSum += buckets_[i + 1].lossSum;
                m.n += buckets_[i + 1].n;
            }
            merged.push_back(m);
        }
        buckets_.swap(merged);
        bucketSize_ *= 2;
    }
    graphStale_ = true;
    requestReplot();
}

void LossChart::beforeReplot()
{
    if (!graphStale_) return;
    graphStale_ = false;
    QVector<double> keys, values;
    keys.reserve(int(buckets_.size()));
    values.reserve(int(buckets_.size()));
    for (const Bucket& b : buckets_) {
        keys << b.stepSum / b.n;
        values << b.lossSum / b.n;
        maxLoss_ = std::max(maxLoss_, values.back());
    }
    plot_->graph(0)->setData(keys, values, true);
    if (!keys.isEmpty() && keys.back() > plot_->xAxis->range().upper)
        plot_->xAxis->setRangeUpper(keys.back());
    plot_->yAxis->setRange(0.0, std::max(1e-3, maxLoss_ * 1.05));
}

void LossChart::addSeries(const QString& name, const std::vector<std::pair<double, double>>& points)
{
    QCPGraph* g = plot_->addGraph();
    g->setPen(QPen(chart_palette::taskColor(plot_->graphCount() - 2), 1.2));
    g->setName(name);
    QVector<double> keys, values;
    for (const auto& [k, v] : points) {
        keys << k;
        values << v;
        maxLoss_ = std::max(maxLoss_, v);
    }
    g->setData(keys, values, true);
    plot_->graph(0)->removeFromLegend();  // the live graph is empty while comparing
    plot_->legend->setVisible(true);
    plot_->rescaleAxes();
    plot_->yAxis->setRange(0.0, std::max(1e-3, maxLoss_ * 1.05));
    requestReplot();
}

int LossChart::plottedPointCount() const
{
    return plot_->graph(0)->dataCount();
}
