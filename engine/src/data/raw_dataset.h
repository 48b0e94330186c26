// SPDX-License-Identifier: GPL-3.0-or-later
// Every dataset kind (docs/data.md) as raw training and test arrays, before task splitting,
// normalisation or augmentation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"

namespace clwb::detail {

struct RawImageSet
{
    /// uint8 [N, C, H, W] on the CPU, or float [0, 1] for "synthetic". Image-folder and file-list
    /// images may be a copy-on-write mapping of the decode cache: reading pages from disk is
    /// cheap, but copy (index_select, to(float)) rather than modify in place to keep it shared.
    torch::Tensor images;
    torch::Tensor labels;  ///< int64 [N], 0 .. classNames.size() - 1
};

struct RawDataset
{
    RawImageSet train, test;
    std::vector<std::string> classNames;
    /// Per-channel statistics of the training images in [0, 1] units (Fashion-MNIST keeps
    /// 0.2860 / 0.3530, synthetic 0.5 / 0.3; a folder without a split: over all its images).
    std::vector<double> mean, stddev;
    std::int64_t skipped = 0;               ///< unreadable images left out (data.bad_images "skip")
    std::vector<std::string> skippedFiles;  ///< the first few, "relative/path (reason)"
    std::string source;                     ///< the resolved folder or file
    std::string cacheFile;                  ///< the decode cache in use, "" if none
};

/// level 0 = info, 1 = warning.
using DataLog = std::function<void(int level, const std::string&)>;

/// Loads the dataset `d` names. storeSize: image-folder / file-list images are decoded once and
/// stored as storeSize x storeSize RGB (shorter side resized, centre crop; <= 0 means 224); the
/// others keep their stored resolution (CIFAR 3x32x32, IDX 1x28x28); "synthetic" is made at
/// storeSize (<= 0: 28) with `syntheticChannels` channels. seed: the stratified split of a folder
/// or list without one (d.testFraction per class). Cached in this process per (kind, path,
/// storeSize, seed, testFraction) while the files stay unchanged. Throws std::runtime_error
/// naming the field ("data.path: ...") and what to put where.
std::shared_ptr<const RawDataset> loadRawDataset(const DataConfig& d, int storeSize, int seed,
                                                 const DataLog& log, int syntheticChannels = 1);

/// The ten Fashion-MNIST class names ("T-shirt/top", ...).
const std::vector<std::string>& fashionMnistClassNames();

/// Forgets the in-process cache (tests; the on-disk decode cache stays).
void clearRawDatasetCache();

/// Indices of the test share of each class, per class `round(n * testFraction)` (at least one when
/// a class has two or more images, never all), chosen by a seeded shuffle that is the same on
/// every platform. Returned sorted.
std::vector<std::int64_t> stratifiedTestIndices(const std::vector<std::int64_t>& labels,
                                                double testFraction, int seed);

}  // namespace clwb::detail
