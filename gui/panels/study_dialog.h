// SPDX-License-Identifier: GPL-3.0-or-later
// Run → New Study…: the designer's experiment × strategy configurations × seeds (× a grid),
// checked live by the engine, written as a study document and run by clwb-run study.
#pragma once

#include <QDialog>
#include <QTimer>

#include <map>
#include <string>

#include "clwb/run_config.h"
#include "panels/study_document.h"

class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;
class StudyExecutorBox;

class StudyDialog : public QDialog
{
    Q_OBJECT

public:
    enum ConfigurationColumn { StrategyColumn, LabelColumn };
    enum GridColumn { KeyColumn, ValuesColumn, ScopeColumn };
    static constexpr int kDebounceMs = 250;

    explicit StudyDialog(QWidget* parent = nullptr);

    /// The designer's experiment as the base. Its checked strategies start checked when they are
    /// a batch (two or more); else the last study's (else the experiment's own). `params` are
    /// the designer's parameters per strategy.
    void setDesign(const clwb::RunConfig& base, const QStringList& checkedStrategies,
                   const std::map<std::string, clwb::ParamValues>& params);
    /// The run database: the study document goes to studies/ beside it.
    void setDatabasePath(const QString& path);

    // The fields (tests and the command line set them as the user would).
    QLineEdit* nameEdit() const { return name_; }
    QTableWidget* configurationTable() const { return configurations_; }
    QLineEdit* seedsEdit() const { return seeds_; }
    QTableWidget* gridTable() const { return grid_; }
    StudyExecutorBox* executorSettings() const { return executor_; }
    QComboBox* executorBox() const;
    QSpinBox* maxParallelBox() const;
    QPushButton* okButton() const;
    QPushButton* saveButton() const { return saveButton_; }
    QListWidget* problemList() const { return problems_; }
    void setStrategyChecked(const QString& id, bool checked);
    /// Appends a grid row (key, comma-separated values, and the configuration label it is for;
    /// empty = all).
    void addGridRow(const QString& key, const QString& values, const QString& scope = {});
    /// The keys the grid's key boxes offer.
    QStringList gridKeys() const;

    study_document::Draft draft() const;
    QByteArray studyJson() const { return study_document::toJson(draft()); }
    /// The live check is waiting or running.
    bool isChecking() const;
    /// Runs of the last check; 0 when it found problems.
    int runCount() const { return runCount_; }
    /// "path: message" of the last check.
    QStringList problems() const { return problemTexts_; }

    /// Writes the document to `file`; false (with the reason in `error`) if it cannot.
    bool saveTo(const QString& file, QString* error = nullptr) const;
    /// Where OK wrote the document, and the clwb-run arguments that run it.
    QString studyFile() const { return studyFile_; }
    QStringList commandArguments() const;

public Q_SLOTS:
    /// Writes the document into the study folder beside the database and closes; stays open
    /// with the problem shown if the study is not valid or the file cannot be written.
    void accept() override;

Q_SIGNALS:
    /// A live check ended (runCount() and problems() are its answer).
    void checked();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Check
    {
        int runs = 0;
        QStringList problems;
    };
    void buildUi();
    void retranslateUi();
    void scheduleCheck();
    void startCheck();
    void showCheck(const Check& check);
    void refreshGridChoices();
    void askSave();
    void readSettings();
    void writeSettings() const;
    QString labelOf(int row) const;

    clwb::RunConfig base_;
    std::map<std::string, clwb::ParamValues> params_;
    QString dbPath_;
    QString studyFile_;
    QTimer debounce_;
    int generation_ = 0;
    int applied_ = 0;
    int runCount_ = 0;
    QStringList problemTexts_;
    bool filling_ = false;

    QLabel* intro_;
    QLabel* nameLabel_;
    QLineEdit* name_;
    QLabel* baseLabel_;
    QGroupBox* configurationsGroup_;
    QTableWidget* configurations_;
    QLabel* seedsLabel_;
    QLineEdit* seeds_;
    QGroupBox* gridGroup_;
    QTableWidget* grid_;
    QPushButton* addRow_;
    QPushButton* removeRow_;
    StudyExecutorBox* executor_;
    QLabel* runs_;
    QListWidget* problems_;
    QPushButton* saveButton_;
    QDialogButtonBox* buttons_;
};
