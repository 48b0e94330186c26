// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment designer: task sequence, backbone, strategies (+ parameters), training settings.
// The data and backbone side is in experiment_panel_tasks.cpp.
#include "panels/experiment_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include "clwb/datasets.h"
#include "clwb/strategy_info.h"
#include "panels/dataset_picker.h"
#include "panels/param_form.h"
#include "panels/task_table_model.h"
#include "strategy_strings.h"

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
    precisionLabel_ = new QLabel(trainingGroup_);
    precision_ = new QComboBox(trainingGroup_);
    for (const char* p : {"fp32", "bf16", "fp16"}) precision_->addItem(QString(), QString(p));
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
        {deviceLabel_, device_}, {precisionLabel_, precision_},    {perClassLabel_, trainPerClass_},
        {evalEveryLabel_, evalEvery_}};
    for (const auto& [label, field] : rows) {
        label->setBuddy(field);
        form->addRow(label, field);
    }
    for (QSpinBox* box : {epochs_, batchSize_, trainPerClass_, evalEvery_})
        connect(box, &QSpinBox::valueChanged, this, &ExperimentPanel::changed);
    connect(lr_, &QDoubleSpinBox::valueChanged, this, &ExperimentPanel::changed);
    connect(device_, &QComboBox::currentIndexChanged, this, &ExperimentPanel::changed);
    connect(precision_, &QComboBox::currentIndexChanged, this, &ExperimentPanel::changed);
}

void ExperimentPanel::retranslateUi()
{
    nameLabel_->setText(tr("&Name:"));
    name_->setPlaceholderText(tr("Experiment name (optional)"));
    tasksGroup_->setTitle(tr("Task sequence"));
    presets_->setText(tr("Presets"));
    presets_->setToolTip(tr("Replace the task sequence with a standard benchmark split"));
    const QStringList presetNames = {
        tr("Split Fashion-MNIST 5 × 2 classes"), tr("Split Fashion-MNIST 2 × 5 classes"),
        tr("Split Fashion-MNIST 10 × 1 class"), tr("Permuted Fashion-MNIST (5 tasks)"),
        tr("Rotated Fashion-MNIST (5 tasks)"),
        tr("Fashion-MNIST question answering, 5 answer styles"),
        tr("Fashion-MNIST question answering, 5 styles + ASD 20 %")};
    const auto actions = presets_->menu()->actions();
    for (int i = 0; i < actions.size(); ++i) {
        const int b = i - int(presetNames.size()) - 1;  // after the section
        if (i < presetNames.size())
            actions[i]->setText(presetNames[i]);
        else if (b < 0)
            actions[i]->setText(tr("Pretrained-ViT benchmarks"));
        else if (b < int(clwb::benchmarkPresets().size()))
            actions[i]->setText(DatasetPicker::presetLabel(clwb::benchmarkPresets()[size_t(b)]));
    }
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
    backbone_->setItemText(backbone_->count() - 1, tr("Import checkpoint…"));
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
    precisionLabel_->setText(tr("&Precision:"));
    precision_->setItemText(0, tr("Float32"));
    precision_->setItemText(1, tr("BFloat16 (autocast)"));
    precision_->setItemText(2, tr("Float16 (autocast, CUDA only)"));
    precision_->setToolTip(tr("Forward passes in 16-bit floats: faster on GPUs and on CPUs with "
                              "bf16 units; weights and optimiser stay in float32"));
    perClassLabel_->setText(tr("Training images per class:"));
    trainPerClass_->setSpecialValueText(tr("All"));
    trainPerClass_->setToolTip(tr("Fewer images make runs faster; 0 = all"));
    evalEveryLabel_->setText(tr("Accuracy curve every:"));
    evalEvery_->setSuffix(tr(" steps"));
    evalEvery_->setSpecialValueText(tr("Task ends only"));
    const QStringList names = picker_->displayClassNames();
    if (names.size() == taskModel_->numClasses()) taskModel_->setClassNames(names);
    taskModel_->retranslate();
    syncClassList();
    showStrategy(currentStrategy());
}

void ExperimentPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
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
    picker_->setData(config.data);  // inspects on a pool thread; names now for the table
    QStringList names =
        TaskTableModel::displayNames(clwb::datasetClassNames(config.data), picker_->kind());
    const TaskTableModel::State state = TaskTableModel::stateFrom(config.data);
    for (const auto& task : state.tasks)
        for (int c : task)
            while (c >= names.size()) names << TaskTableModel::placeholderNames(c + 1).last();
    taskModel_->setClassNames(names);
    taskModel_->resetState(state);
    keepSplit_ = !config.data.tasks.empty();
    shuffle_->setChecked(config.data.shuffleClassOrder);
    seed_->setValue(config.seed);
    const QString backbone = QString::fromStdString(config.model.backbone);
    if (backbone == QLatin1String("pretrained") || backbone == QLatin1String("random")) {
        defaultModel_ = config.model;
        backbone_->setCurrentIndex(backbone_->findData(backbone));
        lastBackbone_ = backbone;
    } else {
        defaultModel_ = clwb::ModelConfig{};
        useCheckpoint(config.model);
    }
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
    const int pi = precision_->findData(QString::fromStdString(config.train.precision));
    precision_->setCurrentIndex(pi < 0 ? 0 : pi);
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
    picker_->writeTo(c.data);
    taskModel_->writeTo(c.data);
    c.data.shuffleClassOrder = shuffle_->isChecked();
    c.seed = seed_->value();
    const std::string backbone = backbone_->currentData().toString().toStdString();
    const auto model = checkpointModels_.find(backbone);
    c.model = model != checkpointModels_.end() ? model->second : defaultModel_;
    c.model.backbone = backbone == kImportItem ? "pretrained" : backbone;
    c.train.epochs = epochs_->value();
    c.train.batchSize = batchSize_->value();
    c.train.lr = lr_->value();
    c.device = device_->currentData().toString().toStdString();
    c.train.precision = precision_->currentData().toString().toStdString();
    c.data.trainPerClass = trainPerClass_->value();
    c.train.evalEvery = evalEvery_->value();
    return c;
}
