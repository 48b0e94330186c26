// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore on the sqlite3 C API: WAL file, cached statements, batched writes, crash recovery.
#include "clwb/run_store.h"

#include <sqlite3.h>

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

namespace {

constexpr int kApplicationId = 0x434C5742;  // 'CLWB' in the file header
constexpr int kBusyTimeoutMs = 5000;
constexpr std::chrono::seconds kStaleHeartbeat{120};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Version 0 -> 1. Later versions append a step and bump RunStore::kSchemaVersion.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    strategy TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'running',
    config_json TEXT NOT NULL DEFAULT '',
    seed INTEGER NOT NULL DEFAULT 0,
    versions_json TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    ended_at TEXT,
    heartbeat_at TEXT,
    pid INTEGER,
    host TEXT,
    message TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS series(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    task INTEGER NOT NULL,
    value REAL,
    is_nan INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS series_run_key_step ON series(run_id, key, step);
CREATE TABLE IF NOT EXISTS matrix(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    eval_task INTEGER NOT NULL,
    accuracy REAL,
    PRIMARY KEY(run_id, after_task, eval_task)
);
CREATE TABLE IF NOT EXISTS metrics(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value REAL,
    is_nan INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(run_id, key)
);
CREATE TABLE IF NOT EXISTS importance(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    task INTEGER NOT NULL,
    kind TEXT NOT NULL,
    block INTEGER NOT NULL,
    module TEXT NOT NULL,
    score REAL,
    rows INTEGER NOT NULL DEFAULT 0,
    cols INTEGER NOT NULL DEFAULT 0,
    map BLOB
);
CREATE INDEX IF NOT EXISTS importance_run_task ON importance(run_id, task, kind);
)sql";

// Version 1 -> 2: the format-compliance and knowledge matrices of question-answering runs, and the
// example answers shown after each task.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE IF NOT EXISTS qa_matrix(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    after_task INTEGER NOT NULL,
    eval_task INTEGER NOT NULL,
    accuracy REAL,
    PRIMARY KEY(run_id, kind, after_task, eval_task)
);
CREATE TABLE IF NOT EXISTS qa_examples(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    position INTEGER NOT NULL,
    task INTEGER NOT NULL,
    style TEXT NOT NULL,
    question TEXT NOT NULL,
    expected TEXT NOT NULL,
    answer TEXT NOT NULL,
    strict INTEGER NOT NULL,
    format INTEGER NOT NULL,
    knowledge INTEGER NOT NULL,
    PRIMARY KEY(run_id, after_task, position)
);
)sql";

constexpr const char* kRunColumns =
    "id, name, strategy, status, config_json, seed, versions_json, device, started_at, "
    "ended_at, heartbeat_at, message, tags";

// --- time -----------------------------------------------------------------------------------

std::string isoUtc(std::chrono::system_clock::time_point t)
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    // Floor division keeps the millisecond field in 0..999 for times before 1970 too.
    const auto floorSecs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    const std::time_t secs = static_cast<std::time_t>(floorSecs);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];  // room for any int fields, so the compiler can prove no truncation
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms - floorSecs * 1000));
    return buf;
}

std::string nowIso()
{
    return isoUtc(std::chrono::system_clock::now());
}

/// Parses what isoUtc writes (milliseconds optional); nullopt when it is not that format.
std::optional<std::chrono::system_clock::time_point> parseIso(const std::string& s)
{
    std::tm tm{};
    int millis = 0;
    int consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    if (s[consumed] == '.' && std::sscanf(s.c_str() + consumed + 1, "%3d", &millis) != 1)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::time_t secs = timegm(&tm);
    if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(millis);
}

std::string hostName()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

/// True only when the kernel says the pid does not exist (EPERM means alive, another user).
bool pidIsDead(std::int64_t pid)
{
    // pid <= 0 would address process groups, so an unknown pid is never "dead".
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
    return kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// --- float32 blobs (little-endian on disk, whatever the host) ------------------------------

bool hostIsLittleEndian()
{
    const std::uint32_t one = 1;
    unsigned char first = 0;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

std::vector<unsigned char> encodeFloats(const std::vector<float>& values)
{
    std::vector<unsigned char> bytes(values.size() * 4);
    if (hostIsLittleEndian()) {
        if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
        return bytes;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &values[i], 4);
        for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<unsigned char>(bits >> (8 * b));
    }
    return bytes;
}

std::vector<float> decodeFloats(const unsigned char* bytes, std::size_t count)
{
    std::vector<float> values(count);
    if (hostIsLittleEndian()) {
        if (count) std::memcpy(values.data(), bytes, count * 4);
        return values;
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) bits |= std::uint32_t(bytes[i * 4 + b]) << (8 * b);
        std::memcpy(&values[i], &bits, 4);
    }
    return values;
}

