// SPDX-License-Identifier: GPL-3.0-or-later
#include "study_commands.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "clwb/run_store.h"
#include "clwb/study.h"
#include "clwb/study_summary.h"
#include "study/executor.h"

namespace clwb::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::atomic<bool> stopStudy{false};
std::atomic<int> stopSignal{0};

void onStudySignal(int signo)
{
    stopStudy = true;
    stopSignal = signo;
    for (int s : {SIGINT, SIGTERM, SIGHUP}) std::signal(s, SIG_DFL);  // a second one ends it
}

void handleStudySignals()
{
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction sa
        {
        };
        sa.sa_handler = onStudySignal;
        sigemptyset(&sa.sa_mask);
        sigaction(s, &sa, nullptr);
    }
}

/// A subcommand's arguments: options with values (repeatable ones keep every value), flags,
/// positional arguments. Throws std::invalid_argument (exit 2) naming `usage`.
struct Args
{
    std::map<std::string, std::vector<std::string>> values;
    std::set<std::string> flags;
    std::vector<std::string> positional;

    std::string value(const std::string& key, const std::string& fallback = {}) const
    {
        const auto it = values.find(key);
        return it == values.end() || it->second.empty() ? fallback : it->second.back();
    }
    bool has(const std::string& key) const { return values.count(key) || flags.count(key); }
};

Args parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
           const std::set<std::string>& flags, const std::string& usage)
{
    Args a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& s = args[i];
        if (valued.count(s)) {
            if (i + 1 >= args.size()) throw std::invalid_argument(s + " needs a value");
            a.values[s].push_back(args[++i]);
        } else if (flags.count(s)) {
            a.flags.insert(s);
        } else if (s.rfind("--", 0) == 0) {
            throw std::invalid_argument("unknown option " + s + "; " + usage);
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

int parseCount(const std::string& option, const std::string& s, int lo)
{
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(s) < lo)
        throw std::invalid_argument(option + " must be a whole number >= " + std::to_string(lo) +
                                    ", got '" + s + "'");
    return std::stoi(s);
}

std::unique_ptr<RunStore> openExisting(const std::string& db)
{
    std::error_code ec;
    if (!fs::exists(db, ec))
        throw std::invalid_argument("no run database at '" + db + "' (give one with --db FILE)");
    return std::make_unique<RunStore>(db);
}

std::string selfBinary()
{
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("clwb-run") : exe.string();
}

std::string slug(const std::string& name)
{
    std::string out;
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    while (out.find("--") != std::string::npos) out.replace(out.find("--"), 2, "-");
    if (out.size() > 40) out.resize(40);
    return out.empty() ? "study" : out;
}

void printErrors(const std::string& what, const std::vector<ConfigError>& errors)
{
    std::cerr << what << ": the study has " << errors.size() << " problem"
              << (errors.size() > 1 ? "s" : "") << ":\n";
    for (const auto& e : errors)
        std::cerr << "  " << (e.path.empty() ? "(file)" : e.path) << ": " << e.message << "\n";
}

void reportLine(bool quiet, const std::string& line)
{
    if (!quiet) std::cerr << line << std::endl;
}

Json folderJson(const study::StudyFolder& f)
{
    Json tasks = Json::array();
    for (const auto& t : f.tasks)
        tasks.push_back({{"index", t.index},
                         {"group", t.groupKey},
                         {"seed", t.seed},
                         {"state", study::taskStateName(t.state)},
                         {"runs", t.merged}});
    return {{"study_id", f.studyId},  {"database", f.database}, {"folder", f.folder},
            {"executor", f.executor}, {"jobs", f.jobs},         {"tasks", tasks}};
}

/// The folder a study-status/-merge/-cancel argument names: a folder, or a study id (--db).
study::StudyFolder resolveFolder(const Args& a, const std::string& usage)
{
    if (a.positional.size() != 1) throw std::invalid_argument(usage);
    const std::string& arg = a.positional[0];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) return study::StudyFolder::load(arg);
    if (arg.find_first_not_of("0123456789") == std::string::npos && !arg.empty() &&
        arg.size() < 18) {
        auto store = openExisting(a.value("--db", RunStore::defaultPath()));
        const auto s = store->study(std::stoll(arg));
        if (!s) throw std::invalid_argument("no study " + arg + " in the database");
        if (s->folder.empty()) {
            study::StudyFolder f;  // in process: the database is the record
            f.studyId = s->id;
            f.database = store->path();
            f.executor = s->executor;
            for (const auto& m : store->runsOfStudy(s->id)) {
                study::StudyTask t;
                t.index = m.taskIndex;
                t.groupKey = m.groupKey;
                t.seed = int(m.seed);
                const auto r = store->run(m.runId);
                const RunStatus st = r ? r->status : RunStatus::Interrupted;
                t.state = st == RunStatus::Finished    ? study::TaskState::Finished
                          : st == RunStatus::Running   ? study::TaskState::Running
                          : st == RunStatus::Cancelled ? study::TaskState::Cancelled
                                                       : study::TaskState::Failed;
                t.merged = {m.runId};
                f.tasks.push_back(std::move(t));
            }
            return f;
        }
        return study::StudyFolder::load(s->folder);
    }
    throw std::invalid_argument("'" + arg + "' is neither a study folder nor a study id");
}

