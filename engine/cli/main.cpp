// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run: the headless runner. Progress and tables on stderr, the JSON summary on stdout.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "clwb/datasets.h"
#include "inspect_commands.h"
#include "resume_command.h"
#include "runs_commands.h"
#include "study_commands.h"
#include <sstream>
#include <string>
#include <vector>

#include "clwb/engine.h"
#include "clwb/run_config.h"
#include "clwb/run_log.h"
#include "clwb/run_store.h"

namespace {

std::atomic<bool> stopRequested{false};
std::atomic<int> stopSignal{0};

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

/// Ctrl-C, `kill`, a Slurm time limit (SIGTERM), `systemctl stop` or a closed terminal (SIGHUP):
/// the run stops at its next step and is stored as cancelled, so it stays resumable. Any second
/// signal ends the process at once (the database is transactional, so it stays intact).
void onStopSignal(int signo)
{
    stopRequested = true;
    stopSignal = signo;
    for (int s : kStopSignals) std::signal(s, SIG_DFL);
}

void handleStopSignals()
{
    for (int s : kStopSignals) {
        struct sigaction sa {};
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(s, &sa, nullptr);
    }
}

/// The exit status of a run that ended: 0 finished; 128 + the signal for a run stopped by one
/// (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), as a shell reports a process a signal ended, so a
/// scheduler sees "stopped", not "failed"; 1 failed.
int exitStatus(clwb::RunStatus status)
{
    if (status == clwb::RunStatus::Finished) return 0;
    if (status == clwb::RunStatus::Cancelled) return 128 + (stopSignal ? int(stopSignal) : SIGINT);
    return 1;
}

const char* kUsage = R"(usage:
  clwb-run --config FILE [options]     run an experiment (JSON, see examples/)
  clwb-run --demo [options]            run the bundled demo experiment
  clwb-run [--db FILE] --resume RUN_ID [--check] [--summary-json FILE] [--quiet]
                                       continue a stopped run (cancelled, failed, interrupted)
                                       from its last checkpoint, with its stored config, in the
                                       same run row; --check only says whether it can
  clwb-run pretrain [pretrain options] pretrain a backbone without labels (SimCLR)
  clwb-run probe [--backbone B] [--train-per-class N] [--seed N]
                                       prototype and linear-probe accuracy of a backbone
                                       (B = pretrained | random | pixels | FILE)
  clwb-run strategies                  list strategies and their parameters (JSON)
  clwb-run backbone FILE [--arch NAME] what a checkpoint holds: architecture, parameters,
                                       preprocessing (.safetensors, .pt, .pth; JSON)
  clwb-run dataset KIND [PATH]         classes and image counts of a dataset on disk (JSON);
                                       KIND = fashion-mnist | idx | cifar10 | cifar100 |
                                       image-folder | file-list
  clwb-run presets                     benchmark presets (CIFAR-100, ImageNet-R, CUB) and
                                       their class orders; use with --preset
  clwb-run validate FILE [--set K=V]   check an experiment without running it (exit 0 valid,
                                       2 with one line per problem naming its JSON path)

stored runs (--db FILE as below; the database must exist):
  clwb-run runs [--status S] [--json]  the runs, newest first: id, name, strategy, status,
                                       A_T, start, duration (S = running | finished |
                                       cancelled | failed | interrupted)
  clwb-run show RUN_ID [--json]        one run: record, accuracy matrix, metrics
  clwb-run export RUN_ID --csv|--json [--out FILE]
                                       its matrix and metrics, as the GUI's CSV export
  clwb-run delete RUN_ID [--yes]       delete it with its data and log (asks unless --yes)

studies (docs/studies.md): strategies x seeds [x a grid or random search] as one object
  clwb-run study FILE [--db FILE] [--executor inprocess|local|slurm] [--max-parallel K]
           [--folder DIR] [--partition P] [--time T] [--mem M] [--gpus G]
           [--sbatch-line LINE]... [--submit|--dry-run] [--quiet]
                                       expand, record and run (local: K clwb-run children,
                                       each merged into --db as it ends; slurm: a job array)
  clwb-run study-status ID|FOLDER      each task's state and merged runs [--json]
  clwb-run study-merge FOLDER          merge whatever finished (a second merge adds nothing)
  clwb-run study-report ID|--runs A,B [--csv|--md|--latex|--json] [--out FILE]
                                       mean ± std over seeds per group, A_t and forgetting per
                                       task, the grid's best configuration
  clwb-run study-cancel FOLDER         stop a local pool's children or scancel a Slurm study
  clwb-run study-resubmit FOLDER       submit a Slurm study's failed tasks again
  clwb-run studies [--json]            the recorded studies

options:
  --db FILE            run database (default: ~/.local/share/clwb/runs.sqlite)
  --db-journal MODE    wal (default) | delete: DELETE suits a database on a network filesystem
                       (a Slurm study's per-task files)
  --no-db              do not record the run
  --device D           auto | cpu | cuda (overrides the config)
  --set KEY=VALUE      override a config value, e.g. --set train.lr=3e-4 --set params.lambda=100
  --summary-json FILE  also write the JSON summary to FILE
  --quiet              no progress on stderr
  --log-level L        debug | info | warning | error: the least severe log line shown on
                       stderr (default info); the run's log file beside the database keeps
                       every line
  --preset ID          a benchmark's dataset kind, class order and task split (clwb-run presets);
                       give the data folder with --set data.path=DIR

pretrain options:
  --out FILE  --epochs N  --stop-after N  --batch-size N  --lr X  --temperature X  --limit N  --seed N
  --dim N  --depth N  --heads N  --patch N  --pool mean|cls  --device D  --threads N

stopping: Ctrl-C, SIGTERM (kill, a Slurm time limit, systemctl stop) and SIGHUP stop the run at
its next step and store it as cancelled; a second signal ends the process at once. A checkpoint
is written after every task (checkpoint.keep); --resume continues from it (docs/reliability.md).
exit status: 0 finished, 1 failed (a run database that cannot be opened or written fails the
run), 2 bad arguments or configuration (for runs, show, export and delete: an unknown run id or
an unusable --db), 128 + the signal when stopped by one (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
)";

std::string fmtDuration(double s)
{
    if (s < 0) return "?";
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
    else std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
    return buf;
}

/// Progress printer: one rewritten line on a terminal, a line every few seconds otherwise.
class Progress
{
public:
    explicit Progress(bool quiet, clwb::LogLevel level = clwb::LogLevel::Info)
        : quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0), level_(level)
    {
    }

    bool operator()(const clwb::RunEvent& ev)
    {
        using K = clwb::RunEvent::Kind;
        // The summary keeps what the run reported (a strategy's routing, CKA, update norms...),
        // quiet or not, so sweeps can read it back.
        if (ev.kind == K::Log && ev.level >= clwb::LogLevel::Info) log_.push_back(ev.message);
        if (ev.kind == K::TaskEvaluated && !ev.confusion.empty()) rows_.push_back(ev);
        if (quiet_) return !stopRequested;
        switch (ev.kind) {
            case K::Started: line("started: " + ev.message); break;
            case K::Log: logLine(ev); break;
            case K::Failed: line("FAILED: " + ev.message); break;
            case K::Cancelled: line("cancelled: " + ev.message); break;
            case K::Step: step(ev); break;
            default: break;
        }
        return !stopRequested;
    }

    /// The run's log lines at info level and above, in order.
    const std::vector<std::string>& log() const { return log_; }
    /// The evaluated rows that carry a confusion matrix (classification runs), in order; the
    /// first also carries the prediction gallery.
    const std::vector<clwb::RunEvent>& confusionRows() const { return rows_; }

private:
    void logLine(const clwb::RunEvent& ev)
    {
        if (ev.level < level_) return;
        const bool plain = ev.level == clwb::LogLevel::Info;
        line(plain ? ev.message : std::string(clwb::logLevelName(ev.level)) + ": " + ev.message);
    }

    void line(const std::string& s)
    {
        if (open_) std::cerr << "\n";
        open_ = false;
        std::cerr << s << "\n";
    }

    void step(const clwb::RunEvent& ev)
    {
        const auto now = std::chrono::steady_clock::now();
        const double since = std::chrono::duration<double>(now - last_).count();
        if (since < (tty_ ? 0.1 : 5.0) && ev.step != ev.total) return;
        last_ = now;
        char buf[300];
        // A strategy's own phase (MIST's pre-adaptation) in place of the epoch.
        const std::string where =
            ev.phase.empty()   ? "epoch " + std::to_string(ev.epoch + 1)
            : ev.epochs <= 0 ? ev.phase
                             : ev.phase + " " + std::to_string(ev.epoch + 1) + "/" +
                                   std::to_string(ev.epochs);
        std::snprintf(buf, sizeof buf, "task %d %s  step %lld/%lld (%.0f%%)  loss %.4f  ETA %s",
                      ev.task, where.c_str(), (long long)ev.step, (long long)ev.total,
                      ev.total ? 100.0 * double(ev.step) / double(ev.total) : 0.0, ev.loss,
                      fmtDuration(ev.etaSeconds).c_str());
        if (tty_) {
            std::cerr << "\r\033[K" << buf << std::flush;
            open_ = true;
        } else {
            std::cerr << buf << "\n";
        }
    }

    bool quiet_, tty_, open_ = false;
    clwb::LogLevel level_;
    std::chrono::steady_clock::time_point last_{};
    std::vector<std::string> log_;
    std::vector<clwb::RunEvent> rows_;
};

void printTable(const clwb::RunResult& r)
{
    const size_t T = r.initialAccuracy.size();
    std::ostringstream s;
    s << "\nAccuracy matrix (%): row = after training task i, column = test set of task j\n";
    s << "           ";
    for (size_t j = 0; j < T; ++j) s << "   T" << j << "  ";
    s << "\n";
    auto row = [&](const std::string& label, const std::vector<double>& v) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%-11s", label.c_str());
        s << buf;
        for (double a : v) {
            std::snprintf(buf, sizeof buf, "%6.1f ", 100.0 * a);
            s << buf;
        }
        s << "\n";
    };
    row("init", r.initialAccuracy);
    for (size_t i = 0; i < r.accuracyMatrix.size(); ++i) row("after T" + std::to_string(i), r.accuracyMatrix[i]);
    if (r.status == clwb::RunStatus::Finished) {
        const auto& m = r.metrics;
        char buf[400];
        std::snprintf(buf, sizeof buf,
                      "\nA_T (final avg acc) %.3f   Ā (avg incremental) %.3f   BWT %+.3f   FWT %+.3f\n"
                      "forgetting (max-based) %.3f   forgetting (first-value) %.3f   plasticity %.3f\n",
                      m.finalAverageAccuracy, m.averageIncrementalAccuracy, m.bwt, m.fwt, m.forgetting,
                      m.forgettingFirst, m.plasticity);
        s << buf;
        if (r.questionAnswering) {
            const auto& d = r.decomposition;
            std::snprintf(buf, sizeof buf,
                          "question answering: strict drop %.3f = essential %.3f (knowledge lost) + "
                          "superficial %.3f (format drift)\n",
                          d.meanStrictDrop, d.meanEssential, d.meanSuperficial);
            s << buf;
        }
    }
    s << "status " << clwb::toString(r.status) << (r.message.empty() ? "" : ": " + r.message) << ", "
      << fmtDuration(r.wallSeconds) << " on " << r.device << "\n";
    std::cerr << s.str();
}

