// SPDX-License-Identifier: GPL-3.0-or-later
// The designer's data side: dataset picker, task table with presets (Fashion-MNIST splits and the
// pretrained-ViT benchmarks), class list, preview feed, and the backbone choice with its import.
#include "panels/experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "clwb/datasets.h"
#include "panels/backbone_dialog.h"
#include "panels/dataset_picker.h"
#include "panels/preview_strip.h"
#include "panels/task_table_model.h"

void ExperimentPanel::buildTasksGroup()
{
    tasksGroup_ = new QGroupBox(this);
    auto* v = new QVBoxLayout(tasksGroup_);
    picker_ = new DatasetPicker(tasksGroup_);
    presets_ = new QToolButton(tasksGroup_);
    presets_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(presets_);
    using P = TaskTableModel::Preset;
    for (P p : {P::Split5x2, P::Split2x5, P::Split10x1, P::Permuted, P::Rotated, P::Qa, P::QaAsd}) {
        QAction* a = menu->addAction(QString());
        connect(a, &QAction::triggered, this, [this, p] {
            // Fashion-MNIST presets: on its stand-in (synthetic) too, else on Fashion-MNIST.
            if (picker_->kind() != QLatin1String("fashion-mnist") &&
                picker_->kind() != QLatin1String("synthetic")) {
                picker_->setKind(QStringLiteral("fashion-mnist"));
                taskModel_->setClassNames(
                    TaskTableModel::translatedClassNames(QStringLiteral("fashion-mnist")));
            }
            taskModel_->applyPreset(p);
        });
    }
    menu->addSection(QString());  // "Pretrained-ViT benchmarks" (retranslateUi)
    for (int i = 0; i < int(clwb::benchmarkPresets().size()); ++i)
        connect(menu->addAction(QString()), &QAction::triggered, this,
                [this, i] { applyBenchmark(i); });
    presets_->setMenu(menu);
    picker_->setCornerWidget(presets_);
    v->addWidget(picker_);

    taskView_ = new QTableView(tasksGroup_);
    taskView_->setModel(taskModel_);
    taskView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    taskView_->setSelectionMode(QAbstractItemView::SingleSelection);
    taskView_->horizontalHeader()->setSectionResizeMode(TaskTableModel::ClassesColumn,
                                                        QHeaderView::Stretch);
    taskView_->horizontalHeader()->setSectionResizeMode(TaskTableModel::IdsColumn,
                                                        QHeaderView::ResizeToContents);
    taskView_->verticalHeader()->setDefaultSectionSize(taskView_->fontMetrics().height() + 6);
    taskView_->setMinimumHeight(120);
    v->addWidget(taskView_, 1);

    auto* buttons = new QHBoxLayout;
    addTask_ = new QPushButton(tasksGroup_);
    removeTask_ = new QPushButton(tasksGroup_);
    upTask_ = new QPushButton(tasksGroup_);
    downTask_ = new QPushButton(tasksGroup_);
    for (auto* b : {addTask_, removeTask_, upTask_, downTask_}) buttons->addWidget(b);
    v->addLayout(buttons);
    connect(addTask_, &QPushButton::clicked, this, [this] {
        taskModel_->addTask();
        selectTaskRow(taskModel_->rowCount() - 1);
    });
    connect(removeTask_, &QPushButton::clicked, this, [this] {
        const int row = selectedTaskRow();
        if (taskModel_->removeTask(row)) selectTaskRow(std::min(row, taskModel_->rowCount() - 1));
    });
    connect(upTask_, &QPushButton::clicked, this, [this] {
        const int row = selectedTaskRow();
        if (taskModel_->moveTask(row, -1)) selectTaskRow(row - 1);
    });
    connect(downTask_, &QPushButton::clicked, this, [this] {
        const int row = selectedTaskRow();
        if (taskModel_->moveTask(row, 1)) selectTaskRow(row + 1);
    });

    classesLabel_ = new QLabel(tasksGroup_);
    classesLabel_->setWordWrap(true);
    v->addWidget(classesLabel_);
    classList_ = new QListWidget(tasksGroup_);
    classList_->setFlow(QListView::LeftToRight);
    classList_->setWrapping(true);
    classList_->setResizeMode(QListView::Adjust);
    classList_->setMaximumHeight(4 * (classList_->fontMetrics().height() + 8));
    v->addWidget(classList_);
    connect(classList_, &QListWidget::itemChanged, this, &ExperimentPanel::classItemChanged);

    auto* shuffleRow = new QHBoxLayout;
    shuffle_ = new QCheckBox(tasksGroup_);
    seedLabel_ = new QLabel(tasksGroup_);
    seed_ = new QSpinBox(tasksGroup_);
    seed_->setRange(0, 1000000);
    seedLabel_->setBuddy(seed_);
    shuffleRow->addWidget(shuffle_, 1);
    shuffleRow->addWidget(seedLabel_);
    shuffleRow->addWidget(seed_);
    v->addLayout(shuffleRow);

    connect(picker_, &DatasetPicker::inspected, this, &ExperimentPanel::datasetInspected);
    connect(picker_, &DatasetPicker::edited, this, [this] {
        keepSplit_ = false;  // the user's own dataset gets its default split
        Q_EMIT changed();
    });
    connect(shuffle_, &QCheckBox::toggled, this, &ExperimentPanel::changed);
    connect(seed_, &QSpinBox::valueChanged, this, &ExperimentPanel::changed);
    connect(taskView_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ExperimentPanel::syncClassList);
    connect(taskModel_, &TaskTableModel::edited, this, &ExperimentPanel::syncClassList);
}

