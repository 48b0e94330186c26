// SPDX-License-Identifier: GPL-3.0-or-later
// The explicit strategy registry: one line per strategy. (No self-registering statics: a static
// library's linker would drop them.)
#include "strategies/strategy.h"

namespace clwb::detail {

StrategyInfo finetuneInfo();
std::unique_ptr<Strategy> makeFinetune();
StrategyInfo freezeInfo();
std::unique_ptr<Strategy> makeFreeze();
StrategyInfo simpleCilInfo();
std::unique_ptr<Strategy> makeSimpleCil();
StrategyInfo seqLoraInfo();
std::unique_ptr<Strategy> makeSeqLora();
StrategyInfo ewcInfo();
std::unique_ptr<Strategy> makeEwc();
StrategyInfo jointInfo();
std::unique_ptr<Strategy> makeJoint();
StrategyInfo oLoraInfo();
std::unique_ptr<Strategy> makeOLora();
StrategyInfo loracIpcInfo();
std::unique_ptr<Strategy> makeLoracIpc();
StrategyInfo sefeInfo();
std::unique_ptr<Strategy> makeSefe();
StrategyInfo hideInfo();
std::unique_ptr<Strategy> makeHide();
StrategyInfo recurrentKifInfo();
std::unique_ptr<Strategy> makeRecurrentKif();
StrategyInfo mistInfo();
std::unique_ptr<Strategy> makeMist();

const std::vector<StrategyEntry>& strategyRegistry()
{
    static const std::vector<StrategyEntry> registry = {
        {&finetuneInfo, &makeFinetune},
        {&freezeInfo, &makeFreeze},
        {&simpleCilInfo, &makeSimpleCil},
        {&seqLoraInfo, &makeSeqLora},
        {&ewcInfo, &makeEwc},
        {&jointInfo, &makeJoint},
        {&oLoraInfo, &makeOLora},
        {&loracIpcInfo, &makeLoracIpc},
        {&sefeInfo, &makeSefe},
        {&hideInfo, &makeHide},
        {&recurrentKifInfo, &makeRecurrentKif},
        {&mistInfo, &makeMist},
    };
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
