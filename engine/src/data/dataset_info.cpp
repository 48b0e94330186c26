// SPDX-License-Identifier: GPL-3.0-or-later
// The public dataset questions (clwb/datasets.h): what is on disk, class names, preview images.
#include "clwb/datasets.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "checks.h"
#include "data/dataset_listing.h"
#include "data/idx_file.h"
#include "data/image_decode.h"
#include "data/raw_dataset.h"

namespace fs = std::filesystem;

namespace clwb {
namespace {

using namespace detail;

constexpr int kPreviewSize = 128;  // without a storeSize: large enough to recognise, small to hold

std::vector<std::string> placeholders(int n)
{
    std::vector<std::string> names;
    for (int c = 0; c < n; ++c) names.push_back("Class " + std::to_string(c));
    return names;
}

/// A seeded permutation of 0..n-1 (splitmix64 + Fisher-Yates), the same on every platform.
std::vector<std::int64_t> seededOrder(std::int64_t n, std::uint64_t seed)
{
    std::vector<std::int64_t> order(std::size_t(std::max<std::int64_t>(n, 0)));
    for (std::int64_t i = 0; i < n; ++i) order[std::size_t(i)] = i;
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    for (std::int64_t i = n - 1; i > 0; --i) {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        std::swap(order[std::size_t(i)], order[std::size_t(z % std::uint64_t(i + 1))]);
    }
    return order;
}

void inspectListing(const ImageListing& listing, DatasetInfo& info)
{
    info.classNames = listing.classNames;
    info.hasTestSplit = listing.hasSplit;
    for (const auto& e : listing.entries)
        ++(e.split == Split::Test ? info.testImages : info.trainImages);
}

void inspect(const DataConfig& data, DatasetInfo& info)
{
    const std::string& kind = data.dataset;
    if (kind == "synthetic") {
        info.path.clear();
        info.classNames = placeholders(10);
        info.trainImages = 10 * (data.trainPerClass > 0 ? data.trainPerClass : 64);
        info.testImages = 10 * (data.testPerClass > 0 ? data.testPerClass : 32);
    } else if (kind == "fashion-mnist" || kind == "idx") {
        const auto files = findIdxFiles(data.path.empty() ? defaultFashionMnistDir() : data.path);
        info.path = files.dir;
        info.trainImages = readIdxImageHeader(files.trainImages)[0];
        info.testImages = readIdxImageHeader(files.testImages)[0];
        if (kind == "fashion-mnist") {
            info.classNames = fashionMnistClassNames();
        } else {  // the labels are small: read them for the class count (EMNIST has up to 62)
            info.classNames = idxClassNames(files, idxLabelValues(readIdxLabels(files.trainLabels),
                                                                  readIdxLabels(files.testLabels)));
        }
    } else if (kind == "cifar10" || kind == "cifar100") {
        const auto files = findCifarFiles(data.path, kind == "cifar100");
        info.path = files.dir;
        for (const auto& f : files.train)
            info.trainImages += std::int64_t(fs::file_size(f)) / files.recordBytes;
        info.testImages = std::int64_t(fs::file_size(files.test)) / files.recordBytes;
        info.classNames = cifarClassNames(files);
    } else if (kind == "image-folder") {
        const auto listing = listImageFolder(data.path, false);
        info.path = listing.root;
        inspectListing(listing, info);
    } else if (kind == "file-list") {
        const auto listing = listFileList(data.path, false);
        info.path = fs::absolute(data.path).lexically_normal().string();
        inspectListing(listing, info);
        // Paths relative to the wrong folder are the usual mistake: look at the first few.
        const std::size_t probe = std::min<std::size_t>(50, listing.entries.size());
        std::size_t found = 0;
        for (std::size_t i = 0; i < probe; ++i) {
            std::error_code ec;
            if (fs::is_regular_file(listing.entries[i].file, ec)) ++found;
        }
        if (found == 0)
            info.problem = "data.path: none of the first " + std::to_string(probe) +
                           " files listed in " + data.path + " exist (e.g. " +
                           listing.entries.front().file +
                           "); relative paths start at the CSV's folder " + listing.root;
    } else {
        info.problem = "data.dataset: unknown kind \"" + kind +
                       "\" (fashion-mnist, idx, cifar10, "
                       "cifar100, image-folder, file-list or synthetic)";
    }
    if (!info.hasTestSplit && info.problem.empty() &&
        !(data.testFraction > 0.0 && data.testFraction < 1.0))
        info.problem =
            "data.test_fraction: must lie between 0 and 1 (" + info.path +
            " has no train/test split, so a share of each class is held out for testing)";
}

PreviewImage fromChw(const torch::Tensor& image, int classId)
{
    auto x = image;
    if (x.scalar_type() != torch::kUInt8)
        x = x.mul(255.0).round_().clamp_(0, 255).to(torch::kUInt8);
    x = x.permute({1, 2, 0}).contiguous();
    PreviewImage p;
    p.classId = classId;
    p.height = int(x.size(0));
    p.width = int(x.size(1));
    p.channels = int(x.size(2));
    p.pixels.assign(x.data_ptr<std::uint8_t>(), x.data_ptr<std::uint8_t>() + x.numel());
    return p;
}

std::vector<PreviewImage> previewListing(const ImageListing& listing, const DataConfig& data,
                                         const std::vector<int>& classes, int perClass)
{
    const int size = data.storeSize > 0 ? std::min(data.storeSize, 224) : kPreviewSize;
    const int numClasses = int(listing.classNames.size());
    std::vector<std::vector<PreviewImage>> perClassOut(classes.size());
    parallelFor(std::int64_t(classes.size()), [&](std::int64_t k) {
        const int c = classes[std::size_t(k)];
        if (c < 0 || c >= numClasses) return;
        std::vector<const ImageEntry*> pool;
        for (const auto& e : listing.entries)
            if (e.label == c && e.split != Split::Test) pool.push_back(&e);
        const auto order = seededOrder(std::int64_t(pool.size()), std::uint64_t(c) + 1);
        std::vector<std::uint8_t> hwc(std::size_t(size) * std::size_t(size) * 3);
        int tries = 0;
        for (const auto i : order) {
            if (int(perClassOut[std::size_t(k)].size()) >= perClass || tries++ > 3 * perClass + 3)
                break;
            std::string err;
            if (!decodeSquareImage(pool[std::size_t(i)]->file, size, hwc.data(), &err)) continue;
            PreviewImage p;
            p.classId = c;
            p.width = p.height = size;
            p.channels = 3;
            p.pixels = hwc;
            perClassOut[std::size_t(k)].push_back(std::move(p));
        }
    });
    std::vector<PreviewImage> out;
    for (auto& v : perClassOut)
        for (auto& p : v) out.push_back(std::move(p));
    return out;
}

}  // namespace

DatasetInfo inspectDataset(const DataConfig& data)
{
    DatasetInfo info;
    info.kind = data.dataset;
    info.path = data.path;
    try {
        inspect(data, info);
    } catch (const std::exception& e) {
        info.problem = e.what();
    } catch (...) {
        info.problem = "data.path: cannot read " + data.path;
    }
    if (!info.problem.empty() && info.problem.compare(0, 5, "data.") != 0)
        info.problem = "data.path: " + info.problem;
    return info;
}

std::vector<std::string> datasetClassNames(const DataConfig& data)
{
    auto info = inspectDataset(data);
    if (!info.classNames.empty()) return info.classNames;
    if (data.dataset == "fashion-mnist") return fashionMnistClassNames();
    if (data.dataset == "cifar10" || data.dataset == "cifar100")
        return builtinCifarNames(data.dataset == "cifar100");
    if (data.dataset == "idx") {
        std::vector<std::string> digits;
        for (int c = 0; c < 10; ++c) digits.push_back(std::to_string(c));
        return digits;
    }
    return placeholders(10);
}

std::vector<PreviewImage> previewImages(const DataConfig& data, const std::vector<int>& classes,
                                        int perClass)
{
    if (perClass <= 0 || classes.empty()) return {};
    try {
        if (data.dataset == "image-folder")
            return previewListing(listImageFolder(data.path, false), data, classes, perClass);
        if (data.dataset == "file-list")
            return previewListing(listFileList(data.path, false), data, classes, perClass);
        const auto ds = loadRawDataset(data, data.storeSize, 0, nullptr);
        std::vector<PreviewImage> out;
        const auto labels = ds->train.labels.contiguous();
        for (const int c : classes) {
            if (c < 0 || c >= int(ds->classNames.size())) continue;
            const auto idx = (labels == c).nonzero().squeeze(1);
            const auto order = seededOrder(idx.size(0), std::uint64_t(c) + 1);
            for (std::int64_t i = 0; i < std::min<std::int64_t>(perClass, idx.size(0)); ++i)
                out.push_back(
                    fromChw(ds->train.images[idx[order[std::size_t(i)]].item<std::int64_t>()], c));
        }
        return out;
    } catch (const torch::Error& e) {
        throw std::runtime_error(std::string("cannot preview the dataset: ") +
                                 e.what_without_backtrace());
    }
}

}  // namespace clwb
