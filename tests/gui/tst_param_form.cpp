// SPDX-License-Identifier: GPL-3.0-or-later
// ParamForm: editors per ParamSpec type, ranges, tooltips, log stepping, undoable edits.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QUndoStack>
#include <QTranslator>
#include <QtTest>

#include "clwb/strategy_info.h"
#include "panels/experiment_panel.h"
#include "panels/param_form.h"
#include "strategy_strings.h"
#include "translation_manager.h"

class TstParamForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editorsPerType();
    void rangesEnforced();
    void logStepping();
    void editsEmitOldAndNew();
    void everyRegisteredStrategyBuilds();
    void panelUndoesParamEdits();
    void strategyTextsTranslate();
    void everyStrategyTextHasJapanese();
};

namespace {

std::vector<clwb::ParamSpec> sampleSpecs()
{
    using T = clwb::ParamSpec::Type;
    clwb::ParamSpec f{"lambda", "λ", "penalty strength", T::Float, 100.0, 0.0, 1e4, true, {}};
    clwb::ParamSpec i{"rank", "Rank", "LoRA rank", T::Int, 4, 1, 64, false, {}};
    clwb::ParamSpec b{"masked", "Masked CE", "mask old logits", T::Bool, 1, 0, 1, false, {}};
    clwb::ParamSpec c{"mode", "Mode", "which variant", T::Choice, 1, 0, 2, false, {"a", "b", "c"}};
    clwb::ParamSpec lin{"alpha", "α", "mixing", T::Float, 0.5, 0.0, 1.0, false, {}};
    return {f, i, b, c, lin};
}

}  // namespace

void TstParamForm::editorsPerType()
{
    ParamForm form;
    form.setSpecs(sampleSpecs());
    QVERIFY(qobject_cast<LogSpinBox*>(form.editor("lambda")));
    QVERIFY(qobject_cast<QDoubleSpinBox*>(form.editor("alpha")));
    QVERIFY(!qobject_cast<LogSpinBox*>(form.editor("alpha")));
    QVERIFY(qobject_cast<QSpinBox*>(form.editor("rank")));
    QVERIFY(qobject_cast<QCheckBox*>(form.editor("masked")));
    auto* combo = qobject_cast<QComboBox*>(form.editor("mode"));
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3);
    QCOMPARE(form.editor("lambda")->toolTip(), QStringLiteral("penalty strength"));
    const auto values = form.values();
    QCOMPARE(values.at("lambda"), 100.0);
    QCOMPARE(values.at("rank"), 4.0);
    QCOMPARE(values.at("masked"), 1.0);
    QCOMPARE(values.at("mode"), 1.0);
    // Given values win over defaults.
    form.setSpecs(sampleSpecs(), {{"rank", 16}, {"masked", 0}});
    QCOMPARE(form.value("rank"), 16.0);
    QCOMPARE(form.value("masked"), 0.0);
}

void TstParamForm::rangesEnforced()
{
    ParamForm form;
    form.setSpecs(sampleSpecs());
    form.setValue("rank", 1000);
    QCOMPARE(form.value("rank"), 64.0);
    form.setValue("lambda", -5);
    QCOMPARE(form.value("lambda"), 0.0);
    form.setValue("alpha", 2.0);
    QCOMPARE(form.value("alpha"), 1.0);
}

void TstParamForm::logStepping()
{
    QCOMPARE(LogSpinBox::stepped(1.0, 1), 2.0);
    QCOMPARE(LogSpinBox::stepped(2.0, 1), 5.0);
    QCOMPARE(LogSpinBox::stepped(5.0, 1), 10.0);
    QCOMPARE(LogSpinBox::stepped(1e-3, -1), 5e-4);
    QVERIFY(qAbs(LogSpinBox::stepped(1e-3, 3) - 1e-2) < 1e-12);
    ParamForm form;
    form.setSpecs(sampleSpecs());
    auto* box = qobject_cast<LogSpinBox*>(form.editor("lambda"));
    box->stepBy(1);
    QCOMPARE(box->value(), 200.0);
    box->setValue(5000);
    box->stepBy(1);
    QCOMPARE(box->value(), 1e4);  // clamped to the spec's max
}

void TstParamForm::editsEmitOldAndNew()
{
    ParamForm form;
    form.setSpecs(sampleSpecs());
    QSignalSpy spy(&form, &ParamForm::valueEdited);
    form.setValue("rank", 8);  // programmatic: silent
    QCOMPARE(spy.count(), 0);
    qobject_cast<QSpinBox*>(form.editor("rank"))->setValue(9);  // as if typed
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("rank"));
    QCOMPARE(spy.at(0).at(1).toDouble(), 8.0);
    QCOMPARE(spy.at(0).at(2).toDouble(), 9.0);
    qobject_cast<QCheckBox*>(form.editor("masked"))->setChecked(false);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(2).toDouble(), 0.0);
}

