// SPDX-License-Identifier: GPL-3.0-or-later
// One-page PDF report of a run with the run's log beside it, and CSV export of its matrix and
// metrics.
#pragma once

#include <QPixmap>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace report_writer {

struct Report
{
    QString title;
    QString subtitle;                                  ///< strategy, status, date
    std::vector<std::pair<QString, QString>> config;   ///< key -> value summary
    std::vector<std::pair<QString, QString>> metrics;  ///< label -> formatted value
    QPixmap matrix, curves, loss, importance;          ///< rendered charts (any may be null)
    QStringList captions;                              ///< matrix, curves, loss, importance
    // Question-answering runs: a second page with the forgetting decomposition.
    QPixmap forgetting;                                ///< null = no second page
    QString forgettingCaption;
    std::vector<std::pair<QString, QString>> decomposition;  ///< task -> "drop = ess + sup"
    std::vector<std::pair<QString, QString>> examples;       ///< question -> answer (expected)
    // Classification runs with confusion data: a page with the last boundary's confusion matrix.
    QPixmap confusion;  ///< null = no such page
    QString confusionCaption;
    QString confusionReading;  ///< the chart's reading in words
    // Runs with a prediction gallery: the first task's images at every boundary, on that page.
    QPixmap gallery;
    QString galleryCaption;
};

/// A4 portrait: title, config summary beside the metrics table, then the four charts in a
/// 2 x 2 grid; question-answering runs add a page with the forgetting decomposition and example
/// answers, classification runs one with the confusion matrix ("where the classes went").
/// Returns false if the file cannot be written.
bool writePdf(const QString& file, const Report& report);

/// Copies the run's log file beside the report as "<report name>.log" (replacing an older one).
/// True when done or when there is no log (`logFile` empty or missing).
bool copyRunLog(const QString& reportFile, const QString& logFile);

/// Matrix rows ("init", "after T1", ...) then a blank line and "metric,value" rows; numbers with
/// a '.' decimal point whatever the locale, so spreadsheets and pandas read them.
bool writeCsv(const QString& file, const std::vector<std::vector<double>>& rows,
              const std::vector<double>& initial,
              const std::vector<std::pair<QString, double>>& metrics);

}  // namespace report_writer
