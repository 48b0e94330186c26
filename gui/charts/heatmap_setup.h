// SPDX-License-Identifier: GPL-3.0-or-later
// The look every heatmap chart shares (accuracy matrix, importance, confusion).
#pragma once

class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;

namespace heatmap {

/// Viridis as a QCustomPlot gradient (colour-blind safe); NaN cells transparent.
QCPColorGradient viridisGradient();
/// `map` coloured by viridis through `scale`, which is placed right of the plot and aligned with
/// it; cells without interpolation, row 0 at the top like a printed matrix, no grid or sub-ticks,
/// short outward ticks (inward ones would poke into the edge cells' labels).
void setUp(QCustomPlot* plot, QCPColorMap* map, QCPColorScale* scale);

}  // namespace heatmap
