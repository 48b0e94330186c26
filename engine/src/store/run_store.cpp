// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore on the sqlite3 C API: WAL file, cached statements, batched writes, crash recovery.
#include "clwb/run_store.h"

#include "store/run_store_impl.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/store_util.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <utility>

// Thread safety: a RunStore owns one connection and must be used by one thread only; give
// every thread (training, GUI) its own RunStore on the same file. WAL lets readers and the one
// writer proceed concurrently; writes start with BEGIN IMMEDIATE so they queue on busy_timeout
// instead of failing on a lock upgrade.

namespace clwb {

using sql::Db;
using sql::kNaN;
using sql::Query;
using sql::Transaction;
using sql::decodeFloats;
using sql::encodeFloats;
using sql::hostName;
using sql::isoUtc;
using sql::nowIso;
using sql::parseIso;
using sql::pidIsDead;
using sql::removeCheckpoints;
using sql::withCheckpoint;

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::chrono::seconds kStaleHeartbeat{120};


constexpr const char* kRunColumns =
    "id, name, strategy, status, config_json, seed, versions_json, device, started_at, "
    "ended_at, heartbeat_at, message, tags, checkpoint, checkpoint_task, checkpoint_step";

RunRecord readRun(const Query& q)
{
    RunRecord r;
    r.id = q.int64(0);
    r.name = q.text(1);
    r.strategy = q.text(2);
    r.status = runStatusFromString(q.text(3));
    r.configJson = q.text(4);
    r.seed = q.int64(5);
    r.versionsJson = q.text(6);
    r.device = q.text(7);
    r.startedAt = q.text(8);
    r.endedAt = q.text(9);
    r.heartbeatAt = q.text(10);
    r.message = q.text(11);
    r.tags = q.text(12);
    r.checkpointPath = q.text(13);  // the file name; made a path by withCheckpoint
    r.checkpointTask = q.integer(14);
    r.checkpointStep = q.int64(15);
    return r;
}

void upsertMetrics(Db& d, std::int64_t runId, const std::map<std::string, double>& metrics)
{
    Query q(d,
            "INSERT INTO metrics(run_id, key, value, is_nan) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value, "
            "is_nan = excluded.is_nan",
            "storing summary metrics");
    for (const auto& [key, value] : metrics)
        q.bind(1, runId).bind(2, key).bind(3, value).bind(4, std::isnan(value) ? 1 : 0).run();
}

}  // namespace

// --- RunStatus ------------------------------------------------------------------------------

std::string toString(RunStatus s)
{
    switch (s) {
        case RunStatus::Running:
            return "running";
        case RunStatus::Finished:
            return "finished";
        case RunStatus::Cancelled:
            return "cancelled";
        case RunStatus::Failed:
            return "failed";
        case RunStatus::Interrupted:
            return "interrupted";
    }
    return "interrupted";
}

RunStatus runStatusFromString(const std::string& s)
{
    if (s == "running") return RunStatus::Running;
    if (s == "finished") return RunStatus::Finished;
    if (s == "cancelled") return RunStatus::Cancelled;
    if (s == "failed") return RunStatus::Failed;
    return RunStatus::Interrupted;
}

// --- RunStore -------------------------------------------------------------------------------

