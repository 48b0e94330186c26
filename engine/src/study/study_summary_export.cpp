// SPDX-License-Identifier: GPL-3.0-or-later
// A StudySummary as CSV, Markdown, LaTeX (booktabs) and JSON. Numbers never depend on the locale.
#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "c_number.h"
#include "clwb/study_summary.h"

namespace clwb {
namespace {

using Json = nlohmann::ordered_json;

/// printf with a '.' decimal point whatever LC_NUMERIC says; empty for NaN.
std::string fmt(const char* format, double v)
{
    return detail::cNumber(format, v);
}

/// Metrics in accuracy units, shown in points.
const std::set<std::string> kAccuracyUnits = {"final_average_accuracy",
                                              "average_incremental_accuracy",
                                              "bwt",
                                              "fwt",
                                              "forgetting",
                                              "forgetting_first",
                                              "plasticity",
                                              "strict_drop",
                                              "essential_forgetting",
                                              "superficial_forgetting"};
const std::set<std::string> kHigherBetter = {
    "final_average_accuracy", "average_incremental_accuracy", "bwt", "fwt", "plasticity"};
const std::set<std::string> kLowerBetter = {"forgetting", "forgetting_first", "strict_drop",
                                            "essential_forgetting", "superficial_forgetting"};

std::string header(const std::string& key)
{
    static const std::map<std::string, std::string> names = {
        {"final_average_accuracy", "A_T"},
        {"average_incremental_accuracy", "Ā"},
        {"bwt", "BWT"},
        {"fwt", "FWT"},
        {"forgetting", "Forgetting"},
        {"forgetting_first", "Forgetting (first)"},
        {"plasticity", "Plasticity"},
        {"trainable_params", "Trainable"},
        {"stored_params", "Stored"},
        {"wall_seconds", "Wall s"}};
    const auto it = names.find(key);
    return it == names.end() ? key : it->second;
}

/// The table's columns: every metric but the per-task ones ("essential_forgetting/task0").
std::vector<std::string> tableKeys(const StudySummary& s)
{
    std::vector<std::string> keys;
    for (const auto& k : s.metricKeys)
        if (k.find('/') == std::string::npos) keys.push_back(k);
    return keys;
}

std::string cellText(const std::string& key, const MeanStd& m)
{
    if (m.n == 0) return "–";
    if (kAccuracyUnits.count(key))
        return fmt("%.1f", 100 * m.mean) + " ± " + fmt("%.1f", 100 * m.std);
    if (key == "trainable_params" || key == "stored_params") return fmt("%.0f", m.mean);
    return fmt("%.4g", m.mean) + " ± " + fmt("%.2g", m.std);
}

/// Groups whose mean is the column's best (none for metrics without a direction).
std::set<std::size_t> bestInColumn(const StudySummary& s, const std::string& key)
{
    std::set<std::size_t> out;
    const bool higher = kHigherBetter.count(key) > 0;
    if (!higher && !kLowerBetter.count(key)) return out;
    double best = std::nan("");
    for (const auto& g : s.groups) {
        const auto& m = g.metrics.at(key);
        if (m.n == 0) continue;
        if (std::isnan(best) || (higher ? m.mean > best : m.mean < best)) best = m.mean;
    }
    for (std::size_t i = 0; i < s.groups.size(); ++i) {
        const auto& m = s.groups[i].metrics.at(key);
        if (m.n > 0 && m.mean == best) out.insert(i);
    }
    return out;
}

/// "ewc (train.lr=0.001, params.lambda=100)": the group as tables show it.
std::string displayName(const GroupSummary& g)
{
    if (g.point.empty()) return g.label;
    std::string out = g.label + " (";
    for (std::size_t i = 0; i < g.point.size(); ++i)
        out += (i ? ", " : "") + g.point[i].first + "=" + g.point[i].second;
    return out + ")";
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string axisValue(const GroupSummary& g, const std::string& axis)
{
    for (const auto& [k, v] : g.point)
        if (k == axis) return v;
    return {};
}

std::string latexEscape(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
            case '%':
            case '$':
            case '#':
            case '_':
            case '{':
            case '}':
                out += '\\';
                out += c;
                break;
            case '~':
                out += "\\textasciitilde{}";
                break;
            case '^':
                out += "\\textasciicircum{}";
                break;
            case '\\':
                out += "\\textbackslash{}";
                break;
            case '|':
                out += "\\textbar{}";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Json meanStdJson(const MeanStd& m)
{
    auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
    return Json{{"mean", num(m.mean)}, {"std", num(m.std)}, {"n", m.n}};
}

std::string perTaskRow(const std::vector<MeanStd>& values, std::size_t tasks)
{
    std::string row;
    for (std::size_t t = 0; t < tasks; ++t)
        row +=
            " " + (t < values.size() ? cellText("final_average_accuracy", values[t]) : "–") + " |";
    return row;
}

}  // namespace

std::string studySummaryCsv(const StudySummary& s)
{
    std::string out = "group,label";
    for (const auto& a : s.axes) out += "," + csvField(a.axis);
    out += ",n,seeds";
    for (const auto& k : s.metricKeys)
        out += "," + csvField(k + "_mean") + "," + csvField(k + "_std");
    out += "\n";
    for (const auto& g : s.groups) {
        out += csvField(g.key) + "," + csvField(g.label);
        for (const auto& a : s.axes) out += "," + csvField(axisValue(g, a.axis));
        std::string seeds;
        for (auto seed : g.seeds) seeds += (seeds.empty() ? "" : " ") + std::to_string(seed);
        out += "," + std::to_string(g.runIds.size()) + "," + seeds;
        for (const auto& k : s.metricKeys) {
            const auto& m = g.metrics.at(k);
            out += "," + fmt("%.6g", m.mean) + "," + fmt("%.6g", m.std);
        }
        out += "\n";
    }
    out +=
        "\ngroup,after_task,average_accuracy_mean,average_accuracy_std,forgetting_mean,"
        "forgetting_std\n";
    for (const auto& g : s.groups)
        for (std::size_t t = 0; t < g.averageAccuracy.size(); ++t)
            out += csvField(g.key) + "," + std::to_string(t + 1) + "," +
                   fmt("%.6g", g.averageAccuracy[t].mean) + "," +
                   fmt("%.6g", g.averageAccuracy[t].std) + "," + fmt("%.6g", g.forgetting[t].mean) +
                   "," + fmt("%.6g", g.forgetting[t].std) + "\n";
    return out;
}

std::string studySummaryMarkdown(const StudySummary& s)
{
    std::string out = "# Study" + (s.name.empty() ? std::string() : ": " + s.name) + "\n\n";
    const auto keys = tableKeys(s);
    out +=
        "Mean ± std over seeds; accuracy metrics in points (%). Best of each column in bold.\n\n";
    out += "| Configuration | Seeds |";
    for (const auto& k : keys) out += " " + header(k) + " |";
    out += "\n|---|---|";
    for (std::size_t i = 0; i < keys.size(); ++i) out += "---|";
    out += "\n";
    std::vector<std::set<std::size_t>> best;
    for (const auto& k : keys) best.push_back(bestInColumn(s, k));
    for (std::size_t i = 0; i < s.groups.size(); ++i) {
        const auto& g = s.groups[i];
        out += "| " + displayName(g) + " | " + std::to_string(g.runIds.size()) + " |";
        for (std::size_t c = 0; c < keys.size(); ++c) {
            const std::string text = cellText(keys[c], g.metrics.at(keys[c]));
            out += " " + (best[c].count(i) ? "**" + text + "**" : text) + " |";
        }
        out += "\n";
    }
    if (s.best >= 0)
        out += "\nBest configuration (A_T, ties by forgetting): **" +
               displayName(s.groups[size_t(s.best)]) + "**\n";
    std::size_t tasks = 0;
    for (const auto& g : s.groups) tasks = std::max(tasks, g.averageAccuracy.size());
    for (const auto& [title, which] :
         {std::make_pair("A_t, the average accuracy over the tasks seen after task t", 0),
          std::make_pair("Forgetting after task t (Chaudhry)", 1)}) {
        out += std::string("\n## ") + title + "\n\n| Configuration |";
        for (std::size_t t = 0; t < tasks; ++t) out += " t=" + std::to_string(t + 1) + " |";
        out += "\n|---|";
        for (std::size_t t = 0; t < tasks; ++t) out += "---|";
        out += "\n";
        for (const auto& g : s.groups)
            out += "| " + displayName(g) + " |" +
                   perTaskRow(which == 0 ? g.averageAccuracy : g.forgetting, tasks) + "\n";
    }
    for (const auto& a : s.axes) {
        out += "\n## A_T by " + a.axis + "\n\n| Setting |";
        for (const auto& v : a.values) out += " " + v + " |";
        out += "\n|---|";
        for (std::size_t i = 0; i < a.values.size(); ++i) out += "---|";
        out += "\n";
        for (std::size_t r = 0; r < a.rows.size(); ++r) {
            out += "| " + a.rows[r] + " |";
            for (const auto& c : a.cells[r])
                out += " " + cellText("final_average_accuracy", c) + " |";
            out += "\n";
        }
    }
    out += "\n## Accuracy matrices, mean ± std over seeds\n";
    for (const auto& g : s.groups) {
        out += "\n<details><summary>" + displayName(g) + "</summary>\n\n| after |";
        const std::size_t width = g.matrix.empty() ? 0 : g.matrix[0].size();
        for (std::size_t j = 0; j < width; ++j) out += " T" + std::to_string(j + 1) + " |";
        out += "\n|---|";
        for (std::size_t j = 0; j < width; ++j) out += "---|";
        out += "\n";
        for (std::size_t i = 0; i < g.matrix.size(); ++i)
            out += "| T" + std::to_string(i + 1) + " |" + perTaskRow(g.matrix[i], width) + "\n";
        out += "\n</details>\n";
    }
    if (!s.unfinished.empty()) {
        out += "\nLeft out (not finished): runs";
        for (auto id : s.unfinished) out += " " + std::to_string(id);
        out += "\n";
    }
    return out;
}

std::string studySummaryLatex(const StudySummary& s)
{
    std::vector<std::string> keys;
    for (const auto& [k, v] : metricsAsList(Metrics{}))
        if (std::find(s.metricKeys.begin(), s.metricKeys.end(), k) != s.metricKeys.end())
            keys.push_back(k);
    static const std::map<std::string, std::string> names = {
        {"final_average_accuracy", "$A_T$"},
        {"average_incremental_accuracy", "$\\bar{A}$"},
        {"bwt", "BWT"},
        {"fwt", "FWT"},
        {"forgetting", "Forgetting"},
        {"forgetting_first", "$F_{\\mathrm{first}}$"},
        {"plasticity", "Plasticity"}};
    std::string out = "% clwb-run study-report --latex; needs \\usepackage{booktabs}\n";
    out += "\\begin{tabular}{l" + std::string(keys.size(), 'r') + "}\n\\toprule\nConfiguration";
    for (const auto& k : keys) out += " & " + names.at(k);
    out += " \\\\\n\\midrule\n";
    std::vector<std::set<std::size_t>> best;
    for (const auto& k : keys) best.push_back(bestInColumn(s, k));
    for (std::size_t i = 0; i < s.groups.size(); ++i) {
        const auto& g = s.groups[i];
        out += latexEscape(displayName(g));
        for (std::size_t c = 0; c < keys.size(); ++c) {
            const auto& m = g.metrics.at(keys[c]);
            if (m.n == 0) {
                out += " & --";
                continue;
            }
            const std::string mean = fmt("%.1f", 100 * m.mean);
            const std::string text = (best[c].count(i) ? "\\textbf{" + mean + "}" : mean) +
                                     " $\\pm$ " + fmt("%.1f", 100 * m.std);
            out += " & " + text;
        }
        out += " \\\\\n";
    }
    out += "\\bottomrule\n\\end{tabular}\n";
    return out;
}

std::string studySummaryJson(const StudySummary& s)
{
    Json groups = Json::array();
    for (const auto& g : s.groups) {
        Json point = Json::object();
        for (const auto& [k, v] : g.point) point[k] = Json::parse(v, nullptr, false);
        Json metrics = Json::object();
        for (const auto& k : s.metricKeys) metrics[k] = meanStdJson(g.metrics.at(k));
        Json at = Json::array(), forgetting = Json::array(), matrix = Json::array();
        for (const auto& m : g.averageAccuracy) at.push_back(meanStdJson(m));
        for (const auto& m : g.forgetting) forgetting.push_back(meanStdJson(m));
        for (const auto& row : g.matrix) {
            Json r = Json::array();
            for (const auto& m : row) r.push_back(meanStdJson(m));
            matrix.push_back(r);
        }
        groups.push_back({{"group", g.key},
                          {"label", g.label},
                          {"point", point},
                          {"run_ids", g.runIds},
                          {"seeds", g.seeds},
                          {"metrics", metrics},
                          {"average_accuracy", at},
                          {"forgetting", forgetting},
                          {"matrix", matrix}});
    }
    Json axes = Json::array();
    for (const auto& a : s.axes) {
        Json cells = Json::array();
        for (const auto& row : a.cells) {
            Json r = Json::array();
            for (const auto& m : row) r.push_back(meanStdJson(m));
            cells.push_back(r);
        }
        axes.push_back({{"axis", a.axis},
                        {"values", a.values},
                        {"rows", a.rows},
                        {"final_average_accuracy", cells}});
    }
    const Json out = {{"name", s.name},
                      {"best", s.best >= 0 ? Json(s.groups[size_t(s.best)].key) : Json(nullptr)},
                      {"metric_keys", s.metricKeys},
                      {"groups", groups},
                      {"axes", axes},
                      {"unfinished", s.unfinished}};
    return out.dump(2) + "\n";
}

}  // namespace clwb
