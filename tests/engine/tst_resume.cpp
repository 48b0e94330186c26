// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoints at task boundaries and resume (docs/reliability.md): every registered strategy,
// stopped during task 2 and resumed, gives exactly what the uninterrupted run gives (matrix,
// metrics and every stored series, snapshot and row); resume is refused when the config, the
// code or the backbone file changed, or the run finished; pruning; atomic writes.
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint/run_checkpoint.h"
#include "checkpoint/state_archive.h"
#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"
#include "engine/test_configs.h"
#include "engine/test_runs.h"
#include "model/vit.h"

using namespace clwb;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(clwb::ParamValues)

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

/// Tiny and quick, yet every kind of state is exercised: 3 tasks, 2 steps a task, a curve point
/// every step, augmentation (the data-order generator), and per strategy the settings under
/// which its state matters (IPC freezes matrices, KIF fuses every step, MIST pre-adapts).
RunConfig resumeConfig(const std::string& strategy, const ParamValues& extra = {})
{
    auto c = test::tinyConfig(strategy, 3);
    c.train.epochs = 1;
    c.train.evalEvery = 1;
    c.data.testPerClass = 8;
    c.data.curvePerTask = 8;
    c.data.galleryPerTask = 2;
    c.data.driftPerClass = 4;
    c.data.augment = "crop-flip";
    if (strategy == "lorac-ipc") c.params["threshold"] = 0.25;  // 3 of 12 matrices per task
    if (strategy == "recurrent-kif") {
        c.params["inner_steps"] = 1;
        c.params["outer_steps"] = 1;
        c.params["outer_batch"] = 8;
        c.params["memory_percent"] = 10;
    }
    if (strategy == "mist") {
        c.params["mi_epochs"] = 2;
        c.params["mi_batch"] = 16;
    }
    if (strategy == "ewc") c.params["fisher_samples"] = 64;
    for (const auto& [k, v] : extra) c.params[k] = v;
    return c;
}

/// Runs `cfg` into `store` and stops it (the callback returns false) during task `task`: at its
/// second step, or when its row arrives if it has none (a strategy that does not train).
RunResult runStoppedDuring(const RunConfig& cfg, RunStore& store, int task)
{
    int steps = 0;
    return runExperiment(cfg, &store, [&](const RunEvent& e) {
        if (e.task != task) return true;
        if (e.kind == RunEvent::Kind::Step) return ++steps < 2;
        return e.kind != RunEvent::Kind::TaskEvaluated;
    });
}