RunStore::RunStore(const std::string& path, Journal journal) : impl_(std::make_unique<Impl>())
{
    Impl& d = *impl_;
    d.path = path;
    if (path.empty()) throw std::runtime_error("Run database: no file name given");

    if (path != ":memory:") {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty()) std::filesystem::create_directories(parent, ec);
        if (ec)
            throw std::runtime_error("Run database '" + path + "': cannot create folder '" +
                                     parent.string() + "': " + ec.message());
    }

    // SQLite takes a file shorter than its 100-byte header for an empty database and would write
    // a new one over it (a short text file, a half-copied database): refuse anything that does
    // not start with SQLite's header, untouched.
    std::error_code isDir;
    if (path != ":memory:" && std::filesystem::is_directory(path, isDir))
        throw std::runtime_error("'" + path + "' is a folder, not a run database file");
    if (path != ":memory:" && !sql::looksLikeSqlite(path))
        throw std::runtime_error("'" + path +
                                 "' is not a CL Workbench database (not an SQLite file)");

    const int rc =
        sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) d.fail("cannot open the file", rc);

    sqlite3_busy_timeout(d.db, kBusyTimeoutMs);  // what PRAGMA busy_timeout sets

    // Identify the file before changing anything in it (journal mode, schema).
    const auto appId = d.pragmaInt("PRAGMA application_id", "reading the file header");
    const auto version = d.pragmaInt("PRAGMA user_version", "reading the schema version");
    const auto objects = d.pragmaInt(
        "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        "reading the schema");
    if (appId != sql::kApplicationId && (appId != 0 || objects > 0 || version != 0)) {
        char id[32] = "";
        if (appId != 0)
            std::snprintf(id, sizeof id, ", application_id 0x%08X", static_cast<unsigned>(appId));
        throw std::runtime_error("'" + path +
                                 "' is not a CL Workbench database (it is an SQLite file of "
                                 "another application" +
                                 id + ")");
    }
    if (version > kSchemaVersion)
        throw std::runtime_error("'" + path + "' was written by a newer CL Workbench (schema " +
                                 std::to_string(version) + " > " + std::to_string(kSchemaVersion) +
                                 "); update CL Workbench to open it");

    if (journal == Journal::Delete)
        d.exec("PRAGMA journal_mode = DELETE", "switching to the DELETE journal");
    else
        d.exec("PRAGMA journal_mode = WAL", "switching to WAL");
    d.exec("PRAGMA synchronous = NORMAL", "setting synchronous mode");
    d.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");

    if (version < kSchemaVersion) sql::migrateSchema(d, kSchemaVersion);

    recoverInterrupted();
}

RunStore::~RunStore() = default;

std::string RunStore::defaultPath()
{
    // XDG says relative values are invalid and must be ignored.
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (xdg && *xdg == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (!home || !*home) {
            const passwd* pw = getpwuid(getuid());
            home = pw ? pw->pw_dir : "/tmp";
        }
        base = std::filesystem::path(home) / ".local" / "share";
    }
    return (base / "clwb" / "runs.sqlite").string();
}

const std::string& RunStore::path() const
{
    return impl_->path;
}

std::int64_t RunStore::createRun(const RunRecord& run)
{
    Impl& d = *impl_;
    const char* what = "creating a run";
    Transaction tx(d, Transaction::Mode::Write, what);
    std::int64_t id = 0;
    {
        const std::string now = nowIso();
        Query q(d,
                "INSERT INTO runs(name, strategy, status, config_json, seed, versions_json, "
                "device, started_at, heartbeat_at, pid, host, message, tags) "
                "VALUES(?1, ?2, 'running', ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11)",
                what);
        q.bind(1, run.name)
            .bind(2, run.strategy)
            .bind(3, run.configJson)
            .bind(4, run.seed)
            .bind(5, run.versionsJson)
            .bind(6, run.device)
            .bind(7, now)
            .bind(8, static_cast<std::int64_t>(getpid()))
            .bind(9, d.host)
            .bind(10, run.message)
            .bind(11, run.tags)
            .run();
        id = sqlite3_last_insert_rowid(d.db);
    }
    if (!run.metrics.empty()) upsertMetrics(d, id, run.metrics);
    tx.commit();
    return id;
}

