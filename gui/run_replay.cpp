// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a stored run back into the RunEvents a live run would have produced.
#include "run_replay.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "clwb/metrics.h"
#include "clwb/run_config.h"

namespace run_replay {

std::vector<clwb::RunEvent> eventsFromStore(clwb::RunStore& store, std::int64_t runId)
{
    const auto run = store.run(runId);
    if (!run) return {};
    return eventsFromData(*run, store.series(runId), store.matrix(runId), store.importance(runId),
                          store.qaMatrix(runId, "format"), store.qaMatrix(runId, "knowledge"),
                          store.qaExamples(runId));
}

std::vector<clwb::RunEvent> eventsFromData(const clwb::RunRecord& run,
                                           const std::vector<clwb::SeriesPoint>& series,
                                           const std::vector<clwb::MatrixCell>& matrix,
                                           const std::vector<clwb::ImportanceSnapshot>& importance,
                                           const std::vector<clwb::MatrixCell>& formatMatrix,
                                           const std::vector<clwb::MatrixCell>& knowledgeMatrix,
                                           const std::map<int, std::vector<clwb::QaExample>>& examples)
{
    using Kind = clwb::RunEvent::Kind;
    std::vector<clwb::RunEvent> events;

    // Task count: the config snapshot knows it; the matrix and series are the fallback.
    int T = 0;
    const auto parsed = clwb::parseRunConfig(run.configJson);
    if (!run.configJson.empty()) T = int(clwb::resolvedTasks(parsed.config).size());
    for (const auto& c : matrix) T = std::max(T, c.evalTask + 1);
    const std::string accPrefix = "acc/task";
    for (const auto& p : series) {
        if (p.key.rfind(accPrefix, 0) == 0) T = std::max(T, std::stoi(p.key.substr(8)) + 1);
    }

    std::int64_t lastStep = 0;
    for (const auto& p : series) lastStep = std::max(lastStep, p.step);
    clwb::RunEvent started;
    started.kind = Kind::Started;
    started.total = lastStep;
    started.message = run.device;
    events.push_back(started);

    // Matrix rows by afterTask (-1 first).
    std::map<int, std::vector<double>> rows;
    for (const auto& c : matrix) {
        auto& row = rows[c.afterTask];
        row.resize(size_t(T), std::numeric_limits<double>::quiet_NaN());
        if (c.evalTask >= 0 && c.evalTask < T) row[size_t(c.evalTask)] = c.accuracy;
    }
    // Question-answering runs: the format and knowledge rows travel with the strict ones.
    auto rowsOf = [&](const std::vector<clwb::MatrixCell>& cells) {
        std::map<int, std::vector<double>> out;
        for (const auto& c : cells) {
            auto& row = out[c.afterTask];
            row.resize(size_t(T), std::numeric_limits<double>::quiet_NaN());
            if (c.evalTask >= 0 && c.evalTask < T) row[size_t(c.evalTask)] = c.accuracy;
        }
        return out;
    };
    auto formatRows = rowsOf(formatMatrix), knowledgeRows = rowsOf(knowledgeMatrix);
    auto rowEvent = [&](int task) {
        clwb::RunEvent ev;
        ev.kind = Kind::TaskEvaluated;
        ev.task = task;
        ev.values = rows[task];
        if (formatRows.count(task)) ev.formatValues = formatRows[task];
        if (knowledgeRows.count(task)) ev.knowledgeValues = knowledgeRows[task];
        if (const auto it = examples.find(task); it != examples.end()) ev.examples = it->second;
        return ev;
    };
    if (rows.count(-1)) events.push_back(rowEvent(-1));

    // Loss points become Step events; accuracy points recorded at the same step become one
    // Curve event, as the engine emitted them.
    std::vector<clwb::SeriesPoint> sorted = series;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.step < b.step; });
    for (size_t i = 0; i < sorted.size();) {
        const std::int64_t step = sorted[i].step;
        clwb::RunEvent curve;
        curve.kind = Kind::Curve;
        curve.step = step;
        curve.values.assign(size_t(T), std::numeric_limits<double>::quiet_NaN());
        bool haveCurve = false;
        for (; i < sorted.size() && sorted[i].step == step; ++i) {
            const auto& p = sorted[i];
            if (p.key == "loss") {
                clwb::RunEvent ev;
                ev.kind = Kind::Step;
                ev.task = p.task;
                ev.step = p.step;
                ev.loss = p.value;
                ev.total = lastStep;
                events.push_back(ev);
            } else if (p.key.rfind(accPrefix, 0) == 0) {
                const int j = std::stoi(p.key.substr(accPrefix.size()));
                if (j >= 0 && j < T) curve.values[size_t(j)] = p.value;
                curve.task = std::max(curve.task, p.task);
                haveCurve = true;
            }
        }
        if (haveCurve) events.push_back(curve);
    }

    for (const auto& entry : rows)
        if (entry.first >= 0) events.push_back(rowEvent(entry.first));
    for (const auto& snap : importance) {
        clwb::RunEvent ev;
        ev.kind = Kind::Importance;
        ev.task = snap.task;
        ev.importance = snap;
        events.push_back(ev);
    }
    if (run.status == clwb::RunStatus::Finished && !run.metrics.empty()) {
        clwb::RunEvent ev;
        ev.kind = Kind::Finished;
        for (const auto& [key, unused] : clwb::metricsAsList(clwb::Metrics{})) {
            const auto it = run.metrics.find(key);
            ev.values.push_back(it == run.metrics.end() ? std::numeric_limits<double>::quiet_NaN()
                                                        : it->second);
        }
        events.push_back(ev);
    }
    return events;
}

}  // namespace run_replay
