// SPDX-License-Identifier: GPL-3.0-or-later
// Presentation mode: the captions' arithmetic on hand-made matrices, stepping through
// boundaries, playback, following a live run, two runs side by side.
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "panels/presentation_view.h"
#include "panels/story_caption.h"

namespace {

using Kind = clwb::RunEvent::Kind;
const double kNaN = std::nan("");

clwb::RunEvent event(Kind kind, int task, std::int64_t step, std::vector<double> values = {})
{
    clwb::RunEvent e;
    e.kind = kind;
    e.task = task;
    e.step = step;
    e.total = 30;
    e.values = std::move(values);
    return e;
}

/// A 3-task run as the engine sends it: 10 steps per task, a Curve every other step, each
/// task's row after its last step. Row t: task t learned to `learned`, earlier ones at `kept`.
std::vector<clwb::RunEvent> storyRun(double learned, double kept)
{
    std::vector<clwb::RunEvent> events{event(Kind::Started, -1, 0),
                                       event(Kind::TaskEvaluated, -1, 0, {0.1, 0.2, 0.3})};
    for (int t = 0; t < 3; ++t) {
        for (int s = 1; s <= 10; ++s) {
            const std::int64_t step = t * 10 + s;
            events.push_back(event(Kind::Step, t, step));
            if (s % 2 == 0) events.push_back(event(Kind::Curve, t, step, {0.5, 0.5, 0.5}));
        }
        std::vector<double> row(3, 0.0);
        for (int j = 0; j < t; ++j) row[size_t(j)] = kept;
        row[size_t(t)] = learned;
        events.push_back(event(Kind::TaskEvaluated, t, t * 10 + 10, row));
    }
    return events;
}

StoryMatrix matrix(std::vector<std::vector<double>> rows)
{
    StoryMatrix m;
    m.taskCount = int(rows.empty() ? 0 : rows.front().size());
    m.init.assign(size_t(m.taskCount), 0.1);
    m.rows = std::move(rows);
    return m;
}

}  // namespace

class TstPresentation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void captionsFollowTheNumbers();
    void comparisonCaption();
    void stepsThroughBoundaries();
    void playsBackAtItsSpeed();
    void followsALiveRun();
    void twoRunsSideBySide();
};

void TstPresentation::captionsFollowTheNumbers()
{
    // The example: task 1 falls from 98 % to 1 % when task 2 is learned.
    StoryMatrix m = matrix({{0.98, 0.0, 0.0}, {0.01, 0.95, 0.0}, {0.0, 0.60, 0.97}});
    QCOMPARE(StoryCaption::worstCost(m, 1).first, 0);
    QCOMPARE(qRound(StoryCaption::worstCost(m, 1).second), 97);
    QCOMPARE(StoryCaption::forBoundary(m, 2, QStringLiteral("Fine-tuning")),
             QStringLiteral("Learning task 2 cost task 1 97 points of accuracy: catastrophic "
                            "forgetting. With Fine-tuning, task 1 keeps 1 % (98 % right after it "
                            "was learned)."));
    // Task 3 cost task 2 35 points (task 1 only 1): the worst one is named; the last boundary
    // adds the average (0 + 60 + 97) / 3 = 52.3.
    QCOMPARE(StoryCaption::worstCost(m, 2).first, 1);
    QVERIFY(StoryCaption::forBoundary(m, 3, QStringLiteral("X"))
                .startsWith(QStringLiteral("Learning task 3 cost task 2 35 points of accuracy: "
                                           "catastrophic forgetting.")));
    QVERIFY(StoryCaption::forBoundary(m, 3, QStringLiteral("X"))
                .endsWith(QStringLiteral("Average over all 3 tasks: 52 %.")));
    // A moderate cost is stated without the verdict; a small one as "at most"; none at all as
    // kept.
    StoryMatrix mild = matrix({{0.90, 0.0}, {0.78, 0.93}});
    QCOMPARE(StoryCaption::forBoundary(mild, 2, QStringLiteral("LoRAC-IPC")),
             QStringLiteral("Learning task 2 cost task 1 12 points of accuracy. With LoRAC-IPC, "
                            "task 1 keeps 78 % (90 % right after it was learned). Average over "
                            "all 2 tasks: 86 %."));
    StoryMatrix small = matrix({{0.90, 0.0, 0.0}, {0.87, 0.93, 0.0}});
    QVERIFY(StoryCaption::forBoundary(small, 2, QStringLiteral("S"))
                .startsWith(QStringLiteral("Learning task 2 cost the earlier tasks at most 3 "
                                           "points of accuracy.")));
    StoryMatrix none = matrix({{0.90, 0.0, 0.0}, {0.91, 0.93, 0.0}});
    QVERIFY(
        StoryCaption::forBoundary(none, 2, QStringLiteral("S"))
            .startsWith(QStringLiteral("Learning task 2 left the earlier tasks as they were.")));
    // Before training: the untrained model's mean; after task 1: what it learned.
    QCOMPARE(StoryCaption::forBoundary(m, 0, QStringLiteral("S")),
             QStringLiteral("3 tasks to learn, one after another. Before training, the model "
                            "gets 10 % of their test images right."));
    QCOMPARE(StoryCaption::forBoundary(m, 1, QStringLiteral("S")),
             QStringLiteral("With S, the model learned task 1: 98 % of its test images right."));
    // A row not evaluated yet is not narrated.
    StoryMatrix partial = matrix({{0.98, kNaN, kNaN}});
    partial.taskCount = 3;
    QCOMPARE(StoryCaption::forBoundary(partial, 2, QStringLiteral("S")),
             QStringLiteral("Learning task 2…"));
}

