// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment designer: task sequence, backbone, strategies (+ parameters), training settings.
#pragma once

#include <QWidget>

#include <map>
#include <string>
#include <vector>

#include "clwb/run_config.h"

class DatasetPicker;
class ParamForm;
class PreviewStrip;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QTableView;
class QToolButton;
class QUndoStack;
class TaskTableModel;

/// Edits one experiment. Several checked strategies make a batch: batchConfigs() returns one
/// RunConfig per strategy, all sharing the rest of the design. Fields the panel does not show
/// (model size, test images per class, ...) are kept from the last loaded config.
class ExperimentPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ExperimentPanel(QWidget* parent = nullptr);

    /// Loads a config (file, demo); clears the undo history.
    void setConfig(const clwb::RunConfig& config);
    /// The design for the current strategy (what Save writes).
    clwb::RunConfig config() const;
    /// One config per checked strategy, in list order (the current one if none is checked).
    std::vector<clwb::RunConfig> batchConfigs() const;

    QUndoStack* undoStack() const { return undoStack_; }
    TaskTableModel* taskModel() const { return taskModel_; }
    DatasetPicker* datasetPicker() const { return picker_; }
    /// Keeps `strip` showing the dataset and task split of the design.
    void connectPreview(PreviewStrip* strip);
    /// Selects a checkpoint backbone (model.backbone = its path) with its architecture (what
    /// BackboneDialog::modelConfig() returns).
    void useCheckpoint(const clwb::ModelConfig& model);
    ParamForm* paramForm() const { return paramForm_; }
    QString currentStrategy() const;
    void setCurrentStrategy(const QString& id);
    void setStrategyChecked(const QString& id, bool checked);
    QStringList checkedStrategies() const;
    clwb::ParamValues strategyParams(const QString& id) const;
    /// Undoable parameter change (what the form does on edit).
    void setStrategyParam(const QString& id, const QString& key, double value);

Q_SIGNALS:
    /// Any edit (for the window-modified marker).
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    friend class ParamCommand;
    static constexpr const char* kImportItem = "__import__";  ///< "Import checkpoint…" item
    void applyParam(const std::string& strategy, const std::string& key, double value);
    void retranslateUi();
    void buildTasksGroup();
    void buildModelGroup();
    void buildStrategyGroup();
    void buildTrainingGroup();
    void showStrategy(const QString& id);
    void syncClassList();
    void classItemChanged(QListWidgetItem* item);
    void datasetInspected();
    void applyBenchmark(int index);
    void backboneActivated(int index);
    int selectedTaskRow() const;
    void selectTaskRow(int row);

    clwb::RunConfig base_;
    /// The model for "pretrained" / "random"; an imported checkpoint's is in checkpointModels_.
    clwb::ModelConfig defaultModel_;
    std::map<std::string, clwb::ModelConfig> checkpointModels_;  ///< by checkpoint path
    QString lastBackbone_;
    /// The split came from a file or a benchmark: kept whatever classes the data turns out to
    /// have, until the user picks another dataset (validation names the ids that are off).
    bool keepSplit_ = false;
    std::map<std::string, clwb::ParamValues> params_;
    QUndoStack* undoStack_;
    TaskTableModel* taskModel_;
    bool loading_ = false;

    QLineEdit* name_;
    QGroupBox* tasksGroup_;
    DatasetPicker* picker_;
    QToolButton* presets_;
    QTableView* taskView_;
    QPushButton* addTask_;
    QPushButton* removeTask_;
    QPushButton* upTask_;
    QPushButton* downTask_;
    QLabel* classesLabel_;
    QListWidget* classList_;
    QCheckBox* shuffle_;
    QLabel* seedLabel_;
    QSpinBox* seed_;
    QGroupBox* modelGroup_;
    QLabel* backboneLabel_;
    QComboBox* backbone_;
    QGroupBox* strategyGroup_;
    QListWidget* strategies_;
    QLabel* strategySummary_;
    QGroupBox* paramsGroup_;
    ParamForm* paramForm_;
    QGroupBox* trainingGroup_;
    QLabel* epochsLabel_;
    QSpinBox* epochs_;
    QLabel* batchLabel_;
    QSpinBox* batchSize_;
    QLabel* lrLabel_;
    QDoubleSpinBox* lr_;
    QLabel* deviceLabel_;
    QComboBox* device_;
    QLabel* precisionLabel_;
    QComboBox* precision_;
    QLabel* perClassLabel_;
    QSpinBox* trainPerClass_;
    QLabel* evalEveryLabel_;
    QSpinBox* evalEvery_;
    QLabel* nameLabel_;
};
