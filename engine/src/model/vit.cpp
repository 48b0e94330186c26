// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/vit.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "model/checkpoint_reader.h"
#include "model/small_bmm.h"
#include "model/vit_arch.h"

namespace clwb::detail {

PatchEmbedImpl::PatchEmbedImpl(int channels, int patch, int dim, bool bias)
{
    proj = register_module(
        "proj",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, patch).stride(patch).bias(bias)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& x)
{
    return proj->forward(x).flatten(2).transpose(1, 2);
}

AttentionImpl::AttentionImpl(int dim, int h, bool qkvBias, bool projBias)
    : heads(h), scale(1.0 / std::sqrt(double(dim / h)))
{
    qkv = register_module("qkv", LoraLinear(dim, 3 * dim, qkvBias));
    proj = register_module("proj", LoraLinear(dim, dim, projBias));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x)
{
    const auto b = x.size(0), n = x.size(1), c = x.size(2);
    auto qkvOut = qkv->forward(x).view({b, n, 3, heads, c / heads}).permute({2, 0, 3, 1, 4});
    // unbind, not three selects: its backward stacks the three gradients once, where each
    // select's backward would zero-fill a whole q/k/v-sized buffer (timm does the same).
    const auto parts = qkvOut.unbind(0);
    const auto &q = parts[0], &k = parts[1], &v = parts[2];
    const int64_t d = c / heads;
    if (smallBmmFits(n, d, n, x)) {
        // Few tokens (a small ViT): one vectorised loop over all batch x head items instead of
        // one BLAS call per item (model/small_bmm.h).
        auto q3 = (q * scale).reshape({b * heads, n, d});
        auto attn = smallBmm(q3, k.transpose(-2, -1).reshape({b * heads, d, n})).softmax(-1);
        auto out = smallBmm(attn, v.reshape({b * heads, n, d}));
        return proj->forward(out.view({b, heads, n, d}).transpose(1, 2).reshape({b, n, c}));
    }
    auto attn = torch::matmul(q * scale, k.transpose(-2, -1)).softmax(-1);
    auto out = torch::matmul(attn, v).transpose(1, 2).reshape({b, n, c});
    return proj->forward(out);
}

MlpImpl::MlpImpl(int dim, int hidden, bool bias)
{
    fc1 = register_module("fc1", LoraLinear(dim, hidden, bias));
    fc2 = register_module("fc2", LoraLinear(hidden, dim, bias));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x)
{
    return fc2->forward(torch::gelu(fc1->forward(x)));
}

LayerScaleImpl::LayerScaleImpl(int dim, double init)
{
    gamma = register_parameter("gamma", torch::full({dim}, init));
}

BlockImpl::BlockImpl(const ModelConfig& c)
{
    const int dim = c.dim, hidden = c.mlpHidden > 0 ? c.mlpHidden : c.dim * c.mlpRatio;
    // Registration order = timm's (norm1, attn, ls1, norm2, mlp, ls2), so named_parameters()
    // lists a checkpoint's tensors in its own order.
    norm1 = register_module("norm1",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    attn = register_module("attn", Attention(dim, c.heads, c.qkvBias, c.bias));
    // timm's usual init_values; a loaded checkpoint overwrites it.
    if (c.layerScale) ls1 = register_module("ls1", LayerScale(dim, 1e-5));
    norm2 = register_module("norm2",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
    mlp = register_module("mlp", Mlp(dim, hidden, c.bias));
    if (c.layerScale) ls2 = register_module("ls2", LayerScale(dim, 1e-5));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x)
{
    auto a = attn->forward(norm1->forward(x));
    auto h = x + (ls1 ? ls1->forward(a) : a);
    auto m = mlp->forward(norm2->forward(h));
    return h + (ls2 ? ls2->forward(m) : m);
}

VitImpl::VitImpl(const ModelConfig& config, int numClasses) : config_(config)
{
    if (config.pool == "cls" && !config.classToken)
        throw std::invalid_argument("\"cls\" pooling needs a class token (model.class_token)");
    const int tokens =
        (config.imageSize / config.patchSize) * (config.imageSize / config.patchSize);
    patch_embed = register_module(
        "patch_embed", PatchEmbed(config.channels, config.patchSize, config.dim, config.bias));
    // The default architecture consumes the RNG exactly as before these options existed, so
    // seeded results of the small self-pretrained models do not move.
    if (config.classToken)
        cls_token = register_parameter("cls_token", torch::zeros({1, 1, config.dim}));
    pos_embed =
        register_parameter("pos_embed", torch::zeros({1, tokens + prefixTokens(), config.dim}));
    {
        torch::NoGradGuard noGrad;
        // timm truncates at ±2 (absolute), which never bites at std 0.02.
        torch::nn::init::normal_(pos_embed, 0.0, 0.02);
        if (config.classToken) torch::nn::init::normal_(cls_token, 0.0, 1e-6);
    }
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < config.depth; ++i) {
        blockList.emplace_back(config);
        blocks->push_back(blockList.back());
    }
    const auto normOptions = torch::nn::LayerNormOptions({config.dim}).eps(1e-6);
    if (config.fcNorm)
        fc_norm = register_module("fc_norm", torch::nn::LayerNorm(normOptions));
    else
        norm = register_module("norm", torch::nn::LayerNorm(normOptions));
    head = register_module("head", LoraLinear(config.dim, numClasses));
}

torch::Tensor VitImpl::embed(const torch::Tensor& x)
{
    auto tokens = patch_embed->forward(x);
    if (!config_.classToken) return tokens + pos_embed;
    auto cls = cls_token.expand({tokens.size(0), 1, tokens.size(2)});
    return torch::cat({cls, tokens}, 1) + pos_embed;
}

torch::Tensor VitImpl::pool(const torch::Tensor& tokens)
{
    // timm: norm (Identity with fc_norm) -> pool ('token' | 'avg' over non-prefix tokens) ->
    // fc_norm
    auto h = norm ? norm->forward(tokens) : tokens;
    h = config_.pool == "cls" ? h.select(1, 0) : h.slice(1, prefixTokens()).mean(1);
    return fc_norm ? fc_norm->forward(h) : h;
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
    nlohmann::json j = {{"image_size", c.imageSize},
                        {"channels", c.channels},
                        {"patch_size", c.patchSize},
                        {"dim", c.dim},
                        {"depth", c.depth},
                        {"heads", c.heads},
                        {"mlp_ratio", c.mlpRatio},
                        {"pool", c.pool},
                        {"arch", c.arch},
                        {"mlp_hidden", c.mlpHidden},
                        {"class_token", c.classToken},
                        {"fc_norm", c.fcNorm},
                        {"layer_scale", c.layerScale},
                        {"qkv_bias", c.qkvBias},
                        {"bias", c.bias},
                        {"mean", c.mean},
                        {"std", c.std}};
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
    // Records written before these fields existed describe the default architecture.
    c.arch = j.value("arch", c.arch);
    c.mlpHidden = j.value("mlp_hidden", c.mlpHidden);
    c.classToken = j.value("class_token", c.classToken);
    c.fcNorm = j.value("fc_norm", c.fcNorm);
    c.layerScale = j.value("layer_scale", c.layerScale);
    c.qkvBias = j.value("qkv_bias", c.qkvBias);
    c.bias = j.value("bias", c.bias);
    c.mean = j.value("mean", c.mean);
    c.std = j.value("std", c.std);
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
    const Checkpoint ck = readCheckpoint(path);
    const MappedTensors mapped = mapToTimm(ck);
    if (!mapped.problem.empty()) throw std::runtime_error(mapped.problem);
    const int grid = config_.imageSize / config_.patchSize;
    torch::NoGradGuard noGrad;
    std::set<std::string> used;
    for (auto& item : named_parameters(true)) {
        const auto& key = item.key();
        if (key.rfind("head.", 0) == 0 || key.rfind("q_", 0) == 0) continue;
        const auto it = mapped.tensors.find(key);
        if (it == mapped.tensors.end())
            throw std::runtime_error(path + " has no tensor '" + key + "'" +
                                     (mapped.naming == "torchvision" ? " (in timm naming)" : ""));
        used.insert(key);
        const std::string& stored = mapped.storedName.at(key);
        torch::Tensor t = it->second->value;
        auto& param = item.value();
        if (key == "pos_embed" && t.dim() == 3 && t.size(0) == 1 && t.size(2) == param.size(2) &&
            t.sizes() != param.sizes()) {
            const auto patches = t.size(1) - prefixTokens();
            const auto side =
                std::int64_t(std::llround(std::sqrt(double(std::max<std::int64_t>(patches, 0)))));
            if (patches > 0 && side * side == patches)
                t = resamplePosEmbed(t, prefixTokens(), grid);
        }
        if (t.sizes() != param.sizes())
            throw std::runtime_error(path + ": '" + stored + "' has shape " + c10::str(t.sizes()) +
                                     ", the model expects " + c10::str(param.sizes()));
        param.copy_(t);
    }
    for (const auto& [name, tensor] : mapped.tensors)
        if (!used.count(name))
            throw std::runtime_error(path + ": tensor '" + mapped.storedName.at(name) +
                                     "' has no place in this model (its architecture differs)");
}

}  // namespace clwb::detail
