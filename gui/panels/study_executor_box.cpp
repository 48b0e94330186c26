// SPDX-License-Identifier: GPL-3.0-or-later
// Where a study's runs go: in process, a local pool of clwb-run processes, or a Slurm job array
// with its settings; remembered in QSettings (studyDialog/…).
#include "panels/study_executor_box.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace {

const char* const kKinds[] = {"inprocess", "local", "slurm"};

QString settingsKey(const char* key)
{
    return QStringLiteral("studyDialog/") + QLatin1String(key);
}

}  // namespace

StudyExecutorBox::StudyExecutorBox(QWidget* parent)
    : QGroupBox(parent),
      kind_(new QComboBox(this)),
      pages_(new QStackedWidget(this)),
      inProcessHint_(new QLabel(this)),
      parallelLabel_(new QLabel(this)),
      maxParallel_(new QSpinBox(this)),
      partitionLabel_(new QLabel(this)),
      partition_(new QLineEdit(this)),
      timeLabel_(new QLabel(this)),
      time_(new QLineEdit(this)),
      memLabel_(new QLabel(this)),
      mem_(new QLineEdit(this)),
      gpusLabel_(new QLabel(this)),
      gpus_(new QLineEdit(this)),
      sbatchLabel_(new QLabel(this)),
      sbatch_(new QPlainTextEdit(this)),
      submit_(new QCheckBox(this))
{
    kind_->setObjectName(QStringLiteral("studyExecutor"));
    for (const char* kind : kKinds) kind_->addItem(QString(), QLatin1String(kind));
    inProcessHint_->setWordWrap(true);
    pages_->addWidget(inProcessHint_);
    auto* localPage = new QWidget(this);
    auto* localForm = new QFormLayout(localPage);
    maxParallel_->setRange(0, 256);
    maxParallel_->setObjectName(QStringLiteral("studyMaxParallel"));
    localForm->addRow(parallelLabel_, maxParallel_);
    pages_->addWidget(localPage);
    auto* slurmPage = new QWidget(this);
    auto* slurmForm = new QFormLayout(slurmPage);
    sbatch_->setMaximumHeight(60);
    submit_->setChecked(true);
    slurmForm->addRow(partitionLabel_, partition_);
    slurmForm->addRow(timeLabel_, time_);
    slurmForm->addRow(memLabel_, mem_);
    slurmForm->addRow(gpusLabel_, gpus_);
    slurmForm->addRow(sbatchLabel_, sbatch_);
    slurmForm->addRow(QString(), submit_);
    pages_->addWidget(slurmPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(kind_);
    layout->addWidget(pages_);

    connect(kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        showPage(i);
        Q_EMIT changed();
    });
    for (QLineEdit* e : {partition_, time_, mem_, gpus_})
        connect(e, &QLineEdit::textChanged, this, &StudyExecutorBox::changed);
    connect(maxParallel_, qOverload<int>(&QSpinBox::valueChanged), this,
            &StudyExecutorBox::changed);
    connect(sbatch_, &QPlainTextEdit::textChanged, this, &StudyExecutorBox::changed);
    connect(submit_, &QCheckBox::toggled, this, &StudyExecutorBox::changed);
    showPage(kind_->currentIndex());
    retranslateUi();
}

void StudyExecutorBox::retranslateUi()
{
    setTitle(tr("Where the runs go"));
    const QString names[] = {tr("In process: one run after another"),
                             tr("Local pool: several clwb-run processes at once"),
                             tr("Slurm: a job array")};
    for (int i = 0; i < 3; ++i) kind_->setItemText(i, names[i]);
    inProcessHint_->setText(
        tr("clwb-run runs each run in turn in its own process and stores it in the database."));
    parallelLabel_->setText(tr("At most at once:"));
    maxParallel_->setSpecialValueText(tr("as many as cores"));
    partitionLabel_->setText(tr("Partition:"));
    timeLabel_->setText(tr("Time limit:"));
    time_->setPlaceholderText(tr("e.g. 02:00:00"));
    memLabel_->setText(tr("Memory:"));
    mem_->setPlaceholderText(tr("e.g. 16G"));
    gpusLabel_->setText(tr("GPUs:"));
    sbatchLabel_->setText(tr("Extra #SBATCH lines:"));
    submit_->setText(tr("Submit now (sbatch)"));
}

void StudyExecutorBox::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QGroupBox::changeEvent(event);
}

void StudyExecutorBox::showPage(int index)
{
    // The stack takes the size of the page on show, not of the largest (Slurm's).
    for (int i = 0; i < pages_->count(); ++i) {
        const auto policy = i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored;
        pages_->widget(i)->setSizePolicy(policy, policy);
    }
    pages_->setCurrentIndex(index);
    pages_->adjustSize();
}

QString StudyExecutorBox::kind() const
{
    return kind_->currentData().toString();
}

bool StudyExecutorBox::submit() const
{
    return submit_->isChecked();
}

study_document::Executor StudyExecutorBox::executor() const
{
    study_document::Executor e;
    e.kind = kind();
    e.maxParallel = maxParallel_->value();
    e.partition = partition_->text();
    e.time = time_->text();
    e.mem = mem_->text();
    e.gpus = gpus_->text();
    e.sbatchLines = sbatch_->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return e;
}

void StudyExecutorBox::readSettings()
{
    QSettings s;
    kind_->setCurrentIndex(
        std::max(0, kind_->findData(s.value(settingsKey("executor"), QStringLiteral("local")))));
    maxParallel_->setValue(s.value(settingsKey("maxParallel"), 0).toInt());
    partition_->setText(s.value(settingsKey("partition")).toString());
    time_->setText(s.value(settingsKey("time")).toString());
    mem_->setText(s.value(settingsKey("mem")).toString());
    gpus_->setText(s.value(settingsKey("gpus")).toString());
    sbatch_->setPlainText(s.value(settingsKey("sbatchLines")).toString());
    submit_->setChecked(s.value(settingsKey("submit"), true).toBool());
}

void StudyExecutorBox::writeSettings() const
{
    QSettings s;
    s.setValue(settingsKey("executor"), kind());
    s.setValue(settingsKey("maxParallel"), maxParallel_->value());
    s.setValue(settingsKey("partition"), partition_->text());
    s.setValue(settingsKey("time"), time_->text());
    s.setValue(settingsKey("mem"), mem_->text());
    s.setValue(settingsKey("gpus"), gpus_->text());
    s.setValue(settingsKey("sbatchLines"), sbatch_->toPlainText());
    s.setValue(settingsKey("submit"), submit_->isChecked());
}
