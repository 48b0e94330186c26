// SPDX-License-Identifier: GPL-3.0-or-later
// Aggregating a study's stored runs: mean ± std over seeds, A_t and forgetting per task, the
// matrix per cell, grid axes, the best configuration, and the exports, on hand-made runs whose
// values are exact in binary (so every comparison is exact).
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "clwb/run_store.h"
#include "clwb/study_summary.h"

using namespace clwb;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

struct Made
{
    std::string group;
    std::int64_t seed;
    AccuracyMatrix r;   ///< 2 x 2
    double forgetting;  ///< the stored summary metric
    RunStatus status = RunStatus::Finished;
};

/// Stores a run the way a finished one is stored: row -1, rows 0.., metrics, status.
std::int64_t store(RunStore& s, std::int64_t study, int task, const Made& m)
{
    RunRecord rec;
    rec.name = m.group + " seed " + std::to_string(m.seed);
    rec.strategy = "ewc";
    const auto id = s.createRun(rec);
    s.setMatrixCell(id, {-1, 0, 0.125});
    s.setMatrixCell(id, {-1, 1, 0.125});
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) s.setMatrixCell(id, {i, j, m.r[size_t(i)][size_t(j)]});
    if (m.status == RunStatus::Finished)
        s.setMetrics(id, {{"final_average_accuracy", (m.r[1][0] + m.r[1][1]) / 2},
                          {"forgetting", m.forgetting},
                          {"wall_seconds", 2.0}});
    s.finishRun(id, m.status);
    if (study > 0) s.setRunStudy({id, study, m.group, m.seed, task});
    return id;
}

}  // namespace

class TestStudySummary : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;

