// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment designer: task sequence, backbone, strategies (+ parameters), training settings.
#include "panels/experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include "clwb/strategy_info.h"
#include "panels/param_form.h"
#include "panels/task_table_model.h"
#include "strategy_strings.h"

namespace {
const QString kBrowse = QStringLiteral("__browse__");
}

/// Undoable change of one strategy parameter; consecutive edits of the same one merge (typing,
/// holding a spin arrow) into a single undo step.
class ParamCommand : public QUndoCommand
{
public:
    ParamCommand(ExperimentPanel* panel, std::string strategy, std::string key, double before,
                 double after)
        : panel_(panel),
          strategy_(std::move(strategy)),
          key_(std::move(key)),
          before_(before),
          after_(after)
    {
        setText(ExperimentPanel::tr("Change %1").arg(QString::fromStdString(key_)));
    }
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* o = static_cast<const ParamCommand*>(other);
        if (o->strategy_ != strategy_ || o->key_ != key_) return false;
        after_ = o->after_;
        return true;
    }
    void redo() override { panel_->applyParam(strategy_, key_, after_); }
    void undo() override { panel_->applyParam(strategy_, key_, before_); }

private:
    ExperimentPanel* panel_;
    std::string strategy_, key_;
    double before_, after_;
};

ExperimentPanel::ExperimentPanel(QWidget* parent)
    : QWidget(parent), undoStack_(new QUndoStack(this)), taskModel_(new TaskTableModel(this))
{
    taskModel_->setUndoStack(undoStack_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* nameRow = new QHBoxLayout;
    nameLabel_ = new QLabel(this);
    name_ = new QLineEdit(this);
    nameLabel_->setBuddy(name_);
    nameRow->addWidget(nameLabel_);
    nameRow->addWidget(name_, 1);
    layout->addLayout(nameRow);
    buildTasksGroup();
    buildModelGroup();
    buildStrategyGroup();
    buildTrainingGroup();
    layout->addWidget(tasksGroup_);
    layout->addWidget(modelGroup_);
    layout->addWidget(strategyGroup_);
    layout->addWidget(paramsGroup_);
    layout->addWidget(trainingGroup_);
    layout->addStretch(1);
    connect(name_, &QLineEdit::textEdited, this, &ExperimentPanel::changed);
    connect(undoStack_, &QUndoStack::indexChanged, this, &ExperimentPanel::changed);
    retranslateUi();
    setConfig(clwb::demoConfig());
}

void ExperimentPanel::buildTasksGroup()
{
    tasksGroup_ = new QGroupBox(this);
    auto* v = new QVBoxLayout(tasksGroup_);
    auto* top = new QHBoxLayout;
    datasetLabel_ = new QLabel(tasksGroup_);
    dataset_ = new QComboBox(tasksGroup_);
    dataset_->addItem(QString(), QStringLiteral("fashion-mnist"));
    dataset_->addItem(QString(), QStringLiteral("synthetic"));
    datasetLabel_->setBuddy(dataset_);
    presets_ = new QToolButton(tasksGroup_);
    presets_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(presets_);
    using P = TaskTableModel::Preset;
    for (P p : {P::Split5x2, P::Split2x5, P::Split10x1, P::Permuted, P::Rotated, P::Qa, P::QaAsd}) {
        QAction* a = menu->addAction(QString());
        a->setData(int(p));
        connect(a, &QAction::triggered, this, [this, p] { taskModel_->applyPreset(p); });
    }
    presets_->setMenu(menu);
    top->addWidget(datasetLabel_);
    top->addWidget(dataset_, 1);
    top->addWidget(presets_);
    v->addLayout(top);

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
    for (int c = 0; c < TaskTableModel::kNumClasses; ++c) {
        auto* item = new QListWidgetItem(classList_);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        item->setData(Qt::UserRole, c);
    }
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

    connect(dataset_, &QComboBox::currentIndexChanged, this, &ExperimentPanel::datasetChanged);
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
    backbone_->addItem(QString(), kBrowse);
    backboneLabel_->setBuddy(backbone_);
    form->addRow(backboneLabel_, backbone_);
    connect(backbone_, &QComboBox::activated, this, &ExperimentPanel::backboneActivated);
}

void ExperimentPanel::buildStrategyGroup()
{
    strategyGroup_ = new QGroupBox(this);
    auto* v = new QVBoxLayout(strategyGroup_);
    strategies_ = new QListWidget(strategyGroup_);
    for (const auto& info : clwb::listStrategies()) {
        auto* item = new QListWidgetItem(trStrategy(info.displayName), strategies_);
        item->setData(Qt::UserRole, QString::fromStdString(info.id));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);  // text and tooltip: retranslateUi()
    }
    strategies_->setMaximumHeight(std::min(8, strategies_->count() + 1) *
                                  (strategies_->fontMetrics().height() + 6));
    v->addWidget(strategies_);
    strategySummary_ = new QLabel(strategyGroup_);
    strategySummary_->setWordWrap(true);
    v->addWidget(strategySummary_);
    connect(strategies_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) showStrategy(item->data(Qt::UserRole).toString());
    });
    connect(strategies_, &QListWidget::itemChanged, this, [this] {
        if (!loading_) Q_EMIT changed();
    });

    paramsGroup_ = new QGroupBox(this);
    auto* pv = new QVBoxLayout(paramsGroup_);
    paramForm_ = new ParamForm(paramsGroup_);
    pv->addWidget(paramForm_);
    connect(paramForm_, &ParamForm::valueEdited, this,
            [this](const QString& key, double before, double after) {
                undoStack_->push(new ParamCommand(this, currentStrategy().toStdString(),
                                                  key.toStdString(), before, after));
            });
}

