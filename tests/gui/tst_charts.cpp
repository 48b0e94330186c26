// SPDX-License-Identifier: GPL-3.0-or-later
// Charts fed with synthetic RunEvents offscreen: graphs, points, heatmap cells, coalescing.
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "appearance.h"
#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/confusion_chart.h"
#include "charts/drift_chart.h"
#include "charts/forgetting_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "clwb/metrics.h"
#include "clwb/run_replay.h"
#include "export/report_builder.h"
#include "export/report_writer.h"
#include "panels/chart_area.h"
#include "panels/metrics_panel.h"
#include "panels/prediction_gallery.h"

using Kind = clwb::RunEvent::Kind;

class TstCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void curvesShowStartedTasksOnly();
    void matrixFillsCellByCell();
    void lossIsDecimated();
    void replotsAreCoalesced();
    void importanceHeatmapAndDetail();
    void metricsFollowRowsThenFinal();
    void exportsImages();
    void followsTheDesktopPalette();
    void forgettingDecompositionAndExamples();
    void replayCarriesQaMatrices();
    void reportAddsAQaPage();
    void confusionFollowsBoundariesAndReadsThem();
    void galleryShowsPredictionsPerBoundary();
    void driftShowsBoundaryOverThePrevious();
};

namespace {

clwb::RunEvent step(int task, std::int64_t s, double loss = 1.0)
{
    clwb::RunEvent e;
    e.kind = Kind::Step;
    e.task = task;
    e.step = s;
    e.loss = loss;
    e.total = 30;
    return e;
}

clwb::RunEvent curve(int task, std::int64_t s, std::vector<double> values)
{
    clwb::RunEvent e;
    e.kind = Kind::Curve;
    e.task = task;
    e.step = s;
    e.values = std::move(values);
    return e;
}

clwb::RunEvent row(int task, std::vector<double> values)
{
    clwb::RunEvent e;
    e.kind = Kind::TaskEvaluated;
    e.task = task;
    e.values = std::move(values);
    return e;
}

const clwb::AccuracyMatrix kR = {{0.9, 0.1, 0.2}, {0.6, 0.8, 0.3}, {0.5, 0.7, 0.95}};
const std::vector<double> kInit = {0.1, 0.2, 0.15};

}  // namespace

void TstCharts::curvesShowStartedTasksOnly()
{
    AccuracyCurveChart chart;
    clwb::RunEvent started;
    started.kind = Kind::Started;
    started.total = 30;
    chart.handleEvent(started);
    for (int s = 1; s <= 10; ++s) chart.handleEvent(step(0, s));
    chart.handleEvent(curve(0, 5, {0.5, 0.0, 0.0}));
    chart.handleEvent(curve(0, 10, {0.9, 0.1, 0.0}));
    QCOMPARE(chart.visibleTaskCount(), 1);  // tasks 2 and 3 have not started
    QCOMPARE(chart.pointCount(0), 2);
    QCOMPARE(chart.boundaryCount(), 0);
    for (int s = 11; s <= 20; ++s) chart.handleEvent(step(1, s));
    QCOMPARE(chart.boundaryCount(), 1);
    chart.handleEvent(curve(1, 20, {0.6, 0.8, 0.1}));
    QCOMPARE(chart.visibleTaskCount(), 2);
    QCOMPARE(chart.pointCount(0), 3);
    QCOMPARE(chart.pointCount(1), 1);
    chart.clear();
    QCOMPARE(chart.visibleTaskCount(), 0);
    QCOMPARE(chart.boundaryCount(), 0);
}

void TstCharts::matrixFillsCellByCell()
{
    AccuracyMatrixChart chart;
    QCOMPARE(chart.taskCount(), 0);
    chart.handleEvent(row(-1, kInit));
    QCOMPARE(chart.taskCount(), 3);
    QVERIFY(chart.initRowFilled());
    QCOMPARE(chart.filledCells(), 0);
    for (int i = 0; i < 3; ++i) {
        chart.handleEvent(row(i, kR[size_t(i)]));
        QCOMPARE(chart.filledCells(), 3 * (i + 1));
        QVERIFY(i == 2 || std::isnan(chart.cellValue(i + 1, 0)));
    }
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) QCOMPARE(chart.cellValue(i, j), kR[size_t(i)][size_t(j)]);
    QCOMPARE(chart.cellValue(-1, 1), 0.2);
    QCOMPARE(chart.cellText(2, 2), QStringLiteral("95.0"));
    QCOMPARE(chart.cellText(-1, 0), QStringLiteral("10.0"));
    QCOMPARE(chart.cellTip(2, 2), QStringLiteral("After task 3, task 3: 95.0 %"));
    QCOMPARE(chart.cellTip(-1, 0), QStringLiteral("Before training, task 1: 10.0 %"));
    QCOMPARE(chart.cellTip(5, 0), QString());
    QCOMPARE(chart.rows(), kR);
    chart.clear();
    QCOMPARE(chart.filledCells(), 0);
    QCOMPARE(chart.taskCount(), 0);
}

