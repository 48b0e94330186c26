// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run --resume RUN_ID: continue a stored run from its last checkpoint (docs/reliability.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clwb/run_config.h"

namespace clwb::cli {

struct ResumeRequest
{
    std::int64_t runId = 0;  ///< 0 = no --resume
    bool checkOnly = false;  ///< --check: say whether it can resume, run nothing
};

/// Parses the RUN_ID of --resume; throws std::invalid_argument for anything but a positive id.
std::int64_t parseRunId(const std::string& text);

/// Before a resumed run: `alone` is false when --config, --demo, --no-db, --set, --preset or
/// --device came with --resume (the stored config is the run's). Prints why the run in `db`
/// cannot resume, or with --check whether it can, and returns the exit status (0 can, 2 cannot);
/// nullopt to go on, with `parsed` holding the stored config for the summary.
std::optional<int> prepareResume(const ResumeRequest& request, bool alone, const std::string& db,
                                 ConfigParseResult& parsed);

}  // namespace clwb::cli
