// SPDX-License-Identifier: GPL-3.0-or-later
// Run → New Study…: the designer's experiment × strategy configurations × seeds (× a grid),
// checked live by the engine, written as a study document and run by clwb-run study.
#include "panels/study_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "clwb/strategy_info.h"
#include "clwb/study.h"
#include "panels/study_executor_box.h"
#include "strategy_strings.h"

namespace {

QString settingsKey(const char* key)
{
    return QStringLiteral("studyDialog/") + QLatin1String(key);
}

QComboBox* comboAt(const QTableWidget* table, int row, int column)
{
    return qobject_cast<QComboBox*>(table->cellWidget(row, column));
}

QLineEdit* lineAt(const QTableWidget* table, int row, int column)
{
    return qobject_cast<QLineEdit*>(table->cellWidget(row, column));
}

}  // namespace

StudyDialog::StudyDialog(QWidget* parent) : QDialog(parent)
{
    buildUi();
    debounce_.setSingleShot(true);
    debounce_.setInterval(kDebounceMs);
    connect(&debounce_, &QTimer::timeout, this, &StudyDialog::startCheck);
    readSettings();
    retranslateUi();
    scheduleCheck();
}

void StudyDialog::buildUi()
{
    intro_ = new QLabel(this);
    intro_->setWordWrap(true);
    nameLabel_ = new QLabel(this);
    name_ = new QLineEdit(this);
    name_->setObjectName(QStringLiteral("studyName"));
    baseLabel_ = new QLabel(this);
    baseLabel_->setWordWrap(true);

    configurationsGroup_ = new QGroupBox(this);
    configurations_ = new QTableWidget(0, 2, this);
    configurations_->setObjectName(QStringLiteral("studyConfigurations"));
    configurations_->verticalHeader()->setVisible(false);
    configurations_->horizontalHeader()->setSectionResizeMode(StrategyColumn,
                                                              QHeaderView::ResizeToContents);
    configurations_->horizontalHeader()->setStretchLastSection(true);
    configurations_->setSelectionMode(QAbstractItemView::NoSelection);
    for (const auto& info : clwb::listStrategies()) {
        const int row = configurations_->rowCount();
        configurations_->insertRow(row);
        auto* strategy = new QTableWidgetItem;
        strategy->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        strategy->setCheckState(Qt::Unchecked);
        strategy->setData(Qt::UserRole, QString::fromStdString(info.id));
        configurations_->setItem(row, StrategyColumn, strategy);
        configurations_->setItem(row, LabelColumn,
                                 new QTableWidgetItem(QString::fromStdString(info.id)));
    }
    auto* configurationsLayout = new QVBoxLayout(configurationsGroup_);
    configurationsLayout->addWidget(configurations_);
    seedsLabel_ = new QLabel(this);
    seeds_ = new QLineEdit(QStringLiteral("3"), this);
    seeds_->setObjectName(QStringLiteral("studySeeds"));

    gridGroup_ = new QGroupBox(this);
    grid_ = new QTableWidget(0, 3, this);
    grid_->setObjectName(QStringLiteral("studyGrid"));
    grid_->verticalHeader()->setVisible(false);
    grid_->horizontalHeader()->setSectionResizeMode(ValuesColumn, QHeaderView::Stretch);
    grid_->setColumnWidth(KeyColumn, 190);  // "data.train_per_class", "params.lambda"
    grid_->setSelectionBehavior(QAbstractItemView::SelectRows);
    addRow_ = new QPushButton(this);
    removeRow_ = new QPushButton(this);
    auto* gridButtons = new QHBoxLayout;
    gridButtons->addWidget(addRow_);
    gridButtons->addWidget(removeRow_);
    gridButtons->addStretch(1);
    auto* gridLayout = new QVBoxLayout(gridGroup_);
    gridLayout->addWidget(grid_);
    gridLayout->addLayout(gridButtons);

    executor_ = new StudyExecutorBox(this);

    runs_ = new QLabel(this);
    runs_->setObjectName(QStringLiteral("studyRunCount"));
    QFont bold = runs_->font();
    bold.setBold(true);
    runs_->setFont(bold);
    problems_ = new QListWidget(this);
    problems_->setObjectName(QStringLiteral("studyProblems"));
    problems_->setMaximumHeight(90);
    problems_->setVisible(false);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    saveButton_ = buttons_->addButton(QString(), QDialogButtonBox::ActionRole);
    saveButton_->setObjectName(QStringLiteral("saveStudyButton"));

    auto* form = new QFormLayout;
    form->addRow(nameLabel_, name_);
    form->addRow(seedsLabel_, seeds_);
    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(configurationsGroup_, 1);
    auto* right = new QVBoxLayout;
    right->addWidget(gridGroup_, 1);
    right->addWidget(executor_);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro_);
    layout->addLayout(form);
    layout->addWidget(baseLabel_);
    layout->addLayout(columns, 1);
    layout->addWidget(runs_);
    layout->addWidget(problems_);
    layout->addWidget(buttons_);
    resize(980, 640);

    connect(buttons_, &QDialogButtonBox::accepted, this, &StudyDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(saveButton_, &QPushButton::clicked, this, &StudyDialog::askSave);
    connect(name_, &QLineEdit::textChanged, this, &StudyDialog::scheduleCheck);
    connect(seeds_, &QLineEdit::textChanged, this, &StudyDialog::scheduleCheck);
    connect(configurations_, &QTableWidget::itemChanged, this, [this] {
        if (filling_) return;
        refreshGridChoices();
        scheduleCheck();
    });
    connect(addRow_, &QPushButton::clicked, this, [this] { addGridRow(QString(), QString()); });
    connect(removeRow_, &QPushButton::clicked, this, [this] {
        const int row = grid_->currentRow();
        if (row < 0) return;
        grid_->removeRow(row);
        scheduleCheck();
    });
    // A Slurm study's data need not exist here: it is checked less.
    connect(executor_, &StudyExecutorBox::changed, this, &StudyDialog::scheduleCheck);
}

