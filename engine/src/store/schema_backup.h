// SPDX-License-Identifier: GPL-3.0-or-later
// The copy of a run database written before its schema is upgraded, so a user can go back to the
// older CL Workbench with every run intact.
#pragma once

#include <string>

#include "store/sqlite_db.h"

namespace clwb::sql {

/// "<database>.schema<version>.bak" beside the database.
std::string schemaBackupPath(const std::string& dbPath, int version);

/// When the file holds runs of a schema older than `target` (user_version 1 .. target - 1):
/// copies it whole, WAL contents included (SQLite's online backup), to schemaBackupPath, written
/// under a temporary name and renamed into place. Throws std::runtime_error naming both files
/// when the copy cannot be written; the database is not changed then. A new or in-memory
/// database is not copied.
void backupBeforeMigration(Db& db, int target);

}  // namespace clwb::sql
