// SPDX-License-Identifier: GPL-3.0-or-later
// Accuracy-matrix heatmap R[i][j] that fills cell by cell as tasks are evaluated.
#include "charts/accuracy_matrix_chart.h"

#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/chart_palette.h"
#include "charts/heatmap_setup.h"
#include "qcustomplot.h"

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

AccuracyMatrixChart::AccuracyMatrixChart(QWidget* parent)
    : ChartPanel(parent),
      map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)),
      scale_(new QCPColorScale(plot_))
{
    heatmap::setUp(plot_, map_, scale_);  // row 0 (init) at the top
    map_->setDataRange(QCPRange(0.0, 1.0));
    scale_->axis()->setRange(0.0, 1.0);
    // Cells shrink with the window: the hover tip always gives the number in full.
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        const QString tip =
            cellTip(int(std::lround(plot_->yAxis->pixelToCoord(event->pos().y()))) - 1,
                    int(std::lround(plot_->xAxis->pixelToCoord(event->pos().x()))));
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), tip, plot_);
    });
    retranslateUi();
}

void AccuracyMatrixChart::retranslateUi()
{
    setTitle(tr("Accuracy matrix"));
    plot_->xAxis->setLabel(tr("Evaluated task"));
    plot_->yAxis->setLabel(tr("After training"));
    scale_->axis()->setLabel(tr("Accuracy"));
    updateTicks();
}

void AccuracyMatrixChart::clear()
{
    plot_->clearItems();
    labels_.clear();
    tips_.clear();
    map_->data()->clear();
    taskCount_ = 0;
    plot_->xAxis->setRange(-0.5, 0.5);
    plot_->yAxis->setRange(-0.5, 0.5);
    updateTicks();
    requestReplot();
}

void AccuracyMatrixChart::resize(int taskCount)
{
    if (taskCount == taskCount_ || taskCount <= 0) return;
    clear();
    taskCount_ = taskCount;
    // Cells are centred on integer coordinates: x = evaluated task, y = row (0 = init).
    map_->data()->setSize(taskCount, taskCount + 1);
    map_->data()->setRange(QCPRange(0, std::max(1, taskCount - 1)), QCPRange(0, taskCount));
    map_->data()->fill(kNaN);
    plot_->xAxis->setRange(-0.5, taskCount - 0.5);
    plot_->yAxis->setRange(initRowShown_ ? -0.5 : 0.5, taskCount + 0.5);
    labels_.assign(size_t(taskCount + 1), std::vector<QCPItemText*>(size_t(taskCount), nullptr));
    tips_.assign(size_t(taskCount + 1), std::vector<QString>(size_t(taskCount)));
    updateTicks();
}

void AccuracyMatrixChart::updateTicks()
{
    QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText);
    QSharedPointer<QCPAxisTickerText> yt(new QCPAxisTickerText);
    for (int j = 0; j < taskCount_; ++j) xt->addTick(j, tr("T%1").arg(j + 1));
    yt->addTick(0, tr("init"));
    for (int i = 0; i < taskCount_; ++i) yt->addTick(i + 1, tr("after T%1").arg(i + 1));
    plot_->xAxis->setTicker(xt);
    plot_->yAxis->setTicker(yt);
}

void AccuracyMatrixChart::setCell(int afterTask, int evalTask, double accuracy, int taskCount)
{
    resize(taskCount);
    if (evalTask < 0 || evalTask >= taskCount_ || afterTask < -1 || afterTask >= taskCount_) return;
    const int row = afterTask + 1;
    map_->data()->setCell(evalTask, row, accuracy);
    QCPItemText*& label = labels_[size_t(row)][size_t(evalTask)];
    if (!label) {
        label = new QCPItemText(plot_);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(evalTask, row);
        label->setPositionAlignment(Qt::AlignCenter);
        label->setClipToAxisRect(true);
    }
    // Whole percents once cells get narrow.
    const int decimals = taskCount_ > 6 ? 0 : 1;
    label->setText(QLocale().toString(accuracy * 100.0, 'f', decimals));
    tips_[size_t(row)][size_t(evalTask)].clear();
    label->setColor(chart_palette::textColorOn(chart_palette::viridis(accuracy)));
    requestReplot();
}

void AccuracyMatrixChart::setCellText(int afterTask, int evalTask, const QString& text,
                                      const QString& tip)
{
    if (evalTask < 0 || evalTask >= taskCount_ || afterTask < -1 || afterTask >= taskCount_) return;
    QCPItemText* label = labels_[size_t(afterTask + 1)][size_t(evalTask)];
    if (!label) return;
    label->setText(text);
    tips_[size_t(afterTask + 1)][size_t(evalTask)] = tip.isEmpty() ? text.simplified() : tip;
    requestReplot();
}

