// SPDX-License-Identifier: GPL-3.0-or-later
// The prediction gallery: the seeded choice and the thumbnails on hand-made tasks, the predictions
// of live synthetic runs against their confusion counts, and the way through the run database
// and the replay.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
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
#include "metrics/gallery.h"

using namespace clwb;
using namespace clwb::detail;
using namespace clwb::test;

namespace {

bool sameImages(const std::vector<GalleryImage>& a, const std::vector<GalleryImage>& b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].task != b[i].task || a[i].label != b[i].label || a[i].width != b[i].width ||
            a[i].height != b[i].height || a[i].channels != b[i].channels ||
            a[i].pixels != b[i].pixels)
            return false;
    return true;
}

/// Two tasks of 1x8x8 images whose pixels all equal their row: task 0 has classes 0, 1, 2 with
/// 5, 1 and 4 test images, task 1 classes 3 and 4 with 3 images in all.
TaskSequence handMadeSequence()
{
    TaskSequence seq;
    seq.numClasses = 5;
    auto task = [](std::vector<int> classes, std::vector<int64_t> labels) {
        TaskData t;
        t.classes = std::move(classes);
        const auto n = int64_t(labels.size());
        t.testY = torch::tensor(labels, torch::kLong);
        t.testX =
            torch::arange(n).to(torch::kUInt8).view({n, 1, 1, 1}).expand({n, 1, 8, 8}).contiguous();
        return t;
    };
    seq.tasks.push_back(task({0, 1, 2}, {0, 2, 0, 1, 0, 2, 0, 2, 0, 2}));
    seq.tasks.push_back(task({3, 4}, {4, 3, 4}));
    return seq;
}

std::vector<int64_t> labelsAt(const TaskSequence& seq, size_t t, const std::vector<int64_t>& rows)
{
    std::vector<int64_t> out;
    for (auto r : rows) out.push_back(seq.tasks[t].testY[r].item<int64_t>());
    return out;
}

}  // namespace

