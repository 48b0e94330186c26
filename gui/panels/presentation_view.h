// SPDX-License-Identifier: GPL-3.0-or-later
// Presentation mode: a run (or two side by side) told one task boundary at a time, full screen.
#pragma once

#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

#include "clwb/run_event.h"
#include "panels/story_caption.h"

class AccuracyCurveChart;
class AccuracyMatrixChart;
class QComboBox;
class QLabel;
class QPushButton;

/// Boundary 0 shows the run before training, boundary k the curves up to the end of task k and
/// the matrix filled to its row, with a caption generated from the numbers (StoryCaption).
/// ← → step, Home/End jump, Space plays a stored run back at the chosen speed, Esc or F11 leaves.
/// A live run (lane 0) is followed while the view stands at its newest boundary.
class PresentationView : public QWidget
{
    Q_OBJECT

public:
    struct Run
    {
        QString title;     ///< "#12 LoRAC-IPC"
        QString strategy;  ///< translated strategy name, for the captions
        std::vector<clwb::RunEvent> events;
        bool live = false;  ///< still running: appendLiveEvent feeds it
    };

    explicit PresentationView(QWidget* parent = nullptr);
    ~PresentationView() override;

    /// The events the view draws (the rest of a run's events it ignores): what a caller keeps of
    /// a live run for it.
    static bool draws(clwb::RunEvent::Kind kind);

    /// One run, or two side by side; shows their newest common boundary.
    void setRuns(std::vector<Run> runs);
    /// An event of the live run (lane 0); ignored when lane 0 is not live.
    void appendLiveEvent(const clwb::RunEvent& event);
    /// The live run ended: it is presented like a stored one from now on.
    void endLive();

    int laneCount() const { return int(lanes_.size()); }
    int boundary() const { return boundary_; }
    /// The newest boundary every lane has reached (0 = before training).
    int lastBoundary() const;
    void setBoundary(int boundary);
    void next() { setBoundary(boundary_ + 1); }
    void previous() { setBoundary(boundary_ - 1); }

    /// Playback: each task's curves drawn over 3 s / speed, then a pause on its caption.
    void play();
    void pause();
    bool playing() const { return timer_.isActive(); }
    void setSpeed(double speed);
    double speed() const { return speed_; }
    /// Advances playback by `seconds` at once (tests).
    void advancePlayback(double seconds);

    QString caption() const;
    QString boundaryText() const;
    AccuracyCurveChart* curves(int lane) const;
    AccuracyMatrixChart* matrix(int lane) const;
    /// The matrix as the lane's charts now show it.
    StoryMatrix shownMatrix(int lane) const;

Q_SIGNALS:
    void closed();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    struct Lane;
    void buildLanes();
    void showUpTo(Lane& lane, size_t end);
    void showBoundary(int boundary);
    void updateTexts();
    void retranslateUi();

    std::vector<std::unique_ptr<Lane>> lanes_;
    QWidget* laneArea_;
    QLabel* caption_;
    QLabel* where_;
    QPushButton* previousButton_;
    QPushButton* nextButton_;
    QPushButton* playButton_;
    QComboBox* speedBox_;
    QPushButton* leaveButton_;
    QTimer timer_;
    int boundary_ = 0;
    double speed_ = 1.0;
    double segment_ = 0;  ///< playback: share of the next task drawn so far, 0-1
    double hold_ = 0;     ///< playback: seconds left to rest on a caption
};
