// SPDX-License-Identifier: GPL-3.0-or-later
// Class-by-class confusion after a task boundary ("where the old classes went", docs/metrics.md):
// the counts behind each accuracy-matrix row, and the one-line reading a front end shows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clwb {

/// Predictions of every task's test set after training task `afterTask` (-1 = before training),
/// over the classes the accuracy row predicts among. counts[true * classes + predicted].
struct ConfusionMatrix
{
    int afterTask = -1;
    int classes = 0;                   ///< C, the dataset's class count
    std::vector<std::int64_t> counts;  ///< row-major C x C: rows = true class, columns = predicted
};

/// The classes of a run's dataset, indexed by class id.
struct ClassList
{
    std::vector<int> task;           ///< the task that introduces each class; -1 = in no task
    std::vector<std::string> names;  ///< the dataset's class names
};

/// Where one earlier task's test images went after a later boundary. Shares are fractions of
/// `images`; own + newest + other = 1.
struct TaskDrift
{
    int task = 0;
    std::int64_t images = 0;  ///< test images of the task's classes (row sums)
    double correct = 0;       ///< predicted as their true class (the accuracy-matrix entry)
    double own = 0;           ///< predicted as any class of their own task (correct included)
    double newest = 0;        ///< predicted as a class of the newest task `afterTask`
    double other = 0;         ///< predicted as a class of another task (or of no task)
};

struct ConfusionReading
{
    int afterTask = -1;
    std::vector<TaskDrift> earlier;  ///< tasks 0 .. afterTask-1 that have test images, in order
    int mostDrawn = -1;  ///< index into `earlier` of the largest `newest` share; -1 when empty
};

/// The reading of boundary `afterTask` ("after task 4, 71 % of task-1 images are predicted as
/// task-4 classes"): for each earlier task j, the share of its test images predicted as classes of
/// task `afterTask`, as its own task's classes, and elsewhere. Tasks are found through `classTask`
/// (size C; a task's images are the rows of the classes it introduces), so the reading is meant for
/// class-incremental sequences. Empty before task 1. Throws std::invalid_argument when `counts`
/// is not C x C.
ConfusionReading readConfusion(const std::vector<std::int64_t>& counts,
                               const std::vector<int>& classTask, int afterTask);

}  // namespace clwb
