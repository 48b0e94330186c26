// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run subcommands that look at inputs without training: backbone, dataset, presets.
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

}  // namespace clwb::cli
