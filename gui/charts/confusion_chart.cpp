// SPDX-License-Identifier: GPL-3.0-or-later
// "Where the old classes went": the class-by-class confusion matrix after each task boundary.
#include "charts/confusion_chart.h"

#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "charts/boundary_slider.h"
#include "charts/chart_palette.h"
#include "charts/heatmap_setup.h"
#include "panels/task_table_model.h"
#include "qcustomplot.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxNamedClasses = 20;  // above this the axes name tasks, not classes
constexpr int kMaxCellTexts = 10;     // above this the cells carry no numbers

int percent(double share)
{
    return int(std::lround(share * 100.0));
}

}  // namespace

ConfusionChart::ConfusionChart(QWidget* parent)
    : ChartPanel(parent),
      slider_(new BoundarySlider(this)),
      caption_(new QLabel(this)),
      map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)),
      scale_(new QCPColorScale(plot_))
{
    caption_->setWordWrap(true);
    mainLayout()->insertWidget(1, caption_);
    mainLayout()->insertWidget(2, slider_);
    connect(slider_, &QSlider::valueChanged, this, &ConfusionChart::showBoundary);

    heatmap::setUp(plot_, map_, scale_);  // the first task's classes at the top
    scale_->setDataRange(QCPRange(0, 1));
    scale_->axis()->ticker()->setTickCount(4);
    map_->setDataRange(QCPRange(0, 1));
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, &ConfusionChart::showCellTip);
    connect(plot_, &QCustomPlot::afterLayout, this, &ConfusionChart::fitCellTexts);
    retranslateUi();
}

void ConfusionChart::fitCellTexts()
{
    // Numbers only where a cell can hold them; the hover tip always gives the cell in full.
    // Runs after every layout, so an export at another size decides for its own cells.
    const int C = classCount();
    const bool fits =
        C > 0 && plot_->axisRect()->width() / C >= 20 && plot_->axisRect()->height() / C >= 14;
    for (int i = 0; i < plot_->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot_->item(i))) text->setVisible(fits);
}

void ConfusionChart::showCellTip(QMouseEvent* event)
{
    const int C = classCount();
    if (shown_ < 0 || C == 0) return;
    const int col = int(std::lround(plot_->xAxis->pixelToCoord(event->pos().x())));
    const int row = int(std::lround(plot_->yAxis->pixelToCoord(event->pos().y())));
    if (row < 0 || col < 0 || row >= C || col >= C) {
        QToolTip::hideText();
        return;
    }
    const int t = order_[size_t(row)], p = order_[size_t(col)];
    const auto& counts = boundaries_[size_t(shown_)].counts;
    const auto rowStart = counts.begin() + std::ptrdiff_t(t) * C;
    const auto total = std::accumulate(rowStart, rowStart + C, std::int64_t(0));
    const auto name = [&](int c) { return classNames_.value(c, QString::number(c)); };
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1 predicted as %2: %3 of %4 images (%5 %)")
                           .arg(name(t), name(p))
                           .arg(rowStart[p])
                           .arg(total)
                           .arg(total > 0 ? percent(double(rowStart[p]) / double(total)) : 0),
                       plot_);
}

ConfusionChart::~ConfusionChart() = default;

void ConfusionChart::retranslateUi()
{
    setTitle(tr("Where the classes went"));
    plot_->xAxis->setLabel(tr("Predicted class"));
    plot_->yAxis->setLabel(tr("True class"));
    scale_->axis()->setLabel(tr("Share of the row"));
    slider_->setToolTip(tr("Task boundary whose confusion matrix is shown"));
    if (!classTask_.empty()) rebuildAxes();
    updateCaption();
}

void ConfusionChart::clear()
{
    boundaries_.clear();
    classTask_.clear();
    rawNames_.clear();
    classNames_.clear();
    order_.clear();
    shown_ = -1;
    map_->data()->clear();
    plot_->clearItems();
    slider_->reset();
    updateCaption();
    requestReplot();
}

void ConfusionChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::TaskEvaluated || event.confusion.empty()) return;
    const size_t C = event.classTask.size();
    if (C == 0 || event.confusion.size() != C * C) return;
    if (event.classTask != classTask_) {
        classTask_ = event.classTask;
        rawNames_ = event.classNames;
        order_.resize(C);
        std::iota(order_.begin(), order_.end(), 0);
        // By introducing task (classes of no task last), so each task is one block.
        std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
            const auto key = [&](int c) {
                return classTask_[size_t(c)] < 0 ? 1 << 30 : classTask_[size_t(c)];
            };
            return key(a) < key(b);
        });
        rebuildAxes();
    }
    upsertSorted(boundaries_, Boundary{event.task, event.confusion},
                 [](const Boundary& b) { return b.afterTask; });
    showBoundary(slider_->grow(int(boundaries_.size()), shown_ < 0));
}

