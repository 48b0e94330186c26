// SPDX-License-Identifier: GPL-3.0-or-later
// MIST: "Beyond Freezing: Sparse Tuning Enhances Plasticity in Continual Learning with Pre-Trained
// Models", Zhang, Lyu et al., arXiv:2505.19943; official code zhwhu/MIST (models/simplecil_mist.py,
// utils/contrastive_learning.py).
//
// A pre-adaptation stage run before every task, in front of a frozen-backbone base strategy
// (SimpleCIL by default, or the linear probe "freeze"), which then runs unchanged on the tuned and
// again frozen backbone.
// Pre-adaptation of task t (beforeTask): a projection head g = Linear(dim, 128) on the pooled
// features; L_MI = the official supervised NT-Xent over [x; aug(x)] (temperature 0.07,
// sparse_maths.h; the diagonal stays in the label normaliser and in the sum, as officially).
//  1. Scoring epoch, no update: F = mean over batches of g^2 per backbone element (frozen elements
//     zeroed).
//  2. Selection per tensor: mask = F >= quantile(F, 1 - select_rate) for every backbone tensor of
//     rank >= 2; biases, norms (rank 1) and the projection head are always selectable.
//  3. mi_epochs - 1 tuning epochs with SGD (momentum 0.9, weight decay 5e-4; backbone lr 1e-4,
//     head lr 0.01): g <- g * mask * Bernoulli(1 - drop_rate) * 0.9^overlap, frozen -> 0.
//  4. overlap += mask; frozen |= (F >= max F) per tensor (the official quantile 1.0: in practice
//     one element per tensor).
// Trains: selected backbone elements, biases/norms and the projection head during pre-adaptation;
// then whatever the base trains. Stores: overlap counts and frozen marks per backbone element, the
// projection head, and the base's state (prototypes).
// Controls (algorithms.md §5.4), each in place of steps 1-4 above:
//  - "random-per-step", the official _run_rand: mi_epochs epochs of plain class-masked CE (the
//    model's head, as the official cur-task logits), and at every step a fresh random 5 % of every
//    tensor that has a gradient (backbone, biases, norms, head) keeps its gradient; no scoring
//    epoch, dropout, overlap penalty or frozen marks.
//  - "grad-per-step", the official _run_grad: the same, but every step keeps the global top 0.5 %
//    of |grad CE| over all those tensors together (k-th largest, ties kept).
//  Both rates are the official hard-coded ones. The log reports the share of backbone weights
//  that got a gradient in at least one step, and so does the importance map.
//  - Workbench controls (not in the official code): "random-fixed" (k % per tensor at random) and
//    "grad-fixed" (top-k % per tensor by the mean |grad CE| of the scoring epoch) replace only the
//    MI-Fisher selection; the masks stay fixed for the task and L_MI, dropout, overlap penalty and
//    frozen marks stay as in MIST. objective "ce" replaces L_MI by the class-masked CE there.
// Hooks: setup, beforeTask (the stage, then the base's), plannedExtraSteps; every other hook is
// the base strategy's, frozenFeatures included: the prototype step and evaluations of a task use
// the feature cache, dropped after each pre-adaptation (TaskContext::backboneChanged).
// Importance (kind "mist-selection-density"): per layer, the share of its weights selected by at
// least one task so far; the element map is the overlap count (per-step controls: the number of
// steps in which each weight kept its gradient).
//
// Deviations from the official code, and why:
//  - Augmentation: RandomResizedCrop(scale 0.3-1) + horizontal flip on 28 px grey images (random
//    grayscale is a no-op); no colour jitter.
//  - The official divides the accumulated F by the number of batches twice; a constant factor
//    that cannot change a per-tensor quantile, so once here.
//  - mi_epochs defaults to 10 (official 20) to keep the stage within a few times a task's
//    training on two CPU cores; select_rate 10 % and drop_rate 0.9 as every released config.
//  - Faithful and so not strictly sparse: SGD momentum and weight decay still move unselected
//    weights (algorithms.md §5.5).
//  - The per-step controls run mi_epochs epochs (official `epochs` = 20, equal to mi_epochs) and
//    drop a final batch of one image, as the MI stage does.
#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "data/augment.h"
#include "strategies/sparse_maths.h"
#include "strategies/strategy.h"

