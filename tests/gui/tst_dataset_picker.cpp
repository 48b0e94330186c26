// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset picker, the task table fed by an image folder, and the preview strip, on a tiny
// image folder of drawn shapes that the test writes.
#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include "clwb/datasets.h"
#include "panels/dataset_picker.h"
#include "panels/experiment_panel.h"
#include "panels/preview_strip.h"
#include "panels/task_table_model.h"

namespace {

const QStringList kShapes = {QStringLiteral("circle"), QStringLiteral("square"),
                             QStringLiteral("triangle")};

/// root/train/<shape>/*.png and root/test/<shape>/*.png; `trainCounts[i]` images of shape i.
bool writeShapeFolder(const QString& root, const QList<int>& trainCounts, int testCount)
{
    for (int s = 0; s < kShapes.size(); ++s) {
        for (const QString& split : {QStringLiteral("train"), QStringLiteral("test")}) {
            const QString dir = QStringLiteral("%1/%2/%3").arg(root, split, kShapes[s]);
            if (!QDir().mkpath(dir)) return false;
            const int n = split == QLatin1String("train") ? trainCounts[s] : testCount;
            for (int i = 0; i < n; ++i) {
                QImage image(16, 16, QImage::Format_RGB888);
                image.fill(Qt::white);
                QPainter p(&image);
                p.setBrush(QColor::fromHsv((s * 120 + i * 10) % 360, 200, 220));
                p.setPen(Qt::NoPen);
                if (s == 0) p.drawEllipse(2, 2, 12, 12);
                if (s == 1) p.drawRect(3, 3, 10, 10);
                if (s == 2) p.drawPolygon(QPolygon({QPoint(8, 2), QPoint(14, 14), QPoint(2, 14)}));
                p.end();
                if (!image.save(QStringLiteral("%1/%2.png").arg(dir).arg(i))) return false;
            }
        }
    }
    return true;
}

}  // namespace

class TstDatasetPicker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dataConfigPerKind_data();
    void dataConfigPerKind();
    void pathIsRememberedPerKind();
    void inspectsImageFolder();
    void namesTheFieldOnProblems();
    void taskTableTakesFolderClasses();
    void loadingAConfigKeepsItsTasks();
    void benchmarkPresetsInMenu();
    void benchmarkPresetKeepsItsSplit();
    void previewShowsThumbnails();
    void hiddenPreviewWaits();

private:
    QTemporaryDir dir_;
    QString shapes_;
};

void TstDatasetPicker::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);  // never touch the user's settings
    QCoreApplication::setOrganizationName(QStringLiteral("CLWorkbenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_dataset_picker"));
    QVERIFY(dir_.isValid());
    shapes_ = dir_.filePath(QStringLiteral("shapes"));
    QVERIFY(writeShapeFolder(shapes_, {5, 5, 2}, 2));
}

void TstDatasetPicker::dataConfigPerKind_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("pathEnabled");
    QTest::addColumn<bool>("shareShown");
    QTest::newRow("fashion-mnist") << "fashion-mnist"
                                   << "" << true << false;
    QTest::newRow("idx") << "idx"
                         << "/data/mnist" << true << false;
    QTest::newRow("cifar10") << "cifar10"
                             << "/data/cifar-10-batches-bin" << true << false;
    QTest::newRow("cifar100") << "cifar100"
                              << "/data/cifar-100-binary" << true << false;
    QTest::newRow("image-folder") << "image-folder"
                                  << "/data/imagenet-r" << true << true;
    QTest::newRow("file-list") << "file-list"
                               << "/data/list.csv" << true << true;
    QTest::newRow("synthetic") << "synthetic"
                               << "" << false << false;
}

void TstDatasetPicker::dataConfigPerKind()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(bool, pathEnabled);
    QFETCH(bool, shareShown);
    DatasetPicker picker;
    QSignalSpy edited(&picker, &DatasetPicker::edited);
    auto* combo = picker.findChild<QComboBox*>();
    QVERIFY(combo);
    QCOMPARE(combo->count(), 7);  // every kind is offered
    const int index = combo->findData(kind);
    QVERIFY(index >= 0);
    combo->setCurrentIndex(index);
    auto* pathEdit = picker.findChild<QLineEdit*>();
    QCOMPARE(pathEdit->isEnabled(), pathEnabled);
    QVERIFY(!pathEdit->placeholderText().isEmpty());  // says what to put there
    if (pathEnabled) QTest::keyClicks(pathEdit, path);
    auto* share = picker.findChild<QDoubleSpinBox*>();
    QCOMPARE(share->isVisibleTo(&picker), shareShown);
    share->setValue(30);

    clwb::DataConfig data;
    data.numTasks = 7;  // not the picker's business
    picker.writeTo(data);
    QCOMPARE(QString::fromStdString(data.dataset), kind);
    QCOMPARE(QString::fromStdString(data.path), path);
    QCOMPARE(data.testFraction, 0.3);
    QCOMPARE(data.numTasks, 7);
    QVERIFY(edited.count() >= 1);
}

