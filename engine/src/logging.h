// SPDX-License-Identifier: GPL-3.0-or-later
// The log of one run: an spdlog logger whose sinks are the front end (Log events carrying their
// level) and, for a stored run, the run's log file. spdlog stays inside logging.cpp.
#pragma once

#include <memory>
#include <string>

#include "clwb/run_event.h"

namespace clwb::detail {

class RunLog
{
public:
    /// `onEvent` may be empty (no front end).
    explicit RunLog(ProgressCallback onEvent);
    ~RunLog();
    RunLog(const RunLog&) = delete;
    RunLog& operator=(const RunLog&) = delete;

    /// Adds the file sink: creates the folder, truncates `path` (a reused run id starts afresh)
    /// or, for a resumed run, appends to it. Returns what went wrong, empty on success.
    std::string openFile(const std::string& path, bool append = false);

    /// One record to every sink; false when the front end asked to stop. Rethrows what the
    /// front end's callback threw.
    bool log(LogLevel level, const std::string& message);
    /// One record to the file only: what the front end already learns from another event.
    void record(LogLevel level, const std::string& message);

    /// Started, Failed, Cancelled and Finished as a line of the file (other kinds: nothing).
    void note(const RunEvent& ev);

    /// The callback a run emits through: Log events become records of the logger (level kept);
    /// every other event is noted and goes to the front end as it is. Valid while this RunLog
    /// lives.
    ProgressCallback events();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace clwb::detail
