// SPDX-License-Identifier: GPL-3.0-or-later
#include "strategies/sparse_maths.h"

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

torch::Tensor supervisedNtXent(const torch::Tensor& z, const torch::Tensor& y, double temperature)
{
    const int64_t n = z.size(0), b = n / 2;
    auto eye = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(z.device()));
    auto logits = (torch::matmul(z, z.t()) / temperature).masked_fill(eye, -1e9);
    auto logp = torch::log_softmax(logits, 1);
    auto twin = torch::cat({torch::arange(b, n), torch::arange(0, b)}).to(z.device());
    auto pairTerm = -logp.gather(1, twin.unsqueeze(1)).mean();
    auto same = (y.unsqueeze(0) == y.unsqueeze(1)) & eye.logical_not();
    auto p = same.to(z.dtype());
    p = p / p.sum(1, true).clamp_min(1.0);
    auto supTerm = -(p * logp.masked_fill(eye, 0.0)).sum(1).mean();
    return pairTerm + 2.0 * supTerm;
}

}  // namespace clwb::detail
