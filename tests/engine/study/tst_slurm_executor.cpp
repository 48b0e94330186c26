// SPDX-License-Identifier: GPL-3.0-or-later
// The Slurm executor without a cluster: the batch script and task lines it writes, the parsing
// of sbatch, squeue and sacct output, and submit / follow / resubmit / cancel through a fake
// command runner that answers with canned outputs and records every command.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "study/executor.h"

using namespace clwb;
using namespace clwb::study;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<StudyRun> runs(int n)
{
    std::vector<StudyRun> out;
    for (int i = 0; i < n; ++i) {
        StudyRun r;
        r.index = i;
        r.label = i < 2 ? "ewc" : "finetune";
        r.groupKey = r.label;
        r.seed = i % 2;
        r.config.seed = r.seed;
        out.push_back(r);
    }
    return out;
}

/// Answers each program with the next canned output and records the commands.
struct FakeSlurm
{
    std::vector<std::vector<std::string>> calls;
    std::map<std::string, std::vector<CommandOutput>> answers;  ///< by program, in order

    CommandRunner runner()
    {
        return [this](const std::vector<std::string>& argv) {
            calls.push_back(argv);
            auto& list = answers[argv[0]];
            if (list.empty()) return CommandOutput{0, "", ""};
            CommandOutput out = list.front();
            list.erase(list.begin());
            return out;
        };
    }
};

}  // namespace

class TestSlurmExecutor : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;

