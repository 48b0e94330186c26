// SPDX-License-Identifier: GPL-3.0-or-later
// Parameter-importance heatmap (transformer blocks x modules) with a per-matrix detail map.
#include "charts/importance_chart.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/boundary_slider.h"
#include "charts/chart_palette.h"
#include "charts/heatmap_setup.h"
#include "clwb/strategy_info.h"
#include "qcustomplot.h"
#include "strategy_strings.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

const QStringList& ImportanceChart::modules()
{
    static const QStringList kModules = {QStringLiteral("qkv"), QStringLiteral("proj"),
                                         QStringLiteral("fc1"), QStringLiteral("fc2")};
    return kModules;
}

ImportanceChart::ImportanceChart(QWidget* parent)
    : ChartPanel(parent),
      slider_(new BoundarySlider(this)),
      caption_(new QLabel(this)),
      detailCaption_(new QLabel(this)),
      map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)),
      scale_(new QCPColorScale(plot_)),
      detail_(new QCustomPlot(this)),
      detailMap_(new QCPColorMap(detail_->xAxis, detail_->yAxis))
{
    caption_->setWordWrap(true);
    mainLayout()->insertWidget(1, caption_);
    mainLayout()->insertWidget(2, slider_);
    connect(slider_, &QSlider::valueChanged, this, &ImportanceChart::showSnapshot);

    heatmap::setUp(plot_, map_, scale_);  // block 0 at the top, as in the model
    scale_->axis()->ticker()->setTickCount(4);  // the bar is short; few labels stay legible
    connect(plot_, &QCustomPlot::mousePress, this, &ImportanceChart::onPlotClicked);

    // The detail map: one weight matrix, element regions as cells, no axes clutter.
    detailMap_->setGradient(heatmap::viridisGradient());
    detailMap_->setInterpolate(false);
    detail_->yAxis->setRangeReversed(true);
    detail_->xAxis->setTickLabels(false);
    detail_->yAxis->setTickLabels(false);
    detail_->xAxis->grid()->setVisible(false);
    detail_->yAxis->grid()->setVisible(false);
    detail_->setMinimumHeight(90);
    detail_->setMaximumHeight(140);
    mainLayout()->addWidget(detailCaption_);
    mainLayout()->addWidget(detail_);
    detailCaption_->setWordWrap(true);
    retranslateUi();
}

ImportanceChart::~ImportanceChart() = default;

void ImportanceChart::retranslateUi()
{
    setTitle(tr("Parameter importance"));
    plot_->xAxis->setLabel(tr("Module"));
    plot_->yAxis->setLabel(tr("Block"));
    scale_->axis()->setLabel(tr("Score"));
    slider_->setToolTip(tr("Task whose importance snapshot is shown"));
    detail_->setToolTip(tr("Downsampled magnitude per weight region of the selected matrix"));
    updateCaption();
}

QString ImportanceChart::kindText(const std::string& kind) const
{
    // Captions are the engine's data (StrategyInfo::importance), translated like its other texts.
    return trStrategy(clwb::importanceCaption(kind));
}

void ImportanceChart::updateCaption()
{
    if (shown_ < 0) {
        caption_->setText(tr("No importance data yet"));
        detailCaption_->setText(tr("Click a cell to see its element map."));
        return;
    }
    const auto& snap = snapshots_[size_t(shown_)];
    caption_->setText(tr("After task %1: %2").arg(snap.task + 1).arg(kindText(snap.kind)));
    if (selectedBlock_ < 0) {
        detailCaption_->setText(tr("Click a cell to see its element map."));
    } else {
        detailCaption_->setText(tr("Block %1, %2: element map")
                                    .arg(selectedBlock_)
                                    .arg(columns_.value(selectedModule_)));
    }
}

void ImportanceChart::clear()
{
    snapshots_.clear();
    shown_ = -1;
    blocks_ = 0;
    columns_ = modules();
    selectedBlock_ = selectedModule_ = -1;
    map_->data()->clear();
    detailMap_->data()->clear();
    plot_->clearItems();
    labels_.clear();
    slider_->reset();
    updateCaption();
    detail_->replot();
    requestReplot();
}

void ImportanceChart::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::Importance) return;
    upsertSorted(snapshots_, event.importance,
                 [](const clwb::ImportanceSnapshot& s) { return s.task; });
    const int index = slider_->grow(int(snapshots_.size()), shown_ < 0);
    showSnapshot(index);
    if (selectedBlock_ < 0) {
        // Start with the most changed matrix so the detail plot is never blank.
        const clwb::ImportanceCell* best = nullptr;
        for (const auto& c : snapshots_[size_t(index)].cells)
            if (c.block >= 0 && columns_.contains(QString::fromStdString(c.module)) &&
                (!best || c.score > best->score))
                best = &c;
        if (best)
            selectCell(best->block, int(columns_.indexOf(QString::fromStdString(best->module))));
    }
}

int ImportanceChart::currentTask() const
{
    return shown_ >= 0 ? snapshots_[size_t(shown_)].task : -1;
}

