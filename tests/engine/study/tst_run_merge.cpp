// SPDX-License-Identifier: GPL-3.0-or-later
// Merging a study task's own database into the user's: every row keyed by the run copied under
// a new id, study membership and log file, at most once, and nothing half-merged when a merge
// fails or its process is killed in the middle.
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "clwb/run_log.h"
#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "study/run_merge.h"

using namespace clwb;
using clwb::study::mergeRuns;
using clwb::study::MergeSource;
using clwb::test::RawDb;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

/// Every table the schema keys by run id (schema.cpp), with what the sample run stores in it.
const std::vector<std::string> kRunTables = {"series",       "matrices",    "metrics",
                                             "importance",   "qa_examples", "confusion",
                                             "classes",      "gallery",     "gallery_predictions",
                                             "drift_points", "drift",       "drift_boundaries"};

/// A finished run with a row in every table keyed by run id, and its log file.
std::int64_t sampleRun(RunStore& s, const std::string& name, int seriesPoints = 3)
{
    RunRecord rec;
    rec.name = name;
    rec.strategy = "ewc";
    rec.configJson = R"({"seed": 1})";
    rec.seed = 1;
    const auto id = s.createRun(rec);
    std::vector<SeriesPoint> points;
    for (int i = 0; i < seriesPoints; ++i) points.push_back({"loss", i, 0, 1.0 / (i + 1)});
    points.push_back({"acc/task0", 0, 0, 0.5});
    s.appendSeries(id, points);
    s.setMatrixCell(id, {-1, 0, 0.125});
    s.setMatrixCell(id, {0, 0, 0.75});
    s.setMatrixCell(id, {0, 0, 0.25}, kFormatMatrix);
    s.setMetrics(id, {{"final_average_accuracy", 0.75}, {"bwt", -0.125}});
    ImportanceSnapshot snap;
    snap.kind = "fisher";
    snap.cells = {ImportanceCell{0, "qkv", 0.5, 1, 2, {0.25f, 0.5f}}};
    s.addImportance(id, snap);
    s.setQaExamples(id, 0, {QaExample{0, "yn", "Is it?", "yes", "no", false, true, false}});
    s.setClasses(id, {{0, 0}, {"a", "b"}});
    s.setConfusion(id, {0, 2, {3, 1, 0, 4}});
    s.setGallery(id, {GalleryImage{0, 1, 1, 1, 1, {200}}});
    s.setGalleryPredictions(id, 0, {1});
    s.setDriftLabels(id, {0, 1});
    s.setDrift(id, 0, {0.5f, 0.25f, -1.0f, 2.0f}, 0.75);
    s.finishRun(id, RunStatus::Finished);
    const auto log = runLogPath(s.path(), id);
    std::filesystem::create_directories(std::filesystem::path(log).parent_path());
    std::ofstream(log) << "log of " << name << "\n";
    return id;
}

std::int64_t count(const std::string& db, const std::string& table, std::int64_t runId)
{
    return RawDb(db).integer("SELECT count(*) FROM " + table +
                             " WHERE run_id = " + std::to_string(runId));
}

}  // namespace

class TestRunMerge : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;
    int next_ = 0;
    std::string fresh(const std::string& name)
    {
        return dir_.filePath(QStringLiteral("%1/%2").arg(++next_).arg(q(name))).toStdString();
    }

