// SPDX-License-Identifier: GPL-3.0-or-later
// The Study tab on hand-made summaries (curves with ±std bands, the matrix over seeds, the
// results table, exports, grid axes) and the Studies dock on a temporary database: a study
// stored through RunStore, and one run by clwb-run as this window would run it.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "charts/accuracy_matrix_chart.h"
#include "charts/study_curve_chart.h"
#include "clwb/run_config.h"
#include "clwb/run_store.h"
#include "clwb/study_summary.h"
#include "main_window.h"
#include "panels/experiment_panel.h"
#include "panels/studies_dock.h"
#include "panels/study_dialog.h"
#include "panels/study_table_model.h"
#include "panels/study_view.h"

namespace {

/// Group "a": R = [[0.9, 0.1], [0.5 + 0.1 s, 0.8]] for seeds s = 0, 1, 2, so A_2 = 0.65, 0.70,
/// 0.75 (70 ± 5 points) and forgetting 0.4, 0.3, 0.2 (30 ± 10). Group "b": the same matrix
/// [[0.8, 0.1], [0.75, 0.7]] for every seed: A_2 = 72.5 ± 0, forgetting 5 ± 0.
std::vector<clwb::SummaryInput> handMadeRuns(bool grid = false)
{
    std::vector<clwb::SummaryInput> runs;
    std::int64_t id = 1;
    for (int s = 0; s < 3; ++s) {
        clwb::SummaryInput a;
        a.runId = id++;
        a.groupKey = grid ? "a|train.lr=0.001" : "a";
        a.seed = s;
        a.matrix = {{0.9, 0.1}, {0.5 + 0.1 * s, 0.8}};
        const double at = (0.5 + 0.1 * s + 0.8) / 2, forgetting = 0.9 - (0.5 + 0.1 * s);
        a.metrics = {{"final_average_accuracy", at},
                     {"bwt", -forgetting},
                     {"forgetting", forgetting},
                     {"plasticity", 0.85},
                     {"trainable_params", 1000}};
        runs.push_back(a);
        clwb::SummaryInput b;
        b.runId = id++;
        b.groupKey = grid ? "b|train.lr=0.01" : "b";
        b.seed = s;
        b.matrix = {{0.8, 0.1}, {0.75, 0.7}};
        b.metrics = {{"final_average_accuracy", 0.725},
                     {"bwt", -0.05},
                     {"forgetting", 0.05},
                     {"plasticity", 0.75},
                     {"trainable_params", 2000}};
        runs.push_back(b);
    }
    return runs;
}

int rowOfGroup(const QSortFilterProxyModel* proxy, const QString& name)
{
    for (int r = 0; r < proxy->rowCount(); ++r)
        if (proxy->index(r, StudyTableModel::NameColumn).data().toString() == name) return r;
    return -1;
}

QString readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// A run of study `studyId` with the given status and a 2-task matrix.
std::int64_t addStudyRun(clwb::RunStore& store, std::int64_t studyId, const std::string& group,
                         int seed, clwb::RunStatus status)
{
    clwb::RunRecord rec;
    rec.name = group;
    rec.strategy = group;
    rec.seed = seed;
    const auto id = store.createRun(rec);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            store.setMatrixCell(id, {i, j, i >= j ? 0.8 - 0.1 * seed : 0.0});
    store.setMetrics(id, {{"final_average_accuracy", 0.6 - 0.1 * seed}});
    store.finishRun(id, status);
    store.setRunStudy({id, studyId, group, seed, -1});
    return id;
}

}  // namespace

class TstStudyView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void curvesAndBands();
    void matrixOverSeeds();
    void tableTextsBoldAndSorting();
    void exportsWritten();
    void gridAxesAndBest();
    void dockListsStoredStudy();
    void dockRunsAStudyWithClwbRun();
    void mainWindowOpensStudies();

private:
    QTemporaryDir dir_;
};

void TstStudyView::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
}

