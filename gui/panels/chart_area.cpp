// SPDX-License-Identifier: GPL-3.0-or-later
// The central "current run" view: all live charts and the metrics table in one grid.
#include "panels/chart_area.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/confusion_chart.h"
#include "charts/drift_chart.h"
#include "charts/forgetting_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "panels/metrics_panel.h"
#include "panels/prediction_gallery.h"

ChartArea::ChartArea(QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(this)),
      curves_(new AccuracyCurveChart(this)),
      matrix_(new AccuracyMatrixChart(this)),
      loss_(new LossChart(this)),
      importance_(new ImportanceChart(this)),
      forgetting_(new ForgettingChart(this)),
      confusion_(new ConfusionChart(this)),
      drift_(new DriftChart(this)),
      gallery_(new PredictionGallery(this)),
      tabs_(new QTabWidget(this)),
      metrics_(new MetricsPanel(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    big.setBold(true);
    title_->setFont(big);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    outer->addWidget(title_);
    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    // Top row: what changes most (curves) gets the width; bottom: loss, importance, metrics.
    grid->addWidget(curves_, 0, 0, 1, 2);
    grid->addWidget(matrix_, 0, 2);
    grid->addWidget(loss_, 1, 0);
    // What changed in the model and what it now gets wrong: one cell, two tabs.
    tabs_->setDocumentMode(true);
    tabs_->addTab(importance_, QString());
    tabs_->addTab(confusion_, QString());
    tabs_->addTab(drift_, QString());
    grid->addWidget(tabs_, 1, 1);
    grid->addWidget(metrics_, 1, 2);
    // Question-answering runs add a row: the forgetting decomposition and example answers.
    grid->addWidget(forgetting_, 2, 0, 1, 3);
    forgetting_->setVisible(false);
    gallery_->hide();  // until a window places it (MainWindow: a tab of its own)
    connect(forgetting_, &ForgettingChart::dataArrived, this, [this] { forgetting_->setVisible(true); });
    for (int c = 0; c < 3; ++c) grid->setColumnStretch(c, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setRowStretch(2, 1);
    outer->addLayout(grid, 1);
    retranslateUi();
}

void ChartArea::retranslateUi()
{
    tabs_->setTabText(0, tr("Importance"));
    tabs_->setTabText(1, tr("Confusion"));
    tabs_->setTabText(2, tr("Drift"));
}

void ChartArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

std::vector<ChartPanel*> ChartArea::charts() const
{
    return {curves_, matrix_, loss_, importance_, forgetting_, confusion_, drift_};
}

void ChartArea::handleEvent(const clwb::RunEvent& event)
{
    for (ChartPanel* chart : charts()) chart->handleEvent(event);
    metrics_->handleEvent(event);
    gallery_->handleEvent(event);
}

void ChartArea::handleEvents(const std::vector<clwb::RunEvent>& events)
{
    for (const auto& e : events) handleEvent(e);
}

void ChartArea::clear()
{
    for (ChartPanel* chart : charts()) chart->clear();
    metrics_->clear();
    gallery_->clear();
    forgetting_->setVisible(false);
}

void ChartArea::setRunTitle(const QString& title)
{
    title_->setText(title);
}

QString ChartArea::runTitle() const
{
    return title_->text();
}

void ChartArea::flushReplots()
{
    for (ChartPanel* chart : charts()) chart->flushReplot();
}
