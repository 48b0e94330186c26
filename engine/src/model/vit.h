// SPDX-License-Identifier: GPL-3.0-or-later
// A pre-norm Vision Transformer whose parameter names follow timm's
// (patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1,attn.qkv,attn.proj,ls1,norm2,mlp.fc1,
// mlp.fc2,ls2}, norm | fc_norm, head), so timm and torchvision weights load by name
// (model/vit_arch.h maps torchvision's; docs/backbones.md).
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"
#include "model/lora_linear.h"

namespace clwb::detail {

struct PatchEmbedImpl : torch::nn::Module
{
    PatchEmbedImpl(int channels, int patch, int dim, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);  ///< [B,C,H,W] -> [B, N, dim]
    torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed);

struct AttentionImpl : torch::nn::Module
{
    AttentionImpl(int dim, int heads, bool qkvBias = true, bool projBias = true);
    torch::Tensor forward(const torch::Tensor& x);
    int heads;
    double scale;
    LoraLinear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention);

struct MlpImpl : torch::nn::Module
{
    MlpImpl(int dim, int hidden, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);
    LoraLinear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

/// timm's LayerScale: a learned per-channel factor on a residual branch (parameter "gamma").
struct LayerScaleImpl : torch::nn::Module
{
    LayerScaleImpl(int dim, double init);
    torch::Tensor forward(const torch::Tensor& x) { return x * gamma; }
    torch::Tensor gamma;
};
TORCH_MODULE(LayerScale);

struct BlockImpl : torch::nn::Module
{
    explicit BlockImpl(const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    Attention attn{nullptr};
    Mlp mlp{nullptr};
    LayerScale ls1{nullptr}, ls2{nullptr};  ///< null without model.layerScale
};
TORCH_MODULE(Block);

/// One adaptable linear layer of the backbone, with its place for importance maps.
struct NamedLinear
{
    std::string name;    ///< "blocks.2.mlp.fc1"
    int block = -1;      ///< -1 for the head
    std::string module;  ///< "qkv" | "proj" | "fc1" | "fc2" | "head"
    LoraLinear layer;
};

class VitImpl : public torch::nn::Module
{
public:
    VitImpl(const ModelConfig& config, int numClasses);

    /// Pooled, normalised features [B, dim] (the input of the head).
    torch::Tensor features(const torch::Tensor& x);
    /// Token sequence after block `upTo` (exclusive); used by block-wise strategies.
    torch::Tensor embed(const torch::Tensor& x);
    torch::Tensor pool(const torch::Tensor& tokens);  ///< final norm + pooling (+ fc_norm)
    /// Tokens before the patch tokens: 1 with a class token, else 0.
    int prefixTokens() const { return config_.classToken ? 1 : 0; }
    torch::Tensor forward(const torch::Tensor& x) { return head->forward(features(x)); }

    /// Question-answering input (qa_tasks.h): `length` question tokens from a table of `tokens`
    /// embeddings are appended to the patch tokens. Called after loading a backbone (the
    /// checkpoint has no question embedding); its tensors count as head parameters (trained by
    /// every strategy that trains a head, like SEFE's projector), not backbone ones.
    void enableQuestions(int tokens, int length);
    bool hasQuestions() const { return q_embed.get() != nullptr; }
    /// Features / head output of images `x` with question tokens `q` [B, length] (undefined q =
    /// the image-only path).
    torch::Tensor features(const torch::Tensor& x, const torch::Tensor& q);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& q)
    {
        return head->forward(features(x, q));
    }

    /// The backbone's linear layers (qkv, proj, fc1, fc2 of every block), optionally filtered
    /// by module names; the head is not included.
    std::vector<NamedLinear> linears(const std::vector<std::string>& modules = {});
    /// Every backbone parameter (everything but the head and the question embedding).
    std::vector<torch::Tensor> backboneParameters();
    std::vector<torch::Tensor> headParameters();
    void setBackboneTrainable(bool trainable);

    /// Writes backbone weights + architecture (head excluded) to `path`, in clwb's format.
    void saveBackbone(const std::string& path) const;
    /// Loads backbone weights from a clwb, safetensors or torch.save checkpoint (timm or
    /// torchvision names); pos_embed is resampled to this model's grid when they differ. Throws
    /// std::runtime_error naming a missing, mismatched or surplus tensor.
    void loadBackbone(const std::string& path);

    const ModelConfig& config() const { return config_; }

    PatchEmbed patch_embed{nullptr};
    torch::Tensor cls_token, pos_embed;  ///< cls_token undefined without model.classToken
    torch::nn::ModuleList blocks{nullptr};
    std::vector<Block> blockList;
    torch::nn::LayerNorm norm{nullptr};     ///< null with model.fcNorm (timm: Identity)
    torch::nn::LayerNorm fc_norm{nullptr};  ///< after pooling; only with model.fcNorm
    LoraLinear head{nullptr};
    torch::nn::Embedding q_embed{nullptr};
    torch::Tensor q_pos;

private:
    ModelConfig config_;
};
TORCH_MODULE(Vit);

/// Architecture JSON stored in checkpoints.
std::string modelConfigJson(const ModelConfig& config);
ModelConfig modelConfigFromJson(const std::string& json);

}  // namespace clwb::detail