nlohmann::json summaryJson(const clwb::RunResult& r, const clwb::RunConfig& config, const std::string& db,
                           const std::vector<std::string>& logLines,
                           const std::vector<clwb::RunEvent>& confusionRows)
{
    nlohmann::json j;
    j["status"] = clwb::toString(r.status);
    j["message"] = r.message;
    j["run_id"] = r.runId;
    j["database"] = db;
    const auto log = db.empty() ? std::string() : clwb::runLogPath(db, r.runId);
    j["log_file"] = !log.empty() && std::ifstream(log).good() ? log : "";
    j["device"] = r.device;
    j["wall_seconds"] = r.wallSeconds;
    j["strategy"] = config.strategy;
    j["accuracy_matrix"] = r.accuracyMatrix;
    j["initial_accuracy"] = r.initialAccuracy;
    nlohmann::json m = nlohmann::json::object();
    if (r.status == clwb::RunStatus::Finished)
        for (const auto& [k, v] : clwb::metricsAsList(r.metrics)) m[k] = v;
    j["metrics"] = m;
    j["trainable_params"] = r.trainableParams;
    j["stored_params"] = r.storedParams;
    if (r.questionAnswering) {
        const auto& d = r.decomposition;
        j["qa"] = {{"format_matrix", r.formatMatrix},
                   {"knowledge_matrix", r.knowledgeMatrix},
                   {"initial_format", r.initialFormat},
                   {"initial_knowledge", r.initialKnowledge},
                   {"strict_drop", d.strictDrop},
                   {"essential", d.essential},
                   {"superficial", d.superficial},
                   {"mean_strict_drop", d.meanStrictDrop},
                   {"mean_essential", d.meanEssential},
                   {"mean_superficial", d.meanSuperficial}};
    }
    if (!confusionRows.empty()) {
        // Per boundary (after_task -1 = before training): counts[true class][predicted class].
        nlohmann::json boundaries = nlohmann::json::array();
        for (const auto& ev : confusionRows) {
            const size_t c = ev.classTask.size();
            if (ev.confusion.size() != c * c) continue;
            nlohmann::json counts = nlohmann::json::array();
            for (size_t y = 0; y < c; ++y)
                counts.push_back(std::vector<std::int64_t>(ev.confusion.begin() + long(y * c),
                                                           ev.confusion.begin() + long(y * c + c)));
            boundaries.push_back({{"after_task", ev.task}, {"counts", counts}});
        }
        j["confusion"] = boundaries;
        j["class_task"] = confusionRows.back().classTask;
        j["class_names"] = confusionRows.back().classNames;
        // The prediction gallery without its pixels (the images travel on the first row).
        if (const auto& first = confusionRows.front(); !first.gallery.empty()) {
            nlohmann::json images = nlohmann::json::array(), predictions = nlohmann::json::array();
            for (size_t i = 0; i < first.gallery.size(); ++i) {
                const auto& im = first.gallery[i];
                const auto label = size_t(im.label);
                images.push_back({{"position", i},
                                  {"task", im.task},
                                  {"label", im.label},
                                  {"class_name", label < first.classNames.size()
                                                     ? first.classNames[label]
                                                     : std::string()}});
            }
            for (const auto& ev : confusionRows)
                predictions.push_back(
                    {{"after_task", ev.task}, {"predicted", ev.galleryPredictions}});
            j["gallery"] = images;
            j["gallery_predictions"] = predictions;
        }
    }
    j["config"] = nlohmann::json::parse(clwb::toJson(config));
    j["log"] = logLines;
    return j;
}

