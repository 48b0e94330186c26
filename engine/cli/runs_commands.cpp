// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "clwb/run_export.h"
#include "clwb/run_log.h"
#include "clwb/run_store.h"

namespace clwb::cli {
namespace {

using Json = nlohmann::ordered_json;

const char* const kStatuses[] = {"running", "finished", "cancelled", "failed", "interrupted"};

/// The arguments of one subcommand: --db, the options it knows, the positional ones.
struct Args
{
    std::string db = RunStore::defaultPath();
    std::vector<std::string> positional;
    std::set<std::string> flags;
    std::string status, out;
};

/// Throws std::invalid_argument (main prints it, exit status 2) naming `usage`.
Args parseArgs(const std::vector<std::string>& args, const std::set<std::string>& flags,
               const std::set<std::string>& valued, const std::string& usage)
{
    Args a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& s = args[i];
        const bool known = s == "--db" || valued.count(s);
        if (known && i + 1 >= args.size()) throw std::invalid_argument(s + " needs a value");
        if (s == "--db")
            a.db = args[++i];
        else if (s == "--status" && valued.count(s))
            a.status = args[++i];
        else if (s == "--out" && valued.count(s))
            a.out = args[++i];
        else if (flags.count(s))
            a.flags.insert(s);
        else if (s.rfind("--", 0) == 0)
            throw std::invalid_argument("unknown option " + s + "; " + usage);
        else
            a.positional.push_back(s);
    }
    return a;
}

/// The database must exist: looking at runs never creates an empty one by mistake.
std::unique_ptr<RunStore> openStore(const std::string& db)
{
    std::error_code ec;
    if (!std::filesystem::exists(db, ec))
        throw std::invalid_argument("no run database at '" + db + "' (give one with --db FILE)");
    return std::make_unique<RunStore>(db);
}

std::int64_t parseRunId(const Args& a, const std::string& usage)
{
    if (a.positional.size() != 1) throw std::invalid_argument(usage);
    const auto& s = a.positional[0];
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("run id must be a number, got '" + s + "'");
    return std::stoll(s);
}

RunRecord findRun(RunStore& store, std::int64_t id, const std::string& db)
{
    auto run = store.run(id);
    if (!run)
        throw std::invalid_argument("no run " + std::to_string(id) + " in '" + db +
                                    "' (clwb-run runs --db FILE lists them)");
    return *run;
}

/// Seconds since the epoch of an ISO 8601 UTC time as the store writes it; NaN if unreadable.
double epochSeconds(const std::string& iso)
{
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return NAN;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return double(timegm(&tm)) + ms / 1000.0;
}

/// Wall time of the run: to its end, to now while running, to its last heartbeat otherwise.
double durationSeconds(const RunRecord& r)
{
    const double start = epochSeconds(r.startedAt);
    double end = epochSeconds(r.endedAt);
    if (std::isnan(end))
        end = r.status == RunStatus::Running ? double(std::time(nullptr))
                                             : epochSeconds(r.heartbeatAt);
    return end - start;
}

std::string fmtDuration(double s)
{
    if (!(s >= 0)) return "-";
    char buf[32];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
    else
        std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
    return buf;
}

/// "2026-11-29 16:44:10" from the stored ISO time (UTC).
std::string shortTime(const std::string& iso)
{
    if (iso.size() < 19) return iso.empty() ? "-" : iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

double metric(const RunRecord& r, const std::string& key)
{
    const auto it = r.metrics.find(key);
    return it == r.metrics.end() ? NAN : it->second;
}

Json number(double v)
{
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

/// Characters (UTF-8 code points) of `s`, for column widths.
size_t width(const std::string& s)
{
    return size_t(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// At most `n` characters, cut on a character boundary, "…" marking the cut.
std::string clip(const std::string& s, size_t n)
{
    if (width(s) <= n) return s;
    size_t chars = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((s[i] & 0xC0) != 0x80 && chars++ == n - 1) break;
    }
    return s.substr(0, i) + "…";
}

std::string pad(const std::string& s, size_t w, bool right)
{
    const std::string fill(w > width(s) ? w - width(s) : 0, ' ');
    return right ? fill + s : s + fill;
}

Json matrixJson(const std::vector<std::vector<double>>& rows)
{
    Json out = Json::array();
    for (const auto& row : rows) {
        Json r = Json::array();
        for (double v : row) r.push_back(number(v));
        out.push_back(r);
    }
    return out;
}

Json rowJson(const std::vector<double>& row)
{
    return matrixJson({row}).at(0);
}

/// The matrix as clwb-run prints it after a run: percentages, rows "init" and "after T<i>".
std::string matrixText(const MatrixRows& m)
{
    const size_t T = std::max(m.initial.size(), m.rows.empty() ? size_t(0) : m.rows[0].size());
    std::string s = "           ";
    for (size_t j = 0; j < T; ++j) s += "   T" + std::to_string(j) + "  ";
    s += "\n";
    auto row = [&](const std::string& label, const std::vector<double>& v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%-11s", label.c_str());
        s += buf;
        for (size_t j = 0; j < T; ++j) {
            const double a = j < v.size() ? v[j] : NAN;
            if (std::isnan(a))
                std::snprintf(buf, sizeof buf, "%6s ", "-");
            else
                std::snprintf(buf, sizeof buf, "%6.1f ", 100.0 * a);
            s += buf;
        }
        s += "\n";
    };
    if (!m.initial.empty()) row("init", m.initial);
    for (size_t i = 0; i < m.rows.size(); ++i) row("after T" + std::to_string(i), m.rows[i]);
    return s;
}

Json parsedOrText(const std::string& text)
{
    Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? Json(text) : j;
}

/// Writes `text` to `out` or, when empty, stdout. False (with the reason on stderr) on failure.
bool emit(const std::string& text, const std::string& out)
{
    if (out.empty()) {
        std::cout << text << std::flush;
        return bool(std::cout);
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (f) return true;
    std::cerr << "clwb-run: cannot write '" << out << "'\n";
    return false;
}

}  // namespace

int listRunsCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run runs [--db FILE] [--status S] [--json]";
    const Args a = parseArgs(args, {"--json"}, {"--status"}, usage);
    if (!a.positional.empty()) throw std::invalid_argument(usage);
    if (!a.status.empty() && std::none_of(std::begin(kStatuses), std::end(kStatuses),
                                          [&](const char* s) { return a.status == s; }))
        throw std::invalid_argument("unknown status '" + a.status +
                                    "' (running, finished, cancelled, failed, interrupted)");
    auto store = openStore(a.db);
    std::vector<RunRecord> runs;
    for (auto& r : store->listRuns())
        if (a.status.empty() || toString(r.status) == a.status) runs.push_back(std::move(r));

    if (a.flags.count("--json")) {
        Json out = Json::array();
        for (const auto& r : runs)
            out.push_back({{"id", r.id},
                           {"name", r.name},
                           {"strategy", r.strategy},
                           {"status", toString(r.status)},
                           {"final_average_accuracy", number(metric(r, "final_average_accuracy"))},
                           {"started_at", r.startedAt},
                           {"ended_at", r.endedAt},
                           {"duration_seconds", number(durationSeconds(r))},
                           {"message", r.message},
                           {"tags", r.tags}});
        std::cout << out.dump(2) << std::endl;
        return 0;
    }
    std::vector<std::vector<std::string>> table = {
        {"ID", "NAME", "STRATEGY", "STATUS", "A_T", "STARTED (UTC)", "DURATION"}};
    for (const auto& r : runs) {
        char at[16] = "-";
        if (const double v = metric(r, "final_average_accuracy"); std::isfinite(v))
            std::snprintf(at, sizeof at, "%.3f", v);
        table.push_back({std::to_string(r.id), clip(r.name, 40), r.strategy, toString(r.status), at,
                         shortTime(r.startedAt), fmtDuration(durationSeconds(r))});
    }
    std::vector<size_t> w(table[0].size(), 0);
    for (const auto& row : table)
        for (size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], width(row[c]));
    const std::set<size_t> rightAligned = {0, 4, 6};
    for (const auto& row : table) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c)
            line += (c ? "  " : "") + pad(row[c], w[c], rightAligned.count(c) > 0);
        std::cout << line << "\n";
    }
    if (runs.empty())
        std::cerr << (a.status.empty() ? "no runs" : "no " + a.status + " runs") << " in '" << a.db
                  << "'\n";
    return 0;
}

int showRunCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run show RUN_ID [--db FILE] [--json]";
    const Args a = parseArgs(args, {"--json"}, {}, usage);
    const auto id = parseRunId(a, usage);
    auto store = openStore(a.db);
    const RunRecord r = findRun(*store, id, a.db);
    const MatrixRows acc = matrixRows(store->matrix(id));
    std::vector<std::pair<std::string, MatrixRows>> others;
    for (const auto& kind : store->matrixKinds(id))
        if (kind != kAccuracyMatrix) others.emplace_back(kind, matrixRows(store->matrix(id, kind)));
    const std::string log = runLogPath(a.db, id);
    std::error_code ec;
    const bool hasLog = !log.empty() && std::filesystem::exists(log, ec);

    if (a.flags.count("--json")) {
        Json metrics = Json::object();
        for (const auto& [k, v] : r.metrics) metrics[k] = number(v);
        Json matrices = Json::object();
        for (const auto& [kind, m] : others)
            matrices[kind] = {{"initial", rowJson(m.initial)}, {"rows", matrixJson(m.rows)}};
        const Json out = {{"id", r.id},
                          {"name", r.name},
                          {"strategy", r.strategy},
                          {"status", toString(r.status)},
                          {"message", r.message},
                          {"tags", r.tags},
                          {"seed", r.seed},
                          {"device", r.device},
                          {"started_at", r.startedAt},
                          {"ended_at", r.endedAt},
                          {"duration_seconds", number(durationSeconds(r))},
                          {"initial_accuracy", rowJson(acc.initial)},
                          {"accuracy_matrix", matrixJson(acc.rows)},
                          {"matrices", matrices},
                          {"metrics", metrics},
                          {"log_file", hasLog ? log : ""},
                          {"versions", parsedOrText(r.versionsJson)},
                          {"config", parsedOrText(r.configJson)}};
        std::cout << out.dump(2) << std::endl;
        return 0;
    }
    std::string s = "run " + std::to_string(r.id) + " \"" + r.name + "\"\n";
    s += "strategy  " + r.strategy + "\n";
    s += "status    " + toString(r.status) + (r.message.empty() ? "" : ": " + r.message) + "\n";
    s += "started   " + shortTime(r.startedAt) + " UTC, ran " + fmtDuration(durationSeconds(r)) +
         " on " + (r.device.empty() ? "?" : r.device) + ", seed " + std::to_string(r.seed) + "\n";
    if (!r.tags.empty()) s += "tags      " + r.tags + "\n";
    s += "\nAccuracy matrix (%): row = after training task i, column = test set of task j\n";
    s += acc.rows.empty() && acc.initial.empty() ? "(no rows stored)\n" : matrixText(acc);
    for (const auto& [kind, m] : others) s += "\n" + kind + " matrix (%)\n" + matrixText(m);
    s += "\nmetrics\n";
    if (r.metrics.empty()) s += "  (none stored: the run did not finish)\n";
    size_t keyWidth = 0;
    for (const auto& [k, v] : r.metrics) keyWidth = std::max(keyWidth, k.size());
    for (const auto& [k, v] : r.metrics) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        s += "  " + pad(k, keyWidth, false) + "  " + (std::isnan(v) ? "-" : buf) + "\n";
    }
    if (hasLog) s += "\nlog file: " + log + "\n";
    std::cout << s;
    return 0;
}

int exportRunCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run export RUN_ID [--db FILE] --csv|--json [--out FILE]";
    const Args a = parseArgs(args, {"--csv", "--json"}, {"--out"}, usage);
    const auto id = parseRunId(a, usage);
    if (a.flags.count("--csv") == a.flags.count("--json"))
        throw std::invalid_argument("give one of --csv and --json; " + usage);
    auto store = openStore(a.db);
    const RunRecord r = findRun(*store, id, a.db);
    const MatrixRows acc = matrixRows(store->matrix(id));
    const auto metrics = exportedMetrics(r);
    std::string text;
    if (a.flags.count("--csv")) {
        text = matrixCsv(acc, metrics);
    } else {
        Json m = Json::object();
        for (const auto& [k, v] : metrics) m[k] = number(v);
        text = Json{{"run_id", r.id},
                    {"name", r.name},
                    {"strategy", r.strategy},
                    {"status", toString(r.status)},
                    {"initial_accuracy", rowJson(acc.initial)},
                    {"accuracy_matrix", matrixJson(acc.rows)},
                    {"metrics", m}}
                   .dump(2) +
               "\n";
    }
    return emit(text, a.out) ? 0 : 1;
}

int deleteRunCommand(const std::vector<std::string>& args)
{
    const std::string usage = "usage: clwb-run delete RUN_ID [--db FILE] [--yes]";
    const Args a = parseArgs(args, {"--yes"}, {}, usage);
    const auto id = parseRunId(a, usage);
    auto store = openStore(a.db);
    const RunRecord r = findRun(*store, id, a.db);
    const std::string what = "run " + std::to_string(id) + " \"" + r.name + "\"";
    if (r.status == RunStatus::Running) {
        std::cerr << "clwb-run: " << what << " is still running; stop it first\n";
        return 1;
    }
    if (!a.flags.count("--yes")) {
        if (!isatty(STDIN_FILENO))
            throw std::invalid_argument("not deleting " + what +
                                        " without --yes (no terminal to ask on)");
        std::cerr << "Delete " << what << " (" << r.strategy << ", " << toString(r.status)
                  << ") and all its stored data? This cannot be undone. [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            std::cerr << "not deleted\n";
            return 1;
        }
    }
    store->deleteRun(id);
    std::error_code ec;
    if (const auto log = runLogPath(a.db, id); !log.empty()) std::filesystem::remove(log, ec);
    std::cout << "deleted " << what << "\n";
    return 0;
}

}  // namespace clwb::cli
