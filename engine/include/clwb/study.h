// SPDX-License-Identifier: GPL-3.0-or-later
// A study: one base experiment x strategy configurations x seeds, optionally x a parameter grid
// or a seeded random search, expanded deterministically into run configs (docs/studies.md).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "clwb/run_config.h"

namespace clwb {

/// Dotted config keys ("train.lr", "params.lambda", "data.train_per_class") to JSON values,
/// each kept as its JSON text ("0.001", "true", "\"flip\"") in the order given.
using StudySettings = std::vector<std::pair<std::string, std::string>>;

/// One axis of a parameter grid: a dotted key and the JSON values it takes.
struct StudyAxis
{
    std::string key;
    std::vector<std::string> values;  ///< JSON texts
};

/// One dimension of a random search: a dotted key drawn uniformly (or log-uniformly) in
/// [min, max], rounded to an integer when `integer`.
struct StudyRange
{
    std::string key;
    double min = 0, max = 1;
    bool logScale = false;
    bool integer = false;
};

/// A seeded random search: `samples` points, each a value for every range.
struct StudySearch
{
    std::vector<StudyRange> ranges;
    int samples = 0;
    int seed = 0;
    bool empty() const { return ranges.empty(); }
};

/// One strategy configuration: a label, a strategy, parameter overrides and config overrides,
/// with its own grid and search (combined with the study's).
struct StudyConfiguration
{
    std::string label;
    std::string strategy;  ///< empty = the base experiment's
    ParamValues params;
    StudySettings set;
    std::vector<StudyAxis> grid;
    StudySearch search;
};

/// Where a study's runs go unless the command line says otherwise (clwb-run study).
struct StudyExecution
{
    std::string executor = "local";  ///< "inprocess" | "local" | "slurm"
    int maxParallel = 0;             ///< 0 = the number of cores (local) or no limit (slurm)
    std::string folder;              ///< empty = <database folder>/studies/<study id>-<name>
    std::string partition, time, mem, gpus;
    std::vector<std::string> sbatchLines;  ///< extra "#SBATCH ..." lines, without "#SBATCH "
};

struct StudySpec
{
    std::string name;
    std::string baseJson;  ///< the base run config as a JSON object (inline or read from a file)
    std::string baseFile;  ///< where it was read from, empty when inline
    StudySettings set;     ///< overrides of the base, before every configuration's
    std::vector<StudyConfiguration> configurations;
    std::vector<int> seeds;
    std::vector<StudyAxis> grid;
    StudySearch search;
    StudyExecution execution;
};

/// One run of the expansion.
struct StudyRun
{
    int index = 0;         ///< position in the expansion, 0..N-1
    std::string label;     ///< the configuration's
    std::string groupKey;  ///< label and grid/search point, seed excluded: "ewc|train.lr=0.001"
    StudySettings point;   ///< the grid and search values of this run, in axis order
    int seed = 0;
    RunConfig config;
    std::string configJson;  ///< toJson(config): what the run is given
};

struct StudyParseResult
{
    StudySpec spec;
    std::vector<ConfigError> errors;  ///< each names its JSON path in the study document
    bool ok() const { return errors.empty(); }
};

/// Reads a study document. `baseDir` resolves a base given as a file name. Syntax, types and
/// keys only: expandStudy checks what the runs become.
StudyParseResult parseStudy(const std::string& json, const std::string& baseDir = ".");
/// Reads a study file (relative base files resolve beside it).
StudyParseResult loadStudy(const std::string& file);

struct StudyExpansion
{
    std::vector<StudyRun> runs;
    std::vector<ConfigError> errors;  ///< paths in the study document, one per distinct problem
    bool ok() const { return errors.empty(); }
};

/// Every run, in order: configurations, then grid points (row-major, the study's axes before the
/// configuration's), then search samples, then seeds. Grid keys are checked against the config's
/// fields and, for params.<name>, the strategy's ParamSpecs. With `validate`, every run config
/// also goes through validateRunConfig (files, ranges), its errors located where the value came
/// from (base, set, configurations[i], grid, search).
StudyExpansion expandStudy(const StudySpec& spec, bool validate = true);

/// "label" or "label|key=value|key=value" (values as compact JSON).
std::string studyGroupKey(const std::string& label, const StudySettings& point);
/// The label and point of a group key made by studyGroupKey.
std::pair<std::string, StudySettings> parseStudyGroupKey(const std::string& key);

}  // namespace clwb
