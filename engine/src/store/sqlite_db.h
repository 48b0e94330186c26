// SPDX-License-Identifier: GPL-3.0-or-later
// A small layer over the sqlite3 C API: one connection with a statement cache, one-shot queries
// that reset themselves, and transactions that roll back unless committed. Engine-private.
#pragma once

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace clwb::sql {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

    /// Throws std::runtime_error naming the file, what was being done and SQLite's reason.
    [[noreturn]] void fail(const std::string& what, int rc) const;

    void exec(const char* sql, const char* what)
    {
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(what, rc);
    }

    /// A cached prepared statement; prepared once per connection.
    sqlite3_stmt* prepare(const char* sql, const char* what);

    /// The single integer a PRAGMA query returns (0 when none).
    std::int64_t pragmaInt(const char* sql, const char* what);
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

}  // namespace clwb::sql
