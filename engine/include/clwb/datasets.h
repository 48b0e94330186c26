// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI and clwb-run may ask about a dataset without training: classes, counts, problems,
// preview images, and the literature's benchmark presets. Plain C++; no torch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clwb/run_config.h"

namespace clwb {

/// A dataset as found on disk (cheap: folders are listed, images are not decoded).
struct DatasetInfo
{
    std::string kind;  ///< DataConfig::dataset
    std::string path;  ///< the resolved folder or file
    std::vector<std::string> classNames;  ///< index = class id
    std::int64_t trainImages = 0;  ///< before the test split of a single folder / unsplit list
    std::int64_t testImages = 0;
    bool hasTestSplit = true;  ///< false: a seeded stratified split by DataConfig::testFraction
    /// Empty = usable; otherwise what is wrong and what to put where ("data.path: ...").
    std::string problem;
    int numClasses() const { return int(classNames.size()); }
};

/// Lists the dataset `data` names. Never throws; problems land in DatasetInfo::problem.
DatasetInfo inspectDataset(const DataConfig& data);

/// Class names of the dataset `data` names (folder names, CIFAR meta files, Fashion-MNIST's);
/// "Class N" placeholders when unknown. Never throws.
std::vector<std::string> datasetClassNames(const DataConfig& data);

/// One decoded training image for previews, RGB or grey, 8 bits per channel, row-major.
struct PreviewImage
{
    int classId = 0;
    int width = 0, height = 0, channels = 0;
    std::vector<std::uint8_t> pixels;  ///< height * width * channels (HWC)
};

/// Up to `perClass` training images of each class in `classes`, in a fixed (seeded) choice.
/// Throws std::runtime_error with a readable message when the dataset cannot be read.
std::vector<PreviewImage> previewImages(const DataConfig& data, const std::vector<int>& classes,
                                        int perClass);

/// A benchmark from the pretrained-ViT CL literature (LAMDA-PILOT / RevisitingCIL splits).
struct BenchmarkPreset
{
    std::string id;           ///< "cifar100-b0-inc10"
    std::string label;        ///< "CIFAR-100 B0 Inc10 (10 tasks x 10 classes)"
    std::string dataset;      ///< DataConfig::dataset
    std::string layout;       ///< what the user must put at data.path
    int numClasses = 0;
    int classesPerTask = 0;
    std::vector<int> classOrder;  ///< the literature's class order (numpy seed 1993)
};

const std::vector<BenchmarkPreset>& benchmarkPresets();

/// `base` with the preset's dataset, task split in its class order, and augmentation applied;
/// data.path set to `path`.
RunConfig applyPreset(const BenchmarkPreset& preset, RunConfig base, const std::string& path);

}  // namespace clwb
