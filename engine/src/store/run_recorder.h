// SPDX-License-Identifier: GPL-3.0-or-later
// The one place that turns a run's event stream into database writes; run_replay.cpp is its
// inverse. The trainer only emits events, so the storage protocol (series keys, matrix kinds,
// summary metrics) lives here and in the replay, nowhere else.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "clwb/run_event.h"
#include "clwb/run_store.h"

namespace clwb::detail {

/// Series keys: the training loss, and the live accuracy of task j on its curve subset.
inline const std::string kLossSeries = "loss";
inline const std::string kCurvePrefix = "acc/task";

class RunRecorder
{
public:
    RunRecorder(RunStore& store, std::int64_t runId) : store_(store), runId_(runId) {}

    /// Stores what `ev` carries. Series points are buffered and written with a heartbeat at most
    /// once a second; rows, snapshots and the summary are written at once. Throws what the store
    /// throws (the run then fails).
    void record(const RunEvent& ev);
    /// Writes what is buffered and the run's final status.
    void finish(RunStatus status, const std::string& message);

private:
    void flush(bool force);

    RunStore& store_;
    std::int64_t runId_;
    std::vector<SeriesPoint> pending_;
    bool classesStored_ = false;
    bool driftLabelsStored_ = false;
    std::chrono::steady_clock::time_point lastFlush_ = std::chrono::steady_clock::now();
};

}  // namespace clwb::detail