private Q_SLOTS:
    void meanAndSampleStd()
    {
        const auto m = meanStd({0.5, 0.75, 1.0});
        QCOMPARE(m.mean, 0.75);
        QCOMPARE(m.std, 0.25);  // sqrt((0.0625 + 0 + 0.0625) / 2)
        QCOMPARE(m.n, 3);
        QCOMPARE(meanStd({0.5}).std, 0.0);
        QVERIFY(std::isnan(meanStd({}).mean));
    }

    void studyAggregation()
    {
        RunStore s(dir_.filePath("a.sqlite").toStdString());
        const auto study = s.createStudy(StudyRecord{0, "grid", "{}", "", "local", ""});
        const std::string a = "ewc|train.lr=0.001", b = "ewc|train.lr=0.01",
                          c = "finetune|train.lr=0.001";
        store(s, study, 0, {a, 0, {{1.0, 0.0}, {0.5, 0.5}}, 0.5});
        store(s, study, 1, {a, 1, {{1.0, 0.0}, {0.75, 0.75}}, 0.25});
        store(s, study, 2, {a, 2, {{1.0, 0.0}, {1.0, 1.0}}, 0.0});
        const auto failed =
            store(s, study, 3, {a, 3, {{1.0, 0.0}, {0.0, 0.0}}, 1.0, RunStatus::Failed});
        store(s, study, 4, {b, 0, {{0.5, 0.0}, {0.25, 0.25}}, 0.25});  // replaced by its rerun
        store(s, study, 4, {b, 0, {{0.875, 0.0}, {0.75, 0.75}}, 0.125});
        store(s, study, 5, {b, 1, {{0.875, 0.0}, {0.75, 0.75}}, 0.125});
        store(s, study, 6, {c, 0, {{1.0, 0.0}, {0.0, 0.5}}, 1.0});

        const StudySummary sum = summarizeStudy(s, study);
        QCOMPARE(q(sum.name), QStringLiteral("grid"));
        QCOMPARE(int(sum.groups.size()), 3);
        QCOMPARE(sum.unfinished, std::vector<std::int64_t>{failed});
        const GroupSummary& ga = sum.groups[0];
        QCOMPARE(q(ga.key), q(a));
        QCOMPARE(q(ga.label), QStringLiteral("ewc"));
        QCOMPARE(ga.seeds, (std::vector<std::int64_t>{0, 1, 2}));
        QCOMPARE(ga.metrics.at("final_average_accuracy").mean, 0.75);
        QCOMPARE(ga.metrics.at("final_average_accuracy").std, 0.25);
        QCOMPARE(ga.metrics.at("forgetting").mean, 0.25);
        QCOMPARE(ga.metrics.at("wall_seconds").mean, 2.0);
        // A_t and forgetting after each task, from the matrix.
        QCOMPARE(int(ga.averageAccuracy.size()), 2);
        QCOMPARE(ga.averageAccuracy[0].mean, 1.0);
        QCOMPARE(ga.averageAccuracy[0].std, 0.0);
        QCOMPARE(ga.averageAccuracy[1].mean, 0.75);
        QCOMPARE(ga.averageAccuracy[1].std, 0.25);
        QCOMPARE(ga.forgetting[0].mean, 0.0);
        QCOMPARE(ga.forgetting[1].mean, 0.25);  // (0.5 + 0.25 + 0) / 3
        QCOMPARE(ga.forgetting[1].std, 0.25);
        // The matrix per cell; the row before training is not in it.
        QCOMPARE(int(ga.matrix.size()), 2);
        QCOMPARE(ga.matrix[1][0].mean, 0.75);
        QCOMPARE(ga.matrix[1][0].std, 0.25);
        QCOMPARE(ga.matrix[0][1].mean, 0.0);
        // The rerun of seed 0 replaced the first run.
        const GroupSummary& gb = sum.groups[1];
        QCOMPARE(int(gb.runIds.size()), 2);
        QCOMPARE(gb.metrics.at("final_average_accuracy").mean, 0.75);
        QCOMPARE(gb.metrics.at("final_average_accuracy").std, 0.0);
        QCOMPARE(gb.forgetting[1].mean, 0.125);
        // A_T ties between a and b: the lower forgetting wins.
        QCOMPARE(sum.best, 1);
        // The grid axis: A_T per value for each other setting.
        QCOMPARE(int(sum.axes.size()), 1);
        const AxisTable& t = sum.axes[0];
        QCOMPARE(q(t.axis), QStringLiteral("train.lr"));
        QCOMPARE(t.values, (std::vector<std::string>{"0.001", "0.01"}));
        QCOMPARE(t.rows, (std::vector<std::string>{"ewc", "finetune"}));
        QCOMPARE(t.cells[0][0].mean, 0.75);
        QCOMPARE(t.cells[0][1].mean, 0.75);
        QCOMPARE(t.cells[1][0].mean, 0.25);
        QCOMPARE(t.cells[1][1].n, 0);  // finetune was not run at 0.01
        QCOMPARE(sum.metricKeys.front(), std::string("final_average_accuracy"));

        // Any run ids: grouped by their study group where they have one.
        const auto some = summarizeRunIds(s, {sum.groups[0].runIds[0], sum.groups[0].runIds[1]});
        QCOMPARE(int(some.groups.size()), 1);
        QCOMPARE(some.groups[0].metrics.at("final_average_accuracy").mean, 0.625);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarizeRunIds(s, {9999}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarizeStudy(s, 9999));
    }

    void exports()
    {
        std::vector<SummaryInput> runs;
        for (int seed = 0; seed < 2; ++seed) {
            SummaryInput in;
            in.runId = seed + 1;
            in.groupKey = "ewc_x|params.lambda=100";
            in.seed = seed;
            in.matrix = {{1.0, 0.0}, {0.5, seed ? 1.0 : 0.5}};
            in.metrics = {{"final_average_accuracy", seed ? 0.75 : 0.5}, {"forgetting", 0.5}};
            runs.push_back(in);
        }
        SummaryInput other;
        other.runId = 3;
        other.groupKey = "finetune|params.lambda=10";
        other.matrix = {{1.0, 0.0}, {0.0, 0.5}};
        other.metrics = {{"final_average_accuracy", 0.25}, {"forgetting", 1.0}};
        runs.push_back(other);
        const auto s = summarizeRuns(runs);

        const std::string csv = studySummaryCsv(s);
        QVERIFY2(q(csv).startsWith("group,label,params.lambda,n,seeds,final_average_accuracy_mean,"
                                   "final_average_accuracy_std,forgetting_mean,forgetting_std\n"),
                 csv.c_str());
        QVERIFY2(csv.find("ewc_x|params.lambda=100,ewc_x,100,2,0 1,0.625,0.176777,0.5,0\n") !=
                     std::string::npos,
                 csv.c_str());
        QVERIFY2(csv.find("ewc_x|params.lambda=100,2,0.625,0.176777,0.5,0\n") != std::string::npos,
                 csv.c_str());

        const std::string md = studySummaryMarkdown(s);
        QVERIFY2(md.find("| ewc_x (params.lambda=100) | 2 | **62.5 ± 17.7** | **50.0 ± 0.0** |") !=
                     std::string::npos,
                 md.c_str());
        QVERIFY2(md.find("| finetune (params.lambda=10) | 1 | 25.0 ± 0.0 | 100.0 ± 0.0 |") !=
                     std::string::npos,
                 md.c_str());
        QVERIFY(
            md.find(
                "Best configuration (A_T, ties by forgetting): **ewc_x (params.lambda=100)**") !=
            std::string::npos);
        QVERIFY(md.find("## A_T by params.lambda") != std::string::npos);

        const std::string tex = studySummaryLatex(s);
        QVERIFY2(tex.find("\\toprule") != std::string::npos &&
                     tex.find("\\bottomrule") != std::string::npos,
                 tex.c_str());
        QVERIFY2(tex.find("ewc\\_x (params.lambda=100) & \\textbf{62.5} $\\pm$ 17.7 & "
                          "\\textbf{50.0} $\\pm$ 0.0 \\\\") != std::string::npos,
                 tex.c_str());
        QVERIFY2(
            tex.find("finetune (params.lambda=10) & 25.0 $\\pm$ 0.0 & 100.0 $\\pm$ 0.0 \\\\") !=
                std::string::npos,
            tex.c_str());

        const auto json = nlohmann::json::parse(studySummaryJson(s));
        QCOMPARE(json["best"].get<std::string>(), std::string("ewc_x|params.lambda=100"));
        QCOMPARE(json["groups"][0]["metrics"]["final_average_accuracy"]["mean"].get<double>(),
                 0.625);
        QCOMPARE(json["groups"][0]["point"]["params.lambda"].get<int>(), 100);
        QCOMPARE(json["groups"][0]["average_accuracy"][1]["mean"].get<double>(), 0.625);
        QCOMPARE(json["groups"][1]["seeds"].size(), std::size_t(1));
        QVERIFY(
            json["axes"][0]["final_average_accuracy"][0][1]["mean"].is_null());  // no such group
    }
};

QTEST_MAIN(TestStudySummary)
#include "tst_study_summary.moc"
