// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/report_builder.h"

#include <QDateTime>
#include <QLocale>
#include <QTableWidget>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"
#include "charts/confusion_chart.h"
#include "charts/forgetting_chart.h"
#include "charts/importance_chart.h"
#include "charts/loss_chart.h"
#include "panels/chart_area.h"
#include "panels/metrics_panel.h"
#include "panels/prediction_gallery.h"
#include "strategy_strings.h"

report_writer::Report ReportBuilder::build(ChartArea& charts, const clwb::RunConfig& config)
{
    const clwb::RunConfig& c = config;
    report_writer::Report r;
    r.title = charts.runTitle().isEmpty() ? tr("CL Workbench run") : charts.runTitle();
    r.subtitle = QLocale().toString(QDateTime::currentDateTime(), QLocale::LongFormat);
    QStringList tasks;
    for (const auto& t : clwb::resolvedTasks(c)) {
        QStringList ids;
        for (int k : t.classes) ids << QString::number(k);
        tasks << QStringLiteral("{%1}").arg(ids.join(QLatin1Char(',')));
    }
    QStringList params;
    for (const auto& [k, v] : c.params)
        params << QStringLiteral("%1=%2").arg(QString::fromStdString(k)).arg(v);
    r.config = {
        {tr("Strategy"), trStrategyName(c.strategy)},
        {tr("Parameters"), params.isEmpty() ? tr("(none)") : params.join(QStringLiteral(", "))},
        {tr("Dataset"), QString::fromStdString(c.data.dataset + " / " + c.data.scenario)},
        {tr("Tasks"), tasks.join(QLatin1Char(' '))},
        {tr("Backbone"), QString::fromStdString(c.model.backbone)},
        {tr("Model"), tr("ViT dim %1, depth %2, heads %3, patch %4")
                          .arg(c.model.dim)
                          .arg(c.model.depth)
                          .arg(c.model.heads)
                          .arg(c.model.patchSize)},
        {tr("Training"), tr("%1 epoch(s), batch %2, lr %3")
                             .arg(c.train.epochs)
                             .arg(c.train.batchSize)
                             .arg(c.train.lr)},
        {tr("Images per class"),
         c.data.trainPerClass == 0 ? tr("all") : QString::number(c.data.trainPerClass)},
        {tr("Seed"), QString::number(c.seed)},
    };
    MetricsPanel* m = charts.metrics();
    for (const auto& key : MetricsPanel::keys())
        r.metrics.emplace_back(m->metricLabel(key), m->formattedValue(key, m->value(key)));
    // Small logical size, high scale: the page shrinks the figures, so fonts must start large.
    r.matrix = charts.matrix()->toPixmap(460, 380, 3.0);
    r.curves = charts.curves()->toPixmap(460, 380, 3.0);
    r.loss = charts.loss()->toPixmap(460, 380, 3.0);
    r.importance = charts.importance()->toPixmap(460, 380, 3.0);
    r.captions = {charts.matrix()->title(), charts.curves()->title(), charts.loss()->title(),
                  charts.importance()->title()};
    if (ForgettingChart* f = charts.forgetting(); f->hasData()) {
        r.forgetting = f->toPixmap(900, 360, 3.0);
        r.forgettingCaption = f->title();
        const auto& d = f->decomposition();
        const auto pts = [](double v) { return QLocale().toString(100.0 * v, 'f', 1); };
        for (size_t j = 0; j < d.essential.size(); ++j)
            r.decomposition.emplace_back(
                tr("Task %1").arg(j + 1),
                tr("drop %1 = essential %2 + superficial %3")
                    .arg(pts(d.strictDrop[j]), pts(d.essential[j]), pts(d.superficial[j])));
        if (!d.essential.empty())
            r.decomposition.emplace_back(
                tr("Mean"),
                tr("drop %1 = essential %2 + superficial %3")
                    .arg(pts(d.meanStrictDrop), pts(d.meanEssential), pts(d.meanSuperficial)));
        const auto* table = f->examplesTable();
        for (int i = 0; i < table->rowCount(); ++i)
            r.examples.emplace_back(
                table->item(i, 0)->text() + QStringLiteral(" ") + table->item(i, 1)->text(),
                tr("%1 (expected %2)").arg(table->item(i, 3)->text(), table->item(i, 2)->text()));
    }
    if (ConfusionChart* cm = charts.confusion(); cm->boundaryCount() > 0) {
        // The last boundary, whatever the slider shows; the window keeps its choice.
        const int shown = cm->shownIndex();
        cm->showBoundary(cm->boundaryCount() - 1);
        r.confusion = cm->toPixmap(700, 620, 3.0);
        r.confusionCaption = cm->title();
        r.confusionReading = cm->reading();
        cm->showBoundary(shown);
        r.gallery = charts.gallery()->gridPixmap(0, 3.0);
        r.galleryCaption = tr("Task 1's gallery images: the class predicted after each boundary "
                              "(green ✓ right, red ✗ wrong)");
    }
    return r;
}
