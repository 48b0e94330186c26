// SPDX-License-Identifier: GPL-3.0-or-later
// Runs that break on purpose (the CLWB_FAULT_HOOK test seam, docs/reliability.md): a strategy hook
// that throws, a non-finite loss under train.nonfinite "stop" and "skip", an out-of-memory error.
// Each ends as a failed (or finished) run with a message that says where and what, stored with
// every row measured before.
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>
#include <string>
#include <vector>

#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "engine/test_configs.h"
#include "engine/test_runs.h"

using namespace clwb;

namespace {

/// Sets CLWB_FAULT_HOOK for one scope.
class Fault
{
public:
    explicit Fault(const char* spec) { qputenv("CLWB_FAULT_HOOK", spec); }
    ~Fault() { qunsetenv("CLWB_FAULT_HOOK"); }
    Fault(const Fault&) = delete;
    Fault& operator=(const Fault&) = delete;
};

int count(const std::vector<RunEvent>& events, RunEvent::Kind kind, const std::string& text = {})
{
    int n = 0;
    for (const auto& e : events)
        if (e.kind == kind && e.message.find(text) != std::string::npos) ++n;
    return n;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

}  // namespace

class TestTrainingFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    /// A hook that throws fails the run naming the strategy, the hook and the task; the rows
    /// measured before stay stored.
    void hookFailureNamesStrategyHookAndTask_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("rowsKept");  // accuracy rows stored: -1 (before) counts
        QTest::newRow("setup") << "setup"
                               << "strategy 'ewc' failed in setup (task 0)" << 0;
        QTest::newRow("beforeTask") << "beforeTask@1"
                                    << "strategy 'ewc' failed in beforeTask (task 1)" << 2;
        QTest::newRow("loss") << "loss@1"
                              << "strategy 'ewc' failed in loss (task 1)" << 2;
        QTest::newRow("penalty") << "penalty"
                                 << "strategy 'ewc' failed in penalty (task 0)" << 1;
        QTest::newRow("afterStep") << "afterStep"
                                   << "strategy 'ewc' failed in afterStep (task 0)" << 1;
        QTest::newRow("afterTask") << "afterTask@1"
                                   << "strategy 'ewc' failed in afterTask (task 1)" << 2;
        QTest::newRow("logits") << "logits@0"
                                << "strategy 'ewc' failed in logits (task 0)" << 1;  // a curve point
        QTest::newRow("importance") << "importance@1"
                                    << "strategy 'ewc' failed in importance (task 1)" << 3;
    }
    void hookFailureNamesStrategyHookAndTask()
    {
        QFETCH(QString, spec);
        QFETCH(QString, expected);
        QFETCH(int, rowsKept);
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        const QByteArray specBytes = spec.toUtf8();
        Fault fault(specBytes.constData());
        const auto r = test::run(test::tinyConfig("ewc", 2), &store);
        QCOMPARE(q(toString(r.result.status)), QStringLiteral("failed"));
        const QString hook = spec.section('@', 0, 0);
        QCOMPARE(q(r.result.message), expected + ": injected fault (CLWB_FAULT_HOOK=" + hook + ")");
        QCOMPARE(count(r.events, RunEvent::Kind::Failed), 1);
        const auto stored = store.run(r.result.runId);
        QCOMPARE(q(toString(stored->status)), QStringLiteral("failed"));
        QCOMPARE(q(stored->message), q(r.result.message));
        QCOMPARE(int(store.matrix(r.result.runId).size()), 2 * rowsKept);  // 2 tasks per row
    }

    /// The database (or the caller) failing while a hook logs is not blamed on the strategy.
    void sinkFailureInsideAHookKeepsItsOwnMessage()
    {
        const auto r =
            runExperiment(test::tinyConfig("recurrent-kif", 2), nullptr, [](const RunEvent& e) {
                if (e.kind == RunEvent::Kind::Log &&
                    e.message.rfind("Recurrent-KIF memory", 0) == 0)
                    throw std::runtime_error("the sink broke");
                return true;
            });
        QCOMPARE(q(toString(r.status)), QStringLiteral("failed"));
        QCOMPARE(q(r.message), QStringLiteral("the sink broke"));
    }

    /// "stop" (the default): the first non-finite loss fails the run with the task, epoch, step
    /// and the last finite loss, which is the last step's.
    void nonFiniteLossStopsWithLastFiniteLoss()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        Fault fault("loss:nan@1");  // the first batch of task 1
        const auto r = test::run(test::tinyConfig("finetune", 2), &store);
        QCOMPARE(q(toString(r.result.status)), QStringLiteral("failed"));
        double last = 0;
        int steps = 0;
        for (const auto& e : r.events)
            if (e.kind == RunEvent::Kind::Step) {
                last = e.loss;
                ++steps;
            }
        QCOMPARE(steps, 4);  // task 0: 2 epochs x 2 batches
        std::ostringstream lastText;
        lastText << last;
        QCOMPARE(q(r.result.message),
                 "loss became NaN at task 1, epoch 0, step 4 (last finite loss " +
                     q(lastText.str()) + "; try a lower learning rate)");
        QCOMPARE(q(store.run(r.result.runId)->message), q(r.result.message));
        QCOMPARE(int(store.matrix(r.result.runId).size()), 4);  // before + after task 0
    }

    /// "skip": each non-finite batch is skipped without an update and logged; the run finishes.
    void nonFiniteLossSkippedAndLogged()
    {
        Fault fault("loss:nan");  // every second batch, from the first
        auto cfg = test::tinyConfig("finetune", 2);
        cfg.train.nonfinite = "skip";
        const auto r = test::run(cfg);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        // 8 batches in all (2 tasks x 2 epochs x 2): 4 skipped, 4 trained.
        QCOMPARE(count(r.events, RunEvent::Kind::Step), 4);
        QCOMPARE(count(r.events, RunEvent::Kind::Log, "batch skipped (1 in a row)"), 4);
        QCOMPARE(count(r.events, RunEvent::Kind::Log, "2 batches with a non-finite loss skipped"),
                 2);  // one summary per task
        for (const auto& e : r.events)
            if (e.kind == RunEvent::Kind::Step) QVERIFY(std::isfinite(e.loss));
    }

    /// "skip" gives up after more than TrainConfig::kMaxSkippedInARow batches in a row.
    void nonFiniteLossSkipGivesUp()
    {
        Fault fault("loss:nan-always");
        auto cfg = test::tinyConfig("finetune", 2);
        cfg.train.nonfinite = "skip";
        cfg.train.epochs = 8;  // 16 batches in task 0
        const auto r = test::run(cfg);
        QCOMPARE(q(toString(r.result.status)), QStringLiteral("failed"));
        QCOMPARE(q(r.result.message),
                 QStringLiteral("loss not finite in 11 batches in a row (train.nonfinite = "
                                "\"skip\" skips at most 10) at task 0, epoch 5, step 0 (no "
                                "finite loss before it; try a lower learning rate)"));
        QCOMPARE(count(r.events, RunEvent::Kind::Log, "batch skipped"),
                 TrainConfig::kMaxSkippedInARow);
    }

    /// Out of memory: the message names the device and suggests half the batch size.
    void outOfMemorySuggestsAHalfBatch()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath("runs.sqlite").toStdString());
        Fault fault("loss:oom");
        const auto r = test::run(test::tinyConfig("finetune", 2), &store);  // batch size 32
        QCOMPARE(q(toString(r.result.status)), QStringLiteral("failed"));
        QCOMPARE(q(r.result.message),
                 QStringLiteral("out of memory on cpu at train.batch_size 32; try "
                                "train.batch_size 16 (--set train.batch_size=16). CUDA out of "
                                "memory. Tried to allocate 2.00 GiB, injected "
                                "(CLWB_FAULT_HOOK=loss)"));
        QCOMPARE(q(store.run(r.result.runId)->message), q(r.result.message));

        auto one = test::tinyConfig("finetune", 2);
        one.train.batchSize = 1;
        const auto single = test::run(one);
        QVERIFY2(q(single.result.message).contains("the batch size is already 1"),
                 single.result.message.c_str());
    }

    /// A seam the tests cannot read fails the run before training, saying so.
    void unreadableFaultSpecFailsTheRun()
    {
        Fault fault("afterTask@first");
        const auto r = test::run(test::tinyConfig("finetune", 2));
        QCOMPARE(q(toString(r.result.status)), QStringLiteral("failed"));
        QVERIFY2(q(r.result.message).contains("CLWB_FAULT_HOOK"), r.result.message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestTrainingFaults)
#include "tst_training_faults.moc"
