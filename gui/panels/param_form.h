// SPDX-License-Identifier: GPL-3.0-or-later
// A form generated from a strategy's ParamSpec list: one typed editor per parameter.
#pragma once

#include <QDoubleSpinBox>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "clwb/strategy_info.h"

class QFormLayout;

/// Double spin box that steps multiplicatively along 1-2-5 decades (for logScale params).
class LogSpinBox : public QDoubleSpinBox
{
    Q_OBJECT

public:
    using QDoubleSpinBox::QDoubleSpinBox;
    void stepBy(int steps) override;
    /// The value `steps` 1-2-5 steps away from `value` (exposed for tests).
    static double stepped(double value, int steps);
};

/// QDoubleSpinBox / LogSpinBox / QSpinBox / QCheckBox / QComboBox per ParamSpec type; the
/// spec's help is the tooltip and its range is enforced by the editor. Bools are 0/1 and choices
/// are indices, as in clwb::ParamValues.
class ParamForm : public QWidget
{
    Q_OBJECT

public:
    explicit ParamForm(QWidget* parent = nullptr);

    /// Rebuilds the editors for `specs`, showing `values` (missing keys take their defaults).
    void setSpecs(const std::vector<clwb::ParamSpec>& specs, const clwb::ParamValues& values = {});
    const std::vector<clwb::ParamSpec>& specs() const { return specs_; }
    clwb::ParamValues values() const;
    /// Sets one value without emitting valueEdited (undo/redo, loading).
    void setValue(const std::string& key, double value);
    double value(const std::string& key) const;
    QWidget* editor(const std::string& key) const;

Q_SIGNALS:
    /// The user changed a value (not emitted by setSpecs/setValue).
    void valueEdited(const QString& key, double oldValue, double newValue);

private:
    QWidget* makeEditor(const clwb::ParamSpec& spec);
    void editorChanged(const std::string& key);

    QFormLayout* layout_;
    std::vector<clwb::ParamSpec> specs_;
    std::map<std::string, QWidget*> editors_;
    clwb::ParamValues current_;  // last known values, so valueEdited can report the old one
    bool updating_ = false;
};
