// SPDX-License-Identifier: GPL-3.0-or-later
// "Where the old classes went": the reading on hand-made matrices, the confusion counts of a live
// synthetic run against its accuracy rows, and their way through the run database and the replay.
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "clwb/confusion.h"
#include "clwb/engine.h"
#include "clwb/run_replay.h"
#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"
#include "engine/test_configs.h"
#include "engine/test_runs.h"

using namespace clwb;
using clwb::test::RawDb;
using clwb::test::rowsOf;

namespace {

using Counts = std::vector<std::int64_t>;

}  // namespace

class TestConfusion : public QObject
{
    Q_OBJECT

private:
    clwb::test::TempDatabases dbs_;
    std::string freshPath() { return dbs_.next(); }

private Q_SLOTS:
    /// Six classes: two of task 0, two of task 1, one of task 2, one of no task. Counts chosen so
    /// every share is exact in binary.
    void readingOnAHandMadeMatrix()
    {
        const std::vector<int> classTask{0, 0, 1, 1, 2, -1};
        const Counts counts{
            2, 1, 0, 0, 4, 1,  // class 0: 8 images
            0, 4, 1, 1, 2, 0,  // class 1: 8
            0, 0, 3, 1, 4, 0,  // class 2: 8
            0, 0, 0, 0, 8, 0,  // class 3: 8
            9, 9, 9, 9, 9, 9,  // class 4: the newest task's own rows are not read
            5, 5, 5, 5, 5, 5,  // class 5: in no task, not read
        };
        const auto r = readConfusion(counts, classTask, 2);
        QCOMPARE(r.afterTask, 2);
        QCOMPARE(int(r.earlier.size()), 2);
        const auto& t0 = r.earlier[0];
        QCOMPARE(t0.task, 0);
        QCOMPARE(t0.images, std::int64_t(16));
        QCOMPARE(t0.correct, 6.0 / 16);  // 2 + 4 on the diagonal
        QCOMPARE(t0.own, 7.0 / 16);      // 2+1 and 0+4: within task 0
        QCOMPARE(t0.newest, 6.0 / 16);   // 4 + 2 as class 4
        QCOMPARE(t0.other, 3.0 / 16);    // 1 as class 5 (no task), 1+1 as task 1's classes
        const auto& t1 = r.earlier[1];
        QCOMPARE(t1.task, 1);
        QCOMPARE(t1.images, std::int64_t(16));
        QCOMPARE(t1.correct, 3.0 / 16);
        QCOMPARE(t1.own, 4.0 / 16);
        QCOMPARE(t1.newest, 12.0 / 16);
        QCOMPARE(t1.other, 0.0);
        QCOMPARE(r.mostDrawn, 1);
        for (const auto& d : r.earlier) QCOMPARE(d.own + d.newest + d.other, 1.0);

        // After task 1: the newest classes are task 1's; task 0 is the only earlier task.
        const auto r1 = readConfusion(counts, classTask, 1);
        QCOMPARE(int(r1.earlier.size()), 1);
        QCOMPARE(r1.earlier[0].newest, 2.0 / 16);  // 1 + 1 as class 2 or 3
        QCOMPARE(r1.earlier[0].other, 7.0 / 16);   // 4 + 2 as class 4 (task 2), 1 as class 5
        QCOMPARE(r1.mostDrawn, 0);

        // Nothing is earlier than task 0 or the row before training.
        for (int t : {-1, 0}) {
            const auto none = readConfusion(counts, classTask, t);
            QVERIFY(none.earlier.empty());
            QCOMPARE(none.mostDrawn, -1);
        }
        // A task without test images is left out rather than read as 0 %.
        const auto gap = readConfusion(counts, {0, 0, 3, 3, 2, -1}, 2);
        QCOMPARE(int(gap.earlier.size()), 1);
        QCOMPARE(gap.earlier[0].task, 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, readConfusion(Counts(35, 0), classTask, 2));
    }

