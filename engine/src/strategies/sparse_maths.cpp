// SPDX-License-Identifier: GPL-3.0-or-later
#include "strategies/sparse_maths.h"

#include <algorithm>

namespace clwb::detail {

void ElementEma::update(const torch::Tensor& ipt, double beta1, double beta2)
{
    if (!sensitivity.defined()) {
        sensitivity = torch::zeros_like(ipt);
        uncertainty = torch::zeros_like(ipt);
    }
    sensitivity = beta1 * sensitivity + (1.0 - beta1) * ipt;
    uncertainty = beta2 * uncertainty + (1.0 - beta2) * (ipt - sensitivity).abs();
}

std::vector<torch::Tensor> globalQuantileMasks(const std::vector<torch::Tensor>& scores, double q)
{
    std::vector<torch::Tensor> flat;
    for (const auto& s : scores) flat.push_back(s.flatten());
    auto all = torch::cat(flat).to(torch::kFloat32);
    // torch.quantile as the official (linear interpolation); it refuses inputs above 16M
    // elements, far above any adapter set of the workbench's ViTs.
    const auto tau = torch::quantile(all, q).item<double>();
    std::vector<torch::Tensor> masks;
    for (const auto& s : scores) masks.push_back(s > tau);
    return masks;
}

std::pair<torch::Tensor, torch::Tensor> kifFusionWeights(const torch::Tensor& mIn,
                                                         const torch::Tensor& mOut)
{
    auto in = mIn.to(torch::kBool), out = mOut.to(torch::kBool);
    auto onlyIn = in & out.logical_not(), onlyOut = out & in.logical_not(), both = in & out;
    auto none = in.logical_not() & out.logical_not();
    auto f = [](const torch::Tensor& m) { return m.to(torch::kFloat32); };
    auto wIn = f(onlyIn) + 0.4 * f(both) + 0.5 * f(none);
    auto wOut = f(onlyOut) + 0.6 * f(both) + 0.5 * f(none);
    return {wIn, wOut};
}

torch::Tensor perTensorTopMask(const torch::Tensor& score, double rate)
{
    auto flat = score.flatten().to(torch::kFloat32);
    const auto tau = torch::quantile(flat, 1.0 - rate).item<double>();
    return score >= tau;
}

torch::Tensor filterGradient(const torch::Tensor& grad, const torch::Tensor& mask,
                             const torch::Tensor& overlap, const torch::Tensor& frozen,
                             double dropRate, double overlapPenalty, torch::Generator& gen)
{
    auto keep = (torch::rand(grad.sizes(), gen).to(grad.device()) >= dropRate).to(grad.dtype());
    auto g = grad * keep;
    if (mask.defined()) g = g * mask.to(grad.dtype());
    if (overlap.defined()) g = g * torch::pow(overlapPenalty, overlap.to(grad.dtype()));
    if (frozen.defined()) g = g.masked_fill(frozen, 0.0);
    return g;
}

torch::Tensor randomFractionMask(at::IntArrayRef sizes, double rate, torch::Generator& gen,
                                 torch::Device device)
{
    int64_t numel = 1;
    for (auto d : sizes) numel *= d;
    const int64_t k = std::min<int64_t>(numel, std::max<int64_t>(1, int64_t(rate * double(numel))));
    auto idx = torch::randperm(numel, gen).slice(0, 0, k).to(device);
    auto mask = torch::zeros({numel}, torch::TensorOptions().dtype(torch::kBool).device(device));
    mask.index_fill_(0, idx, true);
    return mask.view(sizes);
}

std::vector<torch::Tensor> globalTopMagnitudeMasks(const std::vector<torch::Tensor>& grads,
                                                   double rate)
{
    std::vector<torch::Tensor> flat;
    for (const auto& g : grads) flat.push_back(g.detach().abs().flatten());
    auto all = torch::cat(flat);
    const auto k = int64_t(rate * double(all.numel()));
    std::vector<torch::Tensor> masks;
    if (k == 0) {  // the official threshold max + 1: nothing passes
        for (const auto& g : grads)
            masks.push_back(torch::zeros_like(g, g.options().dtype(torch::kBool)));
        return masks;
    }
    const auto threshold = std::get<0>(all.topk(k)).index({k - 1});
    for (const auto& g : grads) masks.push_back(g.detach().abs() >= threshold);
    return masks;
}

torch::Tensor supervisedNtXent(const torch::Tensor& z, const torch::Tensor& y, double temperature)
{
    constexpr double eps = 1e-8;
    const int64_t n = z.size(0), b = n / 2;
    auto sim = torch::matmul(z, z.t());
    sim = sim - std::get<0>(sim.max(1, true)).detach();  // stability, as officially
    auto offDiag = 1.0 - torch::eye(n, z.options().dtype(torch::kFloat));  // eye has no bf16 kernel
    auto e = torch::exp(sim / temperature) * offDiag;
    auto loss = -torch::log(e / (e.sum(1, true) + eps) + eps);
    auto twin = torch::cat({torch::arange(b, n), torch::arange(0, b)}).to(z.device());
    auto pairTerm = loss.gather(1, twin.unsqueeze(1)).sum() / double(n);
    auto p = (y.unsqueeze(0) == y.unsqueeze(1)).to(z.dtype());
    p = p / (p.sum(1, true) + eps);
    auto supTerm = 2.0 * (p * loss).sum() / double(n);
    return pairTerm + supTerm;
}

}  // namespace clwb::detail