void ImportanceChart::showSnapshot(int index)
{
    if (index < 0 || index >= int(snapshots_.size())) return;
    shown_ = index;
    slider_->moveTo(index);
    const auto& snap = snapshots_[size_t(index)];
    columns_ = modules();
    for (const auto& c : snap.cells)
        if (c.block >= 0 && !columns_.contains(QString::fromStdString(c.module)))
            columns_.append(QString::fromStdString(c.module));
    blocks_ = 0;
    for (const auto& c : snap.cells)
        if (c.block >= 0) blocks_ = std::max(blocks_, c.block + 1);
    plot_->clearItems();
    labels_.clear();
    const int nModules = int(columns_.size());
    map_->data()->setSize(nModules, std::max(1, blocks_));
    map_->data()->setRange(QCPRange(0, nModules - 1), QCPRange(0, std::max(1, blocks_ - 1)));
    map_->data()->fill(kNaN);
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    for (const auto& c : snap.cells) {
        const int m = int(columns_.indexOf(QString::fromStdString(c.module)));
        if (c.block < 0 || m < 0) continue;
        map_->data()->setCell(m, c.block, c.score);
        if (!modules().contains(columns_[m])) continue;  // extra columns do not set the scale
        lo = std::min(lo, c.score);
        hi = std::max(hi, c.score);
    }
    if (hi < lo) lo = hi = 0;
    // Scores are unbounded, so the scale follows the snapshot; labels carry the numbers.
    map_->setDataRange(QCPRange(std::min(lo, 0.0), hi > lo ? hi : lo + 1e-9));
    for (const auto& c : snap.cells) {
        const int m = int(columns_.indexOf(QString::fromStdString(c.module)));
        if (c.block < 0 || m < 0) continue;
        auto* label = new QCPItemText(plot_);
        label->position->setCoords(m, c.block);
        label->setText(QLocale().toString(c.score, 'g', 2));
        const double t =
            std::clamp((c.score - map_->dataRange().lower) / map_->dataRange().size(), 0.0, 1.0);
        label->setColor(chart_palette::textColorOn(chart_palette::viridis(t)));
        label->setClipToAxisRect(true);
        labels_.push_back(label);
    }
    QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText);
    for (int m = 0; m < nModules; ++m) xt->addTick(m, columns_[m]);
    QSharedPointer<QCPAxisTickerText> yt(new QCPAxisTickerText);
    for (int b = 0; b < blocks_; ++b) yt->addTick(b, QString::number(b));
    plot_->xAxis->setTicker(xt);
    plot_->yAxis->setTicker(yt);
    plot_->xAxis->setRange(-0.5, nModules - 0.5);
    plot_->yAxis->setRange(-0.5, std::max(1, blocks_) - 0.5);
    if (selectedBlock_ >= 0) selectCell(selectedBlock_, selectedModule_);
    updateCaption();
    requestReplot();
}

double ImportanceChart::cellScore(int block, int module) const
{
    if (shown_ < 0 || block < 0 || block >= blocks_ || module < 0 || module >= columns_.size())
        return kNaN;
    return map_->data()->cell(module, block);
}

bool ImportanceChart::selectCell(int block, int module)
{
    if (shown_ < 0) return false;
    const auto& snap = snapshots_[size_t(shown_)];
    const QString name = columns_.value(module);
    for (const auto& c : snap.cells) {
        if (c.block != block || QString::fromStdString(c.module) != name) continue;
        selectedBlock_ = block;
        selectedModule_ = module;
        if (c.rows <= 0 || c.cols <= 0 || c.map.size() != size_t(c.rows) * size_t(c.cols)) {
            detailMap_->data()->clear();
            detail_->replot();
            updateCaption();
            return false;
        }
        detailMap_->data()->setSize(c.cols, c.rows);
        detailMap_->data()->setRange(QCPRange(0, std::max(1, c.cols - 1)),
                                     QCPRange(0, std::max(1, c.rows - 1)));
        for (int r = 0; r < c.rows; ++r)
            for (int k = 0; k < c.cols; ++k)
                detailMap_->data()->setCell(k, r, c.map[size_t(r) * size_t(c.cols) + size_t(k)]);
        detailMap_->rescaleDataRange(true);
        detail_->xAxis->setRange(-0.5, c.cols - 0.5);
        detail_->yAxis->setRange(-0.5, c.rows - 0.5);
        detail_->replot();
        updateCaption();
        return true;
    }
    return false;
}

QSize ImportanceChart::detailSize() const
{
    return QSize(detailMap_->data()->keySize(), detailMap_->data()->valueSize());
}

void ImportanceChart::onPlotClicked(QMouseEvent* event)
{
    if (shown_ < 0) return;
    const double x = plot_->xAxis->pixelToCoord(event->position().x());
    const double y = plot_->yAxis->pixelToCoord(event->position().y());
    const int module = int(std::lround(x)), block = int(std::lround(y));
    if (module >= 0 && module < columns_.size() && block >= 0 && block < blocks_)
        selectCell(block, module);
}

void ImportanceChart::applyPalette()
{
    ChartPanel::applyPalette();
    applyPaletteTo(detail_, palette());
    detail_->replot(QCustomPlot::rpQueuedRefresh);
}

void ImportanceChart::beforeReplot()
{
    detail_->replot(QCustomPlot::rpQueuedRefresh);
}
