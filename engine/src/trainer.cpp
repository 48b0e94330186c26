// SPDX-License-Identifier: GPL-3.0-or-later
#include "trainer.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "checks.h"
#include "checkpoint/loop_state.h"
#include "checkpoint/model_state.h"
#include "clwb/metrics.h"
#include "data/batch_prefetcher.h"
#include "data/qa_tasks.h"
#include "data/task_sequence.h"
#include "metrics/feature_drift.h"
#include "metrics/gallery.h"
#include "metrics/qa_evaluation.h"
#include "model/vit.h"
#include "parallel/batch_sharding.h"
#include "precision.h"
#include "strategies/strategy.h"
#include "strategies/strategy_guard.h"

namespace clwb::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kEvalBatch = 256;  ///< images per evaluation forward (224 px ViT-B fits easily)
constexpr uint64_t kGallerySeed = 0x6a11e7;  ///< gallery generator = seed + this (not the run's)
constexpr uint64_t kDriftSeed = 0xd21f7;     ///< feature drift generator = seed + this

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

class Trainer
{
public:
    Trainer(const RunConfig& config, torch::Device device, const ProgressCallback& onEvent,
            RunResult& result, const CheckpointPlan& plan)
        : config_(config),
          device_(device),
          onEvent_(onEvent),
          result_(result),
          plan_(plan),
          rng_(unsigned(config.seed))
    {
    }

    void run()
    {
        const auto start = Clock::now();
        RunEvent started;
        started.kind = RunEvent::Kind::Started;
        started.message = "device " + device_.str() + ", " + std::to_string(at::get_num_threads()) +
                          " threads, strategy " + config_.strategy;
        emit(started);
        log("building task sequence (" + config_.data.dataset + ", " + config_.data.scenario + ")");
        seq_ = buildTaskSequence(config_, device_, [this](int level, const std::string& m) {
            log(m, level > 0 ? LogLevel::Warning : LogLevel::Info);
        });
        const int T = seq_.size();
        std::ostringstream shape;
        for (int t = 0; t < T; ++t) shape << (t ? " | " : "") << seq_.tasks[size_t(t)].trainX.size(0);
        log("tasks: " + std::to_string(T) + ", training images per task: " + shape.str());
        gallery_ = chooseGallery(seq_, config_.data.galleryPerTask,
                                 uint64_t(config_.seed) + kGallerySeed);
        driftPoints_ = chooseDriftPoints(seq_, config_.data.driftPerClass,
                                         uint64_t(config_.seed) + kDriftSeed);

        model_ = Vit(config_.model, seq_.qa ? kAnswerSlots * vocab::kSize : seq_.numClasses);
        if (config_.model.backbone != "random") {
            const auto path = backbonePath(config_.model);
            model_->loadBackbone(path);
            log("backbone loaded from " + path);
        } else {
            log("backbone: random initialisation");
        }
        if (seq_.qa) model_->enableQuestions(qtok::kSize, kQuestionLength);
        result_.questionAnswering = seq_.qa;
        model_->to(device_);

        strategy_ = guardStrategy(makeStrategy(config_.strategy), config_.strategy);
        params_ = resolveParams(*findStrategy(config_.strategy), config_.params);
        TaskContext ctx{model_, seq_, config_, params_, device_, rng_, 0,
                        [this](const std::string& m) { log(m); }, {}};
        ctx.reportStep = [this, &ctx](double loss) {
            reportStep(ctx.task, ctx.phase.empty() ? -1 : ctx.phaseEpoch, loss, ctx.phase,
                       ctx.phaseEpochs);
        };
        ctx.features = [this](int task, FeatureSplit split) { return frozenFeatures(task, split); };
        ctx.backboneChanged = [this] { featureCache_.clear(); };
        strategy_->setup(ctx);
        sharding_.start(config_, device_, *strategy_, ctx, [this](const std::string& m, bool warn) {
            log(m, warn ? LogLevel::Warning : LogLevel::Info);
        });
        for (auto& l : model_->linears()) initialWeights_.push_back(l.layer->weight.detach().clone());

        // Planned steps, for progress and ETA.
        for (int t = 0; t < T; ++t) {
            ctx.task = t;
            totalSteps_ += strategy_->trains(ctx) ? stepsFor(strategy_->trainingSize(ctx)) : 0;
            totalSteps_ += strategy_->plannedExtraSteps(ctx);
        }
        log("planned optimisation steps: " + std::to_string(totalSteps_));

        int first = 0;
        if (!plan_.resumeFrom.empty()) {
            first = restore(ctx);  // the rows before it are stored; training goes on after it
        } else {
            result_.initialAccuracy = evaluateRow(ctx, -1);
            result_.initialFormat = format_;
            result_.initialKnowledge = knowledge_;
            emitRow(ctx, -1, result_.initialAccuracy);
        }

        trainStart_ = Clock::now();
        stepsAtStart_ = step_;
        for (int t = first; t < T; ++t) {
            ctx.task = t;
            strategy_->beforeTask(ctx);
            if (strategy_->trains(ctx) && config_.train.epochs > 0) trainTask(ctx);
            strategy_->afterTask(ctx);
            auto row = evaluateRow(ctx, t);
            result_.accuracyMatrix.push_back(row);
            if (seq_.qa) {
                result_.formatMatrix.push_back(format_);
                result_.knowledgeMatrix.push_back(knowledge_);
            }
            emitRow(ctx, t, row);
            emitCurve(ctx, t);
            emitImportance(ctx);
            // The next task starts without gradients whether the run goes on or resumes here.
            clearGradients(model_);
            wallSeconds_ = wallOffset_ + seconds(start, Clock::now());
            checkpoint(t);
        }

        result_.metrics = computeMetrics(result_.accuracyMatrix, result_.initialAccuracy);
        if (seq_.qa)
            result_.decomposition = decomposeForgetting(result_.accuracyMatrix, result_.knowledgeMatrix);
        result_.storedParams = strategy_->storedParameters();
        if (cachedImages_ > 0)
            log("feature cache: " + std::to_string(cachedImages_) +
                " images went through the frozen backbone (each once per backbone)");
        result_.wallSeconds = wallOffset_ + seconds(start, Clock::now());
    }

private:
    int64_t stepsFor(int64_t n) const
    {
        const int64_t bs = config_.train.batchSize;
        return int64_t(config_.train.epochs) * ((n + bs - 1) / bs);
    }

