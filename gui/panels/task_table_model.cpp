// SPDX-License-Identifier: GPL-3.0-or-later
// Editable task sequence (which classes each task introduces) with undoable edits.
#include "panels/task_table_model.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUndoCommand>
#include <QUndoStack>

#include <algorithm>
#include <set>

namespace {

// Fashion-MNIST class names as the engine spells them, marked for translation.
const char* const kClassNames[] = {
    QT_TRANSLATE_NOOP("ClassNames", "T-shirt/top"), QT_TRANSLATE_NOOP("ClassNames", "Trouser"),
    QT_TRANSLATE_NOOP("ClassNames", "Pullover"),    QT_TRANSLATE_NOOP("ClassNames", "Dress"),
    QT_TRANSLATE_NOOP("ClassNames", "Coat"),        QT_TRANSLATE_NOOP("ClassNames", "Sandal"),
    QT_TRANSLATE_NOOP("ClassNames", "Shirt"),       QT_TRANSLATE_NOOP("ClassNames", "Sneaker"),
    QT_TRANSLATE_NOOP("ClassNames", "Bag"),         QT_TRANSLATE_NOOP("ClassNames", "Ankle boot"),
};

class TaskTableCommand : public QUndoCommand
{
public:
    TaskTableCommand(TaskTableModel* model, const QString& text, TaskTableModel::State before,
                     TaskTableModel::State after)
        : QUndoCommand(text), model_(model), before_(std::move(before)), after_(std::move(after))
    {
    }
    void redo() override { model_->applyState(after_); }
    void undo() override { model_->applyState(before_); }

private:
    TaskTableModel* model_;
    TaskTableModel::State before_, after_;
};

std::vector<int> range(int n)
{
    std::vector<int> all(size_t(std::max(0, n)));
    for (int c = 0; c < n; ++c) all[size_t(c)] = c;
    return all;
}

}  // namespace

std::vector<int> TaskTableModel::allClasses() const
{
    return range(numClasses());
}

TaskTableModel::TaskTableModel(QObject* parent) : QAbstractTableModel(parent)
{
    classNames_ = translatedClassNames(QStringLiteral("fashion-mnist"));
    for (int c = 0; c < kNumClasses; c += 2) state_.tasks.push_back({c, c + 1});
}

QStringList TaskTableModel::translatedClassNames(const QString& dataset)
{
    return displayNames(clwb::classNames(dataset.toStdString()), dataset);
}

QStringList TaskTableModel::displayNames(const std::vector<std::string>& names,
                                         const QString& dataset)
{
    static const QRegularExpression placeholder(QStringLiteral("^Class (\\d+)$"));
    const bool fashion =
        dataset == QLatin1String("fashion-mnist") && names.size() == std::size(kClassNames);
    QStringList out;
    for (size_t c = 0; c < names.size(); ++c) {
        const QString name = QString::fromStdString(names[c]);
        const auto m = placeholder.match(name);
        if (fashion)
            out << QCoreApplication::translate("ClassNames", kClassNames[c]);
        else if (m.hasMatch() || name.isEmpty())
            out << QCoreApplication::translate("ClassNames", "Class %1").arg(c);
        else
            out << name;
    }
    return out;
}

QStringList TaskTableModel::runClassNames(const std::vector<std::string>& names)
{
    const bool fashion =
        names.size() == std::size(kClassNames) &&
        std::equal(names.begin(), names.end(), std::begin(kClassNames),
                   [](const std::string& a, const char* b) { return a == b; });
    return displayNames(names, fashion ? QStringLiteral("fashion-mnist") : QString());
}

QStringList TaskTableModel::placeholderNames(int n)
{
    QStringList out;
    for (int c = 0; c < n; ++c) out << QCoreApplication::translate("ClassNames", "Class %1").arg(c);
    return out;
}

void TaskTableModel::setClassNames(const QStringList& names)
{
    classNames_ = names;
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int TaskTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(state_.tasks.size());
}

int TaskTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool TaskTableModel::isClassIncremental() const
{
    return state_.scenario == QLatin1String("class-incremental") ||
           state_.scenario == QLatin1String("qa");
}

