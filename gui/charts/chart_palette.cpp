// SPDX-License-Identifier: GPL-3.0-or-later
// Shared chart colours: distinguishable task colours and a perceptual heatmap scale.
#include "charts/chart_palette.h"

#include <algorithm>

namespace chart_palette {

QColor taskColor(int task)
{
    static const QColor kColors[] = {
        QColor(0, 114, 178),  QColor(230, 159, 0), QColor(0, 158, 115),   QColor(204, 121, 167),
        QColor(86, 180, 233), QColor(213, 94, 0),  QColor(120, 120, 120), QColor(240, 200, 30),
        QColor(110, 60, 160), QColor(40, 40, 40)};
    const int n = int(std::size(kColors));
    return kColors[((task % n) + n) % n];
}

std::vector<std::pair<double, QColor>> viridisStops()
{
    return {
        {0.0, QColor(68, 1, 84)},      {0.125, QColor(71, 44, 122)},  {0.25, QColor(59, 81, 139)},
        {0.375, QColor(44, 113, 142)}, {0.5, QColor(33, 144, 141)},   {0.625, QColor(39, 173, 129)},
        {0.75, QColor(92, 200, 99)},   {0.875, QColor(170, 220, 50)}, {1.0, QColor(253, 231, 37)}};
}

QColor viridis(double t)
{
    const auto stops = viridisStops();
    t = std::clamp(t, 0.0, 1.0);
    for (size_t i = 1; i < stops.size(); ++i) {
        if (t <= stops[i].first) {
            const double f = (t - stops[i - 1].first) / (stops[i].first - stops[i - 1].first);
            const QColor a = stops[i - 1].second, b = stops[i].second;
            return QColor(int(a.red() + f * (b.red() - a.red())),
                          int(a.green() + f * (b.green() - a.green())),
                          int(a.blue() + f * (b.blue() - a.blue())));
        }
    }
    return stops.back().second;
}

QColor textColorOn(const QColor& background)
{
    const double luma =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luma > 0.5 ? Qt::black : Qt::white;
}

}  // namespace chart_palette
