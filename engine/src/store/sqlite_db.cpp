// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/sqlite_db.h"

#include <stdexcept>

namespace clwb::sql {

void Db::fail(const std::string& what, int rc) const
{
    const int primary = rc & 0xff;
    if (primary == SQLITE_NOTADB)
        throw std::runtime_error("'" + path +
                                 "' is not a CL Workbench database (not an SQLite file, or an "
                                 "encrypted one)");
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (primary == SQLITE_CORRUPT) detail = "the database file is damaged (" + detail + ")";
    throw std::runtime_error("Run database '" + path + "': " + what + ": " + detail);
}

sqlite3_stmt* Db::prepare(const char* sql, const char* what)
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

std::int64_t Db::pragmaInt(const char* sql, const char* what)
{
    Query q(*this, sql, what);
    return q.step() ? q.int64(0) : 0;
}

}  // namespace clwb::sql
