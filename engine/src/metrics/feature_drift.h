// SPDX-License-Identifier: GPL-3.0-or-later
// Feature drift (docs/metrics.md): the pooled features of a fixed, seeded set of test images per
// class, projected to 2-D by PCA after every boundary and rotated/reflected onto the previous
// boundary's projection (orthogonal Procrustes), so a class's cluster moving or collapsing shows
// as movement, not as the arbitrary orientation of each boundary's principal axes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/task_sequence.h"
#include "model/vit.h"

namespace clwb::detail {

/// The drift's images: task by task (each class from the first task with test images of it),
/// class by class in id order, each class's images in a seeded order.
struct DriftPoints
{
    std::vector<std::vector<int64_t>> rows;  ///< per task: its points' rows of the task's testX
    std::vector<int> labels;                 ///< class of each point, in point order
    bool empty() const { return labels.empty(); }
};

/// Up to `perClass` test images of every class (all of them when the class has fewer), drawn
/// from its own generator (`seed`), never the run's, so training is the same with or without it.
/// Empty on question answering or when perClass <= 0.
DriftPoints chooseDriftPoints(const TaskSequence& seq, int perClass, uint64_t seed);

/// Pooled features [N, dim] (float64, CPU) of the points under the current model: eval mode,
/// no_grad, the run's autocast, as the evaluation computes them.
torch::Tensor driftFeatures(Vit& model, const TaskSequence& seq, const DriftPoints& points,
                            const std::string& precision, torch::Device device,
                            int64_t batch = 256);

struct Projection2d
{
    torch::Tensor points;    ///< [N, 2] float64, centred
    double explained = 0.0;  ///< share of the total variance the two components explain
};

/// PCA of `features` [N, D]: centred, projected on the top two right singular vectors (float64;
/// non-finite values count as 0). Each axis is signed so its largest-magnitude coordinate is
/// positive. Missing components (N < 3, D < 2, no variance) are zeros.
Projection2d projectPca2(const torch::Tensor& features);

/// `points` [N, 2] times the orthogonal 2x2 matrix (rotation or reflection) that brings them
/// closest to `reference` [N, 2] in the least-squares sense (both centred). Unchanged when the
/// shapes differ or there are no points.
torch::Tensor alignProcrustes(const torch::Tensor& points, const torch::Tensor& reference);

/// One projection per boundary, each aligned to the one before.
class FeatureDrift
{
public:
    /// PCA of this boundary's features, aligned to the previous boundary's points; xy = x0, y0,
    /// x1, y1, ... in point order.
    void next(const torch::Tensor& features, std::vector<float>& xy, double& explained);
    /// The points the next boundary is aligned to (undefined before the first): a run
    /// checkpoint's share of the drift.
    const torch::Tensor& previous() const { return previous_; }
    void setPrevious(const torch::Tensor& points) { previous_ = points; }

private:
    torch::Tensor previous_;  ///< the last boundary's aligned points
};

}  // namespace clwb::detail
