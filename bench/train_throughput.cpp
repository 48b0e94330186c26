// SPDX-License-Identifier: GPL-3.0-or-later
// Train-step throughput of the ViT (samples/s, GFLOP/s) against the sgemm peak of this machine.
//
// Full fine-tuning steps (forward, cross-entropy, backward, AdamW) on random 28x28x1 batches (or,
// with --arch, a timm-shaped ViT such as vit_small_patch16_224 on random 224x224x3 batches, the
// model bench/vit_train_step.sh times against timm in plain PyTorch), timed one by one after
// warm-up steps; the throughput uses the median step. Model FLOPs are counted analytically
// (linears, attention matmuls, patch embedding, head; training = 3 x forward), so GFLOP/s measure
// useful work, not what the kernels happen to execute. The peak is torch::mm of 1024x1024 float32
// under the same OpenMP / OpenBLAS thread settings, measured in the same process just before the
// configs run.
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "model/vit.h"
#include "model/vit_arch.h"
#include "threads.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kTargetShare = 0.60;  // of the sgemm peak, for the dim-192 ("base") config
constexpr const char* kTargetConfig = "base";

struct BenchConfig
{
    std::string name;
    int dim, depth, heads, patch;
    int imageSize = 28, channels = 1;
    const clwb::detail::KnownArch* arch = nullptr;  ///< timm flags (pooling, class token, ...)
};

const std::vector<BenchConfig> kConfigs = {
    {"tiny", 64, 4, 4, 7},
    {"small", 128, 6, 4, 7},
    {"base", 192, 6, 3, 4},
};

struct Options
{
    int threads = 0;       ///< OpenMP (intra-op) threads; 0 = auto, as the engine does
    int blasThreads = -1;  ///< -1 = the engine's default (CLWB_BLAS_THREADS, else all cores)
    int steps = 20;
    int warmup = 3;
    int batch = 0;  ///< 0 = 128 for the built-in configs, 32 with --arch
    std::string config = "all";
    std::string arch;   ///< a timm name from knownArchitectures(); replaces --config
    int imageSize = 0;  ///< with --arch; 0 = the architecture's own
    int classes = 10;
};

