// SPDX-License-Identifier: GPL-3.0-or-later
// One backward pass split over shards: each shard's loss gives the gradients of the leaves its
// graph reaches (computed on the shard's own thread, nothing accumulated), and the sums, taken in
// shard order, land in .grad as one backward over the whole batch would leave them. The order is
// fixed, so a sharded run is bit-for-bit repeatable (and resumable) with the same shard count.
#pragma once

#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// The leaves of `loss`'s graph with their gradients (undefined where unused).
struct ShardGradients
{
    std::vector<torch::Tensor> leaves;
    std::vector<torch::Tensor> grads;
};

/// Gradients of `loss` with respect to every leaf requiring a gradient that a backward() from
/// it would accumulate into; the graph is freed.
ShardGradients shardGradients(const torch::Tensor& loss);

/// Adds the shards' gradients, in order, to each leaf's .grad (set when undefined), as
/// loss_0 + loss_1 + ... backward() would.
void accumulateShardGradients(const std::vector<ShardGradients>& shards);

}  // namespace clwb::detail