    /// The counts of every row are the predictions its accuracies were computed from: trained by
    /// gradient (images through the model) and training-free from cached frozen features.
    void liveRunMatchesItsAccuracyRows_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::newRow("finetune") << QStringLiteral("finetune");
        QTest::newRow("simplecil (feature cache)") << QStringLiteral("simplecil");
    }
    void liveRunMatchesItsAccuracyRows()
    {
        QFETCH(QString, strategy);
        const auto cfg = test::tinyConfig(strategy.toStdString(), 3);
        const int perClass = cfg.data.testPerClass;
        std::vector<RunEvent> events;
        const auto r = runExperiment(cfg, nullptr, [&](const RunEvent& e) {
            events.push_back(e);
            return true;
        });
        QVERIFY2(r.status == RunStatus::Finished, r.message.c_str());
        const auto rows = rowsOf(events);
        QCOMPARE(int(rows.size()), 4);  // before training + one per boundary
        const std::vector<int> expectedTask{0, 0, 1, 1, 2, 2, -1, -1, -1, -1};
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& ev = rows[i];
            QCOMPARE(ev.task, int(i) - 1);
            QCOMPARE(ev.classTask, expectedTask);
            QCOMPARE(int(ev.classNames.size()), 10);
            const size_t C = ev.classTask.size();
            QCOMPARE(ev.confusion.size(), C * C);
            for (size_t y = 0; y < C; ++y) {  // each class's test images, counted once
                const auto rowSum =
                    std::accumulate(ev.confusion.begin() + long(y * C),
                                    ev.confusion.begin() + long((y + 1) * C), std::int64_t(0));
                QCOMPARE(rowSum, std::int64_t(ev.classTask[y] < 0 ? 0 : perClass));
            }
            for (int j = 0; j < 3; ++j) {  // the diagonal of a task's classes is its accuracy
                std::int64_t correct = 0, images = 0;
                for (size_t y = 0; y < C; ++y) {
                    if (ev.classTask[y] != j) continue;
                    correct += ev.confusion[y * C + y];
                    for (size_t p = 0; p < C; ++p) images += ev.confusion[y * C + p];
                }
                QCOMPARE(double(correct) / double(images), ev.values[size_t(j)]);
            }
            if (ev.task < 0) continue;  // before training every class may be predicted
            for (size_t p = 0; p < C; ++p) {
                if (ev.classTask[p] >= 0 && ev.classTask[p] <= ev.task) continue;
                for (size_t y = 0; y < C; ++y)
                    QCOMPARE(ev.confusion[y * C + p], std::int64_t(0));  // unseen: never predicted
            }
        }
    }

    /// Question-answering runs have no class confusion.
    void qaRunsCarryNone()
    {
        auto cfg = test::tinyConfig("seq-lora", 2);
        cfg.data.scenario = "qa";
        cfg.train.epochs = 0;
        RunStore store(freshPath());
        std::vector<RunEvent> events;
        const auto r = runExperiment(cfg, &store, [&](const RunEvent& e) {
            events.push_back(e);
            return true;
        });
        QVERIFY2(r.status == RunStatus::Finished, r.message.c_str());
        for (const auto& ev : rowsOf(events)) {
            QVERIFY(!ev.formatValues.empty());
            QVERIFY(ev.confusion.empty() && ev.classTask.empty() && ev.classNames.empty());
        }
        QVERIFY(store.confusions(r.runId).empty());
        QVERIFY(store.classes(r.runId).task.empty());
    }

    /// Recorded, read back, replayed as live, and deleted with the run.
    void storeRoundTripReplayAndDelete()
    {
        RunStore store(freshPath());
        std::vector<RunEvent> events;
        const auto r =
            runExperiment(test::tinyConfig("finetune", 2), &store, [&](const RunEvent& e) {
                events.push_back(e);
                return true;
            });
        QVERIFY2(r.status == RunStatus::Finished, r.message.c_str());
        const auto live = rowsOf(events);
        QCOMPARE(int(live.size()), 3);

        const auto classes = store.classes(r.runId);
        QCOMPARE(classes.task, live.front().classTask);
        QCOMPARE(classes.names, live.front().classNames);
        const auto stored = store.confusions(r.runId);
        QCOMPARE(stored.size(), live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            QCOMPARE(stored[i].afterTask, live[i].task);
            QCOMPARE(stored[i].classes, 10);
            QCOMPARE(stored[i].counts, live[i].confusion);
        }
        // Only non-zero counts take rows: fewer than 3 x 10 x 10.
        const auto nonZero = [&] {
            std::int64_t n = 0;
            for (const auto& ev : live)
                for (auto c : ev.confusion) n += c != 0;
            return n;
        }();
        const std::string path = store.path();
        const std::string ofRun = " WHERE run_id = " + std::to_string(r.runId);
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM confusion" + ofRun), nonZero);
        QVERIFY(nonZero < 300);

        const auto replayed = rowsOf(replayRun(store, r.runId));
        QCOMPARE(replayed.size(), live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            QCOMPARE(replayed[i].task, live[i].task);
            QCOMPARE(replayed[i].confusion, live[i].confusion);
            QCOMPARE(replayed[i].classTask, live[i].classTask);
            QCOMPARE(replayed[i].classNames, live[i].classNames);
        }

        store.deleteRun(r.runId);
        for (const char* table : {"confusion", "classes"})
            QCOMPARE(RawDb(path).integer(std::string("SELECT count(*) FROM ") + table + ofRun),
                     std::int64_t(0));
        QVERIFY(store.confusions(r.runId).empty());
    }

    void writesAreCheckedAndReplaced()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(RunRecord{});
        store.setClasses(id, {{0, 1}, {"a", "b"}});
        store.setConfusion(id, {0, 2, {3, 1, 0, 4}});
        store.setConfusion(id, {0, 2, {5, 0, 0, 2}});  // the row is replaced, zeros dropped
        const auto m = store.confusions(id);
        QCOMPARE(int(m.size()), 1);
        QCOMPARE(m[0].counts, (Counts{5, 0, 0, 2}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, store.setConfusion(id, {1, 2, {1, 2, 3}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, store.setClasses(id, {{0}, {"a", "b"}}));
        // A row with no count at all still replays as zeros while the run has classes.
        store.setMatrixCell(id, {0, 0, 0.5});
        store.setMatrixCell(id, {1, 0, 0.0});
        const auto rows = rowsOf(replayRun(store, id));
        QCOMPARE(int(rows.size()), 2);
        QCOMPARE(rows[0].confusion, (Counts{5, 0, 0, 2}));
        QCOMPARE(rows[1].confusion, (Counts{0, 0, 0, 0}));
    }

    /// A schema-3 file (today's tables without the two new ones) opens, keeps its runs, which
    /// replay without confusion, and takes confusion counts afterwards.
    void schemaThreeMigrates()
    {
        const std::string path = freshPath();
        std::int64_t old = 0;
        {
            RunStore store(path);
            old = store.createRun(RunRecord{});
            store.setMatrixCell(old, {0, 0, 0.5});
            store.finishRun(old, RunStatus::Finished);
        }
        RawDb(path).exec("DROP TABLE confusion; DROP TABLE classes; PRAGMA user_version = 3;");
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name = 'confusion'"),
                 std::int64_t(0));
        RunStore store(path);
        QCOMPARE(RawDb(path).integer("PRAGMA user_version"),
                 std::int64_t(RunStore::kSchemaVersion));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                                     "('confusion', 'classes')"),
                 std::int64_t(2));
        const auto rows = rowsOf(replayRun(store, old));
        QCOMPARE(int(rows.size()), 1);
        QCOMPARE(rows[0].values, std::vector<double>{0.5});
        QVERIFY(rows[0].confusion.empty() && rows[0].classTask.empty());
        store.setClasses(old, {{0}, {"a"}});
        store.setConfusion(old, {0, 1, {7}});
        QCOMPARE(store.confusions(old).at(0).counts, Counts{7});
    }
};

QTEST_GUILESS_MAIN(TestConfusion)
#include "tst_confusion.moc"
