// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's feature drift (schema 6): the points' classes once per run, each boundary's 2-D
// coordinates and the share of variance its two axes explain.
#include <stdexcept>
#include <string>

#include "clwb/run_store.h"
#include "store/run_store_impl.h"

namespace clwb {

using sql::Query;
using sql::Transaction;

void RunStore::setDriftLabels(std::int64_t runId, const std::vector<int>& labels)
{
    Impl& d = *impl_;
    const char* what = "storing the feature drift's points";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM drift_points WHERE run_id = ?1", what).bind(1, runId).run();
    {
        Query q(d, "INSERT INTO drift_points(run_id, position, label) VALUES(?1, ?2, ?3)", what);
        for (std::size_t i = 0; i < labels.size(); ++i)
            q.bind(1, runId).bind(2, int(i)).bind(3, labels[i]).run();
    }
    tx.commit();
}

void RunStore::setDrift(std::int64_t runId, int afterTask, const std::vector<float>& xy,
                        double explained)
{
    if (xy.size() % 2 != 0)
        throw std::invalid_argument("setDrift: " + std::to_string(xy.size()) +
                                    " coordinates are not x, y pairs");
    Impl& d = *impl_;
    const char* what = "storing the feature drift";
    Transaction tx(d, Transaction::Mode::Write, what);
    Query(d, "DELETE FROM drift WHERE run_id = ?1 AND after_task = ?2", what)
        .bind(1, runId)
        .bind(2, afterTask)
        .run();
    Query(d,
          "INSERT OR REPLACE INTO drift_boundaries(run_id, after_task, explained) "
          "VALUES(?1, ?2, ?3)",
          what)
        .bind(1, runId)
        .bind(2, afterTask)
        .bind(3, explained)
        .run();
    {
        Query q(d,
                "INSERT INTO drift(run_id, after_task, position, x, y) VALUES(?1, ?2, ?3, ?4, ?5)",
                what);
        // float -> double -> float is exact, so the replay gives back the live values.
        for (std::size_t i = 0; i + 1 < xy.size(); i += 2)
            q.bind(1, runId)
                .bind(2, afterTask)
                .bind(3, int(i / 2))
                .bind(4, double(xy[i]))
                .bind(5, double(xy[i + 1]))
                .run();
    }
    tx.commit();
}

std::vector<int> RunStore::driftLabels(std::int64_t runId)
{
    Query q(*impl_, "SELECT position, label FROM drift_points WHERE run_id = ?1 ORDER BY position",
            "reading the feature drift's points");
    q.bind(1, runId);
    std::vector<int> out;
    while (q.step()) {
        const int position = q.integer(0);
        if (position < 0) continue;
        if (std::size_t(position) >= out.size()) out.resize(std::size_t(position) + 1, -1);
        out[std::size_t(position)] = q.integer(1);
    }
    return out;
}

std::map<int, DriftProjection> RunStore::drift(std::int64_t runId)
{
    Impl& d = *impl_;
    std::map<int, DriftProjection> out;
    {
        Query q(d, "SELECT after_task, explained FROM drift_boundaries WHERE run_id = ?1",
                "reading the feature drift");
        q.bind(1, runId);
        while (q.step()) out[q.integer(0)].explained = q.real(1);
    }
    Query q(d,
            "SELECT after_task, position, x, y FROM drift WHERE run_id = ?1 "
            "ORDER BY after_task, position",
            "reading the feature drift");
    q.bind(1, runId);
    while (q.step()) {
        auto& xy = out[q.integer(0)].xy;
        const int position = q.integer(1);
        if (position < 0) continue;
        const auto at = 2 * std::size_t(position);
        if (at + 2 > xy.size()) xy.resize(at + 2, 0.0f);
        xy[at] = float(q.real(2));
        xy[at + 1] = float(q.real(3));
    }
    return out;
}

}  // namespace clwb