bool same(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

/// Everything the two runs stored, compared exactly; the first difference is reported.
std::string storedDifference(RunStore& store, std::int64_t a, std::int64_t b)
{
    const auto sa = store.series(a), sb = store.series(b);
    if (sa.size() != sb.size())
        return "series: " + std::to_string(sa.size()) + " vs " + std::to_string(sb.size()) +
               " points";
    for (size_t i = 0; i < sa.size(); ++i)
        if (sa[i].key != sb[i].key || sa[i].step != sb[i].step || sa[i].task != sb[i].task ||
            !same(sa[i].value, sb[i].value))
            return "series point " + std::to_string(i) + " (" + sa[i].key + " at step " +
                   std::to_string(sa[i].step) + "): " + std::to_string(sa[i].value) + " vs " +
                   std::to_string(sb[i].value);
    for (const auto& kind : store.matrixKinds(a)) {
        const auto ma = store.matrix(a, kind), mb = store.matrix(b, kind);
        if (ma.size() != mb.size()) return kind + " matrix size";
        for (size_t i = 0; i < ma.size(); ++i)
            if (ma[i].afterTask != mb[i].afterTask || ma[i].evalTask != mb[i].evalTask ||
                !same(ma[i].accuracy, mb[i].accuracy))
                return kind + " matrix cell " + std::to_string(i);
    }
    const auto ia = store.importance(a), ib = store.importance(b);
    if (ia.size() != ib.size()) return "importance snapshot count";
    for (size_t i = 0; i < ia.size(); ++i) {
        if (ia[i].task != ib[i].task || ia[i].kind != ib[i].kind ||
            ia[i].cells.size() != ib[i].cells.size())
            return "importance snapshot " + std::to_string(i);
        for (size_t c = 0; c < ia[i].cells.size(); ++c) {
            const auto &x = ia[i].cells[c], &y = ib[i].cells[c];
            if (x.block != y.block || x.module != y.module || !same(x.score, y.score) ||
                x.rows != y.rows || x.cols != y.cols || x.map != y.map)
                return "importance of task " + std::to_string(ia[i].task) + ", " + x.module +
                       " of block " + std::to_string(x.block) + ": " + std::to_string(x.score) +
                       " vs " + std::to_string(y.score);
        }
    }
    const auto ca = store.confusions(a), cb = store.confusions(b);
    if (ca.size() != cb.size()) return "confusion count";
    for (size_t i = 0; i < ca.size(); ++i)
        if (ca[i].afterTask != cb[i].afterTask || ca[i].counts != cb[i].counts)
            return "confusion after task " + std::to_string(ca[i].afterTask);
    if (store.galleryPredictions(a) != store.galleryPredictions(b)) return "gallery predictions";
    const auto da = store.drift(a), db = store.drift(b);
    if (da.size() != db.size()) return "drift boundaries";
    for (const auto& [t, p] : da)
        if (!db.count(t) || db.at(t).xy != p.xy || !same(db.at(t).explained, p.explained))
            return "drift after task " + std::to_string(t);
    auto metrics = [&](std::int64_t id) {
        auto m = store.run(id)->metrics;
        m.erase("wall_seconds");
        return m;
    };
    const auto ma = metrics(a), mb = metrics(b);
    if (ma.size() != mb.size()) return "stored metric count";
    for (const auto& [k, v] : ma)
        if (!mb.count(k) || !same(mb.at(k), v)) return "stored metric " + k;
    return {};
}

/// Replaces the JSON header of a checkpoint file (layout: state_archive.cpp), with a new CRC-32.
void rewriteHeader(const std::string& path, const std::string& header)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::uint64_t oldLength = 0;
    std::memcpy(&oldLength, bytes.data() + 12, 8);
    std::vector<char> out(bytes.begin(), bytes.begin() + 12);
    const std::uint64_t length = header.size();
    out.insert(out.end(), reinterpret_cast<const char*>(&length),
               reinterpret_cast<const char*>(&length) + 8);
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), bytes.begin() + 20 + long(oldLength), bytes.end() - 4);
    const auto crc = std::uint32_t(crc32_z(
        crc32_z(0, nullptr, 0), reinterpret_cast<const unsigned char*>(out.data()), out.size()));
    out.insert(out.end(), reinterpret_cast<const char*>(&crc),
               reinterpret_cast<const char*>(&crc) + 4);
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(out.data(), long(out.size()));
}

}  // namespace

class TestResume : public QObject
{
    Q_OBJECT

private:
    clwb::test::TempDatabases dbs_{QStringLiteral("db%1/runs.sqlite")};
    std::string freshDb() { return dbs_.next(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dbs_.isValid()); }

