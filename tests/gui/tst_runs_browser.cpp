// SPDX-License-Identifier: GPL-3.0-or-later
// RunsBrowser over a temporary database: listing, editing, deleting, replay and comparison.
#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "clwb/run_config.h"
#include "clwb/run_store.h"
#include "panels/chart_area.h"
#include "panels/comparison_view.h"
#include "panels/metrics_panel.h"
#include "panels/runs_browser.h"
#include "panels/runs_table_model.h"
#include "clwb/run_replay.h"

class TstRunsBrowser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void listsRuns();
    void renameTagDelete();
    void openAndCompareSignals();
    void openLogFollowsTheFile();
    void resumeOffersStoppedRunsWithACheckpoint();
    void replayRebuildsCharts();
    void comparisonShowsEachRun();

private:
    std::int64_t addRun(clwb::RunStore& store, const std::string& strategy, clwb::RunStatus status,
                        double offset);
    QTemporaryDir dir_;
    QString db_;
    std::vector<std::int64_t> ids_;
};

std::int64_t TstRunsBrowser::addRun(clwb::RunStore& store, const std::string& strategy,
                                    clwb::RunStatus status, double offset)
{
    clwb::RunConfig config;
    config.strategy = strategy;
    config.data.dataset = "synthetic";
    config.data.tasks = {{{0, 1}}, {{2, 3}}};
    config.model.backbone = "random";
    clwb::RunRecord rec;
    rec.name = strategy + " run";
    rec.strategy = strategy;
    rec.configJson = clwb::toJson(config);
    const auto id = store.createRun(rec);
    std::vector<clwb::SeriesPoint> points;
    for (int s = 1; s <= 20; ++s) {
        const int task = s <= 10 ? 0 : 1;
        points.push_back({"loss", s, task, 2.0 - 0.05 * s});
        if (s % 5 == 0) {
            points.push_back({"acc/task0", s, task, 0.5 + offset});
            points.push_back({"acc/task1", s, task, 0.1});
        }
    }
    store.appendSeries(id, points);
    const double r[2][2] = {{0.9 - offset, 0.1}, {0.6 - offset, 0.85}};
    for (int j = 0; j < 2; ++j) store.setMatrixCell(id, {-1, j, 0.1});
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) store.setMatrixCell(id, {i, j, r[i][j]});
    clwb::ImportanceSnapshot snap{1, "weight-change", {}};
    clwb::ImportanceCell cell;
    cell.block = 0;
    cell.module = "fc1";
    cell.score = 0.4;
    cell.rows = 2;
    cell.cols = 2;
    cell.map = {1, 2, 3, 4};
    snap.cells.push_back(cell);
    store.addImportance(id, snap);
    if (status != clwb::RunStatus::Running) {
        store.setMetrics(id, {{"final_average_accuracy", 0.725 - offset}, {"bwt", -0.3}});
        store.finishRun(id, status);
    }
    return id;
}

void TstRunsBrowser::init()
{
    QVERIFY(dir_.isValid());
    db_ = dir_.filePath(QStringLiteral("runs-%1.sqlite").arg(QTest::currentTestFunction()));
    clwb::RunStore store(db_.toStdString());
    ids_ = {addRun(store, "finetune", clwb::RunStatus::Finished, 0.0),
            addRun(store, "ewc", clwb::RunStatus::Finished, 0.2),
            addRun(store, "freeze", clwb::RunStatus::Cancelled, 0.1)};
}

void TstRunsBrowser::listsRuns()
{
    RunsBrowser browser;
    QVERIFY(browser.setDatabasePath(db_));
    RunsTableModel* model = browser.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    browser.refresh();
    QCOMPARE(model->rowCount(), 3);
    int finished = 0, cancelled = 0;
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString status = model->index(r, RunsTableModel::StatusColumn).data().toString();
        finished += status == QStringLiteral("finished");
        cancelled += status == QStringLiteral("cancelled");
        if (model->runAt(r)->strategy == "finetune") {
            QCOMPARE(model->index(r, RunsTableModel::FinalAccuracyColumn).data().toString(),
                     QLocale().toString(72.5, 'f', 1));
            QCOMPARE(model->index(r, RunsTableModel::BwtColumn).data().toString(),
                     QLocale().toString(-30.0, 'f', 1));
        }
    }
    QCOMPARE(finished, 2);
    QCOMPARE(cancelled, 1);
    // Newest first.
    QCOMPARE(browser.view()->model()->index(0, 0).data(RunsTableModel::RunIdRole).toLongLong(),
             qint64(ids_.back()));
}

