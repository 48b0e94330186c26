// SPDX-License-Identifier: GPL-3.0-or-later
// clwb-run subcommands for studies (docs/studies.md): study, study-status, study-merge,
// study-report, study-cancel, study-resubmit, studies.
#pragma once

#include <string>
#include <vector>

namespace clwb::cli {

/// `clwb-run study FILE [options]`: expands the study, records it, runs or submits its runs.
int studyCommand(const std::vector<std::string>& args);
/// `clwb-run study-status ID|FOLDER [--db FILE] [--json]`: each task's state and merged runs.
int studyStatusCommand(const std::vector<std::string>& args);
/// `clwb-run study-merge FOLDER [--force]`: merges every ended task's runs not merged yet.
int studyMergeCommand(const std::vector<std::string>& args);
/// `clwb-run study-report ID|--runs A,B,... [--db FILE] [--csv|--md|--latex|--json] [--out FILE]`.
int studyReportCommand(const std::vector<std::string>& args);
/// `clwb-run study-cancel FOLDER`: stops a local pool's children or scancels a Slurm study.
int studyCancelCommand(const std::vector<std::string>& args);
/// `clwb-run study-resubmit FOLDER`: submits a Slurm study's failed tasks again.
int studyResubmitCommand(const std::vector<std::string>& args);
/// `clwb-run studies [--db FILE] [--json]`: the recorded studies, newest first.
int listStudiesCommand(const std::vector<std::string>& args);

}  // namespace clwb::cli
