// SPDX-License-Identifier: GPL-3.0-or-later
#include "study/run_merge.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "clwb/run_log.h"
#include "store/sqlite_db.h"
#include "store/store_util.h"

namespace clwb::study {
namespace {

using sql::Db;
using sql::Query;
using sql::Transaction;

constexpr int kBusyTimeoutMs = 30000;  // a GUI or another merge may hold the write lock briefly

// Tables with a run_id column that the merge fills itself.
const std::set<std::string> kOwnTables = {"study_runs", "merged_runs"};

struct Table
{
    std::string name;
    std::vector<std::string> columns;
    bool withoutRowid = false;
};

std::vector<std::string> columnsOf(Db& db, const std::string& schema, const std::string& table)
{
    std::vector<std::string> out;
    const std::string sql = "PRAGMA " + schema + ".table_info(\"" + table + "\")";
    Query q(db, sql.c_str(), "reading a table's columns");
    while (q.step()) out.push_back(q.text(1));
    return out;
}

/// main's tables, each with the columns src has too.
std::vector<Table> sharedTables(Db& db)
{
    std::vector<Table> out;
    std::vector<std::pair<std::string, std::string>> tables;
    {
        Query q(db,
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                "listing tables");
        while (q.step()) tables.emplace_back(q.text(0), q.text(1));
    }
    for (const auto& [name, sql] : tables) {
        const auto mine = columnsOf(db, "main", name);
        const auto theirs = columnsOf(db, "src", name);
        Table t{name, {}, sql.find("WITHOUT ROWID") != std::string::npos};
        for (const auto& c : mine)
            if (std::find(theirs.begin(), theirs.end(), c) != theirs.end()) t.columns.push_back(c);
        if (!t.columns.empty()) out.push_back(std::move(t));
    }
    return out;
}

std::string quoted(const std::string& name)
{
    return "\"" + name + "\"";
}

std::string columnList(const std::vector<std::string>& cols)
{
    std::string out;
    for (const auto& c : cols) out += (out.empty() ? "" : ", ") + quoted(c);
    return out;
}

struct SourceRun
{
    std::int64_t id;
    std::string startedAt;
    RunStatus status;
};

/// Copies run `from` of src into main; returns its new id.
std::int64_t copyRun(Db& db, const std::vector<Table>& tables, std::int64_t from)
{
    const char* what = "copying a run";
    std::int64_t to = 0;
    for (const auto& t : tables) {
        if (t.name != "runs") continue;
        std::vector<std::string> cols;
        for (const auto& c : t.columns)
            if (c != "id") cols.push_back(c);
        const std::string sql = "INSERT INTO main.runs(" + columnList(cols) + ") SELECT " +
                                columnList(cols) + " FROM src.runs WHERE id = ?1";
        Query(db, sql.c_str(), what).bind(1, from).run();
        to = sqlite3_last_insert_rowid(db.db);
    }
    if (to == 0) throw std::runtime_error("Run database '" + db.path + "': no runs table");
    for (const auto& t : tables) {
        if (t.name == "runs" || kOwnTables.count(t.name) ||
            std::find(t.columns.begin(), t.columns.end(), "run_id") == t.columns.end())
            continue;
        // A table's own integer key (none today) gets a new value; everything else is copied.
        std::vector<std::string> cols;
        for (const auto& c : t.columns)
            if (c != "run_id" && c != "id") cols.push_back(c);
        const std::string sql = "INSERT INTO main." + quoted(t.name) + "(run_id" +
                                (cols.empty() ? "" : ", " + columnList(cols)) + ") SELECT ?2" +
                                (cols.empty() ? "" : ", " + columnList(cols)) + " FROM src." +
                                quoted(t.name) + " WHERE run_id = ?1" +
                                (t.withoutRowid ? "" : " ORDER BY rowid");
        Query(db, sql.c_str(), what).bind(1, from).bind(2, to).run();
    }
    return to;
}

void copyLog(const std::string& sourceDb, std::int64_t from, const std::string& targetDb,
             std::int64_t to)
{
    const auto src = runLogPath(sourceDb, from), dst = runLogPath(targetDb, to);
    std::error_code ec;
    if (src.empty() || dst.empty() || !std::filesystem::exists(src, ec) ||
        std::filesystem::exists(dst, ec))
        return;
    std::filesystem::create_directories(std::filesystem::path(dst).parent_path(), ec);
    // A log that cannot be copied is no reason to lose the run: the merge has committed.
    std::filesystem::copy_file(src, dst, ec);
}

}  // namespace

std::string mergeSourceKey(const MergeSource& source, std::int64_t sourceRunId,
                           const std::string& startedAt)
{
    return "study " + std::to_string(source.studyId) + " task " + std::to_string(source.taskIndex) +
           " run " + std::to_string(sourceRunId) + " " + startedAt;
}

MergeOutcome mergeRuns(const std::string& targetDb, const MergeSource& source)
{
    MergeOutcome out;
    std::error_code ec;
    if (!std::filesystem::exists(source.file, ec)) return out;
    {
        // Recovers runs whose process died (marked interrupted) and brings an older file's
        // schema up to date; keeps the journal the file was written with.
        RunStore recovered(source.file, source.journal);
    }
    {
        RunStore target(targetDb);  // creates or migrates the target's schema
    }
    Db db;
    db.path = targetDb;
    const int rc = sqlite3_open_v2(targetDb.c_str(), &db.db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) db.fail("opening for a merge", rc);
    sqlite3_busy_timeout(db.db, kBusyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
    Query(db, "ATTACH DATABASE ?1 AS src", "opening the task's database")
        .bind(1, source.file)
        .run();

    const char* what = "merging a task's runs";
    Transaction tx(db, Transaction::Mode::Write, what);
    const auto tables = sharedTables(db);
    std::vector<SourceRun> runs;
    {
        Query q(db, "SELECT id, started_at, status FROM src.runs ORDER BY id", what);
        while (q.step()) runs.push_back({q.int64(0), q.text(1), runStatusFromString(q.text(2))});
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> copied;  // source id, target id
    const std::string now = sql::nowIso();
    for (const auto& r : runs) {
        if (r.status == RunStatus::Running) {
            ++out.running;
            continue;
        }
        const std::string key = mergeSourceKey(source, r.id, r.startedAt);
        {
            Query q(db, "SELECT run_id FROM main.merged_runs WHERE source = ?1", what);
            q.bind(1, key);
            if (q.step()) {
                ++out.already;
                copied.emplace_back(r.id, q.int64(0));  // its log may still be missing
                continue;
            }
        }
        const std::int64_t id = copyRun(db, tables, r.id);
        if (source.studyId > 0)
            Query(db,
                  "INSERT INTO main.study_runs(run_id, study_id, group_key, seed, task_index) "
                  "VALUES(?1, ?2, ?3, ?4, ?5)",
                  what)
                .bind(1, id)
                .bind(2, source.studyId)
                .bind(3, source.groupKey)
                .bind(4, source.seed)
                .bind(5, source.taskIndex)
                .run();
        Query(db, "INSERT INTO main.merged_runs(source, run_id, merged_at) VALUES(?1, ?2, ?3)",
              what)
            .bind(1, key)
            .bind(2, id)
            .bind(3, now)
            .run();
        ++out.merged;
        out.runIds.push_back(id);
        out.statuses.push_back(r.status);
        copied.emplace_back(r.id, id);
    }
    tx.commit();
    for (const auto& [from, to] : copied) copyLog(source.file, from, targetDb, to);
    return out;
}

}  // namespace clwb::study
