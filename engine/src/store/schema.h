// SPDX-License-Identifier: GPL-3.0-or-later
// The run database's schema and its migrations, one step per version (docs/architecture.md).
#pragma once

#include "store/sqlite_db.h"

namespace clwb::sql {

constexpr int kApplicationId = 0x434C5742;  // 'CLWB' in the file header

/// Brings the schema from the file's user_version to `target`, all steps in one transaction.
void migrateSchema(Db& db, int target);

}  // namespace clwb::sql
