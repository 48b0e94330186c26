// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a stored run back into the RunEvents a live run would have produced.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "clwb/run_event.h"
#include "clwb/run_store.h"

namespace run_replay {

/// Started, the init row, Step/Curve events in step order (from the "loss" and "acc/task<j>"
/// series), the matrix rows, importance snapshots, and Finished when final metrics exist.
/// The charts consume these exactly like live events, so there is one drawing path.
std::vector<clwb::RunEvent> eventsFromStore(clwb::RunStore& store, std::int64_t runId);

/// Same, from already-loaded data (tests, no database).
std::vector<clwb::RunEvent> eventsFromData(const clwb::RunRecord& run,
                                           const std::vector<clwb::SeriesPoint>& series,
                                           const std::vector<clwb::MatrixCell>& matrix,
                                           const std::vector<clwb::ImportanceSnapshot>& importance,
                                           const std::vector<clwb::MatrixCell>& formatMatrix = {},
                                           const std::vector<clwb::MatrixCell>& knowledgeMatrix = {},
                                           const std::map<int, std::vector<clwb::QaExample>>& examples = {});

}  // namespace run_replay
