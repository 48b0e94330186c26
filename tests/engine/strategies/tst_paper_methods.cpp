// SPDX-License-Identifier: GPL-3.0-or-later
// White-box tests of the maths of SEFE RegLoRA, HiDe, Recurrent-KIF and MIST on hand-made tensors
// (key elements, the RegLoRA normalisation, expert mixing, CKA, importance EMAs, quantile masks,
// the fusion table, gradient dropping, the MI loss), plus end-to-end facts of each strategy.
// Includes torch, hence QT_NO_KEYWORDS.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "clwb/engine.h"
#include "strategies/lora_maths.h"
#include "strategies/sparse_maths.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

torch::Tensor mat(std::vector<float> v, int64_t rows, int64_t cols)
{
    return torch::tensor(v).reshape({rows, cols}).clone();
}

struct Captured
{
    RunResult result;
    std::vector<ImportanceSnapshot> snaps;
    std::vector<std::string> logs;
    std::int64_t lastStep = 0, lastTotal = 0;
    std::vector<double> losses;
};

Captured run(const RunConfig& cfg)
{
    Captured c;
    c.result = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
        if (e.kind == RunEvent::Kind::Importance) c.snaps.push_back(e.importance);
        if (e.kind == RunEvent::Kind::Log) c.logs.push_back(e.message);
        if (e.kind == RunEvent::Kind::Step) {
            c.lastStep = e.step;
            c.lastTotal = e.total;
            c.losses.push_back(e.loss);
        }
        return true;
    });
    return c;
}

