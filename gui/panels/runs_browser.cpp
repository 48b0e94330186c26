// SPDX-License-Identifier: GPL-3.0-or-later
// Browser over the run database: list, open, compare, rename, tag and delete runs, open their logs.
#include "panels/runs_browser.h"

#include <QDesktopServices>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <exception>

#include "clwb/run_log.h"
#include "panels/runs_table_model.h"

RunsBrowser::RunsBrowser(QWidget* parent)
    : QWidget(parent),
      model_(new RunsTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      view_(new QTableView(this)),
      pathLabel_(new QLabel(this)),
      refreshButton_(new QPushButton(this)),
      openButton_(new QPushButton(this)),
      openLogButton_(new QPushButton(this)),
      compareButton_(new QPushButton(this)),
      studyButton_(new QPushButton(this)),
      presentButton_(new QPushButton(this)),
      resumeButton_(new QPushButton(this)),
      renameButton_(new QPushButton(this)),
      tagsButton_(new QPushButton(this)),
      deleteButton_(new QPushButton(this)),
      databaseButton_(new QPushButton(this))
{
    openButton_->setObjectName(QStringLiteral("openButton"));
    compareButton_->setObjectName(QStringLiteral("compareButton"));
    studyButton_->setObjectName(QStringLiteral("studyComparisonButton"));
    presentButton_->setObjectName(QStringLiteral("presentButton"));
    resumeButton_->setObjectName(QStringLiteral("resumeButton"));
    openLogButton_->setObjectName(QStringLiteral("openLogButton"));
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunsTableModel::SortRole);
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(RunsTableModel::IdColumn, Qt::DescendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setAlternatingRowColors(true);

    auto* buttons = new QHBoxLayout;
    for (auto* b : {openButton_, openLogButton_, resumeButton_, compareButton_, studyButton_,
                    presentButton_, renameButton_, tagsButton_, deleteButton_, refreshButton_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(databaseButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(buttons);
    layout->addWidget(view_, 1);
    layout->addWidget(pathLabel_);
    pathLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    connect(refreshButton_, &QPushButton::clicked, this, &RunsBrowser::refresh);
    connect(openButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (!ids.isEmpty()) Q_EMIT openRunRequested(ids.first());
    });
    connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        Q_EMIT openRunRequested(index.data(RunsTableModel::RunIdRole).toLongLong());
    });
    connect(openLogButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() == 1) QDesktopServices::openUrl(QUrl::fromLocalFile(logPath(ids.first())));
    });
    connect(compareButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() >= 2) Q_EMIT compareRequested(ids);
    });
    connect(studyButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() >= 2) Q_EMIT studyComparisonRequested(ids);
    });
    connect(resumeButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() == 1) Q_EMIT resumeRequested(ids.first());
    });
    connect(presentButton_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() == 1 || ids.size() == 2) Q_EMIT presentRequested(ids);
    });
    connect(renameButton_, &QPushButton::clicked, this, &RunsBrowser::askRename);
    connect(tagsButton_, &QPushButton::clicked, this, &RunsBrowser::askTags);
    connect(deleteButton_, &QPushButton::clicked, this, &RunsBrowser::askDelete);
    connect(databaseButton_, &QPushButton::clicked, this, &RunsBrowser::askOpenDatabase);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsBrowser::updateButtons);
    retranslateUi();
    updateButtons();
}

RunsBrowser::~RunsBrowser() = default;

void RunsBrowser::retranslateUi()
{
    refreshButton_->setText(tr("Refresh"));
    openButton_->setText(tr("Open"));
    openButton_->setToolTip(tr("Show the selected run in the charts (or double-click it)"));
    openLogButton_->setText(tr("Open log"));
    openLogButton_->setToolTip(
        tr("Open the selected run's log file: every message of the run, warnings included"));
    compareButton_->setText(tr("Compare"));
    compareButton_->setToolTip(tr("Compare two or more selected runs side by side"));
    studyButton_->setText(tr("Study comparison"));
    studyButton_->setToolTip(
        tr("The selected runs as a study: seeds of one configuration averaged (mean ± std), "
           "in the Study tab"));
    resumeButton_->setText(tr("Resume"));
    resumeButton_->setToolTip(
        tr("Continue the selected cancelled, failed or interrupted run from its last checkpoint, "
           "in the same row"));
    presentButton_->setText(tr("Present"));
    presentButton_->setToolTip(
        tr("Full-screen story of the selected run, or of two runs side by side (F11 on the run "
           "on show)"));
    renameButton_->setText(tr("Rename…"));
    tagsButton_->setText(tr("Tags…"));
    deleteButton_->setText(tr("Delete…"));
    databaseButton_->setText(tr("Open database…"));
    pathLabel_->setText(tr("Database: %1").arg(path_));
    model_->retranslate();
}

void RunsBrowser::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