void TstParamForm::everyRegisteredStrategyBuilds()
{
    ParamForm form;
    for (const auto& info : clwb::listStrategies()) {
        form.setSpecs(info.params);
        const auto values = form.values();
        QCOMPARE(values.size(), info.params.size());
        for (const auto& spec : info.params) {
            QVERIFY2(form.editor(spec.key), spec.key.c_str());
            QCOMPARE(form.editor(spec.key)->toolTip(), QString::fromStdString(spec.help));
            QVERIFY(values.at(spec.key) >= spec.minValue && values.at(spec.key) <= spec.maxValue);
        }
    }
}

void TstParamForm::panelUndoesParamEdits()
{
    ExperimentPanel panel;
    // Pick a strategy that has a numeric parameter.
    const clwb::StrategyInfo* chosen = nullptr;
    const clwb::ParamSpec* spec = nullptr;
    for (const auto& info : clwb::listStrategies())
        for (const auto& p : info.params)
            if (!spec &&
                (p.type == clwb::ParamSpec::Type::Float || p.type == clwb::ParamSpec::Type::Int) &&
                p.maxValue > p.defaultValue) {
                chosen = &info;
                spec = &p;
            }
    if (!spec) QSKIP("no strategy with a numeric parameter");
    const QString id = QString::fromStdString(chosen->id);
    panel.setCurrentStrategy(id);
    QCOMPARE(panel.currentStrategy(), id);
    const double before = panel.strategyParams(id).at(spec->key);
    const double after = spec->type == clwb::ParamSpec::Type::Int ? before + 1 : spec->maxValue;
    panel.paramForm()->setValue(spec->key, before);
    // Edit through the editor, as a user would.
    QWidget* editor = panel.paramForm()->editor(spec->key);
    if (auto* d = qobject_cast<QDoubleSpinBox*>(editor))
        d->setValue(after);
    else
        qobject_cast<QSpinBox*>(editor)->setValue(int(after));
    QCOMPARE(panel.strategyParams(id).at(spec->key), after);
    QVERIFY(panel.undoStack()->canUndo());
    panel.undoStack()->undo();
    QCOMPARE(panel.strategyParams(id).at(spec->key), before);
    QCOMPARE(panel.paramForm()->value(spec->key), before);
    panel.undoStack()->redo();
    QCOMPARE(panel.paramForm()->value(spec->key), after);
    // The batch carries the edited value.
    panel.setStrategyChecked(id, true);
    bool found = false;
    for (const auto& c : panel.batchConfigs())
        if (c.strategy == chosen->id) {
            QCOMPARE(c.params.at(spec->key), after);
            found = true;
        }
    QVERIFY(found);
}

void TstParamForm::strategyTextsTranslate()
{
    // Unknown texts (a strategy added later) pass through unchanged, in English.
    QCOMPARE(trStrategy("A text no catalogue has"), QStringLiteral("A text no catalogue has"));
    QCOMPARE(trStrategy(""), QString());
    const clwb::StrategyInfo* ewc = clwb::findStrategy("ewc");
    QVERIFY(ewc);
    const clwb::ParamSpec* fisher = nullptr;
    for (const auto& p : ewc->params)
        if (p.key == "fisher_samples") fisher = &p;
    QVERIFY2(fisher, "EWC's fisher_samples parameter is gone: pick another for this test");

    QVERIFY(translation_manager::setLanguage(QStringLiteral("ja")));
    ParamForm form;
    form.setSpecs(ewc->params);
    QWidget* editor = form.editor("fisher_samples");
    QVERIFY(editor);
    QVERIFY(editor->toolTip() != QString::fromStdString(fisher->help));
    QCOMPARE(editor->toolTip(), trStrategy(fisher->help));
    QLabel* label = nullptr;
    for (QLabel* l : form.findChildren<QLabel*>())
        if (l->buddy() == editor) label = l;
    QVERIFY(label);
    QVERIFY(label->text() != QString::fromStdString(fisher->label));
    QVERIFY(trStrategy(ewc->summary) != QString::fromStdString(ewc->summary));
    QVERIFY(translation_manager::setLanguage(QStringLiteral("en")));
    QCOMPARE(trStrategy(fisher->label), QString::fromStdString(fisher->label));
}

/// Every text the engine's catalogue shows (names, summaries, labels, help, choices, importance
/// captions) has a Japanese entry in i18n/clwb_ja.ts: a strategy added without its translations
/// fails here, naming the texts to add.
void TstParamForm::everyStrategyTextHasJapanese()
{
    QTranslator ja;
    QVERIFY(ja.load(QStringLiteral(":/i18n/clwb_ja.qm")));
    QStringList missing;
    for (const auto& text : clwb::strategyTexts())
        if (ja.translate("StrategyStrings", text.c_str()).isEmpty())
            missing << QString::fromStdString(text);
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("no Japanese for %1 strategy text(s) (run the "
                                       "update_translations target, translate in i18n/clwb_ja.ts):\n  %2")
                            .arg(missing.size())
                            .arg(missing.join(QStringLiteral("\n  ")))));
}

QTEST_MAIN(TstParamForm)
#include "tst_param_form.moc"
