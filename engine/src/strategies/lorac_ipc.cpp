// SPDX-License-Identifier: GPL-3.0-or-later
// LoRAC-IPC: "LoRA-Based Continual Learning with Constraints on Critical Parameter Changes",
// Ling, Zhang, Zhao, Pan, Li, arXiv:2504.13407; official code learninginvision/LoRAC-IPC
// (peft/lora/comp_ilora_mask_allw.py, the main "mask allw" variant, without TII).
//
// Units: every adapted weight matrix is one unit (l, m) with m in {q, k, v, proj, fc1, fc2}; the
// fused qkv layer holds three row units q, k, v (LoraLinear units: each LoRA's B covers its rows
// only), so N_mat = 6 x depth as in the paper and the official separate q/k/v pools.
// Each unit has a per-task LoRA pool A_i [r, d_in], B_i [rows, r] (alpha = 1, s = 1/r), one learned
// scalar omega per old LoRA (LoraAdapter::gate, initialised to 1) and an "unfrozen" mask bit M.
// Init as the official reset_parameters: B = 0 and kaiming_uniform_(a = sqrt 5) on the code's
// [d_in, r] layout of A, whose fan-in is r: A ~ U(±1/sqrt r) (LoraInit::RankFanIn; peft's
// [r, d_in] layout would give U(±1/sqrt d_in), 2.8x smaller at d_in = 64, r = 8).
// Forward while training task t:  dW = s (sum_{i<t} omega_i B_i A_i + M B_t A_t); the new LoRA has
// no omega during its own task.
// Trains: A_t, B_t of unfrozen units, the omegas of old LoRAs of unfrozen units, the head
// (class-masked CE). Freezes: the backbone, all old A_i/B_i, the new LoRA and the omegas of frozen
// units. Stores: every enabled A_i/B_i, one omega snapshot per task (omega-bar^(t)), the mask.
// Loss: CE + lambda_orth * sum_{unfrozen units} ||Q Q^T - I||_F, Q = [A_1; ...; A_t] with the old
// A's detached (task 1 included; lora_maths.h).
// IPC, every step (afterBackward): I = mean |W * dL/dW| on the full effective matrix W = W0 + dW of
// each unit, I-bar/U-bar EMAs (beta1 = beta2 = 0.85), score = I-bar * U-bar. After each task:
// snapshot omega, mask scores of frozen units to 0, freeze every unit scoring >= the k-th largest
// score, k = floor(threshold * N_mat), and reset the EMAs. A frozen unit's dW is then fixed for
// good: its later LoRAs are gated off (adapter disabled, out of autograd, gradients dropped in
// afterBackward) and its omegas stay at their snapshot.
// Hooks: setup, beforeTask, trainableParameters, penalty, afterBackward (gating, IPC scores,
// gradient clipping), afterTask, importance, storedParameters.
// Importance (kind "ipc-score"): per layer, the sum of its units' end-of-task scores (before
// masking). The element map has one row per unit (q, k, v top to bottom for qkv, as in W's rows)
// and two columns: the unit's score, and a frozen mark (the snapshot's largest score if the unit is
// frozen after this task, else 0), so frozen matrices stand out on the same colour scale.
//
// Deviations from the official code, and why:
//  - Official quirk fixed knowingly: cal_delta_w gates k's new LoRA with q's mask; here each unit
//    uses its own mask, as the paper describes.
//  - A unit is frozen only with a score > 0: the official `>=` on the k-th score freezes every
//    matrix when fewer than k unfrozen matrices have a non-zero score (masked scores are 0).
//  - The q/k/v units live in the fused qkv layer as row-ranged adapters (B [dim, r] on their
//    rows), so the maths and parameter counts equal separate q/k/v matrices. The effective-weight
//    gradient is read from the base weight (dL/dW0 = dL/dW); the base weights get requires_grad
//    for this but never reach the optimiser.
//  - Gated (frozen-unit) LoRAs are kept disabled in the layer and not counted as stored: their B
//    stays zero, so they are identically zero in the official pool too.
//  - No TII / task-adaptive head retraining (algorithms.md §2.4: the main comparison is without
//    TII, last omega snapshot). Evaluation uses the live omegas, equal to the last snapshot.
//  - Tiny-ViT scaling (algorithms.md §2.4): r = 8 per task (5 x 8 = 40 <= d_in = 64), N_mat = 24,
//    so threshold 0.05 freezes 1 matrix per task and 0.1 freezes 2. The lr, schedule and epochs
//    come from the run's "train" block (official: Adam, effective lr 1.5e-3, cosine, 10 epochs);
//    AdamW's weight decay is the run's (0 by default, as the official).
#include <algorithm>
#include <set>
#include <sstream>