bool RunsBrowser::setDatabasePath(const QString& path)
{
    try {
        auto store = std::make_unique<clwb::RunStore>(path.toStdString());
        store_ = std::move(store);
        path_ = path;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot open database"),
                             tr("Could not open %1:\n%2").arg(path, QString::fromUtf8(e.what())));
        return false;
    }
    pathLabel_->setText(tr("Database: %1").arg(path_));
    refresh();
    Q_EMIT databaseChanged(path_);
    return true;
}

void RunsBrowser::refresh()
{
    if (!store_) return;
    const QList<qint64> selected = selectedRunIds();
    try {
        model_->setRuns(store_->listRuns());
    } catch (const std::exception& e) {
        pathLabel_->setText(tr("Database error: %1").arg(QString::fromUtf8(e.what())));
    }
    view_->resizeColumnsToContents();
    selectRuns(selected);
    updateButtons();
}

QList<qint64> RunsBrowser::selectedRunIds() const
{
    QList<qint64> ids;
    for (const QModelIndex& index : view_->selectionModel()->selectedRows())
        ids << index.data(RunsTableModel::RunIdRole).toLongLong();
    return ids;
}

void RunsBrowser::selectRuns(const QList<qint64>& ids)
{
    QItemSelection selection;
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        const QModelIndex index = proxy_->index(row, 0);
        if (ids.contains(index.data(RunsTableModel::RunIdRole).toLongLong()))
            selection.select(index, proxy_->index(row, RunsTableModel::ColumnCount - 1));
    }
    view_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void RunsBrowser::updateButtons()
{
    const int n = int(selectedRunIds().size());
    openButton_->setEnabled(n == 1);
    openLogButton_->setEnabled(n == 1 && QFileInfo::exists(logPath(selectedRunIds().first())));
    compareButton_->setEnabled(n >= 2);
    studyButton_->setEnabled(n >= 2);
    presentButton_->setEnabled(n == 1 || n == 2);
    resumeButton_->setEnabled(n == 1 && canResume(selectedRunIds().first()));
    renameButton_->setEnabled(n == 1);
    tagsButton_->setEnabled(n == 1);
    deleteButton_->setEnabled(n >= 1);
}

bool RunsBrowser::canResume(qint64 id) const
{
    try {
        return store_ && store_->resumability(id).resumable;
    } catch (const std::exception&) {
        return false;  // a database that cannot be read offers nothing
    }
}

bool RunsBrowser::renameRun(qint64 id, const QString& name)
{
    if (!store_) return false;
    try {
        store_->renameRun(id, name.toStdString());
    } catch (const std::exception&) {
        return false;
    }
    refresh();
    return true;
}

bool RunsBrowser::setRunTags(qint64 id, const QString& tags)
{
    if (!store_) return false;
    // Normalise "a,  b ,," to "a,b".
    QStringList clean;
    for (const QString& t : tags.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!t.trimmed().isEmpty()) clean << t.trimmed();
    try {
        store_->setTags(id, clean.join(QLatin1Char(',')).toStdString());
    } catch (const std::exception&) {
        return false;
    }
    refresh();
    return true;
}

int RunsBrowser::deleteRuns(const QList<qint64>& ids)
{
    if (!store_) return 0;
    int deleted = 0;
    for (qint64 id : ids) {
        try {
            const auto run = store_->run(id);
            if (!run || run->status == clwb::RunStatus::Running) continue;
            store_->deleteRun(id);
            QFile::remove(logPath(id));
            ++deleted;
        } catch (const std::exception&) {
        }
    }
    refresh();
    return deleted;
}

QString RunsBrowser::logPath(qint64 id) const
{
    return QString::fromStdString(clwb::runLogPath(path_.toStdString(), id));
}

void RunsBrowser::askRename()
{
    const auto ids = selectedRunIds();
    if (ids.size() != 1 || !store_) return;
    const auto run = store_->run(ids.first());
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Rename run"), tr("Name of run %1:").arg(ids.first()), QLineEdit::Normal,
        run ? QString::fromStdString(run->name) : QString(), &ok);
    if (ok) renameRun(ids.first(), name);
}

void RunsBrowser::askTags()
{
    const auto ids = selectedRunIds();
    if (ids.size() != 1 || !store_) return;
    const auto run = store_->run(ids.first());
    bool ok = false;
    const QString tags = QInputDialog::getText(
        this, tr("Tag run"), tr("Comma-separated tags for run %1:").arg(ids.first()),
        QLineEdit::Normal, run ? QString::fromStdString(run->tags) : QString(), &ok);
    if (ok) setRunTags(ids.first(), tags);
}

void RunsBrowser::askDelete()
{
    const auto ids = selectedRunIds();
    if (ids.isEmpty()) return;
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Delete %n run(s) and all their stored data? This cannot be undone.", nullptr,
           int(ids.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes) deleteRuns(ids);
}

void RunsBrowser::askOpenDatabase()
{
    QSettings settings;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Open or create a run database"), QFileInfo(path_).absolutePath(),
        tr("Run databases (*.sqlite *.db);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (!file.isEmpty()) setDatabasePath(file);
}
