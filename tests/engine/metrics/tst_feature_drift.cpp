// SPDX-License-Identifier: GPL-3.0-or-later
// Feature drift: PCA and Procrustes on hand-made points, the seeded choice on hand-made tasks,
// live synthetic runs (one aligned projection per boundary, the run itself unchanged), and the
// way through the run database and the replay.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "clwb/engine.h"
#include "clwb/run_replay.h"
#include "clwb/run_store.h"
#include "data/task_sequence.h"
#include "engine/store/raw_db.h"
#include "engine/store/store_samples.h"
#include "engine/test_configs.h"
#include "engine/test_runs.h"
#include "metrics/feature_drift.h"

using namespace clwb;
using namespace clwb::detail;
using namespace clwb::test;

namespace {

/// Two tasks: task 0 has classes 0, 1, 2 with 5, 1 and 4 test images, task 1 classes 3 and 4
/// with 1 and 2.
TaskSequence handMadeSequence()
{
    TaskSequence seq;
    seq.numClasses = 5;
    auto task = [](std::vector<int> classes, std::vector<int64_t> labels) {
        TaskData t;
        t.classes = std::move(classes);
        const auto n = int64_t(labels.size());
        t.testY = torch::tensor(labels, torch::kLong);
        t.testX = torch::zeros({n, 1, 4, 4}, torch::kUInt8);
        return t;
    };
    seq.tasks.push_back(task({0, 1, 2}, {0, 2, 0, 1, 0, 2, 0, 2, 0, 2}));
    seq.tasks.push_back(task({3, 4}, {4, 3, 4}));
    return seq;
}

torch::Tensor rotation(double degrees)
{
    const double a = degrees * M_PI / 180.0;
    return torch::tensor({std::cos(a), -std::sin(a), std::sin(a), std::cos(a)}, torch::kFloat64)
        .view({2, 2});
}

/// Centred 2-D points with clearly different spreads along x and y.
torch::Tensor planePoints(int64_t n)
{
    torch::manual_seed(3);
    auto p = torch::randn({n, 2}, torch::kFloat64) *
             torch::tensor({3.0, 1.0}, torch::kFloat64).view({1, 2});
    return p - p.mean(0, true);
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

torch::Tensor pointsOf(const std::vector<float>& xy)
{
    return torch::tensor(xy, torch::kFloat32).view({-1, 2}).to(torch::kFloat64);
}

}  // namespace

class TestFeatureDrift : public QObject
{
    Q_OBJECT

private:
    clwb::test::TempDatabases dbs_;
    std::string freshPath() { return dbs_.next(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dbs_.isValid());
        qputenv("CLWB_CACHE_DIR", dbs_.path().toUtf8());  // streamed runs write here
    }

    /// A 2-D plane embedded in 12 dimensions (rotated, shifted) comes back whole: all the
    /// variance explained, every pairwise distance kept.
    void pcaRecoversAPlane()
    {
        const auto p = planePoints(40);
        const auto basis = std::get<0>(torch::linalg_qr(torch::randn({12, 2}, torch::kFloat64)));
        const auto x = p.matmul(basis.t()) + 5.0;
        const auto proj = projectPca2(x.to(torch::kFloat32).to(torch::kFloat64));
        QCOMPARE(proj.points.sizes().vec(), (std::vector<int64_t>{40, 2}));
        QVERIFY2(std::abs(proj.explained - 1.0) < 1e-9, std::to_string(proj.explained).c_str());
        QVERIFY(maxDiff(torch::cdist(proj.points, proj.points), torch::cdist(p, p)) < 1e-5);
        QVERIFY(proj.points.mean(0).abs().max().item<double>() < 1e-9);  // centred
        // The first axis is the wider one; each axis' largest coordinate is positive.
        QVERIFY(proj.points.select(1, 0).var().item<double>() >
                proj.points.select(1, 1).var().item<double>());
        for (int k = 0; k < 2; ++k) {
            const auto col = proj.points.select(1, k);
            QVERIFY(col.index({col.abs().argmax()}).item<double>() > 0);
        }
        // Off the plane: a third direction takes its share.
        auto noisy = x.clone();
        noisy.select(1, 0).add_(torch::linspace(-2, 2, 40, torch::kFloat64));
        const auto partial = projectPca2(noisy);
        QVERIFY(partial.explained > 0.5 && partial.explained < 1.0 - 1e-3);
    }

