// SPDX-License-Identifier: GPL-3.0-or-later
// Shared chart colours: distinguishable task colours and a perceptual heatmap scale.
#pragma once

#include <QColor>

#include <utility>
#include <vector>

namespace chart_palette {

/// Okabe-Ito based, colour-blind safe; cycles after 10 tasks.
QColor taskColor(int task);
/// Viridis stops (position in [0,1], colour): perceptually uniform and colour-blind safe.
std::vector<std::pair<double, QColor>> viridisStops();
/// Black or white, whichever reads better on `background`.
QColor textColorOn(const QColor& background);
/// Viridis colour at t in [0,1] (for painting legends outside QCustomPlot).
QColor viridis(double t);

}  // namespace chart_palette
