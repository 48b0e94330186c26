// SPDX-License-Identifier: GPL-3.0-or-later
// The prediction gallery (docs/metrics.md): a fixed, seeded set of test images per task, shown as
// thumbnails with what the model predicts for them after every boundary. The predictions are
// picked out of the accuracy's own (GalleryPicks), so the gallery costs no forward pass.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_event.h"
#include "data/task_sequence.h"

namespace clwb::detail {

/// Long side of a gallery thumbnail at most.
constexpr int kThumbnailSize = 64;

struct Gallery
{
    std::vector<GalleryImage> images;        ///< task by task, in gallery order
    std::vector<std::vector<int64_t>> rows;  ///< per task: its images' rows of the task's testX
};

/// Up to `perTask` test images of every task: the task's classes visited round-robin in a seeded
/// order, each class's images in a seeded order, so a task with at least `perTask` images per
/// class shows min(perTask, classes) classes. Draws from its own generator (`seed`), never the
/// run's, so training stays the same with or without it. Empty on question answering.
Gallery chooseGallery(const TaskSequence& seq, int perTask, uint64_t seed);

/// Raw images [N, C, H, W] (uint8, or float in [0, 1]; any device, also disk-backed) as
/// thumbnails [N, h, w, C] uint8 on the CPU, area-downscaled to kThumbnailSize on the long side
/// when larger.
torch::Tensor thumbnails(const torch::Tensor& raw);

/// The predictions of one evaluation row at the gallery's rows, collected batch by batch while
/// the row is scored.
class GalleryPicks
{
public:
    explicit GalleryPicks(const Gallery& gallery);
    /// Rows of task `task` follow.
    void beginTask(int task);
    /// Predicted classes `pred` of the current task's rows first .. first + pred.size(0) - 1.
    void add(int64_t first, const torch::Tensor& pred);
    /// One prediction per gallery image, in gallery order (-1 where none was added).
    const std::vector<int>& predictions() const { return out_; }

private:
    const Gallery& gallery_;
    std::vector<size_t> offset_;  ///< gallery position of each task's first image
    int task_ = -1;
    std::vector<int> out_;
};

}  // namespace clwb::detail
