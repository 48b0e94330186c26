// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/schema_backup.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace clwb::sql {

std::string schemaBackupPath(const std::string& dbPath, int version)
{
    return dbPath + ".schema" + std::to_string(version) + ".bak";
}

void backupBeforeMigration(Db& db, int target)
{
    if (db.path.empty() || db.path == ":memory:") return;
    const int from =
        static_cast<int>(db.pragmaInt("PRAGMA user_version", "reading the schema version"));
    if (from < 1 || from >= target) return;

    const std::string backup = schemaBackupPath(db.path, from);
    // A half-written copy never carries the final name, and two processes never share a file.
    const std::string partial = backup + ".part" + std::to_string(getpid());
    std::remove(partial.c_str());
    sqlite3* out = nullptr;
    std::string problem;
    if (sqlite3_open_v2(partial.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
        problem = out ? sqlite3_errmsg(out) : "cannot create the file";
    } else if (sqlite3_backup* copy = sqlite3_backup_init(out, "main", db.db, "main")) {
        const int stepped = sqlite3_backup_step(copy, -1);  // every page in one pass
        const int finished = sqlite3_backup_finish(copy);
        if (stepped != SQLITE_DONE)
            problem = sqlite3_errstr(stepped);
        else if (finished != SQLITE_OK)
            problem = sqlite3_errmsg(out);
    } else {
        problem = sqlite3_errmsg(out);
    }
    // A copy that does not close cleanly is not trusted either.
    if (sqlite3_close_v2(out) != SQLITE_OK && problem.empty()) problem = "cannot close the copy";
    if (problem.empty() && std::rename(partial.c_str(), backup.c_str()) != 0)
        problem = std::strerror(errno);
    if (problem.empty()) return;
    std::remove(partial.c_str());
    throw std::runtime_error("Run database '" + db.path + "': writing the copy '" + backup +
                             "' before upgrading the schema from version " + std::to_string(from) +
                             ": " + problem + "; the database was left as it was");
}

}  // namespace clwb::sql