private Q_SLOTS:
    void everyRowCopiedOnce()
    {
        const std::string src = fresh("task/0.sqlite"), dst = fresh("user/runs.sqlite");
        std::int64_t from = 0, running = 0, study = 0;
        {
            RunStore s(src, Journal::Delete);
            from = sampleRun(s, "task run");
            running = s.createRun(RunRecord{});  // this process is alive: stays running
        }
        {
            RunStore t(dst);
            sampleRun(t, "already there");  // so the merged run gets another id
            study = t.createStudy(StudyRecord{0, "s", "{}", "", "local", ""});
        }
        const MergeSource source{src, Journal::Delete, study, "ewc|train.lr=0.001", 1, 4};
        const auto first = mergeRuns(dst, source);
        QCOMPARE(first.merged, 1);
        QCOMPARE(first.running, 1);
        QCOMPARE(first.already, 0);
        QCOMPARE(int(first.runIds.size()), 1);
        const auto to = first.runIds[0];
        QVERIFY(to != from);
        QVERIFY(first.statuses[0] == RunStatus::Finished);

        // Every table keyed by run id, the list checked against the schema itself.
        RawDb raw(dst);
        const auto tables = raw.integer(
            "SELECT count(*) FROM sqlite_master m WHERE type = 'table' AND name NOT IN "
            "('study_runs', 'merged_runs') AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) "
            "WHERE name = 'run_id')");
        QCOMPARE(tables, std::int64_t(kRunTables.size()));
        for (const auto& t : kRunTables) {
            QVERIFY2(count(src, t, from) > 0, t.c_str());
            QVERIFY2(count(dst, t, to) == count(src, t, from), t.c_str());
        }
        RunStore check(dst);
        const auto run = check.run(to);
        QCOMPARE(q(run->name), QStringLiteral("task run"));
        QVERIFY(run->status == RunStatus::Finished);
        QCOMPARE(run->metrics.at("bwt"), -0.125);
        QCOMPARE(check.series(to).back().value, 1.0 / 3);
        QCOMPARE(check.matrix(to, kFormatMatrix)[0].accuracy, 0.25);
        QCOMPARE(check.importance(to)[0].cells[0].map, (std::vector<float>{0.25f, 0.5f}));
        QCOMPARE(check.gallery(to)[0].pixels, (std::vector<std::uint8_t>{200}));
        QCOMPARE(check.drift(to).at(0).xy, (std::vector<float>{0.5f, 0.25f, -1.0f, 2.0f}));
        QCOMPARE(check.confusions(to)[0].counts, (std::vector<std::int64_t>{3, 1, 0, 4}));
        const auto member = check.runStudy(to);
        QVERIFY(member.has_value());
        QCOMPARE(member->studyId, study);
        QCOMPARE(q(member->groupKey), QStringLiteral("ewc|train.lr=0.001"));
        QCOMPARE(member->seed, std::int64_t(1));
        QCOMPARE(member->taskIndex, 4);
        std::ifstream log(runLogPath(dst, to));
        std::string line;
        std::getline(log, line);
        QCOMPARE(q(line), QStringLiteral("log of task run"));
        // The source keeps its DELETE journal and its rows.
        QCOMPARE(q(RawDb(src).text("PRAGMA journal_mode")), QStringLiteral("delete"));
        QCOMPARE(count(src, "series", from), std::int64_t(4));

        // A second merge is a no-op.
        const auto totalRuns = raw.integer("SELECT count(*) FROM runs");
        const auto totalSeries = raw.integer("SELECT count(*) FROM series");
        const auto again = mergeRuns(dst, source);
        QCOMPARE(again.merged, 0);
        QCOMPARE(again.already, 1);
        QCOMPARE(raw.integer("SELECT count(*) FROM runs"), totalRuns);
        QCOMPARE(raw.integer("SELECT count(*) FROM series"), totalSeries);

        // The run still running ends (a requeued task's second run): it alone is merged next.
        {
            RunStore s(src, Journal::Delete);
            s.finishRun(running, RunStatus::Cancelled, "stopped");
        }
        const auto third = mergeRuns(dst, source);
        QCOMPARE(third.merged, 1);
        QCOMPARE(third.already, 1);
        QVERIFY(third.statuses[0] == RunStatus::Cancelled);
        QCOMPARE(int(check.runsOfStudy(study).size()), 2);

        // A deleted merged run is not merged back.
        check.deleteRun(to);
        QCOMPARE(mergeRuns(dst, source).merged, 0);
    }

    void missingSourceMergesNothing()
    {
        const std::string dst = fresh("runs.sqlite");
        const auto o = mergeRuns(dst, MergeSource{fresh("none.sqlite")});
        QCOMPARE(o.merged + o.already + o.running, 0);
    }

    /// A file written anew (the same run id, another start) is another run.
    void rewrittenSourceIsNew()
    {
        const std::string src = fresh("0.sqlite"), dst = fresh("runs.sqlite");
        {
            RunStore s(src);
            sampleRun(s, "first");
        }
        QCOMPARE(mergeRuns(dst, MergeSource{src}).merged, 1);
        std::filesystem::remove(src);
        std::filesystem::remove_all(std::filesystem::path(src).parent_path() / "0.logs");
        QTest::qWait(5);  // a later start time (milliseconds)
        {
            RunStore s(src);
            sampleRun(s, "second");
        }
        QCOMPARE(mergeRuns(dst, MergeSource{src}).merged, 1);
        QCOMPARE(RawDb(dst).integer("SELECT count(*) FROM runs"), std::int64_t(2));
    }

    /// A run whose process died mid-run (left "running") is merged as interrupted.
    void deadTaskMergedAsInterrupted()
    {
        const std::string src = fresh("0.sqlite"), dst = fresh("runs.sqlite");
        {
            RunStore s(src);
            s.createRun(RunRecord{});
        }
        const pid_t child = fork();
        if (child == 0) _exit(0);
        waitpid(child, nullptr, 0);
        RawDb(src).exec("UPDATE runs SET pid = " + std::to_string(child));
        const auto o = mergeRuns(dst, MergeSource{src});
        QCOMPARE(o.merged, 1);
        QVERIFY(o.statuses[0] == RunStatus::Interrupted);
    }

    /// A merge that fails in its middle (an insert into `gallery` refused after the run, its
    /// series and matrices went in) leaves the target without any of it; the source is intact;
    /// the merge succeeds later.
    void failedMergeLeavesNothing()
    {
        const std::string src = fresh("0.sqlite"), dst = fresh("runs.sqlite");
        std::int64_t study = 0;
        {
            RunStore s(src);
            sampleRun(s, "task");
        }
        {
            RunStore t(dst);
            sampleRun(t, "mine");
            study = t.createStudy(StudyRecord{0, "s", "{}", "", "local", ""});
        }
        RawDb(dst).exec(
            "CREATE TRIGGER fail_merge BEFORE INSERT ON gallery "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END;");
        const MergeSource source{src, Journal::Wal, study, "g", 0, 0};
        bool threw = false;
        try {
            mergeRuns(dst, source);
        } catch (const std::runtime_error& e) {
            threw = true;
            QVERIFY2(q(e.what()).contains("injected fault"), e.what());
        }
        QVERIFY(threw);
        RawDb raw(dst);
        QCOMPARE(raw.integer("SELECT count(*) FROM runs"), std::int64_t(1));
        for (const auto& t : kRunTables)
            QCOMPARE(raw.integer("SELECT count(*) FROM " + t + " WHERE run_id <> 1"),
                     std::int64_t(0));
        QCOMPARE(raw.integer("SELECT count(*) FROM merged_runs"), std::int64_t(0));
        QCOMPARE(raw.integer("SELECT count(*) FROM study_runs"), std::int64_t(0));
        QCOMPARE(RawDb(src).integer("SELECT count(*) FROM runs"), std::int64_t(1));
        QCOMPARE(RawDb(src).integer("SELECT count(*) FROM series"), std::int64_t(4));

        raw.exec("DROP TRIGGER fail_merge");
        const auto o = mergeRuns(dst, source);
        QCOMPARE(o.merged, 1);
        for (const auto& t : kRunTables) QVERIFY2(count(dst, t, o.runIds[0]) > 0, t.c_str());
    }

    /// SIGKILL at some moment of a merge of many rows: the target holds the whole run or none of
    /// it, and the next merge completes it exactly once.
    void killedMergeIsAllOrNothing()
    {
        const std::string src = fresh("0.sqlite");
        {
            RunStore s(src);
            sampleRun(s, "big", 200000);
        }
        const std::int64_t points = RawDb(src).integer("SELECT count(*) FROM series");
        int whole = 0, none = 0;
        for (int attempt = 0; attempt < 4; ++attempt) {
            const std::string dst = fresh("runs.sqlite");
            RunStore(dst).createStudy(StudyRecord{0, "s", "{}", "", "local", ""});
            const MergeSource source{src, Journal::Wal, 1, "g", 0, 0};
            const pid_t child = fork();
            if (child == 0) {
                try {
                    mergeRuns(dst, source);
                } catch (...) {
                }
                _exit(0);
            }
            usleep(useconds_t(20000 + 60000 * attempt));
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
            RawDb raw(dst);
            const auto runs = raw.integer("SELECT count(*) FROM runs");
            const auto series = raw.integer("SELECT count(*) FROM series");
            const auto marks = raw.integer("SELECT count(*) FROM merged_runs");
            QVERIFY2((runs == 0 && series == 0 && marks == 0) ||
                         (runs == 1 && series == points && marks == 1),
                     (std::to_string(runs) + " runs, " + std::to_string(series) + " points, " +
                      std::to_string(marks) + " marks")
                         .c_str());
            (runs ? whole : none)++;
            const auto o = mergeRuns(dst, source);
            QCOMPARE(o.merged + o.already, 1);
            QCOMPARE(RawDb(dst).integer("SELECT count(*) FROM series"), points);
        }
        qInfo("killed merges: %d had committed, %d had not", whole, none);
    }
};

QTEST_MAIN(TestRunMerge)
#include "tst_run_merge.moc"