private Q_SLOTS:
    void batchScript()
    {
        SbatchSpec spec;
        spec.folder = "/scratch/my study";
        spec.jobName = "clwb-study-3";
        spec.tasks = 6;
        spec.maxParallel = 2;
        spec.partition = "gpu";
        spec.time = "02:00:00";
        spec.mem = "16G";
        spec.gpus = "1";
        spec.extraLines = {"--account=proj42", "#SBATCH --constraint=a100"};
        const std::string s = sbatchScript(spec);
        const std::string expected =
            "#!/bin/bash\n"
            "#SBATCH --job-name=clwb-study-3\n"
            "#SBATCH --array=0-5%2\n"
            "#SBATCH --output=/scratch/my study/logs/%A_%a.out\n"
            "#SBATCH --partition=gpu\n"
            "#SBATCH --time=02:00:00\n"
            "#SBATCH --mem=16G\n"
            "#SBATCH --gpus=1\n"
            "#SBATCH --signal=B:TERM@60\n"
            "#SBATCH --requeue\n"
            "#SBATCH --account=proj42\n"
            "#SBATCH --constraint=a100\n"
            "# Written by clwb-run study (docs/studies.md): array task i runs line i + 1 of "
            "tasks.txt,\n"
            "# in the folder sbatch was called from, so relative paths in the configs mean what "
            "they\n"
            "# meant to clwb-run study.\n"
            "set -euo pipefail\n"
            "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" '/scratch/my study/tasks.txt')\n"
            "if [ -z \"$line\" ]; then echo \"no line for task $SLURM_ARRAY_TASK_ID in tasks.txt\" "
            ">&2; exit 2; fi\n"
            "eval \"exec $line\"\n";
        QCOMPARE(q(s), q(expected));
        spec.maxParallel = 0;
        spec.partition = spec.time = spec.mem = spec.gpus = "";
        spec.extraLines.clear();
        const std::string plain = sbatchScript(spec);
        QVERIFY(plain.find("#SBATCH --array=0-5\n") != std::string::npos);
        QVERIFY(plain.find("--partition") == std::string::npos);
    }

    void taskLines()
    {
        StudyFolder f;
        f.folder = "/scratch/s";
        f.tasks.resize(3);
        for (int i = 0; i < 3; ++i) f.tasks[size_t(i)].index = i;
        const std::string text = tasksText(f, "/opt/my clwb/clwb-run");
        std::vector<std::string> lines;
        std::stringstream ss(text);
        for (std::string l; std::getline(ss, l);) lines.push_back(l);
        QCOMPARE(int(lines.size()), 3);
        QCOMPARE(
            q(lines[2]),
            QStringLiteral("'/opt/my clwb/clwb-run' --config /scratch/s/tasks/2.json --db "
                           "/scratch/s/runs/2.sqlite --db-journal delete --quiet --summary-json "
                           "/scratch/s/runs/2.summary.json"));
        QCOMPARE(q(shellQuote("it's")), QStringLiteral("'it'\\''s'"));
        QCOMPARE(q(shellQuote("plain/path-1.json")), QStringLiteral("plain/path-1.json"));
        QCOMPARE(q(shellQuote("")), QStringLiteral("''"));
    }

    void sbatchJobId()
    {
        QCOMPARE(q(parseSbatchJobId("12345\n")), QStringLiteral("12345"));
        QCOMPARE(q(parseSbatchJobId("12345;cluster-a\n")), QStringLiteral("12345"));
        QCOMPARE(q(parseSbatchJobId("Submitted batch job 12345\n")), QString());
        QCOMPARE(q(parseSbatchJobId("")), QString());
    }

    void stateWords()
    {
        const std::vector<std::pair<std::string, TaskState>> words = {
            {"PENDING", TaskState::Pending},
            {"REQUEUED", TaskState::Pending},
            {"RUNNING", TaskState::Running},
            {"COMPLETING", TaskState::Running},
            {"COMPLETED", TaskState::Finished},
            {"FAILED", TaskState::Failed},
            {"OUT_OF_MEMORY", TaskState::Failed},
            {"TIMEOUT", TaskState::TimedOut},
            {"CANCELLED by 1000", TaskState::Cancelled},
            {"CANCELLED+", TaskState::Cancelled},
            {"NODE_FAIL", TaskState::NodeFail},
            {"PREEMPTED", TaskState::Preempted},
            {"BOOT_FAIL", TaskState::Failed},
            {"weird", TaskState::Unknown}};
        for (const auto& [w, s] : words)
            QVERIFY2(slurmState(w) == s, (w + " -> " + taskStateName(slurmState(w))).c_str());
        QVERIFY(isEnded(TaskState::Preempted) && !isEnded(TaskState::Running) &&
                !isEnded(TaskState::Unknown));
    }

    /// sacct --parsable2: steps skipped, "CANCELLED by N", pending ranges with a throttle.
    void sacctParsing()
    {
        const std::string sacct =
            "777_0|COMPLETED|0:0\n"
            "777_0.batch|COMPLETED|0:0\n"
            "777_0.extern|COMPLETED|0:0\n"
            "777_1|FAILED|1:0\n"
            "777_1.batch|FAILED|1:0\n"
            "777_2|CANCELLED by 1000|0:15\n"
            "777_3|TIMEOUT|0:0\n"
            "777_4|NODE_FAIL|0:0\n"
            "777_5|PREEMPTED|0:0\n"
            "777_6|RUNNING|0:0\n"
            "777_[7-9,12%2]|PENDING|0:0\n"
            "778|COMPLETED|0:0\n"
            "garbage line\n";
        const auto s = parseSlurmStates(sacct);
        auto at = [&](int i) { return s.at({"777", i}); };
        QVERIFY(at(0) == TaskState::Finished);
        QVERIFY(at(1) == TaskState::Failed);
        QVERIFY(at(2) == TaskState::Cancelled);
        QVERIFY(at(3) == TaskState::TimedOut);
        QVERIFY(at(4) == TaskState::NodeFail);
        QVERIFY(at(5) == TaskState::Preempted);
        QVERIFY(at(6) == TaskState::Running);
        for (int i : {7, 8, 9, 12}) QVERIFY(at(i) == TaskState::Pending);
        QCOMPARE(int(s.size()), 11);  // 778 is no array task; 10 and 11 are not listed
        // squeue --array --format=%i|%T
        const auto live = parseSlurmStates("777_6|RUNNING\n777_7|PENDING\n");
        QVERIFY(live.at({"777", 6}) == TaskState::Running);
        QVERIFY(live.at({"777", 7}) == TaskState::Pending);
    }

    /// Submit, follow (squeue before sacct), resubmit the failed ones, cancel: the commands and
    /// the states kept in the folder.
    /// Past squeue and sacct (no accounting storage, a job long gone), the task's own summary.
    void summaryFileIsTheLastWord()
    {
        QTemporaryDir dir;
        auto write = [&](const char* name, const char* text) {
            const QString file = dir.filePath(QString::fromLatin1(name));
            QFile f(file);
            f.open(QIODevice::WriteOnly);
            f.write(text);
            return file.toStdString();
        };
        QVERIFY(stateFromSummary(write("a", R"({"status": "finished", "run_id": 3})")) ==
                TaskState::Finished);
        QVERIFY(stateFromSummary(write("b", R"({"status": "failed"})")) == TaskState::Failed);
        QVERIFY(stateFromSummary(write("c", R"({"status": "cancelled"})")) ==
                TaskState::Cancelled);
        QVERIFY(!stateFromSummary(write("d", R"({"status": "fin)")));  // still being written
        QVERIFY(!stateFromSummary(write("e", R"([1, 2])")));
        QVERIFY(!stateFromSummary(dir.filePath(QStringLiteral("none")).toStdString()));
    }

    void submitFollowResubmitCancel()
    {
        const std::string folder = dir_.filePath("study").toStdString();
        auto rs = runs(4);
        StudyFolder f =
            prepareFolder(folder, dir_.filePath("runs.sqlite").toStdString(), 9, "slurm", rs, 0);
        FakeSlurm slurm;
        slurm.answers["sbatch"] = {{0, "777\n", ""}, {0, "778;cluster\n", ""}};
        slurm.answers["squeue"] = {{0, "777_0|RUNNING\n777_1|PENDING\n", ""}};
        slurm.answers["sacct"] = {
            {0,
             "777_0|RUNNING|0:0\n777_2|COMPLETED|0:0\n777_2.batch|COMPLETED|0:0\n"
             "777_3|TIMEOUT|0:0\n",
             ""}};
        ExecutorOptions o;
        o.maxParallel = 2;
        o.partition = "cpu";
        o.binary = "/usr/bin/clwb-run";
        auto ex = makeExecutor("slurm", o, slurm.runner());
        std::vector<std::string> lines;
        StudyContext ctx{f, rs, [&](const std::string& l) { lines.push_back(l); }};
        QCOMPARE(ex->run(ctx, /*submit=*/true), 0);
        QCOMPARE(int(slurm.calls.size()), 1);
        QCOMPARE(slurm.calls[0],
                 (std::vector<std::string>{"sbatch", "--parsable", f.path("study.sbatch")}));
        QVERIFY(readFile(f.path("study.sbatch")).find("#SBATCH --array=0-3%2\n") !=
                std::string::npos);
        QVERIFY(readFile(f.path("study.sbatch")).find("#SBATCH --partition=cpu\n") !=
                std::string::npos);
        const std::string tasks = readFile(f.path("tasks.txt"));
        QCOMPARE(int(std::count(tasks.begin(), tasks.end(), '\n')), 4);
        QVERIFY(readFile(f.path("tasks/3.json")).find("\"seed\": 1") != std::string::npos);
        for (const auto& t : f.tasks) QCOMPARE(q(t.job), QStringLiteral("777"));

        ex->refresh(f);
        QCOMPARE(q(slurm.calls[1][0]), QStringLiteral("squeue"));
        QCOMPARE(q(slurm.calls[1][3]), QStringLiteral("--states=all"));  // ended ones too
        QCOMPARE(q(slurm.calls[1][4]), QStringLiteral("--jobs=777"));
        QCOMPARE(q(slurm.calls[2][0]), QStringLiteral("sacct"));
        QVERIFY(f.tasks[0].state == TaskState::Running);
        QVERIFY(f.tasks[1].state == TaskState::Pending);
        QVERIFY(f.tasks[2].state == TaskState::Finished);
        QVERIFY(f.tasks[3].state == TaskState::TimedOut);
        const StudyFolder saved = StudyFolder::load(folder);  // kept in state.json
        QVERIFY(saved.tasks[3].state == TaskState::TimedOut);
        QCOMPARE(saved.jobs, std::vector<std::string>{"777"});

        QCOMPARE(q(resubmitFailed(f, o, slurm.runner())), QStringLiteral("778"));
        QCOMPARE(slurm.calls[3], (std::vector<std::string>{"sbatch", "--parsable", "--array=3%2",
                                                           f.path("study.sbatch")}));
        QCOMPARE(q(f.tasks[3].job), QStringLiteral("778"));
        QVERIFY(f.tasks[3].state == TaskState::Pending);
        QCOMPARE(q(f.tasks[2].job), QStringLiteral("777"));

        ex->cancel(f);
        QCOMPARE(slurm.calls[4], (std::vector<std::string>{"scancel", "777"}));
        QCOMPARE(slurm.calls[5], (std::vector<std::string>{"scancel", "778"}));
    }

    void sbatchFailureNamed()
    {
        auto rs = runs(2);
        StudyFolder f =
            prepareFolder(dir_.filePath("failing").toStdString(),
                          dir_.filePath("runs.sqlite").toStdString(), 1, "slurm", rs, 0);
        FakeSlurm slurm;
        slurm.answers["sbatch"] = {{1, "", "sbatch: error: invalid partition specified: nope\n"}};
        auto ex = makeExecutor("slurm", {}, slurm.runner());
        StudyContext ctx{f, rs, {}};
        bool threw = false;
        try {
            ex->run(ctx, true);
        } catch (const std::runtime_error& e) {
            threw = true;
            QVERIFY2(q(e.what()).contains("invalid partition specified: nope"), e.what());
        }
        QVERIFY(threw);
        // Writing without submitting runs no command.
        FakeSlurm quiet;
        StudyFolder g =
            prepareFolder(dir_.filePath("written").toStdString(),
                          dir_.filePath("runs.sqlite").toStdString(), 2, "slurm", rs, 0);
        StudyContext ctx2{g, rs, {}};
        makeExecutor("slurm", {}, quiet.runner())->run(ctx2, false);
        QVERIFY(quiet.calls.empty());
        QVERIFY(!readFile(g.path("study.sbatch")).empty());
        // A folder holding a study is not reused.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 prepareFolder(g.folder, "x.sqlite", 3, "slurm", rs, 0));
    }
};

QTEST_MAIN(TestSlurmExecutor)
#include "tst_slurm_executor.moc"
