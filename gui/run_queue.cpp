// SPDX-License-Identifier: GPL-3.0-or-later
#include "run_queue.h"

void RunQueue::reset(const std::vector<clwb::RunConfig>& configs)
{
    entries_.clear();
    for (const auto& c : configs) entries_.push_back({c, std::nullopt, QString()});
    current_ = -1;
}

void RunQueue::resetToResume(const clwb::RunConfig& config, qint64 runId)
{
    reset({config});
    entries_.front().resumeRunId = runId;
}

int RunQueue::startNext()
{
    current_ = -1;
    for (int i = 0; i < size(); ++i)
        if (!entries_[size_t(i)].status) {
            entries_[size_t(i)].status = clwb::RunStatus::Running;
            current_ = i;
            break;
        }
    return current_;
}

void RunQueue::finishCurrent(clwb::RunStatus status, const QString& detail)
{
    if (current_ < 0 || current_ >= size()) return;
    entries_[size_t(current_)].status = status;
    entries_[size_t(current_)].detail = detail;
}

void RunQueue::cancelQueued()
{
    for (auto& e : entries_)
        if (!e.status) e.status = clwb::RunStatus::Cancelled;
}

const RunQueue::Entry* RunQueue::currentEntry() const
{
    return current_ >= 0 && current_ < size() ? &entries_[size_t(current_)] : nullptr;
}
