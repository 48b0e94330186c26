// SPDX-License-Identifier: GPL-3.0-or-later
// White-box tests of the ViT and its LoRA adapters (includes torch, hence QT_NO_KEYWORDS).
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include "checks.h"
#include "model/vit.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

using test::tinyModel;

class TestModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parameterNamesFollowTimm()
    {
        Vit vit(tinyModel(), 10);
        std::set<std::string> names;
        for (const auto& p : vit->named_parameters()) names.insert(p.key());
        for (const char* n : {"patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token",
                              "pos_embed", "blocks.0.norm1.weight", "blocks.0.attn.qkv.weight",
                              "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight",
                              "blocks.1.mlp.fc1.weight", "blocks.1.mlp.fc2.bias", "norm.weight",
                              "head.weight", "head.bias"})
            QVERIFY2(names.count(n), n);
        QCOMPARE(vit->pos_embed.size(1), int64_t(16 + 1));
    }

    void loraStartsAsIdentityAndMergesExactly()
    {
        torch::manual_seed(1);
        LoraLinear lin(8, 6);
        auto x = torch::randn({5, 8});
        auto before = lin->forward(x).detach();
        auto& ad = lin->addAdapter("t0", 2, 4.0);
        QVERIFY(torch::allclose(lin->forward(x), before));  // B = 0
        {
            torch::NoGradGuard g;
            ad.b.normal_();
        }
        auto withAdapter = lin->forward(x).detach();
        QVERIFY(!torch::allclose(withAdapter, before));
        // forward == x (W + (alpha/r) B A)^T + b
        auto manual = torch::nn::functional::linear(x, lin->effectiveWeight(), lin->bias);
        QVERIFY(torch::allclose(withAdapter, manual, 1e-5, 1e-6));
        lin->mergeAdapter("t0");
        QVERIFY(!lin->hasAdapter("t0"));
        QVERIFY(torch::allclose(lin->forward(x), withAdapter, 1e-5, 1e-6));
    }

    /// Adapters folded into the weight (evaluation, frozen adapters, a W that takes a gradient)
    /// give what the token path gives: outputs and the gradients of A, B, the gate and W.
    void adaptersInTheWeightMatchTheTokenPath()
    {
        torch::manual_seed(5);
        LoraLinear lin(8, 9);
        lin->setUnits(fusedQkvUnits(3));
        auto& frozen = lin->addAdapter("old", 2, 4.0);
        auto& unitAd = lin->addAdapter("v", 2, 2.0, "v");
        auto& trained = lin->addAdapter("new", 3, 3.0);
        {
            torch::NoGradGuard g;
            for (auto* ad : {&frozen, &unitAd, &trained}) ad->b.normal_();
        }
        frozen.a.set_requires_grad(false);
        frozen.b.set_requires_grad(false);
        unitAd.gate = torch::full({}, 0.7, torch::requires_grad());
        const auto x = torch::randn({4, 5, 8});
        // The token path by hand: y = x W^T + b + sum s g (x A^T) B^T on each adapter's rows.
        auto byHand = [&] {
            auto y = torch::linear(x, lin->weight, lin->bias);
            for (auto& [name, ad] : lin->adapters()) {
                auto up = torch::matmul(torch::matmul(x, ad.a.t()), ad.b.t()) * ad.scale;
                if (ad.gate.defined()) up = up * ad.gate;
                y = y + torch::constant_pad_nd(
                            up, {ad.rowBegin, lin->outFeatures() - ad.rowBegin - ad.b.size(0)});
            }
            return y;
        };
        {
            torch::NoGradGuard g;  // evaluation: everything in the weight
            QVERIFY(torch::allclose(lin->forward(x), byHand(), 1e-5, 1e-6));
        }
        auto grads = [&](bool viaLayer) {
            for (auto* t : {&trained.a, &trained.b, &unitAd.gate, &lin->weight})
                t->mutable_grad() = torch::Tensor();
            (viaLayer ? lin->forward(x) : byHand()).square().sum().backward();
            std::vector<torch::Tensor> out;
            for (auto* t : {&trained.a, &trained.b, &unitAd.gate})
                out.push_back(t->grad().clone());
            out.push_back(lin->weight.grad().defined() ? lin->weight.grad().clone()
                                                       : torch::Tensor());
            return out;
        };
        for (bool weightGrad : {false, true}) {  // trained adapters on the token path / in W
            lin->weight.set_requires_grad(weightGrad);
            const auto mine = grads(true), ref = grads(false);
            for (size_t i = 0; i < mine.size(); ++i) {
                QCOMPARE(mine[i].defined(), ref[i].defined());
                if (mine[i].defined())
                    QVERIFY2(torch::allclose(mine[i], ref[i], 1e-4, 1e-5),
                             qPrintable(QStringLiteral("gradient %1, W grad %2").arg(i).arg(weightGrad)));
            }
            QCOMPARE(mine[3].defined(), weightGrad);
        }
    }

    void disabledAndWeightedAdapters()
    {
        torch::manual_seed(2);
        LoraLinear lin(4, 4, false);
        auto x = torch::randn({3, 4});
        auto base = lin->forward(x).detach();
        auto& ad = lin->addAdapter("a", 2, 2.0);
        {
            torch::NoGradGuard g;
            ad.b.fill_(0.5);
        }
        auto full = lin->forward(x).detach();
        ad.weight = 0.5;
        auto half = lin->forward(x).detach();
        QVERIFY(torch::allclose(half - base, 0.5 * (full - base), 1e-5, 1e-6));
        ad.enabled = false;
        QVERIFY(torch::allclose(lin->forward(x), base));
        lin->removeAdapter("a");
        QVERIFY(lin->adapters().empty());
    }

    void backboneCheckpointRoundTrip()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath("b.pt").toStdString();
        torch::manual_seed(3);
        Vit a(tinyModel(), 10);
        a->saveBackbone(path);
        QVERIFY2(checkpointProblem(path).empty(), checkpointProblem(path).c_str());
        auto arch = checkpointModel(path);
        QVERIFY(arch.has_value());
        QCOMPARE(arch->dim, 32);
        QCOMPARE(arch->depth, 2);
        torch::manual_seed(4);
        Vit b(*arch, 10);
        b->loadBackbone(path);
        auto x = torch::randn({2, 1, 16, 16});
        a->eval();
        b->eval();
        QVERIFY(torch::allclose(a->features(x), b->features(x)));
        // A checkpoint for another architecture is refused by name and shape.
        auto other = tinyModel();
        other.dim = 48;
        Vit c(other, 10);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, c->loadBackbone(path));
    }
};

QTEST_APPLESS_MAIN(TestModel)
#include "tst_model.moc"