    void trainTask(TaskContext& ctx)
    {
        std::vector<torch::optim::OptimizerParamGroup> groups;
        std::vector<torch::Tensor> trained;  // for the fp16 loss scale
        int64_t count = 0;
        for (auto& g : strategy_->parameterGroups(ctx)) {
            count += countParameters(g.params);
            trained.insert(trained.end(), g.params.begin(), g.params.end());
            groups.emplace_back(g.params, std::make_unique<torch::optim::AdamWOptions>(
                                              torch::optim::AdamWOptions(config_.train.lr * g.lrScale)
                                                  .weight_decay(config_.train.weightDecay)));
        }
        result_.trainableParams = std::max(result_.trainableParams, count);
        torch::optim::AdamW opt(std::move(groups), torch::optim::AdamWOptions(config_.train.lr)
                                                       .weight_decay(config_.train.weightDecay));
        const Batch data = strategy_->trainingData(ctx);
        const int64_t n = data.x.size(0), bs = config_.train.batchSize;
        // Images on the host while training runs elsewhere, or streamed from disk: gathered a
        // batch ahead on another thread.
        const bool prefetch = !data.features && data.x.device().is_cpu() &&
                              (seq_.streamed || !device_.is_cpu());
        for (int epoch = 0; epoch < config_.train.epochs; ++epoch) {
            auto perm = torch::randperm(n, torch::TensorOptions().device(device_).dtype(torch::kLong));
            std::optional<BatchPrefetcher> ahead;
            if (prefetch) ahead.emplace(data.x, perm, bs, !device_.is_cpu());
            for (int64_t i = 0; i < n; i += bs) {
                auto idx = perm.slice(0, i, std::min(n, i + bs));
                auto x = ahead ? ahead->next().to(device_, /*non_blocking=*/true)
                               : data.x.index_select(0, idx.to(data.x.device()));
                StepContext sctx{ctx, epoch, step_,
                                 {data.features ? x : seq_.input(x, /*train=*/true),
                                  data.y.index_select(0, idx.to(data.y.device())),
                                  data.q.defined() ? data.q.index_select(0, idx.to(data.q.device()))
                                                   : torch::Tensor(),
                                  data.features},
                                 &opt};
                model_->train();
                // Whole batches for QA (a token-weighted loss) and for cached features (a head).
                if (const int shards = sctx.batch.q.defined() || sctx.batch.features
                                           ? 1
                                           : sharding_.shardsFor(idx.size(0), *strategy_, ctx);
                    shards > 1) {
                    const double value = sharding_.step(*strategy_, sctx, shards, opt,
                                                        config_.train.precision, device_);
                    if (!acceptLoss(ctx.task, epoch, value)) continue;
                    strategy_->afterBackward(sctx);
                    opt.step();
                    finishStep(sctx, ctx, epoch, value);
                    continue;
                }
                torch::Tensor total;
                {
                    AutocastGuard autocast(config_.train.precision, device_);
                    sctx.batch = strategy_->augment(sctx.batch, sctx);
                    auto loss = strategy_->loss(sctx.batch, sctx);
                    auto pen = strategy_->penalty(sctx);
                    total = (pen.defined() ? loss + pen : loss).to(torch::kFloat);
                }
                const double value = total.item<double>();
                if (!acceptLoss(ctx.task, epoch, value)) continue;
                opt.zero_grad();
                scaler_.scale(total).backward();
                if (scaler_.unscale(trained)) {  // fp16: a step with an overflow is skipped
                    strategy_->afterBackward(sctx);
                    opt.step();
                } else {
                    log("fp16: gradient overflow at step " + std::to_string(step_ + 1) +
                            ", step skipped, loss scale now " + std::to_string(scaler_.currentScale()),
                        LogLevel::Debug);
                }
                finishStep(sctx, ctx, epoch, value);
            }
        }
        if (skippedInTask_ > 0)
            log("task " + std::to_string(ctx.task) + ": " + std::to_string(skippedInTask_) +
                    " batches with a non-finite loss skipped (train.nonfinite = \"skip\")",
                LogLevel::Warning);
        skippedInTask_ = 0;
    }