#include "strategies/lora_maths.h"
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

struct Unit
{
    LoraLinear layer{nullptr};
    int block = 0;
    std::string module;  ///< the layer: qkv | proj | fc1 | fc2
    std::string sub;     ///< the matrix: q | k | v | proj | fc1 | fc2
    std::string unit;    ///< the layer's row unit ("" = all rows)
    int64_t row0 = 0;    ///< first row of this matrix in the layer's weight
    int64_t rows = 0;
    bool frozen = false;  ///< M = 0
    IpcEma ema;
    double score = 0;               ///< I-bar * U-bar at the end of the last task
    std::vector<std::string> pool;  ///< adapter names, one per task
};

class LoracIpc final : public Strategy
{
public:
    bool shardable(TaskContext&) const override { return true; }  // pure loss and logits
    void setup(TaskContext& ctx) override
    {
        ctx.model->setBackboneTrainable(false);
        for (auto& site : loraSites(ctx, {"q", "k", "v"})) {
            auto& layer = site.linear.layer;
            const bool whole = site.unit.empty();
            const int64_t row0 = whole ? 0 : layer->unit(site.unit).begin;
            const int64_t rows = whole ? layer->outFeatures() : layer->unit(site.unit).rows();
            units_.push_back(
                {layer, site.linear.block, site.linear.module, site.matrix, site.unit, row0, rows});
            if (layers_.empty() || layers_.back().get() != layer.get()) {
                // dL/dW of the effective matrix equals dL/dW0; the optimiser never sees W0.
                layer->weight.set_requires_grad(true);
                layers_.push_back(layer);
            }
        }
    }

    void beforeTask(TaskContext& ctx) override
    {
        const auto rank = int64_t(ctx.params.at("rank"));
        for (auto& u : units_) {
            const std::string name = "t" + std::to_string(ctx.task) + "." + u.sub;
            auto& ad = u.layer->addAdapter(name, rank, ctx.params.at("alpha"), u.unit,
                                           LoraInit::RankFanIn);
            u.pool.push_back(name);
            if (u.frozen) gateAdapter(ad);  // M_{t-1} = 0: the new LoRA never contributes
        }
    }

    std::vector<torch::Tensor> trainableParameters(TaskContext& ctx) override
    {
        trainable_ = ctx.model->headParameters();
        for (auto& u : units_) {
            if (u.frozen) continue;
            trainable_.push_back(current(u).a);
            trainable_.push_back(current(u).b);
            for (size_t i = 0; i + 1 < u.pool.size(); ++i) {
                auto& ad = u.layer->adapter(u.pool[i]);
                if (ad.enabled) trainable_.push_back(ad.gate);
            }
        }
        return trainable_;
    }

    torch::Tensor penalty(StepContext& ctx) override
    {
        const double lambda = ctx.task.params.at("ortho");
        if (lambda == 0.0) return {};
        torch::Tensor sum;
        for (auto& u : units_) {
            if (u.frozen) continue;  // skipped for frozen matrices, as the official loss_ortho
            std::vector<torch::Tensor> oldAs;
            for (size_t i = 0; i + 1 < u.pool.size(); ++i) {
                const auto& ad = u.layer->adapter(u.pool[i]);
                if (ad.enabled) oldAs.push_back(ad.a);
            }
            auto l = loracOrthonormality(oldAs, current(u).a);
            sum = sum.defined() ? sum + l : l;
        }
        return sum.defined() ? lambda * sum : sum;
    }

    void afterBackward(StepContext& ctx) override
    {
        for (auto& u : units_)
            if (u.frozen) dropGradients(current(u));
        updateScores(ctx.task.params.at("beta1"), ctx.task.params.at("beta2"));
        const double clip = ctx.task.params.at("grad_clip");
        if (clip > 0) torch::nn::utils::clip_grad_norm_(trainable_, clip);
    }

