// SPDX-License-Identifier: GPL-3.0-or-later
// The torch-side checks behind config validation (checks.cpp): checkpoint problems in words,
// the bundled backbone, the image-size rule, and the architecture a run adopts.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "checks.h"

using namespace clwb;
using namespace clwb::detail;

class TestChecks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missingAndGarbageCheckpointsAreNamed()
    {
        QVERIFY(QString::fromStdString(checkpointProblem("/nonexistent/vit.safetensors"))
                    .contains("/nonexistent/vit.safetensors"));
        QTemporaryDir dir;
        const QString junk = dir.filePath("junk.pt");
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a checkpoint at all");
        f.close();
        QVERIFY(!checkpointProblem(junk.toStdString()).empty());
        QVERIFY(!checkpointModel(junk.toStdString()).has_value());
    }

    void bundledBackboneIsUsable()
    {
        const auto path = bundledBackbonePath();
        QVERIFY2(checkpointProblem(path).empty(), checkpointProblem(path).c_str());
        const auto m = checkpointModel(path);
        QVERIFY(m.has_value());
        QVERIFY(m->dim > 0 && m->patchSize > 0);
        ModelConfig pretrained;
        pretrained.backbone = "pretrained";
        QCOMPARE(backbonePath(pretrained), path);
        QVERIFY(backboneProblem(pretrained).empty());
        ModelConfig random;
        random.backbone = "random";
        QVERIFY(backboneProblem(random).empty());
    }

    void imageSizeMustSuitThePatch()
    {
        ModelConfig m;
        m.backbone = "pretrained";
        const int patch = checkpointModel(bundledBackbonePath())->patchSize;
        m.imageSize = patch * 5 + 1;
        const auto problem = backboneProblem(m);
        QVERIFY2(QString::fromStdString(problem).contains("model.image_size"), problem.c_str());
        m.imageSize = patch * 5;
        QVERIFY(backboneProblem(m).empty());
    }

    void runsAdoptTheCheckpointsArchitecture()
    {
        RunConfig c;
        c.model.backbone = "pretrained";
        c.model.dim = 999;  // what the checkpoint holds wins
        c.model.depth = 99;
        const auto effective = effectiveConfig(c);
        const auto m = *checkpointModel(bundledBackbonePath());
        QCOMPARE(effective.model.dim, m.dim);
        QCOMPARE(effective.model.depth, m.depth);
        QCOMPARE(effective.model.backbone, std::string("pretrained"));
        RunConfig r;
        r.model.backbone = "random";
        r.model.dim = 48;
        QCOMPARE(effectiveConfig(r).model.dim, 48);  // nothing to adopt
    }
};

QTEST_GUILESS_MAIN(TestChecks)
#include "tst_checks.moc"
