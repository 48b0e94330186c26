// SPDX-License-Identifier: GPL-3.0-or-later
// The explicit strategy registry: one line per strategy. (No self-registering statics: a static
// library's linker would drop them.)
#include "strategies/strategy.h"

#include <algorithm>

namespace clwb::detail {

// One line per strategy: X(name, Name) stands for `StrategyInfo nameInfo()` and
// `std::unique_ptr<Strategy> makeName()`, defined in the strategy's own file. Its parameters,
// texts and importance captions are data in that StrategyInfo: nothing else needs an edit.
#define CLWB_STRATEGIES(X)        \
    X(finetune, Finetune)         \
    X(freeze, Freeze)             \
    X(simpleCil, SimpleCil)       \
    X(seqLora, SeqLora)           \
    X(ewc, Ewc)                   \
    X(joint, Joint)               \
    X(oLora, OLora)               \
    X(loracIpc, LoracIpc)         \
    X(sefe, Sefe)                 \
    X(hide, Hide)                 \
    X(recurrentKif, RecurrentKif) \
    X(mist, Mist)

#define CLWB_DECLARE(name, Name) \
    StrategyInfo name##Info();   \
    std::unique_ptr<Strategy> make##Name();
CLWB_STRATEGIES(CLWB_DECLARE)
#undef CLWB_DECLARE

const std::vector<StrategyEntry>& strategyRegistry()
{
#define CLWB_ENTRY(name, Name) {&name##Info, &make##Name},
    static const std::vector<StrategyEntry> registry = {CLWB_STRATEGIES(CLWB_ENTRY)};
#undef CLWB_ENTRY
    return registry;
}

std::unique_ptr<Strategy> makeStrategy(const std::string& id)
{
    for (const auto& e : strategyRegistry())
        if (e.info().id == id) return e.make();
    throw std::invalid_argument("unknown strategy '" + id + "'");
}

}  // namespace clwb::detail

namespace clwb {

const std::vector<StrategyInfo>& listStrategies()
{
    static const std::vector<StrategyInfo> infos = [] {
        std::vector<StrategyInfo> out;
        for (const auto& e : detail::strategyRegistry()) out.push_back(e.info());
        return out;
    }();
    return infos;
}

std::string importanceCaption(const std::string& kind)
{
    if (kind == "weight-change") return "relative weight change since the start";
    if (kind == "lora-norm") return "LoRA update norm";  // runs stored before 0.1
    for (const auto& s : listStrategies())
        for (const auto& k : s.importance)
            if (k.kind == kind) return k.caption;
    return kind;
}

std::vector<std::string> strategyTexts()
{
    std::vector<std::string> out;
    auto add = [&out](const std::string& t) {
        if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    };
    add(importanceCaption("weight-change"));
    add(importanceCaption("lora-norm"));
    for (const auto& s : listStrategies()) {
        add(s.displayName);
        add(s.summary);
        for (const auto& p : s.params) {
            add(p.label);
            add(p.help);
            for (const auto& c : p.choices) add(c);
        }
        for (const auto& k : s.importance) add(k.caption);
        for (const auto& p : s.phases) add(p);
    }
    return out;
}

const StrategyInfo* findStrategy(const std::string& id)
{
    for (const auto& s : listStrategies())
        if (s.id == id) return &s;
    return nullptr;
}

ParamValues resolveParams(const StrategyInfo& info, const ParamValues& given)
{
    ParamValues out;
    for (const auto& p : info.params) out[p.key] = p.defaultValue;
    for (const auto& [k, v] : given) out[k] = v;
    return out;
}

}  // namespace clwb