void ExperimentPanel::buildTrainingGroup()
{
    trainingGroup_ = new QGroupBox(this);
    auto* form = new QFormLayout(trainingGroup_);
    epochsLabel_ = new QLabel(trainingGroup_);
    epochs_ = new QSpinBox(trainingGroup_);
    epochs_->setRange(1, 1000);
    batchLabel_ = new QLabel(trainingGroup_);
    batchSize_ = new QSpinBox(trainingGroup_);
    batchSize_->setRange(1, 65536);
    lrLabel_ = new QLabel(trainingGroup_);
    auto* lr = new LogSpinBox(trainingGroup_);
    lr->setDecimals(6);
    lr->setRange(1e-6, 10.0);
    lr_ = lr;
    deviceLabel_ = new QLabel(trainingGroup_);
    device_ = new QComboBox(trainingGroup_);
    device_->addItem(QString(), QStringLiteral("auto"));
    device_->addItem(QString(), QStringLiteral("cpu"));
    device_->addItem(QString(), QStringLiteral("cuda"));
    perClassLabel_ = new QLabel(trainingGroup_);
    trainPerClass_ = new QSpinBox(trainingGroup_);
    trainPerClass_->setRange(0, 6000);
    trainPerClass_->setSingleStep(100);
    evalEveryLabel_ = new QLabel(trainingGroup_);
    evalEvery_ = new QSpinBox(trainingGroup_);
    evalEvery_->setRange(0, 100000);
    evalEvery_->setSingleStep(10);
    const std::pair<QLabel*, QWidget*> rows[] = {
        {epochsLabel_, epochs_}, {batchLabel_, batchSize_},        {lrLabel_, lr_},
        {deviceLabel_, device_}, {perClassLabel_, trainPerClass_}, {evalEveryLabel_, evalEvery_}};
    for (const auto& [label, field] : rows) {
        label->setBuddy(field);
        form->addRow(label, field);
    }
    for (QSpinBox* box : {epochs_, batchSize_, trainPerClass_, evalEvery_})
        connect(box, &QSpinBox::valueChanged, this, &ExperimentPanel::changed);
    connect(lr_, &QDoubleSpinBox::valueChanged, this, &ExperimentPanel::changed);
    connect(device_, &QComboBox::currentIndexChanged, this, &ExperimentPanel::changed);
}

