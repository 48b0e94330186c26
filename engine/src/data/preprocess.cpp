// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/preprocess.h"

#include <cmath>

namespace clwb::detail {
namespace F = torch::nn::functional;

Preprocess::Preprocess(int size, int channels, std::vector<double> mean, std::vector<double> std,
                       std::string augment, torch::Device device, uint64_t seed)
    : size_(size),
      channels_(channels),
      mean_(std::move(mean)),
      std_(std::move(std)),
      augment_(std::move(augment)),
      device_(device),
      gen_(at::detail::createCPUGenerator(seed))
{
    auto uniform = [](const std::vector<double>& v) {
        for (double x : v)
            if (x != v.front()) return false;
        return true;
    };
    if (!uniform(mean_) || !uniform(std_)) {
        auto column = [&](const std::vector<double>& v) {
            std::vector<float> f(size_t(channels_), float(v.front()));
            for (size_t c = 0; c < f.size() && c < v.size(); ++c) f[c] = float(v[c]);
            return torch::tensor(f).view({1, channels_, 1, 1}).to(device_);
        };
        meanT_ = column(mean_);
        stdT_ = column(std_);
    }
}

torch::Tensor Preprocess::toUnitFloat(const torch::Tensor& raw) const
{
    auto x = raw.device() == device_ ? raw : raw.to(device_, /*non_blocking=*/raw.is_pinned());
    if (x.scalar_type() == torch::kUInt8) return x.to(torch::kFloat32).div_(255.0);
    return x.scalar_type() == torch::kFloat32 ? x : x.to(torch::kFloat32);
}

torch::Tensor Preprocess::matchChannels(const torch::Tensor& x) const
{
    const int64_t c = x.size(1);
    if (c == channels_) return x;
    if (c == 1) return x.expand({x.size(0), channels_, x.size(2), x.size(3)});
    if (c == 3 && channels_ == 1) {  // ITU-R 601 luma, as PIL's convert("L")
        return (x.select(1, 0) * 0.299 + x.select(1, 1) * 0.587 + x.select(1, 2) * 0.114).unsqueeze(1);
    }
    throw std::runtime_error("images have " + std::to_string(c) + " channels but the model expects " +
                             std::to_string(channels_));
}

torch::Tensor Preprocess::randomResizedCropFlip(const torch::Tensor& x, bool crop) const
{
    // One affine grid per sample: the crop box (scale 0.08-1 of the area, aspect 3/4-4/3, as
    // torchvision's RandomResizedCrop) and the flip become a scale/translate of the sampling grid,
    // so crop + resize + flip is a single grid_sample over the batch.
    const int64_t b = x.size(0);
    auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    auto u = torch::rand({b, 5}, gen_, opts);
    auto sx = torch::ones({b}, opts), sy = torch::ones({b}, opts);
    auto tx = torch::zeros({b}, opts), ty = torch::zeros({b}, opts);
    if (crop) {
        const double lnLo = std::log(3.0 / 4.0), lnHi = std::log(4.0 / 3.0);
        auto area = 0.08 + u.select(1, 0) * (1.0 - 0.08);
        auto ratio = torch::exp(lnLo + u.select(1, 1) * (lnHi - lnLo));
        sx = torch::sqrt(area * ratio).clamp_max(1.0);  // crop width / image width
        sy = torch::sqrt(area / ratio).clamp_max(1.0);
        tx = (u.select(1, 2) * 2.0 - 1.0) * (1.0 - sx);  // centre in [-1+sx, 1-sx]
        ty = (u.select(1, 3) * 2.0 - 1.0) * (1.0 - sy);
    }
    auto flip = torch::where(u.select(1, 4) < 0.5, torch::full({b}, -1.0f, opts), torch::ones({b}, opts));
    auto zero = torch::zeros({b}, opts);
    auto theta = torch::stack({torch::stack({sx * flip, zero, tx}, 1), torch::stack({zero, sy, ty}, 1)}, 1)
                     .to(x.device());
    auto grid = F::affine_grid(theta, {b, x.size(1), size_, size_}, /*align_corners=*/false);
    return F::grid_sample(x, grid,
                          F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kReflection).align_corners(false));
}

torch::Tensor Preprocess::normalise(const torch::Tensor& x) const
{
    if (meanT_.defined()) return (x - meanT_) / stdT_;
    // Scalar statistics: the exact arithmetic of the earlier whole-dataset normalisation.
    return (x - mean_.front()) / std_.front();
}

torch::Tensor Preprocess::operator()(const torch::Tensor& raw, bool train) const
{
    auto x = matchChannels(toUnitFloat(raw));
    const bool crop = train && augment_ == "crop-flip";
    const bool flip = train && (augment_ == "flip" || crop);
    if (flip) {
        x = randomResizedCropFlip(x.contiguous(), crop);
    } else if (x.size(2) != size_ || x.size(3) != size_) {
        const bool down = x.size(2) > size_ || x.size(3) > size_;
        x = F::interpolate(x, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{size_, size_})
                                  .mode(torch::kBilinear)
                                  .align_corners(false)
                                  .antialias(down));
    }
    return normalise(x).contiguous();
}

}  // namespace clwb::detail
