// SPDX-License-Identifier: GPL-3.0-or-later
// A run with every event it emitted, for engine tests that check what a run reports.
#pragma once

#include <vector>

#include "clwb/engine.h"

namespace clwb::test {

/// The TaskEvaluated events among `events` (the accuracy-matrix rows and what rides on them).
inline std::vector<RunEvent> rowsOf(const std::vector<RunEvent>& events)
{
    std::vector<RunEvent> rows;
    for (const auto& e : events)
        if (e.kind == RunEvent::Kind::TaskEvaluated) rows.push_back(e);
    return rows;
}

struct Run
{
    RunResult result;
    std::vector<RunEvent> events;
    std::vector<RunEvent> rows() const { return rowsOf(events); }
};

/// Runs `cfg` to the end, keeping every event.
inline Run run(const RunConfig& cfg, RunStore* store = nullptr)
{
    Run r;
    r.result = runExperiment(cfg, store, [&](const RunEvent& e) {
        r.events.push_back(e);
        return true;
    });
    return r;
}

}  // namespace clwb::test