    void pcaOfDegenerateInput()
    {
        const auto one = projectPca2(torch::ones({1, 5}));
        QCOMPARE(one.points.sizes().vec(), (std::vector<int64_t>{1, 2}));
        QCOMPARE(one.explained, 0.0);
        const auto flat = projectPca2(torch::full({6, 4}, 3.0));
        QCOMPARE(flat.points.abs().sum().item<double>(), 0.0);
        QCOMPARE(flat.explained, 0.0);
        // One feature: one axis carries everything, the other is zero.
        const auto line = projectPca2(torch::arange(5, torch::kFloat64).view({5, 1}));
        QVERIFY(std::abs(line.explained - 1.0) < 1e-12);
        QCOMPARE(line.points.select(1, 1).abs().sum().item<double>(), 0.0);
        QVERIFY(maxDiff(line.points.select(1, 0),
                        torch::tensor({-2.0, -1.0, 0.0, 1.0, 2.0}, torch::kFloat64)
                            .mul(line.points[4][0].item<double>() > 0 ? 1 : -1)) < 1e-12);
        // Non-finite features count as 0 instead of poisoning the picture.
        auto bad = torch::arange(12, torch::kFloat64).view({4, 3});
        bad[1][2] = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(torch::isfinite(projectPca2(bad).points).all().item<bool>());
        QCOMPARE(projectPca2(torch::zeros({0, 8})).points.size(0), int64_t(0));
    }

    /// A known rotation, and a reflection, are undone; other shapes are left alone.
    void procrustesUndoesRotationAndReflection()
    {
        const auto a = planePoints(25);
        const auto rotated = a.matmul(rotation(70));
        QVERIFY(maxDiff(rotated, a) > 0.5);
        QVERIFY(maxDiff(alignProcrustes(rotated, a), a) < 1e-12);
        const auto mirror = torch::tensor({1.0, 0.0, 0.0, -1.0}, torch::kFloat64).view({2, 2});
        const auto reflected = a.matmul(mirror).matmul(rotation(-130));
        QVERIFY(maxDiff(alignProcrustes(reflected, a), a) < 1e-12);
        // Distances stay as they are: an orthogonal map only.
        const auto noisy = reflected + 0.1 * torch::randn({25, 2}, torch::kFloat64);
        const auto aligned = alignProcrustes(noisy, a);
        QVERIFY(maxDiff(torch::cdist(aligned, aligned), torch::cdist(noisy, noisy)) < 1e-9);
        QVERIFY(maxDiff(aligned, a) < 0.5);
        QVERIFY(torch::equal(alignProcrustes(a, torch::Tensor()), a));
        QVERIFY(torch::equal(alignProcrustes(a, a.slice(0, 0, 5)), a));
    }

    /// The same features turned by any orthogonal map of the feature space, with its PCA signs
    /// flipped, give the same picture at the next boundary.
    void driftChainsItsOrientation()
    {
        torch::manual_seed(5);
        const auto f = planePoints(30).matmul(torch::randn({2, 8}, torch::kFloat64)) +
                       0.05 * torch::randn({30, 8}, torch::kFloat64);
        const auto turn = std::get<0>(torch::linalg_qr(torch::randn({8, 8}, torch::kFloat64)));
        FeatureDrift drift;
        std::vector<float> first, second;
        double e1 = 0, e2 = 0;
        drift.next(f, first, e1);
        drift.next(-f.matmul(turn), second, e2);
        QCOMPARE(int(first.size()), 60);
        QVERIFY(std::abs(e1 - e2) < 1e-9);
        QVERIFY(maxDiff(pointsOf(first), pointsOf(second)) < 1e-4);
    }