    void afterTask(TaskContext& ctx) override
    {
        torch::NoGradGuard noGrad;
        std::vector<float> snapshot;
        std::vector<double> scores;
        std::vector<bool> frozen;
        for (auto& u : units_) {
            auto& ad = current(u);
            if (ad.enabled) {
                ad.a.set_requires_grad(false);
                ad.b.set_requires_grad(false);
                // Its omega, 1 until the next task trains it (omega-bar^(t)_t = 1).
                ad.gate = torch::ones({}, ad.a.options()).set_requires_grad(!u.frozen);
            }
            for (const auto& name : u.pool) {
                const auto& p = u.layer->adapter(name);
                if (p.enabled) snapshot.push_back(p.gate.item<float>());
            }
            u.score = u.ema.score();
            scores.push_back(u.score);
            frozen.push_back(u.frozen);
            u.ema.reset();
        }
        omegaSnapshots_.push_back(std::move(snapshot));

        frozenNow_.clear();
        if (ctx.params.at("ipc") != 0.0) {
            const auto next = ipcFreeze(scores, frozen, ctx.params.at("threshold"));
            for (size_t i = 0; i < units_.size(); ++i) {
                if (next[i] && !units_[i].frozen) {
                    units_[i].frozen = true;
                    frozenNow_.insert(i);
                    // The omegas of a frozen matrix stay at this task's snapshot.
                    for (const auto& name : units_[i].pool) {
                        auto& g = units_[i].layer->adapter(name).gate;
                        if (g.defined()) g.set_requires_grad(false);
                    }
                }
            }
        }
        stored_ = int64_t(units_.size());  // the mask M
        for (const auto& snap : omegaSnapshots_) stored_ += int64_t(snap.size());
        for (auto& u : units_)
            for (const auto& name : u.pool) {
                const auto& ad = u.layer->adapter(name);
                if (ad.enabled) stored_ += ad.a.numel() + ad.b.numel();
            }

        std::ostringstream s;
        int total = 0;
        for (const auto& u : units_) total += u.frozen ? 1 : 0;
        s << "IPC after task " << ctx.task << ": froze";
        for (size_t i : frozenNow_) s << " blocks." << units_[i].block << "." << units_[i].sub;
        if (frozenNow_.empty()) s << " nothing";
        s << " (" << total << "/" << units_.size() << " matrices frozen)";
        ctx.log(s.str());
    }

    std::optional<ImportanceSnapshot> importance(TaskContext& ctx) override
    {
        ImportanceSnapshot snap;
        snap.task = ctx.task;
        snap.kind = "ipc-score";  // I-bar * U-bar per matrix; map column 2 marks frozen ones
        double peak = 0;
        for (const auto& u : units_) peak = std::max(peak, u.score);
        for (auto& l : ctx.model->linears()) {
            std::vector<const Unit*> mine;
            for (size_t i = 0; i < units_.size(); ++i)
                if (units_[i].layer.get() == l.layer.get()) mine.push_back(&units_[i]);
            ImportanceCell cell;
            cell.block = l.block;
            cell.module = l.module;
            if (!mine.empty()) {
                cell.rows = int(mine.size());
                cell.cols = 2;
                for (const auto* u : mine) {
                    cell.score += u->score;
                    cell.map.push_back(float(u->score));
                    cell.map.push_back(u->frozen ? float(peak) : 0.0f);
                }
            }
            snap.cells.push_back(std::move(cell));
        }
        return snap;
    }

    int64_t storedParameters() const override { return stored_; }

    // The LoRA pools and omegas are the model's adapters and gates (the trainer saves and
    // rebuilds them); here the mask, the scores and the omega snapshots.
    void saveState(StateWriter& out) const override
    {
        for (size_t i = 0; i < units_.size(); ++i) {
            auto u = out.scope("unit").scope(std::to_string(i));
            u.integer("frozen", units_[i].frozen ? 1 : 0);
            u.real("sensitivity", units_[i].ema.sensitivity);
            u.real("uncertainty", units_[i].ema.uncertainty);
            u.real("score", units_[i].score);
            u.texts("pool", units_[i].pool);
        }
        out.integer("snapshots", int64_t(omegaSnapshots_.size()));
        for (size_t k = 0; k < omegaSnapshots_.size(); ++k)
            out.tensor("snapshot/" + std::to_string(k),
                       torch::tensor(omegaSnapshots_[k], torch::kFloat32));
        out.integer("stored", stored_);
    }

