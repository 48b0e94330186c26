// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's studies: records, memberships, migrating to schema 7 (run_store_study.cpp) against
// real SQLite files.
#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <fstream>
#include <string>

#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"

using namespace clwb;
using clwb::test::kIsoUtc;
using clwb::test::q;
using clwb::test::RawDb;
using clwb::test::sampleRun;

class TestRunStoreStudy : public QObject
{
    Q_OBJECT

private:
    /// A fresh database path per test, in a subfolder that does not exist yet.
    clwb::test::TempDatabases dbs_{QStringLiteral("db%1/sub/runs.sqlite")};
    std::string freshPath() { return dbs_.next(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dbs_.isValid()); }

    /// Studies: the record, its runs by task index, a run's membership (seed written to the run
    /// too), membership replaced, a deleted study leaving its runs.
    void studiesRoundTrip()
    {
        RunStore store(freshPath());
        QVERIFY(store.listStudies().empty());
        StudyRecord rec;
        rec.name = "sweep";
        rec.json = R"({"seeds": 3})";
        rec.executor = "local";
        rec.folder = "/tmp/sweep";
        const auto a = store.createStudy(rec);
        rec.name = "second";
        const auto b = store.createStudy(rec);
        QVERIFY(a > 0 && b > a);
        const auto got = store.study(a);
        QVERIFY(got.has_value());
        QCOMPARE(q(got->name), QStringLiteral("sweep"));
        QCOMPARE(q(got->json), QStringLiteral(R"({"seeds": 3})"));
        QVERIFY(kIsoUtc.match(q(got->createdAt)).hasMatch());
        QCOMPARE(q(got->executor), QStringLiteral("local"));
        QVERIFY(!store.study(999).has_value());
        QCOMPARE(store.listStudies().front().id, b);  // newest first
        store.setStudyFolder(b, "slurm", "/scratch/b");
        QCOMPARE(q(store.study(b)->folder), QStringLiteral("/scratch/b"));

        const auto r1 = store.createRun(sampleRun("one")), r2 = store.createRun(sampleRun("two"));
        const auto r3 = store.createRun(sampleRun("outside"));
        store.setRunStudy({r2, a, "ewc|params.lambda=100", 1, 1});
        store.setRunStudy({r1, a, "ewc|params.lambda=100", 0, 0});
        const auto members = store.runsOfStudy(a);
        QCOMPARE(int(members.size()), 2);
        QCOMPARE(members[0].runId, r1);  // by task index
        QCOMPARE(q(members[1].groupKey), QStringLiteral("ewc|params.lambda=100"));
        QCOMPARE(store.run(r2)->seed, std::int64_t(1));  // the run's seed column follows
        QVERIFY(!store.runStudy(r3).has_value());
        store.setRunStudy({r1, b, "finetune", 5, 3});  // moved
        QCOMPARE(int(store.runsOfStudy(a).size()), 1);
        QCOMPARE(store.runStudy(r1)->studyId, b);
        QCOMPARE(store.runStudy(r1)->taskIndex, 3);
        QCOMPARE(store.run(r1)->seed, std::int64_t(5));

        RawDb(store.path())
            .exec("PRAGMA foreign_keys = ON; DELETE FROM studies WHERE id = " + std::to_string(a));
        QVERIFY(!store.runStudy(r2).has_value());
        QVERIFY(store.run(r2).has_value());  // the runs stay
    }

    /// A schema-6 file (without the study tables) opens, keeps its runs and takes studies.
    void schemaSixMigrates()
    {
        const std::string path = freshPath();
        std::int64_t old = 0;
        {
            RunStore store(path);
            old = store.createRun(sampleRun("before studies"));
            store.finishRun(old, RunStatus::Finished);
        }
        RawDb(path).exec(
            "DROP TABLE study_runs; DROP TABLE studies; DROP TABLE merged_runs; "
            "PRAGMA user_version = 6;");
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name = 'studies'"),
                 std::int64_t(0));
        RunStore store(path);
        QCOMPARE(RunStore::kSchemaVersion, 8);
        QCOMPARE(RawDb(path).integer("PRAGMA user_version"), std::int64_t(8));
        QVERIFY(QFileInfo::exists(q(path + ".schema6.bak")));  // the copy written before
        QCOMPARE(RawDb(path + ".schema6.bak").integer("PRAGMA user_version"), std::int64_t(6));
        QCOMPARE(q(store.run(old)->name), QStringLiteral("before studies"));
        QVERIFY(!store.runStudy(old).has_value());
        const auto s = store.createStudy(StudyRecord{0, "later", "{}", "", "inprocess", ""});
        store.setRunStudy({old, s, "finetune", 0, 0});
        QCOMPARE(int(store.runsOfStudy(s).size()), 1);
    }
};

QTEST_APPLESS_MAIN(TestRunStoreStudy)
#include "tst_run_store_study.moc"