void ExperimentPanel::retranslateUi()
{
    nameLabel_->setText(tr("&Name:"));
    name_->setPlaceholderText(tr("Experiment name (optional)"));
    tasksGroup_->setTitle(tr("Task sequence"));
    datasetLabel_->setText(tr("&Dataset:"));
    dataset_->setItemText(0, tr("Fashion-MNIST"));
    dataset_->setItemText(1, tr("Synthetic (quick tests)"));
    presets_->setText(tr("Presets"));
    presets_->setToolTip(tr("Replace the task sequence with a standard benchmark split"));
    const QStringList presetNames = {
        tr("Split Fashion-MNIST 5 × 2 classes"), tr("Split Fashion-MNIST 2 × 5 classes"),
        tr("Split Fashion-MNIST 10 × 1 class"), tr("Permuted Fashion-MNIST (5 tasks)"),
        tr("Rotated Fashion-MNIST (5 tasks)"),
        tr("Fashion-MNIST question answering, 5 answer styles"),
        tr("Fashion-MNIST question answering, 5 styles + ASD 20 %")};
    const auto actions = presets_->menu()->actions();
    for (int i = 0; i < actions.size() && i < presetNames.size(); ++i)
        actions[i]->setText(presetNames[i]);
    addTask_->setText(tr("Add"));
    addTask_->setToolTip(tr("Append a task with the first unused class"));
    removeTask_->setText(tr("Remove"));
    upTask_->setText(tr("Up"));
    downTask_->setText(tr("Down"));
    upTask_->setToolTip(tr("Move the selected task earlier in the sequence"));
    downTask_->setToolTip(tr("Move the selected task later in the sequence"));
    classesLabel_->setText(tr("Classes of the selected task:"));
    shuffle_->setText(tr("Shuffle class order"));
    shuffle_->setToolTip(
        tr("Permute the class ids with the seed before splitting into tasks (the table "
           "shows the ids before shuffling)"));
    seedLabel_->setText(tr("&Seed:"));
    modelGroup_->setTitle(tr("Model"));
    backboneLabel_->setText(tr("&Backbone:"));
    backbone_->setItemText(0, tr("Bundled pretrained"));
    backbone_->setItemText(1, tr("Random initialisation"));
    backbone_->setItemText(backbone_->count() - 1, tr("Checkpoint file…"));
    backbone_->setToolTip(tr("Weights the ViT backbone starts from"));
    strategyGroup_->setTitle(tr("Strategies (check several to run a batch)"));
    {
        const QSignalBlocker block(strategies_);  // a text change is no user edit
        for (int i = 0; i < strategies_->count(); ++i) {
            QListWidgetItem* item = strategies_->item(i);
            const clwb::StrategyInfo* info =
                clwb::findStrategy(item->data(Qt::UserRole).toString().toStdString());
            if (!info) continue;
            item->setText(trStrategy(info->displayName));
            QString tip = trStrategy(info->summary);
            if (!info->reference.empty())
                tip += QStringLiteral("\n") + QString::fromStdString(info->reference);
            item->setToolTip(tip);
        }
    }
    trainingGroup_->setTitle(tr("Training"));
    epochsLabel_->setText(tr("&Epochs per task:"));
    batchLabel_->setText(tr("Batch si&ze:"));
    lrLabel_->setText(tr("&Learning rate:"));
    lr_->setToolTip(tr("AdamW learning rate; the arrows step along 1-2-5 decades"));
    deviceLabel_->setText(tr("De&vice:"));
    device_->setItemText(0, tr("Automatic"));
    device_->setItemText(1, tr("CPU"));
    device_->setItemText(2, tr("CUDA GPU"));
    perClassLabel_->setText(tr("Training images per class:"));
    trainPerClass_->setSpecialValueText(tr("All"));
    trainPerClass_->setToolTip(tr("Fewer images make runs faster; 0 = all"));
    evalEveryLabel_->setText(tr("Accuracy curve every:"));
    evalEvery_->setSuffix(tr(" steps"));
    evalEvery_->setSpecialValueText(tr("Task ends only"));
    taskModel_->setClassNames(
        TaskTableModel::translatedClassNames(dataset_->currentData().toString()));
    taskModel_->retranslate();
    syncClassList();
    showStrategy(currentStrategy());
}

void ExperimentPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void ExperimentPanel::datasetChanged()
{
    taskModel_->setClassNames(
        TaskTableModel::translatedClassNames(dataset_->currentData().toString()));
    syncClassList();
    if (!loading_) Q_EMIT changed();
}

void ExperimentPanel::backboneActivated(int index)
{
    if (backbone_->itemData(index).toString() != kBrowse) {
        Q_EMIT changed();
        return;
    }
    QSettings settings;
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Choose a backbone checkpoint"),
                                     settings.value(QStringLiteral("lastDirectory")).toString(),
                                     tr("Checkpoints (*.pt *.pth);;All files (*)"));
    if (file.isEmpty()) {
        backbone_->setCurrentIndex(0);
        return;
    }
    backbone_->insertItem(backbone_->count() - 1, file, file);
    backbone_->setCurrentIndex(backbone_->count() - 2);
    Q_EMIT changed();
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

QString ExperimentPanel::currentStrategy() const
{
    const QListWidgetItem* item = strategies_->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QStringLiteral("finetune");
}

void ExperimentPanel::setCurrentStrategy(const QString& id)
{
    for (int i = 0; i < strategies_->count(); ++i)
        if (strategies_->item(i)->data(Qt::UserRole).toString() == id)
            strategies_->setCurrentRow(i);
}