void AccuracyMatrixChart::setInitRowShown(bool shown)
{
    initRowShown_ = shown;
    if (taskCount_ > 0) plot_->yAxis->setRange(shown ? -0.5 : 0.5, taskCount_ + 0.5);
    requestReplot();
}

void AccuracyMatrixChart::beforeReplot()
{
    if (taskCount_ == 0) return;
    // Fit "100.0" (or the widest text set by setCellText) into a cell: the font follows the
    // cell size, within readable bounds.
    const double cellW = std::abs(plot_->xAxis->coordToPixel(1) - plot_->xAxis->coordToPixel(0));
    const double cellH = std::abs(plot_->yAxis->coordToPixel(1) - plot_->yAxis->coordToPixel(0));
    QFont f = font();
    const QFontMetricsF metrics(f);
    QSizeF widest(metrics.horizontalAdvance(QLocale().toString(100.0, 'f', taskCount_ > 6 ? 0 : 1)),
                  metrics.height());
    bool lines = false;
    for (size_t r = 0; r < tips_.size(); ++r)
        for (size_t c = 0; c < tips_[r].size(); ++c)
            if (!tips_[r][c].isEmpty() && labels_[r][c]) {
                const QString text = labels_[r][c]->text();
                const QSizeF size = metrics.boundingRect(QRectF(), Qt::AlignCenter, text).size();
                widest = widest.expandedTo(size);
                lines = lines || text.contains(QLatin1Char('\n'));
            }
    // Several lines may take more of the cell's height than one.
    const double scale = std::min(0.85 * cellW / std::max(1.0, widest.width()),
                                  (lines ? 0.85 : 0.6) * cellH / std::max(1.0, widest.height()));
    f.setPointSizeF(std::clamp(f.pointSizeF() * scale, 5.0, f.pointSizeF() * 1.3));
    for (auto& row : labels_)
        for (QCPItemText* label : row)
            if (label) label->setFont(f);
}

void AccuracyMatrixChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::TaskEvaluated || event.values.empty()) return;
    const int T = int(event.values.size());
    for (int j = 0; j < T; ++j) setCell(event.task, j, event.values[size_t(j)], T);
}

QString AccuracyMatrixChart::cellTip(int afterTask, int evalTask) const
{
    const double v = cellValue(afterTask, evalTask);
    if (std::isnan(v)) return {};
    if (!tips_[size_t(afterTask + 1)][size_t(evalTask)].isEmpty())
        return tips_[size_t(afterTask + 1)][size_t(evalTask)];
    const QString acc = QLocale().toString(100.0 * v, 'f', 1);
    return afterTask < 0
               ? tr("Before training, task %1: %2 %").arg(evalTask + 1).arg(acc)
               : tr("After task %1, task %2: %3 %").arg(afterTask + 1).arg(evalTask + 1).arg(acc);
}

double AccuracyMatrixChart::cellValue(int afterTask, int evalTask) const
{
    if (evalTask < 0 || evalTask >= taskCount_ || afterTask < -1 || afterTask >= taskCount_)
        return kNaN;
    return map_->data()->cell(evalTask, afterTask + 1);
}

QString AccuracyMatrixChart::cellText(int afterTask, int evalTask) const
{
    if (evalTask < 0 || evalTask >= taskCount_ || afterTask < -1 || afterTask >= taskCount_)
        return {};
    const QCPItemText* label = labels_[size_t(afterTask + 1)][size_t(evalTask)];
    return label ? label->text() : QString();
}

int AccuracyMatrixChart::filledCells() const
{
    int n = 0;
    for (int i = 0; i < taskCount_; ++i)
        for (int j = 0; j < taskCount_; ++j) n += std::isnan(cellValue(i, j)) ? 0 : 1;
    return n;
}

bool AccuracyMatrixChart::initRowFilled() const
{
    for (int j = 0; j < taskCount_; ++j)
        if (std::isnan(cellValue(-1, j))) return false;
    return taskCount_ > 0;
}

std::vector<std::vector<double>> AccuracyMatrixChart::rows() const
{
    std::vector<std::vector<double>> out;
    for (int i = 0; i < taskCount_; ++i) {
        std::vector<double> row;
        for (int j = 0; j < taskCount_; ++j) row.push_back(cellValue(i, j));
        out.push_back(row);
    }
    return out;
}

std::vector<double> AccuracyMatrixChart::initialRow() const
{
    std::vector<double> row;
    for (int j = 0; j < taskCount_; ++j) row.push_back(cellValue(-1, j));
    return row;
}
