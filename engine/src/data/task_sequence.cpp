// SPDX-License-Identifier: GPL-3.0-or-later
// Class-incremental, permuted and rotated task sequences over Fashion-MNIST or synthetic data.
#include "data/task_sequence.h"
#include "data/qa_tasks.h"

#include <cmath>
#include <stdexcept>

#include "checks.h"
#include "data/fashion_mnist.h"

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

torch::Tensor gather(const ImageSet& set, const std::vector<int>& classes, int limit,
                     torch::Generator& gen, torch::Tensor* labelsOut)
{
    std::vector<torch::Tensor> parts;
    for (int c : classes) parts.push_back(pickClass(set.labels, c, limit, gen));
    auto idx = torch::cat(parts);
    *labelsOut = set.labels.index_select(0, idx);
    return set.images.index_select(0, idx);
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

torch::Tensor permute(const torch::Tensor& images, const torch::Tensor& perm)
{
    auto flat = images.flatten(1);
    return flat.index_select(1, perm).view(images.sizes());
}

}  // namespace

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

TaskSequence buildTaskSequence(const RunConfig& config, torch::Device device)
{
    const DataConfig& d = config.data;
    ImageDataset synthetic;
    const ImageDataset* ds = nullptr;
    if (d.dataset == "synthetic") {
        synthetic = makeSyntheticDataset(config.model.imageSize, config.model.channels,
                                         d.trainPerClass > 0 ? d.trainPerClass : 64,
                                         d.testPerClass > 0 ? d.testPerClass : 32,
                                         unsigned(config.seed) + 7);
        ds = &synthetic;
    } else {
        ds = &loadFashionMnist(d.path.empty() ? defaultFashionMnistDir() : d.path);
        if (config.model.imageSize != 28 || config.model.channels != 1)
            throw std::runtime_error("Fashion-MNIST images are 1x28x28 but the model expects " +
                                     std::to_string(config.model.channels) + "x" +
                                     std::to_string(config.model.imageSize) + "x" +
                                     std::to_string(config.model.imageSize));
    }

    TaskSequence seq;
    seq.numClasses = ds->numClasses;
    seq.classNames = classNames(d.dataset);
    seq.classIncremental = d.scenario == "class-incremental" || d.scenario == "qa";
    seq.qa = d.scenario == "qa";
    std::vector<int> allClasses;
    for (int c = 0; c < ds->numClasses; ++c) allClasses.push_back(c);
    auto gen = at::detail::createCPUGenerator(uint64_t(config.seed) * 7919 + 17);
    const auto specs = resolvedTasks(config);
    const int64_t pixels = ds->train.images[0].numel();

    for (size_t t = 0; t < specs.size(); ++t) {
        TaskData task;
        task.classes = specs[t].classes;
        auto trainX = gather(ds->train, task.classes, d.trainPerClass, gen, &task.trainY);
        auto testX = gather(ds->test, task.classes, d.testPerClass, gen, &task.testY);
        if (d.scenario == "permuted" && t > 0) {
            auto perm = torch::randperm(pixels, gen);
            trainX = permute(trainX, perm);
            testX = permute(testX, perm);
        } else if (d.scenario == "rotated") {
            trainX = rotate(trainX, d.rotationStep * double(t));
            testX = rotate(testX, d.rotationStep * double(t));
        }
        if (trainX.size(0) == 0 || testX.size(0) == 0)
            throw std::runtime_error("task " + std::to_string(t) + " has no images");
        // Curve subset: an even spread over the task's test set.
        const int64_t n = testX.size(0);
        const int64_t k = std::min<int64_t>(n, std::max(1, d.curvePerTask));
        auto curveIdx = torch::linspace(0, double(n - 1), k).round().to(torch::kInt64);
        auto norm = [&](const torch::Tensor& x) {
            return ((x - ds->mean) / ds->stddev).contiguous().to(device);
        };
        task.trainX = norm(trainX);
        task.testX = norm(testX);
        task.curveX = task.testX.index_select(0, curveIdx.to(device));
        task.trainY = task.trainY.to(device);
        task.testY = task.testY.to(device);
        task.curveY = task.testY.index_select(0, curveIdx.to(device));
        if (seq.qa) {
            // Native style per task (cycled), ASD on the training questions only; distractors
            // and yes/no negatives come from every class of the dataset.
            QaStyle native = QaStyle(int(t) % kQaStyles);
            if (!d.qaStyles.empty()) parseStyle(d.qaStyles[t % d.qaStyles.size()], native);
            task.style = int(native);
            auto train = buildQa(task.trainY.cpu(),
                                 trainingStyles(task.trainY.size(0), native, d.asdPercent, gen),
                                 allClasses, gen);
            auto test = buildQa(task.testY.cpu(),
                                std::vector<QaStyle>(size_t(task.testY.size(0)), native), allClasses,
                                gen);
            task.trainQ = train.questions.to(device);
            task.trainA = train.answers.to(device);
            task.testQ = test.questions.to(device);
            task.testA = test.answers.to(device);
            task.curveQ = task.testQ.index_select(0, curveIdx.to(device));
            task.curveA = task.testA.index_select(0, curveIdx.to(device));
        }
        seq.tasks.push_back(std::move(task));
    }
    return seq;
}

}  // namespace clwb::detail
