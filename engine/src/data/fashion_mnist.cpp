// SPDX-License-Identifier: GPL-3.0-or-later
// Fashion-MNIST as float tensors (on the generic IDX reader) and the synthetic dataset.
#include "data/fashion_mnist.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "data/idx_file.h"

namespace clwb::detail {

const ImageDataset& loadFashionMnist(const std::string& dir)
{
    static std::mutex mutex;
    static std::map<std::string, ImageDataset> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(dir);
    if (it != cache.end()) return it->second;
    const IdxFiles files = findIdxFiles(dir);
    auto toFloat = [](const torch::Tensor& bytes) { return bytes.to(torch::kFloat32).div_(255.0); };
    ImageDataset ds;
    ds.train = {toFloat(readIdxImages(files.trainImages)), readIdxLabels(files.trainLabels)};
    ds.test = {toFloat(readIdxImages(files.testImages)), readIdxLabels(files.testLabels)};
    if (ds.train.images.size(0) != ds.train.labels.size(0) ||
        ds.test.images.size(0) != ds.test.labels.size(0))
        throw std::runtime_error("Fashion-MNIST in " + dir + ": image and label counts differ");
    ds.mean = 0.2860;  // Fashion-MNIST training-set statistics
    ds.stddev = 0.3530;
    return cache.emplace(dir, std::move(ds)).first->second;
}

torch::Tensor loadFashionMnistTrainImages(const std::string& dir)
{
    return readIdxImages(findIdxFiles(dir).trainImages).to(torch::kFloat32).div_(255.0);
}

ImageDataset makeSyntheticDataset(int imageSize, int channels, int trainPerClass, int testPerClass,
                                  unsigned seed)
{
    auto gen = at::detail::createCPUGenerator(seed);
    constexpr int kClasses = 10;
    // Smooth class templates: low-resolution noise upsampled, so patches carry the signal.
    auto coarse = torch::rand({kClasses, channels, 4, 4}, gen);
    auto templates = torch::nn::functional::interpolate(
        coarse, torch::nn::functional::InterpolateFuncOptions()
                    .size(std::vector<int64_t>{imageSize, imageSize})
                    .mode(torch::kBilinear)
                    .align_corners(false));
    auto make = [&](int perClass) {
        auto labels = torch::arange(kClasses).repeat_interleave(perClass);
        auto images = templates.index_select(0, labels) +
                      0.15 * torch::randn({labels.size(0), channels, imageSize, imageSize}, gen);
        return ImageSet{images.clamp_(0.0, 1.0), labels};
    };
    ImageDataset ds;
    ds.train = make(trainPerClass);
    ds.test = make(testPerClass);
    ds.mean = 0.5;
    ds.stddev = 0.3;
    return ds;
}

}  // namespace clwb::detail
