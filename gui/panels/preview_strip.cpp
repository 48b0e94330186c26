// SPDX-License-Identifier: GPL-3.0-or-later
// A few training images of every class of every task, so an operator sees what each task holds.
#include "panels/preview_strip.h"

#include <QEvent>
#include <QFutureWatcher>
#include <QHelpEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <set>

#include "clwb/datasets.h"

namespace {

constexpr int kMargin = 8;
constexpr int kGap = 3;       // between thumbnails
constexpr int kCellGap = 16;  // between classes
constexpr int kTaskGap = 10;  // between task blocks
constexpr int kLineGap = 6;   // between lines of classes in a block
constexpr int kPad = 8;       // inside a task block

struct Decoded
{
    std::map<int, std::vector<QImage>> thumbs;
    QString problem;
};

QImage toThumb(const clwb::PreviewImage& p)
{
    const QImage::Format format = p.channels == 1   ? QImage::Format_Grayscale8
                                  : p.channels == 3 ? QImage::Format_RGB888
                                  : p.channels == 4 ? QImage::Format_RGBA8888
                                                    : QImage::Format_Invalid;
    if (format == QImage::Format_Invalid || p.width <= 0 || p.height <= 0 ||
        p.pixels.size() < size_t(p.width) * size_t(p.height) * size_t(p.channels))
        return {};
    const QImage view(p.pixels.data(), p.width, p.height, p.width * p.channels, format);
    return view.scaled(PreviewStrip::kThumbSize, PreviewStrip::kThumbSize, Qt::KeepAspectRatio,
                       Qt::SmoothTransformation);  // scaled() copies, so `view` may go
}

Decoded decode(const clwb::DataConfig& data, const std::vector<int>& classes)
{
    Decoded out;
    for (int c : classes) out.thumbs[c];  // asked for: an empty class is not asked again
    try {
        for (const auto& image : clwb::previewImages(data, classes, PreviewStrip::kPerClass)) {
            QImage thumb = toThumb(image);
            if (!thumb.isNull()) out.thumbs[image.classId].push_back(std::move(thumb));
        }
    } catch (const std::exception& e) {
        out.problem = QString::fromStdString(e.what());
    }
    return out;
}

}  // namespace

/// Paints the tasks as framed blocks that flow left to right and wrap at the width; in a block,
/// a heading and one cell per class (its name above its thumbnails), wrapping inside the block.
class PreviewCanvas : public QWidget
{
public:
    explicit PreviewCanvas(PreviewStrip* strip) : QWidget(strip), strip_(strip) {}

    struct Cell
    {
        int classId;
        QRect rect;  // caption + thumbnails
    };
    struct Block
    {
        QString heading;  // a message spans the width and has no frame
        QRect rect;
        bool message = false;
    };

