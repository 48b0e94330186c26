// SPDX-License-Identifier: GPL-3.0-or-later
// Copies the ended runs of a study task's own database into the user's database: the run row
// and every row keyed by its id, with new ids, in one transaction, at most once per source run.
// Engine-private (docs/studies.md, "Merging").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clwb/run_store.h"

namespace clwb::study {

/// One per-task database and what its runs stand for in the study.
struct MergeSource
{
    std::string file;
    Journal journal = Journal::Wal;  ///< the journal the file was written with
    std::int64_t studyId = 0;        ///< 0: the runs join no study
    std::string groupKey;
    std::int64_t seed = 0;
    int taskIndex = -1;
};

struct MergeOutcome
{
    int merged = 0;                    ///< runs copied now
    int already = 0;                   ///< runs a previous merge copied
    int running = 0;                   ///< runs still running in the source, left for a later merge
    std::vector<std::int64_t> runIds;  ///< the copied runs' ids in the target, in source order
    std::vector<RunStatus> statuses;   ///< their statuses
};

/// The identity of a source run that merged_runs records: the study, the task, the run's id in
/// its file and its start time, so a file written again from scratch is not taken for the old.
std::string mergeSourceKey(const MergeSource& source, std::int64_t sourceRunId,
                           const std::string& startedAt);

/// Merges every run of `source.file` that is no longer running (its store recovers runs whose
/// process died) and not merged before. A missing file merges nothing. Throws
/// std::runtime_error naming the file when it cannot; the target then holds none of it (one
/// transaction) and the source is never changed beyond that recovery. Run logs are copied
/// beside the target database after the commit.
MergeOutcome mergeRuns(const std::string& targetDb, const MergeSource& source);

}  // namespace clwb::study
