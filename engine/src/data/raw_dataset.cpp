// SPDX-License-Identifier: GPL-3.0-or-later
// One entry point for every dataset kind; IDX and CIFAR are read whole (already raw uint8),
// folders and lists go through the decode cache.
#include "data/raw_dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include "checks.h"
#include "data/dataset_listing.h"
#include "data/decode_cache.h"
#include "data/disk_tensor.h"
#include "data/fashion_mnist.h"
#include "data/idx_file.h"

namespace fs = std::filesystem;

namespace clwb::detail {
namespace {

constexpr int kDefaultStoreSize = 224;

/// Per-channel mean and standard deviation of uint8 NCHW images, in [0, 1] units.
void channelStats(const torch::Tensor& images, std::vector<double>& mean, std::vector<double>& sd)
{
    const auto x = images.contiguous();
    const std::int64_t n = x.size(0), c = x.size(1), plane = x.size(2) * x.size(3);
    const std::uint8_t* p = x.data_ptr<std::uint8_t>();
    std::vector<double> sum(std::size_t(c), 0.0), sq(std::size_t(c), 0.0);
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t ch = 0; ch < c; ++ch, p += plane) {
            std::uint64_t s = 0, s2 = 0;
            for (std::int64_t k = 0; k < plane; ++k) {
                s += p[k];
                s2 += std::uint64_t(p[k]) * p[k];
            }
            sum[std::size_t(ch)] += double(s);
            sq[std::size_t(ch)] += double(s2);
        }
    }
    const double count = std::max<double>(1.0, double(n * plane));
    mean.clear();
    sd.clear();
    for (std::size_t ch = 0; ch < std::size_t(c); ++ch) {
        const double m = sum[ch] / count / 255.0;
        mean.push_back(m);
        sd.push_back(std::sqrt(std::max(sq[ch] / count / (255.0 * 255.0) - m * m, 1e-12)));
    }
}

/// Size and mtime of each file, for noticing that a cached dataset changed on disk.
std::string statFingerprint(const std::vector<std::string>& files)
{
    std::string fp;
    for (const auto& f : files) {
        struct stat st
        {
        };
        if (::stat(f.c_str(), &st) == 0)
            fp += f + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
                  "." + std::to_string(st.st_mtim.tv_nsec) + ";";
    }
    return fp;
}

RawDataset loadIdx(const IdxFiles& files, bool fashion)
{
    const bool transpose = idxTransposed(files);
    RawDataset ds;
    ds.source = files.dir;
    ds.train = {readIdxImages(files.trainImages, transpose), readIdxLabels(files.trainLabels)};
    ds.test = {readIdxImages(files.testImages, transpose), readIdxLabels(files.testLabels)};
    if (ds.train.images.size(0) != ds.train.labels.size(0))
        throw std::runtime_error("data.path: " + files.trainImages + " and " + files.trainLabels +
                                 " hold different counts");
    if (ds.test.images.size(0) != ds.test.labels.size(0))
        throw std::runtime_error("data.path: " + files.testImages + " and " + files.testLabels +
                                 " hold different counts");
    if (!ds.train.images.sizes().slice(1).equals(ds.test.images.sizes().slice(1)))
        throw std::runtime_error("data.path: training and test images in " + files.dir +
                                 " differ in size");
    if (fashion) {
        ds.classNames = fashionMnistClassNames();
        for (const auto* s : {&ds.train, &ds.test})
            if (s->labels.numel() > 0 && s->labels.max().item<std::int64_t>() >= 10)
                throw std::runtime_error("data.path: " + files.dir +
                                         " is not Fashion-MNIST (labels "
                                         "above 9); use data.dataset \"idx\" for other IDX sets");
        ds.mean = {0.2860};  // Fashion-MNIST training-set statistics
        ds.stddev = {0.3530};
        return ds;
    }
    // Label values as found (EMNIST letters uses 1..26): class ids are their sorted order.
    const auto values = idxLabelValues(ds.train.labels, ds.test.labels);
    if (values.empty())
        throw std::runtime_error("data.path: " + files.trainLabels + " holds no labels");
    if (values.front() != 0 || values.back() != std::int64_t(values.size()) - 1) {
        auto lut = torch::full({values.back() + 1}, -1, torch::kInt64);
        for (std::size_t i = 0; i < values.size(); ++i) lut[values[i]] = std::int64_t(i);
        ds.train.labels = lut.index_select(0, ds.train.labels);
        ds.test.labels = lut.index_select(0, ds.test.labels);
    }
    ds.classNames = idxClassNames(files, values);
    channelStats(ds.train.images, ds.mean, ds.stddev);
    return ds;
}

