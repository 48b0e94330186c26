// SPDX-License-Identifier: GPL-3.0-or-later
// Translation of the engine's English strategy texts (names, summaries, parameter labels/help).
#include "strategy_strings.h"

#include <QCoreApplication>

#include "clwb/strategy_info.h"

// strategyStringCatalogue() is generated at build time from the engine's catalogue
// (engine/tools/strategy_texts.cpp -> build/gui/strategy_texts.cpp), which lupdate reads.

QString trStrategy(const std::string& englishText)
{
    if (englishText.empty()) return {};
    return QCoreApplication::translate("StrategyStrings", englishText.c_str());
}

QString trStrategyName(const std::string& id)
{
    const clwb::StrategyInfo* info = clwb::findStrategy(id);
    return info ? trStrategy(info->displayName) : QString::fromStdString(id);
}
