// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/vit_arch.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "model/vit.h"

namespace clwb::detail {
namespace {

// Shapes from timm 1.0's model entrypoints (vision_transformer.py, deit.py); the cross-check
// (tests/reference/vit_crosscheck.py) compares this table with timm's.
const KnownArch kArchs[] = {
    {"vit_tiny_patch16_224", 192, 12, 3, 16, 224},
    {"vit_tiny_patch16_384", 192, 12, 3, 16, 384},
    {"vit_small_patch32_224", 384, 12, 6, 32, 224},
    {"vit_small_patch32_384", 384, 12, 6, 32, 384},
    {"vit_small_patch16_224", 384, 12, 6, 16, 224},
    {"vit_small_patch16_384", 384, 12, 6, 16, 384},
    {"vit_small_patch8_224", 384, 12, 6, 8, 224},
    {"vit_base_patch32_224", 768, 12, 12, 32, 224},
    {"vit_base_patch32_384", 768, 12, 12, 32, 384},
    {"vit_base_patch16_224", 768, 12, 12, 16, 224},
    {"vit_base_patch16_384", 768, 12, 12, 16, 384},
    {"vit_base_patch8_224", 768, 12, 12, 8, 224},
    {"vit_large_patch32_224", 1024, 24, 16, 32, 224},
    {"vit_large_patch32_384", 1024, 24, 16, 32, 384},
    {"vit_large_patch16_224", 1024, 24, 16, 16, 224},
    {"vit_large_patch16_384", 1024, 24, 16, 16, 384},
    {"vit_large_patch14_224", 1024, 24, 16, 14, 224},
    {"vit_huge_patch14_224", 1280, 32, 16, 14, 224},
    {"vit_base_patch16_gap_224", 768, 12, 16, 16, 224, false, "mean"},
    {"vit_medium_patch16_gap_240", 512, 12, 8, 16, 240, false, "mean", false, true, false},
    {"deit_tiny_patch16_224", 192, 12, 3, 16, 224},
    {"deit_small_patch16_224", 384, 12, 6, 16, 224},
    {"deit_base_patch16_224", 768, 12, 12, 16, 224},
    {"deit_base_patch16_384", 768, 12, 12, 16, 384},
};

const std::vector<double> kImagenetMean{0.485, 0.456, 0.406}, kImagenetStd{0.229, 0.224, 0.225};
const std::vector<double> kInceptionMean{0.5, 0.5, 0.5}, kInceptionStd{0.5, 0.5, 0.5};
const std::vector<double> kClipMean{0.48145466, 0.4578275, 0.40821073},
    kClipStd{0.26862954, 0.26130258, 0.27577711};

bool startsWith(const std::string& s, const std::string& p)
{
    return s.rfind(p, 0) == 0;
}
bool contains(const std::string& s, const std::string& p)
{
    return s.find(p) != std::string::npos;
}

/// timm's width -> heads for its ViT family (64-wide heads, 16 from ViT-L on).
int defaultHeads(int dim)
{
    switch (dim) {
        case 192:
            return 3;
        case 384:
            return 6;
        case 512:
            return 8;
        case 768:
            return 12;
        case 1024:
            return 16;
        case 1280:
            return 16;
        default:
            return dim % 64 == 0 ? dim / 64 : 0;
    }
}

std::string shapeText(const std::vector<std::int64_t>& s)
{
    std::ostringstream o;
    o << '[';
    for (std::size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
    o << ']';
    return o.str();
}

// Tensors that mark an architecture the plain ViT does not implement, with the reason.
const std::pair<const char*, const char*> kUnsupported[] = {
    {"dist_token", "a distillation token (distilled DeiT)"},
    {"reg_token", "register tokens"},
    {"norm_pre", "a norm before the blocks (CLIP-style)"},
    {"attn_pool", "attention pooling (SigLIP-style)"},
    {"q_norm", "query/key normalisation"},
    {"mask_token", "a mask token (DINOv2 / BEiT)"},
    {"relative_position", "relative position biases"},
    {"pre_logits", "a pre-logits representation layer"},
};

std::string torchvisionToTimm(const std::string& n)
{
    static const std::regex layer(R"(encoder\.layers\.encoder_layer_(\d+)\.(.+))");
    if (n == "conv_proj.weight") return "patch_embed.proj.weight";
    if (n == "conv_proj.bias") return "patch_embed.proj.bias";
    if (n == "class_token") return "cls_token";
    if (n == "encoder.pos_embedding") return "pos_embed";
    if (n == "encoder.ln.weight") return "norm.weight";
    if (n == "encoder.ln.bias") return "norm.bias";
    std::smatch m;
    if (!std::regex_match(n, m, layer)) return {};
    const std::string b = "blocks." + m[1].str() + ".", rest = m[2].str();
    static const std::pair<const char*, const char*> parts[] = {
        {"ln_1.", "norm1."},
        {"ln_2.", "norm2."},
        {"self_attention.out_proj.", "attn.proj."},
        {"mlp.0.", "mlp.fc1."},
        {"mlp.linear_1.", "mlp.fc1."},  // torchvision < 0.13
        {"mlp.3.", "mlp.fc2."},
        {"mlp.linear_2.", "mlp.fc2."},
    };
    if (rest == "self_attention.in_proj_weight") return b + "attn.qkv.weight";
    if (rest == "self_attention.in_proj_bias") return b + "attn.qkv.bias";
    for (const auto& [from, to] : parts)
        if (startsWith(rest, from)) return b + to + rest.substr(std::strlen(from));
    return {};
}

/// A sidecar config next to the checkpoint: timm / Hugging Face config.json or <stem>.json.
struct Sidecar
{
    std::string file, architecture, tag, globalPool;
    int heads = 0;
    std::vector<double> mean, std;
};

Sidecar readSidecar(const std::string& checkpoint)
{
    namespace fs = std::filesystem;
    Sidecar s;
    const fs::path p(checkpoint);
    for (const auto& candidate :
         {p.parent_path() / "config.json", fs::path(p).replace_extension(".json")}) {
        std::error_code ec;
        if (!fs::is_regular_file(candidate, ec)) continue;
        try {
            std::ifstream in(candidate);
            const auto j = nlohmann::json::parse(in);
            if (!j.is_object() || !j.contains("architecture")) continue;
            s.file = candidate.string();
            s.architecture = j.value("architecture", std::string());
            // timm's current layout nests preprocessing in pretrained_cfg; older files are flat.
            const auto& cfg = j.contains("pretrained_cfg") && j["pretrained_cfg"].is_object()
                                  ? j["pretrained_cfg"]
                                  : j;
            s.tag = cfg.value("tag", std::string());
            if (cfg.contains("mean") && cfg["mean"].is_array())
                s.mean = cfg["mean"].get<std::vector<double>>();
            if (cfg.contains("std") && cfg["std"].is_array())
                s.std = cfg["std"].get<std::vector<double>>();
            s.globalPool = j.value("global_pool", std::string());
            if (j.contains("model_args") && j["model_args"].is_object()) {
                s.heads = j["model_args"].value("num_heads", 0);
                s.globalPool = j["model_args"].value("global_pool", s.globalPool);
            }
            s.heads = j.value("num_heads", s.heads);
            return s;
        } catch (const std::exception&) {
            continue;  // not ours to judge: a foreign JSON next to the file
        }
    }
    return s;
}

/// The timm name in a Hugging Face cache path (models--timm--vit_base_patch16_224.augreg_in21k).
std::string nameFromCachePath(const std::string& path)
{
    static const std::regex hf(R"(models--timm--([A-Za-z0-9_.\-]+))");
    std::smatch m;
    return std::regex_search(path, m, hf) ? m[1].str() : std::string();
}

}  // namespace

const KnownArch* findKnownArch(const std::string& name)
{
    const std::string base = name.substr(0, name.find('.'));
    for (const auto& a : kArchs)
        if (base == a.name) return &a;
    return nullptr;
}

Normalisation timmNormalisation(const std::string& name)
{
    const auto dot = name.find('.');
    const std::string base = name.substr(0, dot);
    std::string tag = dot == std::string::npos ? "" : name.substr(dot + 1);
    // An untagged name means timm's default tag; the one whose default changes the rule:
    if (tag.empty() && base == "vit_small_patch8_224") tag = "dino";
    if (startsWith(base, "deit")) return {kImagenetMean, kImagenetStd, "DeiT: ImageNet mean/std"};
    if (contains(base, "clip") || contains(tag, "openai") || contains(tag, "laion") ||
        contains(tag, "bamboo"))
        return {kClipMean, kClipStd, "CLIP weights: OpenAI CLIP mean/std"};
    if (contains(tag, "mae") || contains(tag, "dino"))
        return {kImagenetMean, kImagenetStd, "tag " + tag + ": ImageNet mean/std"};
    if (startsWith(base, "vit_"))
        return {kInceptionMean, kInceptionStd, "timm ViT default: mean = std = 0.5"};
    return {};
}

MappedTensors mapToTimm(const Checkpoint& ck)
{
    MappedTensors out;
    bool allModule = !ck.tensors.empty();
    for (const auto& t : ck.tensors) allModule = allModule && startsWith(t.name, "module.");
    const std::size_t strip = allModule ? 7 : 0;  // DataParallel's "module." prefix
    auto has = [&](const std::string& n) {
        return ck.find((allModule ? "module." : "") + n) != nullptr;
    };
    if (ck.format == "clwb")
        out.naming = "clwb";
    else if (has("patch_embed.proj.weight"))
        out.naming = "timm";
    else if (has("conv_proj.weight"))
        out.naming = "torchvision";
    else {
        out.problem = ck.path +
                      " has no patch embedding (patch_embed.proj.weight of timm or "
                      "conv_proj.weight of torchvision): not a Vision Transformer "
                      "checkpoint this workbench reads";
        return out;
    }
    std::vector<std::string> unknown;
    for (const auto& t : ck.tensors) {
        const std::string n = t.name.substr(strip);
        if (out.naming == "torchvision") {
            if (startsWith(n, "heads.")) continue;  // classifier
            const auto timm = torchvisionToTimm(n);
            if (timm.empty()) {
                unknown.push_back(t.name);
            } else {
                out.tensors[timm] = &t;
                out.storedName[timm] = t.name;
            }
            continue;
        }
        if (startsWith(n, "head.") || startsWith(n, "q_")) continue;  // classifier, QA embedding
        for (const auto& [marker, what] : kUnsupported)
            if (contains(n, marker)) {
                out.problem = ck.path + ": tensor '" + t.name + "' belongs to " + what +
                              ", which the workbench's ViT does not implement";
                return out;
            }
        out.tensors[n] = &t;
        out.storedName[n] = t.name;
    }
    if (!unknown.empty())
        out.problem = ck.path + ": tensor '" + unknown.front() +
                      "' is not part of a torchvision "
                      "VisionTransformer backbone";
    return out;
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>> backboneShapes(const ModelConfig& m)
{
    const std::int64_t d = m.dim, g = m.imageSize / m.patchSize;
    const std::int64_t hidden = m.mlpHidden > 0 ? m.mlpHidden : std::int64_t(m.dim) * m.mlpRatio;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> s;
    // A module's own parameters come before its children's in named_parameters().
    if (m.classToken) s.push_back({"cls_token", {1, 1, d}});
    s.push_back({"pos_embed", {1, g * g + (m.classToken ? 1 : 0), d}});
    s.push_back({"patch_embed.proj.weight", {d, m.channels, m.patchSize, m.patchSize}});
    if (m.bias) s.push_back({"patch_embed.proj.bias", {d}});
    auto linear = [&](const std::string& n, std::int64_t out, std::int64_t in, bool bias) {
        s.push_back({n + ".weight", {out, in}});
        if (bias) s.push_back({n + ".bias", {out}});
    };
    auto norm = [&](const std::string& n) {
        s.push_back({n + ".weight", {d}});
        s.push_back({n + ".bias", {d}});
    };
    for (int i = 0; i < m.depth; ++i) {
        const std::string b = "blocks." + std::to_string(i) + ".";
        norm(b + "norm1");
        linear(b + "attn.qkv", 3 * d, d, m.qkvBias);
        linear(b + "attn.proj", d, d, m.bias);
        if (m.layerScale) s.push_back({b + "ls1.gamma", {d}});
        norm(b + "norm2");
        linear(b + "mlp.fc1", hidden, d, m.bias);
        linear(b + "mlp.fc2", d, hidden, m.bias);
        if (m.layerScale) s.push_back({b + "ls2.gamma", {d}});
    }
    norm(m.fcNorm ? "fc_norm" : "norm");
    return s;
}

std::string shapeProblem(const MappedTensors& mapped, const ModelConfig& model,
                         bool allowGridChange)
{
    std::set<std::string> used;
    for (const auto& [name, shape] : backboneShapes(model)) {
        const auto it = mapped.tensors.find(name);
        const std::string stored =
            mapped.storedName.count(name) ? mapped.storedName.at(name) : name;
        if (it == mapped.tensors.end())
            return "has no tensor '" + name + "', which the model needs";
        used.insert(name);
        const auto& have = it->second->shape;
        if (have == shape) continue;
        if (name == "pos_embed" && allowGridChange && have.size() == 3 && have[0] == 1 &&
            have[2] == shape[2]) {
            const std::int64_t prefix = model.classToken ? 1 : 0, grid = have[1] - prefix;
            const auto side =
                std::int64_t(std::llround(std::sqrt(double(std::max<std::int64_t>(grid, 0)))));
            if (grid > 0 && side * side == grid) continue;  // resampled on load
        }
        return "tensor '" + stored + "' has shape " + shapeText(have) + ", the model needs " +
               shapeText(shape);
    }
    for (const auto& [name, tensor] : mapped.tensors)
        if (!used.count(name))
            return "tensor '" + mapped.storedName.at(name) +
                   "' has no place in the model (its architecture differs: " +
                   (contains(name, ".ls")    ? "layer scale"
                    : contains(name, "bias") ? "biases"
                                             : "extra layers") +
                   ")";
    return {};
}

torch::Tensor resamplePosEmbed(const torch::Tensor& posEmbed, int prefix, int newGrid)
{
    const auto tokens = posEmbed.size(1) - prefix, dim = posEmbed.size(2);
    const auto old = std::int64_t(std::llround(std::sqrt(double(tokens))));
    if (old == newGrid) return posEmbed;
    auto grid = posEmbed.slice(1, prefix).reshape({1, old, old, dim}).permute({0, 3, 1, 2});
    grid = torch::nn::functional::interpolate(grid.to(torch::kFloat),
                                              torch::nn::functional::InterpolateFuncOptions()
                                                  .size(std::vector<std::int64_t>{newGrid, newGrid})
                                                  .mode(torch::kBicubic)
                                                  .align_corners(false)
                                                  .antialias(true));
    grid = grid.permute({0, 2, 3, 1}).reshape({1, std::int64_t(newGrid) * newGrid, dim});
    return torch::cat({posEmbed.slice(1, 0, prefix), grid.to(posEmbed.dtype())}, 1);
}

BackboneInfo detectBackbone(const Checkpoint& ck, const std::string& arch)
{
    BackboneInfo info;
    info.path = ck.path;
    info.format = ck.format;
    auto fail = [&](const std::string& problem) {
        info.problem = problem;
        return info;
    };
    const auto mapped = mapToTimm(ck);
    info.naming = mapped.naming;
    if (!mapped.problem.empty()) return fail(mapped.problem);
    for (const auto& [name, t] : mapped.tensors) {
        std::int64_t n = 1;
        for (auto d : t->shape) n *= d;
        info.parameters += n;
    }
    if (ck.format == "clwb") {
        if (ck.clwbModelJson.empty())
            return fail("not a CL Workbench backbone checkpoint (no architecture record)");
        try {
            info.model = modelConfigFromJson(ck.clwbModelJson);
        } catch (const std::exception& e) {
            return fail(std::string("unreadable architecture record: ") + e.what());
        }
        info.model.backbone = ck.path;
        info.arch = info.model.arch;
        info.notes.push_back("architecture: the checkpoint's own record");
        info.notes.push_back(
            "normalisation: the dataset's statistics (clwb backbones are trained "
            "on them)");
        const auto p = shapeProblem(mapped, info.model, false);
        if (!p.empty()) return fail("checkpoint does not match its own architecture: " + p);
        return info;
    }

    auto shape = [&](const std::string& n) -> const std::vector<std::int64_t>* {
        const auto it = mapped.tensors.find(n);
        return it == mapped.tensors.end() ? nullptr : &it->second->shape;
    };
    auto has = [&](const std::string& n) { return shape(n) != nullptr; };
    auto stored = [&](const std::string& n) { return mapped.storedName.at(n); };
    ModelConfig m;
    m.backbone = ck.path;
    const auto* pe = shape("patch_embed.proj.weight");
    if (pe->size() != 4 || (*pe)[2] != (*pe)[3] || (*pe)[2] < 1 || (*pe)[0] < 1 || (*pe)[1] < 1)
        return fail(ck.path + ": tensor '" + stored("patch_embed.proj.weight") + "' has shape " +
                    shapeText(*pe) + ", expected [dim, channels, patch, patch]");
    m.dim = int((*pe)[0]);
    m.channels = int((*pe)[1]);
    m.patchSize = int((*pe)[2]);
    m.bias = has("patch_embed.proj.bias");
    m.classToken = has("cls_token");
    const int prefix = m.classToken ? 1 : 0;
    const auto* pos = shape("pos_embed");
    if (!pos || pos->size() != 3 || (*pos)[0] != 1 || (*pos)[2] != m.dim)
        return fail(ck.path +
                    (pos ? ": tensor '" + stored("pos_embed") + "' has shape " + shapeText(*pos) +
                               ", expected [1, tokens, " + std::to_string(m.dim) + "]"
                         : std::string(" has no position embedding (pos_embed)")));
    const std::int64_t patches = (*pos)[1] - prefix;
    const auto side =
        std::int64_t(std::llround(std::sqrt(double(std::max<std::int64_t>(patches, 0)))));
    if (patches < 1 || side * side != patches) {
        const auto all = std::int64_t(std::llround(std::sqrt(double((*pos)[1]))));
        return fail(ck.path + ": '" + stored("pos_embed") + "' has " + std::to_string((*pos)[1]) +
                    " tokens" +
                    (m.classToken && all * all == (*pos)[1]
                         ? ", none for the class token (DeiT III's no_embed_class), which the "
                           "workbench's ViT does not implement"
                         : ", not a square patch grid" +
                               std::string(m.classToken ? " plus a class token" : "")));
    }
    m.imageSize = int(side) * m.patchSize;
    m.depth = 0;
    while (has("blocks." + std::to_string(m.depth) + ".norm1.weight")) ++m.depth;
    if (m.depth == 0) return fail(ck.path + " has no transformer blocks (blocks.0.norm1.weight)");
    const auto* fc1 = shape("blocks.0.mlp.fc1.weight");
    if (!fc1 || fc1->size() != 2)
        return fail(ck.path + " has no MLP weight 'blocks.0.mlp.fc1.weight' [hidden, dim]");
    const int hidden = int((*fc1)[0]);
    m.mlpRatio = hidden % m.dim == 0 ? hidden / m.dim : 4;
    m.mlpHidden = hidden % m.dim == 0 ? 0 : hidden;
    m.qkvBias = has("blocks.0.attn.qkv.bias");
    for (const char* l : {"attn.proj", "mlp.fc1", "mlp.fc2"})
        if (has(std::string("blocks.0.") + l + ".bias") != m.bias)
            return fail(ck.path + ": biases on some layers only (patch projection " +
                        (m.bias ? "with" : "without") + ", blocks.0." + l + " " +
                        (m.bias ? "without" : "with") + "); the workbench's ViT has one bias flag");
    m.layerScale = has("blocks.0.ls1.gamma");
    m.fcNorm = has("fc_norm.weight");
    if (m.fcNorm && has("norm.weight"))
        return fail(ck.path + " has both norm and fc_norm; timm uses one or the other");
    std::ostringstream dims;
    dims << "dim " << m.dim << ", depth " << m.depth << ", patch " << m.patchSize << ", "
         << m.channels << " channels, " << m.imageSize << " px (" << side << "x" << side
         << " grid), MLP " << hidden << (m.classToken ? ", class token" : ", no class token")
         << (m.layerScale ? ", layer scale" : "") << (m.qkvBias ? "" : ", no qkv bias")
         << (m.bias ? "" : ", no biases") << (m.fcNorm ? ", fc_norm" : "")
         << ": from the tensor shapes";
    info.notes.push_back(dims.str());

    // What shapes cannot tell: model.arch, else a sidecar config, else the cache path's name.
    const Sidecar sc = readSidecar(ck.path);
    std::string name = arch, source = "model.arch";
    if (name.empty() && !sc.architecture.empty()) {
        name = sc.architecture + (sc.tag.empty() ? "" : "." + sc.tag);
        source = sc.file;
    }
    if (name.empty() && !(name = nameFromCachePath(ck.path)).empty()) source = "the cache path";
    const KnownArch* known = name.empty() ? nullptr : findKnownArch(name);
    if (!arch.empty() && !known)
        return fail("model.arch '" + arch +
                    "' is not a timm architecture the workbench knows "
                    "(see docs/backbones.md); leave it empty to infer the architecture");
    if (known) {
        const std::pair<const char*, std::pair<int, int>> checks[] = {
            {"dim", {known->dim, m.dim}},
            {"depth", {known->depth, m.depth}},
            {"patch", {known->patch, m.patchSize}},
            {"class token", {known->classToken, m.classToken}}};
        for (const auto& [what, v] : checks)
            if (v.first != v.second)
                return fail(source + " names " + name + " (" + what + " " +
                            std::to_string(v.first) + "), but the checkpoint's tensors have " +
                            what + " " + std::to_string(v.second));
        info.arch = name;
        m.arch = name;
    }
    if (known) {
        m.heads = known->heads;
        info.notes.push_back("heads " + std::to_string(m.heads) + ": from the timm name " + name +
                             " (" + source + ")");
    } else if (sc.heads > 0) {
        m.heads = sc.heads;
        info.notes.push_back("heads " + std::to_string(m.heads) + ": from " + sc.file);
    } else {
        m.heads = defaultHeads(m.dim);
        info.notes.push_back("heads " + std::to_string(m.heads) + ": " + mapped.naming +
                             "'s default for width " + std::to_string(m.dim));
    }
    if (m.heads <= 0 || m.dim % m.heads != 0)
        return fail(ck.path + ": cannot tell the number of attention heads for width " +
                    std::to_string(m.dim) + "; set model.arch to its timm name");

    if (!m.classToken) {
        m.pool = "mean";
        info.notes.push_back("pooling: mean of the patch tokens (no class token)");
    } else if (m.fcNorm) {
        m.pool = "mean";
        info.notes.push_back("pooling: mean of the patch tokens, then fc_norm (timm 'avg')");
    } else if (known) {
        m.pool = known->pool;
        info.notes.push_back("pooling: " + m.pool + " from the timm name " + name);
    } else if (sc.globalPool == "avg" || sc.globalPool == "token") {
        m.pool = sc.globalPool == "avg" ? "mean" : "cls";
        info.notes.push_back("pooling: " + m.pool + " from " + sc.file);
    } else if (!sc.globalPool.empty()) {
        return fail(sc.file + " asks for global_pool '" + sc.globalPool +
                    "', which the workbench's ViT does not implement (token or avg)");
    } else {
        m.pool = "cls";
        info.notes.push_back("pooling: the class token (" + mapped.naming + "'s default)");
    }

    Normalisation norm;
    if (sc.mean.size() == std::size_t(m.channels) && sc.std.size() == std::size_t(m.channels)) {
        norm = {sc.mean, sc.std, "from " + sc.file};
    } else if (mapped.naming == "torchvision") {
        norm = {kImagenetMean, kImagenetStd, "torchvision's weights: ImageNet mean/std"};
    } else {
        norm = timmNormalisation(name.empty() ? "vit_" : name);
        if (norm.mean.empty()) norm = timmNormalisation("vit_");
        if (name.empty()) norm.rule += " (no name known; set model.arch, or model.mean/std)";
    }
    if (norm.mean.size() == std::size_t(m.channels)) {
        m.mean = norm.mean;
        m.std = norm.std;
        info.notes.push_back("normalisation: " + norm.rule);
    } else {
        info.notes.push_back("normalisation: the dataset's statistics (" +
                             std::to_string(m.channels) + " channels, no rule applies)");
    }
    info.model = m;
    const auto p = shapeProblem(mapped, m, false);
    if (!p.empty()) return fail(ck.path + ": not a consistent ViT: " + p);
    return info;
}

}  // namespace clwb::detail

namespace clwb {

BackboneInfo inspectBackbone(const std::string& path, const std::string& arch)
{
    try {
        return detail::detectBackbone(detail::readCheckpoint(path, true), arch);
    } catch (const std::exception& e) {
        BackboneInfo info;
        info.path = path;
        info.problem = e.what();
        return info;
    }
}

std::vector<std::string> knownArchitectures()
{
    std::vector<std::string> out;
    for (const auto& a : detail::kArchs) out.push_back(a.name);
    return out;
}

}  // namespace clwb
