// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore against real SQLite files: round trips, recovery, versioning and concurrency.
#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"

using namespace clwb;
using clwb::test::openError;
using clwb::test::kIsoUtc;
using clwb::test::q;
using clwb::test::RawDb;
using clwb::test::sampleRun;

namespace {

/// The tables schema versions 1 and 2 created, as those versions wrote them (run_store.cpp
/// history): the migration test builds old files from these.
constexpr const char* kSchemaV1Tables = R"sql(
CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
    strategy TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'running',
    config_json TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL DEFAULT 0,
    versions_json TEXT NOT NULL DEFAULT '', device TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL, ended_at TEXT, heartbeat_at TEXT, pid INTEGER, host TEXT,
    message TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '');
CREATE TABLE series(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL, step INTEGER NOT NULL, task INTEGER NOT NULL, value REAL,
    is_nan INTEGER NOT NULL DEFAULT 0);
CREATE INDEX series_run_key_step ON series(run_id, key, step);
CREATE TABLE matrix(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL, eval_task INTEGER NOT NULL, accuracy REAL,
    PRIMARY KEY(run_id, after_task, eval_task));
CREATE TABLE metrics(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL, value REAL, is_nan INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(run_id, key));
CREATE TABLE importance(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    task INTEGER NOT NULL, kind TEXT NOT NULL, block INTEGER NOT NULL, module TEXT NOT NULL,
    score REAL, rows INTEGER NOT NULL DEFAULT 0, cols INTEGER NOT NULL DEFAULT 0, map BLOB);
CREATE INDEX importance_run_task ON importance(run_id, task, kind);
)sql";
constexpr const char* kSchemaV2Tables = R"sql(
CREATE TABLE qa_matrix(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, after_task INTEGER NOT NULL, eval_task INTEGER NOT NULL, accuracy REAL,
    PRIMARY KEY(run_id, kind, after_task, eval_task));
CREATE TABLE qa_examples(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL, position INTEGER NOT NULL, task INTEGER NOT NULL,
    style TEXT NOT NULL, question TEXT NOT NULL, expected TEXT NOT NULL, answer TEXT NOT NULL,
    strict INTEGER NOT NULL, format INTEGER NOT NULL, knowledge INTEGER NOT NULL,
    PRIMARY KEY(run_id, after_task, position));
)sql";


/// A pid that certainly belongs to no process: a child that has exited and been reaped.
pid_t deadPid()
{
    const pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

}  // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

