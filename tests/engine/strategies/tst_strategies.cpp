// SPDX-License-Identifier: GPL-3.0-or-later
// Every registered strategy on a 2-task synthetic sequence (smoke), plus per-strategy facts that
// follow from what each one trains, freezes and stores.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "engine/test_configs.h"

using namespace clwb;

namespace {

struct Outcome
{
    RunResult result;
    std::vector<ImportanceSnapshot> importance;
};

Outcome runStored(const RunConfig& cfg)
{
    QTemporaryDir dir;
    RunStore store(dir.filePath("runs.sqlite").toStdString());
    Outcome o;
    o.result = runExperiment(cfg, &store, {});
    o.importance = store.importance(o.result.runId);
    return o;
}

}  // namespace

class TestStrategies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void paramSpecsAreWellFormed()
    {
        QVERIFY(listStrategies().size() >= 6);
        for (const auto& s : listStrategies()) {
            QVERIFY(!s.id.empty() && !s.displayName.empty() && !s.summary.empty());
            QCOMPARE(findStrategy(s.id), &s);
            for (const auto& p : s.params) {
                QVERIFY2(!p.help.empty(), (s.id + "." + p.key).c_str());
                QVERIFY2(p.defaultValue >= p.minValue && p.defaultValue <= p.maxValue,
                         (s.id + "." + p.key).c_str());
                if (p.type == ParamSpec::Type::Choice)
                    QCOMPARE(int(p.maxValue) + 1, int(p.choices.size()));
            }
        }
    }

    void everyStrategyRuns_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& s : listStrategies()) QTest::newRow(s.id.c_str()) << QString::fromStdString(s.id);
    }

    void everyStrategyRuns()
    {
        QFETCH(QString, id);
        auto o = runStored(test::tinyConfig(id.toStdString()));
        const auto& r = o.result;
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        QCOMPARE(int(r.accuracyMatrix.size()), 2);
        QCOMPARE(int(r.accuracyMatrix[1].size()), 2);
        for (const auto& [k, v] : metricsAsList(r.metrics)) QVERIFY2(std::isfinite(v), k.c_str());
        QCOMPARE(int(o.importance.size()), 2);  // one snapshot per task
        // One cell per block and linear module; strategies may add their own (HiDe's "cka").
        int linearCells = 0;
        for (const auto& c : o.importance[1].cells)
            linearCells += (c.block >= 0 && (c.module == "qkv" || c.module == "proj" ||
                                             c.module == "fc1" || c.module == "fc2"));
        QCOMPARE(linearCells, 2 * 4);
        for (const auto& c : o.importance[1].cells) {
            QVERIFY(std::isfinite(c.score));
            QCOMPARE(int(c.map.size()), c.rows * c.cols);
        }
        // Every strategy learns the first synthetic task well beyond chance (1/2).
        QVERIFY2(r.accuracyMatrix[0][0] > 0.7, qPrintable(QString::number(r.accuracyMatrix[0][0])));
    }

    /// train.precision bf16 (CPU autocast): every strategy's forward passes run in bfloat16, its
    /// hooks and optimiser in float32; the run finishes and learns.
    void everyStrategyRunsInBf16_data() { everyStrategyRuns_data(); }
    void everyStrategyRunsInBf16()
    {
        QFETCH(QString, id);
        auto config = test::tinyConfig(id.toStdString());
        config.train.precision = "bf16";
        config.train.epochs = 1;
        const auto r = runStored(config).result;
        QVERIFY2(r.status == clwb::RunStatus::Finished, r.message.c_str());
        for (const auto& [k, v] : metricsAsList(r.metrics)) QVERIFY2(std::isfinite(v), k.c_str());
        QVERIFY2(r.accuracyMatrix[0][0] > 0.6, qPrintable(QString::number(r.accuracyMatrix[0][0])));
    }

    void freezeTrainsOnlyTheHead()
    {
        auto o = runStored(test::tinyConfig("freeze"));
        QCOMPARE(o.result.trainableParams, std::int64_t(32 * 10 + 10));
        // The backbone never moves, so the default weight-change importance is exactly zero.
        QCOMPARE(QString::fromStdString(o.importance[1].kind), QString("weight-change"));
        for (const auto& c : o.importance[1].cells) QCOMPARE(c.score, 0.0);
    }

    void simpleCilTrainsNothingAndStoresPrototypes()
    {
        auto o = runStored(test::tinyConfig("simplecil"));
        QCOMPARE(o.result.trainableParams, std::int64_t(0));
        QCOMPARE(o.result.storedParams, std::int64_t(4 * 32));  // 4 classes x dim 32
        // Prototypes of old classes never change: the only loss on task 0 comes from the new
        // classes competing, so accuracy on task 0 cannot rise.
        QVERIFY(o.result.accuracyMatrix[1][0] <= o.result.accuracyMatrix[0][0]);
    }

    void seqLoraMovesOnlyAdapters()
    {
        for (double mode : {0.0, 1.0}) {
            auto cfg = test::tinyConfig("seq-lora");
            cfg.params["mode"] = mode;
            cfg.params["rank"] = 4;
            auto o = runStored(cfg);
            QVERIFY(o.result.status == clwb::RunStatus::Finished);
            // Trainable = head + rank-4 adapters on qkv, proj, fc1, fc2 of 2 blocks.
            const std::int64_t perBlock = 4 * (32 + 96) + 4 * (32 + 32) + 4 * (32 + 128) + 4 * (128 + 32);
            QCOMPARE(o.result.trainableParams, std::int64_t(330 + 2 * perBlock));
            QCOMPARE(QString::fromStdString(o.importance[1].kind), QString("lora-update"));
            double total = 0;
            for (const auto& c : o.importance[1].cells) total += c.score;
            QVERIFY(total > 0);
        }
    }

    void ewcStoresFisherAndAnchors()
    {
        auto o = runStored(test::tinyConfig("ewc"));
        QCOMPARE(QString::fromStdString(o.importance[1].kind), QString("fisher"));
        // Two tasks, one Fisher + one anchor per task, each the size of the whole model.
        QCOMPARE(o.result.storedParams, 2 * 2 * o.result.trainableParams);
    }

    void jointKeepsOldTasks()
    {
        auto joint = runStored(test::tinyConfig("joint")).result;
        auto ft = runStored(test::tinyConfig("finetune")).result;
        // Trained on the union, joint keeps task 0 after task 1 far better than fine-tuning.
        QVERIFY2(joint.accuracyMatrix[1][0] > ft.accuracyMatrix[1][0] + 0.2,
                 qPrintable(QString("%1 vs %2").arg(joint.accuracyMatrix[1][0]).arg(ft.accuracyMatrix[1][0])));
    }
};

QTEST_APPLESS_MAIN(TestStrategies)
#include "tst_strategies.moc"