    void finishStep(StepContext& sctx, TaskContext& ctx, int epoch, double loss)
    {
        reportStep(ctx.task, epoch, loss);
        strategy_->afterStep(sctx);
        if (config_.train.evalEvery > 0 && step_ % config_.train.evalEvery == 0)
            emitCurve(ctx, ctx.task);
    }

    /// True for a finite loss (remembered for the message of a later non-finite one); false for
    /// a batch to skip (skipNonFinite, which throws when the run must stop instead).
    bool acceptLoss(int task, int epoch, double value)
    {
        if (!std::isfinite(value)) {
            skipNonFinite(task, epoch, value);
            return false;
        }
        lastFiniteLoss_ = value;
        skippedInARow_ = 0;
        return true;
    }

    /// A batch whose loss is NaN or infinite: skipped and logged under train.nonfinite = "skip",
    /// unless too many in a row were; otherwise the run fails naming where, and the last finite
    /// loss for scale.
    void skipNonFinite(int task, int epoch, double value)
    {
        const std::string what = std::isnan(value) ? "NaN" : "infinite";
        const std::string where = " at task " + std::to_string(task) + ", epoch " +
                                  std::to_string(epoch) + ", step " + std::to_string(step_);
        std::ostringstream last;
        if (lastFiniteLoss_) last << "last finite loss " << *lastFiniteLoss_;
        else last << "no finite loss before it";
        const bool skip = config_.train.nonfinite == "skip";
        if (skip && skippedInARow_ < TrainConfig::kMaxSkippedInARow) {
            ++skippedInARow_;
            ++skippedInTask_;
            log("loss is " + what + where + ": batch skipped (" + std::to_string(skippedInARow_) +
                    " in a row)",
                LogLevel::Warning);
            return;
        }
        throw std::runtime_error(
            (skip ? "loss not finite in " + std::to_string(skippedInARow_ + 1) +
                        " batches in a row (train.nonfinite = \"skip\" skips at most " +
                        std::to_string(TrainConfig::kMaxSkippedInARow) + ")"
                  : "loss became " + what) +
            where + " (" + last.str() + "; try a lower learning rate)");
    }

