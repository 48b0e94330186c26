// SPDX-License-Identifier: GPL-3.0-or-later
// Base class of the live charts: owns a QCustomPlot, coalesces replots, exports images.
#include "charts/chart_panel.h"

#include <QContextMenuEvent>
#include <QEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QVBoxLayout>

#include "qcustomplot.h"

ChartPanel::ChartPanel(QWidget* parent)
    : QWidget(parent),
      plot_(new QCustomPlot(this)),
      layout_(new QVBoxLayout(this)),
      title_(new QLabel(this))
{
    layout_->setContentsMargins(2, 2, 2, 2);
    layout_->setSpacing(2);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    layout_->addWidget(title_);
    layout_->addWidget(plot_, 1);
    // Live data: skip antialiasing and cache tick labels, as the QCustomPlot performance notes
    // recommend; exported images are rendered with antialiasing anyway.
    plot_->setNotAntialiasedElements(QCP::aeAll);
    plot_->setAntialiasedElement(QCP::aeItems, true);  // cell labels stay legible
    plot_->setPlottingHint(QCP::phFastPolylines, true);
    plot_->setPlottingHint(QCP::phCacheLabels, true);
    plot_->setMinimumSize(200, 150);
    replotTimer_.setSingleShot(true);
    replotTimer_.setInterval(kReplotIntervalMs);
    connect(&replotTimer_, &QTimer::timeout, this, &ChartPanel::flushReplot);
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::setTitle(const QString& title)
{
    baseTitle_ = title;
    const QString full =
        subject_.isEmpty() ? title : QStringLiteral("%1 — %2").arg(title, subject_);
    title_->setText(full);
    plot_->setAccessibleName(full);
}

void ChartPanel::setSubject(const QString& subject)
{
    subject_ = subject;
    setTitle(baseTitle_);
}

void ChartPanel::useWidgetFont()
{
    const QFont base = font();
    QFont bold = base;
    bold.setBold(true);
    title_->setFont(bold);
    for (QCPAxis* axis : plot_->findChildren<QCPAxis*>()) {
        axis->setTickLabelFont(base);
        axis->setLabelFont(base);
    }
    plot_->legend->setFont(base);
    for (int i = 0; i < plot_->legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPAbstractLegendItem*>(plot_->legend->item(i)))
            item->setFont(base);
    requestReplot();
}

QColor ChartPanel::foregroundColor() const
{
    return plot_->xAxis->labelColor();
}

QString ChartPanel::title() const
{
    return title_->text();
}

void ChartPanel::requestReplot()
{
    dirty_ = true;
    if (!replotTimer_.isActive()) replotTimer_.start();
}

void ChartPanel::flushReplot()
{
    replotTimer_.stop();
    if (paletteDirty_) {
        paletteDirty_ = false;
        applyPalette();
        dirty_ = true;
    }
    if (!dirty_) return;
    dirty_ = false;
    ++replotCount_;
    beforeReplot();
    plot_->replot(QCustomPlot::rpQueuedRefresh);  // buffers now, repaint with the next paint
}

void ChartPanel::applyPalette()
{
    applyPaletteTo(plot_, palette());
}

void ChartPanel::applyPaletteTo(QCustomPlot* plot, const QPalette& pal)
{
    const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.22);  // the light palette's grey grid; as faint on a dark base
    plot->setBackground(base);
    for (QCPAxis* axis : plot->findChildren<QCPAxis*>()) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    plot->legend->setBrush(base);
    plot->legend->setTextColor(text);
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPAbstractLegendItem*>(plot->legend->item(i)))
            item->setTextColor(text);
}

void ChartPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        paletteDirty_ = true;
        requestReplot();
    }
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        requestReplot();
    }
    QWidget::changeEvent(event);
}

void ChartPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    requestReplot();  // size-dependent details (cell label fonts) follow the new size
}

void ChartPanel::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Save as PNG…"), this, [this] { exportDialog(false); });
    menu.addAction(tr("Save as PDF…"), this, [this] { exportDialog(true); });
    menu.exec(event->globalPos());
}

void ChartPanel::exportDialog(bool pdf)
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    const QString file =
        QFileDialog::getSaveFileName(this, pdf ? tr("Save chart as PDF") : tr("Save chart as PNG"),
                                     dir, pdf ? tr("PDF files (*.pdf)") : tr("PNG images (*.png)"));
    if (file.isEmpty()) return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    if (pdf)
        savePdf(file);
    else
        savePng(file);
}

bool ChartPanel::savePng(const QString& file, int width, int height)
{
    bool ok = false;
    drawAtSize(width, height, [&] { ok = plot_->savePng(file, width, height, 2.0); });
    return ok;
}

bool ChartPanel::savePdf(const QString& file, int width, int height)
{
    bool ok = false;
    drawAtSize(width, height, [&] {
        ok = plot_->savePdf(file, width, height, QCP::epNoCosmetic, QStringLiteral("CL Workbench"),
                            title());
    });
    return ok;
}

void ChartPanel::drawAtSize(int width, int height, const std::function<void()>& draw)
{
    flushReplot();
    // Size-dependent details (cell label fonts) follow the image's size, not the screen's, so
    // an export looks the same whatever the window's size was.
    const bool sized = width > 0 && height > 0;
    const QRect onScreen = plot_->viewport();
    if (sized) layOutAt(QRect(0, 0, width, height));
    draw();
    if (sized) layOutAt(onScreen);
}

void ChartPanel::layOutAt(const QRect& viewport)
{
    plot_->setViewport(viewport);
    for (auto phase :
         {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout})
        plot_->plotLayout()->update(phase);
    beforeReplot();
}

QPixmap ChartPanel::toPixmap(int width, int height, double scale)
{
    QPixmap px;
    drawAtSize(width, height, [&] {
        const QCP::AntialiasedElements saved = plot_->antialiasedElements();
        plot_->setAntialiasedElements(QCP::aeAll);
        px = plot_->toPixmap(width, height, scale);
        plot_->setAntialiasedElements(saved);
    });
    return px;
}