    /// When the features change so that PCA's axes swap (the wide direction becomes the narrow
    /// one), the chain turns the new picture back onto the old: each point's x stays its x.
    void driftKeepsAxesWhenTheyTradePlaces()
    {
        torch::manual_seed(9);
        // Centred, uncorrelated x and y of equal spread: PCA's axes are exactly x and y.
        auto q = torch::randn({40, 2}, torch::kFloat64);
        q = std::get<0>(torch::linalg_qr(q - q.mean(0, true))) * std::sqrt(40.0);
        const auto embed = std::get<0>(torch::linalg_qr(torch::randn({6, 2}, torch::kFloat64)));
        const auto scaled = [&](double sx, double sy) {
            return (q * torch::tensor({sx, sy}, torch::kFloat64).view({1, 2})).matmul(embed.t());
        };
        const auto corr = [](const torch::Tensor& a, const torch::Tensor& b) {
            return std::abs(torch::corrcoef(torch::stack({a, b}))[0][1].item<double>());
        };
        const auto qx = q.select(1, 0);
        // Alone, the second PCA's first axis follows the points' y.
        QVERIFY(corr(projectPca2(scaled(1, 3)).points.select(1, 0), qx) < 0.5);
        FeatureDrift drift;
        std::vector<float> first, second;
        double e = 0;
        drift.next(scaled(3, 1), first, e);
        drift.next(scaled(1, 3), second, e);
        const auto a = pointsOf(first), b = pointsOf(second);
        QVERIFY(corr(a.select(1, 0), qx) > 0.99);
        QVERIFY(corr(b.select(1, 0), qx) > 0.99);  // chained: still the points' x
        QVERIFY((a.select(1, 0) * b.select(1, 0)).sum().item<double>() > 0);  // same direction
    }

    /// Up to P images per class from the first task holding it, class by class, seeded.
    void choiceTakesUpToPPerClass()
    {
        const auto seq = handMadeSequence();
        const auto d = chooseDriftPoints(seq, 3, 42);
        QCOMPARE(int(d.rows.size()), 2);
        QCOMPARE(d.labels, (std::vector<int>{0, 0, 0, 1, 2, 2, 2, 3, 4, 4}));  // 1, 3, 4: fewer
        size_t position = 0;
        for (size_t t = 0; t < 2; ++t) {
            QCOMPARE(std::set<int64_t>(d.rows[t].begin(), d.rows[t].end()).size(),
                     d.rows[t].size());
            for (auto row : d.rows[t])
                QCOMPARE(seq.tasks[t].testY[row].item<int64_t>(), int64_t(d.labels[position++]));
        }
        QCOMPARE(position, d.labels.size());
        // Same seed, same images; other seeds other images of the 5-image class.
        QCOMPARE(chooseDriftPoints(seq, 3, 42).rows, d.rows);
        std::set<std::vector<int64_t>> seen;
        for (uint64_t seed = 1; seed < 8; ++seed)
            seen.insert(chooseDriftPoints(seq, 3, seed).rows[0]);
        QVERIFY(seen.size() >= 3);
        // All of a class when it has fewer than asked.
        QCOMPARE(int(chooseDriftPoints(seq, 256, 1).labels.size()), 13);
        QVERIFY(chooseDriftPoints(seq, 0, 42).empty());
        auto qa = handMadeSequence();
        qa.qa = true;
        QVERIFY(chooseDriftPoints(qa, 3, 42).empty());
        // Domain-incremental (every task has every class): each class from the first task.
        auto domain = handMadeSequence();
        domain.tasks[1] = domain.tasks[0];
        const auto dd = chooseDriftPoints(domain, 2, 42);
        QVERIFY(dd.rows[1].empty());
        QCOMPARE(dd.labels, (std::vector<int>{0, 0, 1, 2, 2}));
    }

    /// One projection per boundary, all with the same points, finite, centred, each aligned to
    /// the one before, by images and with the frozen-feature cache.
    void liveRunProjectsEveryBoundary_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::newRow("finetune") << QStringLiteral("finetune");
        QTest::newRow("simplecil (feature cache)") << QStringLiteral("simplecil");
    }
    void liveRunProjectsEveryBoundary()
    {
        QFETCH(QString, strategy);
        auto cfg = test::tinyConfig(strategy.toStdString(), 3);
        cfg.data.driftPerClass = 5;
        const auto r = run(cfg);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        const auto rows = r.rows();
        QCOMPARE(int(rows.size()), 4);
        QCOMPARE(rows.front().task, -1);
        const auto labels = rows.front().driftLabels;
        QCOMPARE(int(labels.size()), 30);  // 6 classes x 5
        for (size_t i = 0; i < labels.size(); ++i) {
            QCOMPARE(labels[i], int(i / 5));  // class by class (task by task)
            QCOMPARE(rows.front().classTask[size_t(labels[i])], labels[i] / 2);
        }
        torch::Tensor previous;
        for (const auto& ev : rows) {
            QCOMPARE(ev.driftLabels, labels);
            QCOMPARE(ev.drift.size(), 2 * labels.size());
            for (float v : ev.drift) QVERIFY(std::isfinite(v));
            QVERIFY2(ev.driftExplained > 0 && ev.driftExplained <= 1.0 + 1e-9,
                     std::to_string(ev.driftExplained).c_str());
            const auto p = pointsOf(ev.drift);
            QVERIFY(p.abs().max().item<double>() > 0);
            QVERIFY(p.mean(0).abs().max().item<double>() < 1e-3 * p.abs().max().item<double>());
            // Already aligned: the best orthogonal map onto the previous boundary is the identity.
            if (previous.defined())
                QVERIFY(maxDiff(alignProcrustes(p, previous), p) <
                        1e-3 * p.abs().max().item<double>());
            previous = p;
        }
        if (strategy == "finetune")  // training moved the features
            QVERIFY(rows.front().drift != rows.back().drift);
    }

