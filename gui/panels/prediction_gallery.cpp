// SPDX-License-Identifier: GPL-3.0-or-later
// The prediction gallery: fixed test images of one task and what the model called each of them
// after every task boundary.
#include "panels/prediction_gallery.h"

#include <QComboBox>
#include <QContextMenuEvent>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPdfWriter>
#include <QScrollArea>
#include <QSettings>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

#include "panels/task_table_model.h"

namespace {

const QColor kRight(0, 158, 115);  // Okabe-Ito bluish green
const QColor kWrong(213, 94, 0);   // Okabe-Ito vermillion
constexpr int kThumb = 72;         // thumbnail side in the grid, logical pixels
constexpr int kPad = 6;

QImage toImage(const clwb::GalleryImage& g)
{
    if (g.width <= 0 || g.height <= 0 || (g.channels != 1 && g.channels != 3) ||
        g.pixels.size() != size_t(g.width) * size_t(g.height) * size_t(g.channels))
        return {};
    const auto format = g.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    // The row stride of the event's pixels is exactly width x channels; copy() detaches.
    return QImage(g.pixels.data(), g.width, g.height, g.width * g.channels, format).copy();
}

}  // namespace

/// The painted grid: a header row of true class names, then one row per boundary.
class GalleryGrid : public QWidget
{
public:
    explicit GalleryGrid(PredictionGallery* owner) : QWidget(owner), owner_(owner) {}

    QSize sizeHint() const override
    {
        const int cols = int(owner_->shownPositions().size());
        const int rows = int(owner_->predictions_.size());
        return {headerWidth() + cols * cellWidth() + kPad,
                headerHeight() + rows * cellHeight() + kPad};
    }
    void refresh()
    {
        setMinimumSize(sizeHint());
        updateGeometry();
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const auto positions = owner_->shownPositions();
        const QFontMetrics fm(font());
        // Header: each image's true class.
        p.setPen(palette().color(QPalette::WindowText));
        for (size_t c = 0; c < positions.size(); ++c) {
            const auto& img = owner_->images_[size_t(positions[c])];
            const QRect r(headerWidth() + int(c) * cellWidth(), 0, cellWidth(), headerHeight());
            p.drawText(
                r, Qt::AlignCenter,
                fm.elidedText(owner_->className(img.label), Qt::ElideRight, cellWidth() - 4));
        }
        int row = 0;
        for (const auto& [afterTask, predicted] : owner_->predictions_) {
            const int y = headerHeight() + row * cellHeight();
            p.setPen(palette().color(QPalette::WindowText));
            const QString label = afterTask < 0
                                      ? PredictionGallery::tr("Before training")
                                      : PredictionGallery::tr("After task %1").arg(afterTask + 1);
            p.drawText(QRect(0, y, headerWidth() - kPad, kThumb), Qt::AlignRight | Qt::AlignVCenter,
                       label);
            for (size_t c = 0; c < positions.size(); ++c) {
                const int pos = positions[c];
                const auto& img = owner_->images_[size_t(pos)];
                const int x = headerWidth() + int(c) * cellWidth();
                const QRect thumb(x + (cellWidth() - kThumb) / 2, y, kThumb, kThumb);
                // Small images are scaled up without smoothing: their pixels stay visible.
                const bool small = img.thumbnail.width() < kThumb / 2;
                p.drawImage(thumb, img.thumbnail.scaled(
                                       kThumb, kThumb, Qt::KeepAspectRatio,
                                       small ? Qt::FastTransformation : Qt::SmoothTransformation));
                const int pred = size_t(pos) < predicted.size() ? predicted[size_t(pos)] : -1;
                if (pred < 0) continue;
                const bool right = pred == img.label;
                p.setPen(QPen(right ? kRight : kWrong, 3));
                p.setBrush(Qt::NoBrush);
                p.drawRect(thumb.adjusted(1, 1, -1, -1));
                p.setPen(right ? kRight.darker(130) : kWrong);
                const QRect text(x, y + kThumb + 1, cellWidth(), fm.height());
                p.drawText(text, Qt::AlignCenter, owner_->cellText(row, int(c)));
            }
            ++row;
        }
    }

private:
    /// Wide enough for the longest class name with its mark (within reason), and the thumbnail.
    int cellWidth() const
    {
        const QFontMetrics fm(font());
        int widest = 0;
        for (int c = 0; c < owner_->classNames_.size(); ++c)
            widest =
                std::max(widest, fm.horizontalAdvance(owner_->className(c) + QStringLiteral(" ✓")));
        return std::clamp(widest + kPad, kThumb + kPad + 14, 2 * kThumb);
    }
    int cellHeight() const { return kThumb + QFontMetrics(font()).height() + kPad; }
    /// The longest row label ("Before training", "After task N").
    int headerWidth() const
    {
        const QFontMetrics fm(font());
        int widest = fm.horizontalAdvance(PredictionGallery::tr("Before training"));
        for (const auto& [afterTask, predicted] : owner_->predictions_)
            widest = std::max(
                widest,
                fm.horizontalAdvance(PredictionGallery::tr("After task %1").arg(afterTask + 1)));
        return widest + 2 * kPad;
    }
    int headerHeight() const { return QFontMetrics(font()).height() + kPad; }

