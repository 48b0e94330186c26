// SPDX-License-Identifier: GPL-3.0-or-later
// The strategy interface: optional hooks called by the one training loop (trainer.cpp), named
// after Avalanche's plugin points. Hooks receive an explicit context and return their results;
// they never reach into the trainer.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"
#include "clwb/run_event.h"
#include "checkpoint/state_archive.h"
#include "clwb/strategy_info.h"
#include "data/task_sequence.h"
#include "model/vit.h"

namespace clwb::detail {

enum class FeatureSplit { Train, Test };

/// What every hook may look at. `task` is the task being trained (or just trained).
struct TaskContext
{
    Vit& model;
    const TaskSequence& seq;
    const RunConfig& config;
    const ParamValues& params;  ///< resolved strategy parameters
    torch::Device device;
    std::mt19937& rng;
    int task = 0;
    /// Logs a line through the run's event stream.
    std::function<void(const std::string&)> log;
    /// Reports one optimisation step the strategy ran itself (MIST's pre-adaptation, KIF's outer
    /// steps): it counts towards progress and ETA, and throws RunCancelled when the user stopped.
    std::function<void(double loss)> reportStep;
    /// What those steps are, shown with the progress: one of the strategy's StrategyInfo::phases
    /// and the epoch (0-based) of how many; set before the steps, cleared after.
    std::string phase;
    int phaseEpoch = 0, phaseEpochs = 0;
    /// Features [N, dim] of the frozen backbone (eval mode, no augmentation) for every image of
    /// task `task`'s split, computed once per run and reused (strategies whose
    /// Strategy::frozenFeatures is true; data/feature_cache.h).
    std::function<torch::Tensor(int task, FeatureSplit split)> features;
    /// Tells the trainer that the backbone just changed (MIST's pre-adaptation before a frozen
    /// phase): cached features are dropped and computed again on the new backbone.
    std::function<void()> backboneChanged;

    /// Model input of a raw image batch taken from the sequence (seq.input).
    torch::Tensor input(const torch::Tensor& raw, bool train = false) const
    {
        return seq.input(raw, train);
    }
};

/// A training batch; strategies may replace it (replay) or extend it.
struct Batch
{
    /// Raw images (slices of TaskData::trainX) when a strategy hands out training data; model
    /// input (normalised float) inside a step; backbone features when `features` is true.
    torch::Tensor x;
    torch::Tensor y;  ///< class labels [B]; answer tokens [B, kAnswerSlots] on QA sequences
    torch::Tensor q;  ///< question tokens [B, kQuestionLength] on QA sequences, else undefined
    bool features = false;  ///< x holds frozen-backbone features [B, dim], not images
};

struct StepContext
{
    TaskContext& task;
    int epoch = 0;
    int64_t step = 0;  ///< global step
    Batch batch;
    /// The task's optimiser, for strategies that take extra steps with it (Recurrent-KIF's outer
    /// learner reuses the inner AdamW, as the official code does).
    torch::optim::Optimizer* optimizer = nullptr;
};

/// Parameters sharing one learning rate: lrScale multiplies the run's lr (SEFE trains the head
/// 10x slower than the LoRA, as its projector).
struct ParamGroup
{
    std::vector<torch::Tensor> params;
    double lrScale = 1.0;
};

class Strategy
{
public:
    virtual ~Strategy() = default;

