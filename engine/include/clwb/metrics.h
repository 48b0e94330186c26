// SPDX-License-Identifier: GPL-3.0-or-later
// Continual-learning metrics as pure functions over the accuracy matrix (docs/metrics.md).
#pragma once

#include <string>
#include <vector>

namespace clwb {

/// R[i][j] = accuracy on task j's test set after training task i (0-based here).
using AccuracyMatrix = std::vector<std::vector<double>>;

struct Metrics
{
    double finalAverageAccuracy = 0;        ///< A_T = mean_j<=T R[T][j]
    double averageIncrementalAccuracy = 0;  ///< Ā = mean_i A_i
    double bwt = 0;                         ///< mean_{j<T} R[T][j] - R[j][j]
    double fwt = 0;                         ///< mean_{j>0} R[j-1][j] - b[j]
    double forgetting = 0;                  ///< Chaudhry: mean_{j<T} max_{l<T} R[l][j] - R[T][j]
    double forgettingFirst = 0;             ///< Avalanche: mean_{j<T} R[j][j] - R[T][j]
    double plasticity = 0;                  ///< mean_j R[j][j]
};

/// A_i = mean of row i over the tasks seen so far (j <= i).
double averageAccuracyAfter(const AccuracyMatrix& r, int i);
double finalAverageAccuracy(const AccuracyMatrix& r);
double averageIncrementalAccuracy(const AccuracyMatrix& r);
double backwardTransfer(const AccuracyMatrix& r);
/// `initial[j]` = accuracy on task j before any training (b_j).
double forwardTransfer(const AccuracyMatrix& r, const std::vector<double>& initial);
double forgettingMax(const AccuracyMatrix& r);
double forgettingFirst(const AccuracyMatrix& r);
double plasticity(const AccuracyMatrix& r);

/// All of the above. Metrics that need two tasks are 0 for a single task.
/// Throws std::invalid_argument if r is not square or initial has the wrong length.
Metrics computeMetrics(const AccuracyMatrix& r, const std::vector<double>& initial);

/// SEFE's two kinds of forgetting (docs/qa.md), per task j < i after training task i:
/// strict drop = S[j][j] - S[i][j]; essential = K[j][j] - K[i][j] (knowledge lost);
/// superficial = strict drop - essential (well-known answers in the wrong format).
struct ForgettingDecomposition
{
    int afterTask = -1;
    std::vector<double> strictDrop, essential, superficial;  ///< one per task j < afterTask
    double meanStrictDrop = 0, meanEssential = 0, meanSuperficial = 0;
};

/// Decomposition after row `afterTask` (-1 = the last row) of the strict and knowledge matrices.
ForgettingDecomposition decomposeForgetting(const AccuracyMatrix& strict,
                                            const AccuracyMatrix& knowledge, int afterTask = -1);

/// (key, value) pairs in a fixed order, with the JSON keys used by clwb-run.
std::vector<std::pair<std::string, double>> metricsAsList(const Metrics& m);

}  // namespace clwb