void ExperimentPanel::buildModelGroup()
{
    modelGroup_ = new QGroupBox(this);
    auto* form = new QFormLayout(modelGroup_);
    backboneLabel_ = new QLabel(modelGroup_);
    backbone_ = new QComboBox(modelGroup_);
    backbone_->addItem(QString(), QStringLiteral("pretrained"));
    backbone_->addItem(QString(), QStringLiteral("random"));
    backbone_->addItem(QString(), QString::fromLatin1(kImportItem));
    backboneLabel_->setBuddy(backbone_);
    form->addRow(backboneLabel_, backbone_);
    connect(backbone_, &QComboBox::activated, this, &ExperimentPanel::backboneActivated);
}

void ExperimentPanel::datasetInspected()
{
    const QStringList names = picker_->displayClassNames();
    if (names.isEmpty()) return;  // unreadable: the table keeps its classes; the picker says why
    if (names.size() != taskModel_->numClasses() && !keepSplit_) {
        // Other classes: the default split of the new dataset. Not undoable, and older steps
        // hold the old dataset's class ids, so the history goes.
        taskModel_->setClassNames(names);
        taskModel_->resetState(TaskTableModel::resized(taskModel_->state(), int(names.size()),
                                                       picker_->defaultTasks()));
        undoStack_->clear();
        selectTaskRow(0);
    } else {
        taskModel_->setClassNames(names);
    }
    syncClassList();
}

void ExperimentPanel::applyBenchmark(int index)
{
    const clwb::BenchmarkPreset& preset = clwb::benchmarkPresets()[size_t(index)];
    const QString path = DatasetPicker::askPresetPath(this, preset);
    if (path.isEmpty()) return;
    const clwb::RunConfig c = clwb::applyPreset(preset, config(), path.toStdString());
    base_.data = c.data;
    name_->setText(QString::fromStdString(c.name));
    shuffle_->setChecked(c.data.shuffleClassOrder);
    trainPerClass_->setValue(c.data.trainPerClass);
    picker_->setData(c.data);
    // Placeholders until the inspection brings the names. The split stays the preset's even if
    // the data at `path` has other classes: validation then names the class ids that are off.
    taskModel_->setClassNames(TaskTableModel::placeholderNames(preset.numClasses));
    keepSplit_ = true;
    taskModel_->resetState(TaskTableModel::stateFrom(c.data));
    undoStack_->clear();
    selectTaskRow(0);
    Q_EMIT changed();
}

