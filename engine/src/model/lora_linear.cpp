// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/lora_linear.h"

#include <cmath>

namespace clwb::detail {

LoraLinearImpl::LoraLinearImpl(int64_t in, int64_t out, bool withBias)
{
    weight = register_parameter("weight", torch::empty({out, in}));
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));  // torch.nn.Linear's default
    if (withBias) {
        const double bound = 1.0 / std::sqrt(double(in));
        bias = register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
    }
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x)
{
    auto y = torch::nn::functional::linear(x, weight, bias);
    for (auto& [name, ad] : adapters_) {
        if (!ad.enabled) continue;
        auto up = torch::matmul(torch::matmul(x, ad.a.t()), ad.b.t());
        double s = ad.scale * ad.weight;
        if (ad.gate.defined()) {
            if (ad.gate.dim() == 0) {
                up = up * ad.gate;
            } else {  // per-sample weight [B]: broadcast over the remaining dims
                std::vector<int64_t> shape(size_t(up.dim()), 1);
                shape[0] = ad.gate.size(0);
                up = up * ad.gate.view(shape);
            }
        }
        y = y + s * up;
    }
    return y;
}

LoraAdapter& LoraLinearImpl::addAdapter(const std::string& name, int64_t rank, double alpha)
{
    LoraAdapter ad;
    auto opts = weight.options().requires_grad(false);
    ad.a = torch::empty({rank, inFeatures()}, opts);
    torch::nn::init::kaiming_uniform_(ad.a, std::sqrt(5.0));
    ad.b = torch::zeros({outFeatures(), rank}, opts);
    ad.a.set_requires_grad(true);
    ad.b.set_requires_grad(true);
    ad.scale = alpha / double(rank);
    adapters_[name] = ad;
    return adapters_[name];
}

torch::Tensor LoraLinearImpl::delta(const std::string& name) const
{
    const auto& ad = adapters_.at(name);
    return (ad.scale * ad.weight) * torch::matmul(ad.b, ad.a);
}

void LoraLinearImpl::mergeAdapter(const std::string& name)
{
    torch::NoGradGuard noGrad;
    auto d = delta(name);
    const auto& ad = adapters_.at(name);
    if (ad.gate.defined() && ad.gate.dim() == 0) d = d * ad.gate;
    weight.add_(d);
    adapters_.erase(name);
}

void LoraLinearImpl::removeAdapter(const std::string& name) { adapters_.erase(name); }

torch::Tensor LoraLinearImpl::effectiveWeight() const
{
    auto w = weight;
    for (const auto& [name, ad] : adapters_) {
        if (!ad.enabled) continue;
        auto d = delta(name);
        if (ad.gate.defined() && ad.gate.dim() == 0) d = d * ad.gate;
        w = w + d;
    }
    return w;
}

}  // namespace clwb::detail
