// SPDX-License-Identifier: GPL-3.0-or-later
#include "resume_command.h"

#include <iostream>
#include <stdexcept>

#include "clwb/engine.h"
#include "clwb/run_store.h"

namespace clwb::cli {

std::int64_t parseRunId(const std::string& text)
{
    std::size_t used = 0;
    long long id = 0;
    try {
        id = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || id <= 0)
        throw std::invalid_argument("--resume needs a run id (a positive number), not '" + text +
                                    "'");
    return id;
}

std::optional<int> prepareResume(const ResumeRequest& request, bool alone, const std::string& db,
                                 ConfigParseResult& parsed)
{
    if (!alone)
        throw std::invalid_argument(
            "--resume continues a stored run with its stored config; it cannot be combined with "
            "--config, --demo, --no-db, --set, --preset or --device");
    RunStore store(db);
    const auto id = std::to_string(request.runId);
    if (const auto why = resumeProblem(store, request.runId); !why.empty()) {
        std::cerr << "clwb-run: cannot resume run " << id << ": " << why << "\n";
        return 2;
    }
    if (request.checkOnly) {
        const auto at = store.resumability(request.runId);
        if (at.checkpoint.empty())
            std::cerr << "run " << id << " can resume: it has no checkpoint, so it restarts from "
                      << "its first task\n";
        else
            std::cerr << "run " << id << " can resume from the checkpoint after task "
                      << at.afterTask << " (" << at.checkpoint << ")\n";
        return 0;
    }
    parsed = readRunConfig(store.run(request.runId)->configJson);
    return std::nullopt;
}

}  // namespace clwb::cli
