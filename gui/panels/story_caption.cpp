// SPDX-License-Identifier: GPL-3.0-or-later
// Plain-language captions of a run told one task boundary at a time (presentation mode).
#include "panels/story_caption.h"

#include <QLocale>

#include <cmath>

namespace {

double cell(const StoryMatrix& m, int row, int task)
{
    if (row < 0 || row >= int(m.rows.size()) || task < 0 || task >= int(m.rows[size_t(row)].size()))
        return std::nan("");
    return m.rows[size_t(row)][size_t(task)];
}

/// Whole percent or points: a room reads "62 %", not "61.8 %".
QString whole(double fraction)
{
    return QLocale().toString(qRound(100.0 * fraction));
}

double mean(const std::vector<double>& v, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t j = 0; j < std::min(n, v.size()); ++j)
        if (!std::isnan(v[j])) sum += v[j], ++k;
    return k ? sum / double(k) : std::nan("");
}

}  // namespace

QString StoryCaption::joined(const QString& first, const QString& second)
{
    // English puts a space between sentences, Japanese none after "。".
    return tr("%1 %2", "two sentences in a row").arg(first, second);
}

std::pair<int, double> StoryCaption::worstCost(const StoryMatrix& m, int task)
{
    int worst = -1;
    double cost = 0;
    for (int j = 0; j < task; ++j) {
        const double before = cell(m, task - 1, j), after = cell(m, task, j);
        if (std::isnan(before) || std::isnan(after)) continue;
        const double points = 100.0 * (before - after);
        if (worst < 0 || points > cost) worst = j, cost = points;
    }
    return {worst, cost};
}

QString StoryCaption::forBoundary(const StoryMatrix& m, int boundary, const QString& strategy)
{
    if (boundary <= 0) {
        // No plural forms in the catalogue: English has an "(s)" problem, Japanese none.
        const QString tasks = m.taskCount == 1
                                  ? tr("One task to learn.")
                                  : tr("%1 tasks to learn, one after another.").arg(m.taskCount);
        const double chance = mean(m.init, m.init.size());
        if (std::isnan(chance)) return tasks;
        return joined(tasks, tr("Before training, the model gets %1 % of their test images right.")
                                 .arg(whole(chance)));
    }
    const int task = boundary - 1;
    const double learned = cell(m, task, task);
    if (std::isnan(learned)) return tr("Learning task %1…").arg(boundary);
    if (task == 0)
        return tr("With %1, the model learned task 1: %2 % of its test images right.")
            .arg(strategy, whole(learned));

    QString text;
    const auto [worst, points] = worstCost(m, task);
    if (worst < 0 || points < 0.5)
        text = tr("Learning task %1 left the earlier tasks as they were.").arg(boundary);
    else if (points < kNegligiblePoints)
        text = tr("Learning task %1 cost the earlier tasks at most %2 points of accuracy.")
                   .arg(boundary)
                   .arg(QLocale().toString(qRound(points)));
    else if (points < kCatastrophicPoints)
        text = tr("Learning task %1 cost task %2 %3 points of accuracy.")
                   .arg(boundary)
                   .arg(worst + 1)
                   .arg(QLocale().toString(qRound(points)));
    else
        text = tr("Learning task %1 cost task %2 %3 points of accuracy: catastrophic forgetting.")
                   .arg(boundary)
                   .arg(worst + 1)
                   .arg(QLocale().toString(qRound(points)));

    const double first = cell(m, 0, 0), now = cell(m, task, 0);
    if (!std::isnan(first) && !std::isnan(now))
        text = joined(text, tr("With %1, task 1 keeps %2 % (%3 % right after it was learned).")
                                .arg(strategy, whole(now), whole(first)));
    if (boundary == m.taskCount) {
        const double average = mean(m.rows[size_t(task)], size_t(m.taskCount));
        if (!std::isnan(average))
            text = joined(
                text, tr("Average over all %1 tasks: %2 %.").arg(m.taskCount).arg(whole(average)));
    }
    return text;
}

QString StoryCaption::comparison(const StoryMatrix& a, const QString& nameA, const StoryMatrix& b,
                                 const QString& nameB, int boundary)
{
    const int task = boundary - 1;
    if (task < 0) return {};
    if (task == 0) {
        const double x = cell(a, 0, 0), y = cell(b, 0, 0);
        if (std::isnan(x) || std::isnan(y)) return {};
        return tr("Task 1 learned: %1 % with %2, %3 % with %4.")
            .arg(whole(x), nameA, whole(y), nameB);
    }
    const double x = cell(a, task, 0), y = cell(b, task, 0);
    if (std::isnan(x) || std::isnan(y)) return {};
    const double ax = mean(a.rows[size_t(task)], size_t(boundary));
    const double by = mean(b.rows[size_t(task)], size_t(boundary));
    return tr("After task %1, task 1 keeps %2 % with %3 and %4 % with %5; the average over the "
              "tasks so far is %6 % and %7 %.")
        .arg(boundary)
        .arg(whole(x), nameA, whole(y), nameB, whole(ax), whole(by));
}