void TstCharts::lossIsDecimated()
{
    LossChart chart;
    for (int s = 1; s <= 5000; ++s) chart.handleEvent(step(0, s, s % 2 ? 1.0 : 3.0));
    chart.flushReplot();
    QCOMPARE(chart.rawPointCount(), 5000);
    QVERIFY(chart.plottedPointCount() <= LossChart::kMaxPoints);
    QVERIFY(chart.plottedPointCount() >= LossChart::kMaxPoints / 2);
    QVERIFY(chart.bucketSize() >= 5);
}

void TstCharts::replotsAreCoalesced()
{
    LossChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const int before = chart.replotCount();
    for (int s = 1; s <= 2000; ++s) chart.handleEvent(step(0, s));
    QVERIFY(chart.replotPending());
    QCOMPARE(chart.replotCount(), before);  // nothing drawn synchronously
    QTRY_VERIFY(!chart.replotPending());
    QVERIFY(chart.replotCount() - before <= 2);
}

void TstCharts::importanceHeatmapAndDetail()
{
    ImportanceChart chart;
    QCOMPARE(chart.snapshotCount(), 0);
    for (int task = 0; task < 2; ++task) {
        clwb::RunEvent e;
        e.kind = Kind::Importance;
        e.task = task;
        e.importance.task = task;
        e.importance.kind = "weight-change";
        for (int b = 0; b < 3; ++b)
            for (const char* m : {"qkv", "proj", "fc1", "fc2"}) {
                clwb::ImportanceCell c;
                c.block = b;
                c.module = m;
                c.score = 0.1 * (b + 1) + task;
                c.rows = 2;
                c.cols = 4;
                c.map.assign(8, float(b));
                e.importance.cells.push_back(c);
            }
        clwb::ImportanceCell head;  // not a block module: not in the grid
        head.block = -1;
        head.module = "head";
        head.score = 99;
        e.importance.cells.push_back(head);
        chart.handleEvent(e);
    }
    QCOMPARE(chart.snapshotCount(), 2);
    QCOMPARE(chart.currentTask(), 1);  // follows the latest
    QCOMPARE(chart.blockCount(), 3);
    QVERIFY(qAbs(chart.cellScore(2, 3) - 1.3) < 1e-9);
    QCOMPARE(chart.detailSize(), QSize(4, 2));  // the strongest cell is preselected
    chart.showSnapshot(0);
    QCOMPARE(chart.currentTask(), 0);
    QVERIFY(qAbs(chart.cellScore(0, 0) - 0.1) < 1e-9);
    QVERIFY(chart.selectCell(1, 2));
    QCOMPARE(chart.detailSize(), QSize(4, 2));
    QVERIFY(!chart.selectCell(7, 0));
}

void TstCharts::metricsFollowRowsThenFinal()
{
    MetricsPanel panel;
    panel.handleEvent(row(-1, kInit));
    QVERIFY(std::isnan(panel.value("final_average_accuracy")));
    panel.handleEvent(row(0, kR[0]));
    QCOMPARE(panel.value("final_average_accuracy"), 0.9);
    panel.handleEvent(row(1, kR[1]));
    // After two tasks: the leading 2 x 2 block.
    const auto m2 = clwb::computeMetrics({{0.9, 0.1}, {0.6, 0.8}}, {0.1, 0.2});
    QCOMPARE(panel.value("bwt"), m2.bwt);
    QCOMPARE(panel.value("fwt"), m2.fwt);
    panel.handleEvent(row(2, kR[2]));
    const auto m3 = clwb::computeMetrics(kR, kInit);
    QCOMPARE(panel.value("forgetting"), m3.forgetting);
    QCOMPARE(panel.value("average_incremental_accuracy"), m3.averageIncrementalAccuracy);
    QVERIFY(!panel.isFinal());
    clwb::RunEvent fin;
    fin.kind = Kind::Finished;
    for (const auto& [k, v] : clwb::metricsAsList(m3)) fin.values.push_back(v + 0.0);
    panel.handleEvent(fin);
    QVERIFY(panel.isFinal());
    QCOMPARE(panel.value("plasticity"), m3.plasticity);
    QVERIFY(panel.formattedValue("bwt", -0.125).contains(QStringLiteral("-12.5")));
}