/// Reads CIFAR binary batches: per record one (CIFAR-10) or two (coarse, fine) label bytes, then
/// 3072 pixel bytes in CHW order.
RawImageSet readCifar(const std::vector<std::string>& files, const CifarFiles& cf)
{
    std::int64_t total = 0;
    for (const auto& f : files) total += std::int64_t(fs::file_size(f)) / cf.recordBytes;
    RawImageSet set{torch::empty({total, 3, 32, 32}, torch::kUInt8),
                    torch::empty({total}, torch::kInt64)};
    auto* px = set.images.data_ptr<std::uint8_t>();
    auto* lb = set.labels.data_ptr<std::int64_t>();
    std::vector<char> buf;
    std::int64_t at = 0;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        buf.resize(std::size_t(fs::file_size(f)));
        if (!in.read(buf.data(), std::streamsize(buf.size())))
            throw std::runtime_error("data.path: cannot read " + f);
        const std::int64_t n = std::int64_t(buf.size()) / cf.recordBytes;
        const int labelBytes = cf.recordBytes - 3072;
        for (std::int64_t i = 0; i < n; ++i, ++at) {
            const auto* rec =
                reinterpret_cast<const std::uint8_t*>(buf.data()) + i * cf.recordBytes;
            const int label = rec[labelBytes - 1];  // CIFAR-100: the fine label follows the coarse
            if (label >= cf.numClasses)
                throw std::runtime_error("data.path: " + f + " record " + std::to_string(i) +
                                         " has label " + std::to_string(label) + ", not a CIFAR-" +
                                         std::to_string(cf.numClasses) + " file");
            lb[at] = label;
            std::memcpy(px + at * 3072, rec + labelBytes, 3072);
        }
    }
    return set;
}

RawDataset loadCifar(const CifarFiles& cf)
{
    RawDataset ds;
    ds.source = cf.dir;
    ds.train = readCifar(cf.train, cf);
    ds.test = readCifar({cf.test}, cf);
    ds.classNames = cifarClassNames(cf);
    channelStats(ds.train.images, ds.mean, ds.stddev);
    return ds;
}

RawDataset loadListing(const ImageListing& listing, const std::string& source, int size,
                       const DataConfig& d, int seed, const DataLog& log)
{
    for (const auto& w : listing.warnings) log(1, w);
    DecodedImages dec = decodeListing(listing, source, size, d.badImages == "reject", log);
    RawDataset ds;
    ds.source = source;
    ds.classNames = listing.classNames;
    ds.mean = dec.mean;
    ds.stddev = dec.stddev;
    ds.skipped = dec.skipped;
    ds.skippedFiles = dec.skippedFiles;
    ds.cacheFile = dec.cacheFile;
    const std::int64_t n = dec.images.size(0);
    if (listing.hasSplit) {  // views of the mapping: nothing is copied
        ds.train = {dec.images.narrow(0, 0, dec.numTrain), dec.labels.narrow(0, 0, dec.numTrain)};
        ds.test = {dec.images.narrow(0, dec.numTrain, n - dec.numTrain),
                   dec.labels.narrow(0, dec.numTrain, n - dec.numTrain)};
        return ds;
    }
    const std::vector<std::int64_t> labels(dec.labels.data_ptr<std::int64_t>(),
                                           dec.labels.data_ptr<std::int64_t>() + n);
    const auto testIdx = stratifiedTestIndices(labels, d.testFraction, seed);
    std::vector<char> isTest(std::size_t(n), 0);
    for (const auto i : testIdx) isTest[std::size_t(i)] = 1;
    std::vector<std::int64_t> trainIdx;
    for (std::int64_t i = 0; i < n; ++i)
        if (!isTest[std::size_t(i)]) trainIdx.push_back(i);
    // Over the memory limit the two halves are written to disk rather than copied into memory.
    const bool stream = dec.images.numel() > imageMemoryBudget(d.memoryLimitMb);
    if (stream)
        log(0, "train/test split of " + std::to_string(dec.images.numel() >> 20) +
                   " MB of images written to disk (over data.memory_limit_mb)");
    auto pick = [&](const std::vector<std::int64_t>& idx) {
        const auto t = torch::tensor(idx, torch::kInt64);
        return RawImageSet{stream ? selectRowsToDisk(dec.images, t, datasetCacheDir())
                                  : dec.images.index_select(0, t),
                           dec.labels.index_select(0, t)};
    };
    ds.train = pick(trainIdx);
    ds.test = pick(testIdx);
    return ds;
}