    /// One optimisation step done (by the loop or by a strategy): loss series, progress, ETA.
    void reportStep(int task, int epoch, double loss, const std::string& phase = {},
                    int phaseEpochs = 0)
    {
        ++step_;
        RunEvent ev;
        ev.kind = RunEvent::Kind::Step;
        ev.task = task;
        ev.epoch = epoch;
        ev.step = step_;
        ev.total = std::max(totalSteps_, step_);
        ev.loss = loss;
        ev.phase = phase;
        ev.epochs = phaseEpochs;
        const double elapsed = seconds(trainStart_, Clock::now());
        ev.etaSeconds = elapsed / double(step_ - stepsAtStart_) *
                        double(std::max<int64_t>(0, totalSteps_ - step_));
        emit(ev);
    }

    /// Accuracy of every task's test set, predicting over the classes seen after task `t`, with
    /// confusion_ counted and galleryPredictions_ picked from the same predictions. On QA
    /// sequences: strict accuracy, with format_ and knowledge_ filled alongside.
    std::vector<double> evaluateRow(TaskContext& ctx, int t)
    {
        std::vector<double> row;
        format_.clear();
        knowledge_.clear();
        confusion_.clear();
        const int64_t C = seq_.numClasses;
        torch::Tensor confusion;
        if (!seq_.qa)
            confusion = torch::zeros({C * C}, torch::dtype(torch::kLong).device(device_));
        GalleryPicks picks(gallery_);
        for (size_t j = 0; j < seq_.tasks.size(); ++j) {
            const auto& task = seq_.tasks[j];
            if (!seq_.qa) {
                picks.beginTask(int(j));
                row.push_back(taskAccuracy(ctx, int(j), t, /*curve=*/false, &confusion, &picks));
                continue;
            }
            const auto s = qaRates(*strategy_, ctx, task.testX, task.testQ, task.testA, task.testY);
            row.push_back(s[0]);
            format_.push_back(s[1]);
            knowledge_.push_back(s[2]);
        }
        if (confusion.defined()) {
            confusion = confusion.cpu();
            confusion_.assign(confusion.data_ptr<int64_t>(), confusion.data_ptr<int64_t>() + C * C);
        }
        galleryPredictions_ = picks.predictions();
        return row;
    }

    /// Accuracy of raw images `x` (batches of kEvalBatch through seq_.input).
    double accuracy(TaskContext& ctx, const torch::Tensor& x, const torch::Tensor& y, int t,
                    torch::Tensor* confusion, GalleryPicks* picks)
    {
        return scoreBatches(x.size(0), y, t, confusion, picks, ctx, [&](int64_t i, int64_t e) {
            return strategy_->logits(seq_.input(x.slice(0, i, e)), ctx);
        });
    }

