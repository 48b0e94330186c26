// SPDX-License-Identifier: GPL-3.0-or-later
// The literature's class-incremental benchmarks for pretrained ViTs (LAMDA-PILOT / RevisitingCIL
// configs: B0 = no base task, IncK = K classes per task, class order shuffled with numpy seed 1993).
#include "clwb/datasets.h"

namespace clwb {
namespace {

// numpy.random.seed(1993); numpy.random.permutation(N) — what PILOT's DataManager draws with its
// default seed (regenerate: python3 -c "import numpy as np; np.random.seed(1993);
// print(list(np.random.permutation(100)))"). A data table, not computed here, because numpy's
// legacy generator is not worth re-implementing for two constants.
const std::vector<int> kOrder100 = {68, 56, 78, 8, 23, 84, 90, 65, 74, 76, 40, 89, 3, 92, 55, 9, 26, 80, 43, 38, 58, 70, 77, 1, 85, 19, 17, 50, 28, 53, 13, 81, 45, 82, 6, 59, 83, 16, 15, 44, 91, 41, 72, 60, 79, 52, 20, 10, 31, 54, 37, 95, 14, 71, 96, 98, 97, 2, 64, 66, 42, 22, 35, 86, 24, 34, 87, 21, 99, 0, 88, 27, 18, 94, 11, 12, 47, 25, 30, 46, 62, 69, 36, 61, 7, 63, 75, 5, 32, 4, 51, 48, 73, 93, 39, 67, 29, 49, 57, 33};
const std::vector<int> kOrder200 = {168, 136, 51, 9, 183, 101, 171, 99, 42, 159, 191, 70, 16, 188, 27, 10, 175, 26, 68, 187, 98, 6, 85, 35, 112, 43, 100, 0, 103, 181, 88, 59, 4, 2, 116, 174, 94, 80, 106, 1, 147, 17, 141, 131, 72, 23, 173, 54, 197, 118, 87, 32, 79, 104, 91, 19, 135, 107, 178, 36, 11, 199, 142, 8, 122, 3, 28, 57, 153, 172, 190, 56, 49, 44, 97, 62, 151, 169, 194, 55, 192, 12, 189, 78, 66, 180, 15, 137, 109, 134, 92, 119, 126, 52, 170, 40, 148, 65, 144, 64, 138, 45, 77, 89, 154, 90, 71, 193, 74, 30, 113, 143, 96, 84, 67, 50, 186, 156, 69, 21, 18, 111, 108, 58, 125, 157, 150, 110, 182, 129, 166, 83, 81, 60, 13, 165, 14, 176, 63, 117, 5, 22, 145, 121, 38, 41, 82, 127, 114, 20, 31, 53, 37, 163, 196, 130, 152, 162, 86, 76, 24, 34, 184, 149, 33, 128, 198, 155, 146, 167, 139, 120, 140, 102, 47, 25, 158, 123, 46, 164, 61, 7, 115, 75, 133, 160, 105, 132, 179, 124, 48, 73, 93, 39, 95, 195, 29, 177, 185, 161};

BenchmarkPreset preset(std::string id, std::string label, std::string dataset, std::string layout,
                       int classes, int perTask)
{
    BenchmarkPreset p;
    p.id = std::move(id);
    p.label = std::move(label);
    p.dataset = std::move(dataset);
    p.layout = std::move(layout);
    p.numClasses = classes;
    p.classesPerTask = perTask;
    p.classOrder = classes == 100 ? kOrder100 : kOrder200;
    return p;
}

}  // namespace

const std::vector<BenchmarkPreset>& benchmarkPresets()
{
    static const std::vector<BenchmarkPreset> presets = {
        preset("cifar100-b0-inc10", "CIFAR-100 B0 Inc10 (10 tasks x 10 classes)", "cifar100",
               "the CIFAR-100 binary version: train.bin, test.bin, fine_label_names.txt", 100, 10),
        preset("cifar100-b0-inc5", "CIFAR-100 B0 Inc5 (20 tasks x 5 classes)", "cifar100",
               "the CIFAR-100 binary version: train.bin, test.bin, fine_label_names.txt", 100, 5),
        preset("imagenet-r-b0-inc20", "ImageNet-R B0 Inc20 (10 tasks x 20 classes)", "image-folder",
               "ImageNet-R as image folders: train/<class>/*.jpg and test/<class>/*.jpg (200 "
               "classes, the PILOT split)",
               200, 20),
        preset("cub200-b0-inc20", "CUB-200 B0 Inc20 (10 tasks x 20 classes)", "image-folder",
               "CUB-200-2011 as image folders: train/<class>/*.jpg and test/<class>/*.jpg (200 "
               "classes)",
               200, 20),
    };
    return presets;
}

RunConfig applyPreset(const BenchmarkPreset& preset, RunConfig base, const std::string& path)
{
    DataConfig& d = base.data;
    d.dataset = preset.dataset;
    d.path = path;
    d.scenario = "class-incremental";
    d.shuffleClassOrder = false;  // the order is the preset's
    d.trainPerClass = 0;
    d.testPerClass = 0;
    d.augment = "crop-flip";
    d.tasks.clear();
    for (int start = 0; start + preset.classesPerTask <= preset.numClasses;
         start += preset.classesPerTask) {
        TaskSpec t;
        t.classes.assign(preset.classOrder.begin() + start,
                         preset.classOrder.begin() + start + preset.classesPerTask);
        d.tasks.push_back(std::move(t));
    }
    d.numTasks = static_cast<int>(d.tasks.size());
    if (base.name.empty() || base.name.rfind("Demo", 0) == 0) base.name = preset.label;
    return base;
}

}  // namespace clwb