void StudyDialog::retranslateUi()
{
    setWindowTitle(tr("New Study"));
    intro_->setText(
        tr("A study runs the experiment in the designer once per configuration, "
           "seed and grid point, and reports the mean ± std over seeds."));
    nameLabel_->setText(tr("Name:"));
    seedsLabel_->setText(tr("Seeds:"));
    seeds_->setToolTip(tr("A count (3 = seeds 0, 1, 2) or a list of seeds (0, 4, 7)"));
    baseLabel_->setText(
        tr("Base experiment: “%1” (%2 data, %3 tasks) from the designer, with its settings.")
            .arg(QString::fromStdString(base_.name), QString::fromStdString(base_.data.dataset))
            .arg(clwb::resolvedTasks(base_).size()));
    configurationsGroup_->setTitle(tr("Configurations: the strategies to compare"));
    configurations_->setHorizontalHeaderLabels({tr("Strategy"), tr("Label")});
    for (int row = 0; row < configurations_->rowCount(); ++row) {
        QTableWidgetItem* item = configurations_->item(row, StrategyColumn);
        const std::string id = item->data(Qt::UserRole).toString().toStdString();
        filling_ = true;
        item->setText(trStrategyName(id));
        if (const auto* info = clwb::findStrategy(id)) item->setToolTip(trStrategy(info->summary));
        filling_ = false;
    }
    gridGroup_->setTitle(tr("Grid (optional): every combination of the values"));
    grid_->setHorizontalHeaderLabels({tr("Key"), tr("Values (comma-separated)"), tr("For")});
    addRow_->setText(tr("Add axis"));
    removeRow_->setText(tr("Remove axis"));
    saveButton_->setText(tr("Save study…"));
    saveButton_->setToolTip(tr("Save the study document as JSON (clwb-run study FILE runs it)"));
    for (int row = 0; row < grid_->rowCount(); ++row)
        if (QComboBox* scope = comboAt(grid_, row, ScopeColumn)) scope->setItemText(0, tr("all"));
    showCheck({runCount_, problemTexts_});
}

void StudyDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}

