// SPDX-License-Identifier: GPL-3.0-or-later
// The prediction gallery: fixed test images of one task and what the model called each of them
// after every task boundary ("a sandal called Sandal after task 3 and Sneaker after task 4").
#pragma once

#include <QImage>
#include <QPixmap>
#include <QStringList>
#include <QWidget>

#include <map>
#include <vector>

#include "clwb/run_event.h"

class QComboBox;
class QLabel;
class GalleryGrid;

/// Fed by TaskEvaluated events (live or replayed): the first carries the images
/// (RunEvent::gallery), every one the predictions. A task picker chooses whose images are shown;
/// the grid has a row per boundary and a column per image, each cell the thumbnail framed green
/// (right, with a check mark) or red (wrong, with a cross) and the predicted class name.
class PredictionGallery : public QWidget
{
    Q_OBJECT

public:
    explicit PredictionGallery(QWidget* parent = nullptr);

    void handleEvent(const clwb::RunEvent& event);
    void clear();

    int imageCount() const { return int(images_.size()); }
    int boundaryCount() const { return int(predictions_.size()); }
    /// Task whose images are on show (-1 = none).
    int shownTask() const;
    void showTask(int task);
    /// Predicted class of gallery image `position` after `afterTask`; -1 when not known.
    int prediction(int afterTask, int position) const;
    /// Text of a cell of the grid on show: "Sandal ✓" / "Sneaker ✗"; empty when out of range.
    QString cellText(int row, int column) const;
    /// The grid of `task`'s images at every boundary, rendered at `scale` (reports); null when
    /// there is no gallery. The task on show stays as it was.
    QPixmap gridPixmap(int task, double scale = 2.0);
    /// Tasks that have gallery images, in order.
    std::vector<int> tasks() const;
    /// `task`'s grid as a PNG (at twice its size) or a one-page PDF; false when there is none or
    /// the file cannot be written. The right-click menu offers both for the task on show.
    bool savePng(const QString& file, int task);
    bool savePdf(const QString& file, int task);
    /// The class name as the window shows it (the task table's translation where it has one).
    QString className(int classId) const;

protected:
    void changeEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    friend class GalleryGrid;
    struct Image
    {
        int task = 0, label = 0;
        QImage thumbnail;
    };

    void retranslateUi();
    void rebuildTaskChoice();
    std::vector<int> shownPositions() const;  ///< gallery positions of the shown task

    std::vector<Image> images_;
    std::vector<std::string> rawNames_;  // as the events carry them
    QStringList classNames_;             // as the window shows them (TaskTableModel::runClassNames)
    std::map<int, std::vector<int>> predictions_;  ///< afterTask -> predicted class per image
    QLabel* caption_;
    QLabel* taskLabel_;
    QComboBox* task_;
    GalleryGrid* grid_;
};