    PredictionGallery* owner_;
};

PredictionGallery::PredictionGallery(QWidget* parent)
    : QWidget(parent),
      caption_(new QLabel(this)),
      taskLabel_(new QLabel(this)),
      task_(new QComboBox(this)),
      grid_(new GalleryGrid(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(taskLabel_);
    top->addWidget(task_);
    top->addStretch(1);
    layout->addLayout(top);
    caption_->setWordWrap(true);
    layout->addWidget(caption_);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(grid_);
    scroll->setWidgetResizable(false);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    taskLabel_->setBuddy(task_);
    connect(task_, &QComboBox::activated, this,
            [this](int index) { showTask(task_->itemData(index).toInt()); });
    retranslateUi();
}

void PredictionGallery::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void PredictionGallery::retranslateUi()
{
    taskLabel_->setText(tr("Images of &task:"));
    caption_->setText(images_.empty()
                          ? tr("No gallery yet: the images appear with the first evaluation.")
                          : tr("The same test images after every task boundary: the class the "
                               "model predicts, framed green with ✓ when right, red with ✗ when "
                               "wrong."));
    classNames_ = TaskTableModel::runClassNames(rawNames_);
    rebuildTaskChoice();
    grid_->refresh();
}

void PredictionGallery::clear()
{
    images_.clear();
    rawNames_.clear();
    classNames_.clear();
    predictions_.clear();
    retranslateUi();
}

void PredictionGallery::handleEvent(const clwb::RunEvent& event)
{
    if (event.kind != clwb::RunEvent::Kind::TaskEvaluated) return;
    if (!event.gallery.empty()) {
        images_.clear();
        predictions_.clear();
        for (const auto& g : event.gallery) images_.push_back({g.task, g.label, toImage(g)});
        retranslateUi();
    }
    if (!event.classNames.empty()) {
        rawNames_ = event.classNames;
        classNames_ = TaskTableModel::runClassNames(rawNames_);
    }
    if (images_.empty() || event.galleryPredictions.size() != images_.size()) return;
    predictions_[event.task] = event.galleryPredictions;
    grid_->refresh();
}

void PredictionGallery::rebuildTaskChoice()
{
    const int shown = shownTask();
    const QSignalBlocker block(task_);
    task_->clear();
    for (int t : tasks()) task_->addItem(tr("Task %1").arg(t + 1), t);
    const int index = task_->findData(shown);
    task_->setCurrentIndex(index >= 0 ? index : 0);
    task_->setEnabled(task_->count() > 1);
}

int PredictionGallery::shownTask() const
{
    return task_->currentIndex() >= 0 ? task_->currentData().toInt() : -1;
}

void PredictionGallery::showTask(int task)
{
    const int index = task_->findData(task);
    if (index < 0) return;
    task_->setCurrentIndex(index);
    grid_->refresh();
}

std::vector<int> PredictionGallery::tasks() const
{
    std::set<int> tasks;
    for (const auto& img : images_) tasks.insert(img.task);
    return {tasks.begin(), tasks.end()};
}

bool PredictionGallery::savePng(const QString& file, int task)
{
    const QPixmap px = gridPixmap(task, 2.0);
    return !px.isNull() && px.save(file, "PNG");
}

bool PredictionGallery::savePdf(const QString& file, int task)
{
    const QPixmap px = gridPixmap(task, 2.0);
    if (px.isNull()) return false;
    QPdfWriter pdf(file);
    pdf.setTitle(tr("Prediction gallery, task %1").arg(task + 1));
    pdf.setCreator(QStringLiteral("CL Workbench"));
    pdf.setPageOrientation(px.width() > px.height() ? QPageLayout::Landscape
                                                    : QPageLayout::Portrait);
    QPainter painter;
    if (!painter.begin(&pdf)) return false;
    // The grid scaled to the page, aspect kept.
    const QRect page = painter.viewport();
    const QSize size = px.size().scaled(page.size(), Qt::KeepAspectRatio);
    painter.drawPixmap(QRect(QPoint(0, 0), size), px);
    return painter.end();
}

void PredictionGallery::contextMenuEvent(QContextMenuEvent* event)
{
    const int task = shownTask();
    if (task < 0 || predictions_.empty()) return;
    QMenu menu(this);
    for (const bool pdf : {false, true}) {
        menu.addAction(pdf ? tr("Save as PDF…") : tr("Save as PNG…"), this, [this, task, pdf] {
            QSettings settings;
            const QString file = QFileDialog::getSaveFileName(
                this, pdf ? tr("Save gallery as PDF") : tr("Save gallery as PNG"),
                settings.value(QStringLiteral("lastDirectory")).toString(),
                pdf ? tr("PDF files (*.pdf)") : tr("PNG images (*.png)"));
            if (file.isEmpty()) return;
            settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
            pdf ? savePdf(file, task) : savePng(file, task);
        });
    }
    menu.exec(event->globalPos());
}

std::vector<int> PredictionGallery::shownPositions() const
{
    std::vector<int> out;
    const int task = shownTask();
    for (size_t i = 0; i < images_.size(); ++i)
        if (images_[i].task == task) out.push_back(int(i));
    return out;
}

QPixmap PredictionGallery::gridPixmap(int task, double scale)
{
    const auto have = tasks();
    if (predictions_.empty() || std::find(have.begin(), have.end(), task) == have.end()) return {};
    const int was = shownTask();
    showTask(task);
    const QSize size = grid_->sizeHint();
    QPixmap px(size * scale);
    px.setDevicePixelRatio(scale);
    px.fill(grid_->palette().color(QPalette::Window));  // the gallery's text is drawn on it
    grid_->resize(size);
    grid_->render(&px);
    showTask(was);
    return px;
}

int PredictionGallery::prediction(int afterTask, int position) const
{
    const auto it = predictions_.find(afterTask);
    if (it == predictions_.end() || position < 0 || size_t(position) >= it->second.size())
        return -1;
    return it->second[size_t(position)];
}

QString PredictionGallery::className(int classId) const
{
    return classNames_.value(classId, QString::number(classId));
}

QString PredictionGallery::cellText(int row, int column) const
{
    const auto positions = shownPositions();
    if (row < 0 || row >= int(predictions_.size()) || column < 0 || column >= int(positions.size()))
        return {};
    const auto& predicted = std::next(predictions_.begin(), row)->second;
    const int pos = positions[size_t(column)];
    const int pred = predicted[size_t(pos)];
    if (pred < 0) return {};
    const bool right = pred == images_[size_t(pos)].label;
    return className(pred) + (right ? QStringLiteral(" ✓") : QStringLiteral(" ✗"));
}
