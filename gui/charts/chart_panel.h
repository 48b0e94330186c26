// SPDX-License-Identifier: GPL-3.0-or-later
// Base class of the live charts: owns a QCustomPlot, coalesces replots, exports images.
#pragma once

#include <QTimer>
#include <QWidget>

#include <functional>

#include "clwb/run_event.h"

class QCustomPlot;
class QLabel;
class QVBoxLayout;

/// A chart consumes RunEvents (live or replayed from the database) and redraws at most ~30
/// times a second: handlers only change data and call requestReplot().
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kReplotIntervalMs = 33;

    explicit ChartPanel(QWidget* parent = nullptr);
    ~ChartPanel() override;

    virtual void handleEvent(const clwb::RunEvent& event) = 0;
    /// Forget all data (a new run starts or a stored run is opened).
    virtual void clear() = 0;

    QCustomPlot* plot() const { return plot_; }
    /// Replots now if anything changed (tests, screenshots, export).
    void flushReplot();
    /// Number of real replots done so far (tests check the coalescing).
    int replotCount() const { return replotCount_; }
    bool replotPending() const { return dirty_; }

    bool savePng(const QString& file, int width = 0, int height = 0);
    bool savePdf(const QString& file, int width = 0, int height = 0);
    /// Renders the chart at the given size (report pages).
    QPixmap toPixmap(int width, int height, double scale = 1.0);
    QString title() const;
    /// The colour axes, ticks and legend text are drawn in now (the palette's text colour).
    QColor foregroundColor() const;
    /// Appended to the title ("Accuracy matrix — EWC #3"), e.g. in the comparison view.
    void setSubject(const QString& subject);
    /// Every text of the chart (title, axes, ticks, legend, cell labels) in the widget's font,
    /// which QCustomPlot does not follow by itself: presentation mode's large type.
    void useWidgetFont();

protected:
    void setTitle(const QString& title);
    void requestReplot();
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    /// Re-set translated axis labels etc.; called on language change.
    virtual void retranslateUi() = 0;
    /// Last chance to move buffered data into the plot before a replot.
    virtual void beforeReplot() {}
    /// Colours that come from the widget's palette (background, axes, grid, legend), so a dark
    /// desktop gets dark charts; subclasses add their own palette-bound colours. Called before
    /// the first replot and after every palette change.
    virtual void applyPalette();
    /// The same for any plot of the chart (a second plot, as the importance detail map).
    static void applyPaletteTo(QCustomPlot* plot, const QPalette& palette);
    QVBoxLayout* mainLayout() const { return layout_; }

    QCustomPlot* plot_;

private:
    void exportDialog(bool pdf);
    /// Lays the plot out in `viewport` and lets size-dependent details follow.
    void layOutAt(const QRect& viewport);
    /// The exports' one path: replots, runs `draw` with the plot laid out at width x height
    /// (0 = as on screen), then lays it out on screen again.
    void drawAtSize(int width, int height, const std::function<void()>& draw);

    QVBoxLayout* layout_;
    QLabel* title_;
    QString baseTitle_, subject_;
    QTimer replotTimer_;
    bool dirty_ = false;
    bool paletteDirty_ = true;
    int replotCount_ = 0;
};
