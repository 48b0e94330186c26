// SPDX-License-Identifier: GPL-3.0-or-later
#include "precision.h"

#include <ATen/autocast_mode.h>

namespace clwb::detail {

AutocastGuard::AutocastGuard(const std::string& precision, const torch::Device& device)
{
    if (precision != "bf16" && precision != "fp16") return;
    active_ = true;
    cuda_ = device.is_cuda();
    const auto type = precision == "fp16" ? at::kHalf : at::kBFloat16;
    if (cuda_) {
        wasEnabled_ = at::autocast::is_enabled();
        oldType_ = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_autocast_gpu_dtype(type);
        at::autocast::set_enabled(true);
    } else {
        wasEnabled_ = at::autocast::is_cpu_enabled();
        oldType_ = at::autocast::get_autocast_cpu_dtype();
        at::autocast::set_autocast_cpu_dtype(type);
        at::autocast::set_cpu_enabled(true);
    }
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard()
{
    if (!active_) return;
    // Weights cast for this region are cached until the outermost region ends.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    if (cuda_) {
        at::autocast::set_enabled(wasEnabled_);
        at::autocast::set_autocast_gpu_dtype(oldType_);
    } else {
        at::autocast::set_cpu_enabled(wasEnabled_);
        at::autocast::set_autocast_cpu_dtype(oldType_);
    }
}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const
{
    return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::unscale(const std::vector<torch::Tensor>& params)
{
    if (!enabled_) return true;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> ok;
    for (const auto& p : params) {
        auto g = p.grad();
        if (!g.defined()) continue;
        g.mul_(1.0 / scale_);
        ok.push_back(torch::isfinite(g).all());
    }
    // One host sync for all gradients.
    if (!ok.empty() && !torch::stack(ok).all().item<bool>()) {
        scale_ = std::max(1.0, scale_ * 0.5);
        goodSteps_ = 0;
        return false;
    }
    if (++goodSteps_ >= 2000) {
        scale_ *= 2.0;
        goodSteps_ = 0;
    }
    return true;
}

}  // namespace clwb::detail