class TestGallery : public QObject
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

    /// Round-robin over the task's classes, each image once, from the task's own test set.
    void choiceSpreadsOverTheClasses()
    {
        const auto seq = handMadeSequence();
        const auto g = chooseGallery(seq, 8, 42);
        QCOMPARE(int(g.rows.size()), 2);
        QCOMPARE(int(g.rows[0].size()), 8);
        QCOMPARE(int(g.rows[1].size()), 3);  // fewer test images than asked: all of them
        QCOMPARE(int(g.images.size()), 11);
        std::map<int64_t, int> perClass;
        for (auto y : labelsAt(seq, 0, g.rows[0])) ++perClass[y];
        QCOMPARE(perClass[1], 1);  // its only image
        QCOMPARE(perClass[0] + perClass[2], 7);
        QVERIFY(std::abs(perClass[0] - perClass[2]) <= 1);
        // The first three images show the three classes.
        const auto firstLabels =
            labelsAt(seq, 0, std::vector<int64_t>(g.rows[0].begin(), g.rows[0].begin() + 3));
        QCOMPARE(int(std::set<int64_t>(firstLabels.begin(), firstLabels.end()).size()), 3);
        size_t position = 0;
        for (size_t t = 0; t < 2; ++t) {
            QCOMPARE(std::set<int64_t>(g.rows[t].begin(), g.rows[t].end()).size(),
                     g.rows[t].size());
            for (auto row : g.rows[t]) {
                const auto& im = g.images[position++];
                QCOMPARE(im.task, int(t));
                QCOMPARE(int64_t(im.label), seq.tasks[t].testY[row].item<int64_t>());
                QVERIFY(
                    std::count(seq.tasks[t].classes.begin(), seq.tasks[t].classes.end(), im.label));
                QCOMPARE(im.width, 8);
                QCOMPARE(im.height, 8);
                QCOMPARE(im.channels, 1);
                QCOMPARE(im.pixels, std::vector<std::uint8_t>(64, std::uint8_t(row)));
            }
        }
        // Two classes asked for two images: two classes shown.
        const auto two = chooseGallery(seq, 2, 42);
        const auto twoLabels = labelsAt(seq, 0, two.rows[0]);
        QCOMPARE(twoLabels.size(), size_t(2));
        QVERIFY(twoLabels[0] != twoLabels[1]);
        QVERIFY(chooseGallery(seq, 0, 42).images.empty());
        auto qa = handMadeSequence();
        qa.qa = true;
        QVERIFY(chooseGallery(qa, 8, 42).images.empty());
    }

    /// The same seed chooses the same images; another seed others.
    void choiceFollowsTheSeed()
    {
        const auto seq = handMadeSequence();
        QCOMPARE(chooseGallery(seq, 4, 7).rows, chooseGallery(seq, 4, 7).rows);
        int differing = 0;
        for (uint64_t seed = 8; seed < 12; ++seed)
            differing += chooseGallery(seq, 4, seed).rows[0] != chooseGallery(seq, 4, 7).rows[0];
        QVERIFY(differing >= 3);
    }

    void thumbnailsFitAndKeepTheirPixels()
    {
        // Larger than 64 px: area-downscaled on the long side, aspect kept; flat stays flat.
        const auto wide = thumbnails(torch::full({2, 3, 50, 100}, 200, torch::kUInt8));
        QCOMPARE(wide.sizes().vec(), (std::vector<int64_t>{2, 32, 64, 3}));
        QVERIFY(torch::equal(wide, torch::full({2, 32, 64, 3}, 200, torch::kUInt8)));
        // A 2x2 checkerboard at 128 px averages out under area downscaling.
        const auto checker = (torch::arange(128).remainder(2).view({1, 128}) +
                              torch::arange(128).remainder(2).view({128, 1}))
                                 .remainder(2)
                                 .mul(255)
                                 .to(torch::kUInt8)
                                 .view({1, 1, 128, 128});
        const auto grey = thumbnails(checker);
        QCOMPARE(grey.sizes().vec(), (std::vector<int64_t>{1, 64, 64, 1}));
        QCOMPARE(grey.min().item<int>(), 128);  // 127.5 rounded half to even
        QCOMPARE(grey.max().item<int>(), 128);
        // Small images are kept as they are, CHW -> HWC.
        const auto small = torch::randint(0, 256, {1, 3, 5, 7}, torch::kUInt8);
        QVERIFY(torch::equal(thumbnails(small), small.permute({0, 2, 3, 1})));
        // [0, 1] floats (rotated sequences) come back as 0-255.
        const auto unit = thumbnails(torch::tensor({0.0f, 0.25f, 1.0f}).view({1, 1, 1, 3}));
        QCOMPARE(unit.flatten()[1].item<int>(), 64);
        QCOMPARE(unit.flatten()[2].item<int>(), 255);
    }

    /// Predictions land at their gallery positions whatever batch holds their row.
    void picksFollowTheirRows()
    {
        Gallery g;
        g.rows = {{5, 1}, {0}};
        GalleryPicks picks(g);
        QCOMPARE(picks.predictions(), (std::vector<int>{-1, -1, -1}));
        picks.beginTask(0);
        picks.add(0, torch::tensor({10, 11, 12, 13}, torch::kLong));
        picks.add(4, torch::tensor({14, 15, 16}, torch::kLong));
        picks.beginTask(1);
        picks.add(0, torch::tensor({7, 8}, torch::kLong));
        QCOMPARE(picks.predictions(), (std::vector<int>{15, 11, 7}));
    }

    /// With the whole test set in the gallery, its predictions rebuild every row's confusion
    /// counts: they are the accuracy's own predictions, by images and from cached features.
    void liveRunMatchesTheConfusion_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::newRow("finetune") << QStringLiteral("finetune");
        QTest::newRow("simplecil (feature cache)") << QStringLiteral("simplecil");
    }
    void liveRunMatchesTheConfusion()
    {
        QFETCH(QString, strategy);
        auto cfg = test::tinyConfig(strategy.toStdString(), 3);
        cfg.data.testPerClass = 4;
        cfg.data.galleryPerTask = 8;  // = each task's 2 x 4 test images
        const auto r = run(cfg);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        const auto rows = r.rows();
        QCOMPARE(int(rows.size()), 4);
        const auto& gallery = rows.front().gallery;
        QCOMPARE(int(gallery.size()), 24);
        for (size_t i = 0; i < gallery.size(); ++i) {
            const auto& im = gallery[i];
            QCOMPARE(im.task, int(i / 8));  // task by task
            QCOMPARE(rows.front().classTask[size_t(im.label)], im.task);
            QVERIFY(im.width <= kThumbnailSize && im.height <= kThumbnailSize);
            QCOMPARE(im.channels, 1);
            QCOMPARE(im.pixels.size(), size_t(im.width * im.height * im.channels));
        }
        for (const auto& ev : rows) {
            if (ev.task >= 0) QVERIFY(ev.gallery.empty());  // the images come once
            QCOMPARE(ev.galleryPredictions.size(), gallery.size());
            const size_t C = ev.classTask.size();
            std::vector<std::int64_t> counts(C * C, 0);
            for (size_t i = 0; i < gallery.size(); ++i) {
                const int p = ev.galleryPredictions[i];
                QVERIFY(p >= 0 && size_t(p) < C);
                if (ev.task >= 0) QVERIFY(ev.classTask[size_t(p)] <= ev.task);  // a seen class
                ++counts[size_t(gallery[i].label) * C + size_t(p)];
            }
            QCOMPARE(counts, ev.confusion);
        }
    }

    /// The gallery draws from its own generator: the run is the same with it or without, and the
    /// same seed shows the same images with the same predictions.
    void galleryLeavesTheRunUnchanged()
    {
        auto cfg = test::tinyConfig("finetune", 2);
        const auto on = run(cfg), again = run(cfg);
        cfg.data.galleryPerTask = 0;
        const auto off = run(cfg);
        for (const auto* r : {&on, &again, &off})
            QVERIFY2(r->result.status == RunStatus::Finished, r->result.message.c_str());
        QCOMPARE(on.result.initialAccuracy, off.result.initialAccuracy);
        QCOMPARE(on.result.accuracyMatrix, off.result.accuracyMatrix);
        const auto onRows = on.rows(), againRows = again.rows(), offRows = off.rows();
        QCOMPARE(int(onRows.front().gallery.size()), 16);  // default 8 per task
        QVERIFY(sameImages(onRows.front().gallery, againRows.front().gallery));
        for (size_t i = 0; i < onRows.size(); ++i) {
            QCOMPARE(onRows[i].confusion, offRows[i].confusion);
            QCOMPARE(onRows[i].galleryPredictions, againRows[i].galleryPredictions);
            QVERIFY(offRows[i].gallery.empty() && offRows[i].galleryPredictions.empty());
        }
    }

    /// Test images streamed from disk give the gallery they give when held in memory.
    void streamedRunShowsTheSameGallery()
    {
        auto cfg = test::tinyConfig("finetune", 2);
        const auto held = run(cfg);
        cfg.data.memoryLimitMb = 0.01;
        const auto streamed = run(cfg);
        QVERIFY2(streamed.result.status == RunStatus::Finished, streamed.result.message.c_str());
        bool wasStreamed = false;
        for (const auto& e : streamed.events)
            wasStreamed |= e.kind == RunEvent::Kind::Log &&
                           e.message.find("streamed from disk") != std::string::npos;
        QVERIFY(wasStreamed);
        const auto a = held.rows(), b = streamed.rows();
        QVERIFY(!a.front().gallery.empty());
        QVERIFY(sameImages(a.front().gallery, b.front().gallery));
        for (size_t i = 0; i < a.size(); ++i)
            QCOMPARE(a[i].galleryPredictions, b[i].galleryPredictions);
    }

    void qaRunsHaveNone()
    {
        auto cfg = test::tinyConfig("seq-lora", 2);
        cfg.data.scenario = "qa";
        cfg.train.epochs = 0;
        RunStore store(freshPath());
        const auto r = run(cfg, &store);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        for (const auto& ev : r.rows())
            QVERIFY(ev.gallery.empty() && ev.galleryPredictions.empty());
        QVERIFY(store.gallery(r.result.runId).empty());
        QVERIFY(store.galleryPredictions(r.result.runId).empty());
    }

    /// Recorded, read back, replayed where the live run sent it, and deleted with the run.
    void storeRoundTripReplayAndDelete()
    {
        RunStore store(freshPath());
        const auto r = run(test::tinyConfig("finetune", 2), &store);
        QVERIFY2(r.result.status == RunStatus::Finished, r.result.message.c_str());
        const auto id = r.result.runId;
        const auto live = r.rows();
        QCOMPARE(int(live.size()), 3);
        QVERIFY(sameImages(store.gallery(id), live.front().gallery));
        const auto predictions = store.galleryPredictions(id);
        QCOMPARE(int(predictions.size()), 3);
        for (const auto& ev : live) QCOMPARE(predictions.at(ev.task), ev.galleryPredictions);

        const auto replayed = rowsOf(replayRun(store, id));
        QCOMPARE(replayed.size(), live.size());
        for (size_t i = 0; i < live.size(); ++i) {
            QCOMPARE(replayed[i].task, live[i].task);
            QVERIFY(sameImages(replayed[i].gallery, live[i].gallery));  // first row only
            QCOMPARE(replayed[i].galleryPredictions, live[i].galleryPredictions);
        }

        const std::string path = store.path(), ofRun = " WHERE run_id = " + std::to_string(id);
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM gallery" + ofRun), std::int64_t(16));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM gallery_predictions" + ofRun),
                 std::int64_t(48));
        store.deleteRun(id);
        for (const char* table : {"gallery", "gallery_predictions"})
            QCOMPARE(RawDb(path).integer(std::string("SELECT count(*) FROM ") + table + ofRun),
                     std::int64_t(0));
        QVERIFY(store.gallery(id).empty());
    }

    void writesAreCheckedAndReplaced()
    {
        RunStore store(freshPath());
        const auto id = store.createRun(RunRecord{});
        GalleryImage im{1, 3, 2, 1, 3, {1, 2, 3, 4, 5, 6}};
        store.setGallery(id, {im, im});
        im.label = 4;
        store.setGallery(id, {im});  // replaced
        const auto back = store.gallery(id);
        QCOMPARE(int(back.size()), 1);
        QCOMPARE(back[0].label, 4);
        QCOMPARE(back[0].pixels, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
        im.pixels.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, store.setGallery(id, {im}));
        store.setGalleryPredictions(id, 0, {3, 1});
        store.setGalleryPredictions(id, 0, {2});  // that row replaced
        store.setGalleryPredictions(id, -1, {5});
        const auto p = store.galleryPredictions(id);
        QCOMPARE(p.at(-1), std::vector<int>{5});
        QCOMPARE(p.at(0), std::vector<int>{2});
    }

    /// A schema-4 file (without the gallery tables) opens, keeps its runs, which replay without a
    /// gallery, and takes one afterwards.
    void schemaFourMigrates()
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
            "DROP TABLE gallery; DROP TABLE gallery_predictions; PRAGMA user_version = 4;");
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name = 'gallery'"),
                 std::int64_t(0));
        RunStore store(path);
        QCOMPARE(RawDb(path).integer("PRAGMA user_version"),
                 std::int64_t(RunStore::kSchemaVersion));
        QCOMPARE(RawDb(path).integer("SELECT count(*) FROM sqlite_master WHERE name IN "
                                     "('gallery', 'gallery_predictions')"),
                 std::int64_t(2));
        const auto rows = rowsOf(replayRun(store, old));
        QCOMPARE(int(rows.size()), 2);
        QCOMPARE(rows[1].values, std::vector<double>{0.5});
        for (const auto& ev : rows) QVERIFY(ev.gallery.empty() && ev.galleryPredictions.empty());
        store.setGallery(old, {GalleryImage{0, 1, 1, 1, 1, {9}}});
        store.setGalleryPredictions(old, 0, {1});
        const auto again = rowsOf(replayRun(store, old));
        QCOMPARE(again[0].task, -1);
        QCOMPARE(int(again[0].gallery.size()), 1);  // on the first row, as live
        QVERIFY(again[0].galleryPredictions.empty());
        QCOMPARE(again[1].galleryPredictions, std::vector<int>{1});
    }
};

QTEST_GUILESS_MAIN(TestGallery)
#include "tst_gallery.moc"
