// SPDX-License-Identifier: GPL-3.0-or-later
// O-LoRA: "Orthogonal Subspace Learning for Language Model Continual Learning", Wang et al.,
// EMNLP Findings 2023, arXiv:2310.14152; official code cmnfriend/O-LoRA (src/uie_trainer_lora.py,
// src/run_uie_lora.py).
//
// Modules: the official LoraConfig (no target_modules) adapts T5's q and v, each with its own LoRA
// and its own orthogonality term. Here q and v are row units of the fused qkv layer (LoraLinear
// units: B [dim, r] on their rows only), so the default ("qkv" target, qkv_units "q, v") adapts
// exactly q and v; qkv_units "q, k, v" and the other targets are offered for comparisons.
// Trains: a fresh LoRA (A_t, B_t) per task and module, plus the head (class-masked CE by default,
// algorithms.md §7). Freezes: the backbone and every previous task's LoRA, which stays in the
// forward pass as a separate adapter (W0 + sum_i s B_i A_i; not merged, because the penalty needs
// the old A's). Stores: all per-task adapters (A and B).
// Loss: CE + lambda1 * sum_modules sum_ab |A_old A_t^T|_ab + lambda2 * sum_{A_t, B_t} ||.||_2, with
// A_old the row-stack of all previous A's of that module (lora_maths.h).
// Gradients: clipped to a global norm of grad_clip (1.0) over the trainable parameters in
// afterBackward, as the HF trainer's default max_grad_norm (DeepSpeed's "auto" clipping) does.
// Hooks: setup (freeze backbone), beforeTask (add adapter t), trainableParameters (head + adapter
// t), penalty (orthogonality + L2), afterBackward (clip), afterTask (freeze adapter t),
// importance, storedParameters.
// Importance (kind "o-lora-task-update"): per layer, ||s B_t A_t||_F / ||W0||_F of the task's own
// adapters (q and v rows together on qkv), with its element map; layers without adapters score 0.
//
// Deviations from the official code, and why:
//  - The paper writes ||A_i A_t^T||^2; like the code we use the sum of absolute entries, and the
//    lambda2 term is the code's unsquared per-tensor norm (default lambda2 = 0, so it is inert).
//  - r = 8, alpha = 32 as the official LoraConfig; LoRA dropout (0.1) is not implemented, as no
//    engine strategy uses dropout. Rank budget: T*r must stay <= d_in for exact orthogonality
//    (5 tasks x 8 = 40 <= 64 for the tiny ViT).
//  - O-LoRA has no classifier head (T5 generates labels); here a linear head is trained with
//    class-masked CE like every head-training strategy in the workbench, and it is clipped
//    together with the LoRAs (the official clips every trainable parameter, i.e. the LoRAs).
//  - lr, epochs, batch size come from the run's "train" block (the official: lr 1e-3, 1 epoch,
//    constant schedule, AdamW through the HF trainer).
#include "strategies/lora_maths.h"
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

std::string taskAdapter(int task)
{
    return "olora" + std::to_string(task);
}