void TstDatasetPicker::pathIsRememberedPerKind()
{
    DatasetPicker picker;
    picker.setKind(QStringLiteral("image-folder"));
    picker.setPath(QStringLiteral("/data/folder"));
    picker.setKind(QStringLiteral("cifar10"));
    QCOMPARE(picker.path(), QString());  // a CIFAR folder is no image folder
    picker.setPath(QStringLiteral("/data/cifar"));
    picker.setKind(QStringLiteral("image-folder"));
    QCOMPARE(picker.path(), QStringLiteral("/data/folder"));
}

void TstDatasetPicker::inspectsImageFolder()
{
    DatasetPicker picker;
    QSignalSpy inspected(&picker, &DatasetPicker::inspected);
    picker.setKind(QStringLiteral("image-folder"));
    picker.setPath(shapes_);
    QVERIFY(picker.isInspecting());
    QTRY_VERIFY_WITH_TIMEOUT(!picker.isInspecting(), 20000);
    QVERIFY(inspected.count() >= 1);
    QCOMPARE(QString::fromStdString(picker.info().problem), QString());
    QCOMPARE(picker.displayClassNames(), kShapes);
    QCOMPARE(picker.info().trainImages, 12);
    QCOMPARE(picker.info().testImages, 6);
    QVERIFY(picker.info().hasTestSplit);
    const QString status = picker.findChild<QLabel*>(QStringLiteral("datasetStatus"))->text();
    QVERIFY2(status.contains(QLatin1String("3 classes")) && status.contains(QLatin1String("12")),
             qPrintable(status));
    // train/ + test/: the test share does not apply
    QVERIFY(!picker.findChild<QDoubleSpinBox*>()->isEnabled());
    // default split of 3 classes into num_tasks (5) groups: one class each
    const std::vector<std::vector<int>> expected = {{0}, {1}, {2}};
    QCOMPARE(picker.defaultTasks(), expected);
}

void TstDatasetPicker::namesTheFieldOnProblems()
{
    DatasetPicker picker;
    picker.setKind(QStringLiteral("image-folder"));
    picker.setPath(dir_.filePath(QStringLiteral("no-such-folder")));
    QTRY_VERIFY_WITH_TIMEOUT(!picker.isInspecting(), 20000);
    QVERIFY(!picker.info().problem.empty());
    const QString status = picker.findChild<QLabel*>(QStringLiteral("datasetStatus"))->text();
    QVERIFY2(status.contains(QLatin1String("data.path")), qPrintable(status));
    QVERIFY(picker.displayClassNames().isEmpty());
}

void TstDatasetPicker::taskTableTakesFolderClasses()
{
    ExperimentPanel panel;
    QCOMPARE(panel.taskModel()->numClasses(), 10);  // the demo's Fashion-MNIST
    panel.datasetPicker()->setKind(QStringLiteral("image-folder"));
    panel.datasetPicker()->setPath(shapes_);
    QTRY_COMPARE_WITH_TIMEOUT(panel.taskModel()->classNames(), kShapes, 20000);
    TaskTableModel* model = panel.taskModel();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->data(model->index(2, TaskTableModel::ClassesColumn)).toString(),
             QStringLiteral("triangle"));
    QCOMPARE(panel.findChild<QListWidget*>()->count(), 3);  // the class check list follows
    QVERIFY(!model->setTaskClasses(0, {3}));                // no class 3 any more
    QVERIFY(panel.undoStack()->count() == 0);               // old steps held old class ids
    const clwb::RunConfig c = panel.config();
    QCOMPARE(QString::fromStdString(c.data.dataset), QStringLiteral("image-folder"));
    QCOMPARE(QString::fromStdString(c.data.path), shapes_);
    QCOMPARE(c.data.tasks.size(), size_t(3));
    QCOMPARE(clwb::validateRunConfig(c).size(), size_t(0));
}

void TstDatasetPicker::loadingAConfigKeepsItsTasks()
{
    ExperimentPanel panel;
    clwb::RunConfig c = clwb::demoConfig();
    c.data.dataset = "image-folder";
    c.data.path = shapes_.toStdString();
    c.data.tasks = {clwb::TaskSpec{{2, 0}}, clwb::TaskSpec{{1}}};
    panel.setConfig(c);
    QCOMPARE(panel.taskModel()->classNames(), kShapes);  // at once, not after the inspection
    QTRY_VERIFY_WITH_TIMEOUT(!panel.datasetPicker()->isInspecting(), 20000);
    const std::vector<std::vector<int>> expected = {{2, 0}, {1}};
    QCOMPARE(panel.taskModel()->state().tasks, expected);
    QCOMPARE(panel.config().data.tasks.size(), size_t(2));
}