    /// The drift draws from its own generator and only reads the model: the run is the same with
    /// it or without, and the same seed gives the same pictures.
    void driftLeavesTheRunUnchanged()
    {
        auto cfg = test::tinyConfig("finetune", 2);
        QCOMPARE(cfg.data.driftPerClass, 24);  // on by default
        const auto on = run(cfg), again = run(cfg);
        cfg.data.driftPerClass = 0;
        const auto off = run(cfg);
        for (const auto* r : {&on, &again, &off})
            QVERIFY2(r->result.status == RunStatus::Finished, r->result.message.c_str());
        QCOMPARE(on.result.initialAccuracy, off.result.initialAccuracy);
        QCOMPARE(on.result.accuracyMatrix, off.result.accuracyMatrix);
        const auto onRows = on.rows(), againRows = again.rows(), offRows = off.rows();
        QCOMPARE(int(onRows.front().driftLabels.size()), 64);  // 16 test images per class < 24
        for (size_t i = 0; i < onRows.size(); ++i) {
            QCOMPARE(onRows[i].confusion, offRows[i].confusion);
            QCOMPARE(onRows[i].galleryPredictions, offRows[i].galleryPredictions);
            QCOMPARE(onRows[i].drift, againRows[i].drift);
            QCOMPARE(onRows[i].driftExplained, againRows[i].driftExplained);
            QVERIFY(offRows[i].drift.empty() && offRows[i].driftLabels.empty());
        }
        std::vector<double> onLoss, offLoss;
        for (const auto& e : on.events)
            if (e.kind == RunEvent::Kind::Step) onLoss.push_back(e.loss);
        for (const auto& e : off.events)
            if (e.kind == RunEvent::Kind::Step) offLoss.push_back(e.loss);
        QVERIFY(!onLoss.empty());
        QCOMPARE(onLoss, offLoss);
    }

