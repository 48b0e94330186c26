// SPDX-License-Identifier: GPL-3.0-or-later
// Continual-learning metrics over the accuracy matrix; formulas and sources in docs/metrics.md.
#include "clwb/metrics.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace clwb {

namespace {

// Every metric but A_i needs the full T x T matrix; a ragged one means a caller bug.
void requireSquare(const AccuracyMatrix& r)
{
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (r[i].size() != r.size()) {
            throw std::invalid_argument("accuracy matrix is not square: row " + std::to_string(i) +
                                        " has " + std::to_string(r[i].size()) +
                                        " entries, expected " + std::to_string(r.size()));
        }
    }
}

int taskCount(const AccuracyMatrix& r)
{
    requireSquare(r);
    return static_cast<int>(r.size());
}

}  // namespace

double averageAccuracyAfter(const AccuracyMatrix& r, int i)
{
    // Only row i is needed, so this also works on the partial matrix of a running experiment.
    if (i < 0 || i >= static_cast<int>(r.size()) || static_cast<int>(r[i].size()) <= i) {
        throw std::invalid_argument("averageAccuracyAfter: no row " + std::to_string(i) + " with " +
                                    std::to_string(i + 1) + " entries");
    }
    double sum = 0;
    for (int j = 0; j <= i; ++j) sum += r[i][j];
    return sum / (i + 1);
}

double finalAverageAccuracy(const AccuracyMatrix& r)
{
    const int t = taskCount(r);
    return t == 0 ? 0.0 : averageAccuracyAfter(r, t - 1);
}

double averageIncrementalAccuracy(const AccuracyMatrix& r)
{
    const int t = taskCount(r);
    if (t == 0) return 0.0;
    double sum = 0;
    for (int i = 0; i < t; ++i) sum += averageAccuracyAfter(r, i);
    return sum / t;
}

double backwardTransfer(const AccuracyMatrix& r)
{
    const int t = taskCount(r);
    if (t < 2) return 0.0;
    double sum = 0;
    for (int j = 0; j < t - 1; ++j) sum += r[t - 1][j] - r[j][j];
    return sum / (t - 1);
}

double forwardTransfer(const AccuracyMatrix& r, const std::vector<double>& initial)
{
    const int t = taskCount(r);
    if (static_cast<int>(initial.size()) != t) {
        throw std::invalid_argument("initial accuracies have " + std::to_string(initial.size()) +
                                    " entries, expected " + std::to_string(t));
    }
    if (t < 2) return 0.0;
    double sum = 0;
    for (int j = 1; j < t; ++j) sum += r[j - 1][j] - initial[j];
    return sum / (t - 1);
}

double forgettingMax(const AccuracyMatrix& r)
{
    const int t = taskCount(r);
    if (t < 2) return 0.0;
    double sum = 0;
    for (int j = 0; j < t - 1; ++j) {
        // Best accuracy task j ever had before the final evaluation (Chaudhry et al. 2018).
        double best = r[j][j];
        for (int l = j + 1; l <= t - 2; ++l) best = std::max(best, r[l][j]);
        sum += best - r[t - 1][j];
    }
    return sum / (t - 1);
}

double forgettingFirst(const AccuracyMatrix& r)
{
    // Avalanche's definition: first value after learning the task minus the final one, i.e. -BWT.
    const int t = taskCount(r);
    if (t < 2) return 0.0;
    double sum = 0;
    for (int j = 0; j < t - 1; ++j) sum += r[j][j] - r[t - 1][j];
    return sum / (t - 1);
}

double plasticity(const AccuracyMatrix& r)
{
    const int t = taskCount(r);
    if (t == 0) return 0.0;
    double sum = 0;
    for (int j = 0; j < t; ++j) sum += r[j][j];
    return sum / t;
}

Metrics computeMetrics(const AccuracyMatrix& r, const std::vector<double>& initial)
{
    requireSquare(r);
    if (initial.size() != r.size()) {
        throw std::invalid_argument("initial accuracies have " + std::to_string(initial.size()) +
                                    " entries, expected " + std::to_string(r.size()));
    }
    Metrics m;
    m.finalAverageAccuracy = finalAverageAccuracy(r);
    m.averageIncrementalAccuracy = averageIncrementalAccuracy(r);
    m.bwt = backwardTransfer(r);
    m.fwt = forwardTransfer(r, initial);
    m.forgetting = forgettingMax(r);
    m.forgettingFirst = forgettingFirst(r);
    m.plasticity = plasticity(r);
    return m;
}

std::vector<std::pair<std::string, double>> metricsAsList(const Metrics& m)
{
    return {
        {"final_average_accuracy", m.finalAverageAccuracy},
        {"average_incremental_accuracy", m.averageIncrementalAccuracy},
        {"bwt", m.bwt},
        {"fwt", m.fwt},
        {"forgetting", m.forgetting},
        {"forgetting_first", m.forgettingFirst},
        {"plasticity", m.plasticity},
    };
}

ForgettingDecomposition decomposeForgetting(const AccuracyMatrix& strict,
                                            const AccuracyMatrix& knowledge, int afterTask)
{
    ForgettingDecomposition d;
    const int rows = int(std::min(strict.size(), knowledge.size()));
    const int i = afterTask < 0 ? rows - 1 : std::min(afterTask, rows - 1);
    d.afterTask = i;
    for (int j = 0; j < i; ++j) {
        const double drop = strict[size_t(j)][size_t(j)] - strict[size_t(i)][size_t(j)];
        const double essential = knowledge[size_t(j)][size_t(j)] - knowledge[size_t(i)][size_t(j)];
        d.strictDrop.push_back(drop);
        d.essential.push_back(essential);
        d.superficial.push_back(drop - essential);
    }
    auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return v.empty() ? 0.0 : s / double(v.size());
    };
    d.meanStrictDrop = mean(d.strictDrop);
    d.meanEssential = mean(d.essential);
    d.meanSuperficial = mean(d.superficial);
    return d;
}

}  // namespace clwb
