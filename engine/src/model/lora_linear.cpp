// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/lora_linear.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace clwb::detail {

std::vector<LoraUnit> fusedQkvUnits(int64_t dim)
{
    return {{"q", 0, dim}, {"k", dim, 2 * dim}, {"v", 2 * dim, 3 * dim}};
}

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
    // at::linear, not torch::nn::functional::linear: LibTorch 1.13's C++ functional does matmul +
    // a separate bias pass on 3-D input, where at::linear folds [B, N, C] into one addmm (the
    // bias added inside the GEMM), as PyTorch's Python side does: 7 % of a ViT-S step.
    //
    // An adapter goes into the weight (W + s B A, one GEMM for all of them) unless it needs its
    // own gradient while W does not, or has per-sample gates: building s B A costs out x in x
    // rank, the token path 2 x tokens x (in + out) x rank each way - far more for any batch of
    // images. So evaluation, frozen adapters (O-LoRA's earlier tasks) and layers whose W takes a
    // gradient anyway (LoRAC-IPC's importance) run one GEMM; a trained adapter on a frozen W
    // keeps the token path, whose backward skips the [out, in] weight gradient.
    const bool tracking = torch::GradMode::is_enabled();
    const bool weightGrad = tracking && weight.requires_grad();
    auto inWeight = [&](const LoraAdapter& ad) {
        if (ad.gate.defined() && ad.gate.dim() > 0) return false;
        const bool needsGrad = tracking && (ad.a.requires_grad() || ad.b.requires_grad() ||
                                            (ad.gate.defined() && ad.gate.requires_grad()));
        return !needsGrad || weightGrad;
    };
    auto y = torch::linear(x, weightWith(inWeight), bias);
    const int64_t out = outFeatures();
    for (auto& [name, ad] : adapters_) {
        if (!ad.enabled || inWeight(ad)) continue;
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
        const int64_t rows = ad.b.size(0);
        if (rows != out)  // a unit's rows: zeros elsewhere in the output features
            up = torch::constant_pad_nd(up, {ad.rowBegin, out - ad.rowBegin - rows});
        y = y + s * up;
    }
    return y;
}

LoraAdapter& LoraLinearImpl::addAdapter(const std::string& name, int64_t rank, double alpha,
                                        const std::string& unitName, LoraInit init)
{
    LoraAdapter ad;
    int64_t rows = outFeatures();
    if (!unitName.empty()) {
        const auto& u = unit(unitName);
        ad.unit = u.name;
        ad.rowBegin = u.begin;
        rows = u.rows();
    }
    auto opts = weight.options().requires_grad(false);
    ad.a = torch::empty({rank, inFeatures()}, opts);
    // RankFanIn: the same initialiser applied to the [in, rank] layout (a view of A's storage),
    // whose fan-in is the rank.
    torch::nn::init::kaiming_uniform_(init == LoraInit::RankFanIn ? ad.a.t() : ad.a,
                                      std::sqrt(5.0));
    ad.b = torch::zeros({rows, rank}, opts);
    ad.a.set_requires_grad(true);
    ad.b.set_requires_grad(true);
    ad.scale = alpha / double(rank);
    adapters_[name] = ad;
    return adapters_[name];
}

torch::Tensor LoraLinearImpl::unitDelta(const std::string& name) const
{
    const auto& ad = adapters_.at(name);
    return (ad.scale * ad.weight) * torch::matmul(ad.b, ad.a);
}

torch::Tensor LoraLinearImpl::delta(const std::string& name) const
{
    const auto& ad = adapters_.at(name);
    auto d = unitDelta(name);
    const int64_t rows = ad.b.size(0), out = outFeatures();
    if (rows == out) return d;
    return torch::constant_pad_nd(d, {0, 0, ad.rowBegin, out - ad.rowBegin - rows});
}

void LoraLinearImpl::mergeAdapter(const std::string& name)
{
    torch::NoGradGuard noGrad;
    auto d = unitDelta(name);
    const auto& ad = adapters_.at(name);
    if (ad.gate.defined() && ad.gate.dim() == 0) d = d * ad.gate;
    weight.narrow(0, ad.rowBegin, ad.b.size(0)).add_(d);
    adapters_.erase(name);
}

void LoraLinearImpl::removeAdapter(const std::string& name)
{
    adapters_.erase(name);
}

torch::Tensor LoraLinearImpl::effectiveWeight() const
{
    return weightWith([](const LoraAdapter&) { return true; });
}

torch::Tensor LoraLinearImpl::weightWith(const std::function<bool(const LoraAdapter&)>& include) const
{
    auto w = weight;
    for (const auto& [name, ad] : adapters_) {
        if (!ad.enabled || !include(ad)) continue;
        auto d = delta(name);
        if (ad.gate.defined() && ad.gate.dim() == 0) d = d * ad.gate;
        w = w + d;
    }
    return w;
}

void LoraLinearImpl::setUnits(std::vector<LoraUnit> units)
{
    auto sorted = units;
    std::sort(sorted.begin(), sorted.end(),
              [](const LoraUnit& a, const LoraUnit& b) { return a.begin < b.begin; });
    for (size_t i = 0; i < sorted.size(); ++i) {
        const auto& u = sorted[i];
        const auto where = "LoraLinear unit '" + u.name + "' [" + std::to_string(u.begin) + ", " +
                           std::to_string(u.end) + ")";
        if (u.name.empty()) throw std::invalid_argument("LoraLinear: a unit needs a name");
        if (u.begin < 0 || u.end <= u.begin || u.end > outFeatures())
            throw std::invalid_argument(where +
                                        " must be a non-empty row range within the layer's " +
                                        std::to_string(outFeatures()) + " output rows");
        if (i > 0 && u.begin < sorted[i - 1].end)
            throw std::invalid_argument(where + " overlaps unit '" + sorted[i - 1].name + "'");
        for (size_t j = 0; j < i; ++j)
            if (sorted[j].name == u.name)
                throw std::invalid_argument("LoraLinear: unit name '" + u.name + "' is used twice");
    }
    units_ = std::move(units);
}

const LoraUnit& LoraLinearImpl::unit(const std::string& name) const
{
    for (const auto& u : units_)
        if (u.name == name) return u;
    std::string known;
    for (const auto& u : units_) known += (known.empty() ? "" : ", ") + u.name;
    throw std::invalid_argument("LoraLinear: no unit '" + name + "' on this layer (units: " +
                                (known.empty() ? std::string("none; call setUnits first") : known) +
                                ")");
}

}  // namespace clwb::detail
