// SPDX-License-Identifier: GPL-3.0-or-later
// "Import checkpoint…": choose a backbone checkpoint (clwb, timm or torchvision), optionally name
// its timm architecture and the image size, and see what clwb::inspectBackbone detected.
#include "panels/backbone_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {

const QString kRecentKey = QStringLiteral("recentCheckpoints");
constexpr int kMaxRecent = 8;

// Rows of the "Detected" panel, in order; the keys name them for detail().
const char* const kRows[] = {"format",     "architecture", "size",       "image",         "pooling",
                             "classToken", "layerScale",   "parameters", "normalisation", "notes"};

QString joinNumbers(const std::vector<double>& values)
{
    QStringList parts;
    for (double v : values) parts << QString::number(v, 'g', 4);
    return parts.join(QStringLiteral(", "));
}

}  // namespace

BackboneDialog::BackboneDialog(QWidget* parent) : QDialog(parent), debounce_(new QTimer(this))
{
    setObjectName(QStringLiteral("backboneDialog"));
    auto* v = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    fileLabel_ = new QLabel(this);
    file_ = new QComboBox(this);
    file_->setEditable(true);
    file_->setInsertPolicy(QComboBox::NoInsert);
    file_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    file_->setMinimumContentsLength(40);
    file_->addItems(recentCheckpoints());
    file_->setCurrentIndex(-1);
    file_->setEditText(QString());
    browse_ = new QPushButton(this);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(file_, 1);
    fileRow->addWidget(browse_);
    fileLabel_->setBuddy(file_);
    form->addRow(fileLabel_, fileRow);
    archLabel_ = new QLabel(this);
    arch_ = new QComboBox(this);
    arch_->setEditable(true);
    arch_->setInsertPolicy(QComboBox::NoInsert);
    arch_->addItem(QString());
    for (const auto& name : clwb::knownArchitectures())
        arch_->addItem(QString::fromStdString(name));
    archLabel_->setBuddy(arch_);
    form->addRow(archLabel_, arch_);
    sizeLabel_ = new QLabel(this);
    size_ = new QSpinBox(this);
    size_->setRange(0, 1024);
    sizeLabel_->setBuddy(size_);
    form->addRow(sizeLabel_, size_);
    v->addLayout(form);

    detected_ = new QGroupBox(this);
    details_ = new QFormLayout(detected_);
    details_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const char* key : kRows) {
        auto* value = new QLabel(detected_);
        value->setObjectName(QString::fromLatin1(key));
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        details_->addRow(new QLabel(detected_), value);
    }
    v->addWidget(detected_, 1);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("backboneStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(status_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    v->addWidget(buttons_);

    debounce_->setSingleShot(true);
    connect(debounce_, &QTimer::timeout, this, &BackboneDialog::inspectNow);
    connect(file_, &QComboBox::editTextChanged, this, &BackboneDialog::inspectSoon);
    connect(arch_, &QComboBox::editTextChanged, this, &BackboneDialog::inspectSoon);
    connect(size_, &QSpinBox::valueChanged, this, &BackboneDialog::showInfo);
    connect(browse_, &QPushButton::clicked, this, &BackboneDialog::browse);
    connect(buttons_, &QDialogButtonBox::accepted, this, &BackboneDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &BackboneDialog::reject);
    retranslateUi();
    resize(sizeHint().expandedTo(QSize(640, 0)));
}

void BackboneDialog::setCheckpoint(const QString& path, const QString& arch, int imageSize)
{
    file_->setEditText(path);
    arch_->setEditText(arch);
    size_->setValue(imageSize);
    inspectNow();
}

QString BackboneDialog::checkpoint() const
{
    return file_->currentText().trimmed();
}

QString BackboneDialog::architecture() const
{
    return arch_->currentText().trimmed();
}

int BackboneDialog::imageSize() const
{
    return size_->value();
}

bool BackboneDialog::isInspecting() const
{
    return debounce_->isActive() || applied_ != generation_;
}

