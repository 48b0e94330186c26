// SPDX-License-Identifier: GPL-3.0-or-later
// Where a study's runs go: in process, a local pool of clwb-run processes, or a Slurm job array
// with its settings; remembered in QSettings (studyDialog/…).
#pragma once

#include <QGroupBox>

#include "panels/study_document.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

class StudyExecutorBox : public QGroupBox
{
    Q_OBJECT

public:
    explicit StudyExecutorBox(QWidget* parent = nullptr);

    study_document::Executor executor() const;
    /// "inprocess" | "local" | "slurm".
    QString kind() const;
    /// Slurm: submit at once (clwb-run study --submit).
    bool submit() const;
    QComboBox* kindBox() const { return kind_; }
    QSpinBox* maxParallelBox() const { return maxParallel_; }

    void readSettings();
    void writeSettings() const;

Q_SIGNALS:
    /// Any setting changed.
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void showPage(int index);

    QComboBox* kind_;
    QStackedWidget* pages_;
    QLabel* inProcessHint_;
    QLabel* parallelLabel_;
    QSpinBox* maxParallel_;
    QLabel* partitionLabel_;
    QLineEdit* partition_;
    QLabel* timeLabel_;
    QLineEdit* time_;
    QLabel* memLabel_;
    QLineEdit* mem_;
    QLabel* gpusLabel_;
    QLineEdit* gpus_;
    QLabel* sbatchLabel_;
    QPlainTextEdit* sbatch_;
    QCheckBox* submit_;
};
