// SPDX-License-Identifier: GPL-3.0-or-later
// Sequential LoRA, both variants named in algorithms.md §6:
//  (a) "continue": one adapter set trained across all tasks (Recurrent-KIF's SeqLoRA, MCITlib
//      LoRA-FT);
//  (b) "merge": a fresh adapter per task, merged into W after the task (SEFE/CoIN "LoRA").
// Trains: LoRA A/B on the chosen linear layers + the head. Freezes: the backbone base weights.
// Stores: the live adapters (merged ones live in W). Hooks: setup, beforeTask, trainableParameters,
// afterTask (merge), importance (|ΔW| of the LoRA updates per module).
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

class SeqLora final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
    void setup(TaskContext& ctx) override
    {
        ctx.model->setBackboneTrainable(false);
        for (auto& l : ctx.model->linears()) base_.push_back(l.layer->weight.detach().clone());
    }

    void beforeTask(TaskContext& ctx) override
    {
        const bool merge = ctx.params.at("mode") == 1.0;
        const std::string name = merge ? "t" + std::to_string(ctx.task) : "seq";
        for (auto& l : ctx.model->linears(loraTargets(ctx.params.at("targets"))))
            if (!l.layer->hasAdapter(name))
                l.layer->addAdapter(name, int64_t(ctx.params.at("rank")), ctx.params.at("alpha"));
        current_ = name;
    }

    std::vector<torch::Tensor> trainableParameters(TaskContext& ctx) override
    {
        std::vector<torch::Tensor> out = ctx.model->headParameters();
        for (auto& l : ctx.model->linears())
            for (auto& [name, ad] : l.layer->adapters())
                if (name == current_) {
                    out.push_back(ad.a);
                    out.push_back(ad.b);
                }
        return out;
    }

    void afterTask(TaskContext& ctx) override
    {
        if (ctx.params.at("mode") != 1.0) return;
        for (auto& l : ctx.model->linears())
            if (l.layer->hasAdapter(current_)) l.layer->mergeAdapter(current_);
    }

    std::optional<ImportanceSnapshot> importance(TaskContext& ctx) override
    {
        // ||W_eff - W_0||_F / ||W_0||_F: the LoRA share of each matrix (merged ones included).
        return weightChangeSnapshot(ctx.model, base_, ctx.task, "lora-update");
    }

    int64_t storedParameters() const override { return 0; }

    // The adapters are the model's (saved by the trainer); base_ is the set-up model's weights.
    void saveState(StateWriter& out) const override { out.text("current", current_); }
    void loadState(const StateReader& in, TaskContext&) override { current_ = in.text("current"); }

private:
    std::string current_;
    std::vector<torch::Tensor> base_;
};

}  // namespace

StrategyInfo seqLoraInfo()
{
    StrategyInfo info{
        "seq-lora",
        "Sequential LoRA",
        "LoRA adapters on a frozen backbone, either one adapter continued across tasks or a "
        "fresh adapter per task merged into the weights afterwards.",
        "Hu et al. 2021, arXiv:2106.09685",
        {choiceParam("mode", "Variant",
                     "continue: one adapter trained across all tasks; merge: a fresh adapter "
                     "per task, merged into W after the task (SEFE/CoIN baseline).",
                     {"continue", "merge"}, 0),
         intParam("rank", "Rank r", "LoRA rank per adapted matrix.", 8, 1, 64),
         floatParam("alpha", "α", "LoRA scaling numerator: ΔW = (α/r)·BA.", 16, 0.1, 256, true),
         loraTargetsParam(), maskedCeParam(true)},
        true};
    info.importance = {{"lora-update", "LoRA share of each matrix (‖ΔW‖/‖W₀‖)"}};
    return info;
}

std::unique_ptr<Strategy> makeSeqLora()
{
    return std::make_unique<SeqLora>();
}

}  // namespace clwb::detail