QStringList BackboneDialog::recentCheckpoints()
{
    return QSettings().value(kRecentKey).toStringList();
}

clwb::ModelConfig BackboneDialog::modelConfig() const
{
    clwb::ModelConfig model = info_.model;
    model.backbone = checkpoint().toStdString();
    if (!architecture().isEmpty()) model.arch = architecture().toStdString();
    if (imageSize() > 0) model.imageSize = imageSize();
    return model;
}

QString BackboneDialog::detail(const QString& key) const
{
    const auto* label = detected_->findChild<QLabel*>(key);
    return label ? label->text() : QString();
}

QString BackboneDialog::problemText() const
{
    if (checkpoint().isEmpty())
        return tr("Checkpoint file: empty; choose a .safetensors, .pt or .pth file.");
    if (!info_.problem.empty())
        return tr("Checkpoint file: %1").arg(QString::fromStdString(info_.problem));
    const int patch = info_.model.patchSize;
    if (imageSize() > 0 && patch > 0 && imageSize() % patch != 0)
        return tr("Image size: %1 is not a multiple of the patch size %2; use %3 or %4.")
            .arg(imageSize())
            .arg(patch)
            .arg(imageSize() / patch * patch)
            .arg((imageSize() / patch + 1) * patch);
    return {};
}

void BackboneDialog::browse()
{
    QSettings settings;
    QString start = QFileInfo(checkpoint()).absolutePath();
    if (checkpoint().isEmpty()) start = settings.value(QStringLiteral("lastDirectory")).toString();
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Choose a backbone checkpoint"), start,
                                     tr("Checkpoints (*.safetensors *.pt *.pth);;All files (*)"));
    if (file.isEmpty()) return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    file_->setEditText(file);
    inspectNow();
}

void BackboneDialog::inspectSoon()
{
    debounce_->start(300);
    showInfo();
}

void BackboneDialog::inspectNow()
{
    debounce_->stop();
    const int generation = ++generation_;
    const std::string path = checkpoint().toStdString();
    const std::string arch = architecture().toStdString();
    auto* watcher = new QFutureWatcher<clwb::BackboneInfo>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_) return;
        info_ = watcher->result();
        applied_ = generation;
        inspectedOnce_ = true;
        showInfo();
        Q_EMIT inspected();
    });
    if (path.empty()) {  // nothing to read; the problem line says what to do
        watcher->setFuture(QtConcurrent::run([] { return clwb::BackboneInfo{}; }));
    } else {
        watcher->setFuture(
            QtConcurrent::run([path, arch] { return clwb::inspectBackbone(path, arch); }));
    }
    showInfo();
}