namespace clwb::detail {
namespace {

namespace F = torch::nn::functional;

const char* kBases[] = {"simplecil", "freeze"};

class Mist final : public DelegatingStrategy
{
public:
    void setup(TaskContext& ctx) override
    {
        inner_ = makeStrategy(kBases[int(ctx.params.at("base"))]);
        DelegatingStrategy::setup(ctx);
        gen_ = at::detail::createCPUGenerator(uint64_t(ctx.config.seed) + 17);
        projection_ = torch::nn::Linear(ctx.model->config().dim, 128);
        projection_->to(ctx.device);
        backbone_ = ctx.model->backboneParameters();
        for (auto& p : backbone_) {
            overlap_.push_back(torch::zeros(p.sizes(), p.options().dtype(torch::kInt32)));
            frozen_.push_back(torch::zeros(p.sizes(), p.options().dtype(torch::kBool)));
        }
        if (perStep(ctx))
            for (auto& p : backbone_)
                touched_.push_back(torch::zeros(p.sizes(), p.options().dtype(torch::kInt32)));
    }

    void beforeTask(TaskContext& ctx) override
    {
        // A task starts without the last one's gradients, continued or resumed alike.
        for (auto& p : projection_->parameters()) p.mutable_grad() = torch::Tensor();
        if (int(ctx.params.at("mi_epochs")) > 0) {
            std::vector<torch::Tensor> before;
            for (const auto& p : backbone_) before.push_back(p.detach().clone());
            preAdapt(ctx);
            logMovement(ctx, before);
            if (ctx.backboneChanged) ctx.backboneChanged();  // the base then caches anew
        }
        DelegatingStrategy::beforeTask(ctx);
    }

    int64_t plannedExtraSteps(TaskContext& ctx) override
    {
        const int64_t n = trainingSize(ctx), bs = int64_t(ctx.params.at("mi_batch"));
        return int64_t(ctx.params.at("mi_epochs")) * ((n + bs - 1) / bs) +
               DelegatingStrategy::plannedExtraSteps(ctx);
    }

    // Every other hook is the base's (DelegatingStrategy): it runs unchanged on the tuned and
    // again frozen backbone, its feature cache included.

    std::optional<ImportanceSnapshot> importance(TaskContext& ctx) override
    {
        torch::NoGradGuard noGrad;
        ImportanceSnapshot snap;
        snap.task = ctx.task;
        snap.kind = "mist-selection-density";
        const auto& source = perStep(ctx) ? touched_ : overlap_;
        for (auto& l : ctx.model->linears()) {
            const auto i = indexOf(l.layer->weight);
            auto counts = source[i].to(torch::kFloat32);
            snap.cells.push_back(importanceCell(
                l.block, l.module, (counts > 0).to(torch::kFloat32).mean().item<double>(), counts));
        }
        return snap;
    }

    int64_t storedParameters() const override
    {
        int64_t n = DelegatingStrategy::storedParameters();
        for (const auto& o : overlap_) n += 2 * o.numel();  // overlap count + frozen mark
        return n + countParameters(projection_->parameters());
    }

    // The backbone is the model's (the trainer saves it); the base strategy's state goes under
    // "base/" (DelegatingStrategy).
    void saveState(StateWriter& out) const override
    {
        DelegatingStrategy::saveState(out);
        out.generator("generator", gen_);
        out.tensors("projection", projection_->parameters());
        out.tensors("overlap", overlap_);
        out.tensors("frozen", frozen_);
        out.tensors("touched", touched_);
    }

    void loadState(const StateReader& in, TaskContext& ctx) override
    {
        DelegatingStrategy::loadState(in, ctx);
        in.generator("generator", gen_);
        in.copyInto("projection", projection_->parameters());
        in.copyInto("overlap", overlap_);
        in.copyInto("frozen", frozen_);
        in.copyInto("touched", touched_);
    }

private:
    enum class Selection { MiFisher, RandomPerStep, GradPerStep, RandomFixed, GradFixed };

    static Selection selectionOf(TaskContext& ctx)
    {
        return Selection(int(ctx.params.at("selection")));
    }
    static bool perStep(TaskContext& ctx)
    {
        const auto s = selectionOf(ctx);
        return s == Selection::RandomPerStep || s == Selection::GradPerStep;
    }

    size_t indexOf(const torch::Tensor& t) const
    {
        for (size_t i = 0; i < backbone_.size(); ++i)
            if (backbone_[i].is_same(t)) return i;
        throw std::logic_error("MIST: tensor not in the backbone");
    }