int runPretrain(const std::vector<std::string>& args)
{
    clwb::PretrainConfig pc;
    pc.output = "backbone.pt";
    bool quiet = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
            return args[++i];
        };
        if (a == "--out") pc.output = next();
        else if (a == "--epochs") pc.epochs = std::stoi(next());
        else if (a == "--stop-after") pc.stopAfterEpochs = std::stoi(next());
        else if (a == "--batch-size") pc.batchSize = std::stoi(next());
        else if (a == "--lr") pc.lr = std::stod(next());
        else if (a == "--temperature") pc.temperature = std::stod(next());
        else if (a == "--limit") pc.limit = std::stoi(next());
        else if (a == "--seed") pc.seed = std::stoi(next());
        else if (a == "--dim") pc.model.dim = std::stoi(next());
        else if (a == "--depth") pc.model.depth = std::stoi(next());
        else if (a == "--heads") pc.model.heads = std::stoi(next());
        else if (a == "--patch") pc.model.patchSize = std::stoi(next());
        else if (a == "--pool") pc.model.pool = next();
        else if (a == "--device") pc.device = next();
        else if (a == "--threads") pc.threads = std::stoi(next());
        else if (a == "--data") pc.dataPath = next();
        else if (a == "--quiet") quiet = true;
        else throw std::invalid_argument("unknown pretrain option " + a);
    }
    handleStopSignals();
    Progress progress(quiet);
    auto r = clwb::pretrainBackbone(pc, [&](const clwb::RunEvent& e) { return progress(e); });
    std::cerr << "pretraining " << clwb::toString(r.status) << (r.message.empty() ? "" : ": " + r.message) << " in "
              << fmtDuration(r.wallSeconds) << "\n";
    return exitStatus(r.status);
}

