// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment description shared by clwb-run, the GUI and the run database (as JSON).
#pragma once

#include <string>
#include <vector>

#include "clwb/strategy_info.h"

namespace clwb {

/// One task of a sequence: the classes it introduces (class-incremental) or, for
/// domain-incremental scenarios, all classes under a task-specific transform.
struct TaskSpec
{
    std::vector<int> classes;
};

struct DataConfig
{
    /// "fashion-mnist" | "idx" | "cifar10" | "cifar100" | "image-folder" | "file-list" |
    /// "synthetic" (docs/data.md)
    std::string dataset = "fashion-mnist";
    /// fashion-mnist / idx: folder of the IDX files (empty = the Debian package's Fashion-MNIST);
    /// cifar10 / cifar100: folder of the binary distribution; image-folder: the root folder
    /// (root/<class>/*.jpg, or root/train/<class>/ and root/test/<class>/); file-list: the CSV file
    std::string path;
    /// image-folder without train/ and test/, file-list without a split column: the share of each
    /// class held out for testing (seeded, stratified)
    double testFraction = 0.2;
    /// Unreadable or corrupt image files: "skip" (counted, named in the log) | "reject" (the run
    /// fails naming the first one)
    std::string badImages = "skip";
    /// image-folder / file-list: images are decoded once and stored as storeSize x storeSize uint8
    /// (shorter side resized, centre crop); 0 = the model's image size
    int storeSize = 0;
    /// Training-time augmentation, on the device, per batch: "none" | "flip" | "crop-flip"
    /// (random resized crop, scale 0.08-1, + horizontal flip)
    std::string augment = "none";
    /// Megabytes of memory the run's images may take; above it each task's images are written to
    /// a file beside the decode cache and streamed from it with a prefetching thread
    /// (docs/data.md, "Memory"). 0 = half of the machine's physical memory.
    double memoryLimitMb = 0.0;
    std::string scenario = "class-incremental";  ///< | "permuted" | "rotated" | "qa"
    std::vector<TaskSpec> tasks;  ///< class groups; empty = the classes split into numTasks groups
    int numTasks = 5;             ///< default split (class-incremental) / permuted / rotated
    double rotationStep = 30.0;   ///< degrees per task for "rotated"
    bool shuffleClassOrder = false;  ///< permute class ids with the seed before splitting
    int trainPerClass = 0;           ///< 0 = all training images of the class
    int testPerClass = 0;            ///< 0 = all test images of the class
    int curvePerTask = 200;          ///< test images per task for the live accuracy curves
    /// Test images per task in the prediction gallery (seeded, spread over the task's classes;
    /// docs/metrics.md); 0 = none. Classification sequences only.
    int galleryPerTask = 8;
    /// Test images per class whose features are projected to 2-D after every boundary (feature
    /// drift, seeded; docs/metrics.md); 0 = none. Classification sequences only.
    int driftPerClass = 24;
    /// "qa": native answer style of each task, cycled (yn | mcq | short | brief | detail);
    /// empty = yn, mcq, short, brief, detail.
    std::vector<std::string> qaStyles;
    /// "qa": Answer Style Diversification, % of each task's training questions converted evenly
    /// into the four other styles (SEFE: 20); 0 = native only.
    double asdPercent = 0.0;
};

struct ModelConfig
{
    /// "pretrained" (the bundled backbone) | "random" | path to a checkpoint (.pt of clwb,
    /// .safetensors / .pt / .pth of timm or torchvision; docs/backbones.md)
    std::string backbone = "pretrained";
    /// timm architecture name ("vit_base_patch16_224"): fixes heads, pooling and preprocessing
    /// where a checkpoint's tensors cannot; empty = inferred from the tensors
    std::string arch;
    int imageSize = 28;
    int channels = 1;
    int patchSize = 7;
    int dim = 64;
    int depth = 4;
    int heads = 4;
    int mlpRatio = 4;
    int mlpHidden = 0;          ///< MLP hidden width; 0 = dim * mlpRatio
    std::string pool = "mean";  ///< "mean" (patch tokens) | "cls" (class token)
    bool classToken = true;     ///< a class token is prepended (timm class_token)
    bool fcNorm = false;        ///< norm after pooling instead of before (timm fc_norm, with "mean")
    bool layerScale = false;    ///< per-channel scales ls1/ls2 on the residual branches
    bool qkvBias = true;        ///< bias on attn.qkv
    bool bias = true;           ///< bias on attn.proj, mlp.fc1, mlp.fc2 and the patch projection
    /// Input normalisation of the backbone, per channel; empty = the dataset's own statistics
    /// (what clwb's small self-pretrained backbones were trained with)
    std::vector<double> mean, std;
};

struct TrainConfig
{
    int epochs = 1;
    int batchSize = 128;
    double lr = 1e-3;
    double weightDecay = 0.0;
    int evalEvery = 20;  ///< steps between live per-task accuracy points; 0 = task ends only
    /// "fp32" | "bf16" | "fp16": autocast of forward passes (training and evaluation); fp16 with
    /// dynamic loss scaling and CUDA only; bf16 also on CPUs (slow without native bf16 units)
    std::string precision = "fp32";
    /// A batch whose loss is NaN or infinite: "stop" (the run fails naming the task, step and the
    /// last finite loss) | "skip" (the batch is skipped without an update and logged; the run
    /// still fails once more than kMaxSkippedInARow batches in a row were skipped)
    std::string nonfinite = "stop";
    static constexpr int kMaxSkippedInARow = 10;
    /// Data parallelism on the CPU: each batch split into this many slices computed at once on
    /// single-threaded workers, their gradients summed in a fixed order (deterministic for a given
    /// count). 0 = auto: one per thread (`threads`, or every core), for strategies that allow it
    /// (Strategy::shardable), at least kMinShardRows rows each; 1 = off. Always 1 on CUDA and
    /// with fp16.
    int shards = 0;
    static constexpr int kMinShardRows = 8;
};

/// Checkpoints at task boundaries (docs/reliability.md).
struct CheckpointConfig
{
    /// Checkpoint files kept per run, the newest; one is written after every task (next to the
    /// run database) so a stopped run can resume. 0 = none written: a stopped run then resumes
    /// from its first task.
    int keep = 1;
};

struct RunConfig
{
    std::string name;
    std::string strategy = "finetune";
    ParamValues params;  ///< strategy parameters; missing keys take their defaults
    DataConfig data;
    ModelConfig model;
    TrainConfig train;
    CheckpointConfig checkpoint;
    int seed = 0;
    std::string device = "auto";  ///< "auto" | "cpu" | "cuda"
    int threads = 0;              ///< 0 = auto (1 intra-op thread, BLAS on all cores); N = N of both
};

/// A problem with a config, located by its JSON path ("train.lr", "data.tasks[2].classes").
struct ConfigError
{
    std::string path;
    std::string message;
};

struct ConfigParseResult
{
    RunConfig config;
    std::vector<ConfigError> errors;  ///< empty = usable
    bool ok() const { return errors.empty(); }
};

/// Parses a JSON experiment. Unknown keys and wrong types are errors, one per problem.
/// `overrides` are "key.path=value" strings applied before validation (clwb-run --set).
ConfigParseResult parseRunConfig(const std::string& json,
                                 const std::vector<std::string>& overrides = {});

/// `json` read into a RunConfig with its syntax, key and type errors, but no validation: nothing
/// on disk or about the machine is looked at (stored runs' snapshots, on the GUI thread).
ConfigParseResult readRunConfig(const std::string& json);

/// Reads and parses a file; a missing or unreadable file is reported as an error at path "".
ConfigParseResult loadRunConfig(const std::string& file,
                                const std::vector<std::string>& overrides = {});

/// Serialises to the same JSON that parseRunConfig reads (all fields written).
std::string toJson(const RunConfig& config, int indent = 2);

/// Checks that need the outside world: dataset files, checkpoint readability, CUDA, strategy
/// parameters and ranges, class groups. parseRunConfig already calls it.
std::vector<ConfigError> validateRunConfig(const RunConfig& config);

/// Task class groups after defaults and class-order shuffling: what the run actually uses.
std::vector<TaskSpec> resolvedTasks(const RunConfig& config);

/// Human-readable class names for a dataset ("T-shirt/top", ...).
std::vector<std::string> classNames(const std::string& dataset);

/// The directory holding the bundled resources (default checkpoint, demo config).
std::string resourceDir();

/// The bundled demo experiment.
RunConfig demoConfig();

}  // namespace clwb
