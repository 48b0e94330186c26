// SPDX-License-Identifier: GPL-3.0-or-later
// The per-run log file beside the run database, and the names of log levels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clwb/run_event.h"

namespace clwb {

/// "<db folder>/<db name without extension>.logs/run-<id>.log", written by every stored run:
/// one folder per database, so two databases in one folder never share a log. Empty for an
/// in-memory database or runId 0. The file may not exist (runs made before logging, or a folder
/// that could not be written).
std::string runLogPath(const std::string& dbPath, std::int64_t runId);

/// "debug", "info", "warning", "error".
const char* logLevelName(LogLevel level);
/// Inverse of logLevelName ("warn" too); nullopt for anything else.
std::optional<LogLevel> parseLogLevel(const std::string& name);

}  // namespace clwb