void TstStudyView::curvesAndBands()
{
    const clwb::StudySummary s = clwb::summarizeRuns(handMadeRuns());
    StudyView view;
    view.setSummary(s, QStringLiteral("hand-made"));
    StudyCurveChart* acc = view.accuracyChart();
    QCOMPARE(acc->lineCount(), 2);
    QCOMPARE(acc->lineName(0), QStringLiteral("a"));
    QCOMPARE(acc->lineName(1), QStringLiteral("b"));
    QCOMPARE(acc->xLabels(), QStringList({QStringLiteral("1"), QStringLiteral("2")}));
    QVERIFY(acc->lineColor(0) != acc->lineColor(1));
    // By hand: A_2 of "a" is 70 ± 5 points, so its band is 10 points wide.
    QVERIFY(qAbs(acc->plottedMean(0, 1) - 70.0) < 1e-9);
    QVERIFY(qAbs(acc->bandUpper(0, 1) - acc->bandLower(0, 1) - 10.0) < 1e-9);
    QVERIFY(qAbs(acc->plottedMean(0, 0) - 90.0) < 1e-9);
    QVERIFY(qAbs(acc->bandUpper(0, 0) - acc->bandLower(0, 0)) < 1e-9);
    QVERIFY(acc->bandFilled(0));
    QVERIFY(acc->bandFilled(1));
    // Every line at every t: mean = 100·mean, band = mean ± std, upper − lower = 2·std.
    for (StudyCurveChart* chart : {view.accuracyChart(), view.forgettingChart()})
        for (int g = 0; g < 2; ++g)
            for (int t = 0; t < 2; ++t) {
                const auto& values = chart == acc ? s.groups[size_t(g)].averageAccuracy
                                                  : s.groups[size_t(g)].forgetting;
                const double mean = 100 * values[size_t(t)].mean, sd = 100 * values[size_t(t)].std;
                QVERIFY(qAbs(chart->plottedMean(g, t) - mean) < 1e-9);
                QVERIFY(qAbs(chart->bandUpper(g, t) - chart->bandLower(g, t) - 2 * sd) < 1e-9);
                QVERIFY(qAbs(chart->bandLower(g, t) - (mean - sd)) < 1e-9);
            }
    // Forgetting of "a" after task 2: 30 ± 10 points.
    QVERIFY(qAbs(view.forgettingChart()->plottedMean(0, 1) - 30.0) < 1e-9);
    QVERIFY(qAbs(view.forgettingChart()->bandUpper(0, 1) - 40.0) < 1e-9);
    view.flushReplots();
}

void TstStudyView::matrixOverSeeds()
{
    StudyView view;
    view.setSummary(clwb::summarizeRuns(handMadeRuns()));
    // The best group (b: A_T 72.5) is shown first.
    QCOMPARE(view.shownGroup(), 1);
    AccuracyMatrixChart* m = view.matrix();
    QVERIFY(!m->initRowShown());
    QCOMPARE(m->taskCount(), 2);
    QCOMPARE(m->cellText(1, 0), QStringLiteral("75.0\n± 0.0"));
    view.showGroupMatrix(0);
    QCOMPARE(m->cellText(1, 0), QStringLiteral("60.0\n± 10.0"));
    QVERIFY(qAbs(m->cellValue(1, 0) - 0.6) < 1e-9);
    QCOMPARE(m->cellText(0, 0), QStringLiteral("90.0\n± 0.0"));
    QVERIFY(m->cellTip(1, 0).contains(QStringLiteral("60.0 ± 10.0 % over 3 seeds")));
    QCOMPARE(view.groupBox()->currentText(), QStringLiteral("a"));
    // Choosing a row of the table shows its matrix.
    const int rowB = rowOfGroup(view.proxy(), QStringLiteral("b"));
    view.table()->selectionModel()->setCurrentIndex(view.proxy()->index(rowB, 0),
                                                    QItemSelectionModel::SelectCurrent);
    QCOMPARE(view.shownGroup(), 1);
    QCOMPARE(m->cellText(1, 0), QStringLiteral("75.0\n± 0.0"));
}

