// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: a tiny synthetic experiment through the real window and the real engine.
#include <QAction>
#include <QListWidget>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/loss_chart.h"
#include "clwb/run_store.h"
#include "main_window.h"
#include "panels/chart_area.h"
#include "panels/experiment_panel.h"
#include "panels/metrics_panel.h"
#include "panels/presentation_view.h"
#include "panels/runs_browser.h"
#include "panels/runs_table_model.h"
#include "translation_manager.h"

class TstMainWindowE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tinyRunFinishesAndIsStored();
    void stopCancelsWithinASecond();
    void batchRunsEachStrategy();
    void languageSwitchRetranslates();
    void replayDrawsAsLiveAndPresents();
    void resumeEndsAsIfNeverStopped();
    void failedRunsLeaveTheWindowUsable();

private:
    QString writeConfig(int epochs, int trainPerClass);
    QTemporaryDir dir_;
};

void TstMainWindowE2e::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);  // never touch the user's settings
    QCoreApplication::setOrganizationName(QStringLiteral("CLWorkbenchTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_main_window_e2e"));
    QVERIFY(dir_.isValid());
}

QString TstMainWindowE2e::writeConfig(int epochs, int trainPerClass)
{
    const QString file =
        dir_.filePath(QStringLiteral("tiny-%1-%2.json").arg(epochs).arg(trainPerClass));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(QStringLiteral(R"({
  "name": "e2e tiny",
  "strategy": "finetune",
  "data": {"dataset": "synthetic", "tasks": [[0, 1], [2, 3]], "train_per_class": %2,
           "test_per_class": 16},
  "model": {"backbone": "random", "image_size": 16, "patch_size": 4, "dim": 32, "depth": 2,
            "heads": 2},
  "train": {"epochs": %1, "batch_size": 16, "lr": 0.003, "eval_every": 2},
  "threads": 2
})")
                .arg(epochs)
                .arg(trainPerClass)
                .toUtf8());
    return file;
}

