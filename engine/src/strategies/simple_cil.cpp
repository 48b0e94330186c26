// SPDX-License-Identifier: GPL-3.0-or-later
// SimpleCIL — Zhou et al., "Revisiting Class-Incremental Learning with Pre-Trained Models:
// Generalizability and Adaptivity are All You Need", arXiv:2303.07338.
// Trains: nothing. Freezes: the whole backbone. Stores: one prototype (mean feature) per class.
// Hooks: trains() = false, afterTask (prototypes of the task's classes), frozenFeatures +
// logitsFromFeatures (cosine to prototypes). Prediction = argmax_c cos(f(x), p_c) over classes
// seen so far. Features come from the trainer's cache: one forward pass over the data per run.
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class SimpleCil final : public Strategy
{
public:
    void setup(TaskContext& ctx) override
    {
        ctx.model->setBackboneTrainable(false);
        prototypes_ = torch::zeros({ctx.seq.numClasses, ctx.model->config().dim},
                                   torch::TensorOptions().device(ctx.device));
    }

    bool trains(TaskContext&) const override { return false; }

    void afterTask(TaskContext& ctx) override
    {
        torch::NoGradGuard noGrad;
        const auto f = ctx.features(ctx.task, FeatureSplit::Train);
        const auto& y = ctx.seq.tasks[size_t(ctx.task)].trainY;
        for (int c : ctx.seq.tasks[size_t(ctx.task)].classes) {
            auto sel = f.index({y == c});
            if (sel.size(0) > 0) prototypes_[c] = sel.mean(0);
        }
        stored_ += int64_t(ctx.seq.tasks[size_t(ctx.task)].classes.size()) * prototypes_.size(1);
    }

    bool frozenFeatures(TaskContext&) const override { return true; }

    torch::Tensor logits(const torch::Tensor& x, TaskContext& ctx) override
    {
        return logitsFromFeatures(ctx.model->features(x), ctx);
    }

    torch::Tensor logitsFromFeatures(const torch::Tensor& features, TaskContext&) override
    {
        namespace F = torch::nn::functional;
        auto f = F::normalize(features, F::NormalizeFuncOptions().dim(1));
        auto p = F::normalize(prototypes_, F::NormalizeFuncOptions().dim(1));
        return torch::matmul(f, p.t());
    }

    int64_t storedParameters() const override { return stored_; }

    void saveState(StateWriter& out) const override
    {
        out.tensor("prototypes", prototypes_);
        out.integer("stored", stored_);
    }

    void loadState(const StateReader& in, TaskContext&) override
    {
        prototypes_ = in.tensor("prototypes");
        stored_ = in.integer("stored");
    }

private:
    torch::Tensor prototypes_;
    int64_t stored_ = 0;
};

}  // namespace

StrategyInfo simpleCilInfo()
{
    return {"simplecil", "SimpleCIL",
            "No training: a cosine classifier over class-mean features of the frozen backbone.",
            "Zhou et al. 2023, arXiv:2303.07338",
            {}};
}

std::unique_ptr<Strategy> makeSimpleCil() { return std::make_unique<SimpleCil>(); }

}  // namespace clwb::detail
