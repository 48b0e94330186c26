// SPDX-License-Identifier: GPL-3.0-or-later
// Images over data.memory_limit_mb: file-backed tensors, rows copied to disk, batches gathered a
// step ahead on another thread, and a task sequence that streams the same images it would hold.
#include <QTemporaryDir>
#include <QtTest>

#include "data/batch_prefetcher.h"
#include "data/disk_tensor.h"
#include "data/task_sequence.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

class TestStreaming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("CLWB_CACHE_DIR", dir_.path().toUtf8());
    }

    void budgetFollowsTheLimit()
    {
        QCOMPARE(imageMemoryBudget(2.0), std::int64_t(2) << 20);
        QVERIFY(imageMemoryBudget(0) > (std::int64_t(64) << 20));  // half of this machine's RAM
    }

    void diskTensorHoldsWhatIsWritten()
    {
        auto t = diskBackedTensor({5, 3, 4, 4}, torch::kUInt8, dir_.path().toStdString());
        QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t>{5, 3, 4, 4}));
        t.copy_(torch::arange(5 * 48).remainder(251).to(torch::kUInt8).view({5, 3, 4, 4}));
        QCOMPARE(t[4][2][3][3].item<int>(), (5 * 48 - 1) % 251);
        // The file is unlinked at once: nothing is left in the folder.
        QCOMPARE(QDir(dir_.path()).entryList(QDir::Files).size(), 0);
    }

    void unwritableFolderNamesTheSetting()
    {
        try {
            diskBackedTensor({4}, torch::kUInt8, "/proc/clwb-no-such-folder");
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("data.memory_limit_mb"), e.what());
        }
    }

    void rowsToDiskEqualIndexSelect()
    {
        const auto src = torch::randint(0, 255, {5000, 2, 3, 3}, torch::kUInt8);
        const auto idx = torch::randperm(5000).narrow(0, 0, 4500);  // more than one chunk
        const auto out = selectRowsToDisk(src, idx, dir_.path().toStdString());
        QVERIFY(torch::equal(out, src.index_select(0, idx)));
    }

    void prefetcherYieldsTheBatchesInOrder()
    {
        const auto rows = torch::randn({103, 4});
        const auto order = torch::randperm(103);
        BatchPrefetcher ahead(rows, order, 10, /*pin=*/false);
        for (std::int64_t i = 0; i < 103; i += 10) {
            const auto idx = order.slice(0, i, std::min<std::int64_t>(103, i + 10));
            QVERIFY(torch::equal(ahead.next(), rows.index_select(0, idx)));
        }
    }

    void prefetcherRethrowsOnTheCallingThread()
    {
        BatchPrefetcher ahead(torch::zeros({4, 2}), torch::tensor({0, 9}, torch::kInt64), 2, false);
        QVERIFY_EXCEPTION_THROWN(ahead.next(), c10::Error);
    }

    void streamedSequenceHoldsTheSameImages()
    {
        auto config = test::tinyConfig("finetune", 3);
        config.data.dataset = "synthetic";
        const auto memory = buildTaskSequence(config, torch::kCPU);
        config.data.memoryLimitMb = 0.01;
        std::vector<std::string> log;
        const auto streamed =
            buildTaskSequence(config, torch::kCPU, [&](int, const std::string& m) { log.push_back(m); });
        QVERIFY(!memory.streamed);
        QVERIFY(streamed.streamed);
        QVERIFY2(!log.empty() && log.front().find("streamed from disk") != std::string::npos,
                 log.empty() ? "no log" : log.front().c_str());
        for (int t = 0; t < 3; ++t) {
            const auto& a = memory.tasks[size_t(t)];
            const auto& b = streamed.tasks[size_t(t)];
            QVERIFY(torch::equal(a.trainX, b.trainX));
            QVERIFY(torch::equal(a.trainY, b.trainY));
            QVERIFY(torch::equal(a.testX, b.testX));
            QVERIFY(torch::equal(a.curveX, b.curveX));
        }
        // Tasks 0..2 streamed lie in one file: their union is a view, equal to the copy.
        const auto [x, y] = streamed.trainUnion(2);
        const auto [mx, my] = memory.trainUnion(2);
        QVERIFY(torch::equal(x, mx));
        QVERIFY(torch::equal(y, my));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestStreaming)
#include "tst_streaming.moc"