void TstCharts::exportsImages()
{
    QTemporaryDir dir;
    ChartArea area;
    area.resize(1200, 800);
    area.handleEvent(row(-1, kInit));
    for (int i = 0; i < 3; ++i) area.handleEvent(row(i, kR[size_t(i)]));
    const QString png = dir.filePath(QStringLiteral("m.png"));
    const QString pdf = dir.filePath(QStringLiteral("m.pdf"));
    QVERIFY(area.matrix()->savePng(png, 400, 300));
    QVERIFY(area.matrix()->savePdf(pdf, 400, 300));
    QVERIFY(QFileInfo(png).size() > 1000);
    QVERIFY(QFileInfo(pdf).size() > 1000);
    QCOMPARE(area.matrix()->toPixmap(200, 100).size(), QSize(200, 100));
}

void TstCharts::followsTheDesktopPalette()
{
    ChartArea area;
    area.resize(1200, 800);
    area.handleEvent(row(-1, kInit));
    for (int i = 0; i < 3; ++i) area.handleEvent(row(i, kR[size_t(i)]));
    const QPalette light = QApplication::palette();
    auto check = [&area](const QPalette& pal) {
        const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
        for (ChartPanel* chart : area.charts()) {
            const QImage image = chart->toPixmap(300, 200).toImage();
            QCOMPARE(QColor(image.pixel(1, 1)), base);  // the plot's background
            QCOMPARE(chart->foregroundColor(), text);
        }
    };
    check(light);
    // A dark desktop (or View → Appearance → Dark) reaches every chart at once.
    appearance::apply(appearance::Mode::Dark);
    QVERIFY(appearance::current() == appearance::Mode::Dark);
    QCoreApplication::processEvents();
    check(appearance::darkPalette());
    appearance::apply(appearance::Mode::System);
    QCoreApplication::processEvents();
    check(light);
    QVERIFY(light.color(QPalette::Base) != appearance::darkPalette().color(QPalette::Base));
}

namespace {

clwb::RunEvent qaRow(int task, std::vector<double> strict, std::vector<double> knowledge)
{
    clwb::RunEvent e;
    e.kind = Kind::TaskEvaluated;
    e.task = task;
    e.values = std::move(strict);
    e.formatValues.assign(e.values.size(), 1.0);
    e.knowledgeValues = std::move(knowledge);
    clwb::QaExample ex;
    ex.task = 0;
    ex.style = "yn";
    ex.question = "Is it a Sneaker? (yes/no)";
    ex.expected = "yes";
    ex.answer = "Sneaker";
    ex.knowledge = true;
    e.examples = {ex, ex};
    return e;
}

}  // namespace

void TstCharts::forgettingDecompositionAndExamples()
{
    ChartArea area;
    area.resize(1200, 900);
    area.show();
    QVERIFY(area.forgetting()->isHidden());  // classification runs never show it
    area.handleEvent(row(0, {0.9, 0.0}));    // no knowledge values: ignored
    QVERIFY(!area.forgetting()->hasData());
    QSignalSpy arrived(area.forgetting(), &ForgettingChart::dataArrived);
    area.handleEvent(qaRow(0, {0.9, 0.0}, {0.9, 0.0}));
    area.handleEvent(qaRow(1, {0.3, 0.8}, {0.7, 0.8}));
    QCOMPARE(arrived.count(), 1);
    QVERIFY(area.forgetting()->isVisible());
    const auto& d = area.forgetting()->decomposition();
    QCOMPARE(d.afterTask, 1);
    QCOMPARE(int(d.essential.size()), 1);
    QVERIFY(std::abs(d.strictDrop[0] - 0.6) < 1e-12);
    QVERIFY(std::abs(d.essential[0] - 0.2) < 1e-12);
    QVERIFY(std::abs(d.superficial[0] - 0.4) < 1e-12);
    QCOMPARE(area.forgetting()->exampleCount(), 2);
    QCOMPARE(area.forgetting()->examplesTable()->item(0, 3)->text(), QStringLiteral("Sneaker"));
    area.clear();
    QVERIFY(area.forgetting()->isHidden());
    QCOMPARE(area.forgetting()->exampleCount(), 0);
}