const char* kUsage = R"(usage: bench_train_throughput [options]
  --config tiny|small|base|all  which ViT configs to time (default all)
  --threads N        OpenMP intra-op threads (default: the engine's auto: 1 with OpenBLAS,
                     every core with another BLAS such as the PyPI wheel's MKL)
  --blas-threads N   OpenBLAS threads (default: $CLWB_BLAS_THREADS or all cores, like the engine)
  --steps N          timed steps per config (default 20)
  --warmup N         untimed warm-up steps per config (default 3)
  --batch N          batch size (default 128; 32 with --arch)
  --arch NAME        time a timm-shaped ViT instead (e.g. vit_small_patch16_224): random
                     weights, random 3-channel input, timm's pooling and class token
  --image-size N     input size with --arch (default: the architecture's, e.g. 224)
  --classes N        classes of the head and the labels (default 10)
)";

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// OpenBLAS keeps its own pool beside torch's OpenMP one; looked up at run time like engine.cpp
// does, so the benchmark also runs (without BLAS control) against another BLAS.
int blasThreads()
{
    using GetThreads = int (*)();
    auto fn = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return fn ? fn() : -1;
}

std::string blasDescription()
{
    using GetConfig = char* (*)();
    auto fn = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    return fn ? fn() : "not OpenBLAS (thread count not controlled)";
}

/// Forward FLOPs of one image: multiply-adds x 2 of every matmul; norms, softmax, GELU and the
/// optimiser are not counted.
double forwardFlopsPerSample(const clwb::ModelConfig& c, int classes)
{
    const double grid = double(c.imageSize / c.patchSize);
    const double patches = grid * grid;
    const double n = patches + 1;  // + cls token
    const double d = c.dim, r = c.mlpRatio;
    const double patchEmbed = 2.0 * patches * double(c.channels * c.patchSize * c.patchSize) * d;
    const double linears = 2.0 * n * d * d * (3.0 + 1.0 + 2.0 * r);  // qkv, proj, fc1 + fc2
    const double attention = 2.0 * 2.0 * n * n * d;                  // q k^T and attn v
    const double head = 2.0 * d * classes;
    return patchEmbed + double(c.depth) * (linears + attention) + head;
}

/// Best of several rounds of torch::mm on 1024x1024 float32, in GFLOP/s.
double sgemmPeak(int size = 1024, int rounds = 5, int perRound = 5)
{
    torch::NoGradGuard noGrad;
    auto a = torch::randn({size, size}), b = torch::randn({size, size});
    auto c = torch::empty({size, size});
    for (int i = 0; i < 3; ++i) at::mm_out(c, a, b);
    const double flops = 2.0 * double(size) * size * size * perRound;
    double best = 0;
    for (int r = 0; r < rounds; ++r) {
        const auto t0 = Clock::now();
        for (int i = 0; i < perRound; ++i) at::mm_out(c, a, b);
        best = std::max(best, flops / seconds(t0, Clock::now()) / 1e9);
    }
    return best;
}

struct Result
{
    BenchConfig config;
    int64_t params = 0;
    double trainGflopPerSample = 0;
    double medianStep = 0, meanStep = 0, minStep = 0;
    double samplesPerSecond = 0, gflops = 0, share = 0;
    double finalLoss = 0;
};

clwb::ModelConfig modelConfig(const BenchConfig& bc)
{
    clwb::ModelConfig mc;
    mc.backbone = "random";
    mc.imageSize = bc.imageSize;
    mc.channels = bc.channels;
    mc.patchSize = bc.patch;
    mc.dim = bc.dim;
    mc.depth = bc.depth;
    mc.heads = bc.heads;
    mc.mlpRatio = 4;
    if (const auto* a = bc.arch) {  // what timm builds for the name; norms eps 1e-6 as timm's
        mc.arch = a->name;
        mc.classToken = a->classToken;
        mc.pool = a->pool;
        mc.fcNorm = a->fcNorm;
        mc.layerScale = a->layerScale;
        mc.qkvBias = a->qkvBias;
    }
    return mc;
}

Result timeConfig(const BenchConfig& bc, const Options& opt, double peak)
{
    const clwb::ModelConfig mc = modelConfig(bc);
    torch::manual_seed(0);
    clwb::detail::Vit model(mc, opt.classes);
    model->train();
    // AdamW as the trainer builds it (TrainConfig's default weight decay 0).
    torch::optim::AdamW optimiser(model->parameters(),
                                  torch::optim::AdamWOptions(1e-3).weight_decay(0.0));

    // A few distinct batches, so no step sees exactly the same data as the previous one.
    std::vector<torch::Tensor> xs, ys;
    for (int i = 0; i < 4; ++i) {
        xs.push_back(torch::randn({opt.batch, bc.channels, bc.imageSize, bc.imageSize}));
        ys.push_back(torch::randint(0, opt.classes, {opt.batch}, torch::kLong));
    }

    Result r;
    r.config = bc;
    for (const auto& p : model->parameters()) r.params += p.numel();
    r.trainGflopPerSample = 3.0 * forwardFlopsPerSample(mc, opt.classes) / 1e9;

    std::vector<double> stepTimes;
    for (int s = 0; s < opt.warmup + opt.steps; ++s) {
        const auto t0 = Clock::now();
        const size_t b = size_t(s) % xs.size();
        auto loss = torch::nn::functional::cross_entropy(model->forward(xs[b]), ys[b]);
        const auto t1 = Clock::now();
        optimiser.zero_grad();
        loss.backward();
        const auto t2 = Clock::now();
        optimiser.step();
        r.finalLoss = loss.item<double>();  // the trainer reads the loss every step too
        const auto t3 = Clock::now();
        if (s >= opt.warmup) {
            stepTimes.push_back(seconds(t0, t3));
            if (std::getenv("CLWB_BENCH_PHASES"))  // where a step's time goes (issue 11)
                std::printf("PHASES forward %.3f s, backward %.3f s, optimiser %.3f s\n",
                            seconds(t0, t1), seconds(t1, t2), seconds(t2, t3));
        }
    }
    if (const char* trace = std::getenv("CLWB_BENCH_PROFILE")) {  // a forward's ops, for issue 11
        torch::autograd::profiler::RecordProfile profile(trace);
        model->forward(xs[0]);
    }
    r.medianStep = median(stepTimes);
    r.minStep = *std::min_element(stepTimes.begin(), stepTimes.end());
    double sum = 0;
    for (double t : stepTimes) sum += t;
    r.meanStep = sum / double(stepTimes.size());
    r.samplesPerSecond = double(opt.batch) / r.medianStep;
    r.gflops = r.samplesPerSecond * r.trainGflopPerSample;
    r.share = peak > 0 ? r.gflops / peak : 0;
    return r;
}

Options parseOptions(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--threads") o.threads = std::stoi(next());
        else if (a == "--blas-threads") o.blasThreads = std::stoi(next());
        else if (a == "--steps") o.steps = std::stoi(next());
        else if (a == "--warmup") o.warmup = std::stoi(next());
        else if (a == "--batch") o.batch = std::stoi(next());
        else if (a == "--config") o.config = next();
        else if (a == "--arch") o.arch = next();
        else if (a == "--image-size") o.imageSize = std::stoi(next());
        else if (a == "--classes") o.classes = std::stoi(next());
        else if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
    if (o.batch == 0) o.batch = o.arch.empty() ? 128 : 32;
    if (o.steps < 1 || o.warmup < 0 || o.batch < 1 || o.classes < 1)
        throw std::invalid_argument("--steps, --batch, --classes must be >= 1, --warmup >= 0");
    if (!o.arch.empty() && !clwb::detail::findKnownArch(o.arch))
        throw std::invalid_argument("unknown architecture " + o.arch +
                                    " (one of clwb::knownArchitectures(), e.g. "
                                    "vit_small_patch16_224)");
    if (o.imageSize < 0 || (o.imageSize > 0 && o.arch.empty()))
        throw std::invalid_argument("--image-size N (N >= 1) goes with --arch");
    if (o.config != "all" &&
        std::none_of(kConfigs.begin(), kConfigs.end(),
                     [&](const BenchConfig& c) { return c.name == o.config; }))
        throw std::invalid_argument("unknown config " + o.config + " (tiny|small|base|all)");
    return o;
}

}  // namespace

