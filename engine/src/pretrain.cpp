// SPDX-License-Identifier: GPL-3.0-or-later
// Backbone pretraining without Fashion-MNIST labels (SimCLR, Chen et al. 2020, arXiv:2002.05709)
// and the probes that compare candidate backbones (prototype / linear-probe accuracy).
#include <chrono>
#include <cmath>

#include "checks.h"
#include "logging.h"
#include "clwb/engine.h"
#include "data/augment.h"
#include "data/fashion_mnist.h"
#include "data/task_sequence.h"
#include "model/vit.h"
#include "strategies/strategy.h"
#include "threads.h"

namespace clwb {
namespace detail {
namespace {

namespace F = torch::nn::functional;

torch::Tensor ntXent(const torch::Tensor& z1, const torch::Tensor& z2, double temperature)
{
    const int64_t b = z1.size(0);
    auto z = F::normalize(torch::cat({z1, z2}), F::NormalizeFuncOptions().dim(1));
    auto sim = torch::matmul(z, z.t()) / temperature;
    sim = sim.masked_fill(torch::eye(2 * b, torch::TensorOptions().dtype(torch::kBool).device(z.device())), -1e9);
    auto targets = torch::cat({torch::arange(b, 2 * b), torch::arange(0, b)}).to(z.device());
    return F::cross_entropy(sim, targets);
}

torch::Tensor featuresOf(Vit& model, const torch::Tensor& x)
{
    torch::NoGradGuard noGrad;
    model->eval();
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < x.size(0); i += 1024)
        parts.push_back(model->features(x.slice(0, i, std::min(x.size(0), i + 1024))));
    return torch::cat(parts);
}

/// Class-incremental A_T of a nearest-prototype (cosine) classifier over `feats`.
double prototypeFinalAccuracy(const torch::Tensor& trainF, const torch::Tensor& trainY,
                              const torch::Tensor& testF, const torch::Tensor& testY, int classes)
{
    auto protos = torch::zeros({classes, trainF.size(1)}, trainF.options());
    for (int c = 0; c < classes; ++c) protos[c] = trainF.index({trainY == c}).mean(0);
    auto logits = torch::matmul(F::normalize(testF, F::NormalizeFuncOptions().dim(1)),
                                F::normalize(protos, F::NormalizeFuncOptions().dim(1)).t());
    // After the last task every class is seen: A_T is the mean of per-task accuracies, which for
    // equal-sized tasks is the accuracy over all test images.
    return (logits.argmax(1) == testY).to(torch::kFloat64).mean().item<double>();
}

double linearProbe(const torch::Tensor& trainF, const torch::Tensor& trainY,
                   const torch::Tensor& testF, const torch::Tensor& testY, int classes)
{
    auto mean = trainF.mean(0, true), std = trainF.std(0, true, true) + 1e-6;
    auto xtr = (trainF - mean) / std, xte = (testF - mean) / std;
    torch::nn::Linear lin(xtr.size(1), classes);
    lin->to(trainF.device());
    torch::optim::Adam opt(lin->parameters(), torch::optim::AdamOptions(1e-2));
    for (int epoch = 0; epoch < 300; ++epoch) {
        opt.zero_grad();
        auto loss = F::cross_entropy(lin->forward(xtr), trainY);
        loss.backward();
        opt.step();
    }
    torch::NoGradGuard noGrad;
    return (lin->forward(xte).argmax(1) == testY).to(torch::kFloat64).mean().item<double>();
}

}  // namespace
}  // namespace detail