void ExperimentPanel::connectPreview(PreviewStrip* strip)
{
    auto update = [this, strip] {
        strip->setContent(config().data, taskModel_->state().tasks, taskModel_->classNames(),
                          !taskModel_->isClassIncremental());
    };
    connect(taskModel_, &TaskTableModel::edited, strip, update);
    connect(taskModel_, &QAbstractItemModel::dataChanged, strip, update);  // class names
    connect(picker_, &DatasetPicker::inspected, strip, update);
    update();
}

void ExperimentPanel::backboneActivated(int index)
{
    if (backbone_->itemData(index).toString() != QLatin1String(kImportItem)) {
        lastBackbone_ = backbone_->itemData(index).toString();
        Q_EMIT changed();
        return;
    }
    BackboneDialog dialog(this);
    const auto it = checkpointModels_.find(lastBackbone_.toStdString());
    if (it != checkpointModels_.end())
        dialog.setCheckpoint(lastBackbone_, QString::fromStdString(it->second.arch),
                             it->second.imageSize);
    if (dialog.exec() == QDialog::Accepted) {
        useCheckpoint(dialog.modelConfig());
    } else {
        const int previous = backbone_->findData(lastBackbone_);
        backbone_->setCurrentIndex(previous < 0 ? 0 : previous);
    }
}

void ExperimentPanel::useCheckpoint(const clwb::ModelConfig& model)
{
    const QString path = QString::fromStdString(model.backbone);
    checkpointModels_[model.backbone] = model;
    int i = backbone_->findData(path);
    if (i < 0) {
        i = backbone_->count() - 1;
        backbone_->insertItem(i, path, path);
    }
    backbone_->setItemData(i, path, Qt::ToolTipRole);
    backbone_->setCurrentIndex(i);
    lastBackbone_ = path;
    if (!loading_) Q_EMIT changed();
}

int ExperimentPanel::selectedTaskRow() const
{
    const auto rows = taskView_->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ExperimentPanel::selectTaskRow(int row)
{
    if (row < 0 || row >= taskModel_->rowCount()) return;
    taskView_->selectionModel()->select(
        taskModel_->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    taskView_->scrollTo(taskModel_->index(row, 0));
}

void ExperimentPanel::syncClassList()
{
    const int row = selectedTaskRow();
    const bool editable = row >= 0 && taskModel_->isClassIncremental();
    const QSignalBlocker block(classList_);
    const QStringList& names = taskModel_->classNames();
    while (classList_->count() > names.size()) delete classList_->takeItem(classList_->count() - 1);
    while (classList_->count() < names.size()) {
        auto* item = new QListWidgetItem(classList_);
        item->setData(Qt::UserRole, classList_->count() - 1);
    }
    for (int c = 0; c < classList_->count(); ++c) {
        QListWidgetItem* item = classList_->item(c);
        item->setText(c < names.size() ? names[c] : QString::number(c));
        bool on = false;
        if (row >= 0) {
            const auto& classes = taskModel_->state().tasks[size_t(row)];
            on = std::find(classes.begin(), classes.end(), c) != classes.end();
        }
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        item->setFlags(editable ? (Qt::ItemIsEnabled | Qt::ItemIsUserCheckable)
                                : Qt::ItemIsUserCheckable);
    }
    removeTask_->setEnabled(row >= 0 && taskModel_->rowCount() > 1);
    upTask_->setEnabled(row > 0);
    downTask_->setEnabled(row >= 0 && row < taskModel_->rowCount() - 1);
}

void ExperimentPanel::classItemChanged(QListWidgetItem*)
{
    const int row = selectedTaskRow();
    std::vector<int> classes;
    for (int c = 0; c < classList_->count(); ++c)
        if (classList_->item(c)->checkState() == Qt::Checked) classes.push_back(c);
    // An empty task is not allowed: setTaskClasses refuses, and the list is re-synced.
    if (!taskModel_->setTaskClasses(row, classes)) syncClassList();
}