// --- statements -----------------------------------------------------------------------------

/// Owns a prepared statement; finalizes it on destruction.
class Stmt
{
public:
    Stmt() = default;
    explicit Stmt(sqlite3_stmt* s) : stmt_(s) {}
    ~Stmt() { sqlite3_finalize(stmt_); }
    Stmt(Stmt&& o) noexcept : stmt_(std::exchange(o.stmt_, nullptr)) {}
    Stmt& operator=(Stmt&& o) noexcept
    {
        if (this != &o) {
            sqlite3_finalize(stmt_);
            stmt_ = std::exchange(o.stmt_, nullptr);
        }
        return *this;
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    sqlite3_stmt* get() const { return stmt_; }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

/// The connection and its statement cache (RunStore::Impl is this; helpers below take it).
struct Db
{
    std::string path;
    sqlite3* db = nullptr;
    std::string host = hostName();
    // Finalized in ~Db before the connection closes.
    std::unordered_map<std::string, Stmt> cache;

    Db() = default;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db()
    {
        cache.clear();
        sqlite3_close_v2(db);
    }

    [[noreturn]] void fail(const std::string& what, int rc) const
    {
        const int primary = rc & 0xff;
        if (primary == SQLITE_NOTADB)
            throw std::runtime_error("'" + path +
                                     "' is not a CL Workbench database (not an SQLite file, or "
                                     "an encrypted one)");
        std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        if (primary == SQLITE_CORRUPT) detail = "the database file is damaged (" + detail + ")";
        throw std::runtime_error("Run database '" + path + "': " + what + ": " + detail);
    }

    void exec(const char* sql, const char* what)
    {
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(what, rc);
    }

    /// A cached prepared statement; prepared once per connection.
    sqlite3_stmt* prepare(const char* sql, const char* what)
    {
        auto it = cache.find(sql);
        if (it != cache.end()) return it->second.get();
        sqlite3_stmt* s = nullptr;
        const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(s);
            fail(what, rc);
        }
        return cache.emplace(sql, Stmt(s)).first->second.get();
    }

    std::int64_t pragmaInt(const char* sql, const char* what);
    /// Brings the schema to RunStore::kSchemaVersion, one transaction for all steps.
    void migrate();
};

/// One use of a cached statement: binds, steps, reads columns; resets and clears bindings on
/// destruction so the statement never holds a read snapshot or stale parameters.
class Query
{
public:
    Query(Db& store, const char* sql, const char* what)
        : store_(store), stmt_(store.prepare(sql, what)), what_(what)
    {
    }
    ~Query()
    {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    Query& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
    Query& bind(int i, int v) { return check(sqlite3_bind_int(stmt_, i, v)); }
    /// NaN is stored as NULL (SQLite would do so anyway); callers keep an is_nan flag.
    Query& bind(int i, double v)
    {
        return check(std::isnan(v) ? sqlite3_bind_null(stmt_, i)
                                   : sqlite3_bind_double(stmt_, i, v));
    }
    Query& bind(int i, const std::string& v)
    {
        return check(
            sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    Query& bindNull(int i) { return check(sqlite3_bind_null(stmt_, i)); }
    Query& bindBlob(int i, const std::vector<unsigned char>& v)
    {
        if (v.empty()) return check(sqlite3_bind_null(stmt_, i));
        return check(sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT));
    }

    /// True while a row is available.
    bool step()
    {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        store_.fail(what_, rc);
    }
    /// Steps a statement that returns no rows; resets so it can run again in a loop.
    void run()
    {
        step();
        sqlite3_reset(stmt_);
    }

    std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
    int integer(int col) const { return sqlite3_column_int(stmt_, col); }
    bool isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    double real(int col) const { return isNull(col) ? kNaN : sqlite3_column_double(stmt_, col); }
    std::string text(int col) const
    {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    const unsigned char* blob(int col, std::size_t& bytes) const
    {
        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, col));
        bytes = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
        return p;
    }

private:
    Query& check(int rc)
    {
        if (rc != SQLITE_OK) store_.fail(what_, rc);
        return *this;
    }

    Db& store_;
    sqlite3_stmt* stmt_;
    const char* what_;
};

/// BEGIN IMMEDIATE (write) or BEGIN (read snapshot); rolls back unless committed.
class Transaction
{
public:
    enum class Mode { Read, Write };
    Transaction(Db& store, Mode mode, const char* what) : store_(store), what_(what)
    {
        store_.exec(mode == Mode::Write ? "BEGIN IMMEDIATE" : "BEGIN", what_);
        open_ = true;
    }
    ~Transaction()
    {
        if (open_) sqlite3_exec(store_.db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit()
    {
        store_.exec("COMMIT", what_);
        open_ = false;
    }

private:
    Db& store_;
    const char* what_;
    bool open_ = false;
};

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

std::int64_t Db::pragmaInt(const char* sql, const char* what)
{
    Query q(*this, sql, what);
    return q.step() ? q.int64(0) : 0;
}

void Db::migrate()
{
    Transaction tx(*this, Transaction::Mode::Write, "creating the schema");
    // Another process may have initialised the file between our check and the write lock.
    const int from =
        static_cast<int>(pragmaInt("PRAGMA user_version", "reading the schema version"));
    if (from < 1) exec(kSchemaV1, "creating the schema");
    if (from < 2) exec(kSchemaV2, "adding the question-answering matrices");
    if (from < RunStore::kSchemaVersion) {
        // PRAGMAs take no parameters; both values are our own integer constants.
        const std::string stamp =
            "PRAGMA application_id = " + std::to_string(kApplicationId) +
            "; PRAGMA user_version = " + std::to_string(RunStore::kSchemaVersion) + ";";
        exec(stamp.c_str(), "stamping the schema version");
    }
    tx.commit();
}

}  // namespace

struct RunStore::Impl : Db
{
};

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

RunStore::RunStore(const std::string& path) : impl_(std::make_unique<Impl>())
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
    if (appId != kApplicationId && (appId != 0 || objects > 0 || version != 0)) {
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

    d.exec("PRAGMA journal_mode = WAL", "switching to WAL");
    d.exec("PRAGMA synchronous = NORMAL", "setting synchronous mode");
    d.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");

    if (version < kSchemaVersion) d.migrate();

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

void RunStore::setMatrixCell(std::int64_t runId, const MatrixCell& cell)
{
    Impl& d = *impl_;
    Query(d,
          "INSERT INTO matrix(run_id, after_task, eval_task, accuracy) VALUES(?1, ?2, ?3, ?4) "
          "ON CONFLICT(run_id, after_task, eval_task) DO UPDATE SET accuracy = excluded.accuracy",
          "storing an accuracy-matrix cell")
        .bind(1, runId)
        .bind(2, cell.afterTask)
        .bind(3, cell.evalTask)
        .bind(4, cell.accuracy)
        .run();
}

/// (after_task, eval_task, accuracy) rows of a bound matrix query.
static std::vector<MatrixCell> readCells(Query& q)
{
    std::vector<MatrixCell> cells;
    while (q.step()) cells.push_back(MatrixCell{q.integer(0), q.integer(1), q.real(2)});
    return cells;
}

void RunStore::setQaMatrixCell(std::int64_t runId, const std::string& kind, const MatrixCell& cell)
{
    Impl& d = *impl_;
    Query(d,
          "INSERT INTO qa_matrix(run_id, kind, after_task, eval_task, accuracy) "
          "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(run_id, kind, after_task, eval_task) "
          "DO UPDATE SET accuracy = excluded.accuracy",
          "storing a question-answering matrix cell")
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
            runs.push_back(readRun(q));
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
        if (q.step()) r = readRun(q);
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

std::vector<MatrixCell> RunStore::matrix(std::int64_t runId)
{
    Query q(*impl_,
            "SELECT after_task, eval_task, accuracy FROM matrix WHERE run_id = ?1 "
            "ORDER BY after_task, eval_task",
            "reading the accuracy matrix");
    q.bind(1, runId);
    return readCells(q);
}

std::vector<MatrixCell> RunStore::qaMatrix(std::int64_t runId, const std::string& kind)
{
    Query q(*impl_,
            "SELECT after_task, eval_task, accuracy FROM qa_matrix WHERE run_id = ?1 AND kind = ?2 "
            "ORDER BY after_task, eval_task",
            "reading a question-answering matrix");
    q.bind(1, runId);
    q.bind(2, kind);
    return readCells(q);
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