void RunStore::heartbeat(std::int64_t runId)
{
    Impl& d = *impl_;
    // Unlinked under a running run, the file would take every later write and vanish with them
    // when closed; SQLite does not notice by itself in WAL mode.
    int moved = 0;
    if (sqlite3_file_control(d.db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved)
        throw std::runtime_error("Run database '" + d.path +
                                 "': recording a heartbeat: the database file was deleted or "
                                 "renamed while the run was writing to it");
    Query(d, "UPDATE runs SET heartbeat_at = ?1 WHERE id = ?2", "recording a heartbeat")
        .bind(1, nowIso())
        .bind(2, runId)
        .run();
}

void RunStore::appendSeries(std::int64_t runId, const std::vector<SeriesPoint>& points)
{
    if (points.empty()) return;
    Impl& d = *impl_;
    const char* what = "appending series points";
    // One transaction per batch: per-row autocommit would cost one WAL sync per point.
    Transaction tx(d, Transaction::Mode::Write, what);
    {
        Query q(d,
                "INSERT INTO series(run_id, key, step, task, value, is_nan) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                what);
        for (const auto& p : points) {
            q.bind(1, runId)
                .bind(2, p.key)
                .bind(3, p.step)
                .bind(4, p.task)
                .bind(5, p.value)
                .bind(6, std::isnan(p.value) ? 1 : 0)
                .run();
        }
    }
    tx.commit();
}

void RunStore::setMatrixCell(std::int64_t runId, const MatrixCell& cell, const std::string& kind)
{
    Impl& d = *impl_;
    Query(d,
          "INSERT INTO matrices(run_id, kind, after_task, eval_task, value) "
          "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(run_id, kind, after_task, eval_task) "
          "DO UPDATE SET value = excluded.value",
          "storing a matrix cell")
        .bind(1, runId)
        .bind(2, kind)
        .bind(3, cell.afterTask)
        .bind(4, cell.evalTask)
        .bind(5, cell.accuracy)
        .run();
}

void RunStore::setQaExamples(std::int64_t runId, int afterTask, const std::vector<QaExample>& examples)
{
    Impl& d = *impl_;
    Transaction tx(d, Transaction::Mode::Write, "storing example answers");
    Query(d, "DELETE FROM qa_examples WHERE run_id = ?1 AND after_task = ?2", "storing example answers")
        .bind(1, runId)
        .bind(2, afterTask)
        .run();
    for (size_t i = 0; i < examples.size(); ++i) {
        const auto& e = examples[i];
        Query(d,
              "INSERT INTO qa_examples(run_id, after_task, position, task, style, question, expected, "
              "answer, strict, format, knowledge) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
              "storing example answers")
            .bind(1, runId)
            .bind(2, afterTask)
            .bind(3, int(i))
            .bind(4, e.task)
            .bind(5, e.style)
            .bind(6, e.question)
            .bind(7, e.expected)
            .bind(8, e.answer)
            .bind(9, int(e.strict))
            .bind(10, int(e.format))
            .bind(11, int(e.knowledge))
            .run();
    }
    tx.commit();
}

std::map<int, std::vector<QaExample>> RunStore::qaExamples(std::int64_t runId)
{
    Impl& d = *impl_;
    std::map<int, std::vector<QaExample>> out;
    Query q(d,
            "SELECT after_task, task, style, question, expected, answer, strict, format, knowledge "
            "FROM qa_examples WHERE run_id = ?1 ORDER BY after_task, position",
            "reading example answers");
    q.bind(1, runId);
    while (q.step()) {
        QaExample e;
        e.task = q.integer(1);
        e.style = q.text(2);
        e.question = q.text(3);
        e.expected = q.text(4);
        e.answer = q.text(5);
        e.strict = q.integer(6) != 0;
        e.format = q.integer(7) != 0;
        e.knowledge = q.integer(8) != 0;
        out[q.integer(0)].push_back(std::move(e));
    }
    return out;
}

// Merges: keys not in `metrics` keep their stored values.
void RunStore::setMetrics(std::int64_t runId, const std::map<std::string, double>& metrics)
{
    if (metrics.empty()) return;
    Impl& d = *impl_;
    Transaction tx(d, Transaction::Mode::Write, "storing summary metrics");
    upsertMetrics(d, runId, metrics);
    tx.commit();
}

// A snapshot replaces an earlier one of the same (task, kind), so reads group exactly.
void RunStore::addImportance(std::int64_t runId, const ImportanceSnapshot& snapshot)
{
    Impl& d = *impl_;
    const char* what = "storing an importance snapshot";
    for (const auto& c : snapshot.cells) {
        if (c.rows < 0 || c.cols < 0 ||
            c.map.size() != static_cast<std::size_t>(c.rows) * static_cast<std::size_t>(c.cols))
            throw std::runtime_error("Run database '" + d.path + "': " + what + ": map of " +
                                     c.module + " (block " + std::to_string(c.block) + ") has " +
                                     std::to_string(c.map.size()) + " values but shape " +
                                     std::to_string(c.rows) + "x" + std::to_string(c.cols));
    }
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM importance WHERE run_id = ?1 AND task = ?2 AND kind = ?3", what)
        .bind(1, runId)
        .bind(2, snapshot.task)
        .bind(3, snapshot.kind)
        .run();
    {
        Query q(d,
                "INSERT INTO importance(run_id, task, kind, block, module, score, rows, cols, "
                "map) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                what);
        for (const auto& c : snapshot.cells) {
            q.bind(1, runId)
                .bind(2, snapshot.task)
                .bind(3, snapshot.kind)
                .bind(4, c.block)
                .bind(5, c.module)
                .bind(6, c.score)
                .bind(7, c.rows)
                .bind(8, c.cols)
                .bindBlob(9, encodeFloats(c.map))
                .run();
        }
    }
    tx.commit();
}

void RunStore::finishRun(std::int64_t runId, RunStatus status, const std::string& message)
{
    Impl& d = *impl_;
    Query(d, "UPDATE runs SET status = ?1, ended_at = ?2, message = ?3 WHERE id = ?4",
          "finishing a run")
        .bind(1, toString(status))
        .bind(2, nowIso())
        .bind(3, message)
        .bind(4, runId)
        .run();
}

std::vector<RunRecord> RunStore::listRuns()
{
    Impl& d = *impl_;
    const char* what = "listing runs";
    // One read snapshot so the metrics match the runs listed.
    Transaction tx(d, Transaction::Mode::Read, what);
    std::vector<RunRecord> runs;
    std::unordered_map<std::int64_t, std::size_t> index;
    {
        static const std::string sql =
            std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY started_at DESC, id DESC";
        Query q(d, sql.c_str(), what);
        while (q.step()) {
            runs.push_back(withCheckpoint(readRun(q), d.path));
            index.emplace(runs.back().id, runs.size() - 1);
        }
    }
    {
        Query q(d, "SELECT run_id, key, value, is_nan FROM metrics", what);
        while (q.step()) {
            const auto it = index.find(q.int64(0));
            if (it == index.end()) continue;
            runs[it->second].metrics[q.text(1)] = q.integer(3) ? kNaN : q.real(2);
        }
    }
    tx.commit();
    return runs;
}

std::optional<RunRecord> RunStore::run(std::int64_t runId)
{
    Impl& d = *impl_;
    const char* what = "reading a run";
    Transaction tx(d, Transaction::Mode::Read, what);
    std::optional<RunRecord> r;
    {
        static const std::string sql =
            std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1";
        Query q(d, sql.c_str(), what);
        q.bind(1, runId);
        if (q.step()) r = withCheckpoint(readRun(q), d.path);
    }
    if (r) {
        Query q(d, "SELECT key, value, is_nan FROM metrics WHERE run_id = ?1", what);
        q.bind(1, runId);
        while (q.step()) r->metrics[q.text(0)] = q.integer(2) ? kNaN : q.real(1);
    }
    tx.commit();
    return r;
}

// Ordered by key, then step (the index order), then insertion.
std::vector<SeriesPoint> RunStore::series(std::int64_t runId)
{
    Impl& d = *impl_;
    std::vector<SeriesPoint> points;
    Query q(d,
            "SELECT key, step, task, value, is_nan FROM series WHERE run_id = ?1 "
            "ORDER BY key, step, rowid",
            "reading series");
    q.bind(1, runId);
    while (q.step()) {
        SeriesPoint p;
        p.key = q.text(0);
        p.step = q.int64(1);
        p.task = q.integer(2);
        p.value = q.integer(4) ? kNaN : q.real(3);
        points.push_back(std::move(p));
    }
    return points;
}

std::vector<MatrixCell> RunStore::matrix(std::int64_t runId, const std::string& kind)
{
    Query q(*impl_,
            "SELECT after_task, eval_task, value FROM matrices WHERE run_id = ?1 AND kind = ?2 "
            "ORDER BY after_task, eval_task",
            "reading a matrix");
    q.bind(1, runId);
    q.bind(2, kind);
    std::vector<MatrixCell> cells;
    while (q.step()) cells.push_back(MatrixCell{q.integer(0), q.integer(1), q.real(2)});
    return cells;
}

std::vector<std::string> RunStore::matrixKinds(std::int64_t runId)
{
    Query q(*impl_, "SELECT DISTINCT kind FROM matrices WHERE run_id = ?1 ORDER BY kind",
            "listing a run's matrices");
    q.bind(1, runId);
    std::vector<std::string> kinds;
    while (q.step()) kinds.push_back(q.text(0));
    return kinds;
}

// Snapshots ordered by task, then kind; cells in the order they were added.
std::vector<ImportanceSnapshot> RunStore::importance(std::int64_t runId)
{
    Impl& d = *impl_;
    const char* what = "reading importance snapshots";
    std::vector<ImportanceSnapshot> snapshots;
    Query q(d,
            "SELECT task, kind, block, module, score, rows, cols, map FROM importance "
            "WHERE run_id = ?1 ORDER BY task, kind, rowid",
            what);
    q.bind(1, runId);
    while (q.step()) {
        const int task = q.integer(0);
        std::string kind = q.text(1);
        if (snapshots.empty() || snapshots.back().task != task || snapshots.back().kind != kind) {
            snapshots.emplace_back();
            snapshots.back().task = task;
            snapshots.back().kind = std::move(kind);
        }
        ImportanceCell c;
        c.block = q.integer(2);
        c.module = q.text(3);
        c.score = q.real(4);
        c.rows = q.integer(5);
        c.cols = q.integer(6);
        std::size_t bytes = 0;
        const unsigned char* blob = q.blob(7, bytes);
        const std::size_t expected = static_cast<std::size_t>(std::max(c.rows, 0)) *
                                     static_cast<std::size_t>(std::max(c.cols, 0)) * 4;
        if (bytes != expected)
            throw std::runtime_error("Run database '" + d.path + "': " + what + ": map of " +
                                     c.module + " has " + std::to_string(bytes) +
                                     " bytes, expected " + std::to_string(expected) +
                                     " (the database file is damaged)");
        c.map = decodeFloats(blob, bytes / 4);
        snapshots.back().cells.push_back(std::move(c));
    }
    return snapshots;
}

void RunStore::renameRun(std::int64_t runId, const std::string& name)
{
    Query(*impl_, "UPDATE runs SET name = ?1 WHERE id = ?2", "renaming a run")
        .bind(1, name)
        .bind(2, runId)
        .run();
}

void RunStore::setTags(std::int64_t runId, const std::string& tags)
{
    Query(*impl_, "UPDATE runs SET tags = ?1 WHERE id = ?2", "setting tags")
        .bind(1, tags)
        .bind(2, runId)
        .run();
}

void RunStore::deleteRun(std::int64_t runId)
{
    // Child rows go with it through ON DELETE CASCADE (foreign_keys is on per connection).
    Query(*impl_, "DELETE FROM runs WHERE id = ?1", "deleting a run").bind(1, runId).run();
    removeCheckpoints(impl_->path, runId);
}

int RunStore::recoverInterrupted()
{
    Impl& d = *impl_;
    const char* what = "recovering interrupted runs";
    struct Candidate
    {
        std::int64_t id;
        std::string heartbeat;
    };
    std::vector<Candidate> stale;
    const auto now = std::chrono::system_clock::now();
    const std::int64_t self = getpid();
    {
        // Decide outside a write transaction so opening the store rarely takes the write lock.
        Query q(d, "SELECT id, pid, host, heartbeat_at FROM runs WHERE status = 'running'", what);
        while (q.step()) {
            const std::int64_t pid = q.isNull(1) ? 0 : q.int64(1);
            const bool sameHost = q.text(2) == d.host;
            if (sameHost && pid == self) continue;  // our own runs are alive by definition
            const std::string hb = q.text(3);
            const auto beat = parseIso(hb);
            const bool silent = !beat || now - *beat > kStaleHeartbeat;
            if (silent || (sameHost && pidIsDead(pid))) stale.push_back({q.int64(0), hb});
        }
    }
    if (stale.empty()) return 0;

    int marked = 0;
    Transaction tx(d, Transaction::Mode::Write, what);
    {
        // The heartbeat guard skips runs that finished or beat again since the scan.
        Query q(d,
                "UPDATE runs SET status = 'interrupted', ended_at = ?1, message = ?2 "
                "WHERE id = ?3 AND status = 'running' AND heartbeat_at IS ?4",
                what);
        for (const auto& c : stale) {
            const std::string last = c.heartbeat.empty() ? std::string("never") : c.heartbeat;
            q.bind(1, c.heartbeat.empty() ? nowIso() : c.heartbeat)
                .bind(2, "process ended without finishing (last heartbeat " + last + ")")
                .bind(3, c.id);
            if (c.heartbeat.empty())
                q.bindNull(4);
            else
                q.bind(4, c.heartbeat);
            q.run();
            marked += sqlite3_changes(d.db);
        }
    }
    tx.commit();
    return marked;
}

}  // namespace clwb
