// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/vit.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace clwb::detail {

PatchEmbedImpl::PatchEmbedImpl(int channels, int patch, int dim)
{
    proj = register_module(
        "proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, patch).stride(patch)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& x)
{
    return proj->forward(x).flatten(2).transpose(1, 2);
}

AttentionImpl::AttentionImpl(int dim, int h) : heads(h), scale(1.0 / std::sqrt(double(dim / h)))
{
    qkv = register_module("qkv", LoraLinear(dim, 3 * dim));
    proj = register_module("proj", LoraLinear(dim, dim));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x)
{
    const auto b = x.size(0), n = x.size(1), c = x.size(2);
    auto qkvOut = qkv->forward(x).view({b, n, 3, heads, c / heads}).permute({2, 0, 3, 1, 4});
    auto q = qkvOut[0], k = qkvOut[1], v = qkvOut[2];
    // baddbmm-style fused scale: one GEMM for scores, one for the weighted sum.
    auto attn = torch::matmul(q * scale, k.transpose(-2, -1)).softmax(-1);
    auto out = torch::matmul(attn, v).transpose(1, 2).reshape({b, n, c});
    return proj->forward(out);
}

MlpImpl::MlpImpl(int dim, int hidden)
{
    fc1 = register_module("fc1", LoraLinear(dim, hidden));
    fc2 = register_module("fc2", LoraLinear(hidden, dim));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x)
{
    return fc2->forward(torch::gelu(fc1->forward(x)));
}

BlockImpl::BlockImpl(int dim, int heads, int mlpRatio)
{
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    attn = register_module("attn", Attention(dim, heads));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    mlp = register_module("mlp", Mlp(dim, dim * mlpRatio));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x)
{
    auto h = x + attn->forward(norm1->forward(x));
    return h + mlp->forward(norm2->forward(h));
}

VitImpl::VitImpl(const ModelConfig& config, int numClasses) : config_(config)
{
    const int tokens = (config.imageSize / config.patchSize) * (config.imageSize / config.patchSize);
    patch_embed = register_module("patch_embed",
                                  PatchEmbed(config.channels, config.patchSize, config.dim));
    cls_token = register_parameter("cls_token", torch::zeros({1, 1, config.dim}));
    pos_embed = register_parameter("pos_embed", torch::zeros({1, tokens + 1, config.dim}));
    {
        torch::NoGradGuard noGrad;
        // timm truncates at ±2 (absolute), which never bites at std 0.02.
        torch::nn::init::normal_(pos_embed, 0.0, 0.02);
        torch::nn::init::normal_(cls_token, 0.0, 1e-6);
    }
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < config.depth; ++i) {
        blockList.emplace_back(config.dim, config.heads, config.mlpRatio);
        blocks->push_back(blockList.back());
    }
    norm = register_module("norm", torch::nn::LayerNorm(
                                       torch::nn::LayerNormOptions({config.dim}).eps(1e-6)));
    head = register_module("head", LoraLinear(config.dim, numClasses));
}

torch::Tensor VitImpl::embed(const torch::Tensor& x)
{
    auto tokens = patch_embed->forward(x);
    auto cls = cls_token.expand({tokens.size(0), 1, tokens.size(2)});
    return torch::cat({cls, tokens}, 1) + pos_embed;
}

torch::Tensor VitImpl::pool(const torch::Tensor& tokens)
{
    auto h = norm->forward(tokens);
    if (config_.pool == "cls") return h.select(1, 0);
    return h.slice(1, 1).mean(1);
}

torch::Tensor VitImpl::features(const torch::Tensor& x)
{
    auto h = embed(x);
    for (auto& b : blockList) h = b->forward(h);
    return pool(h);
}

void VitImpl::enableQuestions(int tokens, int length)
{
    const auto opts = patch_embed->proj->weight.options();
    q_embed = register_module("q_embed", torch::nn::Embedding(tokens, config_.dim));
    q_pos = register_parameter("q_pos", torch::zeros({1, length, config_.dim}));
    torch::NoGradGuard noGrad;
    // Token-sized inputs: unit-variance embeddings like the patch tokens after their projection,
    // so the frozen-backbone strategies (LoRA) can read a question they cannot re-embed.
    torch::nn::init::normal_(q_embed->weight, 0.0, 1.0);
    torch::nn::init::normal_(q_pos, 0.0, 0.02);
    q_embed->to(opts.device());
    q_pos.set_data(q_pos.to(opts.device()));
}

torch::Tensor VitImpl::features(const torch::Tensor& x, const torch::Tensor& q)
{
    if (!q.defined() || !q_embed) return features(x);
    auto h = torch::cat({embed(x), q_embed->forward(q) + q_pos}, 1);
    for (auto& b : blockList) h = b->forward(h);
    return pool(h);
}

std::vector<NamedLinear> VitImpl::linears(const std::vector<std::string>& modules)
{
    auto wanted = [&](const std::string& m) {
        return modules.empty() || std::find(modules.begin(), modules.end(), m) != modules.end();
    };
    std::vector<NamedLinear> out;
    for (size_t i = 0; i < blockList.size(); ++i) {
        auto& b = blockList[i];
        const std::string p = "blocks." + std::to_string(i) + ".";
        if (wanted("qkv")) out.push_back({p + "attn.qkv", int(i), "qkv", b->attn->qkv});
        if (wanted("proj")) out.push_back({p + "attn.proj", int(i), "proj", b->attn->proj});
        if (wanted("fc1")) out.push_back({p + "mlp.fc1", int(i), "fc1", b->mlp->fc1});
        if (wanted("fc2")) out.push_back({p + "mlp.fc2", int(i), "fc2", b->mlp->fc2});
    }
    return out;
}

std::vector<torch::Tensor> VitImpl::backboneParameters()
{
    std::vector<torch::Tensor> out;
    for (const auto& item : named_parameters(true))
        if (item.key().rfind("head.", 0) != 0 && item.key().rfind("q_", 0) != 0)
            out.push_back(item.value());
    return out;
}

std::vector<torch::Tensor> VitImpl::headParameters()
{
    auto out = head->parameters();
    if (q_embed) {  // the question embedding trains with the head, as SEFE's projector
        out.push_back(q_embed->weight);
        out.push_back(q_pos);
    }
    return out;
}

void VitImpl::setBackboneTrainable(bool trainable)
{
    for (auto& p : backboneParameters()) p.set_requires_grad(trainable);
}

std::string modelConfigJson(const ModelConfig& c)
{
    nlohmann::json j = {{"image_size", c.imageSize}, {"channels", c.channels},
                        {"patch_size", c.patchSize}, {"dim", c.dim},
                        {"depth", c.depth},          {"heads", c.heads},
                        {"mlp_ratio", c.mlpRatio},   {"pool", c.pool}};
    return j.dump();
}

ModelConfig modelConfigFromJson(const std::string& text)
{
    auto j = nlohmann::json::parse(text);
    ModelConfig c;
    c.imageSize = j.at("image_size");
    c.channels = j.at("channels");
    c.patchSize = j.at("patch_size");
    c.dim = j.at("dim");
    c.depth = j.at("depth");
    c.heads = j.at("heads");
    c.mlpRatio = j.at("mlp_ratio");
    c.pool = j.value("pool", std::string("mean"));
    return c;
}

namespace {
constexpr const char* kConfigKey = "__clwb_model__";

torch::Tensor stringToTensor(const std::string& s)
{
    auto t = torch::empty({int64_t(s.size())}, torch::kUInt8);
    std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
    return t;
}
}  // namespace

void VitImpl::saveBackbone(const std::string& path) const
{
    torch::serialize::OutputArchive archive;
    for (const auto& item : named_parameters(true)) {
        if (item.key().rfind("head.", 0) == 0) continue;
        archive.write(item.key(), item.value().detach().to(torch::kCPU));
    }
    archive.write(kConfigKey, stringToTensor(modelConfigJson(config_)));
    archive.save_to(path);
}

void VitImpl::loadBackbone(const std::string& path)
{
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::NoGradGuard noGrad;
    for (auto& item : named_parameters(true)) {
        if (item.key().rfind("head.", 0) == 0) continue;
        torch::Tensor t;
        if (!archive.try_read(item.key(), t))
            throw std::runtime_error(path + " has no tensor '" + item.key() + "'");
        if (t.sizes() != item.value().sizes())
            throw std::runtime_error(path + ": '" + item.key() + "' has shape " +
                                     c10::str(t.sizes()) + ", the model expects " +
                                     c10::str(item.value().sizes()));
        item.value().copy_(t);
    }
}

}  // namespace clwb::detail