    /// Test images streamed from disk give the picture they give when held in memory.
    void streamedRunGivesTheSameDrift()
    {
        auto cfg = test::tinyConfig("finetune", 2);
        cfg.data.driftPerClass = 4;
        const auto held = run(cfg);
        cfg.data.memoryLimitMb = 0.01;
        const auto streamed = run(cfg);
        QVERIFY2(streamed.result.status == RunStatus::Finished, streamed.result.message.c_str());
        const auto a = held.rows(), b = streamed.rows();
        QVERIFY(!a.front().drift.empty());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].driftLabels, b[i].driftLabels);
            QVERIFY(maxDiff(pointsOf(a[i].drift), pointsOf(b[i].drift)) < 1e-4);
        }
    }

    void qaRunsHaveNone()
    {
        auto cfg = test::tinyConfig("seq-lora", 2);
        cfg.data.scenario = "qa";
        cfg.train.epochs = 0;
        RunStore store(freshPath());
        const auto r = run(cfg, &store);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        for (const auto& ev : r.rows()) QVERIFY(ev.drift.empty() && ev.driftLabels.empty());
        QVERIFY(store.driftLabels(r.result.runId).empty());
        QVERIFY(store.drift(r.result.runId).empty());
    }

    /// Recorded, read back, replayed exactly as live, and deleted with the run.
    void storeRoundTripReplayAndDelete()
    {
        RunStore store(freshPath());
        auto cfg = test::tinyConfig("finetune", 2);
        cfg.data.driftPerClass = 6;
        const auto r = run(cfg, &store);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        const auto id = r.result.runId;
        const auto live = r.rows();
        QCOMPARE(int(live.size()), 3);
        QCOMPARE(store.driftLabels(id), live.front().driftLabels);
        const auto stored = store.drift(id);
        QCOMPARE(int(stored.size()), 3);
        for (const auto& ev : live) {
            QCOMPARE(stored.at(ev.task).xy, ev.drift);
            QCOMPARE(stored.at(ev.task).explained, ev.driftExplained);
        }
        const auto replayed = rowsOf(replayRun(store, id));
        QCOMPARE(replayed.size(), live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            QCOMPARE(replayed[i].task, live[i].task);
            QCOMPARE(replayed[i].drift, live[i].drift);  // bit for bit
            QCOMPARE(replayed[i].driftLabels, live[i].driftLabels);
            QCOMPARE(replayed[i].driftExplained, live[i].driftExplained);
        }

        const std::string path = store.path(), ofRun = " WHERE run_id = " + std::to_string(id);
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM drift_points" + ofRun),
                 std::int64_t(24));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM drift" + ofRun), std::int64_t(72));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM drift_boundaries" + ofRun),
                 std::int64_t(3));
        store.deleteRun(id);
        for (const char* table : {"drift_points", "drift", "drift_boundaries"})
            QCOMPARE(RawDb(path).integer(std::string("SELECT count(*) FROM ") + table + ofRun),
                     std::int64_t(0));
        QVERIFY(store.drift(id).empty() && store.driftLabels(id).empty());
    }

    void writesAreCheckedAndReplaced()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(RunRecord{});
        store.setDriftLabels(id, {3, 1, 2});
        store.setDriftLabels(id, {4, 5});  // replaced
        QCOMPARE(store.driftLabels(id), (std::vector<int>{4, 5}));
        store.setDrift(id, 0, {1, 2, 3, 4, 5, 6}, 0.5);
        store.setDrift(id, 0, {0.25f, -1.5f, 2, 3}, 0.75);  // that boundary replaced
        store.setDrift(id, -1, {9, 8, 7, 6}, 0.125);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, store.setDrift(id, 1, {1, 2, 3}, 0.5));
        const auto d = store.drift(id);
        QCOMPARE(int(d.size()), 2);
        QCOMPARE(d.at(0).xy, (std::vector<float>{0.25f, -1.5f, 2, 3}));
        QCOMPARE(d.at(0).explained, 0.75);
        QCOMPARE(d.at(-1).xy, (std::vector<float>{9, 8, 7, 6}));
        QCOMPARE(d.at(-1).explained, 0.125);
    }

    /// A schema-5 file (without the drift tables) opens, keeps its runs, which replay without a
    /// drift, and takes one afterwards.
    void schemaFiveMigrates()
    {
        const std::string path = freshPath();
        std::int64_t old = 0;
        {
            RunStore store(path);
            old = store.createRun(RunRecord{});
            store.setMatrixCell(old, {-1, 0, 0.25});
            store.setMatrixCell(old, {0, 0, 0.5});
            store.finishRun(old, RunStatus::Finished);
        }
        RawDb(path).exec(
            "DROP TABLE drift_points; DROP TABLE drift; DROP TABLE drift_boundaries; "
            "PRAGMA user_version = 5;");
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name = 'drift'"),
                 std::int64_t(0));
        RunStore store(path);
        QCOMPARE(RawDb(path).integer("PRAGMA user_version"),
                 std::int64_t(RunStore::kSchemaVersion));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                                     "('drift_points', 'drift', 'drift_boundaries')"),
                 std::int64_t(3));
        const auto rows = rowsOf(replayRun(store, old));
        QCOMPARE(int(rows.size()), 2);
        QCOMPARE(rows[1].values, std::vector<double>{0.5});
        for (const auto& ev : rows) QVERIFY(ev.drift.empty() && ev.driftLabels.empty());
        store.setDriftLabels(old, {1});
        store.setDrift(old, 0, {0.5f, 0.25f}, 1.0);
        const auto again = rowsOf(replayRun(store, old));
        QVERIFY(again[0].drift.empty() && again[0].driftLabels.empty());  // none stored there
        QCOMPARE(again[1].drift, (std::vector<float>{0.5f, 0.25f}));
        QCOMPARE(again[1].driftLabels, std::vector<int>{1});
        QCOMPARE(again[1].driftExplained, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestFeatureDrift)
#include "tst_feature_drift.moc"
