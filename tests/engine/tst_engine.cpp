// SPDX-License-Identifier: GPL-3.0-or-later
// The engine facade end to end on synthetic data: events, the stored run, metrics consistency,
// cancellation, failure paths.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "clwb/engine.h"
#include "clwb/metrics.h"
#include "clwb/run_replay.h"
#include "clwb/run_log.h"
#include "clwb/run_store.h"
#include "engine/test_configs.h"

using namespace clwb;

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    /// The recorder and the replay are inverses: a stored run replays as the events the live run
    /// emitted (steps, curve points, rows, importance, the summary), logs aside.
    void replayGivesBackTheLiveEvents()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        std::vector<RunEvent> live;
        const auto r = runExperiment(test::tinyConfig("ewc", 2), &store, [&](const RunEvent& e) {
            if (e.kind != RunEvent::Kind::Log && e.kind != RunEvent::Kind::Started)
                live.push_back(e);
            return true;
        });
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QStringLiteral("finished"));
        std::vector<RunEvent> replayed;
        for (const auto& e : replayRun(store, r.runId))
            if (e.kind != RunEvent::Kind::Started) replayed.push_back(e);
        auto ofKind = [](const std::vector<RunEvent>& evs, RunEvent::Kind k) {
            std::vector<RunEvent> out;
            for (const auto& e : evs)
                if (e.kind == k) out.push_back(e);
            return out;
        };
        using K = RunEvent::Kind;
        // Curve points of one step are one event when replayed (a task's last curve point can
        // share its step with the task-end curve): the last one per step stands.
        auto lastPerStep = [](std::vector<RunEvent> evs) {
            std::vector<RunEvent> out;
            for (auto& e : evs) {
                if (!out.empty() && out.back().step == e.step) out.pop_back();
                out.push_back(std::move(e));
            }
            return out;
        };
        for (const K k : {K::Step, K::Curve, K::TaskEvaluated, K::Importance, K::Finished}) {
            auto a = ofKind(live, k), b = ofKind(replayed, k);
            if (k == K::Curve) a = lastPerStep(a);
            QCOMPARE(a.size(), b.size());
            for (size_t i = 0; i < a.size(); ++i) {
                QCOMPARE(b[i].task, a[i].task);
                QCOMPARE(b[i].values, a[i].values);
                if (k == K::Step || k == K::Curve) QCOMPARE(b[i].step, a[i].step);
                if (k == K::Step) QCOMPARE(b[i].loss, a[i].loss);
                if (k == K::Importance) {
                    QCOMPARE(b[i].importance.kind, a[i].importance.kind);
                    QCOMPARE(b[i].importance.cells.size(), a[i].importance.cells.size());
                }
            }
        }
        const auto finished = ofKind(replayed, K::Finished).front();
        QCOMPARE(finished.summary, ofKind(live, K::Finished).front().summary);
        QVERIFY(finished.summary.count("trainable_params") && finished.summary.count("wall_seconds"));
    }

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
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("finished"));
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

    /// A stored run writes every log line, with its level, to a file beside the database; Log
    /// events carry the same levels.
    void runLogBesideTheDatabase()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("lab.sqlite").toStdString());
        std::vector<RunEvent> logs;
        auto r = runExperiment(test::tinyConfig("finetune"), &store, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Log) logs.push_back(e);
            return true;
        });
        QVERIFY(r.status == RunStatus::Finished);
        const auto path = QString::fromStdString(runLogPath(store.path(), r.runId));
        QCOMPARE(path, dir.filePath("lab.logs/run-%1.log").arg(r.runId));
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QString text = QString::fromUtf8(f.readAll());
        for (const char* line : {"[info] started: device", "[info] planned optimisation steps",
                                 "[info] after task 1:", "[debug] config: ", "[info] finished"})
            QVERIFY2(text.contains(QLatin1String(line)), qPrintable(line + ("\n" + text)));
        bool planned = false;
        for (const auto& e : logs) {
            planned |= e.message.rfind("planned optimisation steps", 0) == 0;
            QVERIFY(e.level == LogLevel::Info);  // a clean synthetic run warns of nothing
            QVERIFY2(text.contains(QString::fromStdString(e.message)), e.message.c_str());
        }
        QVERIFY(planned);
        // Without a store there is no file, and the front end still hears everything.
        QVERIFY(runLogPath(store.path(), 0).empty());
        QVERIFY(runLogPath(":memory:", 1).empty());
        int unstored = 0;
        runExperiment(test::tinyConfig("finetune"), nullptr, [&](const RunEvent& e) {
            unstored += e.kind == RunEvent::Kind::Log;
            return true;
        });
        QCOMPARE(unstored, int(logs.size()));
        QVERIFY(parseLogLevel("warning") == LogLevel::Warning);
        QVERIFY(parseLogLevel("warn") == LogLevel::Warning);
        QVERIFY(!parseLogLevel("loud"));
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
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("cancelled"));
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
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("failed"));
        QVERIFY2(r.message.find("at task") != std::string::npos &&
                     r.message.find("step") != std::string::npos,
                 r.message.c_str());
        QCOMPARE(QString::fromStdString(failedMessage), QString::fromStdString(r.message));
        auto rec = store.run(r.runId);
        QCOMPARE(QString::fromStdString(toString(rec->status)), QString("failed"));
        QCOMPARE(QString::fromStdString(rec->message), QString::fromStdString(r.message));
        // Nothing measured before the failure is lost.
        QCOMPARE(int(store.matrix(r.runId).size()) >= 2, true);
        // The run's log file ends with the failure.
        QFile log(QString::fromStdString(runLogPath(store.path(), r.runId)));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        QVERIFY2(text.contains(QByteArray("[error] failed: ") + r.message.c_str()), text.constData());
    }

    void invalidConfigIsRejectedBeforeTheRun()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        auto cfg = test::tinyConfig("finetune");
        cfg.data.tasks = {{{0, 1}}, {{1, 2}}};
        cfg.train.lr = -1;
        auto r = runExperiment(cfg, &store, {});
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("failed"));
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
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("failed"));
        QVERIFY(r.message.find("device") != std::string::npos);
    }

    void cudaRunMatchesShape()
    {
        if (!cudaAvailable()) QSKIP("no CUDA device");
        auto cfg = test::tinyConfig("finetune");
        cfg.device = "cuda";
        auto r = runExperiment(cfg, nullptr, {});
        QCOMPARE(QString::fromStdString(clwb::toString(r.status)), QString("finished"));
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
