// SPDX-License-Identifier: GPL-3.0-or-later
// Continual-learning metrics against hand-computed accuracy matrices.
#include <QtTest>

#include <cmath>
#include <stdexcept>

#include "clwb/metrics.h"

using clwb::AccuracyMatrix;

// QCOMPARE's fuzzy double comparison is relative and fails against exact zeros.
#define CLWB_CLOSE(actual, expected)                                                          \
    do {                                                                                      \
        const double a_ = (actual), e_ = (expected);                                          \
        QVERIFY2(std::abs(a_ - e_) < 1e-12, qPrintable(QStringLiteral("%1 = %2, expected %3") \
                                                           .arg(QStringLiteral(#actual))      \
                                                           .arg(a_, 0, 'g', 17)               \
                                                           .arg(e_, 0, 'g', 17)));            \
    } while (false)

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // SEFE's decomposition: strict drop = essential (knowledge drop) + superficial (the rest).
    void forgettingDecomposition()
    {
        const AccuracyMatrix strict = {{0.9, 0, 0}, {0.5, 0.8, 0}, {0.3, 0.6, 0.9}};
        const AccuracyMatrix knowledge = {{0.9, 0, 0}, {0.8, 0.8, 0}, {0.6, 0.7, 0.9}};
        const auto d = clwb::decomposeForgetting(strict, knowledge);
        QCOMPARE(d.afterTask, 2);
        QCOMPARE(int(d.strictDrop.size()), 2);
        QVERIFY(std::abs(d.strictDrop[0] - 0.6) < 1e-12 && std::abs(d.strictDrop[1] - 0.2) < 1e-12);
        QVERIFY(std::abs(d.essential[0] - 0.3) < 1e-12 && std::abs(d.essential[1] - 0.1) < 1e-12);
        QVERIFY(std::abs(d.superficial[0] - 0.3) < 1e-12 && std::abs(d.superficial[1] - 0.1) < 1e-12);
        QVERIFY(std::abs(d.meanEssential - 0.2) < 1e-12 && std::abs(d.meanSuperficial - 0.2) < 1e-12);
        const auto mid = clwb::decomposeForgetting(strict, knowledge, 1);  // after task 1: task 0 only
        QCOMPARE(int(mid.essential.size()), 1);
        QVERIFY(std::abs(mid.essential[0] - 0.1) < 1e-12 && std::abs(mid.superficial[0] - 0.3) < 1e-12);
        QVERIFY(clwb::decomposeForgetting(strict, knowledge, 0).strictDrop.empty());
        // Knowledge that rises while strict falls makes the superficial part exceed the drop.
        const auto up = clwb::decomposeForgetting({{0.8, 0}, {0.4, 0.9}}, {{0.5, 0}, {0.6, 0.9}});
        QVERIFY(std::abs(up.essential[0] + 0.1) < 1e-12 && std::abs(up.superficial[0] - 0.5) < 1e-12);
    }

    // Task 0 peaks after task 1 (0.9 > first value 0.6), so max- and first-based forgetting differ.
    void threeTasks()
    {
        const AccuracyMatrix r = {
            {0.6, 0.1, 0.0},
            {0.9, 0.8, 0.2},
            {0.5, 0.4, 0.7},
        };
        const std::vector<double> b = {0.1, 0.1, 0.1};
        CLWB_CLOSE(clwb::averageAccuracyAfter(r, 0), 0.6);
        CLWB_CLOSE(clwb::averageAccuracyAfter(r, 1), 0.85);
        CLWB_CLOSE(clwb::averageAccuracyAfter(r, 2), 1.6 / 3);
        CLWB_CLOSE(clwb::finalAverageAccuracy(r), 1.6 / 3);
        CLWB_CLOSE(clwb::averageIncrementalAccuracy(r), (0.6 + 0.85 + 1.6 / 3) / 3);
        CLWB_CLOSE(clwb::backwardTransfer(r), -0.25);   // ((0.5-0.6) + (0.4-0.8)) / 2
        CLWB_CLOSE(clwb::forwardTransfer(r, b), 0.05);  // ((0.1-0.1) + (0.2-0.1)) / 2
        CLWB_CLOSE(clwb::forgettingMax(r), 0.4);        // ((0.9-0.5) + (0.8-0.4)) / 2
        CLWB_CLOSE(clwb::forgettingFirst(r), 0.25);     // ((0.6-0.5) + (0.8-0.4)) / 2
        CLWB_CLOSE(clwb::plasticity(r), 0.7);           // (0.6 + 0.8 + 0.7) / 3

        const clwb::Metrics m = clwb::computeMetrics(r, b);
        CLWB_CLOSE(m.finalAverageAccuracy, 1.6 / 3);
        CLWB_CLOSE(m.averageIncrementalAccuracy, (0.6 + 0.85 + 1.6 / 3) / 3);
        CLWB_CLOSE(m.bwt, -0.25);
        CLWB_CLOSE(m.fwt, 0.05);
        CLWB_CLOSE(m.forgetting, 0.4);
        CLWB_CLOSE(m.forgettingFirst, 0.25);
        CLWB_CLOSE(m.plasticity, 0.7);
    }

    // The max runs over rows j..T-2 (not just the first two) and excludes the last row. The upper
    // triangle is zero as in class-incremental evaluation, which makes FWT = -mean(b_j).
    void fourTasksClassIncremental()
    {
        const AccuracyMatrix r = {
            {0.50, 0.00, 0.00, 0.00},
            {0.70, 0.60, 0.00, 0.00},
            {0.80, 0.50, 0.90, 0.00},
            {0.40, 0.45, 0.60, 0.95},
        };
        const std::vector<double> b = {0.1, 0.2, 0.1, 0.3};
        const clwb::Metrics m = clwb::computeMetrics(r, b);
        CLWB_CLOSE(m.finalAverageAccuracy, 0.6);
        CLWB_CLOSE(m.averageIncrementalAccuracy, (0.5 + 0.65 + 2.2 / 3 + 0.6) / 4);
        CLWB_CLOSE(m.bwt, -(0.1 + 0.15 + 0.3) / 3);
        CLWB_CLOSE(m.fwt, -(0.2 + 0.1 + 0.3) / 3);
        CLWB_CLOSE(m.forgetting, (0.4 + 0.15 + 0.3) / 3);  // maxima 0.8 (row 2), 0.6, 0.9
        CLWB_CLOSE(m.forgettingFirst, (0.1 + 0.15 + 0.3) / 3);
        CLWB_CLOSE(m.plasticity, 2.95 / 4);
    }

    // Accuracy that rises after the last training gives negative forgetting: the last row must
    // not take part in the max, or forgetting could never go below zero.
    void negativeForgetting()
    {
        const AccuracyMatrix r = {
            {0.5, 0.0, 0.0},
            {0.4, 0.9, 0.0},
            {0.8, 0.9, 0.9},
        };
        CLWB_CLOSE(clwb::forgettingMax(r), (-0.3 + 0.0) / 2);
        CLWB_CLOSE(clwb::forgettingFirst(r), (-0.3 + 0.0) / 2);
        CLWB_CLOSE(clwb::backwardTransfer(r), 0.15);
    }

    void singleTask()
    {
        const clwb::Metrics m = clwb::computeMetrics({{0.8}}, {0.1});
        CLWB_CLOSE(m.finalAverageAccuracy, 0.8);
        CLWB_CLOSE(m.averageIncrementalAccuracy, 0.8);
        CLWB_CLOSE(m.bwt, 0.0);
        CLWB_CLOSE(m.fwt, 0.0);
        CLWB_CLOSE(m.forgetting, 0.0);
        CLWB_CLOSE(m.forgettingFirst, 0.0);
        CLWB_CLOSE(m.plasticity, 0.8);
    }

    void emptyMatrix()
    {
        const clwb::Metrics m = clwb::computeMetrics({}, {});
        CLWB_CLOSE(m.finalAverageAccuracy, 0.0);
        CLWB_CLOSE(m.averageIncrementalAccuracy, 0.0);
        CLWB_CLOSE(m.plasticity, 0.0);
    }

    void partialMatrixRowAverage()
    {
        // A running experiment has only the rows trained so far.
        const AccuracyMatrix r = {{0.9, 0.0, 0.0}, {0.5, 0.7, 0.0}};
        CLWB_CLOSE(clwb::averageAccuracyAfter(r, 1), 0.6);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clwb::averageAccuracyAfter(r, 2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clwb::averageAccuracyAfter(r, -1));
    }

    void invalidShapes()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 clwb::computeMetrics({{0.5, 0.1}, {0.4}}, {0.1, 0.1}));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            clwb::computeMetrics({{0.5, 0.1, 0.0}, {0.4, 0.6, 0.0}}, {0.1, 0.1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 clwb::computeMetrics({{0.5, 0.1}, {0.4, 0.6}}, {0.1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 clwb::computeMetrics({{0.5, 0.1}, {0.4, 0.6}}, {0.1, 0.1, 0.1}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clwb::backwardTransfer({{0.5, 0.1}}));
    }

    void listOrderAndKeys()
    {
        clwb::Metrics m;
        m.finalAverageAccuracy = 1;
        m.averageIncrementalAccuracy = 2;
        m.bwt = 3;
        m.fwt = 4;
        m.forgetting = 5;
        m.forgettingFirst = 6;
        m.plasticity = 7;
        const auto list = clwb::metricsAsList(m);
        const std::vector<std::string> keys = {"final_average_accuracy",
                                               "average_incremental_accuracy",
                                               "bwt",
                                               "fwt",
                                               "forgetting",
                                               "forgetting_first",
                                               "plasticity"};
        QCOMPARE(list.size(), keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) {
            QCOMPARE(list[i].first, keys[i]);
            QCOMPARE(list[i].second, double(i + 1));
        }
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
