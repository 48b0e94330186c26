// SPDX-License-Identifier: GPL-3.0-or-later
// Images stay as stored (uint8, their own resolution) until a batch is drawn; this turns a raw
// batch into the model's input on the training device: resize, channel match, augmentation and the
// backbone's normalisation, all batched tensor ops (no per-sample loader in the hot path).
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

class Preprocess
{
public:
    Preprocess() = default;
    /// `mean`/`std`: one value (all channels) or one per model channel.
    Preprocess(int size, int channels, std::vector<double> mean, std::vector<double> std,
               std::string augment, torch::Device device, uint64_t seed);

    /// Raw batch [B, C, H, W] (uint8 0-255, or float in [0, 1]; any device) -> normalised float
    /// [B, channels, size, size] on the device. `train` applies the configured augmentation.
    torch::Tensor operator()(const torch::Tensor& raw, bool train = false) const;

    int size() const { return size_; }
    const std::string& augment() const { return augment_; }
    /// The augmentation draws' generator (a run checkpoint saves and restores its state).
    torch::Generator& generator() const { return gen_; }

private:
    torch::Tensor toUnitFloat(const torch::Tensor& raw) const;
    torch::Tensor matchChannels(const torch::Tensor& x) const;
    torch::Tensor randomResizedCropFlip(const torch::Tensor& x, bool crop) const;
    torch::Tensor normalise(const torch::Tensor& x) const;

    int size_ = 0;
    int channels_ = 1;
    std::vector<double> mean_, std_;
    torch::Tensor meanT_, stdT_;  ///< [1, C, 1, 1] when the channels differ
    std::string augment_ = "none";
    torch::Device device_ = torch::kCPU;
    mutable torch::Generator gen_;  ///< CPU generator: crop/flip draws, seeded per run
};

}  // namespace clwb::detail
