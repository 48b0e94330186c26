// SPDX-License-Identifier: GPL-3.0-or-later
// Architecture detection from checkpoint tensors (timm and torchvision names), the ViT options
// it feeds (no class token, fc_norm, layer scale, biases), pos_embed resampling, and error
// messages that name the tensor.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <regex>

#include "checks.h"
#include "clwb/backbones.h"
#include "model/checkpoint_reader.h"
#include "model/vit.h"
#include "model/vit_arch.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

ModelConfig smallModel()
{
    ModelConfig m;
    m.imageSize = 16;
    m.patchSize = 4;
    m.channels = 3;
    m.dim = 128;  // timm's width default gives 2 heads
    m.depth = 2;
    m.heads = 2;
    m.pool = "cls";
    return m;
}

/// The backbone tensors of a seeded model in timm names, perturbed so every tensor matters.
Tensors timmTensors(Vit& vit)
{
    Tensors out;
    torch::NoGradGuard g;
    for (const auto& p : vit->named_parameters()) {
        if (p.key().rfind("head.", 0) == 0) continue;
        p.value().add_(torch::randn_like(p.value()) * 0.05);
        out.emplace_back(p.key(), p.value().detach().clone());
    }
    return out;
}

std::string toTorchvision(const std::string& n, bool oldMlpNames = false)
{
    static const std::regex block(R"(blocks\.(\d+)\.(.+))");
    if (n == "patch_embed.proj.weight") return "conv_proj.weight";
    if (n == "patch_embed.proj.bias") return "conv_proj.bias";
    if (n == "cls_token") return "class_token";
    if (n == "pos_embed") return "encoder.pos_embedding";
    if (n.rfind("norm.", 0) == 0) return "encoder.ln." + n.substr(5);
    std::smatch m;
    if (!std::regex_match(n, m, block)) return n;
    std::string rest = m[2].str();
    const std::pair<std::string, std::string> parts[] = {
        {"norm1.", "ln_1."},
        {"norm2.", "ln_2."},
        {"attn.proj.", "self_attention.out_proj."},
        {"mlp.fc1.", oldMlpNames ? "mlp.linear_1." : "mlp.0."},
        {"mlp.fc2.", oldMlpNames ? "mlp.linear_2." : "mlp.3."}};
    if (rest == "attn.qkv.weight")
        rest = "self_attention.in_proj_weight";
    else if (rest == "attn.qkv.bias")
        rest = "self_attention.in_proj_bias";
    else
        for (const auto& [from, to] : parts)
            if (rest.rfind(from, 0) == 0) rest = to + rest.substr(from.size());
    return "encoder.layers.encoder_layer_" + m[1].str() + "." + rest;
}

void writeTorchZip(const std::string& path, const Tensors& tensors)
{
    c10::Dict<std::string, torch::Tensor> d;
    for (const auto& [k, v] : tensors) d.insert(k, v);
    const auto bytes = torch::pickle_save(d);
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes.data(), qint64(bytes.size()));
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