    void loadState(const StateReader& in, TaskContext&) override
    {
        for (size_t i = 0; i < units_.size(); ++i) {
            const auto u = in.scope("unit").scope(std::to_string(i));
            units_[i].frozen = u.integer("frozen") != 0;
            units_[i].ema.sensitivity = u.real("sensitivity");
            units_[i].ema.uncertainty = u.real("uncertainty");
            units_[i].score = u.real("score");
            units_[i].pool = u.texts("pool");
        }
        omegaSnapshots_.clear();
        for (int64_t k = 0; k < in.integer("snapshots"); ++k) {
            const auto t = in.tensor("snapshot/" + std::to_string(k)).contiguous();
            omegaSnapshots_.emplace_back(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        }
        stored_ = in.integer("stored");
    }

private:
    LoraAdapter& current(Unit& u) { return u.layer->adapter(u.pool.back()); }

    void updateScores(double beta1, double beta2)
    {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> ipt;
        for (auto& layer : layers_) {
            auto& g = layer->weight.mutable_grad();
            if (!g.defined()) return;  // no backward pass reached the backbone
            const auto w = layer->effectiveWeight();
            for (auto& u : units_)
                if (u.layer.get() == layer.get())
                    ipt.push_back(
                        ipcSensitivity(w.narrow(0, u.row0, u.rows), g.narrow(0, u.row0, u.rows)));
            g = torch::Tensor();  // W0 is not optimised: drop its gradient before the next step
        }
        const auto values = torch::stack(ipt).to(torch::kCPU, torch::kDouble);
        for (size_t i = 0; i < units_.size(); ++i)
            units_[i].ema.update(values[int64_t(i)].item<double>(), beta1, beta2);
    }

    std::vector<Unit> units_;  // in layer order, q/k/v consecutive
    std::vector<LoraLinear> layers_;
    std::vector<torch::Tensor> trainable_;
    std::vector<std::vector<float>> omegaSnapshots_;  ///< omega-bar^(t), enabled LoRAs in order
    std::set<size_t> frozenNow_;
    int64_t stored_ = 0;
};

}  // namespace

StrategyInfo loracIpcInfo()
{
    StrategyInfo info{
        "lorac-ipc",
        "LoRAC-IPC",
        "A per-task LoRA pool composed with learned per-matrix weights and kept orthonormal "
        "(LoRAC); after each task the most important weight matrices (sensitivity x "
        "uncertainty) are frozen for all later tasks (IPC).",
        "Ling et al. 2025, arXiv:2504.13407",
        {loraRankParam(), loraAlphaParam(1),
         floatParam("ortho", "λ orth",
                    "Weight of the orthonormality loss ‖QQᵀ−I‖_F over the stacked A's of "
                    "every unfrozen matrix.",
                    0.5, 0, 10),
         boolParam("ipc", "IPC",
                   "Important Parameter Constraints: freeze the top-scored weight matrices "
                   "after each task (off = plain LoRAC).",
                   true),
         floatParam("threshold", "IPC threshold",
                    "Fraction of all adapted matrices frozen after each task: k = ⌊threshold·"
                    "N⌋, N = 6 × depth.",
                    0.05, 0, 1),
         floatParam("beta1", "β1", "EMA factor of the sensitivity.", 0.85, 0, 0.999),
         floatParam("beta2", "β2", "EMA factor of the uncertainty.", 0.85, 0, 0.999),
         floatParam("grad_clip", "Gradient clip",
                    "Max global gradient norm of the trainable parameters (0 = off).", 1.0, 0, 100),
         loraTargetsParam(), maskedCeParam(true)}};
    info.importance = {
        {"ipc-score", "IPC score (sensitivity × uncertainty); right column marks frozen matrices"}};
    return info;
}

std::unique_ptr<Strategy> makeLoracIpc()
{
    return std::make_unique<LoracIpc>();
}

}  // namespace clwb::detail
