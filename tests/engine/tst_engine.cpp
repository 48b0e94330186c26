// SPDX-License-Identifier: GPL-3.0-or-later
// The engine facade end to end on synthetic data: events, the stored run, metrics consistency,
// cancellation, failure paths.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "clwb/engine.h"
#include "clwb/metrics.h"
#include "clwb/run_store.h"
#include "test_configs.h"

using namespace clwb;

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void finishedRunIsStoredAndConsistent()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        std::vector<RunEvent> events;
        auto cfg = test::tinyConfig("finetune", 3);
        auto r = runExperiment(cfg, &store, [&](const RunEvent& e) {
            events.push_back(e);
            return true;
        });
        QCOMPARE(QString::fromStdString(r.status), QString("finished"));
        QCOMPARE(int(r.accuracyMatrix.size()), 3);
        for (const auto& row : r.accuracyMatrix) {
            QCOMPARE(int(row.size()), 3);
            for (double a : row) QVERIFY(a >= 0.0 && a <= 1.0);
        }
        QCOMPARE(int(r.initialAccuracy.size()), 3);
        // Class-incremental: unseen classes cannot be predicted.
        QCOMPARE(r.accuracyMatrix[0][1], 0.0);
        QCOMPARE(r.accuracyMatrix[0][2], 0.0);
        // The synthetic task is learnable: the just-trained task is well above chance.
        QVERIFY2(r.accuracyMatrix[0][0] > 0.7, qPrintable(QString::number(r.accuracyMatrix[0][0])));
        // Metrics agree with the printed matrix.
        const auto m = computeMetrics(r.accuracyMatrix, r.initialAccuracy);
        QCOMPARE(r.metrics.finalAverageAccuracy, m.finalAverageAccuracy);
        QCOMPARE(r.metrics.bwt, m.bwt);
        QVERIFY(r.trainableParams > 0);

        // Event stream: Started first, Finished last, one TaskEvaluated per row plus the initial one.
        QVERIFY(events.front().kind == RunEvent::Kind::Started);
        QVERIFY(events.back().kind == RunEvent::Kind::Finished);
        int rows = 0, importance = 0, steps = 0, curves = 0;
        std::int64_t total = 0;
        for (const auto& e : events) {
            rows += e.kind == RunEvent::Kind::TaskEvaluated;
            importance += e.kind == RunEvent::Kind::Importance;
            steps += e.kind == RunEvent::Kind::Step;
            if (e.kind == RunEvent::Kind::Step) total = e.total;
            curves += e.kind == RunEvent::Kind::Curve;
        }
        QCOMPARE(rows, 4);
        QCOMPARE(importance, 3);
        QCOMPARE(std::int64_t(steps), total);  // the plan matched what ran
        QVERIFY(curves >= 3);

        // The database holds the run, its matrix (initial row included), series and metrics.
        auto rec = store.run(r.runId);
        QVERIFY(rec.has_value());
        QCOMPARE(QString::fromStdString(toString(rec->status)), QString("finished"));
        QCOMPARE(int(store.matrix(r.runId).size()), 4 * 3);
        QVERIFY(rec->metrics.count("final_average_accuracy"));
        QCOMPARE(rec->metrics.at("final_average_accuracy"), r.metrics.finalAverageAccuracy);
        auto series = store.series(r.runId);
        int losses = 0;
        for (const auto& p : series) losses += p.key == "loss";
        QCOMPARE(losses, steps);
        auto imp = store.importance(r.runId);
        QCOMPARE(int(imp.size()), 3);
        QCOMPARE(int(imp[0].cells.size()), 2 * 4);  // depth 2 x {qkv, proj, fc1, fc2}
        // The stored config is the one that ran and parses back.
        auto parsed = parseRunConfig(rec->configJson);
        QCOMPARE(QString::fromStdString(parsed.config.strategy), QString::fromStdString(cfg.strategy));
        QCOMPARE(parsed.config.data.trainPerClass, 32);
    }

    void sameSeedSameMatrix()
    {
        auto cfg = test::tinyConfig("finetune");
        auto a = runExperiment(cfg, nullptr, {});
        auto b = runExperiment(cfg, nullptr, {});
        QCOMPARE(a.accuracyMatrix, b.accuracyMatrix);
    }

    void stopRequestCancelsAndIsStored()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        int steps = 0;
        auto r = runExperiment(test::tinyConfig("finetune"), &store, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Step) ++steps;
            return steps < 3;
        });
        QCOMPARE(QString::fromStdString(r.status), QString("cancelled"));
        QCOMPARE(steps, 3);  // stopped at once, not at the end of the task
        QCOMPARE(QString::fromStdString(toString(store.run(r.runId)->status)), QString("cancelled"));
    }

    void divergingLossFailsWithTaskAndStep()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        auto cfg = test::tinyConfig("finetune");
        cfg.train.lr = 1e12;
        cfg.train.epochs = 20;
        std::string failedMessage;
        auto r = runExperiment(cfg, &store, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Failed) failedMessage = e.message;
            return true;
        });
        QCOMPARE(QString::fromStdString(r.status), QString("failed"));
        QVERIFY2(r.message.find("at task") != std::string::npos &&
                     r.message.find("step") != std::string::npos,
                 r.message.c_str());
        QCOMPARE(QString::fromStdString(failedMessage), QString::fromStdString(r.message));
        auto rec = store.run(r.runId);
        QCOMPARE(QString::fromStdString(toString(rec->status)), QString("failed"));
        QCOMPARE(QString::fromStdString(rec->message), QString::fromStdString(r.message));
        // Nothing measured before the failure is lost.
        QCOMPARE(int(store.matrix(r.runId).size()) >= 2, true);
    }

    void invalidConfigIsRejectedBeforeTheRun()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        auto cfg = test::tinyConfig("finetune");
        cfg.data.tasks = {{{0, 1}}, {{1, 2}}};
        cfg.train.lr = -1;
        auto r = runExperiment(cfg, &store, {});
        QCOMPARE(QString::fromStdString(r.status), QString("failed"));
        QVERIFY(r.message.find("data.tasks[1]") != std::string::npos);
        QVERIFY(r.message.find("train.lr") != std::string::npos);
        QCOMPARE(int(store.listRuns().size()), 0);  // nothing was started
    }

    void cudaRequestedWithoutCudaIsRejected()
    {
        if (cudaAvailable()) QSKIP("this machine has CUDA");
        auto cfg = test::tinyConfig("finetune");
        cfg.device = "cuda";
        auto r = runExperiment(cfg, nullptr, {});
        QCOMPARE(QString::fromStdString(r.status), QString("failed"));
        QVERIFY(r.message.find("device") != std::string::npos);
    }

    void cudaRunMatchesShape()
    {
        if (!cudaAvailable()) QSKIP("no CUDA device");
        auto cfg = test::tinyConfig("finetune");
        cfg.device = "cuda";
        auto r = runExperiment(cfg, nullptr, {});
        QCOMPARE(QString::fromStdString(r.status), QString("finished"));
        QCOMPARE(QString::fromStdString(r.device), QString("cuda"));
    }

    void unreadableCheckpointIsRejected()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath("broken.pt").toStdString();
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a checkpoint");
        f.close();
        auto cfg = test::tinyConfig("finetune");
        cfg.model.backbone = path;
        auto parsed = parseRunConfig(toJson(cfg));
        QVERIFY(!parsed.ok());
        bool found = false;
        for (const auto& e : parsed.errors) found |= e.path == "model.backbone";
        QVERIFY(found);
    }
};

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"