void TstRunsBrowser::renameTagDelete()
{
    RunsBrowser browser;
    QVERIFY(browser.setDatabasePath(db_));
    QVERIFY(browser.renameRun(ids_[0], QStringLiteral("baseline ☆")));
    QVERIFY(browser.setRunTags(ids_[0], QStringLiteral(" paper,  ,fig2 ")));
    clwb::RunStore check(db_.toStdString());
    const auto run = check.run(ids_[0]);
    QVERIFY(run);
    QCOMPARE(QString::fromStdString(run->name), QStringLiteral("baseline ☆"));
    QCOMPARE(run->tags, std::string("paper,fig2"));
    // A running run is never deleted; the others are.
    clwb::RunRecord live;
    live.strategy = "finetune";
    live.configJson = "{}";
    const auto running = check.createRun(live);
    browser.refresh();
    QCOMPARE(browser.model()->rowCount(), 4);
    QCOMPARE(browser.deleteRuns({ids_[1], running}), 1);
    QCOMPARE(browser.model()->rowCount(), 3);
    QVERIFY(!check.run(ids_[1]));
    QVERIFY(check.run(running));
}

void TstRunsBrowser::openAndCompareSignals()
{
    RunsBrowser browser;
    QVERIFY(browser.setDatabasePath(db_));
    QSignalSpy open(&browser, &RunsBrowser::openRunRequested);
    QSignalSpy compare(&browser, &RunsBrowser::compareRequested);
    browser.selectRuns({ids_[0]});
    QCOMPARE(browser.selectedRunIds(), QList<qint64>{qint64(ids_[0])});
    auto* openButton = browser.findChild<QPushButton*>(QStringLiteral("openButton"));
    QVERIFY(openButton->isEnabled());
    openButton->click();
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toLongLong(), qint64(ids_[0]));
    browser.selectRuns({ids_[0], ids_[1]});
    auto* compareButton = browser.findChild<QPushButton*>(QStringLiteral("compareButton"));
    QVERIFY(compareButton->isEnabled());
    QVERIFY(!openButton->isEnabled());
    compareButton->click();
    QCOMPARE(compare.count(), 1);
    QCOMPARE(compare.first().at(0).value<QList<qint64>>().size(), 2);
    // Study comparison: the same selection, averaged over seeds in the Study tab.
    QSignalSpy study(&browser, &RunsBrowser::studyComparisonRequested);
    auto* studyButton = browser.findChild<QPushButton*>(QStringLiteral("studyComparisonButton"));
    QVERIFY(studyButton->isEnabled());
    studyButton->click();
    QCOMPARE(study.count(), 1);
    QCOMPARE(study.first().at(0).value<QList<qint64>>().size(), 2);
    browser.selectRuns({ids_[0]});
    QVERIFY(!studyButton->isEnabled());
}

