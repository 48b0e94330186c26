// SPDX-License-Identifier: GPL-3.0-or-later
// Aggregation of a study's stored runs over seeds (docs/studies.md, "Reports").
#include "clwb/study_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "clwb/run_export.h"

namespace clwb {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The leading (n x n) block of r: the matrix as it stood after task n - 1.
AccuracyMatrix leading(const AccuracyMatrix& r, std::size_t n)
{
    AccuracyMatrix out(r.begin(), r.begin() + long(n));
    for (auto& row : out) row.resize(n, kNaN);
    return out;
}

/// One value per run that has it (NaN left out) -> mean ± std.
template <typename F>
MeanStd over(const std::vector<const SummaryInput*>& runs, F value)
{
    std::vector<double> v;
    for (const auto* r : runs) {
        const double x = value(*r);
        if (!std::isnan(x)) v.push_back(x);
    }
    return meanStd(v);
}

std::string axisRowLabel(const GroupSummary& g, const std::string& axis)
{
    std::string row = g.label;
    for (const auto& [k, v] : g.point)
        if (k != axis) row += ", " + k + "=" + v;
    return row;
}

void buildAxes(StudySummary& s)
{
    std::vector<std::string> axes;
    for (const auto& g : s.groups)
        for (const auto& [k, v] : g.point)
            if (std::find(axes.begin(), axes.end(), k) == axes.end()) axes.push_back(k);
    for (const auto& axis : axes) {
        AxisTable t;
        t.axis = axis;
        for (const auto& g : s.groups) {
            const auto it = std::find_if(g.point.begin(), g.point.end(),
                                         [&](const auto& p) { return p.first == axis; });
            if (it == g.point.end()) continue;
            if (std::find(t.values.begin(), t.values.end(), it->second) == t.values.end())
                t.values.push_back(it->second);
            const std::string row = axisRowLabel(g, axis);
            if (std::find(t.rows.begin(), t.rows.end(), row) == t.rows.end()) t.rows.push_back(row);
        }
        t.cells.assign(t.rows.size(),
                       std::vector<MeanStd>(t.values.size(), MeanStd{kNaN, kNaN, 0}));
        for (const auto& g : s.groups) {
            const auto it = std::find_if(g.point.begin(), g.point.end(),
                                         [&](const auto& p) { return p.first == axis; });
            if (it == g.point.end()) continue;
            const auto r =
                std::find(t.rows.begin(), t.rows.end(), axisRowLabel(g, axis)) - t.rows.begin();
            const auto c =
                std::find(t.values.begin(), t.values.end(), it->second) - t.values.begin();
            const auto m = g.metrics.find("final_average_accuracy");
            if (m != g.metrics.end()) t.cells[size_t(r)][size_t(c)] = m->second;
        }
        s.axes.push_back(std::move(t));
    }
}

int bestGroup(const StudySummary& s)
{
    int best = -1;
    auto get = [](const GroupSummary& g, const char* key) {
        const auto it = g.metrics.find(key);
        return it == g.metrics.end() || it->second.n == 0 ? kNaN : it->second.mean;
    };
    for (int i = 0; i < int(s.groups.size()); ++i) {
        const double a = get(s.groups[size_t(i)], "final_average_accuracy");
        if (std::isnan(a)) continue;
        if (best < 0) {
            best = i;
            continue;
        }
        const double b = get(s.groups[size_t(best)], "final_average_accuracy");
        const double fa = get(s.groups[size_t(i)], "forgetting");
        const double fb = get(s.groups[size_t(best)], "forgetting");
        if (a > b || (a == b && fa < fb)) best = i;
    }
    return best;
}

SummaryInput inputOf(RunStore& store, const RunRecord& r, const std::string& group,
                     std::int64_t seed)
{
    SummaryInput in;
    in.runId = r.id;
    in.groupKey = group;
    in.seed = seed;
    in.status = r.status;
    in.metrics = r.metrics;
    const MatrixRows m = matrixRows(store.matrix(r.id));
    in.matrix = m.rows;
    return in;
}

}  // namespace

MeanStd meanStd(const std::vector<double>& values)
{
    MeanStd m;
    m.n = int(values.size());
    if (values.empty()) return {kNaN, kNaN, 0};
    double sum = 0;
    for (double v : values) sum += v;
    m.mean = sum / double(values.size());
    if (values.size() > 1) {
        double sq = 0;
        for (double v : values) sq += (v - m.mean) * (v - m.mean);
        m.std = std::sqrt(sq / double(values.size() - 1));
    }
    return m;
}

