// SPDX-License-Identifier: GPL-3.0-or-later
// A pre-norm Vision Transformer whose parameter names follow timm's
// (patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2},
// norm, head), so real timm weights can be imported by name.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "clwb/run_config.h"
#include "model/lora_linear.h"

namespace clwb::detail {

struct PatchEmbedImpl : torch::nn::Module
{
    PatchEmbedImpl(int channels, int patch, int dim);
    torch::Tensor forward(const torch::Tensor& x);  ///< [B,C,H,W] -> [B, N, dim]
    torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed);

struct AttentionImpl : torch::nn::Module
{
    AttentionImpl(int dim, int heads);
    torch::Tensor forward(const torch::Tensor& x);
    int heads;
    double scale;
    LoraLinear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention);

struct MlpImpl : torch::nn::Module
{
    MlpImpl(int dim, int hidden);
    torch::Tensor forward(const torch::Tensor& x);
    LoraLinear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

struct BlockImpl : torch::nn::Module
{
    BlockImpl(int dim, int heads, int mlpRatio);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    Attention attn{nullptr};
    Mlp mlp{nullptr};
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
    torch::Tensor pool(const torch::Tensor& tokens);  ///< final norm + pooling
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

    /// Writes backbone weights + architecture (head excluded) to `path`.
    void saveBackbone(const std::string& path) const;
    /// Loads backbone weights; throws std::runtime_error naming a missing/mismatched tensor.
    void loadBackbone(const std::string& path);

    const ModelConfig& config() const { return config_; }

    PatchEmbed patch_embed{nullptr};
    torch::Tensor cls_token, pos_embed;
    torch::nn::ModuleList blocks{nullptr};
    std::vector<Block> blockList;
    torch::nn::LayerNorm norm{nullptr};
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
