// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a stored run back into the RunEvents a live run produced: the inverse of RunRecorder.
#include "clwb/run_replay.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "clwb/metrics.h"
#include "clwb/run_config.h"
#include "store/run_recorder.h"

namespace clwb {

StoredRun loadStoredRun(RunStore& store, std::int64_t runId)
{
    StoredRun out;
    const auto run = store.run(runId);
    if (!run) return out;
    out.run = *run;
    out.series = store.series(runId);
    for (const auto& kind : store.matrixKinds(runId)) out.matrices[kind] = store.matrix(runId, kind);
    out.importance = store.importance(runId);
    out.examples = store.qaExamples(runId);
    out.confusions = store.confusions(runId);
    out.classes = store.classes(runId);
    out.gallery = store.gallery(runId);
    out.galleryPredictions = store.galleryPredictions(runId);
    out.driftLabels = store.driftLabels(runId);
    out.drift = store.drift(runId);
    return out;
}

std::vector<RunEvent> replayRun(RunStore& store, std::int64_t runId)
{
    const auto stored = loadStoredRun(store, runId);
    return stored.run.id == 0 ? std::vector<RunEvent>{} : replayEvents(stored);
}

std::vector<RunEvent> replayEvents(const StoredRun& stored)
{
    const RunRecord& run = stored.run;
    const auto& series = stored.series;
    const auto& importance = stored.importance;
    const auto& examples = stored.examples;
    static const std::vector<MatrixCell> none;
    auto cellsOf = [&](const std::string& kind) -> const std::vector<MatrixCell>& {
        const auto it = stored.matrices.find(kind);
        return it == stored.matrices.end() ? none : it->second;
    };
    const auto& matrix = cellsOf(kAccuracyMatrix);
    const auto& formatMatrix = cellsOf(kFormatMatrix);
    const auto& knowledgeMatrix = cellsOf(kKnowledgeMatrix);
    using Kind = RunEvent::Kind;
    std::vector<RunEvent> events;

    // Task count: the config snapshot knows it; the matrix and series are the fallback.
    int T = 0;
    const auto parsed = parseRunConfig(run.configJson);
    if (!run.configJson.empty()) T = int(resolvedTasks(parsed.config).size());
    for (const auto& c : matrix) T = std::max(T, c.evalTask + 1);
    const std::string& accPrefix = detail::kCurvePrefix;
    for (const auto& p : series) {
        if (p.key.rfind(accPrefix, 0) == 0) T = std::max(T, std::stoi(p.key.substr(8)) + 1);
    }

    std::int64_t lastStep = 0;
    for (const auto& p : series) lastStep = std::max(lastStep, p.step);
    RunEvent started;
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
    auto rowsOf = [&](const std::vector<MatrixCell>& cells) {
        std::map<int, std::vector<double>> out;
        for (const auto& c : cells) {
            auto& row = out[c.afterTask];
            row.resize(size_t(T), std::numeric_limits<double>::quiet_NaN());
            if (c.evalTask >= 0 && c.evalTask < T) row[size_t(c.evalTask)] = c.accuracy;
        }
        return out;
    };
    auto formatRows = rowsOf(formatMatrix), knowledgeRows = rowsOf(knowledgeMatrix);
    bool galleryGiven = false;
    auto rowEvent = [&](int task) {
        RunEvent ev;
        ev.kind = Kind::TaskEvaluated;
        ev.task = task;
        ev.values = rows[task];
        if (formatRows.count(task)) ev.formatValues = formatRows[task];
        if (knowledgeRows.count(task)) ev.knowledgeValues = knowledgeRows[task];
        if (const auto it = examples.find(task); it != examples.end()) ev.examples = it->second;
        // Runs with classes had a confusion on every row; one with no non-zero count stored no
        // rows, so it comes back as zeros.
        if (const auto& classes = stored.classes; !classes.task.empty()) {
            ev.classTask = classes.task;
            ev.classNames = classes.names;
            ev.confusion.assign(classes.task.size() * classes.task.size(), 0);
            for (const auto& m : stored.confusions)
                if (m.afterTask == task && m.counts.size() == ev.confusion.size())
                    ev.confusion = m.counts;
        }
        // The gallery's images travel on the first row, as the engine sends them.
        if (!galleryGiven && !stored.gallery.empty()) ev.gallery = stored.gallery;
        galleryGiven = true;
        if (const auto it = stored.galleryPredictions.find(task);
            it != stored.galleryPredictions.end())
            ev.galleryPredictions = it->second;
        // The drift's classes travel on every row with a projection, as live.
        if (const auto it = stored.drift.find(task); it != stored.drift.end()) {
            ev.drift = it->second.xy;
            ev.driftExplained = it->second.explained;
            ev.driftLabels = stored.driftLabels;
        }
        return ev;
    };
    if (rows.count(-1)) events.push_back(rowEvent(-1));

    // Loss points become Step events; accuracy points recorded at the same step become one
    // Curve event, as the engine emitted them.
    std::vector<SeriesPoint> sorted = series;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.step < b.step; });
    // Each task's row and importance come right after its last step, as live, so a viewer
    // stepping through boundaries (presentation mode) sees the curves and rows in step.
    auto nextRow = rows.upper_bound(-1);
    auto emitRowsBefore = [&](int task) {
        for (; nextRow != rows.end() && nextRow->first < task; ++nextRow) {
            events.push_back(rowEvent(nextRow->first));
            for (const auto& snap : importance) {
                if (snap.task != nextRow->first) continue;
                RunEvent ev;
                ev.kind = Kind::Importance;
                ev.task = snap.task;
                ev.importance = snap;
                events.push_back(ev);
            }
        }
    };
    for (size_t i = 0; i < sorted.size();) {
        const std::int64_t step = sorted[i].step;
        int groupTask = sorted[i].task;
        for (size_t k = i; k < sorted.size() && sorted[k].step == step; ++k)
            groupTask = std::max(groupTask, sorted[k].task);
        emitRowsBefore(groupTask);
        RunEvent curve;
        curve.kind = Kind::Curve;
        curve.step = step;
        curve.values.assign(size_t(T), std::numeric_limits<double>::quiet_NaN());
        bool haveCurve = false;
        for (; i < sorted.size() && sorted[i].step == step; ++i) {
            const auto& p = sorted[i];
            if (p.key == detail::kLossSeries) {
                RunEvent ev;
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

    emitRowsBefore(std::numeric_limits<int>::max());
    for (const auto& snap : importance) {  // snapshots of tasks without a row (cancelled runs)
        if (rows.count(snap.task)) continue;
        RunEvent ev;
        ev.kind = Kind::Importance;
        ev.task = snap.task;
        ev.importance = snap;
        events.push_back(ev);
    }
    if (run.status == RunStatus::Finished && !run.metrics.empty()) {
        RunEvent ev;
        ev.kind = Kind::Finished;
        for (const auto& [key, unused] : metricsAsList(Metrics{})) {
            const auto it = run.metrics.find(key);
            ev.values.push_back(it == run.metrics.end() ? std::numeric_limits<double>::quiet_NaN()
                                                        : it->second);
        }
        ev.summary = run.metrics;
        events.push_back(ev);
    }
    return events;
}

}  // namespace clwb
