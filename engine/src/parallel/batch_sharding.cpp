// SPDX-License-Identifier: GPL-3.0-or-later
#include "parallel/batch_sharding.h"

#include <algorithm>
#include <cmath>

#include "parallel/shard_gradients.h"
#include "precision.h"
#include "threads.h"

namespace clwb::detail {

void BatchSharding::start(const RunConfig& config, const torch::Device& device,
                          Strategy& strategy, TaskContext& ctx,
                          const std::function<void(const std::string&, bool)>& log)
{
    int shards = config.train.shards;
    if (shards == 0)
        shards = config.threads > 0 ? config.threads : cpuCores();
    if (shards <= 1) return;
    std::string why;
    if (!device.is_cpu()) why = "on " + device.str();
    else if (config.train.precision == "fp16") why = "with fp16";
    else if (!strategy.shardable(ctx)) why = "for " + config.strategy;
    if (!why.empty()) {
        if (config.train.shards > 1)
            log("train.shards = " + std::to_string(shards) + " ignored " + why +
                    ": batches run whole",
                true);
        return;
    }
    pool_ = std::make_unique<ShardPool>(shards);
    at::set_num_threads(1);  // the shards are the parallelism: one intra-op thread each
    log("data parallel: batches split over " + std::to_string(shards) +
            " single-threaded shards (train.shards)",
        false);
}

int BatchSharding::shardsFor(int64_t rows, Strategy& strategy, TaskContext& ctx) const
{
    if (!pool_ || !strategy.shardable(ctx)) return 1;
    const int64_t most = std::max<int64_t>(1, rows / TrainConfig::kMinShardRows);
    return int(std::min<int64_t>(pool_->shards(), most));
}

double BatchSharding::step(Strategy& strategy, StepContext& sctx, int shards,
                           torch::optim::Optimizer& opt, const std::string& precision,
                           const torch::Device& device)
{
    torch::Tensor pen;
    {
        AutocastGuard autocast(precision, device);
        sctx.batch = strategy.augment(sctx.batch, sctx);
        pen = strategy.penalty(sctx);
    }
    const Batch& whole = sctx.batch;
    const int64_t rows = whole.x.size(0);
    std::vector<ShardGradients> grads(static_cast<size_t>(shards));
    std::vector<double> values(static_cast<size_t>(shards), 0.0);
    pool_->run(shards, [&](int k) {
        const auto [b, e] = shardRange(rows, shards, k);
        torch::Tensor loss;
        {
            AutocastGuard autocast(precision, device);  // autocast state is per thread
            Batch part{whole.x.slice(0, b, e), whole.y.slice(0, b, e), {}, whole.features};
            loss = strategy.loss(part, sctx) * (double(e - b) / double(rows));
            if (k == 0 && pen.defined()) loss = loss + pen;
            loss = loss.to(torch::kFloat);
        }
        values[size_t(k)] = loss.item<double>();
        if (std::isfinite(values[size_t(k)])) grads[size_t(k)] = shardGradients(loss);
    });
    double total = 0;
    for (double v : values) total += v;
    if (std::isfinite(total)) {
        opt.zero_grad();
        accumulateShardGradients(grads);
    }
    return total;
}

torch::Tensor BatchSharding::predict(int64_t i, int64_t e, int shards,
                                     const std::function<torch::Tensor(int64_t, int64_t)>& predictRows,
                                     const std::string& precision, const torch::Device& device)
{
    if (shards <= 1 || !pool_) return predictRows(i, e);
    std::vector<torch::Tensor> parts(static_cast<size_t>(shards));
    pool_->run(shards, [&](int k) {
        AutocastGuard autocast(precision, device);
        const auto [b, f] = shardRange(e - i, shards, k);
        parts[size_t(k)] = predictRows(i + b, i + f);
    });
    return torch::cat(parts);
}

}  // namespace clwb::detail