/// Warns about classes that ended up without training or test images.
void warnEmptyClasses(const RawDataset& ds, const DataLog& log)
{
    const auto k = std::int64_t(ds.classNames.size());
    for (const auto& [set, what] :
         {std::pair{&ds.train, "training"}, std::pair{&ds.test, "test"}}) {
        const auto counts = torch::bincount(set->labels, {}, k);
        std::string names;
        int missing = 0;
        for (std::int64_t c = 0; c < k; ++c) {
            if (counts[c].item<std::int64_t>() > 0) continue;
            if (++missing <= 5) names += (missing > 1 ? ", " : "") + ds.classNames[std::size_t(c)];
        }
        if (missing > 0)
            log(1, std::to_string(missing) + " class" + (missing > 1 ? "es have" : " has") +
                       " no " + what + " images: " + names + (missing > 5 ? ", ..." : ""));
    }
}

}  // namespace

const std::vector<std::string>& fashionMnistClassNames()
{
    static const std::vector<std::string> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

std::vector<std::int64_t> stratifiedTestIndices(const std::vector<std::int64_t>& labels,
                                                double testFraction, int seed)
{
    std::map<std::int64_t, std::vector<std::int64_t>> byClass;
    for (std::size_t i = 0; i < labels.size(); ++i) byClass[labels[i]].push_back(std::int64_t(i));
    std::vector<std::int64_t> test;
    for (auto& [c, idx] : byClass) {
        const auto m = std::int64_t(idx.size());
        auto k = std::int64_t(std::llround(double(m) * testFraction));
        k = m >= 2 ? std::clamp<std::int64_t>(k, 1, m - 1) : 0;
        // splitmix64 per (seed, class) and a plain Fisher-Yates: the same split on every
        // platform, and adding a class leaves the other classes' splits alone.
        std::uint64_t state = std::uint64_t(seed) * 0x9E3779B97F4A7C15ULL + std::uint64_t(c) + 1;
        auto next = [&state] {
            std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            return z ^ (z >> 31);
        };
        for (std::int64_t i = m - 1; i > 0; --i)
            std::swap(idx[std::size_t(i)], idx[next() % std::uint64_t(i + 1)]);
        test.insert(test.end(), idx.begin(), idx.begin() + k);
    }
    std::sort(test.begin(), test.end());
    return test;
}

namespace {

std::mutex cacheMutex;
struct CacheEntry
{
    std::string fingerprint;
    std::weak_ptr<const RawDataset> dataset;
};
std::map<std::string, CacheEntry> cacheEntries;
std::shared_ptr<const RawDataset> recent;  // the last one stays loaded between runs

}  // namespace

void clearRawDatasetCache()
{
    std::lock_guard<std::mutex> lock(cacheMutex);
    cacheEntries.clear();
    recent.reset();
}

std::shared_ptr<const RawDataset> loadRawDataset(const DataConfig& d, int storeSize, int seed,
                                                 const DataLog& log, int syntheticChannels)
{
    const DataLog say = [&log](int level, const std::string& m) {
        if (log) log(level, m);
    };
    const std::string& kind = d.dataset;
    if (d.badImages != "skip" && d.badImages != "reject")
        throw std::runtime_error("data.bad_images: \"" + d.badImages +
                                 "\" is not \"skip\" or \"reject\"");
    const bool folder = kind == "image-folder" || kind == "file-list";
    if (folder && storeSize <= 0) storeSize = kDefaultStoreSize;

    std::lock_guard<std::mutex> lock(cacheMutex);
    const std::string key = kind + "|" + d.path + "|" + std::to_string(storeSize) + "|" +
                            std::to_string(seed) + "|" + std::to_string(d.testFraction) + "|" +
                            (kind == "synthetic" ? std::to_string(syntheticChannels) + "|" +
                                                       std::to_string(d.trainPerClass) + "|" +
                                                       std::to_string(d.testPerClass)
                                                 : std::string());
    // Resolve the files first (cheap): their sizes and mtimes tell whether a cached load is stale.
    std::string fingerprint;
    std::optional<IdxFiles> idx;
    std::optional<CifarFiles> cifar;
    std::optional<ImageListing> listing;
    std::string source = d.path;
    if (kind == "fashion-mnist" || kind == "idx") {
        idx = findIdxFiles(d.path.empty() ? defaultFashionMnistDir() : d.path);
        fingerprint = statFingerprint(
            {idx->trainImages, idx->trainLabels, idx->testImages, idx->testLabels, idx->mapping});
    } else if (kind == "cifar10" || kind == "cifar100") {
        cifar = findCifarFiles(d.path, kind == "cifar100");
        auto files = cifar->train;
        files.push_back(cifar->test);
        files.push_back(cifar->names);
        fingerprint = statFingerprint(files);
    } else if (folder) {
        listing = kind == "image-folder" ? listImageFolder(d.path) : listFileList(d.path);
        source = fs::absolute(d.path).lexically_normal().string();
        if (!listing->hasSplit && !(d.testFraction > 0.0 && d.testFraction < 1.0))
            throw std::runtime_error("data.test_fraction: " + std::to_string(d.testFraction) +
                                     " must lie between 0 and 1: " + d.path +
                                     " has no train/test split, so a share of each class is held "
                                     "out for testing");
        fingerprint = listingKey(*listing, source, storeSize);
    } else if (kind != "synthetic") {
        throw std::runtime_error("data.dataset: unknown kind \"" + kind +
                                 "\" (fashion-mnist, idx, "
                                 "cifar10, cifar100, image-folder, file-list or synthetic)");
    }
    if (auto it = cacheEntries.find(key);
        it != cacheEntries.end() && it->second.fingerprint == fingerprint) {
        if (auto ds = it->second.dataset.lock()) {
            if (d.badImages == "reject" && ds->skipped > 0)
                throw std::runtime_error("data.bad_images is \"reject\" and " + ds->source + "/" +
                                         ds->skippedFiles.front() +
                                         " cannot be read; fix or remove "
                                         "it, or set data.bad_images to \"skip\"");
            return ds;
        }
    }

    auto ds = std::make_shared<RawDataset>();
    if (idx) {
        *ds = loadIdx(*idx, kind == "fashion-mnist");
    } else if (cifar) {
        *ds = loadCifar(*cifar);
    } else if (listing) {
        *ds = loadListing(*listing, source, storeSize, d, seed, say);
    } else {
        const int size = storeSize > 0 ? storeSize : 28;
        const auto syn = makeSyntheticDataset(
            size, syntheticChannels, d.trainPerClass > 0 ? d.trainPerClass : 64,
            d.testPerClass > 0 ? d.testPerClass : 32, unsigned(seed) + 7);
        ds->train = {syn.train.images, syn.train.labels};
        ds->test = {syn.test.images, syn.test.labels};
        for (int c = 0; c < syn.numClasses; ++c)
            ds->classNames.push_back("Class " + std::to_string(c));
        ds->mean.assign(std::size_t(syntheticChannels), syn.mean);
        ds->stddev.assign(std::size_t(syntheticChannels), syn.stddev);
        ds->source = "synthetic";
    }
    warnEmptyClasses(*ds, say);
    std::shared_ptr<const RawDataset> result = ds;
    cacheEntries[key] = {fingerprint, result};
    recent = result;
    return result;
}

}  // namespace clwb::detail
