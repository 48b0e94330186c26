// SPDX-License-Identifier: GPL-3.0-or-later
// The central "current run" view: all live charts and the metrics table in one grid.
#pragma once

#include <QWidget>

#include <vector>

#include "clwb/run_event.h"

class AccuracyCurveChart;
class AccuracyMatrixChart;
class ChartPanel;
class ConfusionChart;
class DriftChart;
class ForgettingChart;
class ImportanceChart;
class LossChart;
class MetricsPanel;
class PredictionGallery;
class QLabel;
class QTabWidget;

/// Dispatches every RunEvent to each chart; adding a chart = one member and one grid cell here.
class ChartArea : public QWidget
{
    Q_OBJECT

public:
    explicit ChartArea(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event);
    void handleEvents(const std::vector<clwb::RunEvent>& events);
    void clear();
    void setRunTitle(const QString& title);
    QString runTitle() const;
    /// Replots every chart now (screenshots, export).
    void flushReplots();

    AccuracyCurveChart* curves() const { return curves_; }
    AccuracyMatrixChart* matrix() const { return matrix_; }
    LossChart* loss() const { return loss_; }
    ImportanceChart* importance() const { return importance_; }
    ForgettingChart* forgetting() const { return forgetting_; }
    ConfusionChart* confusion() const { return confusion_; }
    DriftChart* drift() const { return drift_; }
    /// Fed like the charts; the window shows it in a tab of its own (MainWindow).
    PredictionGallery* gallery() const { return gallery_; }
    /// The importance heatmap, the confusion matrix and the feature drift share one cell as tabs.
    QTabWidget* inspectionTabs() const { return tabs_; }
    MetricsPanel* metrics() const { return metrics_; }
    std::vector<ChartPanel*> charts() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* title_;
    AccuracyCurveChart* curves_;
    AccuracyMatrixChart* matrix_;
    LossChart* loss_;
    ImportanceChart* importance_;
    ForgettingChart* forgetting_;
    ConfusionChart* confusion_;
    DriftChart* drift_;
    PredictionGallery* gallery_;
    QTabWidget* tabs_;
    MetricsPanel* metrics_;
};
