// SPDX-License-Identifier: GPL-3.0-or-later
// train.precision: autocast around forward passes, and the dynamic loss scale fp16 needs.
#pragma once

#include <string>

#include <torch/torch.h>

namespace clwb::detail {

/// Autocast to bf16/fp16 while alive ("fp32": does nothing). Autocast state is per thread, so the
/// guard lives on the thread that runs the forward pass.
class AutocastGuard
{
public:
    AutocastGuard(const std::string& precision, const torch::Device& device);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

private:
    bool active_ = false, cuda_ = false, wasEnabled_ = false;
    at::ScalarType oldType_ = at::kFloat;
};

/// Dynamic loss scaling for fp16 (PyTorch's GradScaler policy: start at 2^16, halve on a
/// non-finite gradient and skip that step, double after 2000 finite steps). A no-op otherwise.
class LossScaler
{
public:
    explicit LossScaler(bool enabled) : enabled_(enabled) {}
    bool enabled() const { return enabled_; }
    /// `loss` times the current scale.
    torch::Tensor scale(const torch::Tensor& loss) const;
    /// Divides the gradients of `params` by the scale; false (and the scale lowered) when one is
    /// not finite: the caller then skips the optimiser step.
    bool unscale(const std::vector<torch::Tensor>& params);
    double currentScale() const { return scale_; }
    int goodSteps() const { return goodSteps_; }
    /// The state a run checkpoint saves: scale and steps since the last change.
    void restore(double scale, int goodSteps)
    {
        scale_ = scale;
        goodSteps_ = goodSteps;
    }

private:
    bool enabled_;
    double scale_ = 65536.0;
    int goodSteps_ = 0;
};

}  // namespace clwb::detail
