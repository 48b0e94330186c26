// SPDX-License-Identifier: GPL-3.0-or-later
// The checkpoint import dialog on a file that is no checkpoint and on the bundled clwb backbone,
// and the designer taking the imported architecture.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "panels/backbone_dialog.h"
#include "panels/experiment_panel.h"

class TstBackboneDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyPathAsksForAFile();
    void problemForANonCheckpoint();
    void detectsTheBundledCheckpoint();
    void imageSizeMustFitThePatch();
    void acceptRemembersAndDesignerUsesIt();

private:
    static QPushButton* okButton(BackboneDialog& d)
    {
        return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    }
    static QString bundled() { return QStringLiteral(CLWB_SOURCE_DIR "/resources/backbone.pt"); }
    QTemporaryDir dir_;
};

void TstBackboneDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);  // never touch the user's settings
    QCoreApplication::setOrganizationName(QStringLiteral("CLWorkbenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_backbone_dialog"));
    QVERIFY(dir_.isValid());
    QVERIFY(QFile::exists(bundled()));
}

void TstBackboneDialog::emptyPathAsksForAFile()
{
    BackboneDialog d;
    d.setCheckpoint(QString());
    QTRY_VERIFY_WITH_TIMEOUT(!d.isInspecting(), 20000);
    QVERIFY2(d.problemText().contains(QLatin1String("Checkpoint file")),
             qPrintable(d.problemText()));
    QVERIFY(!okButton(d)->isEnabled());
}

void TstBackboneDialog::problemForANonCheckpoint()
{
    const QString file = dir_.filePath(QStringLiteral("notes.pt"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("these are notes, not tensors\n");
    f.close();
    BackboneDialog d;
    QSignalSpy inspected(&d, &BackboneDialog::inspected);
    d.setCheckpoint(file);
    QTRY_VERIFY_WITH_TIMEOUT(!d.isInspecting(), 20000);
    QVERIFY(inspected.count() >= 1);
    QVERIFY(!d.info().problem.empty());
    const QString status = d.findChild<QLabel*>(QStringLiteral("backboneStatus"))->text();
    QVERIFY2(status.startsWith(QLatin1String("Checkpoint file:")), qPrintable(status));
    QVERIFY(!okButton(d)->isEnabled());
    QCOMPARE(d.detail(QStringLiteral("parameters")), QStringLiteral("–"));  // nothing detected
}

void TstBackboneDialog::detectsTheBundledCheckpoint()
{
    BackboneDialog d;
    d.setCheckpoint(bundled());
    QTRY_VERIFY_WITH_TIMEOUT(!d.isInspecting(), 20000);
    QVERIFY2(d.info().problem.empty(), d.info().problem.c_str());
    QCOMPARE(QString::fromStdString(d.info().format), QStringLiteral("clwb"));
    const clwb::ModelConfig& m = d.info().model;
    QVERIFY(m.dim > 0 && m.depth > 0 && m.heads > 0 && m.patchSize > 0 && m.imageSize > 0);
    QVERIFY(d.info().parameters > 0);
    QVERIFY(d.detail(QStringLiteral("format")).startsWith(QLatin1String("clwb checkpoint")));
    QVERIFY2(d.detail(QStringLiteral("size")).contains(QStringLiteral("dim %1").arg(m.dim)),
             qPrintable(d.detail(QStringLiteral("size"))));
    QVERIFY(d.detail(QStringLiteral("size")).contains(QStringLiteral("patch %1").arg(m.patchSize)));
    QVERIFY(d.detail(QStringLiteral("image")).startsWith(QString::number(m.imageSize)));
    QVERIFY(d.detail(QStringLiteral("parameters")).endsWith(QLatin1String(" M")));
    for (const char* key : {"pooling", "classToken", "layerScale", "normalisation", "notes"})
        QVERIFY2(d.detail(QLatin1String(key)) != QStringLiteral("–"), key);
    QVERIFY(okButton(d)->isEnabled());
    QCOMPARE(d.problemText(), QString());
    const clwb::ModelConfig chosen = d.modelConfig();
    QCOMPARE(QString::fromStdString(chosen.backbone), bundled());
    QCOMPARE(chosen.imageSize, m.imageSize);  // 0 in the field = the checkpoint's
}

void TstBackboneDialog::imageSizeMustFitThePatch()
{
    BackboneDialog d;
    d.setCheckpoint(bundled());
    QTRY_VERIFY_WITH_TIMEOUT(!d.isInspecting(), 20000);
    const int patch = d.info().model.patchSize;
    auto* size = d.findChild<QSpinBox*>();
    size->setValue(patch * 5 + 1);
    QVERIFY2(d.problemText().startsWith(QLatin1String("Image size:")), qPrintable(d.problemText()));
    QVERIFY(!okButton(d)->isEnabled());
    size->setValue(patch * 5);
    QVERIFY(okButton(d)->isEnabled());
    QCOMPARE(d.modelConfig().imageSize, patch * 5);
}

void TstBackboneDialog::acceptRemembersAndDesignerUsesIt()
{
    BackboneDialog d;
    d.setCheckpoint(bundled());
    QTRY_VERIFY_WITH_TIMEOUT(!d.isInspecting(), 20000);
    d.accept();
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(BackboneDialog::recentCheckpoints().value(0), QFileInfo(bundled()).absoluteFilePath());
    BackboneDialog again;
    QVERIFY(again.findChild<QComboBox*>()->findText(QFileInfo(bundled()).absoluteFilePath()) >= 0);

    ExperimentPanel panel;
    const clwb::ModelConfig defaults = panel.config().model;
    clwb::ModelConfig imported = d.modelConfig();
    imported.dim = defaults.dim * 2;  // tell the two apart
    panel.useCheckpoint(imported);
    QCOMPARE(QString::fromStdString(panel.config().model.backbone), bundled());
    QCOMPARE(panel.config().model.dim, defaults.dim * 2);
    // Back to the bundled backbone: its own architecture again.
    auto* combo = panel.findChildren<QComboBox*>().last();
    for (auto* c : panel.findChildren<QComboBox*>())
        if (c->findData(QStringLiteral("random")) >= 0) combo = c;
    combo->setCurrentIndex(combo->findData(QStringLiteral("pretrained")));
    QCOMPARE(QString::fromStdString(panel.config().model.backbone), QStringLiteral("pretrained"));
    QCOMPARE(panel.config().model.dim, defaults.dim);
}

QTEST_MAIN(TstBackboneDialog)
#include "tst_backbone_dialog.moc"