bool hasNote(const BackboneInfo& info, const std::string& part)
{
    for (const auto& n : info.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

torch::Tensor featuresOf(const ModelConfig& m, const std::string& path, const torch::Tensor& x)
{
    Vit vit(m, 10);
    vit->loadBackbone(path);
    vit->eval();
    torch::NoGradGuard g;
    return vit->features(x);
}

#define VERIFY_CONTAINS(text, part)                             \
    QVERIFY2(std::string(text).find(part) != std::string::npos, \
             (std::string("'") + (part) + "' not in: " + std::string(text)).c_str())

}  // namespace

class TestVitArch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultArchitectureUnchanged()
    {
        // The default ModelConfig builds the same parameters, in the same order, as before the
        // architecture options existed (seeded results depend on the order of initialisation).
        const ModelConfig m;
        Vit vit(m, 10);
        std::vector<std::string> names;
        for (const auto& p : vit->named_parameters()) names.push_back(p.key());
        const auto expected = backboneShapes(m);
        QCOMPARE(names.size(), expected.size() + 2);  // + head.weight, head.bias
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(names[i], expected[i].first);
            QCOMPARE(vit->named_parameters()[names[i]].sizes().vec(), expected[i].second);
        }
        QCOMPARE(names[0], std::string("cls_token"));
        QCOMPARE(names[2], std::string("patch_embed.proj.weight"));
        QVERIFY(vit->norm && !vit->fc_norm && !vit->blockList[0]->ls1);
        QVERIFY(vit->blockList[0]->attn->qkv->bias.defined());
    }

    void timmNamesWithSidecarConfig()
    {
        QTemporaryDir dir;
        auto m = smallModel();
        m.dim = 96;  // no timm width default: the heads must come from config.json
        m.heads = 4;
        torch::manual_seed(1);
        Vit vit(m, 10);
        const auto path = dir.filePath("model.safetensors").toStdString();
        writeSafetensors(path, timmTensors(vit));
        auto info = inspectBackbone(path);
        VERIFY_CONTAINS(info.problem, "heads");
        writeText(
            dir.filePath("config.json"),
            R"({"architecture": "my_vit", "global_pool": "avg", "model_args": {"num_heads": 4},
                      "pretrained_cfg": {"tag": "x", "mean": [0.1, 0.2, 0.3], "std": [0.4, 0.5, 0.6]}})");
        info = inspectBackbone(path);
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.format, std::string("safetensors"));
        QCOMPARE(info.naming, std::string("timm"));
        QCOMPARE(info.model.dim, 96);
        QCOMPARE(info.model.depth, 2);
        QCOMPARE(info.model.heads, 4);
        QCOMPARE(info.model.patchSize, 4);
        QCOMPARE(info.model.imageSize, 16);
        QCOMPARE(info.model.channels, 3);
        QCOMPARE(info.model.mlpRatio, 4);
        QCOMPARE(info.model.pool, std::string("mean"));  // global_pool 'avg'
        QCOMPARE(info.model.mean, (std::vector<double>{0.1, 0.2, 0.3}));
        QVERIFY(info.arch.empty());  // my_vit is no known timm name
        QVERIFY(hasNote(info, "config.json"));
        int64_t params = 0;
        for (const auto& p : vit->named_parameters())
            if (p.key().rfind("head.", 0) != 0) params += p.value().numel();
        QCOMPARE(info.parameters, params);
        // The detected architecture reproduces the model.
        const auto x = torch::randn({2, 3, 16, 16});
        m.pool = "mean";
        Vit same(m, 10);
        same->loadBackbone(path);
        vit->eval();
        same->eval();
        torch::NoGradGuard g;
        QVERIFY(torch::allclose(featuresOf(info.model, path, x), same->features(x)));
    }

    void timmNameDecidesHeadsPoolingAndNormalisation()
    {
        QTemporaryDir dir;
        ModelConfig ti;
        ti.imageSize = 224;
        ti.patchSize = 16;
        ti.channels = 3;
        ti.dim = 192;
        ti.depth = 12;
        ti.heads = 3;
        ti.pool = "cls";
        Vit vit(ti, 10);
        QVERIFY(QDir(dir.path())
                    .mkpath("models--timm--vit_tiny_patch16_224.augreg_in21k/snapshots/abc"));
        const auto path = dir.filePath(
                                 "models--timm--vit_tiny_patch16_224.augreg_in21k/snapshots/"
                                 "abc/model.safetensors")
                              .toStdString();
        Tensors t;
        for (const auto& p : vit->named_parameters())
            if (p.key().rfind("head.", 0) != 0) t.emplace_back(p.key(), p.value());
        t.emplace_back("head.weight", torch::zeros({1000, 192}));  // a classifier is ignored
        writeSafetensors(path, t);

        auto info = inspectBackbone(path);  // the name comes from the cache path
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.arch, std::string("vit_tiny_patch16_224.augreg_in21k"));
        QCOMPARE(info.model.heads, 3);
        QCOMPARE(info.model.pool, std::string("cls"));
        QCOMPARE(info.model.mean, (std::vector<double>{0.5, 0.5, 0.5}));
        QCOMPARE(info.model.imageSize, 224);
        QVERIFY(hasNote(info, "cache path"));

        info = inspectBackbone(path, "deit_tiny_patch16_224");
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.model.mean, (std::vector<double>{0.485, 0.456, 0.406}));
        QCOMPARE(info.model.std, (std::vector<double>{0.229, 0.224, 0.225}));
        QVERIFY(hasNote(info, "heads 3: from the timm name deit_tiny_patch16_224"));

        VERIFY_CONTAINS(inspectBackbone(path, "vit_small_patch16_224").problem, "dim 384");
        VERIFY_CONTAINS(inspectBackbone(path, "vit_nonsense").problem, "not a timm architecture");

        // Without any name: timm's width default and timm's ViT normalisation.
        const auto plain = dir.filePath("plain.safetensors").toStdString();
        QVERIFY(QFile::copy(QString::fromStdString(path), QString::fromStdString(plain)));
        info = inspectBackbone(plain);
        QCOMPARE(info.model.heads, 3);
        QVERIFY(hasNote(info, "default for width 192"));
        QVERIFY(info.arch.empty());
        QCOMPARE(info.model.mean, (std::vector<double>{0.5, 0.5, 0.5}));
    }

    void variantsAreDetectedAndReproduced()
    {
        QTemporaryDir dir;
        struct Variant
        {
            const char* name;
            bool classToken, fcNorm, layerScale, qkvBias, bias;
            const char* pool;
            int mlpHidden;
        };
        const Variant variants[] = {
            {"gap_fcnorm", false, true, false, true, true, "mean", 0},
            {"gap_norm", false, false, false, true, true, "mean", 0},
            {"layerscale_noqkvbias", true, false, true, false, true, "cls", 0},
            {"nobias_mlp300", true, false, false, false, false, "cls", 300},
            {"cls_fcnorm", true, true, false, true, true, "mean", 0},
        };
        const auto x = torch::randn({2, 3, 16, 16});
        for (const auto& v : variants) {
            auto m = smallModel();
            m.classToken = v.classToken;
            m.fcNorm = v.fcNorm;
            m.layerScale = v.layerScale;
            m.qkvBias = v.qkvBias;
            m.bias = v.bias;
            m.pool = v.pool;
            m.mlpHidden = v.mlpHidden;
            torch::manual_seed(7);
            Vit vit(m, 10);
            const auto path = dir.filePath(QString(v.name) + ".safetensors").toStdString();
            writeSafetensors(path, timmTensors(vit));
            const auto names = vit->named_parameters();
            QCOMPARE(names.contains("cls_token"), v.classToken);
            QCOMPARE(names.contains("fc_norm.weight"), v.fcNorm);
            QCOMPARE(names.contains("norm.weight"), !v.fcNorm);
            QCOMPARE(names.contains("blocks.1.ls2.gamma"), v.layerScale);
            QCOMPARE(names.contains("blocks.0.attn.qkv.bias"), v.qkvBias);
            QCOMPARE(names.contains("blocks.0.mlp.fc2.bias"), v.bias);

            const auto info = inspectBackbone(path);
            QVERIFY2(info.problem.empty(), (std::string(v.name) + ": " + info.problem).c_str());
            QCOMPARE(info.model.classToken, v.classToken);
            QCOMPARE(info.model.fcNorm, v.fcNorm);
            QCOMPARE(info.model.layerScale, v.layerScale);
            QCOMPARE(info.model.qkvBias, v.qkvBias);
            QCOMPARE(info.model.bias, v.bias);
            QCOMPARE(info.model.pool, std::string(v.pool));
            QCOMPARE(info.model.mlpHidden, v.mlpHidden);
            vit->eval();
            torch::NoGradGuard g;
            QVERIFY2(torch::allclose(featuresOf(info.model, path, x), vit->features(x), 1e-5, 1e-5),
                     v.name);
        }
    }

    void torchvisionNamesAreMapped()
    {
        QTemporaryDir dir;
        torch::manual_seed(3);
        Vit vit(smallModel(), 10);
        const auto tensors = timmTensors(vit);
        const auto x = torch::randn({2, 3, 16, 16});
        vit->eval();
        torch::Tensor expected;
        {
            torch::NoGradGuard g;
            expected = vit->features(x);
        }
        for (bool oldNames : {false, true}) {
            Tensors tv;
            for (const auto& [k, v] : tensors) tv.emplace_back(toTorchvision(k, oldNames), v);
            tv.emplace_back("heads.head.weight", torch::zeros({10, 128}));
            const auto path = dir.filePath(oldNames ? "old.pth" : "tv.pth").toStdString();
            writeTorchZip(path, tv);
            const auto info = inspectBackbone(path);
            QVERIFY2(info.problem.empty(), info.problem.c_str());
            QCOMPARE(info.format, std::string("torch-zip"));
            QCOMPARE(info.naming, std::string("torchvision"));
            QCOMPARE(info.model.pool, std::string("cls"));
            QCOMPARE(info.model.heads, 2);
            QCOMPARE(info.model.mean, (std::vector<double>{0.485, 0.456, 0.406}));
            QVERIFY(torch::allclose(featuresOf(info.model, path, x), expected, 1e-5, 1e-6));
        }
        // A name torchvision's VisionTransformer does not have.
        Tensors bad;
        for (const auto& [k, v] : tensors) bad.emplace_back(toTorchvision(k), v);
        bad.emplace_back("encoder.extra.weight", torch::zeros({2}));
        const auto path = dir.filePath("bad.pth").toStdString();
        writeTorchZip(path, bad);
        VERIFY_CONTAINS(inspectBackbone(path).problem, "'encoder.extra.weight'");
    }

    void posEmbedResampling()
    {
        torch::manual_seed(4);
        const auto pe = torch::randn({1, 1 + 16, 8});
        QVERIFY(resamplePosEmbed(pe, 1, 4).is_same(pe));  // identity when the grid matches
        const auto up = resamplePosEmbed(pe, 1, 8);
        QCOMPARE(up.sizes().vec(), (std::vector<int64_t>{1, 65, 8}));
        QVERIFY(torch::equal(up.slice(1, 0, 1), pe.slice(1, 0, 1)));  // class slot kept
        auto flat = torch::cat({torch::zeros({1, 1, 8}), torch::full({1, 16, 8}, 0.7)}, 1);
        QVERIFY(torch::allclose(resamplePosEmbed(flat, 1, 6).slice(1, 1),
                                torch::full({1, 36, 8}, 0.7), 1e-5, 1e-6));
        const auto noPrefix = resamplePosEmbed(pe.slice(1, 1), 0, 2);
        QCOMPARE(noPrefix.sizes().vec(), (std::vector<int64_t>{1, 4, 8}));

        // Loading a 16 px checkpoint into a 32 px model, and what effectiveConfig keeps.
        QTemporaryDir dir;
        Vit vit(smallModel(), 10);
        const auto path = dir.filePath("b16.safetensors").toStdString();
        writeSafetensors(path, timmTensors(vit));
        auto big = smallModel();
        big.imageSize = 32;
        Vit at32(big, 10);
        at32->loadBackbone(path);
        QCOMPARE(at32->pos_embed.size(1), int64_t(1 + 64));
        QVERIFY(torch::allclose(at32->pos_embed.detach(),
                                resamplePosEmbed(vit->pos_embed.detach(), 1, 8)));

        RunConfig rc;
        rc.model.backbone = path;
        rc.model.imageSize = 32;
        auto eff = effectiveConfig(rc);
        QCOMPARE(eff.model.imageSize, 32);
        QCOMPARE(eff.model.dim, 128);
        QCOMPARE(eff.model.channels, 3);
        QCOMPARE(eff.model.backbone, path);
        rc.model.imageSize = ModelConfig{}.imageSize;  // not set: the checkpoint's own
        QCOMPARE(effectiveConfig(rc).model.imageSize, 16);
        rc.model.imageSize = 30;  // no multiple of the patch: refused by validation
        VERIFY_CONTAINS(backboneProblem(rc.model),
                        "not a multiple of the checkpoint's patch size 4");
        rc.model.imageSize = 32;
        rc.model.mean = {0.3};
        rc.model.std = {0.2};
        rc.model.arch = "";
        eff = effectiveConfig(rc);
        QCOMPARE(eff.model.mean, std::vector<double>{0.3});  // given values win
        QVERIFY(backboneProblem(rc.model).empty());
    }

    void errorsNameTheTensor()
    {
        QTemporaryDir dir;
        torch::manual_seed(5);
        Vit vit(smallModel(), 10);
        const auto good = timmTensors(vit);
        auto write = [&](const QString& name, const Tensors& t) {
            const auto path = dir.filePath(name).toStdString();
            writeSafetensors(path, t);
            return path;
        };
        auto changed = good;
        for (auto& [k, v] : changed)
            if (k == "blocks.1.mlp.fc2.weight") v = torch::zeros({128, 100});
        VERIFY_CONTAINS(inspectBackbone(write("shape.safetensors", changed)).problem,
                        "'blocks.1.mlp.fc2.weight' has shape [128, 100]");

        Tensors missing;
        for (const auto& kv : good)
            if (kv.first != "blocks.1.norm2.bias") missing.push_back(kv);
        const auto missingPath = write("missing.safetensors", missing);
        VERIFY_CONTAINS(inspectBackbone(missingPath).problem, "'blocks.1.norm2.bias'");
        VERIFY_CONTAINS(checkpointProblem(missingPath), "'blocks.1.norm2.bias'");

        auto distilled = good;
        distilled.emplace_back("dist_token", torch::zeros({1, 1, 128}));
        VERIFY_CONTAINS(inspectBackbone(write("dist.safetensors", distilled)).problem,
                        "distillation token");

        Tensors mixed;
        for (const auto& kv : good)
            if (kv.first != "blocks.0.mlp.fc1.bias") mixed.push_back(kv);
        VERIFY_CONTAINS(inspectBackbone(write("mixed.safetensors", mixed)).problem,
                        "biases on some layers only");

        // Loading into a model of another architecture.
        const auto path = write("good.safetensors", good);
        auto other = smallModel();
        other.layerScale = true;
        Vit withScale(other, 10);
        try {
            withScale->loadBackbone(path);
            QFAIL("loaded into a layer-scale model");
        } catch (const std::runtime_error& e) {
            VERIFY_CONTAINS(e.what(), "'blocks.0.ls1.gamma'");
        }
        other = smallModel();
        other.mlpRatio = 2;
        Vit narrow(other, 10);
        try {
            narrow->loadBackbone(path);
            QFAIL("loaded into a narrower MLP");
        } catch (const std::runtime_error& e) {
            VERIFY_CONTAINS(e.what(), "'blocks.0.mlp.fc1.weight' has shape");
        }
        QVERIFY(inspectBackbone(dir.filePath("nothing.safetensors").toStdString()).problem.size() >
                10);
    }

    void knownArchitecturesTable()
    {
        const auto names = knownArchitectures();
        for (const char* n :
             {"vit_tiny_patch16_224", "vit_base_patch16_224", "vit_large_patch16_384",
              "vit_base_patch16_gap_224", "deit_small_patch16_224"})
            QVERIFY2(std::find(names.begin(), names.end(), n) != names.end(), n);
        const auto* b = findKnownArch("vit_base_patch16_224.augreg_in21k");
        QVERIFY(b);
        QCOMPARE(b->heads, 12);
        QCOMPARE(findKnownArch("vit_base_patch16_gap_224")->heads, 16);
        QVERIFY(!findKnownArch("vit_small_patch14_dinov2"));
        QCOMPARE(timmNormalisation("vit_base_patch16_224.augreg_in21k").mean[0], 0.5);
        QCOMPARE(timmNormalisation("vit_base_patch16_224.mae").mean[0], 0.485);
        QCOMPARE(timmNormalisation("vit_small_patch16_224.dino").mean[0], 0.485);
        QCOMPARE(timmNormalisation("deit_base_patch16_224").std[0], 0.229);
        QVERIFY(std::abs(timmNormalisation("vit_base_patch16_clip_224.openai").mean[0] -
                         0.48145466) < 1e-9);
    }
};

QTEST_APPLESS_MAIN(TestVitArch)
#include "tst_vit_arch.moc"
