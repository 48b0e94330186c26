// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset part of the designer: kind, path (with a browser), test share, and a status line
// from clwb::inspectDataset, which runs off the GUI thread.
#include "panels/dataset_picker.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "panels/task_table_model.h"

namespace {

const char* const kKinds[] = {"fashion-mnist", "idx",       "cifar10",  "cifar100",
                              "image-folder",  "file-list", "synthetic"};

// The engine's preset labels and layout hints (byte for byte), for the Japanese catalogue.
[[maybe_unused]] const char* const kPresetTexts[] = {
    QT_TRANSLATE_NOOP("BenchmarkPresets", "CIFAR-100 B0 Inc10 (10 tasks x 10 classes)"),
    QT_TRANSLATE_NOOP("BenchmarkPresets", "CIFAR-100 B0 Inc5 (20 tasks x 5 classes)"),
    QT_TRANSLATE_NOOP("BenchmarkPresets", "ImageNet-R B0 Inc20 (10 tasks x 20 classes)"),
    QT_TRANSLATE_NOOP("BenchmarkPresets", "CUB-200 B0 Inc20 (10 tasks x 20 classes)"),
    QT_TRANSLATE_NOOP("BenchmarkPresets",
                      "the CIFAR-100 binary version: train.bin, test.bin, fine_label_names.txt"),
    QT_TRANSLATE_NOOP("BenchmarkPresets",
                      "ImageNet-R as image folders: train/<class>/*.jpg and test/<class>/*.jpg "
                      "(200 classes, the PILOT split)"),
    QT_TRANSLATE_NOOP("BenchmarkPresets",
                      "CUB-200-2011 as image folders: train/<class>/*.jpg and test/<class>/*.jpg "
                      "(200 classes)"),
};

QString trPreset(const std::string& text)
{
    return QCoreApplication::translate("BenchmarkPresets", text.c_str());
}

bool takesFile(const QString& kind)
{
    return kind == QLatin1String("file-list");
}

bool usesFraction(const QString& kind)
{
    return kind == QLatin1String("image-folder") || kind == QLatin1String("file-list");
}

struct Inspection
{
    clwb::DatasetInfo info;
    std::vector<std::vector<int>> defaultTasks;
};

Inspection inspect(clwb::DataConfig data)
{
    Inspection out;
    out.info = clwb::inspectDataset(data);
    if (out.info.problem.empty() && out.info.numClasses() > 0) {
        clwb::RunConfig config;
        data.scenario = "class-incremental";
        data.tasks.clear();
        data.shuffleClassOrder = false;
        config.data = data;
        for (const auto& t : clwb::resolvedTasks(config)) out.defaultTasks.push_back(t.classes);
    }
    return out;
}

}  // namespace