StudySummary summarizeRuns(const std::vector<SummaryInput>& runs)
{
    StudySummary s;
    std::vector<std::string> order;
    std::unordered_map<std::string, std::map<std::int64_t, const SummaryInput*>> bySeed;
    for (const auto& r : runs) {
        if (r.status != RunStatus::Finished) {
            s.unfinished.push_back(r.runId);
            continue;
        }
        if (!bySeed.count(r.groupKey)) order.push_back(r.groupKey);
        auto& slot = bySeed[r.groupKey][r.seed];
        if (!slot || slot->runId < r.runId) slot = &r;  // a rerun of a seed replaces it
    }
    std::set<std::string> keys;
    for (const auto& key : order) {
        GroupSummary g;
        g.key = key;
        std::tie(g.label, g.point) = parseStudyGroupKey(key);
        std::vector<const SummaryInput*> members;
        for (const auto& [seed, r] : bySeed[key]) {
            members.push_back(r);
            g.runIds.push_back(r->runId);
            g.seeds.push_back(seed);
            for (const auto& [k, v] : r->metrics) keys.insert(k);
        }
        for (const auto& k : keys)
            g.metrics[k] = over(members, [&](const SummaryInput& r) {
                const auto it = r.metrics.find(k);
                return it == r.metrics.end() ? kNaN : it->second;
            });
        std::size_t tasks = 0, width = 0;
        for (const auto* r : members) {
            tasks = std::max(tasks, r->matrix.size());
            for (const auto& row : r->matrix) width = std::max(width, row.size());
        }
        for (std::size_t t = 0; t < tasks; ++t) {
            g.averageAccuracy.push_back(over(members, [&](const SummaryInput& r) {
                if (t >= r.matrix.size() || r.matrix[t].size() <= t) return kNaN;
                return averageAccuracyAfter(leading(r.matrix, t + 1), int(t));
            }));
            g.forgetting.push_back(over(members, [&](const SummaryInput& r) {
                if (t >= r.matrix.size() || r.matrix[t].size() <= t) return kNaN;
                return forgettingMax(leading(r.matrix, t + 1));
            }));
        }
        g.matrix.assign(tasks, std::vector<MeanStd>(width));
        for (std::size_t i = 0; i < tasks; ++i)
            for (std::size_t j = 0; j < width; ++j)
                g.matrix[i][j] = over(members, [&](const SummaryInput& r) {
                    return i < r.matrix.size() && j < r.matrix[i].size() ? r.matrix[i][j] : kNaN;
                });
        s.groups.push_back(std::move(g));
    }
    // Keys a group lacks (a metric another group's runs stored) read as n = 0.
    for (auto& g : s.groups)
        for (const auto& k : keys)
            if (!g.metrics.count(k)) g.metrics[k] = MeanStd{kNaN, kNaN, 0};
    for (const auto& [k, v] : metricsAsList(Metrics{}))
        if (keys.count(k)) s.metricKeys.push_back(k);
    for (const auto& k : keys)
        if (std::find(s.metricKeys.begin(), s.metricKeys.end(), k) == s.metricKeys.end())
            s.metricKeys.push_back(k);
    buildAxes(s);
    s.best = bestGroup(s);
    return s;
}

StudySummary summarizeStudy(RunStore& store, std::int64_t studyId)
{
    const auto study = store.study(studyId);
    if (!study) throw std::invalid_argument("no study " + std::to_string(studyId));
    std::vector<SummaryInput> inputs;
    for (const auto& m : store.runsOfStudy(studyId))
        if (const auto r = store.run(m.runId))
            inputs.push_back(inputOf(store, *r, m.groupKey, m.seed));
    StudySummary s = summarizeRuns(inputs);
    s.name = study->name;
    return s;
}

StudySummary summarizeRunIds(RunStore& store, const std::vector<std::int64_t>& runIds)
{
    std::vector<SummaryInput> inputs;
    for (const auto id : runIds) {
        const auto r = store.run(id);
        if (!r) throw std::invalid_argument("no run " + std::to_string(id));
        const auto m = store.runStudy(id);
        inputs.push_back(inputOf(store, *r, m ? m->groupKey : r->name, m ? m->seed : r->seed));
    }
    return summarizeRuns(inputs);
}

}  // namespace clwb