void TstStudyView::tableTextsBoldAndSorting()
{
    StudyView view;
    view.setSummary(clwb::summarizeRuns(handMadeRuns()));
    StudyTableModel* model = view.tableModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model->rowCount(), 2);
    const int at = model->columnOf("final_average_accuracy");
    const int forgetting = model->columnOf("forgetting");
    const int bwt = model->columnOf("bwt");
    const int plasticity = model->columnOf("plasticity");
    const int params = model->columnOf("trainable_params");
    QVERIFY(at >= 0 && forgetting >= 0 && bwt >= 0 && plasticity >= 0 && params >= 0);
    QCOMPARE(model->index(0, StudyTableModel::NameColumn).data().toString(), QStringLiteral("a"));
    QCOMPARE(model->index(0, StudyTableModel::SeedsColumn).data().toInt(), 3);
    QCOMPARE(model->index(0, at).data().toString(), QStringLiteral("70.0 ± 5.0 %"));
    QCOMPARE(model->index(1, at).data().toString(), QStringLiteral("72.5 ± 0.0 %"));
    QCOMPARE(model->index(0, forgetting).data().toString(), QStringLiteral("+30.0 ± 10.0 pp"));
    QCOMPARE(model->index(0, bwt).data().toString(), QStringLiteral("-30.0 ± 10.0 pp"));
    QCOMPARE(model->index(0, params).data().toString(), QLocale().toString(1000));
    // Higher A_T, BWT and plasticity are better; lower forgetting; parameters have no best.
    const auto bold = [model](int row, int column) {
        return model->index(row, column).data(Qt::FontRole).value<QFont>().bold();
    };
    QVERIFY(bold(1, at) && !bold(0, at));
    QVERIFY(bold(1, forgetting) && !bold(0, forgetting));
    QVERIFY(bold(1, bwt) && !bold(0, bwt));
    QVERIFY(bold(0, plasticity) && !bold(1, plasticity));
    QVERIFY(!bold(0, params) && !bold(1, params));
    QVERIFY(!bold(0, StudyTableModel::NameColumn));
    // Sorting is by the mean; the view starts with the best A_T on top.
    QSortFilterProxyModel* proxy = view.proxy();
    QCOMPARE(proxy->index(0, 0).data().toString(), QStringLiteral("b"));
    view.table()->sortByColumn(at, Qt::AscendingOrder);
    QCOMPARE(proxy->index(0, 0).data().toString(), QStringLiteral("a"));
    view.table()->sortByColumn(forgetting, Qt::DescendingOrder);
    QCOMPARE(proxy->index(0, 0).data().toString(), QStringLiteral("a"));
    view.table()->sortByColumn(plasticity, Qt::AscendingOrder);
    QCOMPARE(proxy->index(0, 0).data().toString(), QStringLiteral("b"));
    QCOMPARE(proxy->index(0, at).data(StudyTableModel::MeanRole).toDouble(), 0.725);
}

void TstStudyView::exportsWritten()
{
    const clwb::StudySummary s = clwb::summarizeRuns(handMadeRuns());
    StudyView view;
    view.setSummary(s);
    const std::pair<StudyView::Format, std::string> formats[] = {
        {StudyView::Format::Csv, clwb::studySummaryCsv(s)},
        {StudyView::Format::Markdown, clwb::studySummaryMarkdown(s)},
        {StudyView::Format::Latex, clwb::studySummaryLatex(s)},
        {StudyView::Format::Json, clwb::studySummaryJson(s)}};
    int i = 0;
    for (const auto& [format, expected] : formats) {
        const QString file = dir_.filePath(QStringLiteral("export-%1.txt").arg(i++));
        QVERIFY(view.exportTo(format, file));
        QCOMPARE(readAll(file), QString::fromStdString(expected));
    }
    QVERIFY(readAll(dir_.filePath(QStringLiteral("export-1.txt")))
                .contains(QStringLiteral("**72.5 ± 0.0**")));
    QVERIFY(readAll(dir_.filePath(QStringLiteral("export-0.txt")))
                .startsWith(QStringLiteral("group,label")));
    QVERIFY(
        !view.exportTo(StudyView::Format::Csv, dir_.filePath(QStringLiteral("no/such/dir/x.csv"))));
}

void TstStudyView::gridAxesAndBest()
{
    StudyView view;
    QVERIFY(view.axisCharts().empty());
    view.setSummary(clwb::summarizeRuns(handMadeRuns()));
    QVERIFY(view.axisCharts().empty());
    QVERIFY(!view.bottomTabs()->isTabVisible(1));
    QVERIFY(view.bestText().contains(QStringLiteral("Best configuration: b")));
    view.setSummary(clwb::summarizeRuns(handMadeRuns(/*grid=*/true)));
    QCOMPARE(int(view.axisCharts().size()), 1);
    QVERIFY(view.bottomTabs()->isTabVisible(1));
    StudyCurveChart* axis = view.axisCharts().front();
    QCOMPARE(axis->kind(), StudyCurveChart::Kind::Axis);
    QCOMPARE(axis->xLabels(), QStringList({QStringLiteral("0.001"), QStringLiteral("0.01")}));
    QCOMPARE(axis->lineCount(), 2);  // one line per other setting: the labels a and b
    QVERIFY(axis->title().contains(QStringLiteral("train.lr")));
    QVERIFY(qAbs(axis->plottedMean(0, 0) - 70.0) < 1e-9);
    QVERIFY(std::isnan(axis->plottedMean(0, 1)));  // "a" was not run at 0.01
    QVERIFY(qAbs(axis->plottedMean(1, 1) - 72.5) < 1e-9);
    QCOMPARE(view.tableModel()->index(1, 0).data().toString(), QStringLiteral("b (train.lr=0.01)"));
    QVERIFY(view.bestText().contains(QStringLiteral("b (train.lr=0.01)")));
    view.flushReplots();
}

