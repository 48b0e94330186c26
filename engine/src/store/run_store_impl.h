// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's connection, shared by the files that implement RunStore (run_store.cpp,
// run_store_confusion.cpp, run_store_gallery.cpp, run_store_drift.cpp).
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

}  // namespace clwb
