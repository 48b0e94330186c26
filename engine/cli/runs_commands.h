// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run subcommands that look at the run database: runs, show, export, delete.
#pragma once

#include <string>
#include <vector>

namespace clwb::cli {

/// `clwb-run runs [--db FILE] [--status S] [--json]`: the stored runs, newest first, as an
/// aligned table (id, name, strategy, status, A_T, started, duration) or a JSON array.
int listRunsCommand(const std::vector<std::string>& args);
/// `clwb-run show RUN_ID [--db FILE] [--json]`: one run's record, accuracy matrix and metrics.
int showRunCommand(const std::vector<std::string>& args);
/// `clwb-run export RUN_ID [--db FILE] --csv|--json [--out FILE]`: the matrix and metrics as the
/// GUI exports them (CSV), or the same as JSON.
int exportRunCommand(const std::vector<std::string>& args);
/// `clwb-run delete RUN_ID [--db FILE] [--yes]`: the run, its data and its log file; asks first
/// on a terminal, refuses without --yes otherwise, never deletes a running run.
int deleteRunCommand(const std::vector<std::string>& args);

}  // namespace clwb::cli
