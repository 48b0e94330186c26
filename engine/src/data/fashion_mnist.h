// SPDX-License-Identifier: GPL-3.0-or-later
// Image datasets as whole float tensors: Fashion-MNIST from its IDX files, and a synthetic stand-in.
#pragma once

#include <string>

#include <torch/torch.h>

namespace clwb::detail {

/// Images are float32 [N, C, H, W] in [0, 1]; labels int64 [N].
struct ImageSet
{
    torch::Tensor images;
    torch::Tensor labels;
};

struct ImageDataset
{
    ImageSet train;
    ImageSet test;
    int numClasses = 10;
    double mean = 0.0;  ///< per-channel normalisation applied after augmentation
    double stddev = 1.0;
};

/// Reads the four IDX files, gzip or plain (cached per directory for the life of the process).
/// Throws std::runtime_error naming the file on any problem.
const ImageDataset& loadFashionMnist(const std::string& dir);

/// Reads only the training images (for self-supervised pretraining: labels are never opened).
torch::Tensor loadFashionMnistTrainImages(const std::string& dir);

/// Ten classes of noisy class templates; learnable in a few steps, for tests.
ImageDataset makeSyntheticDataset(int imageSize, int channels, int trainPerClass, int testPerClass,
                                  unsigned seed);

}  // namespace clwb::detail
