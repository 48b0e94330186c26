// SPDX-License-Identifier: GPL-3.0-or-later
// The local run database (SQLite, WAL). One RunStore per thread; readers and one writer may
// share a file concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clwb/confusion.h"
#include "clwb/run_event.h"

namespace clwb {

struct RunRecord
{
    std::int64_t id = 0;
    std::string name;
    std::string strategy;
    RunStatus status = RunStatus::Running;
    std::string configJson;    ///< the config snapshot exactly as the run used it
    std::int64_t seed = 0;
    std::string versionsJson;  ///< {"clwb": ..., "torch": ..., "sqlite": ...}
    std::string device;
    std::string startedAt;     ///< ISO 8601 UTC
    std::string endedAt;       ///< empty while running
    std::string heartbeatAt;
    std::string message;       ///< failure / cancel reason
    std::string tags;          ///< comma separated
    std::map<std::string, double> metrics;  ///< summary metrics (filled by listRuns/run)
    /// The latest checkpoint (docs/reliability.md): its file, empty when none was written; the
    /// task it was written after and the step; the bytes of every checkpoint file the run keeps
    /// (checkpoint.keep of them at most), 0 when none.
    std::string checkpointPath;
    int checkpointTask = -1;
    std::int64_t checkpointStep = 0;
    std::int64_t checkpointBytes = 0;
};

/// The folder of a run's checkpoints: <folder of the database>/<its name without extension>
/// .checkpoints/run-<id>, beside the run logs; empty for an in-memory database.
std::string runCheckpointDir(const std::string& dbPath, std::int64_t runId);

/// Whether a stored run can continue (RunStore::resumability): the database's and the file
/// system's view. resumeProblem (engine.h) adds what needs the engine: the config, the code and
/// the backbone file against the checkpoint's.
struct Resumability
{
    bool resumable = false;
    std::string reason;      ///< why not, when not
    std::string checkpoint;  ///< the file it continues from; empty = from the start
    int afterTask = -1;      ///< the checkpoint's task; -1 = from the start
    std::int64_t step = 0;
};

/// One point of a step-wise series. key = "loss" or "acc/task<j>".
struct SeriesPoint
{
    std::string key;
    std::int64_t step = 0;
    int task = -1;  ///< task being trained when recorded
    double value = 0;
};

/// Matrix kinds every run may hold (RunStore::setMatrixCell).
inline const std::string kAccuracyMatrix = "accuracy";
inline const std::string kFormatMatrix = "format";        ///< question answering: format compliance
inline const std::string kKnowledgeMatrix = "knowledge";  ///< question answering: knowledge

struct MatrixCell
{
    int afterTask = -1;  ///< -1 = before any training
    int evalTask = 0;
    double accuracy = 0;
};

/// One boundary's feature-drift projection (RunEvent::drift, driftExplained).
struct DriftProjection
{
    std::vector<float> xy;  ///< x0, y0, x1, y1, ... in point order
    double explained = 0;
};

/// A study (docs/studies.md): its document and where its runs were executed.
struct StudyRecord
{
    std::int64_t id = 0;
    std::string name;
    std::string json;       ///< the study document as given
    std::string createdAt;  ///< ISO 8601 UTC
    std::string executor;   ///< "inprocess" | "local" | "slurm"
    std::string folder;     ///< the study folder (per-task files); empty in process
};

/// What a run stands for in a study: its group (configuration label and grid point, seed
/// excluded), its seed and its task in the study's expansion.
struct StudyMember
{
    std::int64_t runId = 0;
    std::int64_t studyId = 0;
    std::string groupKey;
    std::int64_t seed = 0;
    int taskIndex = -1;
};

/// SQLite journal of a database file: WAL (the default: readers beside one writer) or DELETE,
/// for files on network filesystems, where WAL's shared memory does not work (a Slurm study's
/// per-task files).
enum class Journal { Wal, Delete };

class RunStore
{
public:
    /// Opens (creating if needed) the database; runs left "running" by a dead process
    /// become "interrupted". Throws std::runtime_error with a readable message on failure.
    explicit RunStore(const std::string& path, Journal journal = Journal::Wal);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    /// $XDG_DATA_HOME/clwb/runs.sqlite (or ~/.local/share/clwb/runs.sqlite).
    static std::string defaultPath();
    /// 2: QA matrices; 3: matrices by kind; 4: confusion counts and classes; 5: prediction
    /// gallery; 6: feature drift; 7: studies; 8: run checkpoints
    static constexpr int kSchemaVersion = 8;

    const std::string& path() const;

