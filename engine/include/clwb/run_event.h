// SPDX-License-Identifier: GPL-3.0-or-later
// Value-type progress events: the only thing that crosses from the engine to a front end.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace clwb {

/// How a run stands or ended: the same enum in the engine's result, the database and the window.
enum class RunStatus { Running, Finished, Cancelled, Failed, Interrupted };
std::string toString(RunStatus s);                    ///< "running", "finished", ...
RunStatus runStatusFromString(const std::string& s);  ///< unknown -> Interrupted

/// Importance of one layer x module for one task, plus an optional downsampled element map.
struct ImportanceCell
{
    int block = 0;       ///< transformer block index; -1 for non-block tensors (patch embed, head)
    std::string module;  ///< "qkv", "proj", "fc1", "fc2", "patch_embed", "head"
    double score = 0;
    int rows = 0, cols = 0;    ///< shape of `map` (0 = none)
    std::vector<float> map;    ///< row-major, downsampled |score| per element region
};

struct ImportanceSnapshot
{
    int task = 0;
    std::string kind;  ///< what the score is: "weight-change", "fisher", "lora-norm", ...
    std::vector<ImportanceCell> cells;
};

/// One fixed test question of a question-answering task and the current model's answer.
struct QaExample
{
    int task = 0;
    std::string style;     ///< "yn", "mcq", "short", "brief", "detail"
    std::string question;  ///< "Is it a Sneaker? (yes/no)"
    std::string expected;  ///< "yes"
    std::string answer;    ///< what the model said
    bool strict = false, format = false, knowledge = false;
};

/// One image of the prediction gallery (docs/metrics.md): a fixed, seeded test image of a task as
/// a thumbnail, for showing what the model predicts for it after every boundary.
struct GalleryImage
{
    int task = 0;   ///< the task whose test set it comes from
    int label = 0;  ///< its true class id (index into RunEvent::classNames)
    int width = 0, height = 0, channels = 0;  ///< channels: 1 (grey) or 3 (RGB), as stored
    /// Row-major height x width x channels, 0-255; at most 64 px on the long side (larger
    /// images are area-downscaled), as the model sees them before resizing (so permuted
    /// sequences show permuted pixels, rotated ones rotated images).
    std::vector<std::uint8_t> pixels;
};

/// Severity of a Log event (and of a line in the run's log file).
enum class LogLevel { Debug, Info, Warning, Error };

struct RunEvent
{
    enum class Kind {
        Started,        ///< first event; message = device/threads/strategy summary
        Log,            ///< message = one log line, level = its severity
        Step,           ///< task, epoch, step, loss, total, etaSeconds
        Curve,          ///< step, values = per-task accuracy on curve subsets (size T)
        TaskEvaluated,  ///< task (-1 = before training), values = matrix row (size T), confusion,
                        ///< gallery predictions (the first row: also the gallery), feature drift
        Importance,     ///< importance snapshot for `task`
        Finished,       ///< values = metrics in metricsAsList order; summary = every stored metric
        Cancelled,
        Failed,         ///< message says what and where
        Checkpoint      ///< a checkpoint was written after `task` at `step`; message = its file
    };
    Kind kind = Kind::Log;
    LogLevel level = LogLevel::Info;  ///< Log events only
    int task = -1;
    int epoch = -1;
    std::int64_t step = 0;   ///< global optimisation step
    std::int64_t total = 0;  ///< total steps planned
    double loss = 0;
    double etaSeconds = -1;
    /// Step: the strategy's own phase the step belongs to ("MIST pre-adaptation", one of its
    /// StrategyInfo::phases), with `epoch` of `epochs` in that phase; empty while training the task.
    std::string phase;
    int epochs = 0;
    std::vector<double> values;
    std::string message;
    ImportanceSnapshot importance;
    // TaskEvaluated on question-answering sequences: values = strict accuracy, plus
    std::vector<double> formatValues;     ///< format compliance per task
    std::vector<double> knowledgeValues;  ///< format-agnostic knowledge accuracy per task
    std::vector<QaExample> examples;      ///< a few fixed test questions per task, answered now
    // TaskEvaluated on classification sequences (empty on question answering and on runs stored
    // before schema 4): the predictions behind `values`, every task's test set counted once, and
    // the classes needed to read them, repeated on every row so each event stands alone
    // (clwb/confusion.h reads them).
    std::vector<std::int64_t> confusion;  ///< row-major C x C, [true * C + predicted]
    std::vector<int> classTask;           ///< size C: task introducing each class, -1 = none
    std::vector<std::string> classNames;  ///< size C
    /// The prediction gallery (data.gallery_per_task images per task, task by task; empty when
    /// off, on question answering and on runs stored before schema 5): the images on the first
    /// TaskEvaluated event only (the row before training), the predicted class of each, in
    /// gallery order, on every row (from the same predictions as `values` and `confusion`).
    std::vector<GalleryImage> gallery;
    std::vector<int> galleryPredictions;
    /// Feature drift (docs/metrics.md; empty when data.drift_per_class is 0, on question
    /// answering and on runs stored before schema 6): the pooled features of up to
    /// drift_per_class fixed test images per class, projected to 2-D by PCA at this boundary and
    /// rotated/reflected onto the previous boundary's points (orthogonal Procrustes), so the
    /// picture only moves where the features do. Points are in a fixed order on every row: task
    /// by task (a class from the first task with test images of it), class by class, each
    /// class's images in a seeded order.
    std::vector<float> drift;     ///< x0, y0, x1, y1, ... (2 per point), centred at 0
    std::vector<int> driftLabels; ///< class of each point (every row carries it; same each row)
    double driftExplained = 0;    ///< share of the features' variance the two axes explain, 0-1
    /// Finished: the run's summary metrics by name (metricsAsList keys, trainable_params,
    /// stored_params, wall_seconds, and on QA runs the forgetting decomposition).
    std::map<std::string, double> summary;
};

/// Called on the training thread. Returning false asks the run to stop (cancelled).
using ProgressCallback = std::function<bool(const RunEvent&)>;

}  // namespace clwb
