// SPDX-License-Identifier: GPL-3.0-or-later
// Presentation mode: a run (or two side by side) told one task boundary at a time, full screen.
#include "panels/presentation_view.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPushButton>

#include <algorithm>
#include <cmath>

#include "charts/accuracy_curve_chart.h"
#include "charts/accuracy_matrix_chart.h"

namespace {

/// Type in the room: everything in the view is this much larger than in the window.
constexpr double kFontScale = 1.6;
constexpr int kTickMs = 40;
/// Playback at 1x: a task's curves are drawn over this many seconds, then its caption rests.
constexpr double kSegmentSeconds = 3.0;
constexpr double kHoldSeconds = 2.5;
constexpr double kSpeeds[] = {0.5, 1.0, 2.0, 4.0};

QFont scaled(QFont f, double scale)
{
    f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

}  // namespace

struct PresentationView::Lane
{
    QString title, strategy;
    bool live = false;
    std::vector<clwb::RunEvent> events;  // the presented kinds only
    /// ends[b]: events up to boundary b (0 = before training, k = after task k's row).
    std::vector<size_t> ends;
    size_t fed = 0;  // events the charts have seen
    QLabel* heading = nullptr;
    AccuracyCurveChart* curves = nullptr;
    AccuracyMatrixChart* matrix = nullptr;