    torch::Tensor miLoss(TaskContext& ctx, const torch::Tensor& x, const torch::Tensor& y)
    {
        AugmentOptions aug;
        aug.minScale = 0.3;
        aug.colorJitter = false;
        aug.noise = 0.0;
        aug.clampUnit = false;  // images are already normalised
        auto views = torch::cat({x, randomViews(x, gen_, aug)});
        auto z = F::normalize(projection_->forward(ctx.model->features(views)),
                              F::NormalizeFuncOptions().dim(1));
        return supervisedNtXent(z, torch::cat({y, y}), ctx.params.at("temperature"));
    }

    torch::Tensor ceLoss(TaskContext& ctx, const torch::Tensor& x, const torch::Tensor& y)
    {
        auto mask = ctx.seq.classMask(ctx.seq.tasks[size_t(ctx.task)].classes, ctx.device);
        return maskedCrossEntropy(ctx.model->forward(x), y, mask);
    }

    /// How far the stage moved the backbone: ||theta - theta_before|| / ||theta_before|| over
    /// every backbone element (weight decay and momentum included, so not only selected ones).
    void logMovement(TaskContext& ctx, const std::vector<torch::Tensor>& before)
    {
        torch::NoGradGuard noGrad;
        double moved = 0, norm = 0;
        for (size_t i = 0; i < backbone_.size(); ++i) {
            moved += (backbone_[i] - before[i]).pow(2).sum().item<double>();
            norm += before[i].pow(2).sum().item<double>();
        }
        std::ostringstream s;
        s.precision(3);
        s << "MIST pre-adaptation of task " << ctx.task
          << " moved the backbone by ||d theta||/||theta|| = " << std::sqrt(moved / norm);
        ctx.log(s.str());
    }

    void preAdapt(TaskContext& ctx)
    {
        const auto selection = selectionOf(ctx);
        const bool ce = perStep(ctx) || ctx.params.at("objective") == 1.0;
        const double rate = ctx.params.at("select_rate") / 100.0;
        const double drop = ctx.params.at("drop_rate");
        const int epochs = int(ctx.params.at("mi_epochs"));
        // The task's images: the base may hand out cached features (freeze), which the stage
        // cannot tune through.
        const auto data = Strategy::trainingData(ctx);
        const int64_t n = data.x.size(0), bs = int64_t(ctx.params.at("mi_batch"));

        ctx.model->setBackboneTrainable(true);
        ctx.model->train();
        std::vector<torch::Tensor> headParams;
        for (auto& p : projection_->parameters()) headParams.push_back(p);
        if (ce)
            for (auto& p : ctx.model->headParameters()) headParams.push_back(p);
        const auto sgd = [](double lr) {
            return std::make_unique<torch::optim::SGDOptions>(
                torch::optim::SGDOptions(lr).momentum(0.9).weight_decay(5e-4));
        };
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(backbone_, sgd(ctx.params.at("mi_lr")));
        groups.emplace_back(headParams, sgd(ctx.params.at("head_lr")));
        torch::optim::SGD opt(std::move(groups), torch::optim::SGDOptions(ctx.params.at("mi_lr")));

        auto lossOf = [&](const torch::Tensor& x, const torch::Tensor& y, bool forScore) {
            if (ce || (forScore && selection == Selection::GradFixed)) return ceLoss(ctx, x, y);
            return miLoss(ctx, x, y);
        };
        auto batches =
            [&](const std::function<void(const torch::Tensor&, const torch::Tensor&)>& f) {
                auto perm = torch::randperm(n, gen_).to(data.x.device());
                for (int64_t i = 0; i + 1 < n; i += bs) {  // contrastive: at least 2 images a batch
                    auto idx = perm.slice(0, i, std::min(n, i + bs));
                    f(ctx.input(data.x.index_select(0, idx.to(data.x.device()))),
                      data.y.index_select(0, idx.to(data.y.device())));
                }
            };

        if (perStep(ctx)) {
            controlRun(ctx, opt, headParams, epochs, lossOf, batches);
            return;
        }

        // 1. Scoring epoch: accumulate per-element scores, no update.
        ctx.phase = "MIST pre-adaptation";
        ctx.phaseEpoch = 0;
        ctx.phaseEpochs = epochs;
        std::vector<torch::Tensor> score;
        for (auto& p : backbone_) score.push_back(torch::zeros_like(p));
        int64_t nb = 0;
        batches([&](const torch::Tensor& x, const torch::Tensor& y) {
            auto loss = lossOf(x, y, true);
            opt.zero_grad();
            loss.backward();
            torch::NoGradGuard noGrad;
            for (size_t i = 0; i < backbone_.size(); ++i) {
                auto g = backbone_[i].grad();
                if (!g.defined()) continue;
                g = g.masked_fill(frozen_[i], 0.0);
                score[i] += selection == Selection::GradFixed ? g.abs() : g.pow(2);
            }
            ++nb;
            ctx.reportStep(loss.item<double>());
        });
        // 2. Per-tensor selection.
        std::vector<torch::Tensor> masks;
        for (size_t i = 0; i < backbone_.size(); ++i) {
            auto& s = score[i];
            s /= double(std::max<int64_t>(1, nb));
            if (s.dim() < 2) {
                masks.push_back(torch::ones_like(s, s.options().dtype(torch::kBool)));
                continue;
            }
            masks.push_back(
                selection == Selection::RandomFixed
                    ? perTensorTopMask(torch::rand(s.sizes(), gen_).to(s.device()), rate)
                    : perTensorTopMask(s, rate));
        }
        // 3. Sparse tuning with random gradient dropping and the overlap penalty.
        const double penalty = ctx.params.at("overlap_penalty");
        for (int e = 1; e < epochs; ++e) {
            ctx.phaseEpoch = e;
            batches([&](const torch::Tensor& x, const torch::Tensor& y) {
                auto loss = lossOf(x, y, false);
                opt.zero_grad();
                loss.backward();
                {
                    torch::NoGradGuard noGrad;
                    for (size_t i = 0; i < backbone_.size(); ++i) {
                        auto& g = backbone_[i].mutable_grad();
                        if (g.defined())
                            g = filterGradient(g, masks[i], overlap_[i], frozen_[i], drop, penalty,
                                               gen_);
                    }
                    for (auto& p : headParams) {
                        auto& g = p.mutable_grad();
                        if (g.defined()) g = filterGradient(g, {}, {}, {}, drop, penalty, gen_);
                    }
                }
                opt.step();
                ctx.reportStep(loss.item<double>());
            });
        }
        ctx.phase.clear();
        // 4. Book-keeping for later tasks.
        torch::NoGradGuard noGrad;
        double selected = 0, total = 0;
        for (size_t i = 0; i < backbone_.size(); ++i) {
            if (score[i].dim() < 2) continue;
            overlap_[i] += masks[i].to(torch::kInt32);
            frozen_[i] |= score[i] >= score[i].max();
            selected += masks[i].sum().item<double>();
            total += double(masks[i].numel());
        }
        ctx.model->setBackboneTrainable(false);
        ctx.log("MIST pre-adaptation: " + std::to_string(epochs) + " epochs, " +
                std::to_string(int(std::round(100.0 * selected / std::max(1.0, total)))) +
                " % of the backbone weights selected");
    }

