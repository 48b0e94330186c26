// SPDX-License-Identifier: GPL-3.0-or-later
// Side-by-side comparison of stored runs: matrices, overlaid loss curves, metrics table.
#include "panels/comparison_view.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <map>

#include <algorithm>

#include "charts/accuracy_matrix_chart.h"
#include "charts/loss_chart.h"
#include "panels/metrics_panel.h"

ComparisonView::ComparisonView(QWidget* parent)
    : QWidget(parent),
      hint_(new QLabel(this)),
      matrixRow_(new QHBoxLayout),
      loss_(new LossChart(this)),
      metrics_(new MetricsPanel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(hint_);
    hint_->setWordWrap(true);
    layout->addLayout(matrixRow_, 3);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(loss_, 3);
    bottom->addWidget(metrics_, 2);
    layout->addLayout(bottom, 2);
    retranslateUi();
}

void ComparisonView::retranslateUi()
{
    hint_->setText(matrices_.empty()
                       ? tr("Select two or more runs in the Runs browser and press Compare.")
                       : tr("Accuracy matrices side by side; loss curves overlaid; metrics "
                            "per run (hover a metric for its definition)."));
}

void ComparisonView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void ComparisonView::setRuns(const std::vector<Run>& runs)
{
    for (auto* m : matrices_) delete m;
    matrices_.clear();
    loss_->clear();
    QStringList names;
    std::vector<std::map<std::string, double>> values;
    for (const Run& run : runs) {
        auto* matrix = new AccuracyMatrixChart(this);
        MetricsPanel scratch;  // computes partial metrics exactly like the live panel
        std::vector<std::pair<double, double>> lossPoints;
        for (const auto& e : run.events) {
            matrix->handleEvent(e);
            scratch.handleEvent(e);
            if (e.kind == clwb::RunEvent::Kind::Step)
                lossPoints.emplace_back(double(e.step), e.loss);
        }
        // Thin long series to ~1000 averaged points so overlays stay light.
        const size_t bucket = std::max<size_t>(1, lossPoints.size() / 1000);
        std::vector<std::pair<double, double>> thinned;
        for (size_t i = 0; i < lossPoints.size(); i += bucket) {
            double k = 0, v = 0;
            const size_t end = std::min(lossPoints.size(), i + bucket);
            for (size_t j = i; j < end; ++j) {
                k += lossPoints[j].first;
                v += lossPoints[j].second;
            }
            thinned.emplace_back(k / double(end - i), v / double(end - i));
        }
        loss_->addSeries(run.name, thinned);
        matrixRow_->addWidget(matrix, 1);
        matrices_.push_back(matrix);
        names << run.name;
        std::map<std::string, double> column;
        for (const auto& key : MetricsPanel::keys()) column[key] = scratch.value(key);
        values.push_back(column);
    }
    metrics_->setColumns(names, values);
    for (size_t i = 0; i < matrices_.size(); ++i) {
        matrices_[i]->setSubject(names[int(i)]);
    }
    retranslateUi();
}