    /// Every registered strategy (and a few variants whose state differs): uninterrupted, then
    /// stopped during task 2 and resumed from the checkpoint after task 1, in the same run row.
    void everyStrategyResumesBitIdentically_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<ParamValues>("extra");
        for (const auto& s : listStrategies())
            QTest::newRow(s.id.c_str()) << q(s.id) << ParamValues{};
        QTest::newRow("seq-lora merge") << QStringLiteral("seq-lora") << ParamValues{{"mode", 1}};
        QTest::newRow("ewc online") << QStringLiteral("ewc") << ParamValues{{"online", 1}};
        QTest::newRow("recurrent-kif static")
            << QStringLiteral("recurrent-kif") << ParamValues{{"mode", 2}};
        QTest::newRow("mist freeze random-per-step")
            << QStringLiteral("mist") << ParamValues{{"base", 1}, {"selection", 1}};
        QTest::newRow("hide paper fusion") << QStringLiteral("hide") << ParamValues{{"fusion", 1}};
    }
    void everyStrategyResumesBitIdentically()
    {
        QFETCH(QString, strategy);
        QFETCH(ParamValues, extra);
        const auto cfg = resumeConfig(strategy.toStdString(), extra);
        RunStore store(freshDb());

        const auto full = test::run(cfg, &store).result;
        QVERIFY2(full.status == RunStatus::Finished, full.message.c_str());

        const auto stopped = runStoppedDuring(cfg, store, 2);
        QVERIFY2(stopped.status == RunStatus::Cancelled, stopped.message.c_str());
        // Rows 0 and 1, and row 2 too when the stop came with it (a strategy without steps).
        QVERIFY(stopped.accuracyMatrix.size() >= 2);
        // Something of task 2 was stored before the stop: resume must drop it.
        bool task2 = !store.matrix(stopped.runId).empty() &&
                     store.matrix(stopped.runId).back().afterTask == 2;
        for (const auto& p : store.series(stopped.runId)) task2 = task2 || p.task == 2;
        QVERIFY(task2);
        const auto at = store.resumability(stopped.runId);
        QVERIFY2(at.resumable, at.reason.c_str());
        QCOMPARE(at.afterTask, 1);
        QVERIFY2(resumeProblem(store, stopped.runId).empty(),
                 resumeProblem(store, stopped.runId).c_str());

        std::vector<RunStatus> seen;
        const auto resumed = resumeExperiment(store, stopped.runId, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Started) seen.push_back(store.run(stopped.runId)->status);
            return true;
        });
        QVERIFY2(resumed.status == RunStatus::Finished, resumed.message.c_str());
        QCOMPARE(resumed.runId, stopped.runId);
        QCOMPARE(seen, std::vector<RunStatus>{RunStatus::Running});
        QVERIFY(store.run(stopped.runId)->status == RunStatus::Finished);
        QCOMPARE(int(store.listRuns().size()), 2);

        // The result, exactly.
        QCOMPARE(resumed.accuracyMatrix.size(), full.accuracyMatrix.size());
        for (size_t i = 0; i < full.accuracyMatrix.size(); ++i)
            for (size_t j = 0; j < full.accuracyMatrix[i].size(); ++j)
                QVERIFY2(resumed.accuracyMatrix[i][j] == full.accuracyMatrix[i][j],
                         qPrintable(QStringLiteral("cell %1,%2: %3 vs %4")
                                        .arg(i)
                                        .arg(j)
                                        .arg(resumed.accuracyMatrix[i][j], 0, 'g', 17)
                                        .arg(full.accuracyMatrix[i][j], 0, 'g', 17)));
        QVERIFY(resumed.initialAccuracy == full.initialAccuracy);
        const auto mr = metricsAsList(resumed.metrics), mf = metricsAsList(full.metrics);
        QCOMPARE(mr.size(), mf.size());
        for (size_t i = 0; i < mf.size(); ++i)
            QVERIFY2(same(mr[i].second, mf[i].second), mf[i].first.c_str());
        QCOMPARE(resumed.storedParams, full.storedParams);
        QCOMPARE(resumed.trainableParams, full.trainableParams);
        // And everything stored on the way: losses, curves, rows, snapshots, confusion, drift.
        const auto diff = storedDifference(store, full.runId, stopped.runId);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    /// checkpoint.keep 0: no checkpoint is written, and a stopped run restarts from its first
    /// task in its row, again equal to the uninterrupted run.
    void withoutCheckpointsRestartsFromTheStart()
    {
        auto cfg = resumeConfig("ewc");
        cfg.checkpoint.keep = 0;
        RunStore store(freshDb());
        const auto full = test::run(cfg, &store).result;
        const auto stopped = runStoppedDuring(cfg, store, 1);
        QVERIFY(stopped.status == RunStatus::Cancelled);
        QVERIFY(!fs::exists(runCheckpointDir(store.path(), stopped.runId)));
        const auto at = store.resumability(stopped.runId);
        QVERIFY(at.resumable);
        QVERIFY(at.checkpoint.empty());
        const auto resumed = resumeExperiment(store, stopped.runId, {});
        QVERIFY2(resumed.status == RunStatus::Finished, resumed.message.c_str());
        QVERIFY(resumed.accuracyMatrix == full.accuracyMatrix);
        const auto diff = storedDifference(store, full.runId, stopped.runId);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void refusesFinishedAndUnknownRuns()
    {
        RunStore store(freshDb());
        const auto full = test::run(resumeConfig("finetune"), &store).result;
        const auto why = resumeProblem(store, full.runId);
        QVERIFY2(q(why).contains("finished"), why.c_str());
        std::vector<RunEvent> events;
        const auto r = resumeExperiment(store, full.runId, [&](const RunEvent& e) {
            events.push_back(e);
            return true;
        });
        QVERIFY(r.status == RunStatus::Failed);
        QVERIFY2(q(r.message).contains("finished"), r.message.c_str());
        QCOMPARE(int(events.size()), 1);
        QVERIFY(events[0].kind == RunEvent::Kind::Failed);
        QVERIFY(store.run(full.runId)->status == RunStatus::Finished);
        QVERIFY(q(resumeProblem(store, 999)).contains("no run 999"));
    }

    /// The stored config edited behind the run's back: refused, naming the key; the run is
    /// left as it was.
    void refusesChangedConfig()
    {
        RunStore store(freshDb());
        const auto stopped = runStoppedDuring(resumeConfig("finetune"), store, 2);
        {
            test::RawDb raw(store.path());
            raw.exec(
                "UPDATE runs SET config_json = replace(config_json, '\"lr\": 0.003', "
                "'\"lr\": 0.001') WHERE id = " +
                std::to_string(stopped.runId));
        }
        const auto why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("stored config differs") && q(why).contains("train.lr"),
                 why.c_str());
        const auto r = resumeExperiment(store, stopped.runId, {});
        QVERIFY(r.status == RunStatus::Failed);
        QVERIFY2(q(r.message).contains("train.lr"), r.message.c_str());
        QVERIFY(store.run(stopped.runId)->status == RunStatus::Cancelled);
        QCOMPARE(int(store.matrix(stopped.runId).size()), 3 * 3);  // rows -1, 0, 1 kept
    }

    /// A checkpoint written by another clwb version is refused, naming it.
    void refusesOtherCodeVersion()
    {
        RunStore store(freshDb());
        const auto stopped = runStoppedDuring(resumeConfig("finetune"), store, 2);
        const auto file = store.run(stopped.runId)->checkpointPath;
        auto header = nlohmann::json::parse(clwb::detail::readStateHeader(file));
        header["code"]["clwb"] = "0.0.9";
        rewriteHeader(file, header.dump(2));
        clwb::detail::verifyStateFile(file);  // a well-formed file, only older
        const auto why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("code differs") && q(why).contains("0.0.9"), why.c_str());
        QVERIFY(resumeExperiment(store, stopped.runId, {}).status == RunStatus::Failed);
        QVERIFY(store.run(stopped.runId)->status == RunStatus::Cancelled);
    }

    /// The backbone file touched or rewritten since the checkpoint: refused, naming the file.
    void refusesChangedBackbone()
    {
        const auto backbone = dbs_.filePath(QStringLiteral("backbone.pt")).toStdString();
        clwb::detail::Vit(test::tinyModel(), 4)->saveBackbone(backbone);
        auto cfg = resumeConfig("seq-lora");
        cfg.model.backbone = backbone;
        RunStore store(freshDb());
        const auto stopped = runStoppedDuring(cfg, store, 2);
        QVERIFY2(stopped.status == RunStatus::Cancelled, stopped.message.c_str());
        QVERIFY2(resumeProblem(store, stopped.runId).empty(),
                 resumeProblem(store, stopped.runId).c_str());

        const auto mtime = fs::last_write_time(backbone);
        fs::last_write_time(backbone, mtime + std::chrono::seconds(5));
        auto why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("backbone file") && q(why).contains("modification time"),
                 why.c_str());
        fs::last_write_time(backbone, mtime);
        QVERIFY(resumeProblem(store, stopped.runId).empty());

        std::ofstream(backbone, std::ios::app) << "x";
        why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("backbone file") && q(why).contains("size"), why.c_str());
        fs::remove(backbone);
        why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("backbone") && !why.empty(), why.c_str());
        QVERIFY(store.run(stopped.runId)->status == RunStatus::Cancelled);
    }

    /// A checkpoint damaged on disk is refused before anything is changed.
    void refusesDamagedCheckpoint()
    {
        RunStore store(freshDb());
        const auto stopped = runStoppedDuring(resumeConfig("finetune"), store, 2);
        const auto file = store.run(stopped.runId)->checkpointPath;
        {
            std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(long(fs::file_size(file) / 2));
            f.put('\x5a');
        }
        const auto why = resumeProblem(store, stopped.runId);
        QVERIFY2(q(why).contains("damaged"), why.c_str());
        QVERIFY(store.run(stopped.runId)->status == RunStatus::Cancelled);
    }

    /// checkpoint.keep files stay, the newest; the run row points at the last one and counts
    /// their bytes.
    void keepsTheNewestCheckpoints_data()
    {
        QTest::addColumn<int>("keep");
        QTest::newRow("keep 1") << 1;
        QTest::newRow("keep 2") << 2;
        QTest::newRow("keep 9") << 9;
        QTest::newRow("keep 0") << 0;
    }
    void keepsTheNewestCheckpoints()
    {
        QFETCH(int, keep);
        auto cfg = test::tinyConfig("o-lora", 4);
        cfg.train.epochs = 1;
        cfg.checkpoint.keep = keep;
        RunStore store(freshDb());
        std::vector<int> written;
        const auto r = runExperiment(cfg, &store, [&](const RunEvent& e) {
            if (e.kind == RunEvent::Kind::Checkpoint) {
                written.push_back(e.task);
                // Recorded before the caller hears of it (the store's only run: id 1).
                if (store.run(1)->checkpointTask != e.task) return false;
            }
            return true;
        });
        QVERIFY2(r.status == RunStatus::Finished, r.message.c_str());
        const auto folder = runCheckpointDir(store.path(), r.runId);
        const auto run = store.run(r.runId);
        if (keep == 0) {
            QVERIFY(written.empty());
            QVERIFY(!fs::exists(folder));
            QVERIFY(run->checkpointPath.empty());
            QCOMPARE(run->checkpointBytes, std::int64_t(0));
            return;
        }
        QCOMPARE(written, (std::vector<int>{0, 1, 2, 3}));
        std::vector<std::string> files;
        std::int64_t bytes = 0;
        for (const auto& e : fs::directory_iterator(folder)) {
            files.push_back(e.path().filename().string());
            bytes += std::int64_t(e.file_size());
        }
        std::sort(files.begin(), files.end());
        std::vector<std::string> expected;
        for (int t = std::max(0, 4 - keep); t < 4; ++t)
            expected.push_back("after-task-" + std::to_string(t) + ".ckpt");
        QCOMPARE(files, expected);
        QCOMPARE(q(run->checkpointPath), q(folder + "/after-task-3.ckpt"));
        QCOMPARE(run->checkpointTask, 3);
        QCOMPARE(run->checkpointBytes, bytes);
        QVERIFY(bytes > 0);
        store.deleteRun(r.runId);
        QVERIFY(!fs::exists(folder));
    }

    /// A process killed while it writes a checkpoint leaves the previous one intact under the
    /// real name: the new one only ever existed as a temporary file, which pruning removes.
    void killedWriteLeavesNoHalfFile()
    {
        const auto folder = dbs_.filePath(QStringLiteral("atomic")).toStdString();
        fs::create_directories(folder);
        const auto path = folder + "/" + clwb::detail::checkpointFileName(0);
        clwb::detail::StateWriter old;
        old.integer("generation", 1);
        clwb::detail::writeStateFile(path, "{}", old);

        clwb::detail::StateWriter next;  // made before fork: the child runs no torch operation
        next.integer("generation", 2);
        for (int i = 0; i < 8; ++i) next.tensor("t" + std::to_string(i), torch::ones({1 << 18}));
        const pid_t child = fork();
        if (child == 0) {
            setenv("CLWB_CHECKPOINT_WRITE_DELAY_MS", "20000", 1);
            try {
                clwb::detail::writeStateFile(path, "{}", next);
            } catch (...) {
            }
            _exit(0);
        }
        const auto tmp = path + ".tmp";
        for (int i = 0; i < 1000 && !(fs::exists(tmp) && fs::file_size(tmp) > (1 << 20)); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY(fs::exists(tmp));
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        QVERIFY(WIFSIGNALED(status));

        auto [header, in] = clwb::detail::readStateFile(path, torch::kCPU);
        QCOMPARE(in.integer("generation"), std::int64_t(1));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, clwb::detail::readStateFile(tmp, torch::kCPU));
        clwb::detail::pruneCheckpoints(folder, 1, 0);
        QVERIFY(!fs::exists(tmp));
        QVERIFY(fs::exists(path));
    }

    /// The archive keeps every value exactly, an undefined tensor included, and names what is
    /// missing or of another type.
    void archiveRoundTrip()
    {
        const auto path = dbs_.filePath(QStringLiteral("roundtrip.ckpt")).toStdString();
        clwb::detail::StateWriter w;
        auto s = w.scope("strategy");
        const auto t = torch::randn({3, 5}, torch::kFloat64);
        s.tensor("t", t);
        s.tensor("none", {});
        s.tensor("bools", torch::tensor({true, false}));
        s.tensors("list", {torch::arange(4), torch::zeros({0})});
        s.integer("i", -7);
        s.real("r", 0.1);
        s.real("nan", std::nan(""));
        s.texts("names", {"q", "", "v"});
        s.reals("row", {1.0 / 3.0, -0.0});
        std::mt19937 rng(5);
        rng();
        s.engine("rng", rng);
        auto gen = at::detail::createCPUGenerator(9);
        torch::randn({3}, gen);  // a cached normal sample in its state
        s.generator("gen", gen);
        const auto header = std::string("{\"a\": 1}");
        const auto bytes = clwb::detail::writeStateFile(path, header, w);
        QCOMPARE(bytes, std::int64_t(fs::file_size(path)));
        QCOMPARE(q(clwb::detail::readStateHeader(path)), q(header));

        auto [h, in] = clwb::detail::readStateFile(path, torch::kCPU);
        const auto r = in.scope("strategy");
        QVERIFY(torch::equal(r.tensor("t"), t));
        QVERIFY(!r.tensor("none").defined());
        QVERIFY(torch::equal(r.tensor("bools"), torch::tensor({true, false})));
        QCOMPARE(r.tensors("list")[1].numel(), std::int64_t(0));
        QCOMPARE(r.integer("i"), std::int64_t(-7));
        QCOMPARE(r.real("r"), 0.1);
        QVERIFY(std::isnan(r.real("nan")));
        QCOMPARE(r.texts("names"), (std::vector<std::string>{"q", "", "v"}));
        QVERIFY(std::signbit(r.reals("row")[1]));
        std::mt19937 back;
        r.engine("rng", back);
        QCOMPARE(back(), rng());
        auto gen2 = at::detail::createCPUGenerator(1);
        r.generator("gen", gen2);
        QVERIFY(torch::equal(torch::randn({4}, gen2), torch::randn({4}, gen)));
        try {
            r.integer("missing");
            QFAIL("no exception");
        } catch (const std::runtime_error& e) {
            QVERIFY2(q(e.what()).contains("strategy/missing"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, r.integer("r"));
        auto into = torch::zeros({2, 2});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, r.copyInto("t", into));
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