/// Tasks whose per-task file may be merged now.
std::vector<int> mergeable(const study::StudyFolder& f, bool force)
{
    std::vector<int> out;
    for (const auto& t : f.tasks) {
        const bool ended = study::isEnded(t.state) || (t.state == study::TaskState::Unknown &&
                                                       (f.executor != "slurm" || force));
        if (ended) out.push_back(t.index);
    }
    return out;
}

}  // namespace

int studyCommand(const std::vector<std::string>& args)
{
    const std::string usage =
        "usage: clwb-run study FILE [--db FILE] [--executor inprocess|local|slurm] "
        "[--max-parallel K] [--folder DIR] [--partition P] [--time T] [--mem M] [--gpus G] "
        "[--sbatch-line LINE]... [--submit|--dry-run] [--quiet]";
    const Args a = parse(args,
                         {"--db", "--executor", "--max-parallel", "--folder", "--partition",
                          "--time", "--mem", "--gpus", "--sbatch-line"},
                         {"--submit", "--dry-run", "--quiet"}, usage);
    if (a.positional.size() != 1) throw std::invalid_argument(usage);
    if (a.has("--submit") && a.has("--dry-run"))
        throw std::invalid_argument("give one of --submit and --dry-run");
    const std::string file = a.positional[0];
    const bool quiet = a.has("--quiet");

    StudyParseResult parsed = loadStudy(file);
    if (!parsed.ok()) {
        printErrors(file, parsed.errors);
        return 2;
    }
    StudySpec& spec = parsed.spec;
    StudyExecution& ex = spec.execution;
    ex.executor = a.value("--executor", ex.executor);
    if (ex.executor != "inprocess" && ex.executor != "local" && ex.executor != "slurm")
        throw std::invalid_argument("unknown executor '" + ex.executor +
                                    "' (inprocess, local, slurm)");
    if (a.has("--max-parallel"))
        ex.maxParallel = parseCount("--max-parallel", a.value("--max-parallel"), 1);
    ex.folder = a.value("--folder", ex.folder);
    ex.partition = a.value("--partition", ex.partition);
    ex.time = a.value("--time", ex.time);
    ex.mem = a.value("--mem", ex.mem);
    ex.gpus = a.value("--gpus", ex.gpus);
    if (a.values.count("--sbatch-line"))
        for (const auto& l : a.values.at("--sbatch-line")) ex.sbatchLines.push_back(l);
    const bool slurm = ex.executor == "slurm";

    const StudyExpansion expansion = expandStudy(spec, /*validate=*/!slurm);
    if (!expansion.ok()) {
        printErrors(file, expansion.errors);
        return 2;
    }
    const std::string db = a.value("--db", RunStore::defaultPath());
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const int k = ex.maxParallel > 0 ? ex.maxParallel : ex.executor == "local" ? int(cores) : 0;
    const int threads = ex.executor == "local" ? std::max(1, int(cores) / std::max(1, k)) : 0;

    if (a.has("--dry-run")) {
        std::printf("%-6s %-40s %-5s %s\n", "TASK", "GROUP", "SEED", "STRATEGY");
        for (const auto& r : expansion.runs)
            std::printf("%-6d %-40s %-5d %s\n", r.index, r.groupKey.c_str(), r.seed,
                        r.config.strategy.c_str());
        std::fprintf(stderr, "%zu runs (%s executor%s); nothing recorded or run\n",
                     expansion.runs.size(), ex.executor.c_str(),
                     ex.executor == "local" ? (", " + std::to_string(k) + " at once, " +
                                               std::to_string(threads) + " thread(s) each")
                                                  .c_str()
                                            : "");
        if (slurm) {
            const std::string folder = ex.folder.empty() ? "study-dry-run" : ex.folder;
            auto f = study::prepareFolder(folder, db, 0, "slurm", expansion.runs, threads);
            study::ExecutorOptions o{k,       ex.partition,   ex.time,     ex.mem,
                                     ex.gpus, ex.sbatchLines, selfBinary()};
            study::StudyContext ctx{f, expansion.runs,
                                    [&](const std::string& l) { reportLine(quiet, l); }};
            study::makeExecutor("slurm", o)->run(ctx, /*submit=*/false);
            fs::remove(f.path("state.json"));  // the folder stays free for the real study
        }
        return 0;
    }

    std::string text, reason;
    {
        std::ifstream in(file, std::ios::binary);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::int64_t studyId = 0;
    std::string folder;
    if (!ex.folder.empty() && ex.executor != "inprocess" &&
        fs::exists(fs::path(ex.folder) / "state.json"))
        throw std::invalid_argument("'" + ex.folder +
                                    "' holds a study already; give another --folder");
    {
        RunStore store(db);
        StudyRecord rec;
        rec.name = spec.name;
        rec.json = text;
        rec.executor = ex.executor;
        studyId = store.createStudy(rec);
        if (ex.executor != "inprocess") {
            folder = ex.folder.empty() ? (fs::absolute(db).parent_path() / "studies" /
                                          (std::to_string(studyId) + "-" + slug(spec.name)))
                                             .string()
                                       : ex.folder;
            folder = fs::absolute(folder).lexically_normal().string();
            store.setStudyFolder(studyId, ex.executor, folder);
        }
    }
    study::StudyFolder f;
    if (folder.empty()) {
        f.database = fs::absolute(db).string();
        f.studyId = studyId;
        f.executor = ex.executor;
        for (const auto& r : expansion.runs)
            f.tasks.push_back({r.index, r.label, r.groupKey, r.seed});
    } else {
        f = study::prepareFolder(folder, db, studyId, ex.executor, expansion.runs, threads);
    }
    reportLine(quiet, "study " + std::to_string(studyId) + " \"" + spec.name +
                          "\": " + std::to_string(expansion.runs.size()) + " runs, " + ex.executor +
                          " executor" +
                          (ex.executor == "local" ? ", " + std::to_string(k) + " at once, " +
                                                        std::to_string(threads) + " thread(s) each"
                                                  : "") +
                          (folder.empty() ? "" : ", folder " + folder));
    handleStudySignals();
    study::ExecutorOptions o{k,       ex.partition,   ex.time,     ex.mem,
                             ex.gpus, ex.sbatchLines, selfBinary()};
    study::StudyContext ctx{f, expansion.runs, [&](const std::string& l) { reportLine(quiet, l); },
                            &stopStudy};
    const int notFinished = study::makeExecutor(ex.executor, o)->run(ctx, a.has("--submit"));
    Json runs = Json::array();
    for (const auto& t : f.tasks)
        for (auto id : t.merged) runs.push_back(id);
    std::cout << Json{{"study_id", studyId},
                      {"database", fs::absolute(db).string()},
                      {"folder", folder},
                      {"executor", ex.executor},
                      {"tasks", expansion.runs.size()},
                      {"not_finished", notFinished},
                      {"runs", runs}}
                     .dump(2)
              << std::endl;
    if (stopStudy) return 128 + stopSignal;
    if (slurm) return 0;
    return notFinished == 0 ? 0 : 1;
}

int studyStatusCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run study-status ID|FOLDER [--db FILE] [--json]";
    const Args a = parse(args, {"--db"}, {"--json"}, usage);
    study::StudyFolder f = resolveFolder(a, usage);
    if (!f.folder.empty()) study::makeExecutor(f.executor, {})->refresh(f);
    if (a.has("--json")) {
        std::cout << folderJson(f).dump(2) << std::endl;
        return 0;
    }
    std::map<std::string, int> counts;
    std::printf("%-6s %-40s %-5s %-10s %s\n", "TASK", "GROUP", "SEED", "STATE", "RUNS");
    for (const auto& t : f.tasks) {
        std::string ids;
        for (auto id : t.merged) ids += (ids.empty() ? "" : ",") + std::to_string(id);
        std::printf("%-6d %-40s %-5d %-10s %s\n", t.index, t.groupKey.c_str(), t.seed,
                    study::taskStateName(t.state), ids.empty() ? "-" : ids.c_str());
        ++counts[study::taskStateName(t.state)];
    }
    std::string line = "study " + std::to_string(f.studyId) + " (" + f.executor + "):";
    for (const auto& [state, n] : counts) line += " " + std::to_string(n) + " " + state;
    std::cerr << line << "\n";
    return 0;
}

int studyMergeCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run study-merge FOLDER [--force] [--quiet]";
    const Args a = parse(args, {"--db"}, {"--force", "--quiet"}, usage);
    study::StudyFolder f = resolveFolder(a, usage);
    if (f.folder.empty()) {
        std::cerr << "study " << f.studyId
                  << " ran in process: its runs are in the database already\n";
        return 0;
    }
    study::makeExecutor(f.executor, {})->refresh(f);
    const auto tasks = mergeable(f, a.has("--force"));
    const int merged =
        study::mergeTasks(f, tasks, [&](const std::string& l) { reportLine(a.has("--quiet"), l); });
    const auto waiting = f.tasks.size() - tasks.size();
    std::cout << Json{{"study_id", f.studyId}, {"merged", merged}, {"waiting", waiting}}.dump()
              << std::endl;
    std::cerr << "merged " << merged << " run(s) into " << f.database << "; " << waiting
              << " task(s) not ended\n";
    return 0;
}

int studyReportCommand(const std::vector<std::string>& args)
{
    const std::string usage =
        "usage: clwb-run study-report ID|--runs A,B,... [--db FILE] [--csv|--md|--latex|--json] "
        "[--out FILE]";
    const Args a =
        parse(args, {"--db", "--out", "--runs"}, {"--csv", "--md", "--latex", "--json"}, usage);
    int formats = 0;
    for (const char* f : {"--csv", "--md", "--latex", "--json"}) formats += a.has(f) ? 1 : 0;
    if (formats > 1) throw std::invalid_argument("give one of --csv, --md, --latex and --json");
    auto store = openExisting(a.value("--db", RunStore::defaultPath()));
    StudySummary s;
    if (a.has("--runs")) {
        if (!a.positional.empty()) throw std::invalid_argument(usage);
        std::vector<std::int64_t> ids;
        std::string list = a.value("--runs");
        size_t start = 0;
        while (start <= list.size()) {
            const auto comma = list.find(',', start);
            const std::string id =
                list.substr(start, comma == std::string::npos ? comma : comma - start);
            ids.push_back(parseCount("--runs", id, 1));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        s = summarizeRunIds(*store, ids);
    } else {
        if (a.positional.size() != 1) throw std::invalid_argument(usage);
        s = summarizeStudy(*store, parseCount("study id", a.positional[0], 1));
    }
    const std::string text = a.has("--csv")     ? studySummaryCsv(s)
                             : a.has("--latex") ? studySummaryLatex(s)
                             : a.has("--json")  ? studySummaryJson(s)
                                                : studySummaryMarkdown(s);
    const std::string out = a.value("--out");
    if (out.empty()) {
        std::cout << text << std::flush;
        return 0;
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) {
        std::cerr << "clwb-run: cannot write '" << out << "'\n";
        return 1;
    }
    return 0;
}

int studyCancelCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run study-cancel FOLDER";
    const Args a = parse(args, {"--db"}, {}, usage);
    study::StudyFolder f = resolveFolder(a, usage);
    if (f.folder.empty()) throw std::invalid_argument("an in-process study has nothing to cancel");
    auto ex = study::makeExecutor(f.executor, {});
    ex->refresh(f);
    ex->cancel(f);
    std::cerr << "cancel requested; clwb-run study-merge " << f.folder
              << " merges what the tasks stored\n";
    return 0;
}

int studyResubmitCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run study-resubmit FOLDER [--max-parallel K]";
    const Args a = parse(args, {"--db", "--max-parallel"}, {}, usage);
    study::StudyFolder f = resolveFolder(a, usage);
    if (f.executor != "slurm") throw std::invalid_argument("study-resubmit is for Slurm studies");
    study::ExecutorOptions o;
    if (a.has("--max-parallel"))
        o.maxParallel = parseCount("--max-parallel", a.value("--max-parallel"), 1);
    study::makeExecutor("slurm", o)->refresh(f);
    const std::string job = study::resubmitFailed(f, o);
    std::cerr << (job.empty() ? std::string("no failed tasks to submit again")
                              : "submitted the failed tasks again as job " + job)
              << "\n";
    return 0;
}

int listStudiesCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run studies [--db FILE] [--json]";
    const Args a = parse(args, {"--db"}, {"--json"}, usage);
    if (!a.positional.empty()) throw std::invalid_argument(usage);
    auto store = openExisting(a.value("--db", RunStore::defaultPath()));
    Json out = Json::array();
    for (const auto& s : store->listStudies())
        out.push_back({{"id", s.id},
                       {"name", s.name},
                       {"created_at", s.createdAt},
                       {"executor", s.executor},
                       {"folder", s.folder},
                       {"runs", store->runsOfStudy(s.id).size()}});
    if (a.has("--json")) {
        std::cout << out.dump(2) << std::endl;
        return 0;
    }
    std::printf("%-5s %-30s %-10s %-5s %s\n", "ID", "NAME", "EXECUTOR", "RUNS", "CREATED (UTC)");
    for (const auto& s : out)
        std::printf("%-5lld %-30s %-10s %-5zu %s\n", (long long)s["id"].get<std::int64_t>(),
                    s["name"].get<std::string>().c_str(), s["executor"].get<std::string>().c_str(),
                    s["runs"].get<std::size_t>(), s["created_at"].get<std::string>().c_str());
    return 0;
}

}  // namespace clwb::cli