void TstMainWindowE2e::tinyRunFinishesAndIsStored()
{
    const QString db = dir_.filePath(QStringLiteral("e2e.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.loadExperiment(writeConfig(2, 32)));
    QSignalSpy done(&w, &MainWindow::batchFinished);
    w.startAction()->trigger();
    QVERIFY(w.isRunning());
    QVERIFY(!w.startAction()->isEnabled());
    QVERIFY(w.stopAction()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 120000);
    QCOMPARE(done.count(), 1);
    QCOMPARE(QString::fromStdString(clwb::toString(w.lastStatus())), QStringLiteral("finished"));
    QVERIFY(w.lastRunId() > 0);

    // The charts saw the whole run: T x T matrix, init row, curves for both tasks, losses.
    ChartArea* charts = w.chartArea();
    charts->flushReplots();
    QCOMPARE(charts->matrix()->taskCount(), 2);
    QCOMPARE(charts->matrix()->filledCells(), 4);
    QVERIFY(charts->matrix()->initRowFilled());
    QCOMPARE(charts->curves()->visibleTaskCount(), 2);
    QVERIFY(charts->loss()->rawPointCount() > 0);
    // The progress bar spans the planned steps and ends full.
    auto* bar = w.findChild<QProgressBar*>(QStringLiteral("runProgress"));
    QVERIFY(bar);
    QCOMPARE(bar->maximum(), charts->loss()->rawPointCount());
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY(charts->metrics()->isFinal());

    // The database holds the finished run with its matrix and metrics.
    clwb::RunStore store(db.toStdString());
    const auto run = store.run(w.lastRunId());
    QVERIFY(run);
    QVERIFY(run->status == clwb::RunStatus::Finished);
    QCOMPARE(int(store.matrix(w.lastRunId()).size()), 2 * 2 + 2);  // + the init row
    QVERIFY(run->metrics.count("final_average_accuracy"));
    QCOMPARE(charts->metrics()->value("final_average_accuracy"),
             run->metrics.at("final_average_accuracy"));
    QCOMPARE(w.runsBrowser()->model()->rowCount(), 1);

    // Reopening it from the database rebuilds the same matrix.
    const auto rows = charts->matrix()->rows();
    charts->clear();
    w.openStoredRun(w.lastRunId());
    QCOMPARE(charts->matrix()->rows(), rows);

    // Exports of the run on show.
    QVERIFY(w.writeCsv(dir_.filePath(QStringLiteral("m.csv"))));
    QVERIFY(w.writeReport(dir_.filePath(QStringLiteral("r.pdf"))));
    QVERIFY(QFileInfo(dir_.filePath(QStringLiteral("r.pdf"))).size() > 10000);
    // The run's log file lies beside the database and goes with the report.
    QVERIFY(QFileInfo::exists(w.runsBrowser()->logPath(w.lastRunId())));
    QFile log(dir_.filePath(QStringLiteral("r.log")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY2(text.contains("[info] planned optimisation steps") && text.contains("finished"),
             text.constData());
}

void TstMainWindowE2e::stopCancelsWithinASecond()
{
    const QString db = dir_.filePath(QStringLiteral("stop.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    QVERIFY(w.loadExperiment(writeConfig(200, 64)));
    QVERIFY(w.startExperiment());
    // Wait until training is under way, then stop.
    QTRY_VERIFY_WITH_TIMEOUT(w.chartArea()->loss()->rawPointCount() > 3, 60000);
    // Mid-run the bar moves through the planned steps (it once stayed at 0 %).
    auto* bar = w.findChild<QProgressBar*>(QStringLiteral("runProgress"));
    QTRY_VERIFY(bar->maximum() > 1 && bar->value() > 0);
    // No wall-clock bound (flaky on a loaded machine): the stored status says the stop, not
    // the end of training, ended the run.
    w.stopAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 60000);
    QCOMPARE(QString::fromStdString(clwb::toString(w.lastStatus())), QStringLiteral("cancelled"));
    clwb::RunStore store(db.toStdString());
    const auto run = store.run(w.lastRunId());
    QVERIFY(run);
    QVERIFY(run->status == clwb::RunStatus::Cancelled);
}

void TstMainWindowE2e::batchRunsEachStrategy()
{
    const QString db = dir_.filePath(QStringLiteral("batch.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    QVERIFY(w.loadExperiment(writeConfig(1, 16)));
    ExperimentPanel* panel = w.experimentPanel();
    panel->setStrategyChecked(QStringLiteral("finetune"), true);
    panel->setStrategyChecked(QStringLiteral("freeze"), true);
    QCOMPARE(panel->batchConfigs().size(), size_t(2));
    QVERIFY(w.startExperiment());
    QTRY_COMPARE(w.queueView()->count(), 2);  // once the batch is checked (off the GUI thread)
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 120000);
    clwb::RunStore store(db.toStdString());
    const auto runs = store.listRuns();
    QCOMPARE(int(runs.size()), 2);
    for (const auto& r : runs) QVERIFY(r.status == clwb::RunStatus::Finished);
}

void TstMainWindowE2e::languageSwitchRetranslates()
{
    MainWindow w(dir_.filePath(QStringLiteral("lang.sqlite")));
    const QString english = w.startAction()->text();
    QCOMPARE(english, QStringLiteral("&Start"));
    w.setLanguage(QStringLiteral("ja"));
    QCoreApplication::processEvents();
    QCOMPARE(translation_manager::language(), QStringLiteral("ja"));
    QVERIFY(w.startAction()->text() != english);
    QVERIFY(w.startAction()->text().contains(QChar(0x958B)));  // 開 of 開始
    QCOMPARE(w.runsBrowser()
                 ->model()
                 ->headerData(RunsTableModel::StatusColumn, Qt::Horizontal)
                 .toString(),
             QStringLiteral("状態"));
    w.setLanguage(QStringLiteral("en"));
    QCoreApplication::processEvents();
    QCOMPARE(w.startAction()->text(), english);
}

void TstMainWindowE2e::replayDrawsAsLiveAndPresents()
{
    const QString db = dir_.filePath(QStringLiteral("replay.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    w.resize(1200, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.loadExperiment(writeConfig(1, 24)));
    w.startAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 120000);
    QVERIFY(w.lastStatus() == clwb::RunStatus::Finished);

    // Every chart drawn at a fixed size from the live events, then from the database.
    ChartArea* charts = w.chartArea();
    auto draw = [charts] {
        std::vector<QImage> images;
        for (ChartPanel* c : charts->charts()) images.push_back(c->toPixmap(640, 400).toImage());
        return images;
    };
    const auto live = draw();
    QVERIFY(live.size() >= 5);
    charts->clear();
    w.openStoredRun(w.lastRunId());
    const auto replayed = draw();
    QCOMPARE(replayed.size(), live.size());
    for (size_t i = 0; i < live.size(); ++i) {
        if (live[i] != replayed[i] && qEnvironmentVariableIsSet("CLWB_KEEP_IMAGES")) {
            live[i].save(QStringLiteral("%1/live-%2.png").arg(QDir::tempPath()).arg(i));
            replayed[i].save(QStringLiteral("%1/replayed-%2.png").arg(QDir::tempPath()).arg(i));
        }
        QVERIFY2(live[i] == replayed[i], qPrintable(charts->charts()[i]->title()));
    }
    // The same images are not all blank: the comparison can fail.
    QVERIFY(live[0] != QImage(live[0].size(), live[0].format()));

    // View → Present on the stored run on show: both boundaries, the caption from its matrix.
    QVERIFY(w.present());
    PresentationView* view = w.presentation();
    QVERIFY(view);
    QCOMPARE(view->laneCount(), 1);
    QCOMPARE(view->lastBoundary(), 2);
    QCOMPARE(view->matrix(0)->rows(), charts->matrix()->rows());
    view->setBoundary(1);
    QCOMPARE(view->matrix(0)->filledCells(), 2);
    QVERIFY(view->caption().startsWith(QStringLiteral("With Sequential fine-tuning")));
    view->close();
    QTRY_VERIFY(!w.presentation());
}

void TstMainWindowE2e::resumeEndsAsIfNeverStopped()
{
    std::vector<std::vector<double>> whole;
    std::vector<double> wholeInit;
    {  // the run never stopped
        MainWindow w(dir_.filePath(QStringLiteral("whole.sqlite")));
        w.setInteractive(false);
        QVERIFY(w.loadExperiment(writeConfig(30, 16)));  // threads fixed (2): bit-identical
        QVERIFY(w.startExperiment());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 120000);
        QVERIFY(w.lastStatus() == clwb::RunStatus::Finished);
        whole = w.chartArea()->matrix()->rows();
        wholeInit = w.chartArea()->matrix()->initialRow();
    }

    // The same run stopped during task 2, after task 1's row (and its checkpoint).
    const QString db = dir_.filePath(QStringLiteral("resume.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    QVERIFY(w.loadExperiment(writeConfig(30, 16)));
    QVERIFY(w.startExperiment());
    QTRY_VERIFY_WITH_TIMEOUT(w.chartArea()->matrix()->filledCells() >= 2, 120000);
    w.stopAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 60000);
    QVERIFY(w.lastStatus() == clwb::RunStatus::Cancelled);
    const qint64 id = w.lastRunId();
    QVERIFY(w.runsBrowser()->canResume(id));

    // Resume: the stored part is drawn, the rest trained, in the same row, as never stopped.
    QVERIFY(w.resumeStoredRun(id));
    QVERIFY(w.isRunning());
    QVERIFY(!w.resumeStoredRun(id));  // not while a run is going
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 120000);
    QVERIFY(w.lastStatus() == clwb::RunStatus::Finished);
    QCOMPARE(w.lastRunId(), id);
    QCOMPARE(w.chartArea()->matrix()->rows(), whole);
    QCOMPARE(w.chartArea()->matrix()->initialRow(), wholeInit);
    clwb::RunStore store(db.toStdString());
    QCOMPARE(int(store.listRuns().size()), 1);
    QVERIFY(store.run(id)->status == clwb::RunStatus::Finished);
    QVERIFY(!w.runsBrowser()->canResume(id));  // finished
}

void TstMainWindowE2e::failedRunsLeaveTheWindowUsable()
{
    const QString db = dir_.filePath(QStringLiteral("faults.sqlite"));
    MainWindow w(db);
    w.setInteractive(false);
    QVERIFY(w.loadExperiment(writeConfig(1, 16)));
    // Out of memory (simulated through the engine's test seam: no GPU here) and a strategy hook
    // that throws: each run fails with its message, and the next run starts and finishes.
    const std::pair<const char*, const char*> faults[] = {
        {"afterTask:oom@0", "train.batch_size"}, {"beforeTask:throw@1", "beforeTask"}};
    for (const auto& [fault, said] : faults) {
        qputenv("CLWB_FAULT_HOOK", fault);
        QVERIFY(w.startExperiment());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 60000);
        qunsetenv("CLWB_FAULT_HOOK");
        QVERIFY(w.lastStatus() == clwb::RunStatus::Failed);
        clwb::RunStore store(db.toStdString());
        const auto run = store.run(w.lastRunId());
        QVERIFY(run && run->status == clwb::RunStatus::Failed);
        QVERIFY2(QString::fromStdString(run->message).contains(QLatin1String(said)),
                 run->message.c_str());
        QVERIFY(w.startAction()->isEnabled());
    }
    QVERIFY(w.startExperiment());
    QTRY_VERIFY_WITH_TIMEOUT(!w.isRunning(), 60000);
    QVERIFY(w.lastStatus() == clwb::RunStatus::Finished);
    QCOMPARE(w.chartArea()->matrix()->filledCells(), 4);
}

QTEST_MAIN(TstMainWindowE2e)
#include "tst_main_window_e2e.moc"
