// SPDX-License-Identifier: GPL-3.0-or-later
// Run → New Study…: the live run count, problems named by their JSON path with OK disabled,
// the document round-tripping through clwb::parseStudy, and the command that runs it.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "clwb/run_config.h"
#include "clwb/study.h"
#include "panels/study_dialog.h"
#include "panels/study_document.h"

class TstStudyDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void countsStrategiesTimesSeeds();
    void badGridKeyNamesItsPath();
    void documentRoundTrips();
    void okWritesBesideTheDatabase();
    void slurmSettingsAndMemory();
    void valuesAndSeedsAsTyped();

private:
    /// A dialog on the tiny synthetic experiment with finetune and ewc checked, checked once.
    std::unique_ptr<StudyDialog> makeDialog();
    QTemporaryDir dir_;
    clwb::RunConfig base_;
};

void TstStudyDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    const auto loaded = clwb::loadRunConfig(CLWB_SOURCE_DIR "/tests/data/tiny-synthetic.json");
    QVERIFY(loaded.ok());
    base_ = loaded.config;
}

void TstStudyDialog::init()
{
    QSettings().remove(QStringLiteral("studyDialog"));
}

std::unique_ptr<StudyDialog> TstStudyDialog::makeDialog()
{
    auto dialog = std::make_unique<StudyDialog>();
    dialog->setDesign(base_, {QStringLiteral("finetune"), QStringLiteral("ewc")},
                      {{"ewc", {{"lambda", 100.0}}}});
    dialog->setDatabasePath(dir_.filePath(QStringLiteral("runs.sqlite")));
    dialog->seedsEdit()->setText(QStringLiteral("3"));
    dialog->executorBox()->setCurrentIndex(
        dialog->executorBox()->findData(QStringLiteral("local")));
    return dialog;
}

void TstStudyDialog::countsStrategiesTimesSeeds()
{
    auto dialog = makeDialog();
    QVERIFY(dialog->isChecking());
    QVERIFY(!dialog->okButton()->isEnabled());  // not before the engine has looked at it
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 6);
    QVERIFY(dialog->problems().isEmpty());
    QVERIFY(dialog->okButton()->isEnabled());
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("studyRunCount"))->text(),
             QStringLiteral("6 runs"));
    // Live: a third strategy and two seeds.
    dialog->setStrategyChecked(QStringLiteral("joint"), true);
    dialog->seedsEdit()->setText(QStringLiteral("2"));
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 6);
    dialog->seedsEdit()->setText(QStringLiteral("0, 5, 9, 11"));
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 12);
}

void TstStudyDialog::badGridKeyNamesItsPath()
{
    auto dialog = makeDialog();
    dialog->nameEdit()->setText(QStringLiteral("kept"));
    dialog->addGridRow(QStringLiteral("train.bogus"), QStringLiteral("1, 2"));
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 0);
    QVERIFY(!dialog->okButton()->isEnabled());
    const QStringList problems = dialog->problems();
    QVERIFY(!problems.isEmpty());
    QVERIFY2(problems.first().startsWith(QStringLiteral("grid[\"train.bogus\"]: ")),
             qPrintable(problems.first()));
    QVERIFY(dialog->problemList()->count() >= 1);
    QVERIFY(!dialog->problemList()->isHidden());
    // OK does nothing; nothing typed is lost.
    dialog->accept();
    QVERIFY(dialog->studyFile().isEmpty());
    QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("kept"));
    QCOMPARE(dialog->seedsEdit()->text(), QStringLiteral("3"));
    // Fixing the key clears the problem: 2 strategies x 3 seeds x 2 learning rates.
    auto* key =
        qobject_cast<QComboBox*>(dialog->gridTable()->cellWidget(0, StudyDialog::KeyColumn));
    QVERIFY(key && key->isEditable());
    QVERIFY(dialog->gridKeys().contains(QStringLiteral("train.lr")));
    QVERIFY(dialog->gridKeys().contains(QStringLiteral("params.lambda")));  // ewc's ParamSpec
    key->setCurrentText(QStringLiteral("train.lr"));
    QTRY_VERIFY(!dialog->isChecking());
    QVERIFY(dialog->problems().isEmpty());
    QCOMPARE(dialog->runCount(), 12);
    QVERIFY(dialog->okButton()->isEnabled());
    QVERIFY(dialog->problemList()->isHidden());
}

void TstStudyDialog::documentRoundTrips()
{
    auto dialog = makeDialog();
    dialog->addGridRow(QStringLiteral("train.lr"), QStringLiteral("0.001, 0.01"));
    dialog->addGridRow(QStringLiteral("params.lambda"), QStringLiteral("10, 1000"),
                       QStringLiteral("ewc"));
    QTRY_VERIFY(!dialog->isChecking());
    QVERIFY2(dialog->problems().isEmpty(), qPrintable(dialog->problems().join(QLatin1Char('\n'))));
    // finetune: 2 lr x 3 seeds; ewc: 2 lr x 2 lambda x 3 seeds.
    QCOMPARE(dialog->runCount(), 18);
    const QString file = dir_.filePath(QStringLiteral("saved-study.json"));
    QVERIFY(dialog->saveTo(file));
    const clwb::StudyParseResult parsed = clwb::loadStudy(file.toStdString());
    QVERIFY(parsed.ok());
    const clwb::StudySpec& spec = parsed.spec;
    QCOMPARE(QString::fromStdString(spec.name), QStringLiteral("tiny synthetic smoke run study"));
    QCOMPARE(int(spec.configurations.size()), 2);
    QCOMPARE(spec.configurations[0].strategy, std::string("finetune"));
    QCOMPARE(spec.configurations[1].label, std::string("ewc"));
    QCOMPARE(spec.configurations[1].params.at("lambda"), 100.0);  // the designer's value
    QCOMPARE(int(spec.configurations[1].grid.size()), 1);
    QCOMPARE(spec.configurations[1].grid[0].key, std::string("params.lambda"));
    QCOMPARE(spec.seeds, (std::vector<int>{0, 1, 2}));
    QCOMPARE(int(spec.grid.size()), 1);
    QCOMPARE(spec.grid[0].key, std::string("train.lr"));
    QCOMPARE(spec.grid[0].values, (std::vector<std::string>{"0.001", "0.01"}));
    QCOMPARE(spec.execution.executor, std::string("local"));
    const auto base = clwb::parseRunConfig(spec.baseJson);
    QVERIFY(base.ok());
    QCOMPARE(clwb::toJson(base.config), clwb::toJson(base_));
    const auto expansion = clwb::expandStudy(spec, true);
    QVERIFY(expansion.ok());
    QCOMPARE(int(expansion.runs.size()), 18);
}

