// SPDX-License-Identifier: GPL-3.0-or-later
// The strategy as the trainer sees it: every hook behind a guard that names the strategy, the
// hook and the task when the hook throws, so a failed run says where it broke. Also the test
// seam CLWB_FAULT_HOOK (docs/reliability.md), read here and nowhere else.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "strategies/strategy.h"

namespace clwb::detail {

/// What the trainer throws when its event sink (the run database, the caller's callback) fails,
/// possibly inside a hook that reported a step or logged: the guard passes it on unchanged, as it
/// does RunCancelled and out-of-memory errors (their own messages are the useful ones).
struct EventSinkError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/// `inner` with every hook guarded: an exception becomes std::runtime_error
/// "strategy '<id>' failed in <hook> (task <t>): <what>". With CLWB_FAULT_HOOK set to
/// HOOK[:KIND][@TASK] (KIND = throw | oom | nan | nan-always; nan = every second call) the hook
/// HOOK fails as asked, on task TASK only when given: the tests' way to break a run on purpose.
/// Throws std::invalid_argument for a CLWB_FAULT_HOOK it cannot read.
std::unique_ptr<Strategy> guardStrategy(std::unique_ptr<Strategy> inner, const std::string& id);

}  // namespace clwb::detail
