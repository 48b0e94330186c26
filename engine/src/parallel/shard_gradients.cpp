// SPDX-License-Identifier: GPL-3.0-or-later
#include "parallel/shard_gradients.h"

#include <unordered_map>
#include <unordered_set>

#include <torch/csrc/autograd/functions/accumulate_grad.h>

namespace clwb::detail {

namespace {

/// Leaves in a fixed order (depth-first over next edges): the same graph gives the same list.
std::vector<torch::Tensor> reachableLeaves(const torch::Tensor& root)
{
    using torch::autograd::Node;
    std::vector<torch::Tensor> leaves;
    std::vector<Node*> stack;
    std::unordered_set<Node*> seen;
    if (root.grad_fn()) stack.push_back(root.grad_fn().get());
    while (!stack.empty()) {
        Node* node = stack.back();
        stack.pop_back();
        for (const auto& edge : node->next_edges()) {
            Node* next = edge.function.get();
            if (!next || !seen.insert(next).second) continue;
            if (auto* acc = dynamic_cast<torch::autograd::AccumulateGrad*>(next))
                leaves.push_back(acc->variable);
            else
                stack.push_back(next);
        }
    }
    return leaves;
}

}  // namespace

ShardGradients shardGradients(const torch::Tensor& loss)
{
    ShardGradients out;
    out.leaves = reachableLeaves(loss);
    if (out.leaves.empty()) return out;
    out.grads = torch::autograd::grad({loss}, out.leaves, /*grad_outputs=*/{},
                                      /*retain_graph=*/false, /*create_graph=*/false,
                                      /*allow_unused=*/true);
    return out;
}

void accumulateShardGradients(const std::vector<ShardGradients>& shards)
{
    torch::NoGradGuard noGrad;
    std::unordered_map<const void*, size_t> slot;
    std::vector<torch::Tensor> leaves, sums;
    for (const auto& s : shards)
        for (size_t i = 0; i < s.leaves.size(); ++i) {
            const auto& g = s.grads[i];
            if (!g.defined()) continue;
            auto [it, fresh] = slot.emplace(s.leaves[i].unsafeGetTensorImpl(), leaves.size());
            if (fresh) {
                leaves.push_back(s.leaves[i]);
                sums.push_back(g);
            } else {
                sums[it->second] = sums[it->second] + g;
            }
        }
    for (size_t i = 0; i < leaves.size(); ++i) {
        auto& grad = leaves[i].mutable_grad();
        if (grad.defined()) grad.add_(sums[i]);
        else grad = sums[i].detach();
    }
}

}  // namespace clwb::detail
