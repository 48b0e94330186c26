// SPDX-License-Identifier: GPL-3.0-or-later
// Self-supervised pretraining (pretrain.cpp) and the backbone probe through the public API: a
// checkpoint the importer accepts, cancel, a failure message, and probe accuracies that rank
// a random backbone below the pixels on learnable data.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "clwb/backbones.h"
#include "clwb/engine.h"
#include "engine/test_configs.h"

using namespace clwb;

namespace {

PretrainConfig tinyPretrain(const std::string& output)
{
    PretrainConfig c;
    c.model.imageSize = 28;
    c.model.channels = 1;
    c.model.patchSize = 7;
    c.model.dim = 32;
    c.model.depth = 1;
    c.model.heads = 2;
    c.epochs = 1;
    c.limit = 128;
    c.batchSize = 32;
    c.threads = 2;
    c.output = output;
    return c;
}

}  // namespace

class TestPretrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pretrainWritesABackboneTheImporterAccepts()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("simclr.pt").toStdString();
        int steps = 0, finite = 0;
        const auto r = pretrainBackbone(tinyPretrain(out), [&](const RunEvent& e) {
            steps += e.kind == RunEvent::Kind::Step;
            finite += e.kind == RunEvent::Kind::Step && std::isfinite(e.loss);
            return true;
        });
        QCOMPARE(finite, steps);
        QVERIFY2(r.status == RunStatus::Finished, r.message.c_str());
        QCOMPARE(steps, 128 / 32);
        const auto info = inspectBackbone(out);
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QCOMPARE(info.model.dim, 32);
        QCOMPARE(info.model.patchSize, 7);
        // The log file beside the checkpoint has every line, with levels.
        QFile log(QString::fromStdString(out + ".log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        QVERIFY2(text.contains("[info] wrote") && text.contains("SimCLR on 128"), text.constData());
    }

    void pretrainStopsWhenAsked()
    {
        QTemporaryDir dir;
        const auto r = pretrainBackbone(tinyPretrain(dir.filePath("x.pt").toStdString()),
                                        [](const RunEvent& e) { return e.kind != RunEvent::Kind::Step; });
        QVERIFY(r.status == RunStatus::Cancelled);
        QVERIFY2(QString::fromStdString(r.message).contains("stopped at step 1"), r.message.c_str());
    }

    void pretrainOnAMissingFolderFailsWithItsName()
    {
        QTemporaryDir dir;
        auto c = tinyPretrain(dir.filePath("x.pt").toStdString());
        c.dataPath = dir.filePath("no-such-folder").toStdString();
        const auto r = pretrainBackbone(c, {});
        QVERIFY(r.status == RunStatus::Failed);
        QVERIFY2(QString::fromStdString(r.message).contains("no-such-folder"), r.message.c_str());
        QFile log(QString::fromStdString(c.output + ".log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("[error] failed:"));
    }

    void probeRanksBackbones()
    {
        auto config = test::tinyConfig("finetune", 5);  // 10 synthetic classes, 2 per task
        config.model.backbone = "pixels";
        const auto pixels = probeBackbone(config, {});
        config.model.backbone = "random";
        const auto random = probeBackbone(config, {});
        for (const double a : {pixels.prototypeFinalAccuracy, pixels.linearProbeAccuracy,
                               random.prototypeFinalAccuracy, random.linearProbeAccuracy})
            QVERIFY(a >= 0.0 && a <= 1.0);
        // Smooth class templates plus noise: pixels are a strong probe, far above chance (0.1).
        QVERIFY2(pixels.linearProbeAccuracy > 0.5, qPrintable(QString::number(pixels.linearProbeAccuracy)));
        QVERIFY2(pixels.prototypeFinalAccuracy > 0.3,
                 qPrintable(QString::number(pixels.prototypeFinalAccuracy)));
    }
};

QTEST_GUILESS_MAIN(TestPretrain)
#include "tst_pretrain.moc"
