// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run subcommands that look at inputs without training: backbone, dataset, presets,
// validate.
#pragma once

#include <string>
#include <vector>

namespace clwb::cli {

/// `clwb-run backbone FILE [--arch NAME]`: what a checkpoint holds (JSON). 0 = usable.
int inspectBackboneCommand(const std::vector<std::string>& args);
/// `clwb-run dataset KIND PATH [--test-fraction X]`: classes, counts, problems (JSON). 0 = usable.
int inspectDatasetCommand(const std::vector<std::string>& args);
/// `clwb-run presets`: the benchmark presets with their class orders (JSON).
int listPresetsCommand();
/// `clwb-run validate FILE [--set KEY=VALUE]...`: the checks a run makes before it starts, and
/// nothing else. 0 = valid; 2 = one line per problem on stderr, each naming its JSON path.
int validateConfigCommand(const std::vector<std::string>& args);

}  // namespace clwb::cli
