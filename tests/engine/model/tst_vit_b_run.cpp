// SPDX-License-Identifier: GPL-3.0-or-later
// The big-model path on every CI run: a ViT-B/16-shaped timm checkpoint (random weights, timm
// names, safetensors) at 224 px, fed 32x32 CIFAR-format images resized on the device, trained with
// LoRA for a few steps on the CPU; the run finishes and is stored.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "clwb/backbones.h"
#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "model/checkpoint_reader.h"

using namespace clwb;

namespace {

/// timm's vit_base_patch16_224 tensors (head left out, as a feature extractor ships it).
std::vector<std::pair<std::string, torch::Tensor>> vitBaseTensors()
{
    const int64_t d = 768, hidden = 3072;
    torch::manual_seed(3);
    auto w = [](std::vector<int64_t> shape) { return torch::randn(shape) * 0.02; };
    std::vector<std::pair<std::string, torch::Tensor>> t = {
        {"patch_embed.proj.weight", w({d, 3, 16, 16})},
        {"patch_embed.proj.bias", torch::zeros({d})},
        {"cls_token", w({1, 1, d})},
        {"pos_embed", w({1, 197, d})},
        {"norm.weight", torch::ones({d})},
        {"norm.bias", torch::zeros({d})},
    };
    for (int b = 0; b < 12; ++b) {
        const std::string p = "blocks." + std::to_string(b) + ".";
        for (const char* n : {"norm1", "norm2"}) {
            t.push_back({p + n + ".weight", torch::ones({d})});
            t.push_back({p + n + ".bias", torch::zeros({d})});
        }
        t.push_back({p + "attn.qkv.weight", w({3 * d, d})});
        t.push_back({p + "attn.qkv.bias", torch::zeros({3 * d})});
        t.push_back({p + "attn.proj.weight", w({d, d})});
        t.push_back({p + "attn.proj.bias", torch::zeros({d})});
        t.push_back({p + "mlp.fc1.weight", w({hidden, d})});
        t.push_back({p + "mlp.fc1.bias", torch::zeros({hidden})});
        t.push_back({p + "mlp.fc2.weight", w({d, hidden})});
        t.push_back({p + "mlp.fc2.bias", torch::zeros({d})});
    }
    return t;
}

void writeCifar10(const QString& dir, int perClass, const QString& file)
{
    QFile f(dir + "/" + file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < perClass; ++i)
        for (int c = 0; c < 4; ++c) {
            QByteArray rec(1 + 3072, char(0));
            rec[0] = char(c);
            for (int p = 0; p < 1024; ++p) rec[1 + c % 3 * 1024 + p] = char(100 + 40 * c + i);
            f.write(rec);
        }
}

}  // namespace

class TestVitBRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vitBase224LoraRunIsStored()
    {
        QTemporaryDir dir;
        const QString ckpt = dir.filePath("model.safetensors");
        clwb::detail::writeSafetensors(ckpt.toStdString(), vitBaseTensors(), {{"format", "pt"}});

        const auto info = inspectBackbone(ckpt.toStdString(), "vit_base_patch16_224");
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.model.dim, 768);
        QCOMPARE(info.model.depth, 12);
        QCOMPARE(info.model.heads, 12);
        QCOMPARE(info.model.imageSize, 224);

        for (int b = 1; b <= 5; ++b) writeCifar10(dir.path(), 1, QString("data_batch_%1.bin").arg(b));
        writeCifar10(dir.path(), 2, "test_batch.bin");

        RunConfig c;
        c.name = "ViT-B/16 at 224";
        c.strategy = "seq-lora";
        c.data.dataset = "cifar10";
        c.data.path = dir.path().toStdString();
        c.data.tasks = {{{0, 1}}, {{2, 3}}};
        c.data.curvePerTask = 2;
        c.model.backbone = ckpt.toStdString();
        c.model.arch = "vit_base_patch16_224";
        c.model.imageSize = 224;
        c.train.epochs = 1;
        c.train.batchSize = 6;
        c.train.evalEvery = 0;
        c.threads = 2;
        const auto errors = validateRunConfig(c);
        for (const auto& e : errors) qWarning("%s: %s", e.path.c_str(), e.message.c_str());
        QVERIFY(errors.empty());

        RunStore store(dir.filePath("runs.sqlite").toStdString());
        const auto r = runExperiment(c, &store, [](const RunEvent&) { return true; });
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        QCOMPARE(int(r.accuracyMatrix.size()), 2);
        // LoRA on a ViT-B: far fewer trainable numbers than the 86 M of the backbone.
        QVERIFY(r.trainableParams > 0 && r.trainableParams < 5'000'000);
        const auto stored = store.run(r.runId);
        QVERIFY(stored.has_value());
        QCOMPARE(int(store.matrix(r.runId).size()), 6);  // the row before training too
    }
};

QTEST_GUILESS_MAIN(TestVitBRun)
#include "tst_vit_b_run.moc"
