// SPDX-License-Identifier: GPL-3.0-or-later
// A task sequence resolved to tensors on the training device: batches are index_select calls.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"

namespace clwb::detail {

struct TaskData
{
    std::vector<int> classes;  ///< classes this task introduces (all, for domain-incremental)
    torch::Tensor trainX, trainY;  ///< normalised images [N,C,H,W], labels [N]
    torch::Tensor testX, testY;
    torch::Tensor curveX, curveY;  ///< small test subset for live curves
    // Question answering only (scenario "qa", data/qa_tasks.h); undefined otherwise.
    int style = -1;  ///< native QaStyle of the task
    torch::Tensor trainQ, trainA;  ///< question tokens [N, 5], answer tokens [N, 5]
    torch::Tensor testQ, testA;    ///< native-style test questions
    torch::Tensor curveQ, curveA;
};

struct TaskSequence
{
    std::vector<TaskData> tasks;
    int numClasses = 10;
    bool classIncremental = true;
    bool qa = false;  ///< question-answering sequence: y of a batch = answer tokens
    std::vector<std::string> classNames;

    int size() const { return int(tasks.size()); }
    /// Classes that may be predicted after training task `t` (t = -1: before training).
    std::vector<int> seenClasses(int t) const;
    /// Boolean mask [numClasses] of `classes`, on `device`.
    torch::Tensor classMask(const std::vector<int>& classes, torch::Device device) const;
};

/// Builds the sequence described by `config.data` (and the model's image size / channels).
/// Throws std::runtime_error with a readable message when data is missing or invalid.
TaskSequence buildTaskSequence(const RunConfig& config, torch::Device device);

}  // namespace clwb::detail
