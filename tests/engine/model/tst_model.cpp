// SPDX-License-Identifier: GPL-3.0-or-later
// White-box tests of the ViT and its LoRA adapters (includes torch, hence QT_NO_KEYWORDS).
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include "checks.h"
#include "model/small_bmm.h"
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

    /// smallBmm (a small ViT's attention products) equals torch::bmm, forward and backward, for
    /// row and column tails, K = 1 and non-contiguous inputs; large products fall back to bmm.
    void smallBmmMatchesBmm_data()
    {
        QTest::addColumn<int>("g");
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("n");
        QTest::newRow("attention scores 17x16x17") << 12 << 17 << 16 << 17;
        QTest::newRow("weighted sum 17x17x16") << 12 << 17 << 17 << 16;
        QTest::newRow("tails 5x3x9") << 3 << 5 << 3 << 9;
        QTest::newRow("k = 1") << 2 << 4 << 1 << 8;
        QTest::newRow("one item 1x7x1") << 1 << 1 << 7 << 1;
    }

    void smallBmmMatchesBmm()
    {
        QFETCH(int, g);
        QFETCH(int, m);
        QFETCH(int, k);
        QFETCH(int, n);
        torch::manual_seed(6);
        if (!smallBmmFits(m, k, n, torch::empty({0})))
            QSKIP("no AVX2/FMA here: smallBmm is torch::bmm");
        // b as a transposed view, as attention's k^T is.
        auto a = torch::randn({g, m, k}, torch::requires_grad());
        auto bt = torch::randn({g, n, k}, torch::requires_grad());
        const auto w = torch::randn({g, m, n});
        auto mine = smallBmm(a, bt.transpose(1, 2));
        auto ref = torch::bmm(a, bt.transpose(1, 2));
        QVERIFY(torch::allclose(mine, ref, 1e-5, 1e-5));
        const auto grads = [&](const torch::Tensor& out) {
            a.mutable_grad() = torch::Tensor();
            bt.mutable_grad() = torch::Tensor();
            (out * w).sum().backward();
            return std::make_pair(a.grad().clone(), bt.grad().clone());
        };
        const auto [ga, gb] = grads(mine);
        const auto [ra, rb] = grads(ref);
        QVERIFY(torch::allclose(ga, ra, 1e-4, 1e-5));
        QVERIFY(torch::allclose(gb, rb, 1e-4, 1e-5));
    }

    void smallBmmLeavesLargeProductsToBlas()
    {
        QVERIFY(!smallBmmFits(197, 64, 197, torch::empty({0})));  // ViT-S/16 at 224
        QVERIFY(!smallBmmFits(17, 16, 17, torch::empty({0}, torch::kDouble)));
        const auto a = torch::randn({2, 40, 30}), b = torch::randn({2, 30, 40});
        QVERIFY(torch::equal(smallBmm(a, b), torch::bmm(a, b)));  // the same call
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