DatasetPicker::DatasetPicker(QWidget* parent) : QWidget(parent), debounce_(new QTimer(this))
{
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setColumnStretch(1, 1);
    kindLabel_ = new QLabel(this);
    kind_ = new QComboBox(this);
    for (const char* k : kKinds) kind_->addItem(QString(), QString::fromLatin1(k));
    kindLabel_->setBuddy(kind_);
    pathLabel_ = new QLabel(this);
    path_ = new QLineEdit(this);
    path_->setClearButtonEnabled(true);
    pathLabel_->setBuddy(path_);
    browse_ = new QPushButton(this);
    fractionLabel_ = new QLabel(this);
    fraction_ = new QDoubleSpinBox(this);
    fraction_->setRange(1, 90);
    fraction_->setDecimals(0);
    fraction_->setSingleStep(5);
    fraction_->setSuffix(QStringLiteral(" %"));
    fractionLabel_->setBuddy(fraction_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setObjectName(QStringLiteral("datasetStatus"));
    grid_->addWidget(kindLabel_, 0, 0);
    grid_->addWidget(kind_, 0, 1);
    grid_->addWidget(pathLabel_, 1, 0);
    grid_->addWidget(path_, 1, 1);
    grid_->addWidget(browse_, 1, 2);
    grid_->addWidget(fractionLabel_, 2, 0);
    grid_->addWidget(fraction_, 2, 1, Qt::AlignLeft);
    grid_->addWidget(status_, 3, 0, 1, 3);

    debounce_->setSingleShot(true);
    connect(debounce_, &QTimer::timeout, this, &DatasetPicker::inspectNow);
    connect(kind_, &QComboBox::currentIndexChanged, this, &DatasetPicker::kindChanged);
    connect(path_, &QLineEdit::textChanged, this, [this] {
        data_.path = path_->text().trimmed().toStdString();
        inspectSoon(400);  // typing: wait for a pause
        if (!loading_) Q_EMIT edited();
    });
    connect(fraction_, &QDoubleSpinBox::valueChanged, this, [this](double percent) {
        data_.testFraction = percent / 100.0;
        inspectSoon(200);
        if (!loading_) Q_EMIT edited();
    });
    connect(browse_, &QPushButton::clicked, this, &DatasetPicker::browse);
    retranslateUi();
    setData(clwb::DataConfig{});
}

void DatasetPicker::setData(const clwb::DataConfig& data)
{
    loading_ = true;
    data_ = data;
    const int k = kind_->findData(QString::fromStdString(data.dataset));
    kind_->setCurrentIndex(k < 0 ? 0 : k);
    data_.dataset = kind().toStdString();
    path_->setText(QString::fromStdString(data.path));
    fraction_->setValue(data.testFraction * 100.0);
    data_.testFraction = data.testFraction;  // keep fractions the spin box would round
    loading_ = false;
    updateFields();
    inspectNow();
}

void DatasetPicker::writeTo(clwb::DataConfig& data) const
{
    data.dataset = data_.dataset;
    data.path = data_.path;
    data.testFraction = data_.testFraction;
}

QString DatasetPicker::kind() const
{
    return kind_->currentData().toString();
}

QString DatasetPicker::path() const
{
    return QString::fromStdString(data_.path);
}

void DatasetPicker::setKind(const QString& kind)
{
    const int k = kind_->findData(kind);
    if (k >= 0) kind_->setCurrentIndex(k);
}

void DatasetPicker::setPath(const QString& path)
{
    path_->setText(path);
}

void DatasetPicker::setTestFraction(double fraction)
{
    fraction_->setValue(fraction * 100.0);
}

bool DatasetPicker::isInspecting() const
{
    return debounce_->isActive() || applied_ != generation_;
}

QStringList DatasetPicker::displayClassNames() const
{
    return TaskTableModel::displayNames(info_.classNames, kind());
}

void DatasetPicker::setCornerWidget(QWidget* widget)
{
    grid_->addWidget(widget, 0, 2);
}

void DatasetPicker::kindChanged()
{
    // Each kind keeps the path last used with it (a CIFAR folder is no image folder).
    pathPerKind_[QString::fromStdString(data_.dataset)] = path_->text();
    data_.dataset = kind().toStdString();
    updateFields();
    if (loading_) return;
    {
        const QSignalBlocker block(path_);
        path_->setText(pathPerKind_.value(kind()));
        data_.path = path_->text().trimmed().toStdString();
    }
    inspectNow();
    Q_EMIT edited();
}

void DatasetPicker::updateFields()
{
    const QString k = kind();
    const bool synthetic = k == QLatin1String("synthetic");
    path_->setEnabled(!synthetic);
    browse_->setEnabled(!synthetic);
    // Only a single folder or an unsplit list is split by the share; greyed once the inspection
    // found train/ + test/ (or a split column).
    const bool share = usesFraction(k) && !(inspectedOnce_ && info_.problem.empty() &&
                                            info_.hasTestSplit && !isInspecting());
    fraction_->setEnabled(share);
    fractionLabel_->setEnabled(share);
    fractionLabel_->setVisible(usesFraction(k));
    fraction_->setVisible(usesFraction(k));
    if (k == QLatin1String("fashion-mnist"))
        path_->setPlaceholderText(tr("Empty = the Debian package's files"));
    else if (k == QLatin1String("idx"))
        path_->setPlaceholderText(tr("Folder with train-images-idx3-ubyte(.gz) and the others"));
    else if (k == QLatin1String("cifar10"))
        path_->setPlaceholderText(tr("Folder with data_batch_1.bin … test_batch.bin"));
    else if (k == QLatin1String("cifar100"))
        path_->setPlaceholderText(tr("Folder with train.bin and test.bin"));
    else if (k == QLatin1String("image-folder"))
        path_->setPlaceholderText(tr("Root folder: <class>/*.jpg or train/ + test/"));
    else if (k == QLatin1String("file-list"))
        path_->setPlaceholderText(tr("CSV file: path,label[,split]"));
    else
        path_->setPlaceholderText(tr("No files needed"));
    path_->setToolTip(path_->placeholderText());
    browse_->setToolTip(takesFile(k) ? tr("Choose the CSV file") : tr("Choose the folder"));
}

void DatasetPicker::browse()
{
    QSettings settings;
    QString start = path_->text().trimmed();
    if (start.isEmpty()) start = settings.value(QStringLiteral("lastDirectory")).toString();
    QString chosen;
    if (takesFile(kind())) {
        chosen = QFileDialog::getOpenFileName(this, tr("Choose the CSV file list"), start,
                                              tr("CSV file lists (*.csv *.txt);;All files (*)"));
        if (!chosen.isEmpty())
            settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(chosen).absolutePath());
    } else {
        chosen = QFileDialog::getExistingDirectory(this, tr("Choose the dataset folder"), start);
        if (!chosen.isEmpty()) settings.setValue(QStringLiteral("lastDirectory"), chosen);
    }
    if (!chosen.isEmpty()) path_->setText(chosen);
}