    /// Accuracy on task j's test set (or its curve subset) predicting over the classes seen after
    /// task t: from cached frozen-backbone features when the strategy allows, else from images.
    /// `confusion` (C*C counts), when given, gets the same predictions added; `picks` (the
    /// gallery's, task j begun) picks its rows' predictions out of them.
    double taskAccuracy(TaskContext& ctx, int j, int t, bool curve,
                        torch::Tensor* confusion = nullptr, GalleryPicks* picks = nullptr)
    {
        const auto& task = seq_.tasks[size_t(j)];
        const auto& y = curve ? task.curveY : task.testY;
        if (!featureCacheEnabled() || !strategy_->frozenFeatures(ctx))
            return accuracy(ctx, curve ? task.curveX : task.testX, y, t, confusion, picks);
        auto f = frozenFeatures(j, FeatureSplit::Test);
        if (curve) f = f.index_select(0, task.curveIndex.to(device_));
        return scoreBatches(f.size(0), y, t, confusion, picks, ctx, [&](int64_t i, int64_t e) {
            return strategy_->logitsFromFeatures(f.slice(0, i, e), ctx);
        });
    }

    /// False when CLWB_NO_FEATURE_CACHE is set (bench/feature_cache.sh measures the cache against
    /// recomputing): features are then computed at every use.
    static bool featureCacheEnabled()
    {
        static const bool enabled = std::getenv("CLWB_NO_FEATURE_CACHE") == nullptr;
        return enabled;
    }

    /// Features of every image of a task's split under the frozen backbone: computed on first use,
    /// then reused by every evaluation row, curve point and strategy hook of the run, so a
    /// training-free strategy costs one forward pass over the data.
    torch::Tensor frozenFeatures(int task, FeatureSplit split)
    {
        const auto key = std::make_pair(task, int(split));
        if (auto it = featureCache_.find(key); it != featureCache_.end()) return it->second;
        torch::NoGradGuard noGrad;
        AutocastGuard autocast(config_.train.precision, device_);
        model_->eval();
        const auto& data = seq_.tasks[size_t(task)];
        const auto& x = split == FeatureSplit::Train ? data.trainX : data.testX;
        std::vector<torch::Tensor> parts;
        for (int64_t i = 0; i < x.size(0); i += kEvalBatch)
            parts.push_back(model_->features(seq_.input(x.slice(0, i, std::min(x.size(0), i + kEvalBatch)))));
        auto f = parts.empty() ? torch::empty({0, model_->config().dim}, torch::TensorOptions().device(device_))
                               : torch::cat(parts);
        if (featureCacheEnabled()) {
            featureCache_[key] = f;
            cachedImages_ += x.size(0);
        }
        return f;
    }

    template <typename Logits>
    double scoreBatches(int64_t n, const torch::Tensor& y, int t, torch::Tensor* confusion,
                        GalleryPicks* picks, TaskContext& ctx, const Logits& logitsOf)
    {
        torch::NoGradGuard noGrad;
        AutocastGuard autocast(config_.train.precision, device_);
        model_->eval();
        const auto mask = seq_.classMask(seq_.seenClasses(t), device_);
        const int64_t chunk = kEvalBatch * sharding_.poolShards();
        int64_t correct = 0;
        for (int64_t i = 0; i < n; i += chunk) {
            const int64_t e = std::min(n, i + chunk);
            const torch::Tensor pred = sharding_.predict(
                i, e, sharding_.shardsFor(e - i, *strategy_, ctx),
                [&](int64_t b, int64_t f) {
                    return logitsOf(b, f)
                        .masked_fill(mask.logical_not().unsqueeze(0),
                                     -std::numeric_limits<float>::infinity())
                        .argmax(1);
                },
                config_.train.precision, device_);
            const auto truth = y.slice(0, i, e);
            correct += (pred == truth).sum().item<int64_t>();
            if (confusion) {  // bincount of true * C + predicted: the counts of this batch
                const int64_t C = mask.size(0);
                const auto cell = truth.to(pred.device(), torch::kLong) * C + pred;
                confusion->add_(torch::bincount(cell, {}, C * C));
            }
            if (picks) picks->add(i, pred);
        }
        return n ? double(correct) / double(n) : 0.0;
    }

