// SPDX-License-Identifier: GPL-3.0-or-later
// Numbers written for machines (CSV, Markdown, LaTeX, JSON-like text): printf with a '.' decimal
// point whatever LC_NUMERIC says, so a German locale does not write "0,5" into a CSV.
#pragma once

#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

namespace clwb::detail {

/// snprintf(format, v) with '.' as the decimal point; empty for NaN.
inline std::string cNumber(const char* format, double v)
{
    if (std::isnan(v)) return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    std::string s = buf;
    const char* point = std::localeconv()->decimal_point;
    if (point && *point && std::string(point) != ".")
        if (const auto at = s.find(point); at != std::string::npos)
            s.replace(at, std::strlen(point), ".");
    return s;
}

}  // namespace clwb::detail