void TstCharts::replayCarriesQaMatrices()
{
    clwb::RunRecord run;
    run.status = clwb::RunStatus::Finished;
    const std::vector<clwb::MatrixCell> strict = {
        {0, 0, 0.9}, {0, 1, 0.0}, {1, 0, 0.3}, {1, 1, 0.8}};
    const std::vector<clwb::MatrixCell> knowledge = {
        {0, 0, 0.9}, {0, 1, 0.0}, {1, 0, 0.7}, {1, 1, 0.8}};
    clwb::QaExample ex;
    ex.answer = "no";
    clwb::StoredRun stored;
    stored.run = run;
    stored.matrices = {{clwb::kAccuracyMatrix, strict},
                       {clwb::kFormatMatrix, strict},
                       {clwb::kKnowledgeMatrix, knowledge}};
    stored.examples = {{1, {ex, ex, ex}}};
    const auto events = clwb::replayEvents(stored);
    ForgettingChart chart;
    for (const auto& e : events) chart.handleEvent(e);
    QVERIFY(chart.hasData());
    QCOMPARE(chart.exampleCount(), 3);
    QVERIFY(std::abs(chart.decomposition().superficial[0] - 0.4) < 1e-12);
}

void TstCharts::reportAddsAQaPage()
{
    QTemporaryDir dir;
    auto pages = [](const QString& file) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) return -1;
        // Page objects, not the /Pages tree node.
        static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?!s)"));
        int n = 0;
        for (auto it = page.globalMatch(QString::fromLatin1(f.readAll())); it.hasNext(); it.next())
            ++n;
        return n;
    };
    report_writer::Report r;
    r.title = QStringLiteral("t");
    const QString plain = dir.filePath(QStringLiteral("plain.pdf"));
    QVERIFY(report_writer::writePdf(plain, r));
    QCOMPARE(pages(plain), 1);
    QPixmap px(200, 100);
    px.fill(Qt::white);
    r.forgetting = px;
    r.forgettingCaption = QStringLiteral("Superficial vs essential forgetting");
    r.decomposition = {
        {QStringLiteral("Task 1"), QStringLiteral("drop 60 = essential 20 + superficial 40")}};
    r.examples = {
        {QStringLiteral("T1 (yn) Is it a Sneaker?"), QStringLiteral("Sneaker (expected yes)")}};
    const QString qa = dir.filePath(QStringLiteral("qa.pdf"));
    QVERIFY(report_writer::writePdf(qa, r));
    QCOMPARE(pages(qa), 2);
}

QTEST_MAIN(TstCharts)
namespace {

clwb::RunEvent confusionRow(int afterTask, std::vector<std::int64_t> counts)
{
    clwb::RunEvent e;
    e.kind = clwb::RunEvent::Kind::TaskEvaluated;
    e.task = afterTask;
    e.values = {0.5, 0.5};
    e.confusion = std::move(counts);
    e.classTask = {0, 0, 1, 1};
    e.classNames = {"cat", "dog", "car", "bus"};
    return e;
}

}  // namespace

