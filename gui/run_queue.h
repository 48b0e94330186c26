// SPDX-License-Identifier: GPL-3.0-or-later
// The batch of runs the window works through, one at a time: which config is next, what each
// ended as. No widgets; MainWindow shows it in the queue dock.
#pragma once

#include <QString>
#include <QtGlobal>

#include <deque>
#include <optional>

#include "clwb/run_config.h"
#include "clwb/run_event.h"

class RunQueue
{
public:
    struct Entry
    {
        clwb::RunConfig config;
        /// Empty while queued; Running once started; the run's final status after.
        std::optional<clwb::RunStatus> status;
        QString detail;  ///< A_T of a finished run, or why it did not finish
        /// A stored run to continue from its last checkpoint instead of a new run of `config`.
        qint64 resumeRunId = 0;
    };

    /// Replaces the batch.
    void reset(const std::vector<clwb::RunConfig>& configs);
    /// Replaces the batch with the resumption of stored run `runId` (its stored `config`).
    void resetToResume(const clwb::RunConfig& config, qint64 runId);
    /// Marks the next queued entry running and returns its index; -1 when none is left.
    int startNext();
    /// The running entry ended as `status`.
    void finishCurrent(clwb::RunStatus status, const QString& detail);
    /// Entries not yet started end as cancelled (the user pressed Stop).
    void cancelQueued();

    const std::deque<Entry>& entries() const { return entries_; }
    int size() const { return int(entries_.size()); }
    int current() const { return current_; }
    const Entry* currentEntry() const;

private:
    std::deque<Entry> entries_;
    int current_ = -1;
};
