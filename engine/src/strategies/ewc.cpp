// SPDX-License-Identifier: GPL-3.0-or-later
// EWC — Kirkpatrick et al., "Overcoming catastrophic forgetting in neural networks",
// arXiv:1612.00796 (online variant: Schwarz et al., arXiv:1805.06370).
// Trains: every weight (backbone + head). Stores: a diagonal Fisher and an anchor copy of every
// parameter (one pair per task, or a single decayed pair when online).
// Hooks: penalty ((λ/2) Σ F (θ-θ*)²), afterTask (empirical Fisher), importance (mean Fisher per
// matrix).
// Deviation: the Fisher is the squared gradient of minibatch losses (batch 32) averaged over
// batches, as Avalanche computes it, not per-sample gradients; it is cheaper and ranks the same.
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class Ewc final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
    torch::Tensor penalty(StepContext& ctx) override
    {
        if (anchors_.empty()) return {};
        auto params = ctx.task.model->parameters();
        torch::Tensor total = torch::zeros({}, torch::TensorOptions().device(ctx.task.device));
        for (size_t k = 0; k < anchors_.size(); ++k)
            for (size_t i = 0; i < params.size(); ++i)
                total = total + (fishers_[k][i] * (params[i] - anchors_[k][i]).pow(2)).sum();
        return 0.5 * ctx.task.params.at("lambda") * total;
    }

    void afterTask(TaskContext& ctx) override
    {
        auto params = ctx.model->parameters();
        std::vector<torch::Tensor> fisher;
        for (auto& p : params) fisher.push_back(torch::zeros_like(p));
        const auto data = trainingData(ctx);
        const int64_t n =
            std::min<int64_t>(data.x.size(0), int64_t(ctx.params.at("fisher_samples")));
        auto perm = torch::randperm(data.x.size(0), torch::TensorOptions().device(ctx.device))
                        .slice(0, 0, n);
        const int64_t bs = 32;
        int batches = 0;
        ctx.model->eval();
        for (int64_t i = 0; i < n; i += bs) {
            auto idx = perm.slice(0, i, std::min(n, i + bs));
            ctx.model->zero_grad();
            auto loss = torch::nn::functional::cross_entropy(
                ctx.model->forward(ctx.input(data.x.index_select(0, idx.to(data.x.device())))),
                data.y.index_select(0, idx));
            loss.backward();
            for (size_t j = 0; j < params.size(); ++j)
                if (params[j].grad().defined()) fisher[j] += params[j].grad().detach().pow(2);
            ++batches;
        }
        ctx.model->zero_grad();
        for (auto& f : fisher) f /= double(std::max(1, batches));
        std::vector<torch::Tensor> anchor;
        for (auto& p : params) anchor.push_back(p.detach().clone());
        if (ctx.params.at("online") != 0.0 && !fishers_.empty()) {
            const double gamma = ctx.params.at("gamma");
            for (size_t j = 0; j < fisher.size(); ++j)
                fishers_[0][j] = gamma * fishers_[0][j] + fisher[j];
            anchors_[0] = anchor;
        } else {
            fishers_.push_back(fisher);
            anchors_.push_back(anchor);
        }
        lastFisher_ = fisher;
    }

    std::optional<ImportanceSnapshot> importance(TaskContext& ctx) override
    {
        if (lastFisher_.empty()) return std::nullopt;
        ImportanceSnapshot snap;
        snap.task = ctx.task;
        snap.kind = "fisher";
        // Map each named linear weight to its Fisher tensor by identity of the parameter.
        auto params = ctx.model->parameters();
        for (auto& l : ctx.model->linears()) {
            for (size_t j = 0; j < params.size(); ++j) {
                if (params[j].unsafeGetTensorImpl() != l.layer->weight.unsafeGetTensorImpl())
                    continue;
                snap.cells.push_back(importanceCell(
                    l.block, l.module, lastFisher_[j].mean().item<double>(), lastFisher_[j]));
            }
        }
        return snap;
    }

    int64_t storedParameters() const override
    {
        int64_t n = 0;
        for (const auto& set : fishers_) n += countParameters(set);
        for (const auto& set : anchors_) n += countParameters(set);
        return n;
    }

    void saveState(StateWriter& out) const override
    {
        out.integer("sets", int64_t(fishers_.size()));
        for (size_t k = 0; k < fishers_.size(); ++k) {
            out.tensors("fisher/" + std::to_string(k), fishers_[k]);
            out.tensors("anchor/" + std::to_string(k), anchors_[k]);
        }
        out.tensors("last_fisher", lastFisher_);
    }

    void loadState(const StateReader& in, TaskContext&) override
    {
        fishers_.clear();
        anchors_.clear();
        for (int64_t k = 0; k < in.integer("sets"); ++k) {
            fishers_.push_back(in.tensors("fisher/" + std::to_string(k)));
            anchors_.push_back(in.tensors("anchor/" + std::to_string(k)));
        }
        lastFisher_ = in.tensors("last_fisher");
    }

private:
    std::vector<std::vector<torch::Tensor>> fishers_, anchors_;
    std::vector<torch::Tensor> lastFisher_;
};

}  // namespace

StrategyInfo ewcInfo()
{
    StrategyInfo info{
        "ewc",
        "EWC",
        "Penalises changes to weights that mattered for earlier tasks (diagonal Fisher).",
        "Kirkpatrick et al. 2017, arXiv:1612.00796",
        {floatParam("lambda", "λ", "Penalty strength; 1e2–1e5 is typical for small nets.", 1000, 0,
                    1e7, true),
         intParam("fisher_samples", "Fisher samples",
                  "Training images used to estimate the Fisher.", 1024, 32, 60000),
         boolParam("online", "Online EWC",
                   "Keep one decayed Fisher and one anchor instead of one per task.", false),
         floatParam("gamma", "Online decay γ", "F ← γF + F_t (online EWC only).", 1.0, 0.0, 1.0),
         maskedCeParam(false)}};
    info.importance = {{"fisher", "Fisher information"}};
    return info;
}

std::unique_ptr<Strategy> makeEwc()
{
    return std::make_unique<Ewc>();
}

}  // namespace clwb::detail
