// SPDX-License-Identifier: GPL-3.0-or-later
// The training loop's share of a run checkpoint: its counters, every generator a resumed run must
// continue (the run's std::mt19937, torch's default CPU and device generators, the augmentation
// draws'), the feature drift's reference points, the fp16 loss scale and the rows measured so far.
#pragma once

#include <cstdint>
#include <random>

#include "checkpoint/state_archive.h"
#include "clwb/engine.h"
#include "metrics/feature_drift.h"
#include "precision.h"

namespace clwb::detail {

/// References to the trainer's members that outlive a task.
struct LoopState
{
    std::int64_t& step;
    std::int64_t& cachedImages;
    double& wallSeconds;  ///< seconds trained before this boundary (all processes)
    std::mt19937& rng;
    torch::Generator augment;
    FeatureDrift& drift;
    LossScaler& scaler;
    RunResult& result;  ///< rows so far and trainableParams
    torch::Device device;
};

void saveLoopState(const LoopState& state, StateWriter out, int afterTask);
/// Restores saveLoopState's entries; returns the task the checkpoint was written after.
int loadLoopState(LoopState& state, const StateReader& in);

}  // namespace clwb::detail
