// SPDX-License-Identifier: GPL-3.0-or-later
// The PDF report's content, assembled from the charts on show and the run's config: what the
// window and the batch's --report option print (report_writer lays it out).
#pragma once

#include <QCoreApplication>

#include "clwb/run_config.h"
#include "export/report_writer.h"

class ChartArea;

class ReportBuilder
{
    Q_DECLARE_TR_FUNCTIONS(ReportBuilder)

public:
    /// Title, config table, metrics, the four charts (and the forgetting page of a QA run).
    static report_writer::Report build(ChartArea& charts, const clwb::RunConfig& config);
};