void ConfusionChart::rebuildAxes()
{
    const int C = classCount();
    classNames_ = TaskTableModel::runClassNames(rawNames_);  // again on a language change
    plot_->clearItems();
    map_->data()->setSize(C, C);
    map_->data()->setRange(QCPRange(0, C - 1), QCPRange(0, C - 1));
    plot_->xAxis->setRange(-0.5, C - 0.5);
    plot_->yAxis->setRange(-0.5, C - 0.5);

    // Ticks: class names for a few classes, else one "T<k>" per task block.
    auto xTicker = QSharedPointer<QCPAxisTickerText>::create();
    auto yTicker = QSharedPointer<QCPAxisTickerText>::create();
    if (C <= kMaxNamedClasses) {
        for (int i = 0; i < C; ++i) {
            const QString name =
                classNames_.value(order_[size_t(i)], QString::number(order_[size_t(i)]));
            xTicker->addTick(i, name);
            yTicker->addTick(i, name);
        }
        plot_->xAxis->setTickLabelRotation(C > 4 ? 90 : 0);
    } else {
        plot_->xAxis->setTickLabelRotation(0);
    }
    // Task blocks: separators between them, task labels at their centres when classes are many.
    int start = 0;
    for (int i = 1; i <= C; ++i) {
        const int task = classTask_[size_t(order_[size_t(i - 1)])];
        if (i < C && classTask_[size_t(order_[size_t(i)])] == task) continue;
        if (C > kMaxNamedClasses) {
            const QString label = task < 0 ? tr("none") : tr("T%1").arg(task + 1);
            xTicker->addTick(0.5 * (start + i - 1), label);
            yTicker->addTick(0.5 * (start + i - 1), label);
        }
        if (i < C) {
            for (bool vertical : {true, false}) {
                auto* line = new QCPItemLine(plot_);
                line->setPen(QPen(Qt::white, 1.5));
                const double at = i - 0.5;
                line->start->setCoords(vertical ? at : -0.5, vertical ? -0.5 : at);
                line->end->setCoords(vertical ? at : C - 0.5, vertical ? C - 0.5 : at);
            }
        }
        start = i;
    }
    plot_->xAxis->setTicker(xTicker);
    plot_->yAxis->setTicker(yTicker);
}

void ConfusionChart::showBoundary(int index)
{
    if (index < 0 || index >= int(boundaries_.size())) return;
    shown_ = index;
    slider_->moveTo(index);
    const int C = classCount();
    // Cell texts are items: drop the previous boundary's, keep the task separators.
    for (int i = plot_->itemCount() - 1; i >= 0; --i)
        if (qobject_cast<QCPItemText*>(plot_->item(i))) plot_->removeItem(i);
    for (int r = 0; r < C; ++r)
        for (int c = 0; c < C; ++c) {
            const double share = cellShare(order_[size_t(r)], order_[size_t(c)]);
            map_->data()->setCell(c, r, share);
            if (C > kMaxCellTexts || std::isnan(share) || percent(share) == 0) continue;
            auto* text = new QCPItemText(plot_);
            text->position->setCoords(c, r);
            text->setText(QString::number(percent(share)));
            text->setColor(chart_palette::textColorOn(chart_palette::viridis(share)));
            QFont f = font();
            f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.8));
            text->setFont(f);
        }
    updateCaption();
    requestReplot();
}

int ConfusionChart::currentBoundary() const
{
    return shown_ >= 0 ? boundaries_[size_t(shown_)].afterTask : -2;
}

double ConfusionChart::cellShare(int trueClass, int predicted) const
{
    const int C = classCount();
    if (shown_ < 0 || trueClass < 0 || predicted < 0 || trueClass >= C || predicted >= C)
        return kNaN;
    const auto& counts = boundaries_[size_t(shown_)].counts;
    const auto row = counts.begin() + std::ptrdiff_t(trueClass) * C;
    const double total = double(std::accumulate(row, row + C, std::int64_t(0)));
    return total > 0 ? double(row[predicted]) / total : kNaN;
}

QString ConfusionChart::reading() const
{
    return caption_->text();
}

QString ConfusionChart::readingText(const clwb::ConfusionReading& r)
{
    if (r.earlier.empty() || r.mostDrawn < 0) return {};
    const auto& d = r.earlier[size_t(r.mostDrawn)];
    if (d.newest < 0.05)
        return tr("After task %1, earlier tasks keep their classes: at most %2 % of a task's "
                  "images "
                  "are predicted as task-%1 classes.")
            .arg(r.afterTask + 1)
            .arg(percent(d.newest));
    return tr("After task %1, %2 % of task-%3 images are predicted as task-%1 classes; %4 % are "
              "still right.")
        .arg(r.afterTask + 1)
        .arg(percent(d.newest))
        .arg(d.task + 1)
        .arg(percent(d.correct));
}

void ConfusionChart::updateCaption()
{
    if (shown_ < 0) {
        caption_->setText(tr("No confusion data yet: it appears after each task is evaluated."));
        return;
    }
    const auto& b = boundaries_[size_t(shown_)];
    if (b.afterTask < 0) {
        caption_->setText(tr("Before training: rows are true classes, columns predictions."));
        return;
    }
    QString text;
    try {
        text = readingText(clwb::readConfusion(b.counts, classTask_, b.afterTask));
    } catch (const std::exception&) {
        text.clear();  // malformed stored data: the matrix is still shown
    }
    caption_->setText(text.isEmpty()
                          ? tr("After task %1: no earlier task to forget yet.").arg(b.afterTask + 1)
                          : text);
}
