// SPDX-License-Identifier: GPL-3.0-or-later
// TaskTableModel: model contract, edits, presets, undo/redo and config round trip.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

#include "panels/task_table_model.h"

class TstTaskTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultIsFiveByTwo();
    void addRemoveMove();
    void setDataValidates();
    void presets();
    void undoRedo();
    void configRoundTrip();
};

namespace {
std::vector<std::vector<int>> tasksOf(const TaskTableModel& m)
{
    return m.state().tasks;
}
}  // namespace

void TstTaskTableModel::defaultIsFiveByTwo()
{
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), int(TaskTableModel::ColumnCount));
    QCOMPARE(model.data(model.index(0, TaskTableModel::ClassesColumn)).toString(),
             QStringLiteral("T-shirt/top, Trouser"));
    QCOMPARE(model.data(model.index(4, TaskTableModel::IdsColumn)).toString(),
             QStringLiteral("8, 9"));
    QCOMPARE(model.headerData(2, Qt::Vertical).toString(), QStringLiteral("Task 3"));
    QCOMPARE(model.data(model.index(1, 0), TaskTableModel::ClassIdsRole).toList(),
             (QVariantList{2, 3}));
}

void TstTaskTableModel::addRemoveMove()
{
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyPreset(TaskTableModel::Preset::Split2x5);
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QVERIFY(model.removeTask(1));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(!model.removeTask(0));  // the last task stays
    model.addTask();                // first unused class
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(tasksOf(model), (std::vector<std::vector<int>>{{0, 1, 2, 3, 4}, {5}}));
    QVERIFY(model.moveTask(1, -1));
    QCOMPARE(tasksOf(model), (std::vector<std::vector<int>>{{5}, {0, 1, 2, 3, 4}}));
    QVERIFY(!model.moveTask(0, -1));
    QVERIFY(!model.moveTask(1, 1));
}

void TstTaskTableModel::setDataValidates()
{
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex idx = model.index(0, TaskTableModel::ClassesColumn);
    QVERIFY(model.flags(model.index(0, TaskTableModel::IdsColumn)) & Qt::ItemIsEditable);
    QVERIFY(model.setData(idx, QVariantList{3, 1, 3}));
    QCOMPARE(tasksOf(model)[0], (std::vector<int>{1, 3}));  // sorted, deduplicated
    QVERIFY(model.setData(model.index(0, TaskTableModel::IdsColumn), QStringLiteral("7, 2")));
    QCOMPARE(tasksOf(model)[0], (std::vector<int>{2, 7}));
    QVERIFY(!model.setData(idx, QVariantList{}));    // empty task
    QVERIFY(!model.setData(idx, QVariantList{10}));  // out of range
    QVERIFY(!model.setData(model.index(0, 1), QStringLiteral("a, b")));
    QCOMPARE(tasksOf(model)[0], (std::vector<int>{2, 7}));
}

void TstTaskTableModel::presets()
{
    TaskTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyPreset(TaskTableModel::Preset::Split10x1);
    QCOMPARE(model.rowCount(), 10);
    model.applyPreset(TaskTableModel::Preset::Rotated);
    QCOMPARE(model.rowCount(), 5);
    QVERIFY(!model.isClassIncremental());
    QVERIFY(!(model.flags(model.index(0, TaskTableModel::IdsColumn)) & Qt::ItemIsEditable));
    QVERIFY(model.data(model.index(2, 0)).toString().contains(QStringLiteral("60")));
    QVERIFY(!model.setTaskClasses(0, {1}));
    model.addTask();
    QCOMPARE(model.rowCount(), 6);
    clwb::DataConfig data;
    model.writeTo(data);
    QCOMPARE(data.scenario, std::string("rotated"));
    QCOMPARE(data.numTasks, 6);
    QVERIFY(data.tasks.empty());

    // Question answering: class-incremental tasks with a native answer style each, ASD share.
    model.applyPreset(TaskTableModel::Preset::QaAsd);
    QCOMPARE(model.rowCount(), 5);
    QVERIFY(model.isClassIncremental());
    QVERIFY(model.data(model.index(0, 0)).toString().contains(QStringLiteral("yes/no")));
    QVERIFY(model.data(model.index(4, 0)).toString().contains(QStringLiteral("ASD 20")));
    clwb::DataConfig qa;
    model.writeTo(qa);
    QCOMPARE(qa.scenario, std::string("qa"));
    QCOMPARE(qa.asdPercent, 20.0);
    QCOMPARE(int(qa.tasks.size()), 5);
    QCOMPARE(TaskTableModel::stateFrom(qa), model.state());
}

void TstTaskTableModel::undoRedo()
{
    TaskTableModel model;
    QUndoStack stack;
    model.setUndoStack(&stack);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto initial = model.state();
    model.addTask();
    QVERIFY(model.moveTask(5, -2));
    QVERIFY(model.setTaskClasses(0, {0, 1, 2}));
    model.applyPreset(TaskTableModel::Preset::Permuted);
    QCOMPARE(stack.count(), 4);
    QCOMPARE(stack.undoText(), QStringLiteral("Preset: permuted"));
    const auto last = model.state();
    stack.undo();
    QVERIFY(model.isClassIncremental());
    QCOMPARE(tasksOf(model)[0], (std::vector<int>{0, 1, 2}));
    stack.undo();
    stack.undo();
    stack.undo();
    QVERIFY(model.state() == initial);
    while (stack.canRedo()) stack.redo();
    QVERIFY(model.state() == last);
    // A no-op edit adds no undo step.
    const int n = stack.count();
    model.applyPreset(TaskTableModel::Preset::Permuted);
    QCOMPARE(stack.count(), n);
}

void TstTaskTableModel::configRoundTrip()
{
    clwb::DataConfig in;
    in.tasks = {{{4, 5, 6}}, {{0}}, {{9, 1}}};
    const auto state = TaskTableModel::stateFrom(in);
    TaskTableModel model;
    model.resetState(state);
    QCOMPARE(model.rowCount(), 3);
    clwb::DataConfig out;
    model.writeTo(out);
    QCOMPARE(out.tasks.size(), size_t(3));
    QCOMPARE(out.tasks[2].classes, (std::vector<int>{9, 1}));
    QCOMPARE(out.scenario, std::string("class-incremental"));
}

QTEST_MAIN(TstTaskTableModel)
#include "tst_task_table_model.moc"
