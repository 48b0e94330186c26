// SPDX-License-Identifier: GPL-3.0-or-later
// Training batches gathered one step ahead on a thread of their own: a task streamed from disk
// (TaskSequence::streamed) is read while the previous step computes, and on CUDA the batch is
// gathered into pinned memory so its copy to the device is asynchronous.
#pragma once

#include <cstdint>
#include <future>

#include <torch/torch.h>

namespace clwb::detail {

class BatchPrefetcher
{
public:
    /// Batches are rows `order[i .. i + batchSize)` of `rows` (a CPU tensor), in turn.
    BatchPrefetcher(torch::Tensor rows, torch::Tensor order, std::int64_t batchSize, bool pin);
    ~BatchPrefetcher();
    BatchPrefetcher(const BatchPrefetcher&) = delete;
    BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

    /// The next batch (rethrows what reading it threw); starts reading the one after.
    torch::Tensor next();

private:
    void start();

    torch::Tensor rows_, order_;
    std::int64_t batchSize_, at_ = 0;
    bool pin_;
    std::future<torch::Tensor> ahead_;
};

}  // namespace clwb::detail