    /// Lays out for `width`; returns the height needed.
    int layout(int width, std::vector<Block>* blocks, std::vector<Cell>* cells) const
    {
        const QFontMetrics fm(font());
        const int captionH = fm.height() + 2;
        const int headingH = fm.height() + 6;
        const int cellW = PreviewStrip::kPerClass * (PreviewStrip::kThumbSize + kGap) - kGap;
        const int cellH = captionH + PreviewStrip::kThumbSize;
        const int avail = std::max(cellW + 2 * kPad, width - 2 * kMargin);
        int y = kMargin;
        const QString message = this->message();
        if (!message.isEmpty()) {
            const QRect r =
                fm.boundingRect(QRect(kMargin, y, avail, 10000), Qt::TextWordWrap, message);
            if (blocks) blocks->push_back({message, r, true});
            y = r.bottom() + kTaskGap;
        }
        const auto& tasks = strip_->tasks_;
        const size_t shown =
            strip_->sameClassesEveryTask_ ? std::min<size_t>(1, tasks.size()) : tasks.size();
        const int perLine = std::max(1, (avail - 2 * kPad + kCellGap) / (cellW + kCellGap));
        int x = kMargin, rowH = 0;
        for (size_t t = 0; t < shown; ++t) {
            const QString heading = strip_->sameClassesEveryTask_
                                        ? PreviewStrip::tr(
                                              "Every task: all classes, each task "
                                              "under its own transform")
                                        : PreviewStrip::tr("Task %1").arg(t + 1);
            const int n = int(tasks[t].size());
            const int lines = (n + perLine - 1) / perLine;
            const int cellsW = std::min(n, perLine) * (cellW + kCellGap) - kCellGap;
            const int bw =
                std::min(avail, 2 * kPad + std::max(cellsW, fm.horizontalAdvance(heading)));
            const int bh = 2 * kPad + headingH + lines * cellH + std::max(0, lines - 1) * kLineGap;
            if (x > kMargin && x + bw > kMargin + avail) {
                x = kMargin;
                y += rowH + kTaskGap;
                rowH = 0;
            }
            if (blocks) blocks->push_back({heading, QRect(x, y, bw, bh)});
            for (int i = 0; cells && i < n; ++i)
                cells->push_back({tasks[t][size_t(i)],
                                  QRect(x + kPad + (i % perLine) * (cellW + kCellGap),
                                        y + kPad + headingH + (i / perLine) * (cellH + kLineGap),
                                        cellW, cellH)});
            x += bw + kTaskGap;
            rowH = std::max(rowH, bh);
        }
        return y + rowH + kMargin;
    }

    QString message() const
    {
        if (!strip_->problem_.isEmpty())
            return PreviewStrip::tr("No preview: %1").arg(strip_->problem_);
        if (strip_->tasks_.empty()) return PreviewStrip::tr("No tasks to preview.");
        if (strip_->running_ && strip_->thumbs_.empty())
            return PreviewStrip::tr("Decoding preview images…");
        return {};
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.fillRect(rect(), palette().window());
        std::vector<Block> blocks;
        std::vector<Cell> cells;
        layout(width(), &blocks, &cells);
        const QFontMetrics fm(font());
        QFont bold = font();
        bold.setBold(true);
        for (const Block& b : blocks) {
            if (b.message) {
                p.setFont(font());
                p.setPen(strip_->problem_.isEmpty() ? palette().color(QPalette::Text)
                                                    : QColor(0xc6, 0x28, 0x28));
                p.drawText(b.rect, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, b.heading);
                continue;
            }
            p.setPen(palette().color(QPalette::Mid));
            p.setBrush(palette().base());
            p.drawRoundedRect(QRectF(b.rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
            p.setFont(bold);
            p.setPen(palette().color(QPalette::Text));
            p.drawText(b.rect.adjusted(kPad, kPad - 2, -kPad, 0), Qt::AlignLeft | Qt::AlignTop,
                       fm.elidedText(b.heading, Qt::ElideRight, b.rect.width() - 2 * kPad));
        }
        p.setFont(font());
        const int captionH = fm.height() + 2;
        const int s = PreviewStrip::kThumbSize;
        for (const Cell& cell : cells) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRect(cell.rect.x(), cell.rect.y(), cell.rect.width(), captionH),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(name(cell.classId), Qt::ElideRight, cell.rect.width()));
            const auto it = strip_->thumbs_.find(cell.classId);
            for (int k = 0; k < PreviewStrip::kPerClass; ++k) {
                const QRect box(cell.rect.x() + k * (s + kGap), cell.rect.y() + captionH, s, s);
                p.fillRect(box, palette().color(QPalette::AlternateBase));
                if (it != strip_->thumbs_.end() && k < int(it->second.size())) {
                    const QImage& img = it->second[size_t(k)];
                    p.drawImage(
                        QPoint(box.x() + (s - img.width()) / 2, box.y() + (s - img.height()) / 2),
                        img);
                }
            }
        }
    }