void ExperimentPanel::setStrategyChecked(const QString& id, bool checked)
{
    for (int i = 0; i < strategies_->count(); ++i)
        if (strategies_->item(i)->data(Qt::UserRole).toString() == id)
            strategies_->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

QStringList ExperimentPanel::checkedStrategies() const
{
    QStringList ids;
    for (int i = 0; i < strategies_->count(); ++i)
        if (strategies_->item(i)->checkState() == Qt::Checked)
            ids << strategies_->item(i)->data(Qt::UserRole).toString();
    return ids;
}

clwb::ParamValues ExperimentPanel::strategyParams(const QString& id) const
{
    const clwb::StrategyInfo* info = clwb::findStrategy(id.toStdString());
    if (!info) return {};
    const auto it = params_.find(id.toStdString());
    return clwb::resolveParams(*info, it == params_.end() ? clwb::ParamValues{} : it->second);
}

void ExperimentPanel::setStrategyParam(const QString& id, const QString& key, double value)
{
    const double before = strategyParams(id)[key.toStdString()];
    undoStack_->push(new ParamCommand(this, id.toStdString(), key.toStdString(), before, value));
}

void ExperimentPanel::applyParam(const std::string& strategy, const std::string& key, double value)
{
    params_[strategy][key] = value;
    if (currentStrategy().toStdString() == strategy) paramForm_->setValue(key, value);
}

void ExperimentPanel::showStrategy(const QString& id)
{
    const clwb::StrategyInfo* info = clwb::findStrategy(id.toStdString());
    if (!info) {
        paramsGroup_->setTitle(tr("Parameters"));
        paramForm_->setSpecs({});
        strategySummary_->clear();
        return;
    }
    const QString name = trStrategy(info->displayName);
    paramsGroup_->setTitle(tr("Parameters: %1").arg(name));
    strategySummary_->setText(trStrategy(info->summary));
    paramForm_->setSpecs(info->params, strategyParams(id));
}

void ExperimentPanel::setConfig(const clwb::RunConfig& config)
{
    loading_ = true;
    base_ = config;
    name_->setText(QString::fromStdString(config.name));
    const int ds = dataset_->findData(QString::fromStdString(config.data.dataset));
    dataset_->setCurrentIndex(ds < 0 ? 0 : ds);
    taskModel_->setClassNames(
        TaskTableModel::translatedClassNames(dataset_->currentData().toString()));
    taskModel_->resetState(TaskTableModel::stateFrom(config.data));
    shuffle_->setChecked(config.data.shuffleClassOrder);
    seed_->setValue(config.seed);
    const QString backbone = QString::fromStdString(config.model.backbone);
    int bi = backbone_->findData(backbone);
    if (bi < 0) {
        backbone_->insertItem(backbone_->count() - 1, backbone, backbone);
        bi = backbone_->count() - 2;
    }
    backbone_->setCurrentIndex(bi);
    params_.clear();
    params_[config.strategy] = config.params;
    {
        const QSignalBlocker block(strategies_);
        for (int i = 0; i < strategies_->count(); ++i) {
            const bool on = strategies_->item(i)->data(Qt::UserRole).toString() ==
                            QString::fromStdString(config.strategy);
            strategies_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
        }
    }
    setCurrentStrategy(QString::fromStdString(config.strategy));
    showStrategy(currentStrategy());
    epochs_->setValue(config.train.epochs);
    batchSize_->setValue(config.train.batchSize);
    lr_->setValue(config.train.lr);
    const int di = device_->findData(QString::fromStdString(config.device));
    device_->setCurrentIndex(di < 0 ? 0 : di);
    trainPerClass_->setValue(config.data.trainPerClass);
    evalEvery_->setValue(config.train.evalEvery);
    selectTaskRow(0);
    undoStack_->clear();
    loading_ = false;
}

std::vector<clwb::RunConfig> ExperimentPanel::batchConfigs() const
{
    QStringList ids = checkedStrategies();
    if (ids.isEmpty()) ids << currentStrategy();
    std::vector<clwb::RunConfig> out;
    for (const QString& id : ids) {
        clwb::RunConfig c = config();
        c.strategy = id.toStdString();
        c.params = strategyParams(id);
        if (ids.size() > 1 || c.name.empty()) {
            const clwb::StrategyInfo* info = clwb::findStrategy(c.strategy);
            const std::string label = info ? info->displayName : c.strategy;
            c.name = c.name.empty() ? label : c.name + " [" + label + "]";
        }
        out.push_back(std::move(c));
    }
    return out;
}

clwb::RunConfig ExperimentPanel::config() const
{
    clwb::RunConfig c = base_;
    c.name = name_->text().trimmed().toStdString();
    c.strategy = currentStrategy().toStdString();
    c.params = strategyParams(currentStrategy());
    c.data.dataset = dataset_->currentData().toString().toStdString();
    taskModel_->writeTo(c.data);
    c.data.shuffleClassOrder = shuffle_->isChecked();
    c.seed = seed_->value();
    c.model.backbone = backbone_->currentData().toString().toStdString();
    if (c.model.backbone == kBrowse.toStdString()) c.model.backbone = "pretrained";
    c.train.epochs = epochs_->value();
    c.train.batchSize = batchSize_->value();
    c.train.lr = lr_->value();
    c.device = device_->currentData().toString().toStdString();
    c.data.trainPerClass = trainPerClass_->value();
    c.train.evalEvery = evalEvery_->value();
    return c;
}
