// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/augment.h"

#include <cmath>

namespace clwb::detail {

namespace F = torch::nn::functional;

torch::Tensor randomViews(const torch::Tensor& x, torch::Generator& gen, const AugmentOptions& o)
{
    const int64_t b = x.size(0);
    auto opts = torch::TensorOptions().device(x.device());
    auto u = [&](double lo, double hi) {
        return torch::rand({b}, gen).to(x.device()) * (hi - lo) + lo;
    };
    auto area = u(o.minScale, 1.0);
    auto logRatio = u(std::log(3.0 / 4.0), std::log(4.0 / 3.0));
    auto sx = (area * logRatio.exp()).sqrt().clamp_max(1.0);
    auto sy = (area / logRatio.exp()).sqrt().clamp_max(1.0);
    auto tx = (u(-1.0, 1.0)) * (1.0 - sx);  // the crop stays inside the image
    auto ty = (u(-1.0, 1.0)) * (1.0 - sy);
    auto flip = o.flip ? torch::where(u(0.0, 1.0) < 0.5, torch::full({b}, -1.0, opts),
                                      torch::ones({b}, opts))
                       : torch::ones({b}, opts);
    auto zero = torch::zeros({b}, opts);
    auto theta = torch::stack(
        {torch::stack({sx * flip, zero, tx}, 1), torch::stack({zero, sy, ty}, 1)}, 1);
    auto grid = F::affine_grid(theta, x.sizes(), false);
    auto out = F::grid_sample(x, grid, F::GridSampleFuncOptions().align_corners(false));
    if (o.colorJitter) {
        auto contrast = u(0.6, 1.4).view({b, 1, 1, 1});
        auto bright = u(-0.2, 0.2).view({b, 1, 1, 1});
        auto jitter = (u(0.0, 1.0) < 0.8).to(torch::kFloat32).view({b, 1, 1, 1});
        out = out + jitter * (out * (contrast - 1.0) + bright);
    }
    if (o.noise > 0) out = out + o.noise * torch::randn(out.sizes(), gen).to(x.device());
    return o.clampUnit ? out.clamp(0.0, 1.0) : out;
}

}  // namespace clwb::detail