void TstPresentation::comparisonCaption()
{
    StoryMatrix a = matrix({{0.98, 0.0}, {0.01, 0.95}});
    StoryMatrix b = matrix({{0.92, 0.0}, {0.62, 0.90}});
    QCOMPARE(StoryCaption::comparison(a, QStringLiteral("A"), b, QStringLiteral("B"), 1),
             QStringLiteral("Task 1 learned: 98 % with A, 92 % with B."));
    QCOMPARE(StoryCaption::comparison(a, QStringLiteral("A"), b, QStringLiteral("B"), 2),
             QStringLiteral("After task 2, task 1 keeps 1 % with A and 62 % with B; the average "
                            "over the tasks so far is 48 % and 76 %."));
    QVERIFY(StoryCaption::comparison(a, QStringLiteral("A"), b, QStringLiteral("B"), 0).isEmpty());
}

void TstPresentation::stepsThroughBoundaries()
{
    PresentationView view;
    view.setRuns({{QStringLiteral("#1 FT"), QStringLiteral("FT"), storyRun(0.98, 0.01), false}});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.laneCount(), 1);
    QCOMPARE(view.lastBoundary(), 3);
    QCOMPARE(view.boundary(), 3);  // a stored run opens at its end
    QCOMPARE(view.matrix(0)->filledCells(), 9);

    // Home: before training, the init row only and no curve.
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.boundary(), 0);
    QCOMPARE(view.matrix(0)->filledCells(), 0);
    QVERIFY(view.matrix(0)->initRowFilled());
    QCOMPARE(view.curves(0)->visibleTaskCount(), 0);
    QCOMPARE(view.boundaryText(), QStringLiteral("Before training"));

    // → : task 1's curves and row; → : task 2's, with the caption on what it cost.
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.boundary(), 1);
    QCOMPARE(view.matrix(0)->filledCells(), 3);
    QCOMPARE(view.curves(0)->visibleTaskCount(), 1);
    QCOMPARE(view.curves(0)->pointCount(0), 5);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.boundary(), 2);
    QCOMPARE(view.matrix(0)->filledCells(), 6);
    QCOMPARE(view.boundaryText(), QStringLiteral("After task 2 of 3"));
    QVERIFY2(view.caption().startsWith(
                 QStringLiteral("Learning task 2 cost task 1 97 points of accuracy")),
             qPrintable(view.caption()));
    // ← goes back and draws the story again from the start.
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.boundary(), 1);
    QCOMPARE(view.matrix(0)->filledCells(), 3);
    QCOMPARE(view.curves(0)->pointCount(0), 5);
    QCOMPARE(view.curves(0)->visibleTaskCount(), 1);
    // End, then past the end: stays on the last boundary.
    QTest::keyClick(&view, Qt::Key_End);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.boundary(), 3);
    QVERIFY(view.caption().endsWith(QStringLiteral("Average over all 3 tasks: 33 %.")));

    // Esc leaves.
    QSignalSpy closed(&view, &PresentationView::closed);
    QTest::keyClick(&view, Qt::Key_Escape);
    QCOMPARE(closed.count(), 1);
}