private:
    /// A fresh database path per test, in a subfolder that does not exist yet.
    clwb::test::TempDatabases dbs_{QStringLiteral("db%1/sub/runs.sqlite")};
    std::string freshPath() { return dbs_.next(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dbs_.isValid()); }

    void statusStrings()
    {
        for (auto s : {RunStatus::Running, RunStatus::Finished, RunStatus::Cancelled,
                       RunStatus::Failed, RunStatus::Interrupted})
            QVERIFY(runStatusFromString(toString(s)) == s);
        QCOMPARE(q(toString(RunStatus::Cancelled)), QStringLiteral("cancelled"));
        QVERIFY(runStatusFromString("exploded") == RunStatus::Interrupted);
    }

    void defaultPathFollowsXdg()
    {
        const QByteArray oldXdg = qgetenv("XDG_DATA_HOME");
        const bool hadXdg = qEnvironmentVariableIsSet("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", "/srv/data");
        QCOMPARE(q(RunStore::defaultPath()), QStringLiteral("/srv/data/clwb/runs.sqlite"));
        qunsetenv("XDG_DATA_HOME");
        const QString home = qEnvironmentVariable("HOME");
        if (!home.isEmpty())
            QCOMPARE(q(RunStore::defaultPath()), home + "/.local/share/clwb/runs.sqlite");
        if (hadXdg) qputenv("XDG_DATA_HOME", oldXdg);
    }

    void createListFinish()
    {
        const std::string path = freshPath();
        RunStore store(path);
        QCOMPARE(q(store.path()), q(path));
        QVERIFY(store.listRuns().empty());

        const auto first = store.createRun(sampleRun("first"));
        auto second = sampleRun("second");
        second.metrics = {{"avg_acc", 0.25}};
        const auto secondId = store.createRun(second);
        QVERIFY(first > 0 && secondId != first);

        const auto runs = store.listRuns();
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(runs[0].id, secondId);  // newest first
        QCOMPARE(runs[1].id, first);
        const RunRecord& r = runs[1];
        QCOMPARE(q(r.name), QStringLiteral("first"));
        QCOMPARE(q(r.strategy), QStringLiteral("ewc"));
        QCOMPARE(q(r.configJson), QStringLiteral(R"({"lr":0.001,"tasks":5})"));
        QCOMPARE(r.seed, std::int64_t(42));
        QCOMPARE(q(r.versionsJson), QStringLiteral(R"({"clwb":"0.1.0"})"));
        QCOMPARE(q(r.device), QStringLiteral("cpu"));
        QCOMPARE(q(r.tags), QStringLiteral("baseline"));
        QVERIFY(r.status == RunStatus::Running);
        QVERIFY(kIsoUtc.match(q(r.startedAt)).hasMatch());
        QCOMPARE(q(r.heartbeatAt), q(r.startedAt));
        QVERIFY(r.endedAt.empty());
        QCOMPARE(runs[0].metrics.at("avg_acc"), 0.25);

        RawDb raw(path);
        QCOMPARE(raw.integer("SELECT pid FROM runs WHERE id = " + std::to_string(first)),
                 std::int64_t(getpid()));
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        QCOMPARE(q(raw.text("SELECT host FROM runs WHERE id = " + std::to_string(first))), q(host));

        QTest::qSleep(5);
        store.heartbeat(first);
        const auto beat = store.run(first)->heartbeatAt;
        QVERIFY(kIsoUtc.match(q(beat)).hasMatch());
        QVERIFY(beat > r.startedAt);  // ISO strings order like times

        store.finishRun(first, RunStatus::Failed, "out of memory in task 3");
        const auto done = store.run(first);
        QVERIFY(done.has_value());
        QVERIFY(done->status == RunStatus::Failed);
        QCOMPARE(q(done->message), QStringLiteral("out of memory in task 3"));
        QVERIFY(kIsoUtc.match(q(done->endedAt)).hasMatch());
        QVERIFY(done->endedAt >= done->startedAt);
        QVERIFY(!store.run(9999).has_value());
    }

    void seriesBatchAndNaN()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("s"));
        const auto other = store.createRun(sampleRun("other"));
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        std::vector<SeriesPoint> batch;
        for (int i = 0; i < 1000; ++i) batch.push_back({"loss", i, i / 200, 1.0 / (i + 1)});
        batch.push_back({"acc/task0", 10, 0, 0.5});
        batch.push_back({"acc/task0", 20, 1, nan});
        batch.push_back({"acc/task0", 30, 1, inf});
        store.appendSeries(id, batch);
        store.appendSeries(other, {{"loss", 0, 0, 9.0}});
        store.appendSeries(id, {});  // no-op

        const auto points = store.series(id);
        QCOMPARE(points.size(), std::size_t(1003));
        // Ordered by key then step: the three acc points come first.
        QCOMPARE(q(points[0].key), QStringLiteral("acc/task0"));
        QCOMPARE(points[0].value, 0.5);
        QCOMPARE(points[1].step, std::int64_t(20));
        QCOMPARE(points[1].task, 1);
        QVERIFY(std::isnan(points[1].value));
        QVERIFY(std::isinf(points[2].value) && points[2].value > 0);
        for (int i = 0; i < 1000; ++i) {
            const auto& p = points[3 + i];
            QCOMPARE(q(p.key), QStringLiteral("loss"));
            QCOMPARE(p.step, std::int64_t(i));
            QCOMPARE(p.task, i / 200);
            QCOMPARE(p.value, 1.0 / (i + 1));  // REAL is a double: exact
        }
        QCOMPARE(store.series(other).size(), std::size_t(1));

        RawDb raw(store.path());
        QCOMPARE(raw.integer("SELECT count(*) FROM series WHERE is_nan = 1 AND value IS NULL"),
                 std::int64_t(1));
    }

    void failedBatchRollsBack()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("r"));
        // An unknown run violates the foreign key; nothing of the batch may remain.
        bool threw = false;
        try {
            store.appendSeries(9999, {{"loss", 0, 0, 1.0}, {"loss", 1, 0, 2.0}});
        } catch (const std::runtime_error& e) {
            threw = true;
            QVERIFY2(QString(e.what()).contains("appending series"), e.what());
            QVERIFY2(QString(e.what()).contains("FOREIGN KEY"), e.what());
        }
        QVERIFY(threw);
        RawDb raw(store.path());
        QCOMPARE(raw.integer("SELECT count(*) FROM series"), std::int64_t(0));
        // The connection is usable again: no transaction was left open.
        store.appendSeries(id, {{"loss", 0, 0, 1.0}});
        QCOMPARE(store.series(id).size(), std::size_t(1));
    }

    void matrixUpsert()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("m"));
        store.setMatrixCell(id, {0, 1, 0.10});
        store.setMatrixCell(id, {-1, 0, 0.11});
        store.setMatrixCell(id, {0, 0, 0.90});
        store.setMatrixCell(id, {0, 0, 0.95});  // same cell: latest wins
        store.setMatrixCell(id, {1, 0, std::numeric_limits<double>::quiet_NaN()});
        const auto cells = store.matrix(id);
        QCOMPARE(cells.size(), std::size_t(4));
        QCOMPARE(cells[0].afterTask, -1);
        QCOMPARE(cells[0].accuracy, 0.11);
        QCOMPARE(cells[1].afterTask, 0);
        QCOMPARE(cells[1].evalTask, 0);
        QCOMPARE(cells[1].accuracy, 0.95);
        QCOMPARE(cells[2].evalTask, 1);
        QCOMPARE(cells[2].accuracy, 0.10);
        QVERIFY(std::isnan(cells[3].accuracy));
    }

    void metricsMergeAndNaN()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("m"));
        const double nan = std::numeric_limits<double>::quiet_NaN();
        store.setMetrics(id, {{"avg_acc", 0.5}, {"forgetting", nan}});
        store.setMetrics(id, {{"avg_acc", 0.6}, {"bwt", -0.125}});
        const auto r = store.run(id);
        QCOMPARE(r->metrics.size(), std::size_t(3));
        QCOMPARE(r->metrics.at("avg_acc"), 0.6);
        QCOMPARE(r->metrics.at("bwt"), -0.125);
        QVERIFY(std::isnan(r->metrics.at("forgetting")));
        const auto listed = store.listRuns();
        QCOMPARE(listed.size(), std::size_t(1));
        QCOMPARE(listed[0].metrics.size(), std::size_t(3));
        QCOMPARE(listed[0].metrics.at("bwt"), -0.125);
        QVERIFY(std::isnan(listed[0].metrics.at("forgetting")));
    }

    void importanceBlobs()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("i"));
        ImportanceSnapshot snap;
        snap.task = 1;
        snap.kind = "fisher";
        ImportanceCell qkv;
        qkv.block = 3;
        qkv.module = "qkv";
        qkv.score = 0.75;
        qkv.rows = 2;
        qkv.cols = 3;
        qkv.map = {0.0f, 1.5f, -2.25f, 1e-30f, 3.4e38f, std::numeric_limits<float>::denorm_min()};
        ImportanceCell head;
        head.block = -1;
        head.module = "head";
        head.score = 2.0;
        snap.cells = {qkv, head};
        store.addImportance(id, snap);

        ImportanceSnapshot early;
        early.task = 0;
        early.kind = "weight-change";
        early.cells = {head};
        store.addImportance(id, early);

        auto read = store.importance(id);
        QCOMPARE(read.size(), std::size_t(2));
        QCOMPARE(read[0].task, 0);
        QCOMPARE(q(read[0].kind), QStringLiteral("weight-change"));
        const auto& s = read[1];
        QCOMPARE(s.task, 1);
        QCOMPARE(q(s.kind), QStringLiteral("fisher"));
        QCOMPARE(s.cells.size(), std::size_t(2));
        QCOMPARE(s.cells[0].block, 3);
        QCOMPARE(q(s.cells[0].module), QStringLiteral("qkv"));
        QCOMPARE(s.cells[0].score, 0.75);
        QCOMPARE(s.cells[0].rows, 2);
        QCOMPARE(s.cells[0].cols, 3);
        QCOMPARE(s.cells[0].map.size(), qkv.map.size());
        for (std::size_t i = 0; i < qkv.map.size(); ++i)
            QVERIFY(std::memcmp(&s.cells[0].map[i], &qkv.map[i], sizeof(float)) == 0);
        QCOMPARE(s.cells[1].block, -1);
        QVERIFY(s.cells[1].map.empty());
        QCOMPARE(s.cells[1].rows, 0);

        RawDb raw(store.path());
        // float32 little-endian on disk: 6 values = 24 bytes; 1.5f = 00 00 C0 3F.
        QCOMPARE(raw.integer("SELECT length(map) FROM importance WHERE module = 'qkv'"),
                 std::int64_t(24));
        QCOMPARE(q(raw.text("SELECT hex(substr(map, 5, 4)) FROM importance WHERE module = 'qkv'")),
                 QStringLiteral("0000C03F"));

        // The same (task, kind) again replaces the snapshot.
        snap.cells = {head};
        store.addImportance(id, snap);
        read = store.importance(id);
        QCOMPARE(read.size(), std::size_t(2));
        QCOMPARE(read[1].cells.size(), std::size_t(1));

        ImportanceCell bad = qkv;
        bad.cols = 4;
        snap.cells = {bad};
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, store.addImportance(id, snap));
        QCOMPARE(store.importance(id)[1].cells.size(), std::size_t(1));
    }

    void renameTagsDeleteCascade()
    {
        RunStore store(freshPath());
        const auto gone = store.createRun(sampleRun("gone"));
        const auto kept = store.createRun(sampleRun("kept"));
        for (auto id : {gone, kept}) {
            store.appendSeries(id, {{"loss", 0, 0, 1.0}, {"loss", 1, 0, 0.5}});
            store.setMatrixCell(id, {0, 0, 0.9});
            store.setClasses(id, {{0}, {"a"}});
            store.setConfusion(id, {0, 1, {3}});
            store.setGallery(id, {GalleryImage{0, 0, 1, 1, 1, {7}}});
            store.setGalleryPredictions(id, 0, {0});
            store.setDriftLabels(id, {0});
            store.setDrift(id, 0, {0.5f, -0.5f}, 0.9);
            store.setMetrics(id, {{"avg_acc", 0.9}});
            ImportanceSnapshot snap;
            snap.kind = "fisher";
            ImportanceCell c;
            c.module = "fc1";
            c.rows = c.cols = 1;
            c.map = {1.0f};
            snap.cells = {c};
            store.addImportance(id, snap);
        }
        const auto study = store.createStudy(StudyRecord{0, "s", "{}", "", "local", "/f"});
        for (auto id : {gone, kept}) store.setRunStudy({id, study, "ewc", 1, 0});

        store.renameRun(kept, "renamed");
        store.setTags(kept, "a,b");
        QCOMPARE(q(store.run(kept)->name), QStringLiteral("renamed"));
        QCOMPARE(q(store.run(kept)->tags), QStringLiteral("a,b"));

        store.deleteRun(gone);
        QVERIFY(!store.run(gone).has_value());
        RawDb raw(store.path());
        for (const char* table :
             {"series", "matrices", "metrics", "importance", "confusion", "classes", "gallery",
              "gallery_predictions", "drift_points", "drift", "drift_boundaries", "study_runs"}) {
            const std::string t = table;
            QCOMPARE(raw.integer("SELECT count(*) FROM " + t +
                                 " WHERE run_id = " + std::to_string(gone)),
                     std::int64_t(0));
            QVERIFY(raw.integer("SELECT count(*) FROM " + t +
                                " WHERE run_id = " + std::to_string(kept)) > 0);
        }
        QCOMPARE(store.listRuns().size(), std::size_t(1));
        store.deleteRun(gone);  // deleting twice is harmless
    }

    void recoverInterruptedRuns()
    {
        const std::string path = freshPath();
        std::int64_t dead = 0, mine = 0, mineStale = 0, liveOther = 0, liveOtherStale = 0,
                     remote = 0, remoteStale = 0;
        {
            RunStore store(path);
            dead = store.createRun(sampleRun("dead"));
            mine = store.createRun(sampleRun("mine"));
            mineStale = store.createRun(sampleRun("mine, stale heartbeat"));
            liveOther = store.createRun(sampleRun("live other process"));
            liveOtherStale = store.createRun(sampleRun("live other process, silent"));
            remote = store.createRun(sampleRun("remote"));
            remoteStale = store.createRun(sampleRun("remote, silent"));
        }
        {
            RawDb raw(path);
            const auto set = [&](std::int64_t id, const std::string& assignments) {
                raw.exec("UPDATE runs SET " + assignments + " WHERE id = " + std::to_string(id));
            };
            const std::string old = "heartbeat_at = '2020-01-01T00:00:00.000Z'";
            set(dead, "pid = " + std::to_string(deadPid()));
            set(mineStale, old);
            set(liveOther, "pid = " + std::to_string(getppid()));
            set(liveOtherStale, "pid = " + std::to_string(getppid()) + ", " + old);
            set(remote, "host = 'elsewhere.invalid', pid = 1");
            set(remoteStale, "host = 'elsewhere.invalid', pid = 1, " + old);
        }

        RunStore store(path);  // the constructor recovers
        const auto status = [&](std::int64_t id) { return store.run(id)->status; };
        QVERIFY(status(dead) == RunStatus::Interrupted);
        QVERIFY(status(mine) == RunStatus::Running);
        QVERIFY(status(mineStale) == RunStatus::Running);  // this process is alive
        QVERIFY(status(liveOther) == RunStatus::Running);
        QVERIFY(status(liveOtherStale) == RunStatus::Interrupted);
        QVERIFY(status(remote) == RunStatus::Running);
        QVERIFY(status(remoteStale) == RunStatus::Interrupted);

        const auto r = store.run(dead);
        QVERIFY2(QString::fromStdString(r->message)
                     .startsWith("process ended without finishing (last heartbeat 20"),
                 r->message.c_str());
        QCOMPARE(q(r->endedAt), q(r->heartbeatAt));
        QCOMPARE(q(store.run(remoteStale)->message),
                 QStringLiteral("process ended without finishing (last heartbeat "
                                "2020-01-01T00:00:00.000Z)"));

        QCOMPARE(store.recoverInterrupted(), 0);  // idempotent
        const auto late = store.createRun(sampleRun("late"));
        RawDb(path).exec("UPDATE runs SET pid = " + std::to_string(deadPid()) +
                         " WHERE id = " + std::to_string(late));
        QCOMPARE(store.recoverInterrupted(), 1);
        QVERIFY(status(late) == RunStatus::Interrupted);
        // A finished run is never touched.
        QVERIFY(store.run(dead)->status == RunStatus::Interrupted);
    }

    void schemaVersionAndNewerRefused()
    {
        const std::string path = freshPath();
        {
            RunStore store(path);
        }
        {
            RawDb raw(path);
            QCOMPARE(raw.integer("PRAGMA user_version"), std::int64_t(RunStore::kSchemaVersion));
            QCOMPARE(raw.integer("PRAGMA application_id"), std::int64_t(0x434C5742));
            QCOMPARE(q(raw.text("PRAGMA journal_mode")), QStringLiteral("wal"));
            raw.exec("PRAGMA user_version = 9");
        }
        const std::string err = openError(path);
        QVERIFY2(QString(q(err)).contains("was written by a newer CL Workbench (schema 9 > 8)"),
                 err.c_str());
    }

    /// Files written by every earlier schema open with their data, matrices by kind.
    void olderDatabasesMigrate_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("version 1") << 1;
        QTest::newRow("version 2") << 2;
    }
    void olderDatabasesMigrate()
    {
        QFETCH(int, version);
        const std::string path = freshPath();
        QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
        {
            RawDb raw(path);  // what that version wrote, table for table
            raw.exec(kSchemaV1Tables);
            if (version >= 2) raw.exec(kSchemaV2Tables);
            raw.exec("INSERT INTO runs(id, name, strategy, status, started_at) "
                     "VALUES(7, 'old', 'ewc', 'finished', '2026-01-01T00:00:00Z');"
                     "INSERT INTO matrix VALUES(7, -1, 0, 0.1), (7, 0, 0, 0.9), (7, 0, 1, NULL);"
                     "INSERT INTO metrics VALUES(7, 'bwt', -0.5, 0);");
            if (version >= 2)
                raw.exec("INSERT INTO qa_matrix VALUES(7, 'format', 0, 0, 0.25),"
                         " (7, 'knowledge', 0, 0, 0.75);"
                         "INSERT INTO qa_examples VALUES(7, 0, 0, 0, 'yn', 'Is it?', 'yes', 'no',"
                         " 0, 1, 0);");
            raw.exec("PRAGMA application_id = 1129076546; PRAGMA user_version = " +
                     std::to_string(version));
        }
        RunStore store(path);
        const auto cells = store.matrix(7);
        QCOMPARE(int(cells.size()), 3);
        QCOMPARE(cells[1].accuracy, 0.9);
        QVERIFY(std::isnan(cells[2].accuracy));
        QCOMPARE(store.run(7)->metrics.at("bwt"), -0.5);
        if (version >= 2) {
            QCOMPARE(store.matrixKinds(7), (std::vector<std::string>{"accuracy", "format", "knowledge"}));
            QCOMPARE(store.matrix(7, kFormatMatrix)[0].accuracy, 0.25);
            QCOMPARE(store.matrix(7, kKnowledgeMatrix)[0].accuracy, 0.75);
            QCOMPARE(QString::fromStdString(store.qaExamples(7).at(0)[0].answer), QStringLiteral("no"));
        } else {
            QCOMPARE(store.matrixKinds(7), (std::vector<std::string>{"accuracy"}));
        }
        // New matrices of any kind go in beside them.
        store.setMatrixCell(7, {0, 0, 0.5}, "mean-over-seeds");
        store.setMatrixCell(7, {0, 0, 0.6}, "mean-over-seeds");  // upsert
        QCOMPARE(store.matrix(7, "mean-over-seeds")[0].accuracy, 0.6);
        RawDb raw(path);
        QCOMPARE(raw.integer("PRAGMA user_version"), std::int64_t(RunStore::kSchemaVersion));
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN ('matrix', 'qa_matrix')"),
                 std::int64_t(0));
        // Schema 4's tables (tst_confusion migrates a schema-3 file).
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN ('confusion', 'classes')"),
                 std::int64_t(2));
        // Schema 5's (tst_gallery migrates a schema-4 file).
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                             "('gallery', 'gallery_predictions')"),
                 std::int64_t(2));
        // Schema 6's (tst_feature_drift migrates a schema-5 file).
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                             "('drift_points', 'drift', 'drift_boundaries')"),
                 std::int64_t(3));
        // Schema 7's (schemaSixMigrates below).
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                             "('studies', 'study_runs', 'merged_runs')"),
                 std::int64_t(3));
        // Schema 8's checkpoint columns, none recorded for the old run.
        QCOMPARE(raw.integer("SELECT count(*) FROM pragma_table_info('runs') WHERE name IN "
                             "('checkpoint', 'checkpoint_task', 'checkpoint_step')"),
                 std::int64_t(3));
        QCOMPARE(store.run(7)->checkpointTask, -1);
        QVERIFY(store.run(7)->checkpointPath.empty());
    }

    void qaExamplesReplacePerRow()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(sampleRun("qa"));
        QaExample e;
        e.task = 1;
        e.style = "yn";
        e.question = "Is it a Sneaker? (yes/no)";
        e.expected = "yes";
        e.answer = "Sneaker";
        e.knowledge = true;
        store.setQaExamples(id, 2, {e, e});
        store.setQaExamples(id, 2, {e});  // a row's examples are replaced, not appended
        const auto examples = store.qaExamples(id);
        QCOMPARE(int(examples.size()), 1);
        QCOMPARE(int(examples.at(2).size()), 1);
        QCOMPARE(QString::fromStdString(examples.at(2)[0].answer), QStringLiteral("Sneaker"));
        QVERIFY(examples.at(2)[0].knowledge && !examples.at(2)[0].strict);
    }

    void reopenKeepsData()
    {
        const std::string path = freshPath();
        std::int64_t id = 0;
        {
            RunStore store(path);
            id = store.createRun(sampleRun("persist"));
            store.finishRun(id, RunStatus::Finished);
        }
        RunStore store(path);
        QCOMPARE(q(store.run(id)->name), QStringLiteral("persist"));
        QVERIFY(store.run(id)->status == RunStatus::Finished);
    }

    void concurrentReaderSeesCommits()
    {
        const std::string path = freshPath();
        RunStore writer(path);
        RunStore reader(path);
        const auto id = writer.createRun(sampleRun("w"));
        writer.appendSeries(id, {{"loss", 0, 0, 1.0}});
        QCOMPARE(reader.listRuns().size(), std::size_t(1));
        QCOMPARE(reader.series(id).size(), std::size_t(1));

        // WAL: a reader holding an open snapshot neither blocks the writer nor sees its
        // later commits until the snapshot ends.
        RawDb raw(path);
        raw.exec("BEGIN");
        QCOMPARE(raw.integer("SELECT count(*) FROM series"), std::int64_t(1));
        // Without WAL this commit could not happen while the snapshot is open: it would throw
        // SQLITE_BUSY after the busy timeout (no timing asserted: that would be flaky).
        writer.appendSeries(id, {{"loss", 1, 0, 0.5}, {"loss", 2, 0, 0.25}});
        QCOMPARE(raw.integer("SELECT count(*) FROM series"), std::int64_t(1));
        raw.exec("COMMIT");
        QCOMPARE(raw.integer("SELECT count(*) FROM series"), std::int64_t(3));
        QCOMPARE(reader.series(id).size(), std::size_t(3));
    }

    void writerThreadWithReader()
    {
        const std::string path = freshPath();
        std::int64_t id = 0;
        {
            RunStore setup(path);
            id = setup.createRun(sampleRun("threaded"));
        }
        constexpr int kBatches = 40, kBatch = 100;
        std::atomic<bool> done{false};
        std::string writerError;
        std::thread writer([&] {
            try {
                RunStore store(path);  // one RunStore per thread
                for (int b = 0; b < kBatches; ++b) {
                    std::vector<SeriesPoint> batch;
                    for (int i = 0; i < kBatch; ++i)
                        batch.push_back({"loss", b * kBatch + i, 0, double(i)});
                    store.appendSeries(id, batch);
                    store.heartbeat(id);
                }
            } catch (const std::exception& e) {
                writerError = e.what();
            }
            done = true;
        });
        RunStore reader(path);
        std::size_t last = 0;
        bool monotonic = true, whole = true;
        while (!done) {
            const std::size_t n = reader.series(id).size();
            monotonic = monotonic && n >= last;
            whole = whole && n % kBatch == 0;  // batches commit atomically
            last = n;
        }
        writer.join();
        QVERIFY2(writerError.empty(), writerError.c_str());
        QVERIFY(monotonic);
        QVERIFY(whole);
        QCOMPARE(reader.series(id).size(), std::size_t(kBatches * kBatch));
    }

    void notADatabaseRefused()
    {
        const std::string path = freshPath();
        QVERIFY(QDir().mkpath(QFileInfo(q(path)).path()));
        std::string bytes(8192, '\0');
        std::mt19937 rng(7);
        for (auto& c : bytes) c = static_cast<char>(rng() & 0xff);
        std::ofstream(path, std::ios::binary) << bytes;

        const std::string err = openError(path);
        QVERIFY2(QString(q(err)).contains("is not a CL Workbench database"), err.c_str());
        QVERIFY2(QString(q(err)).contains(q(path)), err.c_str());
        std::ifstream in(path, std::ios::binary);
        const std::string after((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        QVERIFY(after == bytes);  // left untouched
    }

    void foreignSqliteRefused()
    {
        const std::string path = freshPath();
        QVERIFY(QDir().mkpath(QFileInfo(q(path)).path()));
        RawDb(path).exec("CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES('hi');");
        std::string err = openError(path);
        QVERIFY2(QString(q(err)).contains("is not a CL Workbench database"), err.c_str());
        RawDb(path).exec("PRAGMA application_id = 1234");
        err = openError(path);
        QVERIFY2(QString(q(err)).contains("application_id 0x000004D2"), err.c_str());
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM notes"), std::int64_t(1));
    }
};

QTEST_APPLESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
