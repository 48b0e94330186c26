// SPDX-License-Identifier: GPL-3.0-or-later
// Freeze: frozen pretrained backbone + linear head (linear probe per task).
// Trains: the head only, with class-masked CE by default (algorithms.md §6).
// Freezes: every backbone weight. Stores: nothing. Hooks: setup (freeze), trainableParameters,
// trainingData + frozenFeatures (feature cache).
// Without augmentation every image goes through the frozen backbone once per run (the trainer's
// feature cache): epochs and evaluations then cost a head's matmul. With augmentation each step
// runs the backbone on the augmented batch, without autograd.
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class Freeze final : public Strategy
{
public:
    void setup(TaskContext& ctx) override { ctx.model->setBackboneTrainable(false); }

    std::vector<torch::Tensor> trainableParameters(TaskContext& ctx) override
    {
        return ctx.model->headParameters();
    }

    bool frozenFeatures(TaskContext& ctx) const override { return !ctx.seq.qa; }

    Batch trainingData(TaskContext& ctx) override
    {
        if (ctx.seq.qa || ctx.seq.prep.augment() != "none") return Strategy::trainingData(ctx);
        return {ctx.features(ctx.task, FeatureSplit::Train),
                ctx.seq.tasks[size_t(ctx.task)].trainY, {}, /*features=*/true};
    }

    torch::Tensor loss(const Batch& batch, StepContext& ctx) override
    {
        torch::Tensor feats = batch.x;
        if (!batch.features) {
            torch::NoGradGuard noGrad;
            feats = ctx.task.model->features(batch.x);
        }
        auto logits = ctx.task.model->head->forward(feats);
        torch::Tensor mask;
        if (ctx.task.params.at("masked_ce") != 0.0 && ctx.task.seq.classIncremental)
            mask = ctx.task.seq.classMask(ctx.task.seq.tasks[size_t(ctx.task.task)].classes,
                                          ctx.task.device);
        return maskedCrossEntropy(logits, batch.y, mask);
    }
};

}  // namespace

StrategyInfo freezeInfo()
{
    return {"freeze", "Freeze (linear probe)",
            "Frozen pretrained backbone; only a linear head is trained, class-masked.", "",
            {maskedCeParam(true)}};
}

std::unique_ptr<Strategy> makeFreeze() { return std::make_unique<Freeze>(); }

}  // namespace clwb::detail
