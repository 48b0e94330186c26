// SPDX-License-Identifier: GPL-3.0-or-later
// Plain-language captions of a run told one task boundary at a time (presentation mode).
#pragma once

#include <QCoreApplication>
#include <QString>

#include <vector>

/// The accuracy matrix as far as it is known: rows[i] = accuracies after task i (0-based) on
/// every task, `init` = before training; NaN or a missing row = not evaluated yet.
struct StoryMatrix
{
    std::vector<double> init;
    std::vector<std::vector<double>> rows;
    int taskCount = 0;
};

/// Captions generated from the numbers alone, so they hold for any strategy and dataset.
/// Boundary 0 = before training, k = after task k (1-based, as on screen).
class StoryCaption
{
    Q_DECLARE_TR_FUNCTIONS(StoryCaption)

public:
    /// Learning task k cost an earlier task this many points (from the row before) at least:
    /// called catastrophic.
    static constexpr double kCatastrophicPoints = 30.0;
    /// Below this a step's cost is called negligible.
    static constexpr double kNegligiblePoints = 5.0;

    /// What boundary `boundary` shows for one run of `strategy` (translated display name).
    static QString forBoundary(const StoryMatrix& m, int boundary, const QString& strategy);
    /// Two runs at the same boundary: where they differ, in one sentence.
    static QString comparison(const StoryMatrix& a, const QString& nameA, const StoryMatrix& b,
                              const QString& nameB, int boundary);

    /// The earlier task (0-based) that learning task `task` (0-based) cost most, and that cost in
    /// accuracy points (row task-1 minus row task); {-1, 0} when unknown.
    static std::pair<int, double> worstCost(const StoryMatrix& m, int task);

private:
    static QString joined(const QString& first, const QString& second);
};
