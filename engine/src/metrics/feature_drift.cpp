// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/feature_drift.h"

#include <algorithm>
#include <map>

#include "precision.h"

namespace clwb::detail {

DriftPoints chooseDriftPoints(const TaskSequence& seq, int perClass, uint64_t seed)
{
    DriftPoints d;
    if (seq.qa || perClass <= 0) return d;
    auto gen = at::detail::createCPUGenerator(seed);
    std::vector<bool> taken(size_t(std::max(0, seq.numClasses)), false);
    d.rows.resize(seq.tasks.size());
    for (size_t t = 0; t < seq.tasks.size(); ++t) {
        const auto& task = seq.tasks[t];
        const int64_t n = task.testY.defined() ? task.testY.size(0) : 0;
        if (n == 0) continue;
        const auto labels = task.testY.to(torch::kCPU, torch::kLong).contiguous();
        const auto* y = labels.data_ptr<int64_t>();
        // One draw per task with test images, whatever it contributes, so a class's choice does
        // not depend on the classes before it.
        const auto order = torch::randperm(n, gen, torch::kLong);
        const auto* o = order.data_ptr<int64_t>();
        std::map<int64_t, std::vector<int64_t>> byClass;  // class id order
        for (int64_t i = 0; i < n; ++i) byClass[y[o[i]]].push_back(o[i]);
        for (const auto& [c, list] : byClass) {
            if (c < 0 || size_t(c) >= taken.size() || taken[size_t(c)]) continue;
            taken[size_t(c)] = true;  // the first task with test images of the class
            const size_t k = std::min(list.size(), size_t(perClass));
            d.rows[t].insert(d.rows[t].end(), list.begin(), list.begin() + ptrdiff_t(k));
            d.labels.insert(d.labels.end(), k, int(c));
        }
    }
    return d;
}

torch::Tensor driftFeatures(Vit& model, const TaskSequence& seq, const DriftPoints& points,
                            const std::string& precision, torch::Device device, int64_t batch)
{
    torch::NoGradGuard noGrad;
    AutocastGuard autocast(precision, device);
    model->eval();
    std::vector<torch::Tensor> parts;
    for (size_t t = 0; t < points.rows.size() && t < seq.tasks.size(); ++t) {
        const auto& rows = points.rows[t];
        if (rows.empty()) continue;
        const auto& testX = seq.tasks[t].testX;
        const auto index = torch::tensor(rows, torch::kLong).to(testX.device());
        const auto x = testX.index_select(0, index);
        for (int64_t i = 0; i < x.size(0); i += batch)
            parts.push_back(
                model->features(seq.input(x.slice(0, i, std::min(x.size(0), i + batch))))
                    .to(torch::kCPU, torch::kFloat64));
    }
    return parts.empty() ? torch::zeros({0, 0}, torch::kFloat64) : torch::cat(parts);
}

Projection2d projectPca2(const torch::Tensor& features)
{
    Projection2d out;
    const auto x = torch::nan_to_num(features.to(torch::kCPU, torch::kFloat64), 0.0, 0.0, 0.0);
    const int64_t n = x.dim() == 2 ? x.size(0) : 0;
    out.points = torch::zeros({n, 2}, torch::kFloat64);
    if (n < 2 || x.size(1) == 0) return out;
    const auto c = x - x.mean(0, /*keepdim=*/true);
    const double total = c.square().sum().item<double>();
    if (!(total > 0.0)) return out;
    const auto svd = torch::linalg_svd(c, /*full_matrices=*/false);
    const auto& s = std::get<1>(svd);
    const auto& vh = std::get<2>(svd);
    const int64_t k = std::min<int64_t>(2, s.size(0));
    auto p = c.matmul(vh.slice(0, 0, k).t());  // [n, k]
    // Singular vectors have no sign of their own: the largest-magnitude coordinate of each axis
    // is made positive, so the first boundary's picture is the same on every machine.
    const auto at = p.abs().argmax(0);
    const auto sign = p.gather(0, at.unsqueeze(0)).sign().clamp_min(0).mul(2).sub(1);
    p = p * sign;
    out.points.slice(1, 0, k).copy_(p);
    out.explained = std::min(1.0, s.slice(0, 0, k).square().sum().item<double>() / total);
    return out;
}

torch::Tensor alignProcrustes(const torch::Tensor& points, const torch::Tensor& reference)
{
    if (!reference.defined() || points.sizes() != reference.sizes() || points.dim() != 2 ||
        points.size(0) == 0 || points.size(1) != 2)
        return points;
    // min ||P R - A|| over orthogonal R: P^T A = U S V^T, R = U V^T.
    const auto m = points.t().matmul(reference.to(points.dtype()));
    const auto svd = torch::linalg_svd(m, /*full_matrices=*/true);
    return points.matmul(std::get<0>(svd).matmul(std::get<2>(svd)));
}

void FeatureDrift::next(const torch::Tensor& features, std::vector<float>& xy, double& explained)
{
    auto p = projectPca2(features);
    previous_ = alignProcrustes(p.points, previous_);
    explained = p.explained;
    const auto f = previous_.to(torch::kFloat32).contiguous();
    xy.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

}  // namespace clwb::detail