int main(int argc, char** argv)
{
    Options opt;
    try {
        opt = parseOptions(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_train_throughput: %s\n%s", e.what(), kUsage);
        return 2;
    }

    // The engine's thread set-up (engine.cpp, configureThreads), with an explicit BLAS override.
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    clwb::detail::configureThreads(opt.threads);
    if (opt.blasThreads >= 0) clwb::detail::setBlasThreads(opt.blasThreads);
    const int omp = at::get_num_threads();
    const int blasNow = blasThreads();

    std::vector<BenchConfig> configs;
    if (!opt.arch.empty()) {
        const auto* a = clwb::detail::findKnownArch(opt.arch);
        BenchConfig bc{opt.arch, a->dim, a->depth, a->heads, a->patch};
        bc.imageSize = opt.imageSize > 0 ? opt.imageSize : a->imageSize;
        bc.channels = 3;
        bc.arch = a;
        if (bc.imageSize % bc.patch != 0) {
            std::fprintf(stderr,
                         "bench_train_throughput: --image-size %d is not a multiple of "
                         "the patch size %d\n",
                         bc.imageSize, bc.patch);
            return 2;
        }
        configs.push_back(bc);
    } else {
        for (const auto& bc : kConfigs)
            if (opt.config == "all" || opt.config == bc.name) configs.push_back(bc);
    }
    const BenchConfig& first = configs.front();  // all built-in configs share the input shape

    std::printf("bench_train_throughput: %d cores, OpenMP threads %d, OpenBLAS threads %d\n", cores,
                omp, blasNow);
    std::printf("BLAS: %s\n", blasDescription().c_str());
    for (const char* var : {"OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
                            "OPENBLAS_NUM_THREADS", "CLWB_BLAS_THREADS"})
        if (const char* v = std::getenv(var)) std::printf("env %s=%s\n", var, v);
    std::printf(
        "batch %d, %dx%dx%d, %d classes, AdamW lr 1e-3 (no weight decay), %d warm-up + "
        "%d timed steps per config\n",
        opt.batch, first.imageSize, first.imageSize, first.channels, opt.classes, opt.warmup,
        opt.steps);
    std::fflush(stdout);

    const double peak = sgemmPeak();
    std::printf("sgemm peak (torch::mm 1024x1024 float32, same threads): %.1f GFLOP/s\n", peak);
    if (blasNow > 0 && blasNow != cores) {  // for reference only: the ratios use `peak`
        clwb::detail::setBlasThreads(cores);
        const double allCores = sgemmPeak();
        clwb::detail::setBlasThreads(blasNow);
        std::printf("(for reference: %.1f GFLOP/s with OpenBLAS threads = %d cores)\n", allCores,
                    cores);
    }
    std::printf("\n");
    int nameWidth = 6;
    for (const auto& bc : configs) nameWidth = std::max(nameWidth, int(bc.name.size()));
    std::printf("%-*s %4s %5s %5s %5s %6s %9s %11s %10s %10s %10s %8s %7s\n", nameWidth, "config",
                "dim", "depth", "heads", "patch", "tokens", "params", "GFLOP/smpl", "step ms",
                "samples/s", "GFLOP/s", "of peak", "loss");
    std::fflush(stdout);

    std::vector<Result> results;
    for (const auto& bc : configs) {
        const auto r = timeConfig(bc, opt, peak);
        const int grid = bc.imageSize / bc.patch;
        const int tokens = grid * grid + (modelConfig(bc).classToken ? 1 : 0);
        std::printf("%-*s %4d %5d %5d %5d %6d %9lld %11.4f %10.1f %10.1f %10.2f %7.1f%% %7.3f\n",
                    nameWidth, bc.name.c_str(), bc.dim, bc.depth, bc.heads, bc.patch, tokens,
                    (long long)r.params, r.trainGflopPerSample, 1e3 * r.medianStep,
                    r.samplesPerSecond, r.gflops, 100.0 * r.share, r.finalLoss);
        std::fflush(stdout);
        results.push_back(r);
    }
    std::printf("(step ms = median timed step; samples/s and GFLOP/s from it)\n\n");

    for (const auto& r : results) {
        std::printf(
            "RESULT config=%s omp=%d blas=%d batch=%d image_size=%d samples_per_s=%.2f "
            "gflops=%.3f peak_gflops=%.2f share=%.4f median_step_ms=%.2f "
            "mean_step_ms=%.2f min_step_ms=%.2f median_step_s=%.4f\n",
            r.config.name.c_str(), omp, blasNow, opt.batch, r.config.imageSize, r.samplesPerSecond,
            r.gflops, peak, r.share, 1e3 * r.medianStep, 1e3 * r.meanStep, 1e3 * r.minStep,
            r.medianStep);
        if (r.config.name == kTargetConfig)
            std::printf("TARGET %s (dim %d): %.1f%% of sgemm peak, target >= %.0f%%, ratio %.2f "
                        "-> %s\n",
                        kTargetConfig, r.config.dim, 100.0 * r.share, 100.0 * kTargetShare,
                        r.share / kTargetShare, r.share >= kTargetShare ? "PASS" : "MISS");
    }
    return 0;
}
