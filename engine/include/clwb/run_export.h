// SPDX-License-Identifier: GPL-3.0-or-later
// A stored run's accuracy matrix and summary metrics as exported: the GUI's "Matrix and Metrics
// as CSV" layout, written without Qt so `clwb-run export` gives the same file.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clwb/run_store.h"

namespace clwb {

/// A stored matrix as rows: `initial` = the row before training (after_task -1), `rows[i]` = the
/// row after task i. Every row is as wide as the widest; NaN where a cell is missing.
struct MatrixRows
{
    std::vector<double> initial;
    std::vector<std::vector<double>> rows;
};
MatrixRows matrixRows(const std::vector<MatrixCell>& cells);

/// The summary metrics of the GUI's metrics table, in its order (metricsAsList keys), from the
/// run's stored metrics; NaN for those it lacks (a run that did not finish).
std::vector<std::pair<std::string, double>> exportedMetrics(const RunRecord& run);

/// "row,task1,..." then "init" and "after_task<i>" rows (1-based, as the GUI), a blank line and
/// "metric,value" rows. Numbers as printf("%.6g") with a '.' whatever the locale; NaN empty.
std::string matrixCsv(const MatrixRows& matrix,
                      const std::vector<std::pair<std::string, double>>& metrics);

}  // namespace clwb
