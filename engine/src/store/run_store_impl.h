// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's connection, shared by the files that implement RunStore (run_store.cpp,
// run_store_confusion.cpp, run_store_gallery.cpp, run_store_drift.cpp, run_store_checkpoint.cpp).
#pragma once

#include <string>

#include "clwb/run_store.h"
#include "store/sqlite_db.h"
#include "store/store_util.h"

namespace clwb {

struct RunStore::Impl : sql::Db
{
    std::string host = sql::hostName();
};

namespace sql {

/// `run` as read from its row (checkpointPath holding the file name) with the checkpoint's full
/// path and the bytes of its checkpoint folder filled in (run_store_checkpoint.cpp).
RunRecord withCheckpoint(RunRecord run, const std::string& dbPath);
/// Deletes the run's checkpoint folder, if any.
void removeCheckpoints(const std::string& dbPath, std::int64_t runId);

}  // namespace sql
}  // namespace clwb