    // Writing (the training thread).
    std::int64_t createRun(const RunRecord& run);
    void heartbeat(std::int64_t runId);
    void appendSeries(std::int64_t runId, const std::vector<SeriesPoint>& points);
    /// A cell of one of the run's matrices: kind "accuracy" (the accuracy matrix; strict accuracy
    /// on question-answering runs), "format" and "knowledge" (question answering), or any other.
    void setMatrixCell(std::int64_t runId, const MatrixCell& cell,
                       const std::string& kind = kAccuracyMatrix);
    /// The example answers after task `afterTask` (replaces earlier ones of that row).
    void setQaExamples(std::int64_t runId, int afterTask, const std::vector<QaExample>& examples);
    /// The confusion counts after task `m.afterTask` (replaces that row's; zeros are not stored).
    /// Throws std::invalid_argument when counts is not classes x classes.
    void setConfusion(std::int64_t runId, const ConfusionMatrix& m);
    /// The run's classes (replaces earlier ones). Throws when task and names differ in size.
    void setClasses(std::int64_t runId, const ClassList& classes);
    /// The run's prediction gallery, positions 0.. in order (replaces earlier images). Throws
    /// std::invalid_argument when an image's pixels are not height x width x channels bytes.
    void setGallery(std::int64_t runId, const std::vector<GalleryImage>& images);
    /// The gallery's predicted classes after task `afterTask`, in gallery order (replaces that
    /// row's).
    void setGalleryPredictions(std::int64_t runId, int afterTask, const std::vector<int>& predicted);
    /// The feature drift's point classes, positions 0.. in order (replaces earlier ones).
    void setDriftLabels(std::int64_t runId, const std::vector<int>& labels);
    /// The drift projection after task `afterTask` (replaces that boundary's): xy = x0, y0, x1,
    /// y1, ... in point order, `explained` its share of variance. Throws std::invalid_argument
    /// when xy has an odd size.
    void setDrift(std::int64_t runId, int afterTask, const std::vector<float>& xy,
                  double explained);
    void setMetrics(std::int64_t runId, const std::map<std::string, double>& metrics);
    void addImportance(std::int64_t runId, const ImportanceSnapshot& snapshot);
    void finishRun(std::int64_t runId, RunStatus status, const std::string& message = {});
    /// Records the run's latest checkpoint: `file` (in runCheckpointDir), written after task
    /// `afterTask` at step `step`.
    void setCheckpoint(std::int64_t runId, const std::string& file, int afterTask,
                       std::int64_t step);
    /// Whether the run can continue: it exists, is not running and has not finished, and its
    /// recorded checkpoint, if any, is on disk (none recorded: it restarts from the start).
    Resumability resumability(std::int64_t runId);
    /// Makes the run continue after task `afterTask` at step `step` (-1 and 0: from the start):
    /// every row recorded later (series points after the step or of later tasks, matrix cells,
    /// confusion, gallery predictions, drift, example answers and importance of later tasks, the
    /// summary metrics) is deleted and the run is running again, owned by this process.
    void reopenRun(std::int64_t runId, int afterTask, std::int64_t step);

    // Reading and editing (the GUI, exports).
    std::vector<RunRecord> listRuns();
    std::optional<RunRecord> run(std::int64_t runId);
    std::vector<SeriesPoint> series(std::int64_t runId);
    std::vector<MatrixCell> matrix(std::int64_t runId, const std::string& kind = kAccuracyMatrix);
    /// The kinds of matrix the run holds, sorted.
    std::vector<std::string> matrixKinds(std::int64_t runId);
    /// Example answers by after_task.
    std::map<int, std::vector<QaExample>> qaExamples(std::int64_t runId);
    std::vector<ImportanceSnapshot> importance(std::int64_t runId);
    /// Confusion matrices by after_task, C = the run's class count (classes()); empty for runs
    /// without (question answering, stored before schema 4).
    std::vector<ConfusionMatrix> confusions(std::int64_t runId);
    ClassList classes(std::int64_t runId);
    /// The prediction gallery in position order; empty for runs without (question answering,
    /// gallery off, stored before schema 5).
    std::vector<GalleryImage> gallery(std::int64_t runId);
    /// The gallery's predictions by after_task, each in gallery order (-1 at a position with no
    /// stored prediction).
    std::map<int, std::vector<int>> galleryPredictions(std::int64_t runId);
    /// The feature drift's point classes in position order; empty for runs without (question
    /// answering, drift off, stored before schema 6).
    std::vector<int> driftLabels(std::int64_t runId);
    /// The drift projections by after_task.
    std::map<int, DriftProjection> drift(std::int64_t runId);
    void renameRun(std::int64_t runId, const std::string& name);
    void setTags(std::int64_t runId, const std::string& tags);
    /// Deletes the run's rows and its checkpoint folder.
    void deleteRun(std::int64_t runId);

    // Studies (run_store_study.cpp).
    std::int64_t createStudy(const StudyRecord& study);
    /// Newest first.
    std::vector<StudyRecord> listStudies();
    std::optional<StudyRecord> study(std::int64_t studyId);
    void setStudyFolder(std::int64_t studyId, const std::string& executor, const std::string& folder);
    /// The study's runs, by task index then run id.
    std::vector<StudyMember> runsOfStudy(std::int64_t studyId);
    /// Makes `member.runId` a run of study `member.studyId` (replaces an earlier membership).
    void setRunStudy(const StudyMember& member);
    /// nullopt for a run outside any study.
    std::optional<StudyMember> runStudy(std::int64_t runId);

    /// Re-checks running runs (pid gone or heartbeat stale) and marks them interrupted.
    /// Returns how many were marked.
    int recoverInterrupted();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace clwb