void TstCharts::confusionFollowsBoundariesAndReadsThem()
{
    ChartArea area;
    auto* chart = area.confusion();
    QCOMPARE(chart->boundaryCount(), 0);
    QCOMPARE(chart->currentBoundary(), -2);
    // After task 1: 10 images per class of task 1, all right; task 2 (classes 2, 3) unseen.
    area.handleEvent(confusionRow(0, {10, 0, 0, 0,  //
                                      0, 10, 0, 0,  //
                                      5, 5, 0, 0,   //
                                      5, 5, 0, 0}));
    QCOMPARE(chart->boundaryCount(), 1);
    QCOMPARE(chart->classCount(), 4);
    QCOMPARE(chart->cellShare(2, 1), 0.5);
    QCOMPARE(chart->reading(), QStringLiteral("After task 1: no earlier task to forget yet."));
    // After task 2: 15 of task 1's 20 images went to task-2 classes, 4 stayed right, 1 went to
    // the other task-1 class.
    area.handleEvent(confusionRow(1, {4, 1, 5, 0,  //
                                      0, 0, 6, 4,  //
                                      0, 0, 9, 1,  //
                                      0, 0, 0, 10}));
    QCOMPARE(chart->boundaryCount(), 2);
    QCOMPARE(chart->currentBoundary(), 1);  // follows the latest boundary
    QCOMPARE(chart->cellShare(0, 2), 0.5);
    QCOMPARE(chart->cellShare(1, 3), 0.4);
    QCOMPARE(chart->reading(),
             QStringLiteral("After task 2, 75 % of task-1 images are predicted as task-2 classes; "
                            "20 % are still right."));
    // A question-answering row has no confusion and changes nothing.
    clwb::RunEvent qa;
    qa.kind = clwb::RunEvent::Kind::TaskEvaluated;
    qa.task = 2;
    area.handleEvent(qa);
    QCOMPARE(chart->boundaryCount(), 2);
    chart->showBoundary(0);
    QCOMPARE(chart->currentBoundary(), 0);
    QCOMPARE(chart->cellShare(0, 2), 0.0);
    // The same boundary again replaces it (a replayed run after a live one).
    area.handleEvent(confusionRow(0, {0, 10, 0, 0, 0, 10, 0, 0, 5, 5, 0, 0, 5, 5, 0, 0}));
    QCOMPARE(chart->boundaryCount(), 2);
    QCOMPARE(chart->cellShare(0, 1), 1.0);
    QTemporaryDir dir;
    QVERIFY(chart->savePng(dir.filePath(QStringLiteral("confusion.png")), 400, 300));
    // The report gets a page with the last boundary; the chart keeps the boundary on show.
    const auto report = ReportBuilder::build(area, clwb::RunConfig{});
    QVERIFY(!report.confusion.isNull());
    QVERIFY(report.confusionReading.startsWith(QStringLiteral("After task 2, 75 %")));
    QCOMPARE(chart->currentBoundary(), 0);
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    QVERIFY(report_writer::writePdf(pdf, report));
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?!s)"));
    int pages = 0;
    for (auto it = page.globalMatch(QString::fromLatin1(f.readAll())); it.hasNext(); it.next())
        ++pages;
    QCOMPARE(pages, 2);
    area.clear();
    QCOMPARE(chart->boundaryCount(), 0);
}

void TstCharts::galleryShowsPredictionsPerBoundary()
{
    ChartArea area;
    PredictionGallery* gallery = area.gallery();
    QCOMPARE(gallery->imageCount(), 0);
    // Two tasks, two images each (labels 0, 1 | 2, 3), grey 4 x 4 thumbnails.
    auto first = confusionRow(-1, std::vector<std::int64_t>(16, 0));
    for (int i = 0; i < 4; ++i) {
        clwb::GalleryImage g;
        g.task = i / 2;
        g.label = i;
        g.width = g.height = 4;
        g.channels = 1;
        g.pixels.assign(16, std::uint8_t(40 * i));
        first.gallery.push_back(g);
    }
    first.galleryPredictions = {3, 3, 3, 3};
    area.handleEvent(first);
    QCOMPARE(gallery->imageCount(), 4);
    QCOMPARE(gallery->boundaryCount(), 1);
    QCOMPARE(gallery->shownTask(), 0);
    auto after0 = confusionRow(0, std::vector<std::int64_t>(16, 0));
    after0.galleryPredictions = {0, 1, 0, 1};  // task 1 right, task 2 not learnt yet
    area.handleEvent(after0);
    auto after1 = confusionRow(1, std::vector<std::int64_t>(16, 0));
    after1.galleryPredictions = {2, 3, 2, 3};  // task 1 forgotten: predicted as task-2 classes
    area.handleEvent(after1);
    QCOMPARE(gallery->boundaryCount(), 3);
    QCOMPARE(gallery->prediction(1, 0), 2);
    QCOMPARE(gallery->prediction(5, 0), -1);
    // Rows: before training, after task 1, after task 2; columns: the shown task's images.
    QCOMPARE(gallery->cellText(1, 0), QStringLiteral("cat ✓"));
    QCOMPARE(gallery->cellText(2, 0), QStringLiteral("car ✗"));
    QCOMPARE(gallery->cellText(2, 1), QStringLiteral("bus ✗"));
    QCOMPARE(gallery->cellText(3, 0), QString());
    gallery->showTask(1);
    QCOMPARE(gallery->shownTask(), 1);
    QCOMPARE(gallery->cellText(2, 0), QStringLiteral("car ✓"));
    // A row whose predictions do not match the gallery is ignored.
    auto bad = confusionRow(2, std::vector<std::int64_t>(16, 0));
    bad.galleryPredictions = {1};
    area.handleEvent(bad);
    QCOMPARE(gallery->boundaryCount(), 3);
    gallery->resize(600, 400);
    QVERIFY(!gallery->grab().isNull());
    // The report's rendering of task 1's grid leaves the task on show alone.
    QVERIFY(!gallery->gridPixmap(0, 1.0).isNull());
    QCOMPARE(gallery->shownTask(), 1);
    // PNG and PDF of each task's grid (File → Export and the right-click menu).
    QCOMPARE(gallery->tasks(), (std::vector<int>{0, 1}));
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("g.png")),
                  pdf = dir.filePath(QStringLiteral("g.pdf"));
    QVERIFY(gallery->savePng(png, 0));
    QVERIFY(gallery->savePdf(pdf, 1));
    QCOMPARE(QImage(png).size(), gallery->gridPixmap(0, 2.0).size());
    QVERIFY(QFileInfo(pdf).size() > 1000);
    QVERIFY(!gallery->savePng(png, 7));  // no such task
    QCOMPARE(gallery->shownTask(), 1);
    const auto report = ReportBuilder::build(area, clwb::RunConfig{});
    QVERIFY(!report.gallery.isNull());
    area.clear();
    QCOMPARE(gallery->imageCount(), 0);
    QCOMPARE(gallery->boundaryCount(), 0);
}

