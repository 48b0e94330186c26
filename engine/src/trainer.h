// SPDX-License-Identifier: GPL-3.0-or-later
// The single training loop: data -> model -> strategy hooks -> evaluation -> events (stored by
// the facade's RunRecorder).
#pragma once

#include "checkpoint/run_checkpoint.h"
#include "clwb/engine.h"

namespace clwb::detail {

/// Thrown inside the loop when the progress callback asks to stop.
struct RunCancelled
{
};

/// Runs `config` (already validated, architecture resolved) on `deviceName`. Fills `result` as it
/// goes, so a caller catching an exception still has the rows measured so far. Throws on failure.
/// `plan`: where to write a checkpoint after every task (a Checkpoint event each), and the
/// checkpoint to continue from instead of starting (its rows come back in `result`).
void trainExperiment(const RunConfig& config, const std::string& deviceName,
                     const ProgressCallback& onEvent, RunResult& result,
                     const CheckpointPlan& plan = {});

}  // namespace clwb::detail
