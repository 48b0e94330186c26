// SPDX-License-Identifier: GPL-3.0-or-later
#include "clwb/run_export.h"

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "c_number.h"
#include "clwb/metrics.h"

namespace clwb {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// "%.6g" with a '.' decimal point whatever LC_NUMERIC says (QString::number(v, 'g', 6) in the
/// GUI); empty for NaN.
std::string number(double v)
{
    return detail::cNumber("%.6g", v);
}

}  // namespace

MatrixRows matrixRows(const std::vector<MatrixCell>& cells)
{
    int width = 0, last = -1;
    for (const auto& c : cells) {
        width = std::max(width, c.evalTask + 1);
        last = std::max(last, c.afterTask);
    }
    MatrixRows m;
    if (cells.empty()) return m;
    m.initial.assign(size_t(width), kNaN);
    m.rows.assign(size_t(last + 1), std::vector<double>(size_t(width), kNaN));
    for (const auto& c : cells) {
        if (c.evalTask < 0 || c.afterTask < -1) continue;
        auto& row = c.afterTask < 0 ? m.initial : m.rows[size_t(c.afterTask)];
        row[size_t(c.evalTask)] = c.accuracy;
    }
    // A run stopped before its first row was measured has no "init" values at all.
    if (std::all_of(m.initial.begin(), m.initial.end(), [](double v) { return std::isnan(v); }))
        m.initial.clear();
    return m;
}

std::vector<std::pair<std::string, double>> exportedMetrics(const RunRecord& run)
{
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [key, unused] : metricsAsList(Metrics{})) {
        const auto it = run.metrics.find(key);
        out.emplace_back(key, it == run.metrics.end() ? kNaN : it->second);
    }
    return out;
}

std::string matrixCsv(const MatrixRows& matrix,
                      const std::vector<std::pair<std::string, double>>& metrics)
{
    const auto& initial = matrix.initial;
    const auto& rows = matrix.rows;
    const size_t T = std::max(initial.size(), rows.empty() ? size_t(0) : rows.front().size());
    std::string out = "row";
    for (size_t j = 0; j < T; ++j) out += ",task" + std::to_string(j + 1);
    out += "\n";
    auto writeRow = [&](const std::string& name, const std::vector<double>& row) {
        out += name;
        for (size_t j = 0; j < T; ++j)
            out += "," + (j < row.size() ? number(row[j]) : std::string());
        out += "\n";
    };
    if (!initial.empty()) writeRow("init", initial);
    for (size_t i = 0; i < rows.size(); ++i)
        writeRow("after_task" + std::to_string(i + 1), rows[i]);
    out += "\nmetric,value\n";
    for (const auto& [key, v] : metrics) out += key + "," + number(v) + "\n";
    return out;
}

}  // namespace clwb