QComboBox* StudyDialog::executorBox() const
{
    return executor_->kindBox();
}

QSpinBox* StudyDialog::maxParallelBox() const
{
    return executor_->maxParallelBox();
}

QPushButton* StudyDialog::okButton() const
{
    return buttons_->button(QDialogButtonBox::Ok);
}

void StudyDialog::setDesign(const clwb::RunConfig& base, const QStringList& checkedStrategies,
                            const std::map<std::string, clwb::ParamValues>& params)
{
    base_ = base;
    params_ = params;
    if (name_->text().isEmpty())
        name_->setText(tr("%1 study").arg(QString::fromStdString(base.name)));
    // A batch checked in the designer is what to compare; without one, the last study's
    // configurations (else the experiment's own strategy).
    QStringList checked = checkedStrategies;
    if (checked.size() < 2) {
        const QStringList last = QSettings().value(settingsKey("strategies")).toStringList();
        if (!last.isEmpty())
            checked = last;
        else if (checked.isEmpty())
            checked << QString::fromStdString(base.strategy);
    }
    filling_ = true;
    for (int row = 0; row < configurations_->rowCount(); ++row) {
        QTableWidgetItem* item = configurations_->item(row, StrategyColumn);
        item->setCheckState(checked.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                  : Qt::Unchecked);
    }
    filling_ = false;
    retranslateUi();
    refreshGridChoices();
    scheduleCheck();
}

void StudyDialog::setDatabasePath(const QString& path)
{
    dbPath_ = path;
    scheduleCheck();
}