void BackboneDialog::showInfo()
{
    auto set = [this](const char* key, const QString& text) {
        if (auto* label = detected_->findChild<QLabel*>(QString::fromLatin1(key)))
            label->setText(text);
    };
    const bool usable =
        inspectedOnce_ && !isInspecting() && info_.problem.empty() && !checkpoint().isEmpty();
    if (!usable) {
        for (const char* key : kRows) set(key, QStringLiteral("–"));
    } else {
        const clwb::ModelConfig& m = info_.model;
        const QString format = info_.format == "clwb"        ? tr("clwb checkpoint")
                               : info_.format == "torch-zip" ? tr("PyTorch archive")
                                                             : QString::fromStdString(info_.format);
        set("format", tr("%1, %2 tensor names").arg(format, QString::fromStdString(info_.naming)));
        set("architecture", info_.arch.empty() ? tr("not matched to a timm name (inferred from the "
                                                    "tensors)")
                                               : QString::fromStdString(info_.arch));
        set("size", tr("dim %1 · depth %2 · heads %3 · patch %4 · MLP %5")
                        .arg(m.dim)
                        .arg(m.depth)
                        .arg(m.heads)
                        .arg(m.patchSize)
                        .arg(m.mlpHidden > 0 ? m.mlpHidden : m.dim * m.mlpRatio));
        set("image", tr("%1 px, %2 channel(s)").arg(m.imageSize).arg(m.channels));
        set("pooling", m.pool == "cls" ? tr("class token")
                       : m.fcNorm      ? tr("mean of the patch tokens, then norm (fc_norm)")
                                       : tr("mean of the patch tokens"));
        set("classToken", m.classToken ? tr("yes") : tr("no"));
        set("layerScale", m.layerScale ? tr("yes") : tr("no"));
        set("parameters",
            tr("%1 M").arg(QLocale().toString(double(info_.parameters) / 1e6, 'f', 2)));
        set("normalisation",
            m.mean.empty() ? tr("the dataset's own statistics")
                           : tr("mean %1 / std %2").arg(joinNumbers(m.mean), joinNumbers(m.std)));
        QStringList notes;
        for (const auto& n : info_.notes) notes << QStringLiteral("• ") + QString::fromStdString(n);
        set("notes", notes.isEmpty() ? tr("none") : notes.join(QLatin1Char('\n')));
        if (info_.model.patchSize > 0) size_->setSingleStep(info_.model.patchSize);
    }
    size_->setSpecialValueText(usable ? tr("As the checkpoint (%1 px)").arg(info_.model.imageSize)
                                      : tr("As the checkpoint"));
    QString problem;
    if (isInspecting()) {
        status_->setStyleSheet(QStringLiteral("color: palette(mid);"));
        status_->setText(tr("Reading the checkpoint…"));
    } else if (!(problem = problemText()).isEmpty()) {
        // An empty field is a request, not an error.
        status_->setStyleSheet(checkpoint().isEmpty() ? QString()
                                                      : QStringLiteral("color: #c62828;"));
        status_->setText(problem);
    } else {
        status_->setStyleSheet(QString());
        status_->setText(
            tr("Usable: OK sets this backbone, its architecture and image size in the "
               "experiment."));
    }
    buttons_->button(QDialogButtonBox::Ok)
        ->setEnabled(!isInspecting() && inspectedOnce_ && problem.isEmpty());
}

void BackboneDialog::accept()
{
    if (isInspecting() || !problemText().isEmpty()) return;
    QSettings settings;
    QStringList recent = recentCheckpoints();
    const QString path = QFileInfo(checkpoint()).absoluteFilePath();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(kRecentKey, recent);
    QDialog::accept();
}

void BackboneDialog::retranslateUi()
{
    setWindowTitle(tr("Import a backbone checkpoint"));
    fileLabel_->setText(tr("Checkpoint &file:"));
    file_->setToolTip(
        tr("A clwb .pt, or a timm / torchvision ViT as .safetensors, .pt or .pth "
           "(docs/backbones.md)"));
    browse_->setText(tr("Browse…"));
    archLabel_->setText(tr("timm &architecture:"));
    arch_->setItemText(0, QString());
    arch_->lineEdit()->setPlaceholderText(tr("Inferred from the tensors"));
    arch_->setToolTip(
        tr("A timm name such as vit_base_patch16_224 fixes what the tensors cannot tell: heads, "
           "pooling, preprocessing"));
    sizeLabel_->setText(tr("&Image size:"));
    size_->setSuffix(tr(" px"));
    size_->setToolTip(
        tr("Input size for training; a multiple of the patch size (the position "
           "embeddings are interpolated)"));
    detected_->setTitle(tr("Detected"));
    const QString labels[] = {tr("Format:"),      tr("Architecture:"), tr("Size:"),
                              tr("Image size:"),  tr("Pooling:"),      tr("Class token:"),
                              tr("Layer scale:"), tr("Parameters:"),   tr("Mean / std:"),
                              tr("Notes:")};
    for (int i = 0; i < details_->rowCount() && i < int(std::size(labels)); ++i)
        if (auto* label =
                qobject_cast<QLabel*>(details_->itemAt(i, QFormLayout::LabelRole)->widget()))
            label->setText(labels[i]);
    showInfo();
}

void BackboneDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}