void TstPresentation::playsBackAtItsSpeed()
{
    PresentationView view;
    view.setRuns({{QStringLiteral("#1 FT"), QStringLiteral("FT"), storyRun(0.98, 0.01), false}});
    view.setSpeed(2.0);
    view.play();  // from the last boundary: starts again from before training
    QVERIFY(view.playing());
    QCOMPARE(view.boundary(), 0);
    // At 2x: 1.25 s rest on "before training" = 0.625 s; then half of task 1 (3 s / 2 / 2).
    view.advancePlayback(0.625 + 0.75);
    QCOMPARE(view.boundary(), 0);
    const int half = view.curves(0)->pointCount(0);
    QVERIFY2(half > 0 && half < 5, qPrintable(QString::number(half)));
    QCOMPARE(view.matrix(0)->filledCells(), 0);  // the row comes at the boundary
    view.advancePlayback(0.75);
    QCOMPARE(view.boundary(), 1);
    QCOMPARE(view.matrix(0)->filledCells(), 3);
    // Long enough for the rest: ends on the last boundary and stops.
    view.advancePlayback(60);
    QCOMPARE(view.boundary(), 3);
    QVERIFY(!view.playing());
    QCOMPARE(view.matrix(0)->filledCells(), 9);
    // Pausing mid-task snaps back to the boundary on show.
    view.play();
    view.advancePlayback(1.25 / 2 + 0.5);
    QVERIFY(view.curves(0)->visibleTaskCount() == 1);
    view.pause();
    QCOMPARE(view.boundary(), 0);
    QCOMPARE(view.curves(0)->visibleTaskCount(), 0);
}

void TstPresentation::followsALiveRun()
{
    const auto all = storyRun(0.9, 0.5);
    PresentationView view;
    // Live from the start: only Started and the row before training so far.
    view.setRuns({{QStringLiteral("Live"), QStringLiteral("FT"), {all[0], all[1]}, true}});
    QCOMPARE(view.lastBoundary(), 0);
    QVERIFY(view.boundaryText().contains(QStringLiteral("live")));
    size_t i = 2;
    // Task 1's steps: the curve grows while the view stands at the newest boundary.
    for (; all[i].kind != Kind::TaskEvaluated; ++i) view.appendLiveEvent(all[i]);
    QCOMPARE(view.curves(0)->pointCount(0), 5);
    QCOMPARE(view.boundary(), 0);
    view.appendLiveEvent(all[i++]);  // task 1's row
    QCOMPARE(view.boundary(), 1);
    QCOMPARE(view.matrix(0)->filledCells(), 3);
    // Stepped back, the view stays where the presenter is while the run goes on.
    view.previous();
    for (; all[i].kind != Kind::TaskEvaluated; ++i) view.appendLiveEvent(all[i]);
    view.appendLiveEvent(all[i++]);
    QCOMPARE(view.boundary(), 0);
    QCOMPARE(view.lastBoundary(), 2);
    QCOMPARE(view.matrix(0)->filledCells(), 0);
    view.setBoundary(2);
    QCOMPARE(view.matrix(0)->filledCells(), 6);
    view.endLive();
    QVERIFY(!view.boundaryText().contains(QStringLiteral("live")));
}

void TstPresentation::twoRunsSideBySide()
{
    PresentationView view;
    auto shorter = storyRun(0.92, 0.62);
    shorter.resize(shorter.size() - 6);  // B stopped during task 3
    view.setRuns({{QStringLiteral("#1 A"), QStringLiteral("A"), storyRun(0.98, 0.01), false},
                  {QStringLiteral("#2 B"), QStringLiteral("B"), shorter, false}});
    QCOMPARE(view.laneCount(), 2);
    QCOMPARE(view.lastBoundary(), 2);  // the newest boundary both have
    QCOMPARE(view.boundary(), 2);
    QCOMPARE(view.matrix(0)->filledCells(), 6);
    QCOMPARE(view.matrix(1)->filledCells(), 6);
    QCOMPARE(view.caption(),
             QStringLiteral("After task 2, task 1 keeps 1 % with A and 62 % with B; the average "
                            "over the tasks so far is 50 % and 77 %."));
}

QTEST_MAIN(TstPresentation)
#include "tst_presentation.moc"