    void emitCurve(TaskContext& ctx, int t)
    {
        RunEvent ev;
        ev.kind = RunEvent::Kind::Curve;
        ev.task = t;
        ev.step = step_;
        for (size_t j = 0; j < seq_.tasks.size(); ++j) {
            const auto& task = seq_.tasks[j];
            const double acc = seq_.qa
                                   ? qaRates(*strategy_, ctx, task.curveX, task.curveQ, task.curveA,
                                             task.curveY)[0]
                                   : taskAccuracy(ctx, int(j), t, /*curve=*/true);
            ev.values.push_back(acc);
        }
        emit(ev);
    }

    void emitRow(TaskContext& ctx, int t, const std::vector<double>& row)
    {
        RunEvent ev;
        ev.kind = RunEvent::Kind::TaskEvaluated;
        ev.task = t;
        ev.step = step_;
        ev.values = row;
        if (seq_.qa) {
            ev.formatValues = format_;
            ev.knowledgeValues = knowledge_;
            ev.examples = qaExamples(*strategy_, ctx);
        } else {
            ev.confusion = confusion_;
            ev.classNames = seq_.classNames;
            ev.classTask.assign(size_t(seq_.numClasses), -1);
            for (int j = seq_.size() - 1; j >= 0; --j)  // the first task naming a class wins
                for (int c : seq_.tasks[size_t(j)].classes) ev.classTask[size_t(c)] = j;
            if (t < 0) ev.gallery = gallery_.images;  // the first row: images once per run
            ev.galleryPredictions = galleryPredictions_;
            if (!driftPoints_.empty()) {  // an extra forward pass over a few hundred images
                drift_.next(driftFeatures(model_, seq_, driftPoints_, config_.train.precision,
                                          device_, kEvalBatch),
                            ev.drift, ev.driftExplained);
                ev.driftLabels = driftPoints_.labels;
            }
        }
        emit(ev);
        std::ostringstream s;
        s << (t < 0 ? "before training" : "after task " + std::to_string(t)) << ":";
        for (double a : row) s << " " << std::round(a * 1000.0) / 10.0;
        log(s.str());
        if (seq_.qa) {
            std::ostringstream q;
            q << "  format:";
            for (double a : format_) q << " " << std::round(a * 1000.0) / 10.0;
            q << "  knowledge:";
            for (double a : knowledge_) q << " " << std::round(a * 1000.0) / 10.0;
            log(q.str());
        }
    }

    void emitImportance(TaskContext& ctx)
    {
        auto snap = strategy_->importance(ctx);
        if (!snap)  // default: relative weight change since the start of the run
            snap = weightChangeSnapshot(model_, initialWeights_, ctx.task, "weight-change");
        snap->task = ctx.task;
        RunEvent ev;
        ev.kind = RunEvent::Kind::Importance;
        ev.task = ctx.task;
        ev.importance = std::move(*snap);
        emit(ev);
    }

    void log(const std::string& message, LogLevel level = LogLevel::Info)
    {
        RunEvent ev;
        ev.kind = RunEvent::Kind::Log;
        ev.level = level;
        ev.message = message;
        emit(ev);
    }

    void emit(const RunEvent& ev)
    {
        bool goOn = true;
        try {
            goOn = !onEvent_ || onEvent_(ev);
        } catch (const std::exception& e) {  // the database: not the strategy's fault (guard)
            throw EventSinkError(e.what());
        }
        if (!goOn) throw RunCancelled{};
    }