void StudyDialog::setStrategyChecked(const QString& id, bool checked)
{
    for (int row = 0; row < configurations_->rowCount(); ++row) {
        QTableWidgetItem* item = configurations_->item(row, StrategyColumn);
        if (item->data(Qt::UserRole).toString() == id)
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

QString StudyDialog::labelOf(int row) const
{
    const QString label = configurations_->item(row, LabelColumn)->text().trimmed();
    return label.isEmpty()
               ? configurations_->item(row, StrategyColumn)->data(Qt::UserRole).toString()
               : label;
}

QStringList StudyDialog::gridKeys() const
{
    QStringList keys = study_document::configKeys(base_);
    for (int row = 0; row < configurations_->rowCount(); ++row) {
        const QTableWidgetItem* item = configurations_->item(row, StrategyColumn);
        if (item->checkState() != Qt::Checked) continue;
        if (const auto* info =
                clwb::findStrategy(item->data(Qt::UserRole).toString().toStdString()))
            for (const auto& spec : info->params) {
                const QString key = QStringLiteral("params.") + QString::fromStdString(spec.key);
                if (!keys.contains(key)) keys << key;
            }
    }
    return keys;
}

void StudyDialog::addGridRow(const QString& key, const QString& values, const QString& scope)
{
    const int row = grid_->rowCount();
    grid_->insertRow(row);
    auto* keyBox = new QComboBox(grid_);
    keyBox->setEditable(true);
    keyBox->addItems(gridKeys());
    keyBox->setCurrentText(key);
    auto* valuesEdit = new QLineEdit(values, grid_);
    valuesEdit->setPlaceholderText(QStringLiteral("0.001, 0.01"));
    auto* scopeBox = new QComboBox(grid_);
    scopeBox->addItem(tr("all"), QString());
    grid_->setCellWidget(row, KeyColumn, keyBox);
    grid_->setCellWidget(row, ValuesColumn, valuesEdit);
    grid_->setCellWidget(row, ScopeColumn, scopeBox);
    refreshGridChoices();
    if (!scope.isEmpty()) scopeBox->setCurrentIndex(std::max(0, scopeBox->findData(scope)));
    connect(keyBox, &QComboBox::currentTextChanged, this, &StudyDialog::scheduleCheck);
    connect(valuesEdit, &QLineEdit::textChanged, this, &StudyDialog::scheduleCheck);
    connect(scopeBox, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &StudyDialog::scheduleCheck);
    scheduleCheck();
}

void StudyDialog::refreshGridChoices()
{
    const QStringList keys = gridKeys();
    QStringList labels;
    for (int row = 0; row < configurations_->rowCount(); ++row)
        if (configurations_->item(row, StrategyColumn)->checkState() == Qt::Checked)
            labels << labelOf(row);
    for (int row = 0; row < grid_->rowCount(); ++row) {
        if (QComboBox* key = comboAt(grid_, row, KeyColumn)) {
            const QString current = key->currentText();
            const QSignalBlocker block(key);
            key->clear();
            key->addItems(keys);
            key->setCurrentText(current);
        }
        if (QComboBox* scope = comboAt(grid_, row, ScopeColumn)) {
            const QString current = scope->currentData().toString();
            const QSignalBlocker block(scope);
            while (scope->count() > 1) scope->removeItem(1);
            for (const QString& l : labels) scope->addItem(l, l);
            scope->setCurrentIndex(std::max(0, scope->findData(current)));
        }
    }
}

study_document::Draft StudyDialog::draft() const
{
    study_document::Draft d;
    d.name = name_->text().trimmed();
    d.base = base_;
    for (int row = 0; row < configurations_->rowCount(); ++row) {
        const QTableWidgetItem* item = configurations_->item(row, StrategyColumn);
        if (item->checkState() != Qt::Checked) continue;
        const QString id = item->data(Qt::UserRole).toString();
        study_document::Configuration c{configurations_->item(row, LabelColumn)->text(), id, {}};
        if (const auto it = params_.find(id.toStdString()); it != params_.end())
            c.params = it->second;
        d.configurations.push_back(c);
    }
    d.seeds = seeds_->text();
    for (int row = 0; row < grid_->rowCount(); ++row) {
        const QComboBox* key = comboAt(grid_, row, KeyColumn);
        const QLineEdit* values = lineAt(grid_, row, ValuesColumn);
        const QComboBox* scope = comboAt(grid_, row, ScopeColumn);
        if (!key || !values || key->currentText().trimmed().isEmpty()) continue;
        d.grid.push_back({key->currentText().trimmed(), values->text(),
                          scope ? scope->currentData().toString() : QString()});
    }
    d.executor = executor_->executor();
    return d;
}

bool StudyDialog::isChecking() const
{
    return debounce_.isActive() || applied_ != generation_;
}

void StudyDialog::scheduleCheck()
{
    ++generation_;  // whatever is under way is stale now
    okButton()->setEnabled(false);
    debounce_.start();
}

void StudyDialog::startCheck()
{
    const int generation = generation_;
    const std::string json = studyJson().toStdString();
    const std::string baseDir =
        dbPath_.isEmpty() ? std::string(".") : QFileInfo(dbPath_).absolutePath().toStdString();
    // A Slurm study's data and checkpoints may exist on the cluster only: as clwb-run study
    // does, its runs are not checked against this machine's files.
    const bool validate = executor_->kind() != QLatin1String("slurm");
    auto* watcher = new QFutureWatcher<Check>(this);
    connect(watcher, &QFutureWatcher<Check>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_) return;  // edited since: a newer check follows
        applied_ = generation;
        showCheck(watcher->result());
        Q_EMIT checked();
    });
    watcher->setFuture(QtConcurrent::run([json, baseDir, validate] {
        Check check;
        const auto toText = [&check](const std::vector<clwb::ConfigError>& errors) {
            for (const auto& e : errors)
                check.problems << QStringLiteral("%1: %2").arg(
                    e.path.empty() ? QStringLiteral("(study)") : QString::fromStdString(e.path),
                    QString::fromStdString(e.message));
        };
        const auto parsed = clwb::parseStudy(json, baseDir);
        if (!parsed.ok()) {
            toText(parsed.errors);
            return check;
        }
        const auto expansion = clwb::expandStudy(parsed.spec, validate);
        toText(expansion.errors);
        if (expansion.ok()) check.runs = int(expansion.runs.size());
        return check;
    }));
}

