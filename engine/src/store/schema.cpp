// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/schema.h"

#include <string>

#include "store/schema_backup.h"

namespace clwb::sql {
namespace {

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

// Version 2 -> 3: one table of matrices by kind ("accuracy"; "format" and "knowledge" of
// question-answering runs; whatever comes next) in place of one table per kind.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE IF NOT EXISTS matrices(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    after_task INTEGER NOT NULL,
    eval_task INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY(run_id, kind, after_task, eval_task)
);
INSERT OR IGNORE INTO matrices(run_id, kind, after_task, eval_task, value)
    SELECT run_id, 'accuracy', after_task, eval_task, accuracy FROM matrix;
INSERT OR IGNORE INTO matrices(run_id, kind, after_task, eval_task, value)
    SELECT run_id, kind, after_task, eval_task, accuracy FROM qa_matrix;
DROP TABLE matrix;
DROP TABLE qa_matrix;
)sql";

// Version 3 -> 4: where each task's test images went after each boundary (non-zero confusion
// counts only) and the classes of the run's dataset, with the task that introduces each.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE IF NOT EXISTS confusion(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    true_class INTEGER NOT NULL,
    predicted_class INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY(run_id, after_task, true_class, predicted_class)
);
CREATE TABLE IF NOT EXISTS classes(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL,
    task INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY(run_id, class_id)
);
)sql";

// Version 4 -> 5: the prediction gallery, its thumbnails (row-major HWC uint8) and what the model
// predicted for each after each boundary.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE IF NOT EXISTS gallery(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    task INTEGER NOT NULL,
    label INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    channels INTEGER NOT NULL,
    pixels BLOB,
    PRIMARY KEY(run_id, position)
);
CREATE TABLE IF NOT EXISTS gallery_predictions(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    position INTEGER NOT NULL,
    predicted INTEGER NOT NULL,
    PRIMARY KEY(run_id, after_task, position)
);
)sql";

// Version 5 -> 6: feature drift, the 2-D projection of a fixed set of test images' features after
// each boundary: the points' classes once per run, their coordinates and the share of variance
// the two axes explain per boundary.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE IF NOT EXISTS drift_points(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label INTEGER NOT NULL,
    PRIMARY KEY(run_id, position)
);
CREATE TABLE IF NOT EXISTS drift(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    position INTEGER NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    PRIMARY KEY(run_id, after_task, position)
);
CREATE TABLE IF NOT EXISTS drift_boundaries(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    after_task INTEGER NOT NULL,
    explained REAL NOT NULL,
    PRIMARY KEY(run_id, after_task)
);
)sql";

// Version 6 -> 7: studies (docs/studies.md): one row per study with its JSON and where it ran; per
// run, the study, group key (configuration label and grid point) and seed it stands for; and the
// runs merged from a study's per-task databases, by source, so merging twice adds nothing.
// merged_runs keeps its row when the run is deleted: a deleted run is not merged back.
constexpr const char* kSchemaV7 = R"sql(
CREATE TABLE IF NOT EXISTS studies(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    json TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    executor TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS study_runs(
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    group_key TEXT NOT NULL DEFAULT '',
    seed INTEGER NOT NULL DEFAULT 0,
    task_index INTEGER NOT NULL DEFAULT -1
);
CREATE INDEX IF NOT EXISTS study_runs_study ON study_runs(study_id, group_key);
CREATE TABLE IF NOT EXISTS merged_runs(
    source TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,
    merged_at TEXT NOT NULL
);
)sql";

// Version 7 -> 8: the run's latest checkpoint (docs/reliability.md): its file name in the run's
// checkpoint folder ('' = none), the task it was written after and the step. Columns, so each is
// added only where missing (SQLite has no ADD COLUMN IF NOT EXISTS), as the CREATE ... IF NOT
// EXISTS of earlier steps.
constexpr const char* kSchemaV8[][2] = {
    {"checkpoint", "ALTER TABLE runs ADD COLUMN checkpoint TEXT NOT NULL DEFAULT ''"},
    {"checkpoint_task", "ALTER TABLE runs ADD COLUMN checkpoint_task INTEGER NOT NULL DEFAULT -1"},
    {"checkpoint_step", "ALTER TABLE runs ADD COLUMN checkpoint_step INTEGER NOT NULL DEFAULT 0"},
};

}  // namespace

void migrateSchema(Db& db, int target)
{
    // Before the write transaction: SQLite cannot copy a database its connection is writing.
    backupBeforeMigration(db, target);
    Transaction tx(db, Transaction::Mode::Write, "creating the schema");
    // Another process may have initialised the file between our check and the write lock.
    const int from =
        static_cast<int>(db.pragmaInt("PRAGMA user_version", "reading the schema version"));
    if (from < 1) db.exec(kSchemaV1, "creating the schema");
    if (from < 2) db.exec(kSchemaV2, "adding the question-answering matrices");
    if (from < 3) db.exec(kSchemaV3, "storing matrices by kind");
    if (from < 4) db.exec(kSchemaV4, "adding the confusion counts");
    if (from < 5) db.exec(kSchemaV5, "adding the prediction gallery");
    if (from < 6) db.exec(kSchemaV6, "adding the feature drift");
    if (from < 7) db.exec(kSchemaV7, "adding studies");
    if (from < 8)
        for (const auto& [column, sql] : kSchemaV8) {
            const std::string has = std::string("SELECT count(*) FROM pragma_table_info('runs') "
                                                "WHERE name = '") + column + "'";
            if (db.pragmaInt(has.c_str(), "adding run checkpoints") == 0)
                db.exec(sql, "adding run checkpoints");
        }
    if (from < target) {
        // PRAGMAs take no parameters; both values are our own integer constants.
        const std::string stamp = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                                  "; PRAGMA user_version = " + std::to_string(target) + ";";
        db.exec(stamp.c_str(), "stamping the schema version");
    }
    tx.commit();
}

}  // namespace clwb::sql
