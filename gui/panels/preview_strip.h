// SPDX-License-Identifier: GPL-3.0-or-later
// A few training images of every class of every task, so an operator sees what each task holds.
#pragma once

#include <QImage>
#include <QScrollArea>
#include <QStringList>

#include <map>
#include <vector>

#include "clwb/run_config.h"

class PreviewCanvas;

/// Thumbnails are decoded with clwb::previewImages() on a pool thread, only while the strip is
/// visible, and cached per class until the dataset (kind, path, test share) changes; a new task
/// split or new class names only re-lay out.
class PreviewStrip : public QScrollArea
{
    Q_OBJECT

public:
    static constexpr int kPerClass = 4;
    static constexpr int kThumbSize = 48;

    explicit PreviewStrip(QWidget* parent = nullptr);

    /// What to show: the dataset, the class ids of each task, the display names of the
    /// classes; `sameClassesEveryTask` (permuted / rotated) shows the classes once.
    void setContent(const clwb::DataConfig& data, const std::vector<std::vector<int>>& tasks,
                    const QStringList& classNames, bool sameClassesEveryTask = false);

    /// Thumbnails on show (decoded images of the tasks' classes).
    int thumbnailCount() const;
    /// Decoding is due (hidden strip) or running.
    bool isLoading() const { return pending_ || running_; }
    /// The dataset could not be read ("" = fine).
    QString problem() const { return problem_; }

Q_SIGNALS:
    /// A decode finished (thumbnails or problem() are up to date).
    void loaded();

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    friend class PreviewCanvas;
    void load();
    void relayout();

    struct Key
    {
        std::string dataset, path;
        double testFraction = 0;
        bool operator==(const Key& o) const
        {
            return dataset == o.dataset && path == o.path && testFraction == o.testFraction;
        }
    };

    PreviewCanvas* canvas_;
    clwb::DataConfig data_;
    Key key_;
    std::vector<std::vector<int>> tasks_;
    QStringList classNames_;
    bool sameClassesEveryTask_ = false;
    std::map<int, std::vector<QImage>> thumbs_;  ///< class id -> thumbnails (cache)
    QString problem_;
    bool pending_ = false;
    bool running_ = false;
    int generation_ = 0;
};