void DatasetPicker::inspectSoon(int delayMs)
{
    debounce_->start(delayMs);
    showStatus();
}

void DatasetPicker::inspectNow()
{
    debounce_->stop();
    const int generation = ++generation_;
    auto* watcher = new QFutureWatcher<Inspection>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_) return;  // a newer selection is being inspected
        Inspection result = watcher->result();
        info_ = std::move(result.info);
        defaultTasks_ = std::move(result.defaultTasks);
        applied_ = generation;
        inspectedOnce_ = true;
        updateFields();
        showStatus();
        Q_EMIT inspected();
    });
    watcher->setFuture(QtConcurrent::run(inspect, data_));
    showStatus();
}

void DatasetPicker::showStatus()
{
    if (isInspecting()) {
        status_->setStyleSheet(QStringLiteral("color: palette(mid);"));
        status_->setText(tr("Reading the dataset…"));
        return;
    }
    if (!info_.problem.empty()) {
        status_->setStyleSheet(QStringLiteral("color: #c62828;"));
        status_->setText(tr("Problem: %1").arg(QString::fromStdString(info_.problem)));
        return;
    }
    status_->setStyleSheet(QString());
    const QLocale locale;
    const int n = info_.numClasses();
    if (info_.trainImages == 0 && info_.testImages == 0)
        status_->setText(tr("%1 classes").arg(n));
    else if (info_.hasTestSplit)
        status_->setText(tr("%1 classes · %2 training images · %3 test images")
                             .arg(n)
                             .arg(locale.toString(qint64(info_.trainImages)),
                                  locale.toString(qint64(info_.testImages))));
    else
        status_->setText(tr("%1 classes · %2 images; %3 % of each class is held out for testing")
                             .arg(n)
                             .arg(locale.toString(qint64(info_.trainImages)))
                             .arg(data_.testFraction * 100.0, 0, 'f', 0));
}

void DatasetPicker::retranslateUi()
{
    kindLabel_->setText(tr("&Dataset:"));
    const QString labels[] = {tr("Fashion-MNIST (Debian package)"),
                              tr("MNIST-family IDX folder"),
                              tr("CIFAR-10 (binary version)"),
                              tr("CIFAR-100 (binary version)"),
                              tr("Image folder"),
                              tr("CSV file list"),
                              tr("Synthetic (quick tests)")};
    for (int i = 0; i < kind_->count(); ++i) kind_->setItemText(i, labels[i]);
    kind_->setToolTip(tr("Where the images come from (docs/data.md)"));
    pathLabel_->setText(tr("&Path:"));
    browse_->setText(tr("Browse…"));
    fractionLabel_->setText(tr("&Test share:"));
    fraction_->setToolTip(
        tr("Share of each class held out for testing when the data has no test split of its own "
           "(seeded, stratified)"));
    updateFields();
    showStatus();
}

void DatasetPicker::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

QString DatasetPicker::presetLabel(const clwb::BenchmarkPreset& preset)
{
    return trPreset(preset.label);
}

QString DatasetPicker::askPresetPath(QWidget* parent, const clwb::BenchmarkPreset& preset)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(tr("Benchmark preset"));
    auto* v = new QVBoxLayout(&dialog);
    auto* title =
        new QLabel(QStringLiteral("<b>%1</b>").arg(presetLabel(preset).toHtmlEscaped()), &dialog);
    auto* hint =
        new QLabel(tr("Dataset folder. It must hold %1.").arg(trPreset(preset.layout)), &dialog);
    hint->setWordWrap(true);
    auto* row = new QHBoxLayout;
    auto* edit = new QLineEdit(&dialog);
    edit->setMinimumWidth(360);
    QSettings settings;
    edit->setText(settings.value(QStringLiteral("presetPath/") + QString::fromStdString(preset.id))
                      .toString());
    auto* browse = new QPushButton(tr("Browse…"), &dialog);
    row->addWidget(edit, 1);
    row->addWidget(browse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    v->addWidget(title);
    v->addWidget(hint);
    v->addLayout(row);
    v->addWidget(buttons);
    auto update = [edit, buttons] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!edit->text().trimmed().isEmpty());
    };
    update();
    connect(edit, &QLineEdit::textChanged, &dialog, update);
    connect(browse, &QPushButton::clicked, &dialog, [&dialog, edit] {
        const QString dir = QFileDialog::getExistingDirectory(
            &dialog, tr("Choose the dataset folder"), edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return {};
    const QString path = edit->text().trimmed();
    settings.setValue(QStringLiteral("presetPath/") + QString::fromStdString(preset.id), path);
    return path;
}
