// SPDX-License-Identifier: GPL-3.0-or-later
// Editable task sequence (which classes each task introduces) with undoable edits.
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <string>
#include <vector>

#include "clwb/run_config.h"

class QUndoStack;

/// One row per task. Class-incremental rows hold class ids; permuted/rotated rows hold all
/// classes under a per-task transform and only their number can change. Every edit goes through
/// pushState(), which becomes a QUndoCommand when an undo stack is attached; the commands call
/// the non-undoable applyState(), so undo never re-enters setData().
class TaskTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ClassesColumn = 0, IdsColumn, ColumnCount };
    enum class Preset { Split5x2, Split2x5, Split10x1, Permuted, Rotated, Qa, QaAsd };
    static constexpr int ClassIdsRole = Qt::UserRole + 1;  ///< QVariantList of int class ids
    /// Fashion-MNIST's, what the model starts with
    static constexpr int kNumClasses = 10;

    struct State
    {
        QString scenario = QStringLiteral("class-incremental");
        std::vector<std::vector<int>> tasks;
        double rotationStep = 30.0;
        double asdPercent = 0.0;            ///< "qa": Answer Style Diversification share
        std::vector<std::string> qaStyles;  ///< "qa": native styles, cycled; empty = default
        bool operator==(const State& o) const
        {
            return scenario == o.scenario && tasks == o.tasks && rotationStep == o.rotationStep &&
                   asdPercent == o.asdPercent && qaStyles == o.qaStyles;
        }
        bool operator!=(const State& o) const { return !(*this == o); }
    };

    explicit TaskTableModel(QObject* parent = nullptr);

    void setUndoStack(QUndoStack* stack) { undoStack_ = stack; }
    /// Class names shown in the table (already translated); index = class id. Their number is
    /// the dataset's class count, which bounds the ids a task may hold.
    void setClassNames(const QStringList& names);
    const QStringList& classNames() const { return classNames_; }
    int numClasses() const { return int(classNames_.size()); }
    /// Translated display names of a dataset's classes.
    static QStringList translatedClassNames(const QString& dataset);
    /// The engine's names of `dataset`'s classes for display: Fashion-MNIST's and the "Class N"
    /// placeholders translated, folder and CIFAR names as they are.
    static QStringList displayNames(const std::vector<std::string>& names, const QString& dataset);
    /// "Class 0" ... "Class n-1", translated (until a dataset's own names are known).
    static QStringList placeholderNames(int n);
    /// The class names a run reports (RunEvent::classNames) as the window shows them:
    /// displayNames, with Fashion-MNIST recognised by its names (a run's events do not carry its
    /// dataset kind).
    static QStringList runClassNames(const std::vector<std::string>& names);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // Undoable edits.
    void addTask();
    bool removeTask(int row);
    bool moveTask(int row, int delta);
    bool setTaskClasses(int row, const std::vector<int>& classes);
    void applyPreset(Preset preset);

    /// Loading a file: replaces everything without an undo entry.
    void resetState(const State& state);
    const State& state() const { return state_; }
    bool isClassIncremental() const;
    /// Writes scenario, tasks / num_tasks and rotation step into `data`.
    void writeTo(clwb::DataConfig& data) const;
    /// The tasks of `data`; no explicit tasks = clwb::resolvedTasks()'s default split (before any
    /// class-order shuffle), which lists the dataset's classes.
    static State stateFrom(const clwb::DataConfig& data);
    /// `state` moved to a dataset with `numClasses` classes: class-incremental tasks become
    /// `defaultTasks`, permuted/rotated tasks all of the new classes.
    static State resized(State state, int numClasses,
                         const std::vector<std::vector<int>>& defaultTasks);

    /// Re-emits headers and cells after a language change (models get no LanguageChange).
    void retranslate();

    /// Used by the undo commands only.
    void applyState(const State& next);

Q_SIGNALS:
    void edited();

private:
    void pushState(const QString& text, State next);
    QString classesText(int row) const;
    std::vector<int> allClasses() const;

    State state_;
    QStringList classNames_;
    QUndoStack* undoStack_ = nullptr;
};