    bool event(QEvent* e) override
    {
        if (e->type() == QEvent::ToolTip) {
            const auto* help = static_cast<QHelpEvent*>(e);
            std::vector<Cell> cells;
            layout(width(), nullptr, &cells);
            for (const Cell& cell : cells) {
                if (cell.rect.contains(help->pos())) {
                    QToolTip::showText(
                        help->globalPos(),
                        PreviewStrip::tr("%1 (class %2)").arg(name(cell.classId)).arg(cell.classId),
                        this);
                    return true;
                }
            }
            QToolTip::hideText();
            e->ignore();
            return true;
        }
        return QWidget::event(e);
    }

private:
    QString name(int c) const
    {
        const QStringList& names = strip_->classNames_;
        return c >= 0 && c < names.size() ? names[c] : QString::number(c);
    }

    PreviewStrip* strip_;
};

PreviewStrip::PreviewStrip(QWidget* parent) : QScrollArea(parent), canvas_(new PreviewCanvas(this))
{
    setObjectName(QStringLiteral("previewStrip"));
    setWidget(canvas_);
    setWidgetResizable(false);  // the canvas height follows its width (relayout())
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
}

void PreviewStrip::setContent(const clwb::DataConfig& data,
                              const std::vector<std::vector<int>>& tasks,
                              const QStringList& classNames, bool sameClassesEveryTask)
{
    const Key key{data.dataset, data.path, data.testFraction};
    if (!(key == key_)) {
        key_ = key;
        thumbs_.clear();
        problem_.clear();
        ++generation_;  // a decode of the old dataset in flight is dropped
        running_ = false;
    }
    data_ = data;
    tasks_ = tasks;
    classNames_ = classNames;
    sameClassesEveryTask_ = sameClassesEveryTask;
    relayout();
    if (isVisible())
        load();
    else
        pending_ = true;
}

int PreviewStrip::thumbnailCount() const
{
    std::set<int> classes;
    for (size_t t = 0; t < tasks_.size(); ++t) {
        if (sameClassesEveryTask_ && t > 0) break;
        classes.insert(tasks_[t].begin(), tasks_[t].end());
    }
    int n = 0;
    for (int c : classes) {
        const auto it = thumbs_.find(c);
        if (it != thumbs_.end()) n += int(it->second.size());
    }
    return n;
}

void PreviewStrip::showEvent(QShowEvent* event)
{
    QScrollArea::showEvent(event);
    relayout();
    if (pending_) load();
}

void PreviewStrip::changeEvent(QEvent* event)
{
    QScrollArea::changeEvent(event);
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::FontChange)
        relayout();  // headings and messages are translated as they are painted
}

bool PreviewStrip::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::Resize) relayout();
    return QScrollArea::viewportEvent(event);
}

void PreviewStrip::relayout()
{
    const int w = viewport()->width();
    canvas_->resize(w, std::max(viewport()->height(), canvas_->layout(w, nullptr, nullptr)));
    canvas_->update();
}

void PreviewStrip::load()
{
    pending_ = false;
    if (running_) {  // after the decode in flight, for what it did not cover
        pending_ = true;
        return;
    }
    if (!problem_.isEmpty()) {
        Q_EMIT loaded();
        return;
    }
    std::vector<int> missing;
    for (const auto& task : tasks_)
        for (int c : task)
            if (!thumbs_.count(c)) missing.push_back(c);
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    if (missing.empty()) {
        Q_EMIT loaded();
        return;
    }
    running_ = true;
    const int generation = ++generation_;
    auto* watcher = new QFutureWatcher<Decoded>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_) return;
        running_ = false;
        Decoded result = watcher->result();
        problem_ = result.problem;
        if (problem_.isEmpty())
            for (auto& [c, images] : result.thumbs) thumbs_[c] = std::move(images);
        relayout();
        if (pending_ && isVisible())
            load();
        else
            Q_EMIT loaded();
    });
    watcher->setFuture(QtConcurrent::run(decode, data_, missing));
    relayout();
}
