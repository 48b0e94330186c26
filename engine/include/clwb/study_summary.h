// SPDX-License-Identifier: GPL-3.0-or-later
// A study's results: per group, mean ± std over seeds of every summary metric, A_t and
// forgetting after each task, the accuracy matrix per cell; for a grid, the metric per value of
// each axis and the best configuration. Exports as CSV, Markdown, LaTeX (booktabs) and JSON.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clwb/metrics.h"
#include "clwb/run_store.h"
#include "clwb/study.h"

namespace clwb {

/// One stored run as the summary reads it.
struct SummaryInput
{
    std::int64_t runId = 0;
    std::string groupKey;  ///< runs with the same key are seeds of one group
    std::int64_t seed = 0;
    RunStatus status = RunStatus::Finished;
    std::map<std::string, double> metrics;
    AccuracyMatrix matrix;  ///< rows after each task (the row before training left out)
};

/// Mean and sample standard deviation (n - 1; 0 for one value) over n values; NaN when n = 0.
struct MeanStd
{
    double mean = 0;
    double std = 0;
    int n = 0;
};
MeanStd meanStd(const std::vector<double>& values);

struct GroupSummary
{
    std::string key;    ///< studyGroupKey
    std::string label;  ///< the configuration's
    StudySettings point;
    std::vector<std::int64_t> runIds;  ///< the finished runs averaged, by seed
    std::vector<std::int64_t> seeds;
    std::map<std::string, MeanStd> metrics;    ///< every summary metric the runs stored
    std::vector<MeanStd> averageAccuracy;      ///< A_t after task t = 0..T-1
    std::vector<MeanStd> forgetting;           ///< Chaudhry forgetting after task t (0 at t = 0)
    std::vector<std::vector<MeanStd>> matrix;  ///< R[i][j] per cell
};

/// One grid axis: the metric per value (columns) for each setting of everything else (rows).
struct AxisTable
{
    std::string axis;
    std::vector<std::string> values;          ///< JSON texts, in first-seen order
    std::vector<std::string> rows;            ///< the label and the other axes' values
    std::vector<std::vector<MeanStd>> cells;  ///< [row][value]; n = 0 where no group
};

struct StudySummary
{
    std::string name;
    std::vector<GroupSummary> groups;     ///< in first-seen order
    std::vector<std::string> metricKeys;  ///< metricsAsList order first, then the others
    std::vector<AxisTable> axes;          ///< one per grid/search axis; empty without a grid
    int best = -1;  ///< group with the highest mean A_T, ties to lower mean forgetting
    std::vector<std::int64_t> unfinished;  ///< runs left out (not finished)
};

/// Groups `runs` by key (finished runs only; a seed repeated in a group keeps its latest run).
StudySummary summarizeRuns(const std::vector<SummaryInput>& runs);
/// The runs of study `studyId`. Throws std::invalid_argument for an unknown study.
StudySummary summarizeStudy(RunStore& store, std::int64_t studyId);
/// Any stored runs: grouped by study group key where they have one, else by run name.
StudySummary summarizeRunIds(RunStore& store, const std::vector<std::int64_t>& runIds);

/// group,label,<axis>...,n,seeds,<metric>_mean,<metric>_std,... then A_t and forgetting per task.
std::string studySummaryCsv(const StudySummary& s);
/// Tables in points (accuracy metrics x 100), mean ± std; A_t vs t; forgetting; axes; best.
std::string studySummaryMarkdown(const StudySummary& s);
/// A booktabs table of the main metrics, the best value of each column in bold.
std::string studySummaryLatex(const StudySummary& s);
/// Everything, numbers as stored (fractions).
std::string studySummaryJson(const StudySummary& s);

}  // namespace clwb
