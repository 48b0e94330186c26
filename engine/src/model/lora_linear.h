// SPDX-License-Identifier: GPL-3.0-or-later
// A linear layer that carries named LoRA adapters: y = x W^T + b + sum_a g_a * s_a * (x A_a^T)
// B_a^T. An adapter may cover only a row range of W (a named unit: q, k or v of a fused qkv layer),
// so the official per-matrix LoRAs of q/k/v apply to the fused qkv of timm checkpoints unchanged.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// A named block of output rows [begin, end) of a layer's weight, adapted as its own matrix.
struct LoraUnit
{
    std::string name;
    int64_t begin = 0;
    int64_t end = 0;
    int64_t rows() const { return end - begin; }
};

/// The q, k, v row blocks of a fused qkv layer of width `dim` ([3 dim, dim], timm's order).
std::vector<LoraUnit> fusedQkvUnits(int64_t dim);

/// How A is drawn; B is always zero.
enum class LoraInit {
    Peft,       ///< kaiming_uniform_(a = sqrt 5) on A [rank, in]: U(±1/sqrt(in)), as peft
    RankFanIn,  ///< the same call on the [in, rank] layout of LoRAC's code: U(±1/sqrt(rank))
};

struct LoraAdapter
{
    torch::Tensor a;      ///< [rank, in]  ("lora_A" in peft / the papers' code)
    torch::Tensor b;      ///< [rows, rank] ("lora_B"), zero-initialised; rows = the unit's or all
    double scale = 1.0;   ///< alpha / rank
    double weight = 1.0;  ///< fixed multiplier (e.g. HiDe fusion weights)
    torch::Tensor gate;   ///< optional learned scalar (LoRAC's omega) or per-sample [B] weight
    bool enabled = true;
    std::string unit;      ///< the LoraUnit it adapts; empty = the whole layer
    int64_t rowBegin = 0;  ///< first output row B writes to (b.size(0) rows from here)
};

class LoraLinearImpl : public torch::nn::Module
{
public:
    LoraLinearImpl(int64_t in, int64_t out, bool bias = true);

    torch::Tensor forward(const torch::Tensor& x);

    /// Adds adapter `name` (replacing one of that name), B = 0. With `unit`, B has that unit's
    /// rows only and updates only them; throws std::invalid_argument for an unknown unit.
    LoraAdapter& addAdapter(const std::string& name, int64_t rank, double alpha,
                            const std::string& unit = {}, LoraInit init = LoraInit::Peft);
    bool hasAdapter(const std::string& name) const { return adapters_.count(name) > 0; }
    LoraAdapter& adapter(const std::string& name) { return adapters_.at(name); }
    std::map<std::string, LoraAdapter>& adapters() { return adapters_; }
    /// scale * weight * B A (gate not applied): the adapter's update of W, [out, in], zero
    /// outside the adapter's rows.
    torch::Tensor delta(const std::string& name) const;
    /// scale * weight * B A of the adapter's own rows only: [rows, in].
    torch::Tensor unitDelta(const std::string& name) const;
    /// W += delta(name); the adapter is removed.
    void mergeAdapter(const std::string& name);
    void removeAdapter(const std::string& name);
    /// W plus every enabled adapter's update (gates applied when scalar).
    torch::Tensor effectiveWeight() const;

    /// Declares the row units of this layer (replacing earlier ones). Each must lie within the
    /// output rows, have a unique non-empty name and not overlap another; throws
    /// std::invalid_argument otherwise. Existing adapters are unaffected.
    void setUnits(std::vector<LoraUnit> units);
    const std::vector<LoraUnit>& units() const { return units_; }
    /// The unit called `name`; throws std::invalid_argument naming the known units.
    const LoraUnit& unit(const std::string& name) const;

    int64_t inFeatures() const { return weight.size(1); }
    int64_t outFeatures() const { return weight.size(0); }

    torch::Tensor weight;
    torch::Tensor bias;

private:
    /// W plus the enabled adapters `include` accepts (scalar gates applied).
    torch::Tensor weightWith(const std::function<bool(const LoraAdapter&)>& include) const;

    std::map<std::string, LoraAdapter> adapters_;
    std::vector<LoraUnit> units_;
};
TORCH_MODULE(LoraLinear);

}  // namespace clwb::detail
