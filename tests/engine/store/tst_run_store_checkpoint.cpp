// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's checkpoint records: deleting, migrating to schema 8, reopening a run to resume it
// (run_store_checkpoint.cpp) against real SQLite files.
#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <fstream>
#include <string>

#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"

using namespace clwb;
using clwb::test::q;
using clwb::test::RawDb;
using clwb::test::sampleRun;

class TestRunStoreCheckpoint : public QObject
{
    Q_OBJECT

private:
    /// A fresh database path per test, in a subfolder that does not exist yet.
    clwb::test::TempDatabases dbs_{QStringLiteral("db%1/sub/runs.sqlite")};
    std::string freshPath() { return dbs_.next(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dbs_.isValid()); }

    /// deleteRun takes the run's checkpoint folder with it, and only that one.
    void deleteRunRemovesCheckpoints()
    {
        RunStore store(freshPath());
        const auto gone = store.createRun(sampleRun("gone"));
        const auto kept = store.createRun(sampleRun("kept"));
        for (auto id : {gone, kept}) {
            const auto folder = runCheckpointDir(store.path(), id);
            QVERIFY(QDir().mkpath(q(folder)));
            std::ofstream(folder + "/after-task-0.ckpt") << "12345";
            store.setCheckpoint(id, "after-task-0.ckpt", 0, 4);
        }
        QCOMPARE(store.run(gone)->checkpointBytes, std::int64_t(5));
        QCOMPARE(store.listRuns()[0].checkpointBytes, std::int64_t(5));
        store.deleteRun(gone);
        QVERIFY(!QFileInfo::exists(q(runCheckpointDir(store.path(), gone))));
        QVERIFY(QFileInfo::exists(q(runCheckpointDir(store.path(), kept) + "/after-task-0.ckpt")));
        QVERIFY(runCheckpointDir(":memory:", 1).empty());
    }

    /// A schema-7 file (no checkpoint columns) opens, gets them, and records checkpoints.
    void schema7GainsCheckpoints()
    {
        const std::string path = freshPath();
        std::int64_t id = 0;
        {
            RunStore store(path);
            id = store.createRun(sampleRun("six"));
            store.finishRun(id, RunStatus::Cancelled, "stopped");
        }
        {
            RawDb raw(path);  // back to what schema 7 wrote
            raw.exec(
                "ALTER TABLE runs DROP COLUMN checkpoint; "
                "ALTER TABLE runs DROP COLUMN checkpoint_task; "
                "ALTER TABLE runs DROP COLUMN checkpoint_step; PRAGMA user_version = 7");
        }
        RunStore store(path);
        QCOMPARE(store.run(id)->checkpointTask, -1);
        const auto r = store.resumability(id);
        QVERIFY(r.resumable);
        QVERIFY(r.checkpoint.empty());  // nothing recorded: it would restart from the start
        store.setCheckpoint(id, "/anywhere/after-task-0.ckpt", 0, 12);
        const auto run = store.run(id);
        QCOMPARE(q(run->checkpointPath),
                 q(runCheckpointDir(path, id) + "/after-task-0.ckpt"));  // the name is kept
        QCOMPARE(run->checkpointTask, 0);
        QCOMPARE(run->checkpointStep, std::int64_t(12));
        QCOMPARE(run->checkpointBytes, std::int64_t(0));
        // Recorded but not on disk: not resumable, and the message names the file.
        const auto missing = store.resumability(id);
        QVERIFY(!missing.resumable);
        QVERIFY2(q(missing.reason).contains("is missing"), missing.reason.c_str());
    }

    /// reopenRun keeps what was recorded up to the checkpoint and drops everything after it.
    void reopenRunDropsLaterRows()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("stopped"));
        const auto other = store.createRun(sampleRun("other"));
        for (auto run : {id, other}) {
            // Task 0 ends at step 2 (its curve point too); task 1 got to step 3.
            store.appendSeries(run, {{"loss", 1, 0, 1.0},
                                     {"loss", 2, 0, 0.9},
                                     {"acc/task0", 2, 0, 0.5},
                                     {"loss", 3, 1, 0.8},
                                     {"acc/task0", 2, 1, 0.4}});  // task 1 without steps
            store.setClasses(run, {{0}, {"a"}});
            store.setGallery(run, {GalleryImage{0, 0, 1, 1, 1, {7}}});
            store.setDriftLabels(run, {0});
            for (int t = -1; t <= 1; ++t) {
                store.setMatrixCell(run, {t, 0, 0.5});
                store.setConfusion(run, {t, 1, {3}});
                store.setGalleryPredictions(run, t, {0});
                store.setDrift(run, t, {0.5f, -0.5f}, 0.9);
                store.setQaExamples(run, t, {QaExample{}});
                ImportanceSnapshot snap;
                snap.task = t;
                snap.kind = "fisher";
                snap.cells = {ImportanceCell{}};
                store.addImportance(run, snap);
            }
            store.setMetrics(run, {{"bwt", -0.1}});
            store.finishRun(run, RunStatus::Cancelled, "stopped by the user");
        }
        store.reopenRun(id, 0, 2);
        const auto run = store.run(id);
        QVERIFY(run->status == RunStatus::Running);
        QVERIFY(run->endedAt.empty());
        QVERIFY(run->message.empty());
        QVERIFY(run->metrics.empty());
        QCOMPARE(store.series(id).size(), std::size_t(3));
        for (const auto& p : store.series(id)) QCOMPARE(p.task, 0);
        QCOMPARE(store.matrix(id).size(), std::size_t(2));  // rows -1 and 0
        QCOMPARE(store.confusions(id).size(), std::size_t(2));
        QCOMPARE(store.galleryPredictions(id).size(), std::size_t(2));
        QCOMPARE(store.drift(id).size(), std::size_t(2));
        QCOMPARE(store.qaExamples(id).size(), std::size_t(2));
        QCOMPARE(store.importance(id).size(), std::size_t(2));
        // The other run is untouched.
        QCOMPARE(store.series(other).size(), std::size_t(5));
        QCOMPARE(store.matrix(other).size(), std::size_t(3));
        QVERIFY(store.run(other)->status == RunStatus::Cancelled);
        QVERIFY(!store.resumability(id).resumable);  // running now, by this process
        // From the start: nothing is kept.
        store.finishRun(id, RunStatus::Failed, "x");
        store.reopenRun(id, -1, 0);
        QVERIFY(store.series(id).empty());
        QVERIFY(store.matrix(id).empty());
        QVERIFY(store.importance(id).empty());
    }
};

QTEST_APPLESS_MAIN(TestRunStoreCheckpoint)
#include "tst_run_store_checkpoint.moc"
