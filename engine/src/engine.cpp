// SPDX-License-Identifier: GPL-3.0-or-later
// The engine facade: validation, device and thread set-up, run bookkeeping. Every exception
// stops here and becomes a failed run with a message.
#include "clwb/engine.h"

#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>
#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <map>
#include <optional>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "checks.h"
#include "checkpoint/run_checkpoint.h"
#include "clwb/run_log.h"
#include "execute.h"
#include "logging.h"
#include "out_of_memory.h"
#include "store/run_recorder.h"
#include "clwb/run_store.h"
#include "threads.h"
#include "trainer.h"

namespace clwb {
namespace detail {

/// OpenBLAS keeps its own thread pool beside torch's OpenMP one; found at run time so the engine
/// links against any BLAS.
bool setBlasThreads(int n)
{
    using SetThreads = void (*)(int);
    // Looked up once: the shard pool sets the count twice per step, and dlsym is a symbol search.
    static const auto fn =
        reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (fn) fn(n);
    return fn != nullptr;
}

int cpuCores() { return int(std::max(1u, std::thread::hardware_concurrency())); }

int blasThreads()
{
    using GetThreads = int (*)();
    static const auto fn = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return fn ? fn() : 0;
}

void tuneAllocator()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // glibc returns every block above its mmap threshold (dynamic, at most 32 MB) straight to
        // the kernel, so each step's large activations fault their pages in afresh: 1.65 M minor
        // faults in 5 ViT-S/16 steps at batch 16. Blocks up to 256 MB stay in the heap, which is
        // not trimmed below 1 GB: 0.54 M faults and 8 % off a step (docs/performance.md; the
        // benchmarks give the peer the same through bench/malloc_tuning.sh). The
        // environment's MALLOC_*_ settings win.
        if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 256 << 20);
        if (!std::getenv("MALLOC_TRIM_THRESHOLD_")) mallopt(M_TRIM_THRESHOLD, 1 << 30);
        if (!std::getenv("MALLOC_TOP_PAD_")) mallopt(M_TOP_PAD, 256 << 20);
    });
}

void configureThreads(int requested)
{
    tuneAllocator();
    const int cores = cpuCores();
    // Measured on the 2-core reference machine (docs/performance.md, bench/thread_sweep.sh): GEMMs
    // dominate and OpenBLAS parallelises them well, while OpenMP barriers around the many small
    // ops of a small ViT cost more than they save (and collapse when another process wants a
    // core). So "auto" = one intra-op thread, BLAS on every core; an explicit count N uses N of
    // both. CLWB_BLAS_THREADS overrides the BLAS count. Without OpenBLAS (PyPI's LibTorch 2.x:
    // MKL and oneDNN, whose GEMMs run on the OpenMP threads) "auto" is every core for OpenMP,
    // or every GEMM would run on one core (bench/train_throughput: 1.9x slower steps).
    int blas = requested > 0 ? requested : cores;
    if (const char* env = std::getenv("CLWB_BLAS_THREADS"); env && *env) blas = std::atoi(env);
    const bool openBlas = setBlasThreads(blas);
    at::set_num_threads(requested > 0 ? requested : openBlas ? 1 : cores);
}

