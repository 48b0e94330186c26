// SPDX-License-Identifier: GPL-3.0-or-later
// Translation of the engine's English strategy texts (names, summaries, parameter labels/help).
#pragma once

#include <QString>

#include <string>
#include <vector>

/// The engine's StrategyInfo / ParamSpec texts are plain English data. This looks `englishText`
/// up in the "StrategyStrings" translation context; a text missing from the catalogue (e.g. a
/// strategy added later) comes back unchanged, in English.
QString trStrategy(const std::string& englishText);

/// The translated display name of strategy `id` (the id itself when unknown).
QString trStrategyName(const std::string& id);

/// Every text of the current strategies, as marked for lupdate: generated at build time from
/// clwb::strategyTexts() (gui/CMakeLists.txt).
const std::vector<const char*>& strategyStringCatalogue();
