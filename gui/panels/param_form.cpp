// SPDX-License-Identifier: GPL-3.0-or-later
// A form generated from a strategy's ParamSpec list: one typed editor per parameter.
#include "panels/param_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

#include <cmath>

#include "strategy_strings.h"

namespace {

int decimalsFor(const clwb::ParamSpec& spec)
{
    // Enough digits to show the smallest positive bound and the default.
    int digits = 2;
    for (double v : {spec.minValue, spec.defaultValue}) {
        if (v > 0 && v < 1) digits = std::max(digits, int(std::ceil(-std::log10(v))) + 2);
    }
    return std::min(digits, 8);
}

}  // namespace

double LogSpinBox::stepped(double value, int steps)
{
    if (value <= 0) return steps > 0 ? 1e-6 : 0.0;
    // Position on the 1-2-5 ladder: decade * {1,2,5}.
    const double decade = std::floor(std::log10(value) + 1e-9);
    const double mant = value / std::pow(10.0, decade);
    int idx = mant < 1.5 ? 0 : mant < 3.5 ? 1 : 2;
    long pos = long(decade) * 3 + idx + steps;
    const long d = pos >= 0 ? pos / 3 : -((-pos + 2) / 3);
    const int m = int(pos - d * 3);
    static const double kMant[] = {1.0, 2.0, 5.0};
    return kMant[m] * std::pow(10.0, double(d));
}

void LogSpinBox::stepBy(int steps)
{
    setValue(stepped(value(), steps));  // setValue clamps to the range
}

ParamForm::ParamForm(QWidget* parent) : QWidget(parent), layout_(new QFormLayout(this))
{
    layout_->setContentsMargins(0, 0, 0, 0);
    layout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void ParamForm::setSpecs(const std::vector<clwb::ParamSpec>& specs, const clwb::ParamValues& values)
{
    updating_ = true;
    while (layout_->rowCount() > 0) layout_->removeRow(0);
    editors_.clear();
    current_.clear();
    specs_ = specs;
    for (const auto& spec : specs_) {
        QWidget* editor = makeEditor(spec);
        editor->setToolTip(trStrategy(spec.help));
        editor->setObjectName(QString::fromStdString(spec.key));
        auto* label = new QLabel(trStrategy(spec.label), this);
        label->setToolTip(editor->toolTip());
        label->setBuddy(editor);
        layout_->addRow(label, editor);
        editors_[spec.key] = editor;
        const auto it = values.find(spec.key);
        setValue(spec.key, it != values.end() ? it->second : spec.defaultValue);
    }
    if (specs_.empty()) {
        auto* none = new QLabel(tr("This strategy has no parameters."), this);
        none->setEnabled(false);
        layout_->addRow(none);
    }
    updating_ = false;
}

QWidget* ParamForm::makeEditor(const clwb::ParamSpec& spec)
{
    const std::string key = spec.key;
    switch (spec.type) {
        case clwb::ParamSpec::Type::Float: {
            QDoubleSpinBox* box = spec.logScale ? new LogSpinBox(this) : new QDoubleSpinBox(this);
            box->setDecimals(decimalsFor(spec));
            box->setRange(spec.minValue, spec.maxValue);
            if (!spec.logScale) box->setSingleStep((spec.maxValue - spec.minValue) / 100.0);
            box->setAccelerated(true);
            connect(box, &QDoubleSpinBox::valueChanged, this, [this, key] { editorChanged(key); });
            return box;
        }
        case clwb::ParamSpec::Type::Int: {
            auto* box = new QSpinBox(this);
            box->setRange(int(spec.minValue), int(spec.maxValue));
            box->setAccelerated(true);
            connect(box, &QSpinBox::valueChanged, this, [this, key] { editorChanged(key); });
            return box;
        }
        case clwb::ParamSpec::Type::Bool: {
            auto* box = new QCheckBox(this);
            connect(box, &QCheckBox::toggled, this, [this, key] { editorChanged(key); });
            return box;
        }
        case clwb::ParamSpec::Type::Choice: {
            auto* box = new QComboBox(this);
            for (const auto& c : spec.choices) box->addItem(trStrategy(c));
            connect(box, &QComboBox::currentIndexChanged, this,
                    [this, key] { editorChanged(key); });
            return box;
        }
    }
    return new QWidget(this);
}

QWidget* ParamForm::editor(const std::string& key) const
{
    const auto it = editors_.find(key);
    return it == editors_.end() ? nullptr : it->second;
}

double ParamForm::value(const std::string& key) const
{
    QWidget* w = editor(key);
    if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) return d->value();
    if (auto* i = qobject_cast<QSpinBox*>(w)) return i->value();
    if (auto* c = qobject_cast<QCheckBox*>(w)) return c->isChecked() ? 1.0 : 0.0;
    if (auto* c = qobject_cast<QComboBox*>(w)) return c->currentIndex();
    return 0.0;
}

clwb::ParamValues ParamForm::values() const
{
    clwb::ParamValues out;
    for (const auto& spec : specs_) out[spec.key] = value(spec.key);
    return out;
}

void ParamForm::setValue(const std::string& key, double v)
{
    QWidget* w = editor(key);
    if (!w) return;
    const bool wasUpdating = updating_;
    updating_ = true;
    if (auto* d = qobject_cast<QDoubleSpinBox*>(w))
        d->setValue(v);
    else if (auto* i = qobject_cast<QSpinBox*>(w))
        i->setValue(int(std::lround(v)));
    else if (auto* c = qobject_cast<QCheckBox*>(w))
        c->setChecked(v != 0.0);
    else if (auto* c = qobject_cast<QComboBox*>(w))
        c->setCurrentIndex(int(std::lround(v)));
    current_[key] = value(key);  // after clamping
    updating_ = wasUpdating;
}

void ParamForm::editorChanged(const std::string& key)
{
    if (updating_) return;
    const double oldValue = current_[key];
    const double newValue = value(key);
    current_[key] = newValue;
    if (oldValue != newValue) Q_EMIT valueEdited(QString::fromStdString(key), oldValue, newValue);
}
