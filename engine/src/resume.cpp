// SPDX-License-Identifier: GPL-3.0-or-later
// Resuming a stored run from its last checkpoint (docs/reliability.md): whether it may, and the
// call that continues it through the facade's one run path.
#include <exception>

#include "checkpoint/run_checkpoint.h"
#include "checkpoint/state_archive.h"
#include "clwb/engine.h"
#include "clwb/run_store.h"
#include "execute.h"

namespace clwb {

std::string resumeProblem(RunStore& store, std::int64_t runId)
{
    try {
        const auto point = store.resumability(runId);
        if (!point.resumable) return point.reason;
        const auto run = store.run(runId);
        const auto name = "run " + std::to_string(runId);
        const auto parsed = readRunConfig(run->configJson);
        if (!parsed.ok())
            return "the stored config of " + name +
                   " no longer reads: " + parsed.errors.front().path + ": " +
                   parsed.errors.front().message;
        const auto errors = validateRunConfig(parsed.config);
        if (!errors.empty())
            return "the stored config of " + name + " is no longer valid: " +
                   (errors.front().path.empty() ? "" : errors.front().path + ": ") +
                   errors.front().message;
        if (point.checkpoint.empty()) return {};  // restarts from the first task
        const auto mismatch =
            detail::checkpointMismatch(detail::readStateHeader(point.checkpoint), run->configJson);
        if (!mismatch.empty())
            return name + " cannot continue from " + point.checkpoint + ": " + mismatch;
        detail::verifyStateFile(point.checkpoint);  // reads it all: last, after the cheap checks
        return {};
    } catch (const std::exception& e) {
        return "run " + std::to_string(runId) + " cannot resume: " + e.what();
    }
}

RunResult resumeExperiment(RunStore& store, std::int64_t runId, const ProgressCallback& onEvent)
{
    RunResult result;
    result.runId = runId;
    auto refuse = [&](const std::string& why) {
        result.status = RunStatus::Failed;
        result.message = "cannot resume run " + std::to_string(runId) + ": " + why;
        RunEvent ev;
        ev.kind = RunEvent::Kind::Failed;
        ev.message = result.message;
        if (onEvent) onEvent(ev);
        return result;
    };
    detail::ResumePoint point;
    RunConfig config;
    try {
        if (const auto why = resumeProblem(store, runId); !why.empty()) return refuse(why);
        const auto at = store.resumability(runId);
        const auto run = store.run(runId);
        point = {runId, at.checkpoint, at.afterTask, at.step, run->configJson};
        config = readRunConfig(run->configJson).config;
    } catch (const std::exception& e) {
        return refuse(e.what());
    }
    return detail::execute(config, &store, onEvent, &point);
}

}  // namespace clwb