void TstStudyView::dockListsStoredStudy()
{
    const QString db = dir_.filePath(QStringLiteral("stored.sqlite"));
    clwb::RunStore store(db.toStdString());
    // Two configurations x two seeds, run in process: four runs, three of them stored so far.
    clwb::RunConfig base;
    base.data.dataset = "synthetic";
    base.data.tasks = {{{0, 1}}, {{2, 3}}};
    base.model.backbone = "random";
    const std::string json =
        R"({"name": "stored", "base": )" + clwb::toJson(base) +
        R"(, "configurations": [{"strategy": "finetune"}, {"strategy": "ewc"}], "seeds": 2})";
    clwb::StudyRecord rec;
    rec.name = "stored";
    rec.json = json;
    rec.executor = "inprocess";
    const auto studyId = store.createStudy(rec);
    addStudyRun(store, studyId, "finetune", 0, clwb::RunStatus::Finished);
    addStudyRun(store, studyId, "finetune", 1, clwb::RunStatus::Finished);
    addStudyRun(store, studyId, "ewc", 0, clwb::RunStatus::Failed);

    StudiesDock dock;
    dock.setStore(&store, db);
    QCOMPARE(dock.studyCount(), 1);
    QCOMPARE(dock.studyIdAt(0), qint64(studyId));
    const StudiesDock::Counts c = dock.counts(studyId);
    QCOMPARE(c.done, 2);
    QCOMPARE(c.failed, 1);
    QCOMPARE(c.queued, 1);  // ewc seed 1 has not been stored
    QCOMPARE(c.running, 0);
    QCOMPARE(c.cancelled, 0);
    QCOMPARE(dock.view()->item(0, StudiesDock::NameColumn)->text(), QStringLiteral("stored"));
    QCOMPARE(dock.view()->item(0, StudiesDock::DoneColumn)->text(), QStringLiteral("2"));
    QCOMPARE(dock.view()->item(0, StudiesDock::QueuedColumn)->text(), QStringLiteral("1"));
    QVERIFY(!dock.isActive());  // nobody is running it

    QSignalSpy open(&dock, &StudiesDock::openStudyRequested);
    auto* openButton = dock.findChild<QPushButton*>(QStringLiteral("openStudyButton"));
    QVERIFY(!openButton->isEnabled());
    dock.selectStudy(studyId);
    QVERIFY(openButton->isEnabled());
    QVERIFY(!dock.findChild<QPushButton*>(QStringLiteral("mergeStudyButton"))->isEnabled());
    openButton->click();
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().first().toLongLong(), qint64(studyId));

    const QString report = dir_.filePath(QStringLiteral("stored.md"));
    QVERIFY(dock.writeReport(studyId, report));
    QVERIFY(readAll(report).startsWith(QStringLiteral("# Study: stored")));
    // The view from the same database: the finished runs of finetune; ewc's failed one is left
    // out.
    StudyView view;
    view.setSummary(clwb::summarizeStudy(store, studyId));
    QCOMPARE(view.tableModel()->rowCount(), 1);
    QCOMPARE(view.tableModel()->index(0, StudyTableModel::SeedsColumn).data().toInt(), 2);
    QVERIFY(qAbs(view.accuracyChart()->plottedMean(0, 1) - 75.0) < 1e-9);  // (0.8+0.7)/2
}