int runProbe(const std::vector<std::string>& args)
{
    clwb::RunConfig config;
    config.data.trainPerClass = 1000;
    for (size_t i = 0; i < args.size(); ++i) {
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
            return args[++i];
        };
        if (args[i] == "--backbone") config.model.backbone = next();
        else if (args[i] == "--train-per-class") config.data.trainPerClass = std::stoi(next());
        else if (args[i] == "--seed") config.seed = std::stoi(next());
        else if (args[i] == "--device") config.device = next();
        else throw std::invalid_argument("unknown probe option " + args[i]);
    }
    auto r = clwb::probeBackbone(config, {});
    nlohmann::json j = {{"backbone", config.model.backbone},
                        {"train_per_class", config.data.trainPerClass},
                        {"prototype_final_accuracy", r.prototypeFinalAccuracy},
                        {"linear_probe_accuracy", r.linearProbeAccuracy}};
    std::cout << j.dump(2) << std::endl;
    return 0;
}

int listStrategiesJson()
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : clwb::listStrategies()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : s.params)
            params.push_back({{"key", p.key}, {"label", p.label}, {"help", p.help},
                              {"default", p.defaultValue}, {"min", p.minValue}, {"max", p.maxValue},
                              {"choices", p.choices}});
        out.push_back({{"id", s.id}, {"name", s.displayName}, {"summary", s.summary},
                       {"reference", s.reference}, {"params", params}});
    }
    std::cout << out.dump(2) << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    clwb::preferPassiveOpenMp(argv);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (!args.empty() && args[0] == "pretrain") return runPretrain({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "probe") return runProbe({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "strategies") return listStrategiesJson();
        if (!args.empty() && args[0] == "backbone")
            return clwb::cli::inspectBackboneCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "dataset")
            return clwb::cli::inspectDatasetCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "presets") return clwb::cli::listPresetsCommand();
        if (!args.empty() && args[0] == "validate")
            return clwb::cli::validateConfigCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "runs")
            return clwb::cli::listRunsCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "show")
            return clwb::cli::showRunCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "export")
            return clwb::cli::exportRunCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "delete")
            return clwb::cli::deleteRunCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study")
            return clwb::cli::studyCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study-status")
            return clwb::cli::studyStatusCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study-merge")
            return clwb::cli::studyMergeCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study-report")
            return clwb::cli::studyReportCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study-cancel")
            return clwb::cli::studyCancelCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "study-resubmit")
            return clwb::cli::studyResubmitCommand({args.begin() + 1, args.end()});
        if (!args.empty() && args[0] == "studies")
            return clwb::cli::listStudiesCommand({args.begin() + 1, args.end()});

        std::string configFile, db = clwb::RunStore::defaultPath(), summaryFile, device;
        bool demo = false, noDb = false, quiet = false;
        auto journal = clwb::Journal::Wal;
        auto logLevel = clwb::LogLevel::Info;
        std::vector<std::string> overrides;
        clwb::cli::ResumeRequest resume;
        for (size_t i = 0; i < args.size(); ++i) {
            const auto& a = args[i];
            auto next = [&]() -> std::string {
                if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
                return args[++i];
            };
            if (a == "--config") configFile = next();
            else if (a == "--demo") demo = true;
            else if (a == "--db") db = next();
            else if (a == "--no-db") noDb = true;
            else if (a == "--db-journal") {
                const auto mode = next();
                if (mode != "wal" && mode != "delete")
                    throw std::invalid_argument("--db-journal must be wal or delete, got " + mode);
                journal = mode == "delete" ? clwb::Journal::Delete : clwb::Journal::Wal;
            }
            else if (a == "--device") device = next();
            else if (a == "--set") overrides.push_back(next());
            else if (a == "--summary-json") summaryFile = next();
            else if (a == "--resume") resume.runId = clwb::cli::parseRunId(next());
            else if (a == "--check") resume.checkOnly = true;
            else if (a == "--quiet") quiet = true;
            else if (a == "--log-level") {
                const auto name = next();
                const auto level = clwb::parseLogLevel(name);
                if (!level)
                    throw std::invalid_argument("unknown log level " + name +
                                                " (debug, info, warning, error)");
                logLevel = *level;
            }
            else if (a == "--preset") {
                const auto id = next();
                const clwb::BenchmarkPreset* found = nullptr;
                for (const auto& p : clwb::benchmarkPresets())
                    if (p.id == id) found = &p;
                if (!found) throw std::invalid_argument("unknown preset " + id + " (clwb-run presets lists them)");
                // The preset's data section as overrides, so the config's path (or --set
                // data.path=...) and every other key stay the user's.
                const auto d = clwb::applyPreset(*found, {}, "").data;
                nlohmann::json tasks = nlohmann::json::array();
                for (const auto& t : d.tasks) tasks.push_back(t.classes);
                overrides.insert(overrides.begin(),
                                 {"data.dataset=\"" + d.dataset + "\"", "data.tasks=" + tasks.dump(),
                                  "data.scenario=\"class-incremental\"", "data.augment=\"" + d.augment + "\"",
                                  "data.shuffle_class_order=false", "data.train_per_class=0",
                                  "data.test_per_class=0"});
            }
            else if (a == "--help" || a == "-h") { std::cout << kUsage; return 0; }
            else if (a == "--version") { std::cout << clwb::versionsJson() << "\n"; return 0; }
            else throw std::invalid_argument("unknown option " + a);
        }
        if (!device.empty()) overrides.push_back("device=\"" + device + "\"");
        if (configFile.empty() && !demo && !resume.runId) {
            std::cerr << kUsage;
            return 2;
        }
        clwb::ConfigParseResult parsed;
        if (resume.runId) {
            const bool alone = configFile.empty() && !demo && !noDb && overrides.empty();
            if (const auto rc = clwb::cli::prepareResume(resume, alone, db, parsed)) return *rc;
            configFile = "(run " + std::to_string(resume.runId) + ")";
        } else if (demo) {
            parsed = clwb::parseRunConfig(clwb::toJson(clwb::demoConfig()), overrides);
            configFile = "(demo)";
        } else {
            parsed = clwb::loadRunConfig(configFile, overrides);
        }
        if (!parsed.ok()) {
            std::cerr << configFile << ": the configuration has " << parsed.errors.size()
                      << " problem" << (parsed.errors.size() > 1 ? "s" : "") << ":\n";
            for (const auto& e : parsed.errors)
                std::cerr << "  " << (e.path.empty() ? "(file)" : e.path) << ": " << e.message << "\n";
            return 2;
        }

        std::unique_ptr<clwb::RunStore> store;
        try {
            if (!noDb) store = std::make_unique<clwb::RunStore>(db, journal);
        } catch (const std::exception& e) {
            // Not the user's arguments but the file (read-only folder, damaged, newer): a failed
            // run, reported as one, so scripts read the same summary.
            clwb::RunResult failed;
            failed.status = clwb::RunStatus::Failed;
            failed.message = std::string("could not open the run database: ") + e.what();
            std::cerr << "FAILED: " << failed.message << "\n";
            const auto summary = summaryJson(failed, parsed.config, db, {}, {}).dump(2);
            std::cout << summary << std::endl;
            if (!summaryFile.empty()) std::ofstream(summaryFile) << summary << "\n";
            return exitStatus(failed.status);
        }
        handleStopSignals();
        Progress progress(quiet, logLevel);
        const auto onEvent = [&](const clwb::RunEvent& e) { return progress(e); };
        auto result = resume.runId ? clwb::resumeExperiment(*store, resume.runId, onEvent)
                                   : clwb::runExperiment(parsed.config, store.get(), onEvent);
        printTable(result);
        const auto summary = summaryJson(result, parsed.config, noDb ? "" : db, progress.log(),
                                         progress.confusionRows())
                                 .dump(2);
        std::cout << summary << std::endl;
        if (!summaryFile.empty()) std::ofstream(summaryFile) << summary << "\n";
        return exitStatus(result.status);
    } catch (const std::exception& e) {
        std::cerr << "clwb-run: " << e.what() << "\n";
        return 2;
    }
}
