// SPDX-License-Identifier: GPL-3.0-or-later
// Class-incremental, permuted and rotated task sequences over Fashion-MNIST or synthetic data.
#include "data/task_sequence.h"
#include "data/qa_tasks.h"

#include <cmath>
#include <stdexcept>

#include "checks.h"
#include "data/fashion_mnist.h"
#include "data/decode_cache.h"
#include "data/disk_tensor.h"
#include "data/raw_dataset.h"

namespace clwb::detail {
namespace {

/// Indices of `labels` == c, at most `limit` (0 = all), chosen by a seeded shuffle.
torch::Tensor pickClass(const torch::Tensor& labels, int c, int limit, torch::Generator& gen)
{
    auto idx = (labels == c).nonzero().squeeze(1);
    if (limit > 0 && idx.size(0) > limit) {
        auto perm = torch::randperm(idx.size(0), gen);
        idx = std::get<0>(idx.index_select(0, perm.slice(0, 0, limit)).sort());
    }
    return idx;
}

/// Rows of `set` holding `classes`, at most `limit` per class, and their labels.
torch::Tensor pickRows(const RawImageSet& set, const std::vector<int>& classes, int limit,
                       torch::Generator& gen, torch::Tensor* labelsOut)
{
    std::vector<torch::Tensor> parts;
    for (int c : classes) parts.push_back(pickClass(set.labels, c, limit, gen));
    auto idx = torch::cat(parts);
    *labelsOut = set.labels.index_select(0, idx);
    return idx;
}

/// Every task's rows of `images` written one after another into one file-backed tensor; the
/// returned views share it, so the union of tasks 0..t is one contiguous range (joint training).
std::vector<torch::Tensor> streamRows(const torch::Tensor& images,
                                      const std::vector<torch::Tensor>& rows)
{
    const auto all = torch::cat(rows);
    const auto store = selectRowsToDisk(images, all, datasetCacheDir());
    std::vector<torch::Tensor> views;
    std::int64_t at = 0;
    for (const auto& r : rows) {
        views.push_back(store.narrow(0, at, r.size(0)));
        at += r.size(0);
    }
    return views;
}

torch::Tensor rotate(const torch::Tensor& images, double degrees)
{
    if (degrees == 0.0) return images;
    const double a = degrees * M_PI / 180.0;
    auto theta = torch::tensor({{std::cos(a), -std::sin(a), 0.0}, {std::sin(a), std::cos(a), 0.0}},
                               torch::kFloat32)
                     .unsqueeze(0)
                     .expand({images.size(0), 2, 3});
    namespace F = torch::nn::functional;
    auto grid = F::affine_grid(theta, images.sizes(), /*align_corners=*/false);
    return F::grid_sample(images, grid,
                          F::GridSampleFuncOptions().padding_mode(torch::kZeros).align_corners(false));
}

/// Rotation interpolates, so it works on [0, 1] floats (what the dataset used to hold).
torch::Tensor unitFloat(const torch::Tensor& images)
{
    return images.scalar_type() == torch::kUInt8 ? images.to(torch::kFloat32).div_(255.0) : images;
}

torch::Tensor permute(const torch::Tensor& images, const torch::Tensor& perm)
{
    auto flat = images.flatten(1);
    return flat.index_select(1, perm).view(images.sizes());
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> TaskSequence::trainUnion(int t) const
{
    if (t == 0) return {tasks[0].trainX, tasks[0].trainY};
    std::vector<torch::Tensor> ys;
    int64_t n = 0;
    for (int i = 0; i <= t; ++i) {
        ys.push_back(tasks[size_t(i)].trainY);
        n += tasks[size_t(i)].trainX.size(0);
    }
    if (streamed) {  // tasks lie one after another in one file: rows 0..n of the first's storage
        const auto& first = tasks[0].trainX;
        auto sizes = first.sizes().vec();
        sizes[0] = n;
        return {first.as_strided(sizes, first.strides(), first.storage_offset()), torch::cat(ys)};
    }
    std::vector<torch::Tensor> xs;
    for (int i = 0; i <= t; ++i) xs.push_back(tasks[size_t(i)].trainX);
    return {torch::cat(xs), torch::cat(ys)};
}

std::vector<int> TaskSequence::seenClasses(int t) const
{
    std::vector<int> seen;
    if (!classIncremental || t < 0) {
        for (int c = 0; c < numClasses; ++c) seen.push_back(c);
        return seen;
    }
    for (int i = 0; i <= t && i < size(); ++i)
        seen.insert(seen.end(), tasks[i].classes.begin(), tasks[i].classes.end());
    return seen;
}

torch::Tensor TaskSequence::classMask(const std::vector<int>& classes, torch::Device device) const
{
    auto mask = torch::zeros({numClasses}, torch::kBool);
    for (int c : classes) mask[c] = true;
    return mask.to(device);
}

namespace {

/// Raw images stay on the CPU (pinned, moved per batch) when they would take too much of a GPU.
constexpr int64_t kDeviceBytes = int64_t(4) << 30;

std::shared_ptr<const RawDataset> syntheticDataset(const RunConfig& config)
{
    const DataConfig& d = config.data;
    auto synthetic = makeSyntheticDataset(config.model.imageSize, config.model.channels,
                                          d.trainPerClass > 0 ? d.trainPerClass : 64,
                                          d.testPerClass > 0 ? d.testPerClass : 32,
                                          unsigned(config.seed) + 7);
    auto raw = std::make_shared<RawDataset>();
    raw->train = {synthetic.train.images, synthetic.train.labels};
    raw->test = {synthetic.test.images, synthetic.test.labels};
    raw->classNames = classNames("synthetic");
    raw->mean = {synthetic.mean};
    raw->stddev = {synthetic.stddev};
    raw->source = "synthetic";
    return raw;
}

}  // namespace

TaskSequence buildTaskSequence(const RunConfig& config, torch::Device device,
                               const std::function<void(int, const std::string&)>& log)
{
    const DataConfig& d = config.data;
    const auto ds = d.dataset == "synthetic"
                        ? syntheticDataset(config)
                        : loadRawDataset(d, d.storeSize > 0 ? d.storeSize : config.model.imageSize,
                                         config.seed, log);
    const ModelConfig& m = config.model;
    const bool ownStats = m.mean.empty() || m.std.empty();
    const auto mean = ownStats ? ds->mean : m.mean;
    const auto stddev = ownStats ? ds->stddev : m.std;
    if (mean.empty() || stddev.empty())
        throw std::runtime_error("no normalisation statistics for " + d.dataset);

    TaskSequence seq;
    seq.numClasses = int(ds->classNames.size());
    seq.classNames = ds->classNames;
    seq.classIncremental = d.scenario == "class-incremental" || d.scenario == "qa";
    seq.qa = d.scenario == "qa";
    seq.prep = Preprocess(m.imageSize, m.channels, mean, stddev, d.augment, device,
                          uint64_t(config.seed) * 7919 + 29);
    std::vector<int> allClasses;
    for (int c = 0; c < seq.numClasses; ++c) allClasses.push_back(c);
    auto gen = at::detail::createCPUGenerator(uint64_t(config.seed) * 7919 + 17);
    const auto specs = resolvedTasks(config);
    const int64_t pixels = ds->train.images[0].numel();
    for (const auto& spec : specs)
        for (int c : spec.classes)
            if (c < 0 || c >= seq.numClasses)
                throw std::runtime_error("class " + std::to_string(c) + " is not in " + d.dataset +
                                         " (" + std::to_string(seq.numClasses) + " classes)");
    // Every task's rows, pixel permutation and questions first, drawing from `gen` in the same
    // order as always (runs stay reproducible); their total size decides memory or streaming.
    const size_t numTasks = specs.size();
    std::vector<torch::Tensor> trainRows(numTasks), testRows(numTasks), perms(numTasks);
    seq.tasks.resize(numTasks);
    int64_t rowCount = 0;
    for (size_t t = 0; t < numTasks; ++t) {
        TaskData& task = seq.tasks[t];
        task.classes = specs[t].classes;
        trainRows[t] = pickRows(ds->train, task.classes, d.trainPerClass, gen, &task.trainY);
        testRows[t] = pickRows(ds->test, task.classes, d.testPerClass, gen, &task.testY);
        if (trainRows[t].size(0) == 0 || testRows[t].size(0) == 0)
            throw std::runtime_error("task " + std::to_string(t) + " has no images");
        rowCount += trainRows[t].size(0) + testRows[t].size(0);
        if (d.scenario == "permuted" && t > 0) perms[t] = torch::randperm(pixels, gen);
        if (seq.qa) {
            // Native style per task (cycled), ASD on the training questions only; distractors
            // and yes/no negatives come from every class of the dataset.
            QaStyle native = QaStyle(int(t) % kQaStyles);
            if (!d.qaStyles.empty()) parseStyle(d.qaStyles[t % d.qaStyles.size()], native);
            task.style = int(native);
            auto train = buildQa(task.trainY,
                                 trainingStyles(task.trainY.size(0), native, d.asdPercent, gen),
                                 allClasses, gen);
            auto test = buildQa(task.testY,
                                std::vector<QaStyle>(size_t(task.testY.size(0)), native), allClasses,
                                gen);
            task.trainQ = train.questions;
            task.trainA = train.answers;
            task.testQ = test.questions;
            task.testA = test.answers;
        }
    }
    const int64_t bytes = rowCount * pixels * ds->train.images.element_size();
    const int64_t budget = imageMemoryBudget(d.memoryLimitMb);
    seq.streamed = bytes > budget && d.scenario == "class-incremental";
    const torch::Device store = seq.streamed || (!device.is_cpu() && bytes >= kDeviceBytes)
                                    ? torch::Device(torch::kCPU)
                                    : device;
    std::vector<torch::Tensor> trainViews, testViews;
    if (seq.streamed) {
        trainViews = streamRows(ds->train.images, trainRows);
        testViews = streamRows(ds->test.images, testRows);
    }
    if (log)
        log(0, "images: " + std::to_string(ds->train.images.size(0)) + " train / " +
                   std::to_string(ds->test.images.size(0)) + " test, stored " +
                   c10::str(ds->train.images.sizes().slice(1)) + " " +
                   std::string(ds->train.images.scalar_type() == torch::kUInt8 ? "uint8" : "float") +
                   (seq.streamed ? ", streamed from disk (" + std::to_string(bytes >> 20) +
                                       " MB over data.memory_limit_mb, " +
                                       std::to_string(budget >> 20) + " MB)"
                                 : " on " + store.str()) +
                   "; model input " + std::to_string(m.channels) + "x" +
                   std::to_string(m.imageSize) + "x" + std::to_string(m.imageSize) +
                   (d.augment != "none" ? ", augmentation " + d.augment : ""));

    auto place = [&](const torch::Tensor& x) {
        if (seq.streamed) return x;  // stays on disk; the trainer's prefetcher reads batches
        auto out = x.contiguous().to(store);
        return store.is_cpu() && !device.is_cpu() ? out.pin_memory() : out;
    };
    for (size_t t = 0; t < numTasks; ++t) {
        TaskData& task = seq.tasks[t];
        auto trainX = seq.streamed ? trainViews[t] : ds->train.images.index_select(0, trainRows[t]);
        auto testX = seq.streamed ? testViews[t] : ds->test.images.index_select(0, testRows[t]);
        if (perms[t].defined()) {
            trainX = permute(trainX, perms[t]);
            testX = permute(testX, perms[t]);
        } else if (d.scenario == "rotated") {
            trainX = rotate(unitFloat(trainX), d.rotationStep * double(t));
            testX = rotate(unitFloat(testX), d.rotationStep * double(t));
        }
        // Curve subset: an even spread over the task's test set.
        const int64_t n = testX.size(0);
        const int64_t k = std::min<int64_t>(n, std::max(1, d.curvePerTask));
        auto curveIdx = torch::linspace(0, double(n - 1), k).round().to(torch::kInt64);
        task.trainX = place(trainX);
        task.testX = place(testX);
        task.curveIndex = curveIdx.to(store);
        task.curveX = task.testX.index_select(0, task.curveIndex);
        task.trainY = task.trainY.to(device);
        task.testY = task.testY.to(device);
        task.curveY = task.testY.index_select(0, curveIdx.to(device));
        if (seq.qa) {
            for (auto* q : {&task.trainQ, &task.trainA, &task.testQ, &task.testA}) *q = q->to(device);
            task.curveQ = task.testQ.index_select(0, curveIdx.to(device));
            task.curveA = task.testA.index_select(0, curveIdx.to(device));
        }
    }
    return seq;
}

}  // namespace clwb::detail