void StudyDialog::showCheck(const Check& check)
{
    runCount_ = check.runs;
    problemTexts_ = check.problems;
    problems_->clear();
    for (const QString& p : problemTexts_) {
        auto* item = new QListWidgetItem(p, problems_);
        item->setForeground(QColor(200, 30, 30));
    }
    problems_->setVisible(!problemTexts_.isEmpty());
    if (!problemTexts_.isEmpty())
        runs_->setText(problemTexts_.size() == 1
                           ? tr("1 problem: the study cannot run yet")
                           : tr("%1 problems: the study cannot run yet").arg(problemTexts_.size()));
    else if (applied_ == 0)
        runs_->setText(tr("Checking…"));
    else
        runs_->setText(runCount_ == 1 ? tr("1 run") : tr("%1 runs").arg(runCount_));
    okButton()->setEnabled(!isChecking() && problemTexts_.isEmpty() && runCount_ > 0);
}

QStringList StudyDialog::commandArguments() const
{
    const QString kind = executor_->kind();
    QStringList args{QStringLiteral("study"),      studyFile_, QStringLiteral("--db"), dbPath_,
                     QStringLiteral("--executor"), kind};
    const int maxParallel = executor_->maxParallelBox()->value();
    if (kind != QLatin1String("inprocess") && maxParallel > 0)
        args << QStringLiteral("--max-parallel") << QString::number(maxParallel);
    if (kind == QLatin1String("slurm") && executor_->submit()) args << QStringLiteral("--submit");
    return args;
}

bool StudyDialog::saveTo(const QString& file, QString* error) const
{
    QSaveFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(studyJson()) < 0 || !f.commit()) {
        if (error) *error = f.errorString();
        return false;
    }
    return true;
}

void StudyDialog::accept()
{
    if (isChecking() || !problemTexts_.isEmpty() || runCount_ == 0) return;
    // studies/<name>.json beside the database; clwb-run puts the study folder there too.
    const QDir dir(QFileInfo(dbPath_).absoluteDir().filePath(QStringLiteral("studies")));
    QString slug = name_->text().trimmed().toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    slug = slug.left(40);
    if (slug.remove(QRegularExpression(QStringLiteral("^-+|-+$"))).isEmpty())
        slug = QStringLiteral("study");
    QString file = dir.filePath(slug + QStringLiteral(".json"));
    for (int i = 2; QFileInfo::exists(file); ++i)
        file = dir.filePath(QStringLiteral("%1-%2.json").arg(slug).arg(i));
    QString error;
    if (!QDir().mkpath(dir.absolutePath()) || !saveTo(file, &error)) {
        problemTexts_ = {tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(file), error)};
        showCheck({0, problemTexts_});
        return;
    }
    studyFile_ = file;
    writeSettings();
    QDialog::accept();
}

void StudyDialog::askSave()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save study"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Studies (*.json)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".json"))) file += QStringLiteral(".json");
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    QString error;
    if (!saveTo(file, &error)) {
        problemTexts_ = {tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(file), error)};
        showCheck({0, problemTexts_});
        scheduleCheck();  // the study's own state comes back with the next check
        return;
    }
    writeSettings();
    runs_->setText(tr("Saved %1").arg(QDir::toNativeSeparators(file)));
}

void StudyDialog::readSettings()
{
    QSettings s;
    seeds_->setText(s.value(settingsKey("seeds"), QStringLiteral("3")).toString());
    executor_->readSettings();
    for (const QString& row : s.value(settingsKey("grid")).toStringList()) {
        const QStringList parts = row.split(QLatin1Char('\t'));
        if (parts.size() == 3) addGridRow(parts[0], parts[1], parts[2]);
    }
}

void StudyDialog::writeSettings() const
{
    QSettings s;
    s.setValue(settingsKey("seeds"), seeds_->text());
    executor_->writeSettings();
    QStringList strategies;
    for (const auto& c : draft().configurations) strategies << c.strategy;
    s.setValue(settingsKey("strategies"), strategies);
    QStringList grid;
    for (const auto& row : draft().grid)
        grid << QStringList{row.key, row.values, row.configuration}.join(QLatin1Char('\t'));
    s.setValue(settingsKey("grid"), grid);
}