QString TaskTableModel::classesText(int row) const
{
    if (state_.scenario == QLatin1String("permuted"))
        return tr("All classes, pixel permutation %1").arg(row + 1);
    if (state_.scenario == QLatin1String("rotated"))
        return tr("All classes, rotated %1°").arg(state_.rotationStep * row);
    QStringList names;
    for (int c : state_.tasks[size_t(row)])
        names << (c >= 0 && c < classNames_.size() ? classNames_[c] : QString::number(c));
    const QString classes = names.isEmpty() ? tr("(no classes)") : names.join(QStringLiteral(", "));
    if (state_.scenario != QLatin1String("qa")) return classes;
    // The task's native answer style (cycled as the engine does) and the ASD share.
    static const char* kDefault[] = {"yn", "mcq", "short", "brief", "detail"};
    const std::string style = state_.qaStyles.empty()
                                  ? kDefault[size_t(row) % 5]
                                  : state_.qaStyles[size_t(row) % state_.qaStyles.size()];
    const QString styleText = style == "yn"       ? tr("yes/no")
                              : style == "mcq"    ? tr("multiple choice")
                              : style == "short"  ? tr("short answer")
                              : style == "brief"  ? tr("brief answer")
                                                  : tr("detailed answer");
    return state_.asdPercent > 0
               ? tr("%1 — Q&A: %2 (ASD %3 %)").arg(classes, styleText).arg(state_.asdPercent)
               : tr("%1 — Q&A: %2").arg(classes, styleText);
}

QVariant TaskTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const auto& classes = state_.tasks[size_t(index.row())];
    if (role == ClassIdsRole) {
        QVariantList ids;
        for (int c : classes) ids << c;
        return ids;
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == Qt::EditRole) {
        if (index.column() == ClassesColumn) return classesText(index.row());
        QStringList ids;
        for (int c : classes) ids << QString::number(c);
        return ids.join(QStringLiteral(", "));
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return tr("Task %1").arg(section + 1);
    switch (section) {
        case ClassesColumn:
            return tr("Classes");
        case IdsColumn:
            return tr("Class ids");
        default:
            return {};
    }
}

Qt::ItemFlags TaskTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    // Ids are typed ("0, 3"); names are picked from the class check list below the table.
    if (isClassIncremental() && index.column() == IdsColumn) f |= Qt::ItemIsEditable;
    return f;
}

bool TaskTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::EditRole) return false;
    std::vector<int> classes;
    if (value.userType() == QMetaType::QVariantList) {
        for (const QVariant& v : value.toList()) classes.push_back(v.toInt());
    } else {  // "0, 1" typed into the ids column
        for (const QString& part : value.toString().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const int c = part.trimmed().toInt(&ok);
            if (!ok) return false;
            classes.push_back(c);
        }
    }
    return setTaskClasses(index.row(), classes);
}

void TaskTableModel::addTask()
{
    State next = state_;
    if (isClassIncremental()) {
        std::set<int> used;
        for (const auto& t : state_.tasks) used.insert(t.begin(), t.end());
        std::vector<int> fresh;
        for (int c = 0; c < numClasses() && fresh.empty(); ++c)
            if (!used.count(c)) fresh.push_back(c);
        next.tasks.push_back(fresh.empty() ? std::vector<int>{0} : fresh);
    } else {
        next.tasks.push_back(allClasses());
    }
    pushState(tr("Add task"), std::move(next));
}

bool TaskTableModel::removeTask(int row)
{
    if (row < 0 || row >= rowCount() || rowCount() <= 1) return false;
    State next = state_;
    next.tasks.erase(next.tasks.begin() + row);
    pushState(tr("Remove task %1").arg(row + 1), std::move(next));
    return true;
}

bool TaskTableModel::moveTask(int row, int delta)
{
    const int to = row + delta;
    if (row < 0 || row >= rowCount() || to < 0 || to >= rowCount() || delta == 0) return false;
    State next = state_;
    std::swap(next.tasks[size_t(row)], next.tasks[size_t(to)]);
    pushState(delta < 0 ? tr("Move task up") : tr("Move task down"), std::move(next));
    return true;
}

bool TaskTableModel::setTaskClasses(int row, const std::vector<int>& classes)
{
    if (row < 0 || row >= rowCount() || !isClassIncremental() || classes.empty()) return false;
    std::vector<int> sorted = classes;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.front() < 0 || sorted.back() >= numClasses()) return false;
    if (sorted == state_.tasks[size_t(row)]) return true;
    State next = state_;
    next.tasks[size_t(row)] = sorted;
    pushState(tr("Change classes of task %1").arg(row + 1), std::move(next));
    return true;
}

