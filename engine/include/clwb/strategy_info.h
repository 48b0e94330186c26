// SPDX-License-Identifier: GPL-3.0-or-later
// Strategy catalogue as plain data: the GUI builds its parameter forms from these specs.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace clwb {

/// One tunable parameter of a strategy, declared as data (no widgets, no callbacks).
struct ParamSpec
{
    enum class Type { Float, Int, Bool, Choice };
    std::string key;    ///< JSON key under "params", e.g. "lambda"
    std::string label;  ///< short human label, e.g. "EWC λ"
    std::string help;   ///< tooltip text: what it does and the paper's default
    Type type = Type::Float;
    double defaultValue = 0.0;
    double minValue = 0.0;
    double maxValue = 1.0;
    bool logScale = false;             ///< spin boxes step multiplicatively
    std::vector<std::string> choices;  ///< for Type::Choice; the value is the index
};

/// Parameter values keyed by ParamSpec::key. Bools are 0/1, choices are indices.
using ParamValues = std::map<std::string, double>;

/// What the scores of an importance snapshot of this kind mean: the heatmap's caption.
struct ImportanceKind
{
    std::string kind;     ///< ImportanceSnapshot::kind, e.g. "fisher"
    std::string caption;  ///< English, e.g. "Fisher information" (translated like other texts)
};

struct StrategyInfo
{
    std::string id;           ///< "ewc", "seq-lora", ...
    std::string displayName;  ///< "EWC"
    std::string summary;      ///< one sentence for the picker
    std::string reference;    ///< paper + arXiv id, empty for plain baselines
    std::vector<ParamSpec> params;
    /// Runs on question-answering sequences (data.scenario "qa"): trains through the default
    /// loss and answers through the model's own head.
    bool questionAnswering = false;
    /// The importance kinds the strategy reports (the trainer's default, "weight-change", needs
    /// no entry).
    std::vector<ImportanceKind> importance;
    /// Names of the strategy's own phases shown with the progress (RunEvent::phase), e.g. "MIST
    /// pre-adaptation"; translated like the other texts.
    std::vector<std::string> phases;
};

/// Every registered strategy, in the registry's order.
const std::vector<StrategyInfo>& listStrategies();

/// nullptr when `id` is unknown.
const StrategyInfo* findStrategy(const std::string& id);

/// The caption of an importance kind: from the strategy that reports it, the trainer's default
/// ("weight-change"), or the kind itself when nobody declares it.
std::string importanceCaption(const std::string& kind);

/// Every text of the catalogue a front end shows (names, summaries, parameter labels, help,
/// choices, importance captions), in registry order without repeats: what translations cover.
std::vector<std::string> strategyTexts();

/// Defaults for every declared parameter, overridden by `given`.
ParamValues resolveParams(const StrategyInfo& info, const ParamValues& given);

}  // namespace clwb
