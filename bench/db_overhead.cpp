// SPDX-License-Identifier: GPL-3.0-or-later
// Wall-time overhead of recording a run in the run database (RunStore) versus no store.
//
// The same small synthetic experiment runs through clwb::runExperiment with a RunStore on a fresh
// temporary file and with nullptr, alternating which goes first, after one untimed warm-up run.
// Only runExperiment is timed (opening the database happens once per process in clwb-run and the
// GUI). Public engine API only.
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_configs.h"

#include "clwb/engine.h"
#include "clwb/run_config.h"
#include "clwb/run_store.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kTargetOverheadPercent = 2.0;

struct Options
{
    int reps = 5;
    int tasks = 5;
    int trainPerClass = 200;
    int epochs = 2;
    int evalEvery = 5;
    int threads = 0;
};

const char* kUsage = R"(usage: bench_db_overhead [options]
  --reps N             timed runs with and without the database each (default 5)
  --tasks N            tasks of 2 synthetic classes (1..5, default 5)
  --train-per-class N  training images per class (default 200)
  --epochs N           epochs per task (default 2)
  --eval-every N       steps between live accuracy points (default 5)
  --threads N          threads (default 0 = auto: 1 OpenMP thread, BLAS on all cores)
)";

/// tests/engine/test_configs.h's tiny synthetic experiment, scaled up.
clwb::RunConfig benchConfig(const Options& o)
{
    auto c = clwb::test::tinyConfig("finetune", o.tasks);
    c.name = "bench_db_overhead";
    c.data.trainPerClass = o.trainPerClass;
    c.data.testPerClass = 100;
    c.data.curvePerTask = 50;
    c.train.epochs = o.epochs;
    c.train.evalEvery = o.evalEvery;
    c.threads = o.threads;
    c.device = "cpu";
    return c;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/// A fresh directory under the system temp dir, removed (with the database) on destruction.
class TempDir
{
public:
    TempDir()
    {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "clwb-bench-db-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary directory");
        path_ = tmpl;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// User + system CPU seconds of this process so far (all threads).
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

struct Timing
{
    double wall = 0, cpu = 0;
};

/// One run; returns the wall and CPU seconds runExperiment took. Throws when the run does not
/// finish.
Timing timedRun(const clwb::RunConfig& config, bool withStore, int64_t* steps)
{
    std::unique_ptr<TempDir> dir;
    std::unique_ptr<clwb::RunStore> store;
    if (withStore) {
        dir = std::make_unique<TempDir>();
        store = std::make_unique<clwb::RunStore>(dir->file("runs.sqlite"));
    }
    int64_t lastStep = 0;
    const double c0 = cpuSeconds();
    const auto t0 = Clock::now();
    const auto result = clwb::runExperiment(config, store.get(), [&](const clwb::RunEvent& ev) {
        if (ev.kind == clwb::RunEvent::Kind::Step) lastStep = ev.step;
        return true;
    });
    const Timing t{std::chrono::duration<double>(Clock::now() - t0).count(), cpuSeconds() - c0};
    if (result.status != clwb::RunStatus::Finished)
        throw std::runtime_error("the run " + clwb::toString(result.status) + ": " + result.message);
    if (steps) *steps = lastStep;
    return t;
}

Options parseOptions(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> int {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return std::stoi(argv[++i]);
        };
        if (a == "--reps") o.reps = next();
        else if (a == "--tasks") o.tasks = next();
        else if (a == "--train-per-class") o.trainPerClass = next();
        else if (a == "--epochs") o.epochs = next();
        else if (a == "--eval-every") o.evalEvery = next();
        else if (a == "--threads") o.threads = next();
        else if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
    if (o.reps < 1 || o.tasks < 1 || o.tasks > 5 || o.trainPerClass < 1 || o.epochs < 1 ||
        o.evalEvery < 0)
        throw std::invalid_argument("option out of range");
    return o;
}

}  // namespace

int main(int argc, char** argv)
{
    Options opt;
    try {
        opt = parseOptions(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_db_overhead: %s\n%s", e.what(), kUsage);
        return 2;
    }
    const auto config = benchConfig(opt);
    try {
        int64_t steps = 0;
        std::printf("bench_db_overhead: synthetic %dx2 classes, %d train/class, %d epochs, "
                    "batch %d, eval_every %d, %d reps each\n",
                    opt.tasks, opt.trainPerClass, opt.epochs, config.train.batchSize,
                    opt.evalEvery, opt.reps);
        std::fflush(stdout);
        const auto warm = timedRun(config, true, &steps);
        std::printf("warm-up run (with database, untimed): %.3f s, %lld steps\n", warm.wall,
                    (long long)steps);
        std::printf("%4s %12s %12s %12s %12s\n", "rep", "with db s", "no db s", "with db cpu",
                    "no db cpu");
        std::fflush(stdout);

        std::vector<double> withDb, noDb, withDbCpu, noDbCpu;
        for (int r = 0; r < opt.reps; ++r) {
            Timing a, b;
            if (r % 2 == 0) {  // alternate the order so drift does not favour one side
                a = timedRun(config, true, nullptr);
                b = timedRun(config, false, nullptr);
            } else {
                b = timedRun(config, false, nullptr);
                a = timedRun(config, true, nullptr);
            }
            withDb.push_back(a.wall);
            noDb.push_back(b.wall);
            withDbCpu.push_back(a.cpu);
            noDbCpu.push_back(b.cpu);
            std::printf("%4d %12.3f %12.3f %12.3f %12.3f\n", r + 1, a.wall, b.wall, a.cpu, b.cpu);
            std::fflush(stdout);
        }
        const double mDb = median(withDb), mNo = median(noDb);
        const double overhead = 100.0 * (mDb - mNo) / mNo;
        const double minOverhead = 100.0 * (*std::min_element(withDb.begin(), withDb.end()) -
                                            *std::min_element(noDb.begin(), noDb.end())) /
                                   *std::min_element(noDb.begin(), noDb.end());
        std::printf("\nmedian wall time: with database %.3f s, without %.3f s\n", mDb, mNo);
        const double cpuOverhead = 100.0 * (median(withDbCpu) - median(noDbCpu)) / median(noDbCpu);
        std::printf("overhead (medians) %+.2f%%   (minima %+.2f%%; CPU time, medians %+.2f%%)\n",
                    overhead, minOverhead, cpuOverhead);
        std::printf("TARGET db overhead: %+.2f%%, target <= %.0f%%, ratio %.2f -> %s\n", overhead,
                    kTargetOverheadPercent, overhead / kTargetOverheadPercent,
                    overhead <= kTargetOverheadPercent ? "PASS" : "MISS");
        std::printf("RESULT median_db_s=%.4f median_nodb_s=%.4f overhead_percent=%.3f "
                    "cpu_overhead_percent=%.3f\n",
                    mDb, mNo, overhead, cpuOverhead);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_db_overhead: %s\n", e.what());
        return 1;
    }
    return 0;
}