    using LossFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, bool)>;
    using BatchFn =
        std::function<void(const std::function<void(const torch::Tensor&, const torch::Tensor&)>&)>;

    /// The official _run_rand / _run_grad: CE, masks drawn anew at every step.
    void controlRun(TaskContext& ctx, torch::optim::SGD& opt,
                    const std::vector<torch::Tensor>& head, int epochs, const LossFn& lossOf,
                    const BatchFn& batches)
    {
        const bool random = selectionOf(ctx) == Selection::RandomPerStep;
        std::vector<torch::Tensor> params = backbone_;
        params.insert(params.end(), head.begin(), head.end());
        for (int e = 0; e < epochs; ++e) {
            ctx.phase = "MIST pre-adaptation";
            ctx.phaseEpoch = e;
            ctx.phaseEpochs = epochs;
            batches([&](const torch::Tensor& x, const torch::Tensor& y) {
                auto loss = lossOf(x, y, false);
                opt.zero_grad();
                loss.backward();
                {
                    torch::NoGradGuard noGrad;
                    // Tensors with a gradient this step (the projection head has none under CE).
                    std::vector<size_t> with;
                    std::vector<torch::Tensor> grads;
                    for (size_t i = 0; i < params.size(); ++i) {
                        const auto& g = params[i].grad();
                        if (!g.defined()) continue;
                        with.push_back(i);
                        grads.push_back(g);
                    }
                    std::vector<torch::Tensor> masks;
                    if (!random) masks = globalTopMagnitudeMasks(grads, kGradRate);
                    for (size_t j = 0; j < with.size(); ++j) {
                        auto& g = params[with[j]].mutable_grad();
                        auto m = random ? randomFractionMask(g.sizes(), kRandRate, gen_, g.device())
                                        : masks[j];
                        g.mul_(m.to(g.dtype()));
                        if (with[j] < backbone_.size()) touched_[with[j]] += m.to(torch::kInt32);
                    }
                }
                opt.step();
                ctx.reportStep(loss.item<double>());
            });
        }
        ctx.phase.clear();
        torch::NoGradGuard noGrad;
        double touched = 0, total = 0;
        for (const auto& t : touched_) {
            touched += (t > 0).sum().item<double>();
            total += double(t.numel());
        }
        ctx.model->setBackboneTrainable(false);
        const int share = int(std::round(100.0 * touched / std::max(1.0, total)));
        ctx.log(std::string("MIST control ") + (random ? "random-per-step" : "grad-per-step") +
                ": " + std::to_string(epochs) + " epochs of CE, " +
                (random ? "a fresh random 5 % of every tensor" : "the global top 0.5 % of |grad|") +
                " per step; " + std::to_string(share) +
                " % of the backbone weights got a gradient so far");
    }