    /// Once, after the backbone is loaded and moved to the device.
    virtual void setup(TaskContext&) {}
    /// False for training-free strategies (SimpleCIL): the loop skips optimisation.
    virtual bool trains(TaskContext&) const { return true; }
    virtual void beforeTask(TaskContext&) {}
    /// Parameters the optimiser updates for this task (called after beforeTask).
    virtual std::vector<torch::Tensor> trainableParameters(TaskContext& ctx);
    /// The same split into learning-rate groups; default: one group at the run's lr.
    virtual std::vector<ParamGroup> parameterGroups(TaskContext& ctx)
    {
        return {{trainableParameters(ctx), 1.0}};
    }
    /// Steps the strategy will report through TaskContext::reportStep for task ctx.task.
    virtual int64_t plannedExtraSteps(TaskContext&) { return 0; }
    /// Training images and labels for this task (joint: the union so far).
    virtual Batch trainingData(TaskContext& ctx);
    /// Number of training images of task ctx.task, without building them (progress and ETA).
    virtual int64_t trainingSize(TaskContext& ctx);
    /// Optionally rewrites a batch before the forward pass (replay, augmentation).
    virtual Batch augment(const Batch& batch, StepContext&) { return batch; }
    /// Task loss for a batch; default: cross-entropy, class-masked when params["masked_ce"] = 1.
    virtual torch::Tensor loss(const Batch& batch, StepContext& ctx);
    /// Regulariser added to the loss (EWC, orthogonality); undefined tensor = none.
    virtual torch::Tensor penalty(StepContext&) { return {}; }
    /// True when loss() and logits() may run at once on slices of a batch on several threads:
    /// they write no state and the loss is a mean over samples plus terms that do not depend on
    /// the batch. The trainer then splits each batch over the CPU cores (train.shards; the
    /// penalty is computed once). Default false: a strategy opts in once that holds.
    virtual bool shardable(TaskContext&) const { return false; }
    virtual void afterBackward(StepContext&) {}
    virtual void afterStep(StepContext&) {}
    virtual void afterTask(TaskContext&) {}
    /// Class scores for evaluation; the trainer masks classes not yet seen. Default: model(x).
    virtual torch::Tensor logits(const torch::Tensor& x, TaskContext& ctx);
    /// True when predictions depend on the images only through the frozen backbone's features
    /// for the whole run (freeze, SimpleCIL): the trainer then computes each image's features once
    /// and evaluates with logitsFromFeatures.
    virtual bool frozenFeatures(TaskContext&) const { return false; }
    /// Class scores from frozen-backbone features; default: the head.
    virtual torch::Tensor logitsFromFeatures(const torch::Tensor& f, TaskContext& ctx);
    /// Answer-token scores [B, kAnswerSlots, vocab] of a QA batch
    /// (StrategyInfo::questionAnswering).
    virtual torch::Tensor answerLogits(const Batch& batch, TaskContext& ctx);
    /// The strategy's own importance scores for the heatmap; nullopt = use weight change.
    virtual std::optional<ImportanceSnapshot> importance(TaskContext&) { return std::nullopt; }
    /// Extra numbers the strategy keeps between tasks (Fisher, anchors, prototypes, adapters).
    virtual int64_t storedParameters() const { return 0; }