std::string resolveDevice(const std::string& requested)
{
    if (requested == "cuda") return "cuda";
    if (requested == "cpu") return "cpu";
    return torch::cuda::is_available() ? "cuda" : "cpu";
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace detail

bool cudaAvailable() { return torch::cuda::is_available(); }

void preferPassiveOpenMp(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY")) return;
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    self[n] = '\0';
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv(self, argv);  // the real path keeps the process name; on failure carry on as we are
}

std::string versionsJson()
{
    nlohmann::json j = {{"clwb", CLWB_VERSION},
                        {"torch", TORCH_VERSION},
                        {"torch_cuda", torch::cuda::is_available()},
                        {"sqlite", sqlite3_libversion()},
                        {"compiler", __VERSION__}};
    return j.dump();
}

namespace {

/// The summary metrics a finished run stores (RunEvent::summary).
std::map<std::string, double> summaryOf(const RunResult& r)
{
    std::map<std::string, double> m;
    for (const auto& [k, v] : metricsAsList(r.metrics)) m[k] = v;
    m["trainable_params"] = double(r.trainableParams);
    m["stored_params"] = double(r.storedParams);
    m["wall_seconds"] = r.wallSeconds;
    if (r.questionAnswering) {
        const auto& d = r.decomposition;
        m["strict_drop"] = d.meanStrictDrop;
        m["essential_forgetting"] = d.meanEssential;
        m["superficial_forgetting"] = d.meanSuperficial;
        for (size_t j = 0; j < d.essential.size(); ++j) {
            m["essential_forgetting/task" + std::to_string(j)] = d.essential[j];
            m["superficial_forgetting/task" + std::to_string(j)] = d.superficial[j];
        }
    }
    return m;
}

}  // namespace

RunResult runExperiment(const RunConfig& config, RunStore* store, const ProgressCallback& onEvent)
{
    return detail::execute(config, store, onEvent, nullptr);
}

RunResult detail::execute(const RunConfig& requested, RunStore* store,
                          const ProgressCallback& onEvent, const ResumePoint* resume)
{
    RunResult result;
    const auto start = std::chrono::steady_clock::now();
    std::optional<detail::RunRecorder> recorder;
    // Every event goes to the recorder first (the database), then to the caller.
    const ProgressCallback sink = [&](const RunEvent& ev) {
        if (recorder) recorder->record(ev);
        return onEvent ? onEvent(ev) : true;
    };
    // The run's log (spdlog): Log events reach the sink through it, and its file gets every line.
    detail::RunLog runLog(sink);
    const ProgressCallback events = runLog.events();
    // The run's last event: stored with its status before the caller hears of it, so a window
    // that refreshes on it reads the final row. A store that fails now only adds to the message.
    auto end = [&](RunEvent ev, RunStatus status) {
        result.status = status;
        runLog.note(ev);
        // A resumed run counts the seconds before its checkpoint too (the trainer's figure).
        result.wallSeconds = std::max(
            result.wallSeconds,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (recorder) {
            try {
                recorder->record(ev);
                recorder->finish(status, result.message);
            } catch (const std::exception& e) {
                // The same failure again (a lock, a deleted file) is said once.
                const std::string why = e.what();
                result.message += (result.message.empty() ? "" : "; ") +
                                  (why == result.message ? std::string("the run's end could not be "
                                                                       "recorded either")
                                                         : "could not record the run's end: " + why);
            }
        }
        if (onEvent) onEvent(ev);
    };
    auto fail = [&](const std::string& message) {
        result.message = message;
        RunEvent ev;
        ev.kind = RunEvent::Kind::Failed;
        ev.message = message;
        end(ev, RunStatus::Failed);
    };

    const auto errors = validateRunConfig(requested);
    if (!errors.empty()) {
        std::string message = "invalid configuration:";
        for (const auto& e : errors) message += "\n  " + (e.path.empty() ? "" : e.path + ": ") + e.message;
        fail(message);
        return result;
    }

    RunConfig config;
    detail::CheckpointPlan plan;
    try {
        config = detail::effectiveConfig(requested);
        result.device = detail::resolveDevice(config.device);
        detail::configureThreads(config.threads);
        torch::manual_seed(uint64_t(config.seed));
        if (store) {
            RunRecord rec;
            rec.name = config.name.empty() ? config.strategy : config.name;
            rec.configJson = toJson(config);
            if (resume) {
                // The stored row's config: the checkpoints' headers quote it as it is.
                rec.configJson = resume->configJson;
                result.runId = resume->runId;
                store->reopenRun(resume->runId, resume->checkpoint.empty() ? -1 : resume->afterTask,
                                 resume->step);
            } else {
                rec.strategy = config.strategy;
                rec.seed = config.seed;
                rec.versionsJson = versionsJson();
                rec.device = result.device;
                result.runId = store->createRun(rec);
            }
            recorder.emplace(*store, result.runId);
            const auto logFile = runLogPath(store->path(), result.runId);
            if (auto why = runLog.openFile(logFile, /*append=*/resume != nullptr); !why.empty())
                runLog.log(LogLevel::Warning, "no log file " + logFile + ": " + why);
            runLog.record(LogLevel::Info, std::string(resume ? "resuming " : "") + "run " +
                                              std::to_string(result.runId) + " \"" + rec.name +
                                              "\", clwb " CLWB_VERSION ", database " + store->path());
            runLog.record(LogLevel::Debug,
                          "config: " + nlohmann::json::parse(rec.configJson).dump());
            plan.folder = runCheckpointDir(store->path(), result.runId);
            plan.keep = config.checkpoint.keep;
            plan.runId = result.runId;
            plan.configJson = rec.configJson;
            plan.backbone = detail::backboneFingerprint(config.model);
            if (resume) plan.resumeFrom = resume->checkpoint;
        }
    } catch (const std::exception& e) {
        fail("could not start the run: " + detail::firstLine(e.what()));
        return result;
    }

    try {
        detail::trainExperiment(config, result.device, events, result, plan);
        RunEvent ev;
        ev.kind = RunEvent::Kind::Finished;
        for (const auto& kv : metricsAsList(result.metrics)) ev.values.push_back(kv.second);
        ev.summary = summaryOf(result);
        end(ev, RunStatus::Finished);
    } catch (const detail::RunCancelled&) {
        result.message = "stopped by the user after " + std::to_string(result.accuracyMatrix.size()) +
                         " of " + std::to_string(resolvedTasks(config).size()) + " tasks";
        RunEvent ev;
        ev.kind = RunEvent::Kind::Cancelled;
        ev.message = result.message;
        end(ev, RunStatus::Cancelled);
    } catch (const c10::OutOfMemoryError& e) {
        fail(detail::outOfMemoryMessage(e.what_without_backtrace(), result.device,
                                        config.train.batchSize));
    } catch (const c10::Error& e) {  // the CPU allocator's "not enough memory" among them
        const std::string what = e.what_without_backtrace();
        fail(detail::isOutOfMemory(what)
                 ? detail::outOfMemoryMessage(what, result.device, config.train.batchSize)
                 : "torch error: " + detail::firstLine(what));
    } catch (const std::exception& e) {
        fail(detail::isOutOfMemory(e.what())
                 ? detail::outOfMemoryMessage(e.what(), result.device, config.train.batchSize)
                 : detail::firstLine(e.what()));
    }
    return result;
}

}  // namespace clwb
