// SPDX-License-Identifier: GPL-3.0-or-later
// Run checkpoints at task boundaries (docs/reliability.md): where they go, what their header
// says, which are kept, and whether a stored run may continue from one.
#pragma once

#include <cstdint>
#include <string>

#include "clwb/run_config.h"

namespace clwb::detail {

/// What the trainer needs to write checkpoints and to continue from one.
struct CheckpointPlan
{
    std::string folder;  ///< the run's checkpoint folder; empty = none written
    int keep = 1;        ///< checkpoint.keep: files kept after each write (0 = none written)
    std::int64_t runId = 0;
    std::string configJson;  ///< the config as stored with the run
    std::string backbone;    ///< backboneFingerprint() at the start of the run
    std::string resumeFrom;  ///< a checkpoint file to continue from; empty = the start
    bool writes() const { return !folder.empty() && keep > 0; }
};

/// "after-task-3.ckpt": the checkpoint written after task 3 (0-based).
std::string checkpointFileName(int afterTask);
/// The task a checkpoint file name was written after; -1 for any other name.
int checkpointTaskOf(const std::string& fileName);

/// The checkpoint's header (JSON): run id, boundary, step, the stored config, the code version
/// and the backbone file's fingerprint.
std::string checkpointHeader(const CheckpointPlan& plan, int afterTask, std::int64_t step);
/// clwb, torch and compiler versions and the checkpoint format, as JSON: the code that must
/// continue a checkpoint.
std::string codeVersionJson();
/// Path, size and modification time of the model's backbone file as JSON ("{}" for "random").
std::string backboneFingerprint(const ModelConfig& model);

/// Why the checkpoint with header `headerJson` cannot continue the stored run, naming what
/// differs: the stored config (`storedConfigJson`), this program's code version, or the backbone
/// file now. Empty when it can.
std::string checkpointMismatch(const std::string& headerJson, const std::string& storedConfigJson);

/// Deletes checkpoint files of `folder` beyond the newest `keep` up to task `newest` (later ones
/// are stale, from an attempt that died before recording them) and leftover temporary files.
void pruneCheckpoints(const std::string& folder, int keep, int newest);

}  // namespace clwb::detail