class OLora final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
    void setup(TaskContext& ctx) override
    {
        ctx.model->setBackboneTrainable(false);
        sites_ = loraSites(ctx, qkvUnits(ctx.params.at("qkv_units")));
    }

    void beforeTask(TaskContext& ctx) override
    {
        current_ = taskAdapter(ctx.task);
        for (auto& s : sites_)
            s.linear.layer->addAdapter(s.adapterName(current_), int64_t(ctx.params.at("rank")),
                                       ctx.params.at("alpha"), s.unit);
    }

    std::vector<torch::Tensor> trainableParameters(TaskContext& ctx) override
    {
        trainable_ = ctx.model->headParameters();
        for (auto& s : sites_) {
            auto& ad = s.linear.layer->adapter(s.adapterName(current_));
            trainable_.push_back(ad.a);
            trainable_.push_back(ad.b);
        }
        return trainable_;
    }

    torch::Tensor penalty(StepContext& ctx) override
    {
        const double lambda1 = ctx.task.params.at("lambda1");
        const double lambda2 = ctx.task.params.at("lambda2");
        if (lambda1 == 0.0 && lambda2 == 0.0) return {};
        torch::Tensor orth, l2;
        for (auto& s : sites_) {
            const auto name = s.adapterName(current_);
            std::vector<torch::Tensor> oldAs;  // the same module's earlier tasks
            for (int t = 0; t < ctx.task.task; ++t)
                oldAs.push_back(s.linear.layer->adapter(s.adapterName(taskAdapter(t))).a);
            auto& ad = s.linear.layer->adapter(name);
            auto o = oLoraOrthogonality(oldAs, ad.a);
            auto n = sumOfNorms({ad.a, ad.b});
            orth = orth.defined() ? orth + o : o;
            l2 = l2.defined() ? l2 + n : n;
        }
        if (!orth.defined()) return {};
        return lambda1 * orth + lambda2 * l2;
    }

    void afterBackward(StepContext& ctx) override
    {
        const double clip = ctx.task.params.at("grad_clip");
        if (clip > 0) torch::nn::utils::clip_grad_norm_(trainable_, clip);
    }

    void afterTask(TaskContext&) override
    {
        stored_ = 0;
        for (auto& s : sites_)
            for (auto& [name, ad] : s.linear.layer->adapters()) {
                if (ad.unit != s.unit) continue;
                // The finished task's LoRA joins the frozen sum (loranew -> lora in the code).
                ad.a.set_requires_grad(false);
                ad.b.set_requires_grad(false);
                stored_ += ad.a.numel() + ad.b.numel();
            }
    }

    std::optional<ImportanceSnapshot> importance(TaskContext& ctx) override
    {
        // ||s B_t A_t||_F / ||W0||_F of this task's adapters
        return adapterUpdateSnapshot(ctx.model, current_, ctx.task, "o-lora-task-update");
    }

    int64_t storedParameters() const override { return stored_; }

    // The per-task adapters are the model's (the trainer saves and rebuilds them).
    void saveState(StateWriter& out) const override
    {
        out.text("current", current_);
        out.integer("stored", stored_);
    }

    void loadState(const StateReader& in, TaskContext&) override
    {
        current_ = in.text("current");
        stored_ = in.integer("stored");
    }

private:
    std::vector<LoraSite> sites_;
    std::vector<torch::Tensor> trainable_;
    std::string current_;
    int64_t stored_ = 0;
};

}  // namespace

StrategyInfo oLoraInfo()
{
    auto targets = loraTargetsParam();
    targets.defaultValue = 1;  // "qkv", split into q and v by qkv_units: the official T5 modules
    StrategyInfo info{
        "o-lora",
        "O-LoRA",
        "A fresh LoRA per task whose input subspace (A) is pushed orthogonal to all previous "
        "tasks' LoRAs; old LoRAs stay frozen in the sum.",
        "Wang et al. 2023, arXiv:2310.14152",
        {loraRankParam(), loraAlphaParam(32),
         floatParam("lambda1", "λ1 (orthogonality)",
                    "Weight of Σ|A_old·A_tᵀ| (sum of absolute entries, per module).", 0.5, 0, 10),
         floatParam("lambda2", "λ2 (L2)",
                    "Weight of the L2 norms of the new task's A and B (official: 0).", 0, 0, 1),
         floatParam("grad_clip", "Gradient clip",
                    "Max global gradient norm of the trainable parameters (0 = off; official "
                    "1.0, the HF trainer default).",
                    1.0, 0, 100),
         targets, qkvUnitsParam(0), maskedCeParam(true)},
        true};
    info.importance = {{"o-lora-task-update", "this task's LoRA update (‖sBA‖/‖W₀‖)"}};
    return info;
}

std::unique_ptr<Strategy> makeOLora()
{
    return std::make_unique<OLora>();
}

}  // namespace clwb::detail
