// SPDX-License-Identifier: GPL-3.0-or-later
// White-box tests of the orthogonal-LoRA maths (O-LoRA, LoRAC-IPC) on hand-made tensors, plus
// end-to-end facts of the two strategies (includes torch, hence QT_NO_KEYWORDS).
#include <QtTest>

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "clwb/engine.h"
#include "model/lora_linear.h"
#include "strategies/lora_maths.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

torch::Tensor mat(std::vector<float> v, int64_t rows, int64_t cols)
{
    return torch::tensor(v).reshape({rows, cols}).clone();
}

}  // namespace

class TestLoraMethods : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oLoraPenaltyIsZeroForOrthogonalSubspaces()
    {
        auto old1 = mat({1, 0, 0, 0}, 1, 4), old2 = mat({0, 1, 0, 0}, 1, 4);
        auto fresh = mat({0, 0, 1, 0, 0, 0, 0, 2}, 2, 4);
        QCOMPARE(oLoraOrthogonality({old1, old2}, fresh).item<double>(), 0.0);
        QCOMPARE(oLoraOrthogonality({}, fresh).item<double>(), 0.0);  // task 1: nothing to avoid
    }

    void oLoraPenaltyIsTheSumOfAbsoluteEntries()
    {
        // A_old A_new^T = [[1-2, 0+1], [0, 3]] -> |-1| + |1| + |0| + |3| = 5 (not a squared norm).
        auto oldA = mat({1, 1, 0, 0, 0, 0, 1, 0}, 2, 4);
        auto newA = mat({1, -2, 0, 0, 0, 1, 3, 0}, 2, 4).set_requires_grad(true);
        auto p = oLoraOrthogonality({oldA.slice(0, 0, 1), oldA.slice(0, 1, 2)}, newA);
        QCOMPARE(p.item<double>(), 5.0);
        p.backward();
        // d/dA_new_j = sum_i sign((A_old A_new^T)_ij) A_old_i; sign(0) = 0.
        auto expected = mat({-1, -1, 0, 0, 1, 1, 1, 0}, 2, 4);
        QVERIFY(torch::allclose(newA.grad(), expected));
        // lambda2 term: unsquared L2 norm per tensor, summed.
        QCOMPARE(sumOfNorms({mat({3, 4}, 1, 2), mat({1}, 1, 1)}).item<double>(), 6.0);
    }

    void loracOrthonormalityLoss()
    {
        // Orthonormal rows across tasks: zero.
        auto e = torch::eye(4);
        QVERIFY(loracOrthonormality({e.slice(0, 0, 2)}, e.slice(0, 2, 4)).item<double>() < 1e-7);
        // Task 1 alone still pays for non-unit rows: ||[[4]] - 1||_F = 3.
        QCOMPARE(loracOrthonormality({}, mat({2, 0, 0}, 1, 3)).item<double>(), 3.0);
        // Q = [[1,0,0],[2,0,0]]: QQ^T - I = [[0,2],[2,3]], Frobenius (not squared) = sqrt(17).
        auto oldA = mat({1, 0, 0}, 1, 3).set_requires_grad(true);
        auto newA = mat({2, 0, 0}, 1, 3).set_requires_grad(true);
        auto l = loracOrthonormality({oldA}, newA);
        QVERIFY(std::abs(l.item<double>() - std::sqrt(17.0)) < 1e-6);
        l.backward();
        QVERIFY(!oldA.grad().defined());  // old A's are detached
        QVERIFY(newA.grad().defined() && newA.grad().abs().sum().item<double>() > 0);
    }

    void ipcSensitivityAndEma()
    {
        auto w = mat({1, -2, 3, 0}, 2, 2), g = mat({0.5, 0.5, -1, 2}, 2, 2);
        QCOMPARE(ipcSensitivity(w, g).item<double>(), (0.5 + 1.0 + 3.0 + 0.0) / 4.0);

        IpcEma ema;
        ema.update(1.0, 0.5, 0.5);
        QCOMPARE(ema.sensitivity, 0.5);
        QCOMPARE(ema.uncertainty, 0.25);  // |I - updated I-bar| = 0.5, times (1 - b2)
        ema.update(3.0, 0.5, 0.5);
        QCOMPARE(ema.sensitivity, 1.75);
        QCOMPARE(ema.uncertainty, 0.75);
        QCOMPARE(ema.score(), 1.75 * 0.75);
        // Official betas, first step from zero: I-bar = 0.15 I, U-bar = 0.15 * 0.85 I.
        IpcEma e2;
        e2.update(2.0, 0.85, 0.85);
        QVERIFY(std::abs(e2.sensitivity - 0.3) < 1e-12);
        QVERIFY(std::abs(e2.uncertainty - 0.15 * 1.7) < 1e-12);
        e2.reset();
        QCOMPARE(e2.score(), 0.0);
    }

    void ipcFreezesTheTopScoresByThreshold()
    {
        const std::vector<double> s = {0.1, 0.5, 0.3, 0.5, 0.2, 0.05, 0.01, 0.02, 0.03, 0.04};
        const std::vector<bool> none(s.size(), false);
        auto count = [](const std::vector<bool>& m) {
            return int(std::count(m.begin(), m.end(), true));
        };
        // k = floor(0.1 * 10) = 1, but the tie at the k-th score freezes both 0.5s (official >=).
        auto m = ipcFreeze(s, none, 0.1);
        QCOMPARE(count(m), 2);
        QVERIFY(m[1] && m[3]);
        // Already frozen matrices score 0 and stay frozen; k = 2 -> 0.5 (index 3) and 0.3.
        std::vector<bool> f = none;
        f[1] = true;
        m = ipcFreeze(s, f, 0.2);
        QCOMPARE(count(m), 3);
        QVERIFY(m[1] && m[2] && m[3]);
        // k = floor(0.05 * 10) = 0: nothing.
        QCOMPARE(count(ipcFreeze(s, none, 0.05)), 0);
        // Tiny ViT: N = 24, thresholds 0.05 / 0.1 freeze 1 / 2 matrices.
        std::vector<double> s24(24);
        for (size_t i = 0; i < s24.size(); ++i) s24[i] = double(i + 1);
        QCOMPARE(count(ipcFreeze(s24, std::vector<bool>(24, false), 0.05)), 1);
        m = ipcFreeze(s24, std::vector<bool>(24, false), 0.1);
        QCOMPARE(count(m), 2);
        QVERIFY(m[23] && m[22]);
        // Zero scores never freeze (deviation from `>=` against a zero k-th score).
        QCOMPARE(count(ipcFreeze(std::vector<double>(10, 0.0), none, 0.5)), 0);
    }

    void gatingStopsUpdatesOfTheGatedAdapter()
    {
        torch::manual_seed(3);
        LoraLinear lin(4, 3);
        lin->weight.set_requires_grad(false);
        lin->bias.set_requires_grad(false);
        auto& keep = lin->addAdapter("old", 2, 2.0);
        auto& gated = lin->addAdapter("new", 2, 2.0);
        {
            torch::NoGradGuard g;
            keep.b.normal_();
            gated.b.normal_();
        }
        // The optimiser holds both adapters (as if the trainer had been given them), with weight
        // decay, so a zero-but-defined gradient would still move the gated tensors.
        std::vector<torch::Tensor> params = {keep.a, keep.b, gated.a, gated.b};
        torch::optim::AdamW opt(params, torch::optim::AdamWOptions(0.1).weight_decay(0.1));
        const auto a0 = gated.a.detach().clone(), b0 = gated.b.detach().clone();
        const auto keepB0 = keep.b.detach().clone();
        auto x = torch::randn({5, 4});
        const auto without = torch::nn::functional::linear(x, lin->weight, lin->bias) +
                             keep.scale * torch::matmul(torch::matmul(x, keep.a.t()), keep.b.t());

        gateAdapter(lin->adapter("new"));
        auto y = lin->forward(x);
        QVERIFY(torch::allclose(y, without, 1e-5, 1e-6));  // M = 0: no contribution
        opt.zero_grad();
        y.pow(2).sum().backward();
        dropGradients(lin->adapter("new"));
        opt.step();

        QVERIFY(torch::equal(lin->adapter("new").a, a0));
        QVERIFY(torch::equal(lin->adapter("new").b, b0));
        QVERIFY(!torch::equal(lin->adapter("old").b, keepB0));  // the ungated one did move
    }

    void loracRunFreezesAndStoresWhatItSays()
    {
        auto cfg = test::tinyConfig("lorac-ipc", 3);
        cfg.train.epochs = 1;
        cfg.params["threshold"] = 0.25;  // 12 matrices (2 blocks x 6): k = 3 per task
        cfg.params["rank"] = 4;
        std::vector<ImportanceSnapshot> snaps;
        std::vector<std::string> logs;
        auto r = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Importance) snaps.push_back(e.importance);
            if (e.kind == RunEvent::Kind::Log) logs.push_back(e.message);
            return true;
        });
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        QCOMPARE(int(snaps.size()), 3);
        int previous = 0;
        for (const auto& s : snaps) {
            QCOMPARE(QString::fromStdString(s.kind), QString("ipc-score"));
            int frozen = 0;
            for (const auto& c : s.cells) {
                QCOMPARE(c.cols, 2);
                QCOMPARE(c.rows, c.module == "qkv" ? 3 : 1);
                for (int i = 0; i < c.rows; ++i) frozen += c.map[size_t(2 * i + 1)] > 0 ? 1 : 0;
                QVERIFY(std::isfinite(c.score) && c.score >= 0);
            }
            QVERIFY2(frozen >= previous + 3, qPrintable(QString::number(frozen)));
            previous = frozen;
        }
        // Trainable on task 1 (nothing frozen yet): head + per matrix A [4, d_in] + B [rows, 4].
        // Per block: q, k, v 3 x 4 (32 + 32), proj 4 (32 + 32), fc1 4 (32 + 128), fc2 4 (128 + 32).
        const std::int64_t perBlock = 4 * 4 * 64 + 4 * 160 + 4 * 160;
        const std::int64_t head = 32 * 10 + 10;  // the synthetic set has 10 classes
        QVERIFY(r.trainableParams >= head + 2 * perBlock);
        // Stored: LoRAs of the matrices unfrozen at each task + omega snapshots + the mask.
        QVERIFY(r.storedParams > 2 * perBlock);
        bool logged = false;
        for (const auto& l : logs) logged = logged || l.rfind("IPC after task", 0) == 0;
        QVERIFY(logged);
    }

    void loracWithoutIpcFreezesNothing()
    {
        auto cfg = test::tinyConfig("lorac-ipc");
        cfg.train.epochs = 1;
        cfg.params["ipc"] = 0;
        cfg.params["threshold"] = 0.5;
        cfg.params["rank"] = 4;
        std::vector<ImportanceSnapshot> snaps;
        auto r = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Importance) snaps.push_back(e.importance);
            return true;
        });
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        const std::int64_t perBlock = 4 * 4 * 64 + 4 * 160 + 4 * 160;
        QCOMPARE(r.trainableParams, std::int64_t(330) + 2 * perBlock + 12);  // head + 12 omegas
        // 2 tasks of LoRAs, snapshots of 12 and 24 omegas, 12 mask bits.
        QCOMPARE(r.storedParams, 2 * 2 * perBlock + 12 + 24 + 12);
        for (const auto& s : snaps)
            for (const auto& c : s.cells)
                for (int i = 0; i < c.rows; ++i) QCOMPARE(c.map[size_t(2 * i + 1)], 0.0f);
    }

    void oLoraCountsAndFreezesOldAdapters()
    {
        auto cfg = test::tinyConfig("o-lora");
        cfg.train.epochs = 1;
        cfg.params["rank"] = 4;
        std::vector<ImportanceSnapshot> snaps;
        auto r = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Importance) snaps.push_back(e.importance);
            return true;
        });
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        // Default targets: q and v of qkv (official), A [4, 32] + B [32, 4] each, 2 blocks, + head.
        const std::int64_t perTask = 2 * 2 * (4 * 32 + 32 * 4);
        QCOMPARE(r.trainableParams, std::int64_t(330) + perTask);
        QCOMPARE(r.storedParams, 2 * perTask);
        QCOMPARE(QString::fromStdString(snaps.back().kind), QString("o-lora-task-update"));
        double qkv = 0, other = 0;
        for (const auto& c : snaps.back().cells) (c.module == "qkv" ? qkv : other) += c.score;
        QVERIFY(qkv > 0);
        QCOMPARE(other, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestLoraMethods)
#include "tst_lora_methods.moc"
