// SPDX-License-Identifier: GPL-3.0-or-later
// The trainer's data parallelism (TrainConfig::shards): whether a run and a batch split, a
// training step's loss and gradients from its slices, and predictions from theirs.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "parallel/shard_pool.h"
#include "strategies/strategy.h"

namespace clwb::detail {

class BatchSharding
{
public:
    /// Resolves train.shards for the run (0 = one per thread: `threads`, or every core) and starts
    /// the pool when batches split: on the CPU, not with fp16, for a Strategy::shardable
    /// strategy. `log(message, warning)` gets what was decided.
    void start(const RunConfig& config, const torch::Device& device, Strategy& strategy,
               TaskContext& ctx, const std::function<void(const std::string&, bool)>& log);

    /// The slices a batch of `rows` splits into: 1 without a pool, else at most the pool's and
    /// at least TrainConfig::kMinShardRows rows each.
    int shardsFor(int64_t rows, Strategy& strategy, TaskContext& ctx) const;
    /// The pool's shard count; 1 without one.
    int poolShards() const { return pool_ ? pool_->shards() : 1; }

    /// One training step's loss over `shards` slices of sctx.batch computed at once, each
    /// slice's mean weighted by its share so the sum is the batch's mean (augment and penalty
    /// once, the penalty added to slice 0). Unless the loss is not finite, .grad is zeroed
    /// (opt.zero_grad) and holds the slices' gradients summed in slice order. Returns the loss.
    double step(Strategy& strategy, StepContext& sctx, int shards, torch::optim::Optimizer& opt,
                const std::string& precision, const torch::Device& device);

    /// predictRows(b, f) of rows [i, e) in `shards` slices computed at once, concatenated.
    torch::Tensor predict(int64_t i, int64_t e, int shards,
                          const std::function<torch::Tensor(int64_t, int64_t)>& predictRows,
                          const std::string& precision, const torch::Device& device);

private:
    std::unique_ptr<ShardPool> pool_;  ///< null = batches run whole
};

}  // namespace clwb::detail
