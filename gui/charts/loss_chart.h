// SPDX-License-Identifier: GPL-3.0-or-later
// Training loss over steps, averaged into buckets so long runs stay fast to draw.
#pragma once

#include <QString>

#include <utility>
#include <vector>

#include "charts/chart_panel.h"

/// Step events are averaged into buckets of 2^k steps; whenever more than kMaxPoints buckets
/// exist, neighbours merge, so the plotted point count stays bounded however long the run is.
/// Extra named series (run comparison) are drawn over the live one.
class LossChart : public ChartPanel
{
    Q_OBJECT

public:
    static constexpr int kMaxPoints = 1000;

    explicit LossChart(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event) override;
    void clear() override;
    /// Adds a finished series (already decimated by the caller if needed).
    void addSeries(const QString& name, const std::vector<std::pair<double, double>>& points);

    int rawPointCount() const { return rawCount_; }
    int plottedPointCount() const;
    int bucketSize() const { return bucketSize_; }

protected:
    void retranslateUi() override;
    void applyPalette() override;
    void beforeReplot() override;

private:
    struct Bucket
    {
        double stepSum = 0, lossSum = 0;
        int n = 0;
    };
    void append(double step, double loss);

    std::vector<Bucket> buckets_;
    int bucketSize_ = 1;
    int rawCount_ = 0;
    double maxLoss_ = 0;
    bool graphStale_ = false;
};
