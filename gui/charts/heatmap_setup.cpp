// SPDX-License-Identifier: GPL-3.0-or-later
// The look every heatmap chart shares (accuracy matrix, importance, confusion).
#include "charts/heatmap_setup.h"

#include "charts/chart_palette.h"
#include "qcustomplot.h"

namespace heatmap {

QCPColorGradient viridisGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    for (const auto& [pos, color] : chart_palette::viridisStops()) g.setColorStopAt(pos, color);
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

void setUp(QCustomPlot* plot, QCPColorMap* map, QCPColorScale* scale)
{
    plot->plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(10);
    map->setColorScale(scale);
    map->setGradient(viridisGradient());
    map->setInterpolate(false);
    plot->yAxis->setRangeReversed(true);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setTickLength(0, 4);
        axis->setSubTicks(false);
    }
    auto* group = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
}

}  // namespace heatmap
