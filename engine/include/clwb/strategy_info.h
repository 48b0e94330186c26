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
};

/// Every registered strategy, in the registry's order.
const std::vector<StrategyInfo>& listStrategies();

/// nullptr when `id` is unknown.
const StrategyInfo* findStrategy(const std::string& id);

/// Defaults for every declared parameter, overridden by `given`.
ParamValues resolveParams(const StrategyInfo& info, const ParamValues& given);

}  // namespace clwb
