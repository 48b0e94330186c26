// SPDX-License-Identifier: GPL-3.0-or-later
// The config file's fields as one table: where each lives in JSON and in RunConfig, and its
// range or choices. The reader, the writer, the known-key lists and the range checks all walk it,
// so a new field is one row (plus its member in run_config.h, whose initialiser is the default).
#pragma once

#include <climits>
#include <string>
#include <variant>
#include <vector>

#include "clwb/run_config.h"
#include "config/config_common.h"

namespace clwb::config {

struct Field
{
    using Ref =
        std::variant<std::string* (*)(RunConfig&), int* (*)(RunConfig&), double* (*)(RunConfig&),
                     bool* (*)(RunConfig&), std::vector<double>* (*)(RunConfig&),
                     std::vector<std::string>* (*)(RunConfig&),
                     std::vector<TaskSpec>* (*)(RunConfig&), ParamValues* (*)(RunConfig&)>;
    const char* section;  ///< "" (top level), "data", "model", "train" or "checkpoint"
    const char* key;
    Ref ref;
    bool qaOnly = false;  ///< written only for question-answering sequences
    /// Ints with a plain range: checked to lie in [min, max] by checkFieldRanges.
    bool ranged = false;
    int min = 0, max = INT_MAX;
    /// Strings with a fixed set of values: checked by checkFieldRanges ("unknown <what> ...").
    const Keys* choices = nullptr;
    const char* what = "";
};

/// Every field, in the order the writer puts them.
const std::vector<Field>& configFields();

/// The keys a JSON section may hold ("" = top level, which also holds the sections).
Keys sectionKeys(const std::string& section);

/// "must be at least lo" / "must be between lo and hi" at `path` when `value` is outside.
void checkAtLeast(std::vector<ConfigError>& errors, const std::string& path, int value, int lo);
void checkBetween(std::vector<ConfigError>& errors, const std::string& path, int value, int lo,
                  int hi);
/// "unknown <what> '<value>' (did you mean ...?); valid: ..." at `path` unless value is valid.
void checkOneOf(std::vector<ConfigError>& errors, const std::string& path, const std::string& value,
                const Keys& valid, const char* what);

/// The range and choice checks of `section`'s fields, on `config` (the model section is checked
/// on the architecture that will run).
void checkFieldRanges(const RunConfig& config, const std::string& section,
                      std::vector<ConfigError>& errors);

}  // namespace clwb::config