bool logged(const Captured& c, const std::string& prefix)
{
    return std::any_of(c.logs.begin(), c.logs.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

}  // namespace

class TestPaperMethods : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- SEFE RegLoRA ----
    void keyElementsAreTheTopFractionOfAbsoluteEntries()
    {
        auto d = mat({0.1f, -5, 2, 0, -3, 1}, 2, 3);
        auto k = keyElements(d, 2.0 / 6.0);
        QCOMPARE(k.numel(), std::int64_t(2));
        auto sorted = std::get<0>(k.sort());
        QCOMPARE(sorted[0].item<std::int64_t>(), std::int64_t(1));  // |-5|
        QCOMPARE(sorted[1].item<std::int64_t>(), std::int64_t(4));  // |-3|
        QCOMPARE(keyElements(d, 0.001).numel(), std::int64_t(1));    // at least one
    }

    void regLoraPenaltyAveragesPositionsThenModules()
    {
        auto d1 = mat({1, -2, 3, 4}, 2, 2).set_requires_grad(true);
        auto d2 = mat({10, 0, 0, 0}, 2, 2);
        auto d3 = mat({7, 7, 7, 7}, 2, 2);
        // Module 1: keys {1, 1, 3} (a duplicate weighs twice): (2 + 2 + 4) / 3. Module 2: {0}: 10.
        // Module 3: no keys yet, contributes 0 but counts in |M| = 3.
        auto keys1 = torch::tensor({1, 1, 3}, torch::kLong), keys2 = torch::tensor({0}, torch::kLong);
        auto p = regLoraPenalty({d1, d2, d3}, {keys1, keys2, torch::Tensor()});
        QVERIFY(std::abs(p.item<double>() - (8.0 / 3.0 + 10.0) / 3.0) < 1e-6);
        p.backward();
        // Only key positions get gradient: d/dd1[1] = 2 * sign(-2) / 3 / 3.
        auto g = d1.grad().flatten();
        QVERIFY(std::abs(g[1].item<double>() + 2.0 / 9.0) < 1e-6);
        QCOMPARE(g[0].item<double>(), 0.0);
        QCOMPARE(g[2].item<double>(), 0.0);
        QVERIFY(std::abs(g[3].item<double>() - 1.0 / 9.0) < 1e-6);
    }

    void sefeStoresKeysAndRegularisesFromTheSecondTask()
    {
        auto cfg = test::tinyConfig("sefe");
        cfg.train.epochs = 1;
        cfg.params["rank"] = 4;
        auto c = run(cfg);
        QVERIFY2(c.result.status == clwb::RunStatus::Finished, c.result.message.c_str());
        // Keys: 2 % of each module q, k, v [32x32] (separate units of qkv, as the official separate
        // projections), proj [32x32], fc1 [128x32], fc2 [32x128] per block and task,
        // floor(numel * 0.02) each: 3 x 20 + 20 + 81 + 81 = 242 per block, 2 blocks, 2 tasks.
        QCOMPARE(c.result.storedParams, std::int64_t(2 * 2 * 242));
        QCOMPARE(QString::fromStdString(c.snaps.back().kind), QString("reglora-key-density"));
        for (const auto& cell : c.snaps.back().cells) {
            QVERIFY(cell.score > 0.0 && cell.score <= 0.041);  // <= 2 tasks x 2 %, overlaps merge
            QVERIFY(cell.rows > 0);
        }
        // Trainable: head (330) + per block A/B of rank 4: q, k, v 3 x (4*32+32*4), proj
        // 4*32+32*4, fc1 4*32+128*4, fc2 4*128+32*4.
        QCOMPARE(c.result.trainableParams, std::int64_t(330 + 2 * (768 + 256 + 640 + 640)));
    }

    // ---- HiDe ----
    void expertWeightsAreASoftmaxOfCosinesPerSample()
    {
        auto anchors = mat({1, 0, 0, 1}, 2, 2);
        auto feats = mat({2, 0, 0, 3, 1, 1}, 3, 2);
        auto d = expertWeights(feats, anchors, 0.1);
        QCOMPARE(d.size(0), std::int64_t(3));
        QVERIFY(torch::allclose(d.sum(1), torch::ones({3})));
        const double e = std::exp(10.0);
        QVERIFY(std::abs(d[0][0].item<double>() - e / (e + 1.0)) < 1e-5);  // cos 1 vs cos 0
        QVERIFY(std::abs(d[1][1].item<double>() - e / (e + 1.0)) < 1e-5);
        QVERIFY(std::abs(d[2][0].item<double>() - 0.5) < 1e-6);  // equidistant: equal weights
    }

    void linearCkaIsInvariantToRotationAndScale()
    {
        torch::manual_seed(0);
        auto x = torch::randn({200, 8});
        auto q = std::get<0>(torch::linalg_qr(torch::randn({8, 8})));
        QVERIFY(std::abs(linearCka(x, x) - 1.0) < 1e-9);
        QVERIFY(std::abs(linearCka(x, 3.0 * torch::matmul(x, q) + 5.0) - 1.0) < 1e-6);
        QVERIFY(linearCka(x, torch::randn({200, 8})) < 0.2);
    }

    void hideCodeAndPaperFusionDifferByTheCrossTerms()
    {
        // (B1 + B2)(A1 + A2) = B1 A1 + B2 A2 + B1 A2 + B2 A1: the code fusion keeps cross terms,
        // so the two variants must give different runs unless the experts are orthogonal.
        auto cfg = test::tinyConfig("hide", 3);
        cfg.train.epochs = 1;
        cfg.params["rank"] = 4;
        cfg.params["expand_blocks"] = 1;
        auto code = run(cfg);
        cfg.params["fusion"] = 1;
        auto paper = run(cfg);
        QVERIFY2(code.result.status == clwb::RunStatus::Finished, code.result.message.c_str());
        QVERIFY2(paper.result.status == clwb::RunStatus::Finished, paper.result.message.c_str());
        QVERIFY(code.result.accuracyMatrix != paper.result.accuracyMatrix ||
                code.result.storedParams != paper.result.storedParams);
        // Stored after 3 tasks: anchors 3 x 32; top block all 3 experts; lower block one fused
        // (sum A, sum B) pair (code) or all 3 experts (paper). An expert per block: q, k, v as
        // separate rank-4 LoRAs (A [4, 32], B [32, 4] each), proj, fc1 [128, 32], fc2 [32, 128].
        const std::int64_t expert = 3 * (128 + 128) + 256 + 640 + 640;
        QCOMPARE(code.result.storedParams, std::int64_t(3 * 32 + 3 * expert + expert));
        QCOMPARE(paper.result.storedParams, std::int64_t(3 * 32 + 6 * expert));
        QVERIFY(logged(code, "HiDe CKA across experts per block:"));
        QVERIFY(logged(code, "HiDe expert 2 update ||sBA||/||W0||: mean"));
        QVERIFY(std::any_of(code.logs.begin(), code.logs.end(), [](const std::string& l) {
            return l.find("; lower-block fused update: mean") != std::string::npos;
        }));
        const auto& snap = code.snaps.back();
        QCOMPARE(QString::fromStdString(snap.kind), QString("hide-expert-cka"));
        int cka = 0, routing = 0;
        for (const auto& c : snap.cells) {
            if (c.module == "cka") {
                ++cka;
                QVERIFY(c.score >= -1e-9 && c.score <= 1.0);
            }
            if (c.module == "routing") {
                ++routing;
                QCOMPARE(c.rows, 3);
            }
        }
        QCOMPARE(cka, 2);
        QCOMPARE(routing, 1);
    }

    // ---- Recurrent-KIF ----
    void elementEmaFollowsSensitivityAndUncertainty()
    {
        ElementEma e;
        e.update(torch::tensor({1.0f, 0.0f}), 0.5, 0.5);
        // I-bar = 0.5 I; U-bar = 0.5 |I - I-bar| = [0.25, 0]
        QVERIFY(torch::allclose(e.sensitivity, torch::tensor({0.5f, 0.0f})));
        QVERIFY(torch::allclose(e.uncertainty, torch::tensor({0.25f, 0.0f})));
        e.update(torch::tensor({1.0f, 2.0f}), 0.5, 0.5);
        QVERIFY(torch::allclose(e.sensitivity, torch::tensor({0.75f, 1.0f})));
        QVERIFY(torch::allclose(e.uncertainty, torch::tensor({0.25f, 0.5f})));
        QVERIFY(torch::allclose(e.score(), torch::tensor({0.1875f, 0.5f})));
    }

    void globalQuantileMasksUseOneThresholdForAllTensors()
    {
        auto a = torch::arange(1, 7).to(torch::kFloat32);   // 1..6
        auto b = torch::arange(7, 11).to(torch::kFloat32);  // 7..10
        auto m = globalQuantileMasks({a, b}, 0.8);  // quantile(1..10, 0.8) = 8.2: top 20 % = {9, 10}
        QCOMPARE(m[0].sum().item<std::int64_t>(), std::int64_t(0));
        QVERIFY(torch::equal(m[1], torch::tensor({false, false, true, true})));
    }

    void kifFusionTableIsTheOfficialOne()
    {
        auto mIn = torch::tensor({true, false, true, false});
        auto mOut = torch::tensor({false, true, true, false});
        auto [wIn, wOut] = kifFusionWeights(mIn, mOut);
        QVERIFY(torch::allclose(wIn, torch::tensor({1.0f, 0.0f, 0.4f, 0.5f})));
        QVERIFY(torch::allclose(wOut, torch::tensor({0.0f, 1.0f, 0.6f, 0.5f})));
    }

    void kifFusesInRoundsAndReplayLoraDoesNot()
    {
        auto cfg = test::tinyConfig("recurrent-kif");
        cfg.params["inner_steps"] = 1;  // a round per step, so the tiny run fuses
        cfg.params["outer_steps"] = 2;
        cfg.params["memory_percent"] = 10;
        auto kif = run(cfg);
        QVERIFY2(kif.result.status == clwb::RunStatus::Finished, kif.result.message.c_str());
        // Task 2: 2 epochs x 2 batches = 4 rounds of 2 outer steps, reported as steps.
        QCOMPARE(kif.lastStep, std::int64_t(2 * 4 + 4 * 2));
        QCOMPARE(kif.lastTotal, kif.lastStep);
        QVERIFY(logged(kif, "Recurrent-KIF memory: 16 images; 4 fusion rounds"));
        const auto& snap = kif.snaps.back();
        QCOMPARE(QString::fromStdString(snap.kind), QString("kif-mask-density"));
        double key = 0;
        for (const auto& c : snap.cells) key += c.score;
        QVERIFY(key > 0);
        // Memory: 10 % of 32 per class = 4 per class, 2 tasks x 2 classes x 4 images of 1x16x16.
        // LoRA: q and v units of qkv, 2 blocks x 2 x (A [8, 32] + B [32, 8]).
        const std::int64_t lora = 2 * 2 * (8 * 32 + 32 * 8);
        QCOMPARE(kif.result.storedParams, std::int64_t(16 * (256 + 1)) + lora);

        cfg.params["mode"] = 1;
        auto replay = run(cfg);
        QVERIFY2(replay.result.status == clwb::RunStatus::Finished, replay.result.message.c_str());
        QCOMPARE(QString::fromStdString(replay.snaps.back().kind), QString("weight-change"));
        // Same seed, same batches: identical until the first fusion, different after it.
        QCOMPARE(replay.losses.size(), kif.losses.size());
        QCOMPARE(replay.losses[5], kif.losses[5]);  // task 2, round 1: inner + 2 outer steps
        QVERIFY(replay.losses.back() != kif.losses.back());

        // The head out of the masks: the same until the first fusion, which then fuses the LoRA
        // alone (its quantile over fewer elements, the head kept as trained), so it differs.
        cfg.params["mode"] = 0;
        cfg.params["head_in_masks"] = 0;
        auto noHead = run(cfg);
        QVERIFY2(noHead.result.status == clwb::RunStatus::Finished, noHead.result.message.c_str());
        QCOMPARE(noHead.losses.size(), kif.losses.size());
        QCOMPARE(noHead.losses[5], kif.losses[5]);
        QVERIFY(noHead.losses.back() != kif.losses.back());
        QVERIFY(noHead.losses.back() != replay.losses.back());
        QCOMPARE(QString::fromStdString(noHead.snaps.back().kind), QString("kif-mask-density"));
    }

    // ---- MIST ----
    void perTensorTopMaskSelectsTheTopRate()
    {
        auto s = torch::arange(0, 100).to(torch::kFloat32).reshape({10, 10});
        auto m = perTensorTopMask(s, 0.05);
        QCOMPARE(m.sum().item<std::int64_t>(), std::int64_t(5));
        QVERIFY(m.flatten().slice(0, 95).all().item<bool>());
    }

    void gradientDroppingKeepsOneMinusTheDropRate()
    {
        auto gen = at::detail::createCPUGenerator(3);
        auto g = torch::ones({200, 200});
        auto mask = torch::ones({200, 200}, torch::kBool);
        auto kept = filterGradient(g, mask, {}, {}, 0.9, 0.9, gen);
        QVERIFY(std::abs(kept.mean().item<double>() - 0.1) < 0.005);
        // A fresh draw per call.
        QVERIFY(!torch::equal(kept, filterGradient(g, mask, {}, {}, 0.9, 0.9, gen)));
        // Mask, overlap penalty 0.9^count and frozen elements.
        auto m = torch::tensor({true, false, true, true});
        auto overlap = torch::tensor({0, 0, 2, 1}, torch::kInt32);
        auto frozen = torch::tensor({false, false, false, true});
        auto out = filterGradient(torch::ones({4}), m, overlap, frozen, 0.0, 0.9, gen);
        QVERIFY(torch::allclose(out, torch::tensor({1.0f, 0.0f, 0.81f, 0.0f})));
    }

    void supervisedNtXentMatchesAHandComputedCase()
    {
        // Two images with different labels, identical views: z = [e1, e2, e1, e2].
        auto z = mat({1, 0, 0, 1, 1, 0, 0, 1}, 4, 2);
        auto y = torch::tensor({0, 1, 0, 1}, torch::kLong);
        // Each row: twin at cos 1, two others at 0 -> p(twin) = e / (e + 2) at t = 1. As the
        // official Supervised_NT_xent_n, the label normaliser counts the row itself (2 here) and
        // the zeroed diagonal adds -log(eps): L = (-log p) + 2 (0.5 (-log p) + 0.5 (-log eps)).
        const double e = std::exp(1.0), self = -std::log(1e-8);
        QVERIFY(std::abs(supervisedNtXent(z, y, 1.0).item<double>() -
                         (2.0 * std::log((e + 2.0) / e) + self)) < 1e-4);
        // Same labels everywhere: the SupCon term averages over all four (the row included).
        auto same = torch::zeros({4}, torch::kLong);
        const double lp = std::log(e + 2.0);  // -log p(j) = log(e + 2) - cos_ij
        const double expected = (lp - 1.0) + 2.0 * ((lp - 1.0) + 2.0 * lp + self) / 4.0;
        QVERIFY(std::abs(supervisedNtXent(z, same, 1.0).item<double>() - expected) < 1e-4);
    }

    void mistPreAdaptsSparselyAndReportsItsSteps()
    {
        auto cfg = test::tinyConfig("mist");
        cfg.params["mi_epochs"] = 3;
        cfg.params["mi_batch"] = 16;
        cfg.params["mi_lr"] = 0.05;
        auto c = run(cfg);
        QVERIFY2(c.result.status == clwb::RunStatus::Finished, c.result.message.c_str());
        // SimpleCIL trains nothing: every step is MIST's (3 epochs x 4 batches per task).
        QCOMPARE(c.lastStep, std::int64_t(2 * 3 * 4));
        QCOMPARE(c.lastTotal, c.lastStep);
        QVERIFY(logged(c, "MIST pre-adaptation: 3 epochs, 10 % of the backbone weights selected"));
        const auto& snap = c.snaps.back();
        QCOMPARE(QString::fromStdString(snap.kind), QString("mist-selection-density"));
        for (const auto& cell : snap.cells)  // two tasks of 10 % each, overlaps merge
            QVERIFY2(cell.score >= 0.099 && cell.score <= 0.2 + 1e-6, qPrintable(QString::number(cell.score)));
        // The control with random masks selects the same budget.
        cfg.params["selection"] = 1;
        auto random = run(cfg);
        QVERIFY2(random.result.status == clwb::RunStatus::Finished, random.result.message.c_str());
        QVERIFY(random.result.accuracyMatrix != c.result.accuracyMatrix);
    }

    /// After each pre-adaptation the backbone is frozen again: the base's prototype step and the
    /// evaluations use the feature cache, which is dropped when the backbone changes.
    void mistBasesUseTheFeatureCachePerBackbone()
    {
        auto cfg = test::tinyConfig("mist");
        cfg.params["mi_epochs"] = 1;
        cfg.params["mi_batch"] = 16;
        auto c = run(cfg);
        QVERIFY2(c.result.status == clwb::RunStatus::Finished, c.result.message.c_str());
        // Before training: both test sets (2 x 32). Each task, on its new backbone: its training
        // images (64) for the prototypes, then both test sets again (64). Without dropping the
        // cache it would be 64 + 64 + 64; without the cache nothing is counted.
        QVERIFY(logged(c, "feature cache: 320 images"));
        cfg.params["base"] = 1;  // the linear probe trains its head on cached features
        auto probe = run(cfg);
        QVERIFY2(probe.result.status == clwb::RunStatus::Finished, probe.result.message.c_str());
        QVERIFY2(probe.result.accuracyMatrix[0][0] > 0.7,
                 qPrintable(QString::number(probe.result.accuracyMatrix[0][0])));
    }
};

QTEST_GUILESS_MAIN(TestPaperMethods)
#include "tst_paper_methods.moc"
