// SPDX-License-Identifier: GPL-3.0-or-later
// The engine facade: run an experiment, pretrain a backbone, query the build.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clwb/metrics.h"
#include "clwb/run_config.h"
#include "clwb/run_event.h"

namespace clwb {

class RunStore;

struct RunResult
{
    RunStatus status = RunStatus::Failed;  ///< Finished | Cancelled | Failed
    std::string message;
    std::int64_t runId = 0;         ///< 0 when no store was given
    AccuracyMatrix accuracyMatrix;  ///< rows filled so far (T x T when finished)
    std::vector<double> initialAccuracy;
    Metrics metrics;
    std::string device;
    double wallSeconds = 0;
    std::int64_t trainableParams = 0;
    std::int64_t storedParams = 0;
    // Question-answering sequences only: the format and knowledge matrices next to the strict
    // accuracyMatrix, and the superficial/essential decomposition after the last task.
    bool questionAnswering = false;
    AccuracyMatrix formatMatrix, knowledgeMatrix;
    std::vector<double> initialFormat, initialKnowledge;
    ForgettingDecomposition decomposition;
};

/// Runs a validated config to the end, a stop request, or a failure. Never throws:
/// any exception becomes status "failed" with a message (and a Failed event).
/// `store` may be null (no persistence). With a store, a checkpoint is written after every task
/// (config.checkpoint.keep; docs/reliability.md), so the run can resume if it stops.
RunResult runExperiment(const RunConfig& config, RunStore* store, const ProgressCallback& onEvent);

/// Continues stored run `runId` (cancelled, failed or interrupted) from its last checkpoint, with
/// its stored config, in the same run row: rows recorded after the checkpoint are deleted, the
/// run is "running" again, then ends as any run does. Without a checkpoint (stopped during its
/// first task, or checkpoint.keep 0) it runs again from the start. On CPU with a fixed thread
/// count the result equals the uninterrupted run's bit for bit (tests/engine/tst_resume.cpp).
/// Never throws. A run that cannot resume (resumeProblem) is left untouched: the result is
/// "failed" with the reason, and a Failed event carries it.
RunResult resumeExperiment(RunStore& store, std::int64_t runId, const ProgressCallback& onEvent);

/// Why run `runId` cannot resume; empty when it can. RunStore::resumability (status, checkpoint
/// on disk) plus: the stored config still reads and validates, and the checkpoint's config,
/// code version (clwb, torch, compiler) and backbone file (size and modification time) match
/// the stored run, this program and the file now; each mismatch is named. Never throws.
std::string resumeProblem(RunStore& store, std::int64_t runId);

struct PretrainConfig
{
    std::string method = "simclr";  ///< "simclr" | "none"
    ModelConfig model;
    std::string dataPath;        ///< Fashion-MNIST directory (images only; labels never read)
    int epochs = 10;          ///< length of the learning-rate schedule
    int stopAfterEpochs = 0;  ///< stop early (schedule unchanged); 0 = run all epochs
    int batchSize = 256;
    double lr = 1e-3;
    double temperature = 0.2;
    int limit = 0;               ///< 0 = all 60000 training images
    int seed = 0;
    int threads = 0;
    std::string device = "auto";
    std::string output;          ///< checkpoint path
};

/// Self-supervised pretraining; writes `output`. Progress via Step/Log events.
RunResult pretrainBackbone(const PretrainConfig& config, const ProgressCallback& onEvent);

/// SimpleCIL-style probe of a backbone on Split Fashion-MNIST: prototype (cosine) and linear-probe
/// accuracy, class-incremental A_T. Used to compare pretraining candidates.
struct ProbeResult
{
    double prototypeFinalAccuracy = 0;
    double linearProbeAccuracy = 0;  ///< 10-way linear probe on frozen features, all classes
};
ProbeResult probeBackbone(const RunConfig& config, const ProgressCallback& onEvent);

/// Re-executes the program with OMP_WAIT_POLICY=PASSIVE unless the variable is already set.
/// libgomp reads it before main(), so this must be the first call in main(). Spinning OpenMP
/// workers made training 3x slower whenever another process (or the GUI thread) needed a core
/// (docs/performance.md). Returns only if no re-exec happened.
void preferPassiveOpenMp(char** argv);

/// "clwb 0.1.0, torch 1.13.0 (cpu), sqlite 3.40.1" as JSON.
std::string versionsJson();
/// True when this build's LibTorch sees a CUDA device.
bool cudaAvailable();

}  // namespace clwb