void TstStudyDialog::okWritesBesideTheDatabase()
{
    auto dialog = makeDialog();
    dialog->nameEdit()->setText(QStringLiteral("My Study: 2 × 3"));
    dialog->maxParallelBox()->setValue(2);
    QTRY_VERIFY(!dialog->isChecking());
    QVERIFY(dialog->okButton()->isEnabled());
    dialog->okButton()->click();
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
    const QString file = dialog->studyFile();
    QCOMPARE(file, dir_.filePath(QStringLiteral("studies/my-study-2-3.json")));
    QVERIFY(QFile::exists(file));
    QVERIFY(clwb::loadStudy(file.toStdString()).ok());
    QCOMPARE(dialog->commandArguments(),
             QStringList({QStringLiteral("study"), file, QStringLiteral("--db"),
                          dir_.filePath(QStringLiteral("runs.sqlite")),
                          QStringLiteral("--executor"), QStringLiteral("local"),
                          QStringLiteral("--max-parallel"), QStringLiteral("2")}));
    // A second study of the same name gets its own file.
    auto again = makeDialog();
    again->nameEdit()->setText(QStringLiteral("My Study: 2 × 3"));
    QTRY_VERIFY(!again->isChecking());
    again->accept();
    QCOMPARE(again->studyFile(), dir_.filePath(QStringLiteral("studies/my-study-2-3-2.json")));
    // The settings are remembered for the next dialog.
    StudyDialog next;
    QCOMPARE(next.maxParallelBox()->value(), 2);
    QCOMPARE(next.executorBox()->currentData().toString(), QStringLiteral("local"));
}

void TstStudyDialog::slurmSettingsAndMemory()
{
    auto dialog = makeDialog();
    dialog->executorBox()->setCurrentIndex(
        dialog->executorBox()->findData(QStringLiteral("slurm")));
    study_document::Draft d = dialog->draft();
    d.executor.partition = QStringLiteral("gpu");
    d.executor.time = QStringLiteral("01:00:00");
    d.executor.gpus = QStringLiteral("1");
    d.executor.sbatchLines = {QStringLiteral("#SBATCH --account=cl"),
                              QStringLiteral("--qos=short")};
    const auto parsed = clwb::parseStudy(study_document::toJson(d).toStdString());
    QVERIFY(parsed.ok());
    const clwb::StudyExecution& e = parsed.spec.execution;
    QCOMPARE(e.executor, std::string("slurm"));
    QCOMPARE(e.partition, std::string("gpu"));
    QCOMPARE(e.time, std::string("01:00:00"));
    QCOMPARE(e.gpus, std::string("1"));
    QCOMPARE(e.sbatchLines, (std::vector<std::string>{"--account=cl", "--qos=short"}));
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 6);
    QVERIFY(dialog->okButton()->isEnabled());
    dialog->accept();
    QVERIFY(dialog->commandArguments().contains(QStringLiteral("--submit")));
    QVERIFY(dialog->commandArguments().contains(QStringLiteral("slurm")));
}

void TstStudyDialog::valuesAndSeedsAsTyped()
{
    const QJsonArray v =
        study_document::parseValues(QStringLiteral("0.001, 1e-2, true, flip, \"x\""));
    QCOMPARE(v.size(), 5);
    QCOMPARE(v.at(0).toDouble(), 0.001);
    QCOMPARE(v.at(1).toDouble(), 0.01);
    QCOMPARE(v.at(2).toBool(), true);
    QCOMPARE(v.at(3).toString(), QStringLiteral("flip"));
    QCOMPARE(v.at(4).toString(), QStringLiteral("x"));
    QCOMPARE(study_document::parseSeeds(QStringLiteral(" 3 ")).toInt(), 3);
    QCOMPARE(study_document::parseSeeds(QStringLiteral("0 4,7")).toArray().size(), 3);
    QVERIFY(study_document::parseSeeds(QStringLiteral("a, b")).isString());
    const QStringList keys = study_document::configKeys(base_);
    QVERIFY(keys.contains(QStringLiteral("train.lr")));
    QVERIFY(keys.contains(QStringLiteral("data.train_per_class")));
    QVERIFY(!keys.contains(QStringLiteral("data.tasks")));
    QVERIFY(!keys.contains(QStringLiteral("seed")));
    // Seeds the engine cannot read are its problem to name.
    auto dialog = makeDialog();
    dialog->seedsEdit()->setText(QStringLiteral("a, b"));
    QTRY_VERIFY(!dialog->isChecking());
    QVERIFY(!dialog->problems().filter(QStringLiteral("seeds: ")).isEmpty());
    QVERIFY(!dialog->okButton()->isEnabled());
}

QTEST_MAIN(TstStudyDialog)
#include "tst_study_dialog.moc"
