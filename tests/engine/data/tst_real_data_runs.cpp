// SPDX-License-Identifier: GPL-3.0-or-later
// Class-incremental runs end to end on datasets the test writes itself, one per on-disk kind
// (image folder with and without a split, CIFAR-10/100 binaries, a CSV file list, IDX): the run
// finishes, is stored, and the dataset's own class names and skipped files show up.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

#include "clwb/datasets.h"
#include "clwb/engine.h"
#include "clwb/run_log.h"
#include "clwb/run_store.h"
#include "engine/test_configs.h"

using namespace clwb;

namespace {

const QColor kColours[] = {Qt::red, Qt::blue, Qt::green, Qt::yellow};

/// A learnable picture of class c: a coloured square on black at a jittered place.
QImage picture(int c, int i, int w, int h)
{
    QImage img(w, h, QImage::Format_RGB888);
    img.fill(Qt::black);
    QPainter p(&img);
    p.fillRect((i * 3) % (w / 3), (i * 5) % (h / 3), w / 2, h / 2, kColours[c % 4]);
    return img;
}

void writeClassFolder(const QString& dir, int c, int n, int offset = 0)
{
    QDir().mkpath(dir);
    for (int i = 0; i < n; ++i) {
        const bool jpeg = i % 2 == 1;
        // Odd sizes: the store resizes the shorter side and centre-crops.
        const int w = 20 + 3 * (i % 3), h = 17 + 5 * (i % 2);
        QImage img = picture(c, i + offset, w, h);
        if (i == 2) img = img.convertToFormat(QImage::Format_Grayscale8);  // a grey image
        QVERIFY(img.save(dir + QString("/img%1.%2").arg(i).arg(jpeg ? "jpg" : "png")));
    }
}

RunConfig tinyRun(const std::string& dataset, const std::string& path)
{
    RunConfig c;
    c.name = "real data " + dataset;
    c.strategy = "finetune";
    c.data.dataset = dataset;
    c.data.path = path;
    c.data.tasks = {{{0, 1}}, {{2, 3}}};
    c.data.curvePerTask = 4;
    c.model = test::tinyModel();
    c.model.backbone = "random";
    c.model.channels = 3;
    c.model.depth = 1;
    c.train.epochs = 2;
    c.train.batchSize = 8;
    c.train.lr = 3e-3;
    c.train.evalEvery = 0;
    c.threads = 2;
    return c;
}

struct Outcome
{
    RunResult result;
    std::vector<std::string> log;
    std::vector<std::string> warnings;  ///< the Log events of level Warning
};

Outcome runStored(const RunConfig& config, RunStore& store)
{
    Outcome out;
    out.result = runExperiment(config, &store, [&](const RunEvent& e) {
        if (e.kind == RunEvent::Kind::Log) out.log.push_back(e.message);
        if (e.kind == RunEvent::Kind::Log && e.level == LogLevel::Warning)
            out.warnings.push_back(e.message);
        return true;
    });
    return out;
}

/// The lines of a stored run's log file whose level is `level` ("[warning]") and that mention
/// `text`.
int runLogLines(const RunStore& store, std::int64_t runId, const char* level, const char* text)
{
    QFile f(QString::fromStdString(runLogPath(store.path(), runId)));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return -1;
    int n = 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        n += line.contains(level) && line.contains(text);
    return n;
}

bool logHas(const Outcome& o, const std::string& text)
{
    for (const auto& l : o.log)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

void writeCifar(const QString& file, int classes, int perClass, bool hundred)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < perClass; ++i)
        for (int c = 0; c < classes; ++c) {
            QByteArray rec;
            if (hundred) rec.append(char(c / 2));  // coarse label
            rec.append(char(c));
            const QImage img = picture(c, i, 32, 32);
            for (int ch = 0; ch < 3; ++ch)
                for (int y = 0; y < 32; ++y)
                    for (int x = 0; x < 32; ++x) {
                        const QRgb p = img.pixel(x, y);
                        rec.append(char(ch == 0 ? qRed(p) : ch == 1 ? qGreen(p) : qBlue(p)));
                    }
            f.write(rec);
        }
}