    void add(const clwb::RunEvent& e)
    {
        if (!PresentationView::draws(e.kind)) return;
        events.push_back(e);
        if (e.kind == clwb::RunEvent::Kind::Started && ends.empty()) ends.push_back(events.size());
        if (e.kind == clwb::RunEvent::Kind::TaskEvaluated && !e.values.empty()) {
            const size_t b = size_t(e.task + 1);
            if (ends.size() <= b) ends.resize(b + 1, events.size());
            ends[b] = events.size();
        }
    }
};

bool PresentationView::draws(clwb::RunEvent::Kind kind)
{
    using Kind = clwb::RunEvent::Kind;
    return kind == Kind::Started || kind == Kind::Step || kind == Kind::Curve ||
           kind == Kind::TaskEvaluated;
}

PresentationView::PresentationView(QWidget* parent)
    : QWidget(parent, Qt::Window),
      laneArea_(new QWidget(this)),
      caption_(new QLabel(this)),
      where_(new QLabel(this)),
      previousButton_(new QPushButton(this)),
      nextButton_(new QPushButton(this)),
      playButton_(new QPushButton(this)),
      speedBox_(new QComboBox(this)),
      leaveButton_(new QPushButton(this))
{
    setObjectName(QStringLiteral("presentationView"));
    setFont(scaled(font(), kFontScale));
    setAttribute(Qt::WA_DeleteOnClose);
    caption_->setObjectName(QStringLiteral("storyCaption"));
    caption_->setWordWrap(true);
    caption_->setAlignment(Qt::AlignCenter);
    caption_->setFont(scaled(font(), 1.25));
    caption_->setMinimumHeight(caption_->fontMetrics().height() * 3);
    QFont bold = where_->font();
    bold.setBold(true);
    where_->setFont(bold);
    for (double s : kSpeeds) speedBox_->addItem(QString(), s);
    speedBox_->setCurrentIndex(1);
    for (QWidget* w : std::initializer_list<QWidget*>{previousButton_, nextButton_, playButton_,
                                                      speedBox_, leaveButton_})
        w->setFocusPolicy(Qt::NoFocus);  // the arrows and Space belong to the story

    auto* controls = new QHBoxLayout;
    controls->addWidget(previousButton_);
    controls->addWidget(where_, 1, Qt::AlignCenter);
    controls->addWidget(nextButton_);
    controls->addSpacing(24);
    controls->addWidget(playButton_);
    controls->addWidget(speedBox_);
    controls->addSpacing(24);
    controls->addWidget(leaveButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(laneArea_, 1);
    layout->addWidget(caption_);
    layout->addLayout(controls);
    new QHBoxLayout(laneArea_);

    connect(previousButton_, &QPushButton::clicked, this, &PresentationView::previous);
    connect(nextButton_, &QPushButton::clicked, this, &PresentationView::next);
    connect(playButton_, &QPushButton::clicked, this, [this] { playing() ? pause() : play(); });
    connect(speedBox_, &QComboBox::currentIndexChanged, this,
            [this](int i) { speed_ = speedBox_->itemData(i).toDouble(); });
    connect(leaveButton_, &QPushButton::clicked, this, &QWidget::close);
    timer_.setInterval(kTickMs);
    connect(&timer_, &QTimer::timeout, this, [this] { advancePlayback(kTickMs / 1000.0); });
    retranslateUi();
}

PresentationView::~PresentationView() = default;

void PresentationView::setRuns(std::vector<Run> runs)
{
    pause();
    lanes_.clear();
    for (Run& r : runs) {
        auto lane = std::make_unique<Lane>();
        lane->title = r.title;
        lane->strategy = r.strategy;
        lane->live = r.live && lanes_.empty();
        for (const auto& e : r.events) lane->add(e);
        lanes_.push_back(std::move(lane));
    }
    buildLanes();
    boundary_ = -1;
    setBoundary(lastBoundary());
}

void PresentationView::buildLanes()
{
    auto* row = static_cast<QHBoxLayout*>(laneArea_->layout());
    while (QLayoutItem* item = row->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const bool single = lanes_.size() == 1;
    for (auto& lane : lanes_) {
        auto* box = new QWidget(laneArea_);
        auto* column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        lane->heading = new QLabel(lane->title, box);
        lane->heading->setFont(scaled(where_->font(), 1.1));
        lane->heading->setAlignment(Qt::AlignCenter);
        lane->curves = new AccuracyCurveChart(box);
        lane->matrix = new AccuracyMatrixChart(box);
        for (ChartPanel* c : std::initializer_list<ChartPanel*>{lane->curves, lane->matrix})
            c->useWidgetFont();  // the view's large type
        column->addWidget(lane->heading);
        if (single) {  // wide screens: curves and matrix next to each other
            auto* charts = new QHBoxLayout;
            charts->addWidget(lane->curves, 3);
            charts->addWidget(lane->matrix, 2);
            column->addLayout(charts, 1);
        } else {
            // The matrix's numbers are what the room reads: give its rows the height.
            column->addWidget(lane->curves, 2);
            column->addWidget(lane->matrix, 3);
        }
        row->addWidget(box, 1);
        lane->fed = 0;
    }
}

int PresentationView::lastBoundary() const
{
    int last = -1;
    for (const auto& lane : lanes_) {
        const int b = int(lane->ends.size()) - 1;
        last = last < 0 ? b : std::min(last, b);
    }
    return std::max(0, last);
}

void PresentationView::showUpTo(Lane& lane, size_t end)
{
    end = std::min(end, lane.events.size());
    if (end < lane.fed) {  // stepping back: draw again from the start
        lane.curves->clear();
        lane.matrix->clear();
        lane.fed = 0;
    }
    for (; lane.fed < end; ++lane.fed) {
        lane.curves->handleEvent(lane.events[lane.fed]);
        lane.matrix->handleEvent(lane.events[lane.fed]);
    }
}

void PresentationView::showBoundary(int boundary)
{
    for (auto& lane : lanes_)
        if (size_t(boundary) < lane->ends.size()) showUpTo(*lane, lane->ends[size_t(boundary)]);
}

void PresentationView::setBoundary(int boundary)
{
    boundary = std::clamp(boundary, 0, lastBoundary());
    if (boundary == boundary_) return;
    boundary_ = boundary;
    segment_ = hold_ = 0;
    showBoundary(boundary_);
    updateTexts();
}

void PresentationView::appendLiveEvent(const clwb::RunEvent& event)
{
    if (lanes_.empty() || !lanes_.front()->live || !draws(event.kind)) return;
    Lane& lane = *lanes_.front();
    const bool following = !playing() && boundary_ == lastBoundary();
    lane.add(event);
    if (!following) {
        updateTexts();  // the newest boundary moved on
        return;
    }
    showUpTo(lane, lane.events.size());  // the curves grow as they do in the window
    if (lastBoundary() != boundary_) boundary_ = lastBoundary();
    updateTexts();
}

void PresentationView::endLive()
{
    for (auto& lane : lanes_) lane->live = false;
    updateTexts();
}

void PresentationView::play()
{
    if (lanes_.empty()) return;
    if (boundary_ >= lastBoundary()) {  // from the start, as a story is told
        boundary_ = -1;
        setBoundary(0);
    }
    segment_ = 0;
    hold_ = kHoldSeconds / 2;  // a moment on "before training"
    timer_.start();
    updateTexts();
}

void PresentationView::pause()
{
    timer_.stop();
    if (!lanes_.empty()) showBoundary(boundary_);  // a half-drawn task snaps back
    segment_ = 0;
    updateTexts();
}

void PresentationView::setSpeed(double speed)
{
    for (int i = 0; i < speedBox_->count(); ++i)
        if (std::abs(speedBox_->itemData(i).toDouble() - speed) < 1e-9)
            speedBox_->setCurrentIndex(i);
    speed_ = speed;
}

void PresentationView::advancePlayback(double seconds)
{
    double left = seconds * speed_;
    while (left > 0) {
        if (hold_ > 0) {
            const double used = std::min(hold_, left);
            hold_ -= used;
            left -= used;
            continue;
        }
        if (boundary_ >= lastBoundary()) {
            timer_.stop();
            break;
        }
        const double used = std::min(left, (1.0 - segment_) * kSegmentSeconds);
        segment_ += used / kSegmentSeconds;
        left -= used;
        for (auto& lane : lanes_) {
            const size_t from = lane->ends[size_t(boundary_)],
                         to = lane->ends[size_t(boundary_ + 1)];
            showUpTo(*lane, from + size_t(std::floor(segment_ * double(to - from))));
        }
        if (segment_ >= 1.0 - 1e-9) {
            ++boundary_;
            segment_ = 0;
            hold_ = kHoldSeconds;
            showBoundary(boundary_);
            updateTexts();
        }
    }
    if (!timer_.isActive()) updateTexts();
}

StoryMatrix PresentationView::shownMatrix(int lane) const
{
    StoryMatrix m;
    const AccuracyMatrixChart* chart = lanes_.at(size_t(lane))->matrix;
    m.taskCount = chart->taskCount();
    m.init = chart->initialRow();
    m.rows = chart->rows();
    return m;
}

QString PresentationView::caption() const
{
    return caption_->text();
}

QString PresentationView::boundaryText() const
{
    return where_->text();
}

AccuracyCurveChart* PresentationView::curves(int lane) const
{
    return lanes_.at(size_t(lane))->curves;
}

AccuracyMatrixChart* PresentationView::matrix(int lane) const
{
    return lanes_.at(size_t(lane))->matrix;
}

void PresentationView::updateTexts()
{
    if (lanes_.empty()) return;
    const int tasks = lanes_.front()->matrix->taskCount();
    QString where = boundary_ == 0 ? tr("Before training")
                                   : tr("After task %1 of %2").arg(boundary_).arg(tasks);
    if (lanes_.front()->live) where += QStringLiteral(" · ") + tr("live");
    where_->setText(where);
    // The caption speaks of the boundary on show, not of a task still being drawn.
    std::vector<StoryMatrix> shown;
    for (int i = 0; i < laneCount(); ++i) {
        StoryMatrix m = shownMatrix(i);
        if (int(m.rows.size()) > boundary_) m.rows.resize(size_t(std::max(0, boundary_)));
        shown.push_back(std::move(m));
    }
    QString text;
    if (lanes_.size() == 1)
        text = StoryCaption::forBoundary(shown[0], boundary_, lanes_[0]->strategy);
    else {
        text = StoryCaption::comparison(shown[0], lanes_[0]->strategy, shown[1],
                                        lanes_[1]->strategy, boundary_);
        if (text.isEmpty()) text = StoryCaption::forBoundary(shown[0], boundary_, QString());
    }
    caption_->setText(text);
    previousButton_->setEnabled(boundary_ > 0);
    nextButton_->setEnabled(boundary_ < lastBoundary());
    playButton_->setText(playing() ? tr("Pause") : tr("Play"));
}

void PresentationView::retranslateUi()
{
    setWindowTitle(tr("CL Workbench — presentation"));
    previousButton_->setText(tr("◀ Previous"));
    nextButton_->setText(tr("Next ▶"));
    previousButton_->setToolTip(tr("Previous task boundary (←)"));
    nextButton_->setToolTip(tr("Next task boundary (→)"));
    playButton_->setToolTip(tr("Play the run back, task by task (Space)"));
    speedBox_->setToolTip(tr("Playback speed"));
    for (int i = 0; i < speedBox_->count(); ++i)
        speedBox_->setItemText(
            i, tr("%1×").arg(QLocale().toString(speedBox_->itemData(i).toDouble())));
    leaveButton_->setText(tr("Leave (Esc)"));
    updateTexts();
}

void PresentationView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
        case Qt::Key_Right:
        case Qt::Key_PageDown:
            pause();
            next();
            break;
        case Qt::Key_Left:
        case Qt::Key_PageUp:
            pause();
            previous();
            break;
        case Qt::Key_Home:
            pause();
            setBoundary(0);
            break;
        case Qt::Key_End:
            pause();
            setBoundary(lastBoundary());
            break;
        case Qt::Key_Space:
            playing() ? pause() : play();
            break;
        case Qt::Key_Escape:
        case Qt::Key_F11:
            close();
            break;
        default:
            QWidget::keyPressEvent(event);
    }
}

void PresentationView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void PresentationView::closeEvent(QCloseEvent* event)
{
    timer_.stop();
    Q_EMIT closed();
    QWidget::closeEvent(event);
}
