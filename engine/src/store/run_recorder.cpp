// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/run_recorder.h"

namespace clwb::detail {

void RunRecorder::record(const RunEvent& ev)
{
    using Kind = RunEvent::Kind;
    switch (ev.kind) {
    case Kind::Step:
        pending_.push_back({kLossSeries, ev.step, ev.task, ev.loss});
        flush(false);
        break;
    case Kind::Curve:
        for (size_t j = 0; j < ev.values.size(); ++j)
            pending_.push_back({kCurvePrefix + std::to_string(j), ev.step, ev.task, ev.values[j]});
        flush(false);
        break;
    case Kind::TaskEvaluated: {
        flush(true);
        const std::pair<const std::string*, const std::vector<double>*> matrices[] = {
            {&kAccuracyMatrix, &ev.values},
            {&kFormatMatrix, &ev.formatValues},
            {&kKnowledgeMatrix, &ev.knowledgeValues}};
        for (const auto& [kind, row] : matrices)
            for (size_t j = 0; j < row->size(); ++j)
                store_.setMatrixCell(runId_, {ev.task, int(j), (*row)[j]}, *kind);
        if (!ev.formatValues.empty() || !ev.examples.empty())
            store_.setQaExamples(runId_, ev.task, ev.examples);
        if (!ev.confusion.empty()) {
            // Every row repeats the classes; they are the dataset's, so stored once.
            if (!classesStored_) store_.setClasses(runId_, {ev.classTask, ev.classNames});
            classesStored_ = true;
            store_.setConfusion(runId_, {ev.task, int(ev.classTask.size()), ev.confusion});
        }
        if (!ev.gallery.empty()) store_.setGallery(runId_, ev.gallery);  // the first row only
        if (!ev.galleryPredictions.empty())
            store_.setGalleryPredictions(runId_, ev.task, ev.galleryPredictions);
        if (!ev.drift.empty()) {
            // Every row repeats the points' classes; they never change, so stored once.
            if (!driftLabelsStored_) store_.setDriftLabels(runId_, ev.driftLabels);
            driftLabelsStored_ = true;
            store_.setDrift(runId_, ev.task, ev.drift, ev.driftExplained);
        }
        break;
    }
    case Kind::Importance:
        store_.addImportance(runId_, ev.importance);
        flush(true);
        break;
    case Kind::Finished:
        flush(true);
        store_.setMetrics(runId_, ev.summary);
        break;
    case Kind::Cancelled:
    case Kind::Failed:
        flush(true);
        break;
    case Kind::Checkpoint:
        // Rows and series up to here are written (TaskEvaluated and Importance flush).
        store_.setCheckpoint(runId_, ev.message, ev.task, ev.step);
        break;
    case Kind::Started:
    case Kind::Log:
        break;
    }
}

void RunRecorder::finish(RunStatus status, const std::string& message)
{
    flush(true);
    store_.finishRun(runId_, status, message);
}

void RunRecorder::flush(bool force)
{
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - lastFlush_ < std::chrono::seconds(1)) return;
    if (!pending_.empty()) store_.appendSeries(runId_, pending_);
    pending_.clear();
    store_.heartbeat(runId_);
    lastFlush_ = now;
}

}  // namespace clwb::detail
