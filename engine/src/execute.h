// SPDX-License-Identifier: GPL-3.0-or-later
// The facade's one run path (engine.cpp), shared by runExperiment and resumeExperiment
// (resume.cpp): validation, device and thread set-up, run bookkeeping, the trainer.
#pragma once

#include <cstdint>
#include <string>

#include "clwb/engine.h"

namespace clwb::detail {

/// A stored run to continue instead of a new one.
struct ResumePoint
{
    std::int64_t runId = 0;
    std::string checkpoint;  ///< the file to continue from; empty = from the start
    int afterTask = -1;
    std::int64_t step = 0;
    std::string configJson;  ///< the config stored with the run
};

/// Runs `config` as a new run of `store` (may be null), or continues `resume`'s run. Never
/// throws.
RunResult execute(const RunConfig& config, RunStore* store, const ProgressCallback& onEvent,
                  const ResumePoint* resume);

}  // namespace clwb::detail
