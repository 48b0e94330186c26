// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's studies (schema 7): the study rows and each run's study, group key and seed.
#include <string>

#include "clwb/run_store.h"
#include "store/run_store_impl.h"

namespace clwb {

using sql::Query;
using sql::Transaction;

namespace {

constexpr const char* kStudyColumns = "id, name, json, created_at, executor, folder";

StudyRecord readStudy(const Query& q)
{
    StudyRecord s;
    s.id = q.int64(0);
    s.name = q.text(1);
    s.json = q.text(2);
    s.createdAt = q.text(3);
    s.executor = q.text(4);
    s.folder = q.text(5);
    return s;
}

}  // namespace

std::int64_t RunStore::createStudy(const StudyRecord& study)
{
    Impl& d = *impl_;
    const char* what = "creating a study";
    Query(d,
          "INSERT INTO studies(name, json, created_at, executor, folder) "
          "VALUES(?1, ?2, ?3, ?4, ?5)",
          what)
        .bind(1, study.name)
        .bind(2, study.json)
        .bind(3, study.createdAt.empty() ? sql::nowIso() : study.createdAt)
        .bind(4, study.executor)
        .bind(5, study.folder)
        .run();
    return sqlite3_last_insert_rowid(d.db);
}

std::vector<StudyRecord> RunStore::listStudies()
{
    static const std::string sql =
        std::string("SELECT ") + kStudyColumns + " FROM studies ORDER BY created_at DESC, id DESC";
    Query q(*impl_, sql.c_str(), "listing studies");
    std::vector<StudyRecord> out;
    while (q.step()) out.push_back(readStudy(q));
    return out;
}

std::optional<StudyRecord> RunStore::study(std::int64_t studyId)
{
    static const std::string sql =
        std::string("SELECT ") + kStudyColumns + " FROM studies WHERE id = ?1";
    Query q(*impl_, sql.c_str(), "reading a study");
    q.bind(1, studyId);
    if (q.step()) return readStudy(q);
    return std::nullopt;
}

void RunStore::setStudyFolder(std::int64_t studyId, const std::string& executor,
                              const std::string& folder)
{
    Query(*impl_, "UPDATE studies SET executor = ?1, folder = ?2 WHERE id = ?3",
          "recording a study's folder")
        .bind(1, executor)
        .bind(2, folder)
        .bind(3, studyId)
        .run();
}

std::vector<StudyMember> RunStore::runsOfStudy(std::int64_t studyId)
{
    Query q(*impl_,
            "SELECT run_id, study_id, group_key, seed, task_index FROM study_runs "
            "WHERE study_id = ?1 ORDER BY task_index, run_id",
            "listing a study's runs");
    q.bind(1, studyId);
    std::vector<StudyMember> out;
    while (q.step())
        out.push_back(StudyMember{q.int64(0), q.int64(1), q.text(2), q.int64(3), q.integer(4)});
    return out;
}

void RunStore::setRunStudy(const StudyMember& m)
{
    Impl& d = *impl_;
    const char* what = "adding a run to a study";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d,
          "INSERT INTO study_runs(run_id, study_id, group_key, seed, task_index) "
          "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(run_id) DO UPDATE SET "
          "study_id = excluded.study_id, group_key = excluded.group_key, "
          "seed = excluded.seed, task_index = excluded.task_index",
          what)
        .bind(1, m.runId)
        .bind(2, m.studyId)
        .bind(3, m.groupKey)
        .bind(4, m.seed)
        .bind(5, m.taskIndex)
        .run();
    // The run's own seed column says the same as its study membership.
    Query(d, "UPDATE runs SET seed = ?1 WHERE id = ?2", what)
        .bind(1, m.seed)
        .bind(2, m.runId)
        .run();
    tx.commit();
}

std::optional<StudyMember> RunStore::runStudy(std::int64_t runId)
{
    Query q(*impl_,
            "SELECT run_id, study_id, group_key, seed, task_index FROM study_runs "
            "WHERE run_id = ?1",
            "reading a run's study");
    q.bind(1, runId);
    if (q.step()) return StudyMember{q.int64(0), q.int64(1), q.text(2), q.int64(3), q.integer(4)};
    return std::nullopt;
}

}  // namespace clwb
