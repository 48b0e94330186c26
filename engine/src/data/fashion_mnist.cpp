// SPDX-License-Identifier: GPL-3.0-or-later
// IDX (.gz) reader and the synthetic dataset.
#include "data/fashion_mnist.h"

#include <zlib.h>

#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace clwb::detail {
namespace {

std::vector<unsigned char> readGzip(const std::string& file)
{
    gzFile f = gzopen(file.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open " + file + ": " + std::strerror(errno));
    std::vector<unsigned char> out;
    unsigned char buf[1 << 16];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
    int err = 0;
    const char* msg = gzerror(f, &err);
    const std::string errText = (n < 0 && msg) ? msg : "";
    gzclose(f);
    if (n < 0) throw std::runtime_error("cannot decompress " + file + ": " + errText);
    return out;
}

std::uint32_t bigEndian(const std::vector<unsigned char>& b, size_t at)
{
    return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) |
           (std::uint32_t(b[at + 2]) << 8) | std::uint32_t(b[at + 3]);
}

torch::Tensor readImages(const std::string& file)
{
    const auto raw = readGzip(file);
    if (raw.size() < 16 || bigEndian(raw, 0) != 0x00000803)
        throw std::runtime_error(file + " is not an IDX image file (bad magic number)");
    const auto n = bigEndian(raw, 4), h = bigEndian(raw, 8), w = bigEndian(raw, 12);
    if (raw.size() != 16 + size_t(n) * h * w)
        throw std::runtime_error(file + " is truncated: expected " + std::to_string(n) + " images");
    auto bytes = torch::from_blob(const_cast<unsigned char*>(raw.data()) + 16,
                                  {int64_t(n), 1, int64_t(h), int64_t(w)}, torch::kUInt8);
    return bytes.to(torch::kFloat32).div_(255.0);  // copies out of `raw`
}

torch::Tensor readLabels(const std::string& file)
{
    const auto raw = readGzip(file);
    if (raw.size() < 8 || bigEndian(raw, 0) != 0x00000801)
        throw std::runtime_error(file + " is not an IDX label file (bad magic number)");
    const auto n = bigEndian(raw, 4);
    if (raw.size() != 8 + size_t(n))
        throw std::runtime_error(file + " is truncated: expected " + std::to_string(n) + " labels");
    auto bytes = torch::from_blob(const_cast<unsigned char*>(raw.data()) + 8, {int64_t(n)},
                                  torch::kUInt8);
    return bytes.to(torch::kInt64);
}

}  // namespace

const ImageDataset& loadFashionMnist(const std::string& dir)
{
    static std::mutex mutex;
    static std::map<std::string, ImageDataset> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(dir);
    if (it != cache.end()) return it->second;
    ImageDataset ds;
    ds.train = {readImages(dir + "/train-images-idx3-ubyte.gz"),
                readLabels(dir + "/train-labels-idx1-ubyte.gz")};
    ds.test = {readImages(dir + "/t10k-images-idx3-ubyte.gz"),
               readLabels(dir + "/t10k-labels-idx1-ubyte.gz")};
    if (ds.train.images.size(0) != ds.train.labels.size(0) ||
        ds.test.images.size(0) != ds.test.labels.size(0))
        throw std::runtime_error("Fashion-MNIST in " + dir + ": image and label counts differ");
    ds.mean = 0.2860;  // Fashion-MNIST training-set statistics
    ds.stddev = 0.3530;
    return cache.emplace(dir, std::move(ds)).first->second;
}

torch::Tensor loadFashionMnistTrainImages(const std::string& dir)
{
    return readImages(dir + "/train-images-idx3-ubyte.gz");
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
