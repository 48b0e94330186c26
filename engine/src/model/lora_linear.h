// SPDX-License-Identifier: GPL-3.0-or-later
// A linear layer that carries named LoRA adapters: y = x W^T + b + sum_a g_a * s_a * (x A_a^T) B_a^T.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

struct LoraAdapter
{
    torch::Tensor a;  ///< [rank, in]  ("lora_A" in peft / the papers' code)
    torch::Tensor b;  ///< [out, rank] ("lora_B"), zero-initialised
    double scale = 1.0;   ///< alpha / rank
    double weight = 1.0;  ///< fixed multiplier (e.g. HiDe fusion weights)
    torch::Tensor gate;   ///< optional learned scalar (LoRAC's omega) or per-sample [B] weight
    bool enabled = true;
};

class LoraLinearImpl : public torch::nn::Module
{
public:
    LoraLinearImpl(int64_t in, int64_t out, bool bias = true);

    torch::Tensor forward(const torch::Tensor& x);

    /// Adds adapter `name` (replacing one of that name). A ~ kaiming-uniform, B = 0, as in peft.
    LoraAdapter& addAdapter(const std::string& name, int64_t rank, double alpha);
    bool hasAdapter(const std::string& name) const { return adapters_.count(name) > 0; }
    LoraAdapter& adapter(const std::string& name) { return adapters_.at(name); }
    std::map<std::string, LoraAdapter>& adapters() { return adapters_; }
    /// scale * weight * B A (gate not applied): the adapter's update of W.
    torch::Tensor delta(const std::string& name) const;
    /// W += delta(name); the adapter is removed.
    void mergeAdapter(const std::string& name);
    void removeAdapter(const std::string& name);
    /// W plus every enabled adapter's update (gates applied when scalar).
    torch::Tensor effectiveWeight() const;

    int64_t inFeatures() const { return weight.size(1); }
    int64_t outFeatures() const { return weight.size(0); }

    torch::Tensor weight;
    torch::Tensor bias;

private:
    std::map<std::string, LoraAdapter> adapters_;
};
TORCH_MODULE(LoraLinear);

}  // namespace clwb::detail
