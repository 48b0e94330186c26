// SPDX-License-Identifier: GPL-3.0-or-later
// Data parallelism on the CPU (parallel/shard_pool, parallel/shard_gradients, the trainer's
// train.shards): shards run at once and fail cleanly, their gradients equal one backward over the
// whole batch, a sharded run repeats bit for bit and learns what an unsharded one learns.
#include <atomic>
#include <set>
#include <thread>

#include <QtTest>

#include <torch/torch.h>

#include "engine/test_configs.h"
#include "engine/test_runs.h"
#include "model/vit.h"
#include "parallel/shard_gradients.h"
#include "parallel/shard_pool.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

/// Gradients of every parameter after `loss` ran backward from zeroed grads, cloned.
std::vector<torch::Tensor> gradsOf(Vit& vit)
{
    std::vector<torch::Tensor> out;
    for (const auto& p : vit->parameters())
        out.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
    return out;
}

void clearGrads(Vit& vit)
{
    for (auto& p : vit->parameters()) p.mutable_grad() = torch::Tensor();
}

/// Cross-entropy of `vit` on rows [b, e), weighted by their share of n rows.
torch::Tensor shareLoss(Vit& vit, const torch::Tensor& x, const torch::Tensor& y, int64_t b,
                        int64_t e)
{
    const double share = double(e - b) / double(x.size(0));
    return torch::nn::functional::cross_entropy(vit->forward(x.slice(0, b, e)), y.slice(0, b, e)) *
           share;
}

/// One sharded backward of `vit` on (x, y) over `shards` shards, gradients left in .grad.
void shardedBackward(Vit& vit, ShardPool& pool, int shards, const torch::Tensor& x,
                     const torch::Tensor& y)
{
    std::vector<ShardGradients> grads(static_cast<size_t>(shards));
    pool.run(shards, [&](int k) {
        const auto [b, e] = shardRange(x.size(0), shards, k);
        grads[size_t(k)] = shardGradients(shareLoss(vit, x, y, b, e));
    });
    accumulateShardGradients(grads);
}

}  // namespace

class TestShardPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsEveryShardOnItsOwnThread()
    {
        ShardPool pool(3);
        QCOMPARE(pool.shards(), 3);
        for (int round = 0; round < 50; ++round) {  // reused: workers wake for every job
            std::vector<std::thread::id> ids(3);
            std::atomic<int> calls{0};
            pool.run(3, [&](int k) {
                ids[size_t(k)] = std::this_thread::get_id();
                ++calls;
            });
            QCOMPARE(calls.load(), 3);
            QCOMPARE(ids[0], std::this_thread::get_id());  // shard 0: the caller
            QCOMPARE(std::set<std::thread::id>(ids.begin(), ids.end()).size(), size_t(3));
        }
        std::atomic<int> calls{0};
        pool.run(2, [&](int) { ++calls; });  // fewer shards than workers
        QCOMPARE(calls.load(), 2);
        pool.run(9, [&](int k) { QVERIFY(k < 3); });  // more: clamped to the pool
    }

    void carriesTheCallersGradMode()
    {
        ShardPool pool(2);
        std::vector<int> enabled(2, -1);
        {
            torch::NoGradGuard noGrad;
            pool.run(2, [&](int k) { enabled[size_t(k)] = torch::GradMode::is_enabled(); });
        }
        QCOMPARE(enabled, std::vector<int>({0, 0}));
        pool.run(2, [&](int k) { enabled[size_t(k)] = torch::GradMode::is_enabled(); });
        QCOMPARE(enabled, std::vector<int>({1, 1}));
    }

    void rethrowsTheLowestFailingShardAndStaysUsable()
    {
        ShardPool pool(3);
        try {
            pool.run(3, [&](int k) {
                if (k > 0) throw std::runtime_error("shard " + std::to_string(k));
            });
            QFAIL("no exception");
        } catch (const std::runtime_error& e) {
            QCOMPARE(QString(e.what()), QStringLiteral("shard 1"));
        }
        std::atomic<int> calls{0};
        pool.run(3, [&](int) { ++calls; });
        QCOMPARE(calls.load(), 3);
    }

    void shardedGradientsEqualOneBackward_data()
    {
        QTest::addColumn<int>("shards");
        QTest::newRow("2") << 2;
        QTest::newRow("3") << 3;
        QTest::newRow("4 (uneven rows)") << 4;
    }

    void shardedGradientsEqualOneBackward()
    {
        QFETCH(int, shards);
        torch::manual_seed(3);
        Vit vit(test::tinyModel(), 4);
        const auto x = torch::randn({30, 1, 16, 16});
        const auto y = torch::randint(0, 4, {30}, torch::kLong);
        torch::nn::functional::cross_entropy(vit->forward(x), y).backward();
        const auto whole = gradsOf(vit);

        clearGrads(vit);
        ShardPool pool(shards);
        shardedBackward(vit, pool, shards, x, y);
        const auto sharded = gradsOf(vit);
        QCOMPARE(sharded.size(), whole.size());
        for (size_t i = 0; i < whole.size(); ++i) {
            QVERIFY(whole[i].defined() && sharded[i].defined());
            QVERIFY2(torch::allclose(sharded[i], whole[i], 1e-4, 1e-6),
                     vit->named_parameters()[i].key().c_str());
        }

        clearGrads(vit);  // the same shards again: the same bits
        shardedBackward(vit, pool, shards, x, y);
        const auto again = gradsOf(vit);
        for (size_t i = 0; i < whole.size(); ++i) QVERIFY(torch::equal(again[i], sharded[i]));
    }

    void accumulatesLikeBackward()
    {
        // Existing gradients are added to; frozen leaves that still require a gradient (LoRAC-IPC
        // reads W0's) get one; leaves outside the graph and leaves without requires_grad none.
        torch::manual_seed(4);
        Vit vit(test::tinyModel(), 4);
        vit->head->weight.set_requires_grad(false);
        const auto x = torch::randn({8, 1, 16, 16});
        const auto y = torch::randint(0, 4, {8}, torch::kLong);
        auto unused = torch::zeros({3}, torch::requires_grad());
        auto& qkv = vit->blockList[0]->attn->qkv->weight;
        qkv.mutable_grad() = torch::ones_like(qkv);

        ShardPool pool(2);
        shardedBackward(vit, pool, 2, x, y);
        const auto sharded = qkv.grad().clone();
        QVERIFY(!vit->head->weight.grad().defined());
        QVERIFY(!unused.grad().defined());

        qkv.mutable_grad() = torch::ones_like(qkv);
        torch::nn::functional::cross_entropy(vit->forward(x), y).backward();
        QVERIFY(torch::allclose(sharded, qkv.grad(), 1e-4, 1e-6));
        QVERIFY(vit->blockList[1]->mlp->fc2->bias.grad().defined());
    }

    void shardedRunRepeatsAndLearnsAsUnsharded_data()
    {
        QTest::addColumn<QString>("strategy");
        for (const char* s : {"finetune", "ewc", "o-lora", "lorac-ipc"})
            QTest::newRow(s) << QString(s);
    }

    void shardedRunRepeatsAndLearnsAsUnsharded()
    {
        QFETCH(QString, strategy);
        auto cfg = test::tinyConfig(strategy.toStdString());
        cfg.train.shards = 2;
        const auto a = test::run(cfg), b = test::run(cfg);
        QVERIFY2(a.result.status == RunStatus::Finished, a.result.message.c_str());
        bool logged = false;
        for (const auto& e : a.events)
            logged = logged || e.message.find("over 2 single-threaded shards") != std::string::npos;
        QVERIFY(logged);
        QVERIFY(a.result.accuracyMatrix == b.result.accuracyMatrix);  // bit for bit
        QVERIFY(a.result.metrics.finalAverageAccuracy == b.result.metrics.finalAverageAccuracy);

        cfg.train.shards = 1;
        const auto whole = test::run(cfg);
        QVERIFY2(whole.result.status == RunStatus::Finished, whole.result.message.c_str());
        for (const auto& e : whole.events)
            QVERIFY(e.message.find("single-threaded shards") == std::string::npos);
        // Float sums in another order: the same learning, not the same bits.
        const auto& m = a.result.accuracyMatrix;
        const auto& w = whole.result.accuracyMatrix;
        QCOMPARE(m.size(), w.size());
        for (size_t i = 0; i < m.size(); ++i)
            for (size_t j = 0; j < m[i].size(); ++j)
                QVERIFY2(std::abs(m[i][j] - w[i][j]) <= 0.1,
                         qPrintable(QStringLiteral("cell %1,%2: %3 vs %4")
                                        .arg(i).arg(j).arg(m[i][j]).arg(w[i][j])));
    }

    void unshardableStrategiesRunWhole()
    {
        auto cfg = test::tinyConfig("hide");  // its logits set per-sample gates on the model
        cfg.train.shards = 2;
        const auto r = test::run(cfg);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        bool warned = false;
        for (const auto& e : r.events)
            warned = warned || (e.level == LogLevel::Warning &&
                                e.message.find("train.shards = 2 ignored for hide") == 0);
        QVERIFY(warned);
    }
};

QTEST_GUILESS_MAIN(TestShardPool)
#include "tst_shard_pool.moc"