void writeText(const QString& file, const QByteArray& text)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestRealDataRuns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("CLWB_CACHE_DIR", dir_.filePath("cache").toUtf8());
    }

    void imageFolderWithSplit()
    {
        const QString root = dir_.filePath("folder");
        const char* names[] = {"circle", "square", "star", "tri"};
        for (int c = 0; c < 4; ++c) {
            writeClassFolder(root + "/train/" + names[c], c, 10);
            writeClassFolder(root + "/test/" + names[c], c, 4, 100);
        }
        writeText(root + "/train/star/broken.jpg", "this is not a JPEG");
        RunStore store(dir_.filePath("runs.sqlite").toStdString());
        auto config = tinyRun("image-folder", root.toStdString());
        config.data.augment = "crop-flip";
        const auto out = runStored(config, store);
        QVERIFY2(out.result.status == clwb::RunStatus::Finished, out.result.message.c_str());
        QCOMPARE(int(out.result.accuracyMatrix.size()), 2);
        QVERIFY2(logHas(out, "broken.jpg"), "the skipped file is named in the log");
        // ... as a warning, in the events and in the run's log file beside the database.
        QVERIFY(std::any_of(out.warnings.begin(), out.warnings.end(), [](const std::string& w) {
            return w.find("broken.jpg") != std::string::npos;
        }));
        QCOMPARE(runLogLines(store, out.result.runId, "[warning] skipped 1", "broken.jpg"), 1);
        QCOMPARE(runLogLines(store, out.result.runId, "[info] ", "planned optimisation steps"), 1);
        const auto info = inspectDataset(config.data);
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.classNames, (std::vector<std::string>{"circle", "square", "star", "tri"}));
        const auto stored = store.run(out.result.runId);
        QVERIFY(stored.has_value());
        QCOMPARE(int(store.matrix(out.result.runId).size()), 6);  // the row before training too

        // "reject" turns the corrupt file into a failed run naming it.
        config.data.badImages = "reject";
        const auto rejected = runStored(config, store);
        QCOMPARE(QString::fromStdString(clwb::toString(rejected.result.status)), QString("failed"));
        QVERIFY2(rejected.result.message.find("broken.jpg") != std::string::npos,
                 rejected.result.message.c_str());
        QCOMPARE(runLogLines(store, rejected.result.runId, "[error] failed: ", "broken.jpg"), 1);
    }

    void imageFolderWithoutSplit()
    {
        const QString root = dir_.filePath("single");
        for (int c = 0; c < 4; ++c) writeClassFolder(root + QString("/class%1").arg(c), c, 10);
        RunStore store(dir_.filePath("runs2.sqlite").toStdString());
        auto config = tinyRun("image-folder", root.toStdString());
        config.data.testFraction = 0.3;
        const auto out = runStored(config, store);
        QVERIFY2(out.result.status == clwb::RunStatus::Finished, out.result.message.c_str());
        // Fitting four easy classes: the last task is learnt.
        QVERIFY(out.result.accuracyMatrix[1][1] > 0.5);
    }

    /// Over data.memory_limit_mb the split and every task's images go to disk and batches are
    /// read a step ahead: the run is the same run, number for number (joint reads the union of
    /// the tasks as one range of the file).
    void streamsOverTheMemoryLimit()
    {
        const QString root = dir_.filePath("streamed");
        for (int c = 0; c < 4; ++c) writeClassFolder(root + QString("/class%1").arg(c), c, 12);
        RunStore store(dir_.filePath("runs-streamed.sqlite").toStdString());
        auto config = tinyRun("image-folder", root.toStdString());
        config.strategy = "joint";
        config.data.augment = "flip";
        config.data.memoryLimitMb = 0.01;
        const auto streamed = runStored(config, store);
        QVERIFY2(streamed.result.status == clwb::RunStatus::Finished, streamed.result.message.c_str());
        QVERIFY2(logHas(streamed, "streamed from disk"), "the log says the images stream");
        QVERIFY2(logHas(streamed, "written to disk"), "the train/test split went to disk too");
        config.data.memoryLimitMb = 0;  // half of this machine's memory: held in memory
        const auto held = runStored(config, store);
        QVERIFY2(held.result.status == clwb::RunStatus::Finished, held.result.message.c_str());
        QVERIFY(!logHas(held, "streamed from disk"));
        QCOMPARE(streamed.result.accuracyMatrix, held.result.accuracyMatrix);
        QVERIFY(QDir(dir_.filePath("cache")).entryList({"clwb-stream-*"}, QDir::Files).isEmpty());
    }

    void cifarBinaries()
    {
        const QString ten = dir_.filePath("cifar10");
        QDir().mkpath(ten);
        for (int b = 1; b <= 5; ++b) writeCifar(ten + QString("/data_batch_%1.bin").arg(b), 4, 2, false);
        writeCifar(ten + "/test_batch.bin", 4, 3, false);
        writeText(ten + "/batches.meta.txt", "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
        RunStore store(dir_.filePath("runs3.sqlite").toStdString());
        auto out = runStored(tinyRun("cifar10", ten.toStdString()), store);
        QVERIFY2(out.result.status == clwb::RunStatus::Finished, out.result.message.c_str());
        QCOMPARE(datasetClassNames(tinyRun("cifar10", ten.toStdString()).data)[3], std::string("cat"));

        const QString hundred = dir_.filePath("cifar100");
        QDir().mkpath(hundred);
        writeCifar(hundred + "/train.bin", 4, 8, true);
        writeCifar(hundred + "/test.bin", 4, 3, true);
        QByteArray names;
        for (int c = 0; c < 100; ++c) names += "fine" + QByteArray::number(c) + "\n";
        writeText(hundred + "/fine_label_names.txt", names);
        out = runStored(tinyRun("cifar100", hundred.toStdString()), store);
        QVERIFY2(out.result.status == clwb::RunStatus::Finished, out.result.message.c_str());
    }

    void fileList()
    {
        const QString root = dir_.filePath("list");
        QByteArray csv = "path,label,split\n";
        for (int c = 0; c < 4; ++c) {
            writeClassFolder(root + QString("/images/c%1").arg(c), c, 12);
            for (int i = 0; i < 12; ++i)
                csv += QString("images/c%1/img%2.%3,label%1,%4\n")
                           .arg(c)
                           .arg(i)
                           .arg(i % 2 ? "jpg" : "png")
                           .arg(i < 9 ? "train" : "test")
                           .toUtf8();
        }
        writeText(root + "/list.csv", csv);
        RunStore store(dir_.filePath("runs4.sqlite").toStdString());
        const auto config = tinyRun("file-list", (root + "/list.csv").toStdString());
        const auto out = runStored(config, store);
        QVERIFY2(out.result.status == clwb::RunStatus::Finished, out.result.message.c_str());
        QCOMPARE(datasetClassNames(config.data)[2], std::string("label2"));
    }

    void missingPathNamesTheField()
    {
        auto config = tinyRun("cifar100", dir_.filePath("nowhere").toStdString());
        const auto errors = validateRunConfig(config);
        bool found = false;
        for (const auto& e : errors) found |= e.path == "data.path";
        QVERIFY(found);
    }

    void presetsFollowTheLiterature()
    {
        const auto& presets = benchmarkPresets();
        QVERIFY(presets.size() >= 4);
        const auto& inc10 = presets.front();
        QCOMPARE(inc10.id, std::string("cifar100-b0-inc10"));
        // PILOT's first CIFAR-100 task under seed 1993.
        const auto config = applyPreset(inc10, RunConfig{}, "/data/cifar-100-binary");
        QCOMPARE(int(config.data.tasks.size()), 10);
        QCOMPARE(config.data.tasks[0].classes,
                 (std::vector<int>{68, 56, 78, 8, 23, 84, 90, 65, 74, 76}));
        std::vector<int> all;
        for (const auto& t : config.data.tasks) all.insert(all.end(), t.classes.begin(), t.classes.end());
        std::sort(all.begin(), all.end());
        for (int c = 0; c < 100; ++c) QCOMPARE(all[size_t(c)], c);
        QCOMPARE(config.data.dataset, std::string("cifar100"));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestRealDataRuns)
#include "tst_real_data_runs.moc"
