// SPDX-License-Identifier: GPL-3.0-or-later
// Batched random views of image batches for the contrastive objectives (SimCLR pre-training,
// MIST's mutual-information loss): one affine grid per sample, no per-image loop.
#pragma once

#include <torch/torch.h>

namespace clwb::detail {

struct AugmentOptions
{
    double minScale = 0.35;   ///< RandomResizedCrop area range [minScale, 1], ratio 3/4..4/3
    bool flip = true;         ///< horizontal flip with p = 0.5
    bool colorJitter = true;  ///< brightness/contrast jitter with p = 0.8
    double noise = 0.03;      ///< std of additive Gaussian noise (0 = none)
    bool clampUnit = true;    ///< clamp to [0, 1] (images not yet normalised)
};

/// A random view of every image of `x` [B, C, H, W], drawing from `gen` (CPU generator).
torch::Tensor randomViews(const torch::Tensor& x, torch::Generator& gen,
                          const AugmentOptions& options = {});

}  // namespace clwb::detail
