// SPDX-License-Identifier: GPL-3.0-or-later
// What the study dialog edits, written as the study document clwb::parseStudy reads
// (docs/studies.md): a base experiment, configurations, seeds, a grid and the executor.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <vector>

#include "clwb/run_config.h"

namespace study_document {

struct Configuration
{
    QString label;  ///< empty = the strategy id
    QString strategy;
    clwb::ParamValues params;
};

/// One grid axis: a dotted key and its values as typed ("0.001, 0.01").
struct GridRow
{
    QString key;
    QString values;
    QString configuration;  ///< empty = every configuration; else the label it belongs to
};

struct Executor
{
    QString kind = QStringLiteral("local");  ///< "inprocess" | "local" | "slurm"
    int maxParallel = 0;                     ///< 0 = the number of cores (local)
    QString partition, time, mem, gpus;
    QStringList sbatchLines;  ///< extra "#SBATCH" lines, with or without the prefix
};

struct Draft
{
    QString name;
    clwb::RunConfig base;
    std::vector<Configuration> configurations;
    QString seeds;  ///< "3" = seeds 0, 1, 2; "0, 4, 7" = those seeds
    std::vector<GridRow> grid;
    Executor executor;
};

/// The study document (indented JSON). What cannot be read as typed (seeds "a, b") is written
/// as a string, so parseStudy reports it at its path.
QByteArray toJson(const Draft& draft);
/// "0.001, 1e-2, true, flip" -> [0.001, 0.01, true, "flip"]: JSON scalars where they parse,
/// strings otherwise.
QJsonArray parseValues(const QString& text);
/// "3" -> 3 (a count); "0, 4, 7" (commas or spaces) -> [0, 4, 7]; anything else as a string.
QJsonValue parseSeeds(const QString& text);
/// The dotted keys of the config's scalar fields ("train.lr", "data.train_per_class", ...),
/// without the ones a study sets itself (name, strategy, seed, params).
QStringList configKeys(const clwb::RunConfig& config);

}  // namespace study_document
