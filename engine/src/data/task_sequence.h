// SPDX-License-Identifier: GPL-3.0-or-later
// A task sequence resolved to tensors: raw images (uint8 at their stored resolution, on the training
// device when they fit) from which batches are index_select calls, turned into model input per
// batch by `input` (resize, augmentation, normalisation on the device).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"
#include "data/preprocess.h"

namespace clwb::detail {

struct TaskData
{
    std::vector<int> classes;  ///< classes this task introduces (all, for domain-incremental)
    torch::Tensor trainX, trainY;  ///< raw images [N,C,H,W] (TaskSequence::input), labels [N]
    torch::Tensor testX, testY;
    torch::Tensor curveX, curveY;  ///< small test subset for live curves
    torch::Tensor curveIndex;      ///< rows of testX that make curveX (int64, testX's device)
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
    Preprocess prep;  ///< raw batch -> model input
    /// Images over data.memory_limit_mb: trainX/testX are views of a file on disk, one range per
    /// task in task order, read a batch at a time (trainer: BatchPrefetcher).
    bool streamed = false;

    /// Model input of a raw batch (any slice of trainX/testX/curveX), on the training device;
    /// `train` applies the configured augmentation.
    torch::Tensor input(const torch::Tensor& raw, bool train = false) const { return prep(raw, train); }

    int size() const { return int(tasks.size()); }
    /// Training images and labels of tasks 0..t together (a view, not a copy, when streamed).
    std::pair<torch::Tensor, torch::Tensor> trainUnion(int t) const;
    /// Classes that may be predicted after training task `t` (t = -1: before training).
    std::vector<int> seenClasses(int t) const;
    /// Boolean mask [numClasses] of `classes`, on `device`.
    torch::Tensor classMask(const std::vector<int>& classes, torch::Device device) const;
};

/// Builds the sequence described by `config.data` (and the model's image size, channels and
/// normalisation). Throws std::runtime_error with a readable message when data is missing or
/// invalid. `log(level, line)` receives warnings (skipped images) and facts (sizes, cache use).
TaskSequence buildTaskSequence(const RunConfig& config, torch::Device device,
                               const std::function<void(int, const std::string&)>& log = {});

}  // namespace clwb::detail
