// SPDX-License-Identifier: GPL-3.0-or-later
#include "precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

// LibTorch 2.4 replaced the per-device autocast calls (set_enabled / set_cpu_enabled, ...) by
// ones taking the device type; Debian's 1.13 has only the old ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define CLWB_AUTOCAST_BY_DEVICE 1
#endif

namespace clwb::detail {
namespace {

bool autocastEnabled(bool cuda)
{
#ifdef CLWB_AUTOCAST_BY_DEVICE
    return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType autocastType(bool cuda)
{
#ifdef CLWB_AUTOCAST_BY_DEVICE
    return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void setAutocast(bool cuda, bool enabled, at::ScalarType type)
{
#ifdef CLWB_AUTOCAST_BY_DEVICE
    const auto device = cuda ? at::kCUDA : at::kCPU;
    at::autocast::set_autocast_dtype(device, type);
    at::autocast::set_autocast_enabled(device, enabled);
#else
    if (cuda) {
        at::autocast::set_autocast_gpu_dtype(type);
        at::autocast::set_enabled(enabled);
    } else {
        at::autocast::set_autocast_cpu_dtype(type);
        at::autocast::set_cpu_enabled(enabled);
    }
#endif
}

}  // namespace

AutocastGuard::AutocastGuard(const std::string& precision, const torch::Device& device)
{
    if (precision != "bf16" && precision != "fp16") return;
    active_ = true;
    cuda_ = device.is_cuda();
    wasEnabled_ = autocastEnabled(cuda_);
    oldType_ = autocastType(cuda_);
    setAutocast(cuda_, true, precision == "fp16" ? at::kHalf : at::kBFloat16);
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard()
{
    if (!active_) return;
    // Weights cast for this region are cached until the outermost region ends.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setAutocast(cuda_, wasEnabled_, oldType_);
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