void TstDatasetPicker::benchmarkPresetsInMenu()
{
    ExperimentPanel panel;
    QToolButton* presets = nullptr;
    for (auto* b : panel.findChildren<QToolButton*>())
        if (b->menu()) presets = b;
    QVERIFY(presets);
    QStringList texts;
    for (QAction* a : presets->menu()->actions()) texts << a->text();
    for (const auto& p : clwb::benchmarkPresets())
        QVERIFY2(texts.contains(QString::fromStdString(p.label)), p.label.c_str());
}

void TstDatasetPicker::benchmarkPresetKeepsItsSplit()
{
    ExperimentPanel panel;
    const clwb::BenchmarkPreset& preset = clwb::benchmarkPresets().front();  // CIFAR-100 Inc10
    QAction* action = nullptr;
    for (auto* b : panel.findChildren<QToolButton*>())
        if (b->menu())
            for (QAction* a : b->menu()->actions())
                if (a->text() == QString::fromStdString(preset.label)) action = a;
    QVERIFY(action);
    // Answer the path question: a folder that holds no CIFAR-100.
    bool asked = false;
    QTimer::singleShot(0, this, [&] {
        QWidget* dialog = QApplication::activeModalWidget();
        QVERIFY(dialog);
        asked = true;
        dialog->findChild<QLineEdit*>()->setText(shapes_);
        auto* box = dialog->findChild<QDialogButtonBox*>();
        box->button(QDialogButtonBox::Ok)->click();
    });
    action->trigger();
    QVERIFY(asked);
    QCOMPARE(panel.datasetPicker()->kind(), QStringLiteral("cifar100"));
    QCOMPARE(panel.datasetPicker()->path(), shapes_);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.datasetPicker()->isInspecting(), 20000);
    QVERIFY(!panel.datasetPicker()->info().problem.empty());  // the picker says what is missing
    const clwb::RunConfig c = panel.config();
    QCOMPARE(c.data.tasks.size(), size_t(preset.numClasses / preset.classesPerTask));
    const std::vector<int> first(preset.classOrder.begin(),
                                 preset.classOrder.begin() + preset.classesPerTask);
    QCOMPARE(c.data.tasks[0].classes, first);
    QCOMPARE(QString::fromStdString(c.data.augment), QStringLiteral("crop-flip"));
    QCOMPARE(panel.taskModel()->numClasses(), preset.numClasses);
}

void TstDatasetPicker::previewShowsThumbnails()
{
    PreviewStrip strip;
    strip.resize(600, 400);
    strip.show();
    QVERIFY(QTest::qWaitForWindowExposed(&strip));
    clwb::DataConfig data;
    data.dataset = "image-folder";
    data.path = shapes_.toStdString();
    QSignalSpy loaded(&strip, &PreviewStrip::loaded);
    strip.setContent(data, {{0, 1}, {2}}, kShapes);
    QVERIFY(strip.isLoading());
    QTRY_VERIFY_WITH_TIMEOUT(!strip.isLoading(), 20000);
    QCOMPARE(strip.problem(), QString());
    // 4 of the 5 circles, 4 of the 5 squares, both triangles
    QCOMPARE(strip.thumbnailCount(), 2 * PreviewStrip::kPerClass + 2);
    QVERIFY(loaded.count() >= 1);

    // A new split of the same data re-uses the decoded thumbnails.
    strip.setContent(data, {{0}}, kShapes);
    QVERIFY(!strip.isLoading());
    QCOMPARE(strip.thumbnailCount(), PreviewStrip::kPerClass);

    // An unreadable dataset says so instead of showing thumbnails.
    data.path = dir_.filePath(QStringLiteral("missing")).toStdString();
    strip.setContent(data, {{0}}, kShapes);
    QTRY_VERIFY_WITH_TIMEOUT(!strip.isLoading(), 20000);
    QVERIFY(!strip.problem().isEmpty());
    QCOMPARE(strip.thumbnailCount(), 0);
}

void TstDatasetPicker::hiddenPreviewWaits()
{
    PreviewStrip strip;
    clwb::DataConfig data;
    data.dataset = "image-folder";
    data.path = shapes_.toStdString();
    strip.setContent(data, {{0, 1, 2}}, kShapes);
    QTest::qWait(200);
    QCOMPARE(strip.thumbnailCount(), 0);  // nothing decoded while nobody looks
    QVERIFY(strip.isLoading());
    strip.show();
    QTRY_VERIFY_WITH_TIMEOUT(!strip.isLoading(), 20000);
    QCOMPARE(strip.thumbnailCount(), 2 * PreviewStrip::kPerClass + 2);
}

QTEST_MAIN(TstDatasetPicker)
#include "tst_dataset_picker.moc"
