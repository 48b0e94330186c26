// SPDX-License-Identifier: GPL-3.0-or-later
#include "strategies/lora_maths.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace clwb::detail {

torch::Tensor oLoraOrthogonality(const std::vector<torch::Tensor>& oldAs,
                                 const torch::Tensor& newA)
{
    if (oldAs.empty()) return torch::zeros({}, newA.options());
    auto old = torch::cat(oldAs, 0);
    return torch::matmul(old, newA.t()).abs().sum();
}

torch::Tensor sumOfNorms(const std::vector<torch::Tensor>& tensors)
{
    torch::Tensor sum;
    for (const auto& t : tensors) sum = sum.defined() ? sum + t.norm() : t.norm();
    return sum;
}

torch::Tensor loracOrthonormality(const std::vector<torch::Tensor>& oldAs,
                                  const torch::Tensor& newA)
{
    std::vector<torch::Tensor> rows;
    for (const auto& a : oldAs) rows.push_back(a.detach());
    rows.push_back(newA);
    auto q = torch::cat(rows, 0);
    auto gram = torch::matmul(q, q.t()).to(torch::kFloat);  // bf16 under autocast
    return (gram - torch::eye(gram.size(0), gram.options())).norm();
}

torch::Tensor ipcSensitivity(const torch::Tensor& w, const torch::Tensor& grad)
{
    return (w * grad).abs().mean();
}

void IpcEma::update(double ipt, double beta1, double beta2)
{
    sensitivity = beta1 * sensitivity + (1.0 - beta1) * ipt;
    uncertainty = beta2 * uncertainty + (1.0 - beta2) * std::abs(ipt - sensitivity);
}

std::vector<bool> ipcFreeze(const std::vector<double>& scores, const std::vector<bool>& frozen,
                            double threshold)
{
    std::vector<bool> out = frozen;
    const auto n = int64_t(scores.size());
    // int(total_num * threshold) in the official code: truncation, over all N matrices.
    const int64_t k = std::min<int64_t>(n, int64_t(std::floor(double(n) * threshold)));
    if (k <= 0) return out;
    std::vector<double> masked(scores.size());
    for (size_t i = 0; i < scores.size(); ++i) masked[i] = frozen[i] ? 0.0 : scores[i];
    std::vector<double> sorted = masked;
    std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
    const double kth = sorted[size_t(k - 1)];
    for (size_t i = 0; i < masked.size(); ++i)
        if (masked[i] >= kth && masked[i] > 0.0) out[i] = true;
    return out;
}

void gateAdapter(LoraAdapter& ad)
{
    ad.enabled = false;
    dropGradients(ad);
    for (auto* t : {&ad.a, &ad.b}) {
        if (t->is_leaf())
            t->set_requires_grad(false);
        else  // a computed tensor: cut it off the graph
            *t = t->detach();
    }
}

void dropGradients(LoraAdapter& ad)
{
    for (auto* t : {&ad.a, &ad.b})
        if (t->defined() && t->is_leaf() && t->grad().defined())
            t->mutable_grad() = torch::Tensor();
}

}  // namespace clwb::detail

namespace clwb::detail {

torch::Tensor keyElements(const torch::Tensor& delta, double fraction)
{
    auto flat = delta.detach().to(torch::kFloat32).abs().flatten();
    const int64_t k = std::max<int64_t>(1, int64_t(double(flat.numel()) * fraction));
    return std::get<1>(flat.topk(std::min(k, flat.numel())));
}

torch::Tensor regLoraPenalty(const std::vector<torch::Tensor>& deltas,
                             const std::vector<torch::Tensor>& keys)
{
    torch::Tensor total;
    for (size_t m = 0; m < deltas.size(); ++m) {
        if (m >= keys.size() || !keys[m].defined() || keys[m].numel() == 0) continue;
        auto term = deltas[m].flatten().index_select(0, keys[m]).abs().mean();
        total = total.defined() ? total + term : term;
    }
    if (!total.defined()) return torch::zeros({});
    return total / double(deltas.size());
}

torch::Tensor expertWeights(const torch::Tensor& feats, const torch::Tensor& anchors,
                            double temperature)
{
    namespace F = torch::nn::functional;
    auto f = F::normalize(feats, F::NormalizeFuncOptions().dim(1));
    auto a = F::normalize(anchors, F::NormalizeFuncOptions().dim(1));
    return torch::softmax(torch::matmul(f, a.t()) / temperature, 1);
}

double linearCka(const torch::Tensor& x, const torch::Tensor& y)
{
    auto xc = (x - x.mean(0, true)).to(torch::kFloat64);
    auto yc = (y - y.mean(0, true)).to(torch::kFloat64);
    const double cross = torch::matmul(yc.t(), xc).pow(2).sum().item<double>();
    const double nx = torch::matmul(xc.t(), xc).norm().item<double>();
    const double ny = torch::matmul(yc.t(), yc).norm().item<double>();
    return (nx > 0 && ny > 0) ? cross / (nx * ny) : 0.0;
}

}  // namespace clwb::detail