void TstRunsBrowser::resumeOffersStoppedRunsWithACheckpoint()
{
    // Run 3 was cancelled: with a checkpoint file it can resume, and its size shows.
    const QString folder =
        QString::fromStdString(clwb::runCheckpointDir(db_.toStdString(), ids_[2]));
    {
        clwb::RunStore store(db_.toStdString());
        QVERIFY(QDir().mkpath(folder));
        QFile file(folder + QStringLiteral("/after-task-0.ckpt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(3000, 'x'));
        file.close();
        store.setCheckpoint(ids_[2], file.fileName().toStdString(), 0, 10);
    }
    RunsBrowser browser;
    QVERIFY(browser.setDatabasePath(db_));
    QSignalSpy resume(&browser, &RunsBrowser::resumeRequested);
    auto* button = browser.findChild<QPushButton*>(QStringLiteral("resumeButton"));
    QVERIFY(button);
    browser.selectRuns({ids_[0]});  // finished: nothing to resume
    QVERIFY(!button->isEnabled());
    browser.selectRuns({ids_[2]});
    QVERIFY(button->isEnabled());
    button->click();
    QCOMPARE(resume.count(), 1);
    QCOMPARE(resume.first().at(0).toLongLong(), qint64(ids_[2]));
    // The checkpoint column gives the size on disk, empty for runs without one.
    const auto* model = browser.model();
    bool shown = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex size = model->index(row, RunsTableModel::CheckpointColumn);
        if (model->runAt(row)->id == ids_[2]) {
            QCOMPARE(size.data(RunsTableModel::SortRole).toLongLong(), qint64(3000));
            QVERIFY(!size.data().toString().isEmpty());
            shown = true;
        } else {
            QVERIFY(size.data().toString().isEmpty());
        }
    }
    QVERIFY(shown);
    // Deleting the run deletes its checkpoints.
    QCOMPARE(browser.deleteRuns({ids_[2]}), 1);
    QVERIFY(!QFileInfo::exists(folder));
}

void TstRunsBrowser::openLogFollowsTheFile()
{
    RunsBrowser browser;
    QVERIFY(browser.setDatabasePath(db_));
    auto* openLog = browser.findChild<QPushButton*>(QStringLiteral("openLogButton"));
    QVERIFY(openLog);
    browser.selectRuns({ids_[0]});
    QVERIFY(!openLog->isEnabled());  // these runs were stored without a log
    // The file lives beside the database, in a folder named after it.
    const QString log = browser.logPath(ids_[0]);
    QCOMPARE(QFileInfo(log).absolutePath(),
             QFileInfo(db_).absolutePath() + QLatin1Char('/') + QFileInfo(db_).completeBaseName() +
                 QStringLiteral(".logs"));
    QVERIFY(QDir().mkpath(QFileInfo(log).absolutePath()));
    QFile f(log);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("2024-01-01 00:00:00.000 [info] started\n");
    f.close();
    browser.selectRuns({});
    browser.selectRuns({ids_[0]});
    QVERIFY(openLog->isEnabled());
    browser.selectRuns({ids_[0], ids_[1]});
    QVERIFY(!openLog->isEnabled());
    // Deleting the run deletes its log.
    QCOMPARE(browser.deleteRuns({ids_[0]}), 1);
    QVERIFY(!QFileInfo::exists(log));
}

void TstRunsBrowser::replayRebuildsCharts()
{
    clwb::RunStore store(db_.toStdString());
    const auto events = clwb::replayRun(store, ids_[0]);
    ChartArea area;
    area.handleEvents(events);
    QCOMPARE(area.matrix()->taskCount(), 2);
    QCOMPARE(area.matrix()->filledCells(), 4);
    QVERIFY(area.matrix()->initRowFilled());
    QCOMPARE(area.matrix()->cellValue(1, 1), 0.85);
    QCOMPARE(area.curves()->visibleTaskCount(), 2);
    QCOMPARE(area.curves()->pointCount(0), 4);
    QCOMPARE(area.curves()->boundaryCount(), 1);
    QCOMPARE(area.loss()->rawPointCount(), 20);
    QCOMPARE(area.importance()->snapshotCount(), 1);
    QCOMPARE(area.importance()->detailSize(), QSize(2, 2));
    QVERIFY(area.metrics()->isFinal());
    QCOMPARE(area.metrics()->value("final_average_accuracy"), 0.725);
}

void TstRunsBrowser::comparisonShowsEachRun()
{
    clwb::RunStore store(db_.toStdString());
    ComparisonView view;
    view.setRuns({{QStringLiteral("a"), clwb::replayRun(store, ids_[0])},
                  {QStringLiteral("b"), clwb::replayRun(store, ids_[1])}});
    QCOMPARE(view.runCount(), 2);
    QCOMPARE(view.matrix(1)->cellValue(0, 0), 0.7);
    QVERIFY(view.matrix(1)->title().contains(QStringLiteral("b")));
    QCOMPARE(view.metrics()->value("final_average_accuracy", 0), 0.725);
    QCOMPARE(view.metrics()->value("final_average_accuracy", 1), 0.525);
    QCOMPARE(view.metrics()->table()->columnCount(), 3);
}

QTEST_MAIN(TstRunsBrowser)
#include "tst_runs_browser.moc"
