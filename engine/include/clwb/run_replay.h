// SPDX-License-Identifier: GPL-3.0-or-later
// A stored run turned back into the events a live run produced (the inverse of the engine's
// recorder), so a front end has one drawing path for live and reopened runs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clwb/confusion.h"
#include "clwb/run_event.h"
#include "clwb/run_store.h"

namespace clwb {

/// Everything the database holds of one run.
struct StoredRun
{
    RunRecord run;
    std::vector<SeriesPoint> series;
    std::map<std::string, std::vector<MatrixCell>> matrices;  ///< by kind (kAccuracyMatrix, ...)
    std::vector<ImportanceSnapshot> importance;
    std::map<int, std::vector<QaExample>> examples;  ///< by after_task
    std::vector<ConfusionMatrix> confusions;         ///< by after_task (classification runs)
    ClassList classes;                               ///< empty when no confusion was stored
    std::vector<GalleryImage> gallery;               ///< the prediction gallery, in order
    std::map<int, std::vector<int>> galleryPredictions;  ///< by after_task, in gallery order
    std::vector<int> driftLabels;                        ///< feature drift point classes
    std::map<int, DriftProjection> drift;                ///< by after_task
};

/// Reads run `runId` whole; nullopt-like empty `run.id == 0` when there is no such run.
StoredRun loadStoredRun(RunStore& store, std::int64_t runId);

/// Started, the row before training, Step and Curve events in step order with each task's
/// matrix row (with its QA format/knowledge rows and examples, or its confusion counts and
/// classes and gallery predictions, the gallery itself on the first row, and the feature drift)
/// and importance snapshot right after the task's last step, as live, and Finished when the run
/// finished with metrics.
std::vector<RunEvent> replayEvents(const StoredRun& stored);

/// loadStoredRun + replayEvents; empty for an unknown run.
std::vector<RunEvent> replayRun(RunStore& store, std::int64_t runId);

}  // namespace clwb