void TstCharts::driftShowsBoundaryOverThePrevious()
{
    ChartArea area;
    DriftChart* drift = area.drift();
    QCOMPARE(drift->boundaryCount(), 0);
    // Four points, classes 0, 0, 2, 2; class 0 moves onto class 2 after task 2.
    auto first = confusionRow(-1, std::vector<std::int64_t>(16, 0));
    first.driftLabels = {0, 0, 2, 2};
    first.drift = {0, 0, 0, 1, 4, 0, 4, 1};
    first.driftExplained = 0.9;
    area.handleEvent(first);
    auto second = confusionRow(0, std::vector<std::int64_t>(16, 0));
    second.drift = {0, 0, 0, 1, 4, 0, 4, 1};
    second.driftExplained = 0.8;
    area.handleEvent(second);
    auto third = confusionRow(1, std::vector<std::int64_t>(16, 0));
    third.drift = {4, 0, 4, 1, 4, 0, 4, 1};
    third.driftExplained = 0.75;
    area.handleEvent(third);
    QCOMPARE(drift->boundaryCount(), 3);
    QCOMPARE(drift->pointCount(), 4);
    QCOMPARE(drift->currentBoundary(), 1);  // follows the latest
    QCOMPARE(drift->shownPoints(0), 2);
    QCOMPARE(drift->shownPoints(2), 2);
    QCOMPARE(drift->shownPoints(1), 0);
    QCOMPARE(drift->centroid(1, 0), QPointF(0, 0.5));
    QCOMPARE(drift->centroid(2, 0), QPointF(4, 0.5));
    QVERIFY(std::isnan(drift->centroid(2, 1).x()));
    QVERIFY(drift->caption().startsWith(QStringLiteral("After task 2: PCA of 4 test images")));
    QVERIFY(drift->caption().contains(QStringLiteral("75 %")));
    QVERIFY(drift->caption().endsWith(QStringLiteral("Faded: after task 1.")));
    drift->showBoundary(0);
    QVERIFY(drift->caption().startsWith(QStringLiteral("Before training")));
    QVERIFY(!drift->caption().contains(QStringLiteral("Faded")));
    // A row whose points do not match the labels is ignored.
    auto bad = confusionRow(2, std::vector<std::int64_t>(16, 0));
    bad.drift = {1, 2};
    area.handleEvent(bad);
    QCOMPARE(drift->boundaryCount(), 3);
    QTemporaryDir dir;
    QVERIFY(drift->savePng(dir.filePath(QStringLiteral("drift.png")), 400, 300));
    area.clear();
    QCOMPARE(drift->boundaryCount(), 0);
}

#include "tst_charts.moc"