RunResult pretrainBackbone(const PretrainConfig& config, const ProgressCallback& onEvent)
{
    using namespace detail;
    RunResult result;
    // Logged like a run (logging.h): levels for the front end, and a log file beside the
    // checkpoint it writes.
    RunLog runLog(onEvent);
    const ProgressCallback events = runLog.events();
    if (!config.output.empty())
        if (const auto why = runLog.openFile(config.output + ".log"); !why.empty())
            runLog.log(LogLevel::Warning, "no log file " + config.output + ".log: " + why);
    auto emit = [&](RunEvent ev) { return events(ev); };
    auto log = [&](const std::string& m) {
        RunEvent ev;
        ev.kind = RunEvent::Kind::Log;
        ev.message = m;
        return emit(ev);
    };
    const auto start = std::chrono::steady_clock::now();
    try {
        result.device = resolveDevice(config.device);
        const torch::Device device(result.device);
        configureThreads(config.threads);
        torch::manual_seed(uint64_t(config.seed));
        auto gen = at::detail::createCPUGenerator(uint64_t(config.seed) + 1);

        auto images = loadFashionMnistTrainImages(config.dataPath.empty() ? defaultFashionMnistDir()
                                                                          : config.dataPath);
        if (config.limit > 0 && config.limit < images.size(0)) images = images.slice(0, 0, config.limit);
        images = images.to(device);
        const int64_t n = images.size(0), bs = config.batchSize;
        log("SimCLR on " + std::to_string(n) + " unlabeled images, " + std::to_string(config.epochs) +
            " epochs, device " + result.device);

        Vit model(config.model, 10);
        const int d = config.model.dim;
        torch::nn::Sequential projector(torch::nn::Linear(d, 2 * d), torch::nn::ReLU(),
                                        torch::nn::Linear(2 * d, 64));
        model->to(device);
        projector->to(device);
        auto params = model->backboneParameters();
        for (auto& p : projector->parameters()) params.push_back(p);
        result.trainableParams = countParameters(model->backboneParameters());
        torch::optim::AdamW opt(params, torch::optim::AdamWOptions(config.lr).weight_decay(0.05));
        const int64_t stepsPerEpoch = n / bs;
        const int64_t total = stepsPerEpoch * config.epochs;
        const int64_t warmup = std::min<int64_t>(total / 10, 200);
        const double mean = 0.2860, stdv = 0.3530;
        int64_t step = 0;
        const int lastEpoch = config.stopAfterEpochs > 0 ? std::min(config.epochs, config.stopAfterEpochs)
                                                         : config.epochs;
        for (int epoch = 0; epoch < lastEpoch; ++epoch) {
            auto perm = torch::randperm(n, gen).to(device);
            double epochLoss = 0;
            for (int64_t i = 0; i + bs <= n; i += bs) {
                // Warm-up then cosine decay of the learning rate.
                const double lr = step < warmup ? config.lr * double(step + 1) / double(warmup)
                                                : 0.5 * config.lr * (1 + std::cos(M_PI * double(step - warmup) / double(std::max<int64_t>(1, total - warmup))));
                for (auto& group : opt.param_groups())
                    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
                auto x = images.index_select(0, perm.slice(0, i, i + bs));
                auto v1 = (randomViews(x, gen) - mean) / stdv, v2 = (randomViews(x, gen) - mean) / stdv;
                model->train();
                auto loss = ntXent(projector->forward(model->features(v1)),
                                   projector->forward(model->features(v2)), config.temperature);
                opt.zero_grad();
                loss.backward();
                opt.step();
                const double value = loss.item<double>();
                if (!std::isfinite(value))
                    throw std::runtime_error("pretraining loss became non-finite at step " + std::to_string(step));
                epochLoss += value;
                ++step;
                RunEvent ev;
                ev.kind = RunEvent::Kind::Step;
                ev.epoch = epoch;
                ev.step = step;
                ev.total = stepsPerEpoch * lastEpoch;
                ev.loss = value;
                const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                ev.etaSeconds = el / double(step) * double(ev.total - step);
                if (!emit(ev)) {
                    result.status = RunStatus::Cancelled;
                    result.message = "pretraining stopped at step " + std::to_string(step);
                    return result;
                }
            }
            log("epoch " + std::to_string(epoch + 1) + ": mean loss " +
                std::to_string(epochLoss / double(std::max<int64_t>(1, stepsPerEpoch))));
            if (!config.output.empty()) model->saveBackbone(config.output);  // resumable artefact
        }
        if (!config.output.empty()) {
            model->saveBackbone(config.output);
            log("wrote " + config.output);
        }
        result.status = RunStatus::Finished;
    } catch (const c10::Error& e) {
        result.status = RunStatus::Failed;
        result.message = std::string("torch error: ") + e.what_without_backtrace();
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.message = e.what();
    }
    if (result.status == RunStatus::Failed) runLog.record(LogLevel::Error, "failed: " + result.message);
    result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

ProbeResult probeBackbone(const RunConfig& requested, const ProgressCallback& onEvent)
{
    using namespace detail;
    (void)onEvent;
    const RunConfig config = effectiveConfig(requested);
    const torch::Device device(resolveDevice(config.device));
    configureThreads(config.threads);
    torch::manual_seed(uint64_t(config.seed));
    auto seq = buildTaskSequence(config, device);
    std::vector<torch::Tensor> trX, trY, teX, teY;
    for (auto& t : seq.tasks) {
        trX.push_back(t.trainX);
        trY.push_back(t.trainY);
        teX.push_back(t.testX);
        teY.push_back(t.testY);
    }
    // Fashion-MNIST sizes: the whole split as model input at once is a few hundred MB.
    auto xtr = seq.input(torch::cat(trX)), ytr = torch::cat(trY);
    auto xte = seq.input(torch::cat(teX)), yte = torch::cat(teY);
    ProbeResult r;
    torch::Tensor ftr, fte;
    if (config.model.backbone == "pixels") {
        ftr = xtr.flatten(1);
        fte = xte.flatten(1);
    } else {
        Vit model(config.model, seq.numClasses);
        if (config.model.backbone != "random")
            model->loadBackbone(backbonePath(config.model));
        model->to(device);
        ftr = featuresOf(model, xtr);
        fte = featuresOf(model, xte);
    }
    r.prototypeFinalAccuracy = prototypeFinalAccuracy(ftr, ytr, fte, yte, seq.numClasses);
    r.linearProbeAccuracy = linearProbe(ftr, ytr, fte, yte, seq.numClasses);
    return r;
}

}  // namespace clwb