void TaskTableModel::applyPreset(Preset preset)
{
    State next;
    next.rotationStep = state_.rotationStep;
    QString text;
    switch (preset) {
        case Preset::Split5x2:
        case Preset::Split2x5:
        case Preset::Split10x1: {
            const int per = preset == Preset::Split5x2 ? 2 : preset == Preset::Split2x5 ? 5 : 1;
            for (int c = 0; c < numClasses(); c += per) {
                std::vector<int> task;
                for (int k = c; k < std::min(c + per, numClasses()); ++k) task.push_back(k);
                next.tasks.push_back(task);
            }
            text = tr("Preset: split %1 × %2").arg(next.tasks.size()).arg(per);
            break;
        }
        case Preset::Qa:
        case Preset::QaAsd:
            next.scenario = QStringLiteral("qa");
            for (int c = 0; c + 1 < numClasses(); c += 2) next.tasks.push_back({c, c + 1});
            next.asdPercent = preset == Preset::QaAsd ? 20.0 : 0.0;
            text = tr("Preset: question answering");
            break;
        case Preset::Permuted:
        case Preset::Rotated:
            next.scenario =
                preset == Preset::Permuted ? QStringLiteral("permuted") : QStringLiteral("rotated");
            next.tasks.assign(5, allClasses());
            text = preset == Preset::Permuted ? tr("Preset: permuted") : tr("Preset: rotated");
            break;
    }
    pushState(text, std::move(next));
}

void TaskTableModel::pushState(const QString& text, State next)
{
    if (next == state_) return;
    if (undoStack_)
        undoStack_->push(new TaskTableCommand(this, text, state_, std::move(next)));
    else
        applyState(next);
}

void TaskTableModel::resetState(const State& state)
{
    applyState(state);
}

void TaskTableModel::applyState(const State& next)
{
    const auto& a = state_.tasks;
    const auto& b = next.tasks;
    const bool sameKind =
        next.scenario == state_.scenario && next.rotationStep == state_.rotationStep;
    // Fine-grained signals where the change is a simple one, so views keep their selection.
    if (sameKind && a.size() == b.size()) {
        std::vector<int> changed;
        for (size_t i = 0; i < a.size(); ++i)
            if (a[i] != b[i]) changed.push_back(int(i));
        state_ = next;
        for (int r : changed) Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
    } else if (sameKind && b.size() == a.size() + 1) {
        size_t i = 0;
        while (i < a.size() && a[i] == b[i]) ++i;
        beginInsertRows({}, int(i), int(i));
        state_ = next;
        endInsertRows();
        if (!std::equal(a.begin() + long(i), a.end(), b.begin() + long(i) + 1)) {
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        }
    } else if (sameKind && b.size() + 1 == a.size()) {
        size_t i = 0;
        while (i < b.size() && a[i] == b[i]) ++i;
        beginRemoveRows({}, int(i), int(i));
        state_ = next;
        endRemoveRows();
    } else {
        beginResetModel();
        state_ = next;
        endResetModel();
    }
    if (rowCount() > 0) Q_EMIT headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    Q_EMIT edited();
}

void TaskTableModel::writeTo(clwb::DataConfig& data) const
{
    data.scenario = state_.scenario.toStdString();
    data.rotationStep = state_.rotationStep;
    data.asdPercent = state_.asdPercent;
    data.qaStyles = state_.qaStyles;
    data.tasks.clear();
    if (isClassIncremental()) {
        for (const auto& t : state_.tasks) data.tasks.push_back(clwb::TaskSpec{t});
    } else {
        data.numTasks = int(state_.tasks.size());
    }
}

TaskTableModel::State TaskTableModel::stateFrom(const clwb::DataConfig& data)
{
    State s;
    s.scenario = QString::fromStdString(data.scenario);
    s.rotationStep = data.rotationStep;
    if (data.scenario == "qa") {
        s.asdPercent = data.asdPercent;
        s.qaStyles = data.qaStyles;
    }
    const bool explicitTasks =
        !data.tasks.empty() && data.scenario != "permuted" && data.scenario != "rotated";
    if (explicitTasks) {
        for (const auto& t : data.tasks) s.tasks.push_back(t.classes);
    } else {  // the engine's default split (it lists the dataset's classes)
        clwb::RunConfig config;
        config.data = data;
        config.data.shuffleClassOrder = false;  // the table shows the ids before shuffling
        for (const auto& t : clwb::resolvedTasks(config)) s.tasks.push_back(t.classes);
        if (s.tasks.empty()) s.tasks.push_back({0});
    }
    return s;
}

TaskTableModel::State TaskTableModel::resized(State state, int numClasses,
                                              const std::vector<std::vector<int>>& defaultTasks)
{
    if (state.scenario == QLatin1String("permuted") || state.scenario == QLatin1String("rotated")) {
        for (auto& t : state.tasks) t = range(numClasses);
    } else if (!defaultTasks.empty()) {
        state.tasks = defaultTasks;
    } else {  // no default known: one task per class, at most the old number of tasks
        const size_t n = std::max<size_t>(1, std::min(state.tasks.size(), size_t(numClasses)));
        state.tasks.assign(n, {});
        for (int c = 0; c < numClasses; ++c)
            state.tasks[size_t(c) * n / size_t(numClasses)].push_back(c);
    }
    return state;
}

void TaskTableModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    if (rowCount() > 0) Q_EMIT headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
}