    static constexpr double kRandRate = 0.05;   ///< _run_rand: 5 % of each tensor per step
    static constexpr double kGradRate = 0.005;  ///< _run_grad: top 0.5 % of all gradients

    torch::Generator gen_;
    torch::nn::Linear projection_{nullptr};
    std::vector<torch::Tensor> backbone_;
    std::vector<torch::Tensor> overlap_;  ///< int32: tasks that selected each element
    std::vector<torch::Tensor> frozen_;   ///< bool
    std::vector<torch::Tensor>
        touched_;  ///< int32: steps each element kept its gradient (controls)
};

}  // namespace

StrategyInfo mistInfo()
{
    StrategyInfo info{
        "mist",
        "MIST (+ SimpleCIL)",
        "Before each task, sparsely tunes the backbone with a mutual-information objective "
        "(the most informative few % of each weight tensor, random gradient dropping), then runs "
        "a frozen-backbone method (SimpleCIL) on it.",
        "Zhang et al. 2025, arXiv:2505.19943",
        {choiceParam("base", "Base method",
                     "The frozen-backbone strategy run after each pre-adaptation.",
                     {"simplecil", "freeze"}, 0),
         choiceParam(
             "selection", "Selection",
             "mi-fisher: MIST. Official controls with plain CE and masks re-drawn every "
             "step: random-per-step (5 % of each tensor), grad-per-step (global top "
             "0.5 % of |∇CE|). Workbench controls replacing only MIST's selection, "
             "fixed per task: random-fixed (k % at random), grad-fixed (top-k % by "
             "|∇CE|).",
             {"mi-fisher", "random-per-step", "grad-per-step", "random-fixed", "grad-fixed"}, 0),
         choiceParam("objective", "Objective",
                     "mi: supervised contrastive mutual information (MIST); ce: cross-entropy "
                     "(control; the per-step controls always use ce).",
                     {"mi", "ce"}, 0),
         floatParam("select_rate", "Selected per tensor k (%)",
                    "Share of each weight tensor that may change (code 10, paper 5).", 10, 0.1,
                    100),
         floatParam("drop_rate", "Gradient drop rate",
                    "Probability of dropping each selected gradient per step (official 0.9).", 0.9,
                    0, 0.999),
         intParam("mi_epochs", "Pre-adaptation epochs",
                  "1 scoring epoch + (n-1) tuning epochs before each task (official 20).", 10, 0,
                  100),
         intParam("mi_batch", "Batch size", "Images per pre-adaptation step (official 32).", 32, 4,
                  1024),
         floatParam("mi_lr", "Backbone lr", "SGD learning rate of the backbone (official 1e-4).",
                    1e-4, 1e-6, 1, true),
         floatParam("head_lr", "Projection lr",
                    "SGD learning rate of the projection head (official 0.01).", 0.01, 1e-5, 1,
                    true),
         floatParam("temperature", "Temperature", "Contrastive temperature (official 0.07).", 0.07,
                    0.01, 1, true),
         floatParam("overlap_penalty", "Overlap penalty",
                    "Gradient factor per earlier selection of an element (official 0.9).", 0.9, 0,
                    1),
         maskedCeParam(true)}};
    info.importance = {{"mist-selection-density", "share of weights selected by MIST so far"}};
    info.phases = {"MIST pre-adaptation"};
    return info;
}

std::unique_ptr<Strategy> makeMist()
{
    return std::make_unique<Mist>();
}

}  // namespace clwb::detail