    /// Writes the checkpoint after task t (the trainer's, the model's and the strategy's state),
    /// records it through a Checkpoint event, then prunes older files. A failed write is logged
    /// and the run goes on without that checkpoint.
    void checkpoint(int t)
    {
        if (!plan_.writes()) return;
        StateWriter out;
        saveModelState(model_, out.scope("model"));
        auto strategyState = out.scope("strategy");
        strategy_->saveState(strategyState);
        saveLoopState(loopState(), out.scope("trainer"), t);
        const auto path = (std::filesystem::path(plan_.folder) / checkpointFileName(t)).string();
        try {
            std::filesystem::create_directories(plan_.folder);
            writeStateFile(path, checkpointHeader(plan_, t, step_), out);
        } catch (const std::exception& e) {
            log("no checkpoint after task " + std::to_string(t) + ": " + e.what(),
                LogLevel::Warning);
            return;
        }
        RunEvent ev;
        ev.kind = RunEvent::Kind::Checkpoint;
        ev.task = t;
        ev.step = step_;
        ev.message = path;
        try {
            emit(ev);
        } catch (const RunCancelled&) {
            pruneCheckpoints(plan_.folder, plan_.keep, t);
            throw;
        }
        pruneCheckpoints(plan_.folder, plan_.keep, t);
    }

    LoopState loopState()
    {
        return {step_,   cachedImages_, wallSeconds_, rng_,   seq_.prep.generator(),
                drift_,  scaler_,       result_,      device_};
    }

    /// Continues from plan_.resumeFrom: the model (adapters included), the strategy, then the
    /// loop's own state. Returns the first task still to train.
    int restore(TaskContext& ctx)
    {
        auto [header, in] = readStateFile(plan_.resumeFrom, device_);
        loadModelState(model_, in.scope("model"));
        strategy_->loadState(in.scope("strategy"), ctx);
        auto loop = loopState();
        const int t = loadLoopState(loop, in.scope("trainer"));
        wallOffset_ = wallSeconds_;
        log("resumed from " + plan_.resumeFrom + ": tasks 0-" + std::to_string(t) +
            " done, step " + std::to_string(step_));
        return t + 1;
    }

    const RunConfig& config_;
    torch::Device device_;
    const ProgressCallback& onEvent_;
    RunResult& result_;
    const CheckpointPlan& plan_;
    std::mt19937 rng_;
    TaskSequence seq_;
    Vit model_{nullptr};
    std::unique_ptr<Strategy> strategy_;
    BatchSharding sharding_;  ///< batches split over the CPU cores (TrainConfig::shards)
    ParamValues params_;
    std::vector<torch::Tensor> initialWeights_;
    std::vector<double> format_, knowledge_;  ///< QA rows of the last evaluateRow
    std::vector<int64_t> confusion_;          ///< C x C counts of the last evaluateRow (not QA)
    Gallery gallery_;                         ///< the prediction gallery (not QA)
    std::vector<int> galleryPredictions_;     ///< gallery predictions of the last evaluateRow
    DriftPoints driftPoints_;                 ///< the feature drift's images (not QA)
    FeatureDrift drift_;                      ///< its projections, each aligned to the last
    std::map<std::pair<int, int>, torch::Tensor> featureCache_;  ///< (task, split) -> features
    int64_t cachedImages_ = 0;  ///< images whose features were computed (each once)
    int64_t step_ = 0;
    std::optional<double> lastFiniteLoss_;  ///< for the message of a non-finite loss
    int skippedInARow_ = 0, skippedInTask_ = 0;  ///< batches skipped for a non-finite loss
    LossScaler scaler_{config_.train.precision == "fp16"};
    int64_t totalSteps_ = 0;
    int64_t stepsAtStart_ = 0;  ///< step_ when training (re)started, for the ETA
    double wallOffset_ = 0;   ///< seconds the run spent before the checkpoint it resumed from
    double wallSeconds_ = 0;  ///< seconds the run spent up to the last boundary
    Clock::time_point trainStart_ = Clock::now();
};

}  // namespace

void trainExperiment(const RunConfig& config, const std::string& deviceName,
                     const ProgressCallback& onEvent, RunResult& result, const CheckpointPlan& plan)
{
    Trainer(config, torch::Device(deviceName), onEvent, result, plan).run();
}

}  // namespace clwb::detail
