// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/sqlite_db.h"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace clwb::sql {
namespace {

/// Why SQLite could not write: the file system's own reason, and a read-only file or folder
/// named, so a user sees the cause and not only "disk I/O error".
std::string writeProblem(const std::string& path, sqlite3* db, int primary)
{
    std::string out;
    const int err = db ? sqlite3_system_errno(db) : 0;
    if (err != 0 && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                     primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY))
        out += std::string(" (") + std::strerror(err) + ")";
    const auto folder = std::filesystem::path(path).parent_path();
    const std::string dir = folder.empty() ? std::string(".") : folder.string();
    if (primary == SQLITE_IOERR || primary == SQLITE_FULL) {
        // SQLite rarely keeps errno for a failed write: look for the two usual causes.
        struct statvfs disk {};
        rlimit limit{};
        if (statvfs(dir.c_str(), &disk) == 0 &&
            std::uint64_t(disk.f_bavail) * disk.f_frsize < (std::uint64_t(1) << 20))
            out += "; the disk holding '" + dir + "' is full";
        else if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
            out += "; this process may not write files larger than " +
                   std::to_string(limit.rlim_cur) + " bytes (ulimit -f)";
    }
    if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) return out;
    if (access(path.c_str(), F_OK) == 0 && access(path.c_str(), W_OK) != 0)
        out += "; the file is read-only";
    else if (access(dir.c_str(), W_OK) != 0)
        out += "; the folder '" + dir +
               "' is not writable (the database keeps its -wal and -shm files beside it)";
    return out;
}

}  // namespace

void Db::fail(const std::string& what, int rc) const
{
    const int primary = rc & 0xff;
    if (primary == SQLITE_NOTADB)
        throw std::runtime_error("'" + path +
                                 "' is not a CL Workbench database (not an SQLite file, or an "
                                 "encrypted one)");
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const int extended = db ? sqlite3_extended_errcode(db) : rc;
    if (primary == SQLITE_CORRUPT)
        detail = "the database file is damaged (" + detail + ")";
    else if (extended == SQLITE_READONLY_DBMOVED)
        detail = "the database file was deleted or renamed while in use (" + detail + ")";
    else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        detail += " (another process kept it locked longer than the busy timeout)";
    else
        detail += writeProblem(path, db, primary);
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
