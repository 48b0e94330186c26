// SPDX-License-Identifier: GPL-3.0-or-later
// Build-time generator: writes the engine's strategy texts (clwb::strategyTexts) as a C++ list of
// QT_TRANSLATE_NOOP("StrategyStrings", ...) entries, so lupdate puts every registered strategy's
// texts into the Linguist files without anyone copying them by hand.
#include <fstream>
#include <iostream>
#include <sstream>

#include "clwb/strategy_info.h"

namespace {

std::string cLiteral(const std::string& s)
{
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: clwb-strategy-texts OUTPUT.cpp\n";
        return 2;
    }
    std::ostringstream out;
    out << "// Generated at build time by clwb-strategy-texts from the engine's strategy "
           "catalogue\n"
           "// (names, summaries, parameter labels, help, choices, importance captions). Do not "
           "edit.\n#include <QtGlobal>\n\n#include <vector>\n\n"
           "const std::vector<const char*>& strategyStringCatalogue()\n{\n"
           "    static const std::vector<const char*> catalogue = {\n";
    for (const auto& text : clwb::strategyTexts())
        out << "        QT_TRANSLATE_NOOP(\"StrategyStrings\", " << cLiteral(text) << "),\n";
    out << "    };\n    return catalogue;\n}\n";
    // Rewrite only on change, so the GUI does not rebuild when nothing moved.
    std::ifstream old(argv[1], std::ios::binary);
    std::stringstream current;
    current << old.rdbuf();
    if (old && current.str() == out.str()) return 0;
    std::ofstream file(argv[1], std::ios::binary | std::ios::trunc);
    file << out.str();
    return file ? 0 : 1;
}
