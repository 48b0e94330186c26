// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter-importance heatmap (transformer blocks x modules) with a per-matrix detail map.
#pragma once

#include <QSize>
#include <QStringList>

#include <vector>

#include "charts/chart_panel.h"

class QCPColorMap;
class QCPColorScale;
class QCPItemText;
class QLabel;
class BoundarySlider;

/// One snapshot per task (Importance events or RunStore::importance). The slider picks the task;
/// clicking a cell shows that weight matrix's downsampled element map in the small plot below.
class ImportanceChart : public ChartPanel
{
    Q_OBJECT

public:
    static const QStringList& modules();  ///< qkv, proj, fc1, fc2: the standard heatmap columns
    /// Columns on show: the standard modules plus any per-block cells a strategy adds (HiDe's
    /// "cka"), which are clamped to the modules' colour scale but labelled with their value.
    const QStringList& columns() const { return columns_; }

    explicit ImportanceChart(QWidget* parent = nullptr);
    ~ImportanceChart() override;

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;

    int snapshotCount() const { return int(snapshots_.size()); }
    /// Task of the snapshot on show; -1 if none.
    int currentTask() const;
    void showSnapshot(int index);
    int blockCount() const { return blocks_; }
    /// Score plotted for (block, module index); NaN if none.
    double cellScore(int block, int module) const;
    /// Shows the element map of one cell; false if the cell has no map.
    bool selectCell(int block, int module);
    /// rows x cols of the detail map on show (0x0 = none).
    QSize detailSize() const;
    QCustomPlot* detailPlot() const { return detail_; }

protected:
    void retranslateUi() override;
    void beforeReplot() override;
    void applyPalette() override;

private:
    void onPlotClicked(QMouseEvent* event);
    QString kindText(const std::string& kind) const;
    void updateCaption();

    std::vector<clwb::ImportanceSnapshot> snapshots_;  // sorted by task
    int shown_ = -1;
    int blocks_ = 0;
    int selectedBlock_ = -1, selectedModule_ = -1;
    QStringList columns_ = modules();
    BoundarySlider* slider_;
    QLabel* caption_;
    QLabel* detailCaption_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    QCustomPlot* detail_;
    QCPColorMap* detailMap_;
    std::vector<QCPItemText*> labels_;
};
