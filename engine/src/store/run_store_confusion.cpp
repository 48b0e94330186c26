// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's confusion counts and class list (schema 4): only non-zero counts are stored, so a
// 100-class run costs rows for what was predicted, not C x C per boundary.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "clwb/run_store.h"
#include "store/run_store_impl.h"

namespace clwb {

using sql::Query;
using sql::Transaction;

void RunStore::setConfusion(std::int64_t runId, const ConfusionMatrix& m)
{
    const auto c = static_cast<std::size_t>(m.classes < 0 ? 0 : m.classes);
    if (m.classes < 0 || m.counts.size() != c * c)
        throw std::invalid_argument("setConfusion: " + std::to_string(m.counts.size()) +
                                    " counts for " + std::to_string(m.classes) + " classes");
    Impl& d = *impl_;
    const char* what = "storing a confusion matrix";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM confusion WHERE run_id = ?1 AND after_task = ?2", what)
        .bind(1, runId)
        .bind(2, m.afterTask)
        .run();
    {
        Query q(d,
                "INSERT INTO confusion(run_id, after_task, true_class, predicted_class, count) "
                "VALUES(?1, ?2, ?3, ?4, ?5)",
                what);
        for (std::size_t y = 0; y < c; ++y)
            for (std::size_t p = 0; p < c; ++p)
                if (const std::int64_t n = m.counts[y * c + p]; n != 0)
                    q.bind(1, runId)
                        .bind(2, m.afterTask)
                        .bind(3, int(y))
                        .bind(4, int(p))
                        .bind(5, n)
                        .run();
    }
    tx.commit();
}

void RunStore::setClasses(std::int64_t runId, const ClassList& classes)
{
    if (classes.task.size() != classes.names.size())
        throw std::invalid_argument("setClasses: " + std::to_string(classes.task.size()) +
                                    " task indices for " + std::to_string(classes.names.size()) +
                                    " names");
    Impl& d = *impl_;
    const char* what = "storing the run's classes";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM classes WHERE run_id = ?1", what).bind(1, runId).run();
    {
        Query q(d, "INSERT INTO classes(run_id, class_id, task, name) VALUES(?1, ?2, ?3, ?4)",
                what);
        for (std::size_t i = 0; i < classes.task.size(); ++i)
            q.bind(1, runId)
                .bind(2, int(i))
                .bind(3, classes.task[i])
                .bind(4, classes.names[i])
                .run();
    }
    tx.commit();
}

ClassList RunStore::classes(std::int64_t runId)
{
    Query q(*impl_, "SELECT class_id, task, name FROM classes WHERE run_id = ?1 ORDER BY class_id",
            "reading the run's classes");
    q.bind(1, runId);
    ClassList out;
    while (q.step()) {
        const auto id = static_cast<std::size_t>(q.integer(0));
        if (id >= out.task.size()) {  // ids are 0..C-1; a gap reads as a class of no task
            out.task.resize(id + 1, -1);
            out.names.resize(id + 1);
        }
        out.task[id] = q.integer(1);
        out.names[id] = q.text(2);
    }
    return out;
}

std::vector<ConfusionMatrix> RunStore::confusions(std::int64_t runId)
{
    Impl& d = *impl_;
    const char* what = "reading confusion matrices";
    // One snapshot: the class count and the counts belong to the same state of the run.
    Transaction tx(d, Transaction::Mode::Read, what);
    int classes = 0;
    {
        Query q(d, "SELECT coalesce(max(class_id) + 1, 0) FROM classes WHERE run_id = ?1", what);
        q.bind(1, runId);
        if (q.step()) classes = q.integer(0);
    }
    std::vector<ConfusionMatrix> out;
    {
        Query q(d,
                "SELECT after_task, true_class, predicted_class, count FROM confusion "
                "WHERE run_id = ?1 ORDER BY after_task, true_class, predicted_class",
                what);
        q.bind(1, runId);
        while (q.step()) {
            const int after = q.integer(0), y = q.integer(1), p = q.integer(2);
            if (y < 0 || p < 0 || y >= classes || p >= classes)
                throw std::runtime_error("Run database '" + d.path + "': " + what + ": class " +
                                         std::to_string(std::max(y, p)) + " of run " +
                                         std::to_string(runId) + " is not in its " +
                                         std::to_string(classes) +
                                         " classes (the database file is damaged)");
            if (out.empty() || out.back().afterTask != after) {
                out.emplace_back();
                out.back().afterTask = after;
                out.back().classes = classes;
                out.back().counts.assign(std::size_t(classes) * std::size_t(classes), 0);
            }
            out.back().counts[std::size_t(y) * std::size_t(classes) + std::size_t(p)] = q.int64(3);
        }
    }
    tx.commit();
    return out;
}

}  // namespace clwb