    /// The strategy's share of the checkpoint written after every task (docs/reliability.md):
    /// everything it changes after setup() that outlives a task (prototypes, Fisher, keys,
    /// anchors, memories, masks, EMAs, its own generators, counters such as storedParameters).
    /// The model's parameters and LoRA adapters, the trainer's generators and TaskContext::rng
    /// are saved by the trainer. tst_resume runs every registered strategy uninterrupted and
    /// resumed and compares every stored number: state left out here makes it fail.
    virtual void saveState(StateWriter&) const {}
    /// Reads saveState's entries back. Called on a freshly set-up strategy (setup() has run on
    /// the freshly built model) after the model and its adapters are restored, before the next
    /// task's beforeTask.
    virtual void loadState(const StateReader&, TaskContext&) {}
};

using StrategyFactory = std::unique_ptr<Strategy> (*)();

/// A strategy wrapped around another (MIST around SimpleCIL or the linear probe): every hook goes
/// to the inner strategy unless the wrapper overrides it. The wrapper sets `inner_` in setup
/// (before calling DelegatingStrategy::setup, which sets the inner one up).
class DelegatingStrategy : public Strategy
{
public:
    void setup(TaskContext& c) override { inner_->setup(c); }
    bool trains(TaskContext& c) const override { return inner_->trains(c); }
    void beforeTask(TaskContext& c) override { inner_->beforeTask(c); }
    std::vector<torch::Tensor> trainableParameters(TaskContext& c) override
    {
        return inner_->trainableParameters(c);
    }
    std::vector<ParamGroup> parameterGroups(TaskContext& c) override
    {
        return inner_->parameterGroups(c);
    }
    int64_t plannedExtraSteps(TaskContext& c) override { return inner_->plannedExtraSteps(c); }
    Batch trainingData(TaskContext& c) override { return inner_->trainingData(c); }
    int64_t trainingSize(TaskContext& c) override { return inner_->trainingSize(c); }
    Batch augment(const Batch& b, StepContext& c) override { return inner_->augment(b, c); }
    torch::Tensor loss(const Batch& b, StepContext& c) override { return inner_->loss(b, c); }
    torch::Tensor penalty(StepContext& c) override { return inner_->penalty(c); }
    bool shardable(TaskContext& c) const override { return inner_->shardable(c); }
    void afterBackward(StepContext& c) override { inner_->afterBackward(c); }
    void afterStep(StepContext& c) override { inner_->afterStep(c); }
    void afterTask(TaskContext& c) override { inner_->afterTask(c); }
    torch::Tensor logits(const torch::Tensor& x, TaskContext& c) override
    {
        return inner_->logits(x, c);
    }
    bool frozenFeatures(TaskContext& c) const override { return inner_->frozenFeatures(c); }
    torch::Tensor logitsFromFeatures(const torch::Tensor& f, TaskContext& c) override
    {
        return inner_->logitsFromFeatures(f, c);
    }
    torch::Tensor answerLogits(const Batch& b, TaskContext& c) override
    {
        return inner_->answerLogits(b, c);
    }
    std::optional<ImportanceSnapshot> importance(TaskContext& c) override
    {
        return inner_->importance(c);
    }
    int64_t storedParameters() const override { return inner_ ? inner_->storedParameters() : 0; }
    /// The inner strategy's state goes under "base/"; a wrapper adds its own beside it.
    void saveState(StateWriter& out) const override
    {
        auto base = out.scope("base");
        inner_->saveState(base);
    }
    void loadState(const StateReader& in, TaskContext& c) override
    {
        inner_->loadState(in.scope("base"), c);
    }

protected:
    std::unique_ptr<Strategy> inner_;
};

struct StrategyEntry
{
    StrategyInfo (*info)();
    StrategyFactory make;
};

/// The explicit registry (registry.cpp): one line per strategy.
const std::vector<StrategyEntry>& strategyRegistry();
std::unique_ptr<Strategy> makeStrategy(const std::string& id);

// Shared helpers for strategy files.
ParamSpec boolParam(const std::string& key, const std::string& label, const std::string& help,
                    bool def);
ParamSpec floatParam(const std::string& key, const std::string& label, const std::string& help,
                     double def, double lo, double hi, bool logScale = false);
ParamSpec intParam(const std::string& key, const std::string& label, const std::string& help,
                   int def, int lo, int hi);
ParamSpec choiceParam(const std::string& key, const std::string& label, const std::string& help,
                      std::vector<std::string> choices, int def);
/// The "masked_ce" parameter shared by strategies that train a head.
ParamSpec maskedCeParam(bool def);
/// LoRA target modules choice: 0 = qkv+proj+fc1+fc2, 1 = qkv, 2 = qkv+proj, 3 = fc1+fc2.
ParamSpec loraTargetsParam();
/// "rank" of per-task LoRAs (default 8, 1-64), shared by the orthogonal-subspace methods.
ParamSpec loraRankParam();
/// "alpha": ΔW = (α/r)·BA, defaulting to the official value, which its help names.
ParamSpec loraAlphaParam(double official);
std::vector<std::string> loraTargets(double choice);
/// The backbone linears chosen by the strategy's "targets" parameter.
std::vector<NamedLinear> targetLinears(TaskContext& ctx);
/// Position of the linear called `name` in `list`, or -1.
int indexOfLinear(const std::vector<NamedLinear>& list, const std::string& name);

/// One adapted weight matrix: a whole linear, or one row unit (q, k, v) of a fused qkv layer.
struct LoraSite
{
    NamedLinear linear;
    std::string unit;    ///< "" = the whole layer, else a LoraUnit of linear.layer
    std::string matrix;  ///< q | k | v | proj | fc1 | fc2
    /// `prefix` for a whole layer, `prefix.unit` for a unit (adapter names stay unique per layer).
    std::string adapterName(const std::string& prefix) const
    {
        return unit.empty() ? prefix : prefix + "." + unit;
    }
};
/// Which q/k/v units of the fused qkv layer a strategy adapts: 0 = q, v; 1 = q, k, v.
ParamSpec qkvUnitsParam(int def);
std::vector<std::string> qkvUnits(double choice);
/// Declares q/k/v units on every qkv layer of the model (rows [0,D), [D,2D), [2D,3D), the fused
/// layout of timm checkpoints too); idempotent.
void splitQkv(Vit& model);
/// The adapted matrices of the strategy's "targets" parameter, in Vit::linears() order: a qkv
/// layer contributes one site per unit in `units` (in q, k, v order), other layers one each.
std::vector<LoraSite> loraSites(TaskContext& ctx, const std::vector<std::string>& units);
/// The sum of the full-layer updates (LoraLinearImpl::delta) of adapter `prefix` and of its
/// units `prefix.*` on `layer`; undefined when the layer has none.
torch::Tensor taskDelta(LoraLinearImpl& layer, const std::string& prefix);

/// Cross-entropy; with `mask` (bool [numClasses]) the other classes' logits are -inf.
torch::Tensor maskedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& y,
                                 const torch::Tensor& mask);
/// Sum of numel.
int64_t countParameters(const std::vector<torch::Tensor>& params);
/// Relative change ||W_eff - W_ref||_F / ||W_ref||_F of every backbone linear (adapters included),
/// with element maps; `reference` is in Vit::linears() order.
ImportanceSnapshot weightChangeSnapshot(Vit& model, const std::vector<torch::Tensor>& reference,
                                        int task, const std::string& kind);
/// ||scale B A||_F / ||W0||_F of adapter `adapter` (with its units, taskDelta) per backbone
/// linear, with its element map; linears without it score 0 (O-LoRA's task update, HiDe's expert).
ImportanceSnapshot adapterUpdateSnapshot(Vit& model, const std::string& adapter, int task,
                                         const std::string& kind);
/// Mean-pools |m| down to at most maxSide x maxSide for importance element maps.
ImportanceCell importanceCell(int block, const std::string& module, double score,
                              const torch::Tensor& matrix, int maxSide = 16);

}  // namespace clwb::detail
