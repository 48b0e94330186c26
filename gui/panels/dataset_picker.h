// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset part of the designer: kind, path (with a browser), test share, and a status line
// from clwb::inspectDataset, which runs off the GUI thread.
#pragma once

#include <QHash>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "clwb/datasets.h"
#include "clwb/run_config.h"

class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

class DatasetPicker : public QWidget
{
    Q_OBJECT

public:
    explicit DatasetPicker(QWidget* parent = nullptr);

    /// Shows `data` (kind, path, test share; num_tasks for the default split) without emitting
    /// edited(), and inspects it.
    void setData(const clwb::DataConfig& data);
    /// Writes dataset, path and test_fraction into `data`.
    void writeTo(clwb::DataConfig& data) const;

    QString kind() const;
    QString path() const;
    // Programmatic edits that behave like the user's (they emit edited()).
    void setKind(const QString& kind);
    void setPath(const QString& path);
    void setTestFraction(double fraction);
    /// Tasks of the default split (inspection result; used when the class count changes).
    void setNumTasks(int numTasks) { data_.numTasks = numTasks; }

    /// The last inspection of the current selection (valid once inspected() was emitted).
    const clwb::DatasetInfo& info() const { return info_; }
    /// clwb::resolvedTasks() of the selection with no explicit tasks: num_tasks equal groups.
    const std::vector<std::vector<int>>& defaultTasks() const { return defaultTasks_; }
    /// An inspection is scheduled or running (its result would replace info()).
    bool isInspecting() const;
    /// The inspected class names for display (Fashion-MNIST's and placeholders translated).
    QStringList displayClassNames() const;

    /// A widget for the right end of the first row (the designer's presets button).
    void setCornerWidget(QWidget* widget);

    /// Asks where a benchmark's data lies, showing what must be there. Empty = cancelled.
    static QString askPresetPath(QWidget* parent, const clwb::BenchmarkPreset& preset);
    /// A benchmark preset's label, translated.
    static QString presetLabel(const clwb::BenchmarkPreset& preset);

Q_SIGNALS:
    /// The user changed the kind, the path or the test share.
    void edited();
    /// info() and defaultTasks() now describe the current selection.
    void inspected();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void kindChanged();
    void updateFields();
    void browse();
    void inspectSoon(int delayMs);
    void inspectNow();
    void showStatus();

    clwb::DataConfig data_;
    clwb::DatasetInfo info_;
    std::vector<std::vector<int>> defaultTasks_;
    QHash<QString, QString> pathPerKind_;
    bool loading_ = false;
    bool inspectedOnce_ = false;
    int generation_ = 0;  // of the latest inspection started
    int applied_ = 0;     // of the inspection info() comes from

    QGridLayout* grid_;
    QLabel* kindLabel_;
    QComboBox* kind_;
    QLabel* pathLabel_;
    QLineEdit* path_;
    QPushButton* browse_;
    QLabel* fractionLabel_;
    QDoubleSpinBox* fraction_;
    QLabel* status_;
    QTimer* debounce_;
};