void TstStudyView::dockRunsAStudyWithClwbRun()
{
    QVERIFY2(StudiesDock::clwbRunProblem().isEmpty(), qPrintable(StudiesDock::clwbRunProblem()));
    // The tiny study (2 strategies x 2 seeds on a few synthetic images), local pool of two.
    const QString data = QStringLiteral(CLWB_SOURCE_DIR "/tests/data/");
    for (const char* f : {"tiny-study.json", "tiny-synthetic.json"})
        QVERIFY(QFile::copy(data + QLatin1String(f), dir_.filePath(QLatin1String(f))));
    const QString db = dir_.filePath(QStringLiteral("local.sqlite"));
    auto store = std::make_unique<clwb::RunStore>(db.toStdString());
    StudiesDock dock;
    QStringList lines;
    connect(&dock, &StudiesDock::message, this, [&lines](const QString& l, int) { lines << l; });
    QSignalSpy runsChanged(&dock, &StudiesDock::runsChanged);
    dock.setStore(store.get(), db);
    QCOMPARE(dock.studyCount(), 0);
    QVERIFY(dock.startStudy(
        {QStringLiteral("study"), dir_.filePath(QStringLiteral("tiny-study.json")),
         QStringLiteral("--db"), db, QStringLiteral("--executor"), QStringLiteral("local"),
         QStringLiteral("--max-parallel"), QStringLiteral("2")}));
    QCOMPARE(dock.runningProcesses(), 1);
    QVERIFY(dock.isActive());  // followed while it runs
    QTRY_COMPARE_WITH_TIMEOUT(dock.runningProcesses(), 0, 120000);
    QVERIFY(runsChanged.count() >= 1);
    QVERIFY(lines.filter(QStringLiteral("clwb-run: study 1 ")).size() == 1);
    QCOMPARE(dock.studyCount(), 1);
    // The counts come from clwb-run study-status --json once it answers.
    QTRY_VERIFY_WITH_TIMEOUT(!dock.isQuerying(), 30000);
    const StudiesDock::Counts c = dock.counts(1);
    QVERIFY2(c.done == 4, qPrintable(lines.join(QLatin1Char('\n'))));
    QCOMPARE(c.total(), 4);
    QVERIFY(!dock.isActive());
    QCOMPARE(dock.view()->item(0, StudiesDock::ExecutorColumn)->text(),
             QStringLiteral("local pool"));
    // A merge adds nothing the second time, and says so in the log.
    lines.clear();
    QVERIFY(dock.mergeStudy(1));
    QTRY_VERIFY_WITH_TIMEOUT(!lines.filter(QStringLiteral("Merge of study 1: done")).isEmpty(),
                             30000);
    QVERIFY(!lines.filter(QStringLiteral("merged 0 run(s)")).isEmpty());
    QCOMPARE(int(clwb::summarizeStudy(*store, 1).groups.size()), 2);
}

void TstStudyView::mainWindowOpensStudies()
{
    const QString db = dir_.filePath(QStringLiteral("window.sqlite"));
    std::int64_t studyId = 0;
    std::vector<std::int64_t> runs;
    {
        clwb::RunStore store(db.toStdString());
        clwb::StudyRecord rec;
        rec.name = "window";
        rec.json = "{}";
        rec.executor = "inprocess";
        studyId = store.createStudy(rec);
        for (int seed = 0; seed < 3; ++seed)
            runs.push_back(
                addStudyRun(store, studyId, "finetune", seed, clwb::RunStatus::Finished));
    }
    MainWindow window(db);
    window.setInteractive(false);
    QVERIFY(window.openStudy(studyId));
    auto* tabs = qobject_cast<QTabWidget*>(window.centralWidget());
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(window.studyView()));
    QCOMPARE(int(window.studyView()->summary().groups.size()), 1);
    QCOMPARE(
        window.studyView()->tableModel()->index(0, StudyTableModel::SeedsColumn).data().toInt(), 3);
    QCOMPARE(window.studiesDock()->studyCount(), 1);
    QCOMPARE(window.studiesDock()->selectedStudyId(), qint64(studyId));
    QVERIFY(!window.openStudy(studyId + 100));  // reported, nothing else changes
    QCOMPARE(int(window.studyView()->summary().groups.size()), 1);
    // Any runs: the two first seeds, grouped by their study group.
    QVERIFY(window.showStudyOfRuns({qint64(runs[0]), qint64(runs[1])}));
    QCOMPARE(
        window.studyView()->tableModel()->index(0, StudyTableModel::SeedsColumn).data().toInt(), 2);
    // The New Study dialog starts from the designer's experiment and the window's database.
    QVERIFY(
        window.loadExperiment(QStringLiteral(CLWB_SOURCE_DIR "/tests/data/tiny-synthetic.json")));
    QSettings().remove(QStringLiteral("studyDialog"));  // no last study's strategies
    std::unique_ptr<StudyDialog> dialog(window.createStudyDialog());
    QCOMPARE(dialog->draft().base.name, window.experimentPanel()->config().name);
    QTRY_VERIFY(!dialog->isChecking());
    QCOMPARE(dialog->runCount(), 3);  // the experiment's strategy x 3 seeds
    QVERIFY(dialog->commandArguments().contains(db));
}

QTEST_MAIN(TstStudyView)
#include "tst_study_view.moc"
