// SPDX-License-Identifier: GPL-3.0-or-later
// The Studies dock: the run database's studies with their progress, and the clwb-run study
// commands (merge, cancel, resubmit) run as child processes whose output goes to the log.
#include "panels/studies_dock.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

#include "clwb/study.h"
#include "clwb/study_summary.h"
#include "panels/study_view.h"

namespace {

/// A task state of `clwb-run study-status --json` in the dock's five counts.
void countState(StudiesDock::Counts& c, const QString& state, bool slurm)
{
    if (state == QLatin1String("finished"))
        ++c.done;
    else if (state == QLatin1String("running"))
        ++c.running;
    else if (state == QLatin1String("cancelled"))
        ++c.cancelled;
    else if (state == QLatin1String("pending") || (state == QLatin1String("unknown") && slurm))
        ++c.queued;  // Slurm's accounting may not know a task yet
    else
        ++c.failed;  // failed, timed-out, node-fail, preempted; a local task whose child is gone
}

}  // namespace

StudiesDock::StudiesDock(QWidget* parent)
    : QWidget(parent),
      hint_(new QLabel(this)),
      view_(new QTableWidget(this)),
      openButton_(new QPushButton(this)),
      mergeButton_(new QPushButton(this)),
      cancelButton_(new QPushButton(this)),
      resubmitButton_(new QPushButton(this)),
      reportButton_(new QPushButton(this)),
      refreshButton_(new QPushButton(this))
{
    openButton_->setObjectName(QStringLiteral("openStudyButton"));
    mergeButton_->setObjectName(QStringLiteral("mergeStudyButton"));
    cancelButton_->setObjectName(QStringLiteral("cancelStudyButton"));
    resubmitButton_->setObjectName(QStringLiteral("resubmitStudyButton"));
    reportButton_->setObjectName(QStringLiteral("reportStudyButton"));
    view_->setColumnCount(ColumnCount);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setAlternatingRowColors(true);
    hint_->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b :
         {openButton_, mergeButton_, cancelButton_, resubmitButton_, reportButton_, refreshButton_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(buttons);
    layout->addWidget(view_, 1);
    layout->addWidget(hint_);

    timer_.setInterval(kRefreshMs);
    connect(&timer_, &QTimer::timeout, this, &StudiesDock::refresh);
    connect(refreshButton_, &QPushButton::clicked, this, &StudiesDock::refresh);
    connect(openButton_, &QPushButton::clicked, this, [this] {
        if (const qint64 id = selectedStudyId()) Q_EMIT openStudyRequested(id);
    });
    connect(view_, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { Q_EMIT openStudyRequested(studyIdAt(row)); });
    connect(mergeButton_, &QPushButton::clicked, this, [this] { mergeStudy(selectedStudyId()); });
    connect(cancelButton_, &QPushButton::clicked, this, &StudiesDock::askCancel);
    connect(resubmitButton_, &QPushButton::clicked, this,
            [this] { resubmitStudy(selectedStudyId()); });
    connect(reportButton_, &QPushButton::clicked, this, &StudiesDock::askReport);
    connect(view_, &QTableWidget::itemSelectionChanged, this, &StudiesDock::updateButtons);
    retranslateUi();
    updateButtons();
}

StudiesDock::~StudiesDock()
{
    // A study this window started stops like on Ctrl+C: its children are stopped and what
    // finished is merged (a Slurm study has long been submitted and left by then).
    for (QProcess* p : studyProcesses_.keys()) {
        p->disconnect(this);
        p->terminate();
        p->waitForFinished(15000);
    }
    if (statusProcess_) statusProcess_->disconnect(this);
}

QString StudiesDock::clwbRunPath()
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("clwb-run"));
}

QString StudiesDock::clwbRunProblem()
{
    const QFileInfo info(clwbRunPath());
    if (info.isFile() && info.isExecutable()) return {};
    return tr("clwb-run was not found beside clwb (%1). Studies are run and managed by it: "
              "build it (ninja clwb-run) or install it in the same folder.")
        .arg(QDir::toNativeSeparators(info.absoluteFilePath()));
}

void StudiesDock::retranslateUi()
{
    view_->setHorizontalHeaderLabels({tr("ID"), tr("Name"), tr("Executor"), tr("Progress"),
                                      tr("Queued"), tr("Running"), tr("Done"), tr("Failed"),
                                      tr("Cancelled"), tr("Created")});
    openButton_->setText(tr("Open"));
    openButton_->setToolTip(tr("Show the study's results in the Study tab (or double-click it)"));
    mergeButton_->setText(tr("Merge finished"));
    mergeButton_->setToolTip(
        tr("Merge the runs of ended tasks from the study folder into the database "
           "(clwb-run study-merge)"));
    cancelButton_->setText(tr("Cancel…"));
    cancelButton_->setToolTip(tr("Stop the study's running tasks (clwb-run study-cancel)"));
    resubmitButton_->setText(tr("Resubmit failed"));
    resubmitButton_->setToolTip(
        tr("Submit a Slurm study's failed tasks again (clwb-run study-resubmit)"));
    reportButton_->setText(tr("Report…"));
    reportButton_->setToolTip(
        tr("Save the study's results over seeds as Markdown, CSV, LaTeX or JSON"));
    refreshButton_->setText(tr("Refresh"));
    hint_->setText(
        tr("Run → New Study… starts one. Studies run by clwb-run in a terminal show "
           "here too."));
    for (int row = 0; row < view_->rowCount(); ++row) updateRow(row);
}

void StudiesDock::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void StudiesDock::setStore(clwb::RunStore* store, const QString& databasePath)
{
    if (databasePath != dbPath_) {
        studies_.clear();
        totals_.clear();
    }
    store_ = store;
    dbPath_ = databasePath;
    refresh();
}

qint64 StudiesDock::studyIdAt(int row) const
{
    return row >= 0 && row < int(studies_.size()) ? studies_[size_t(row)].record.id : 0;
}

int StudiesDock::rowOf(qint64 studyId) const
{
    for (size_t i = 0; i < studies_.size(); ++i)
        if (studies_[i].record.id == studyId) return int(i);
    return -1;
}

const StudiesDock::Study* StudiesDock::find(qint64 studyId) const
{
    const int row = rowOf(studyId);
    return row < 0 ? nullptr : &studies_[size_t(row)];
}

StudiesDock::Counts StudiesDock::counts(qint64 studyId) const
{
    const Study* s = find(studyId);
    return s ? s->counts : Counts{};
}

qint64 StudiesDock::selectedStudyId() const
{
    const auto rows = view_->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : studyIdAt(rows.first().row());
}

void StudiesDock::selectStudy(qint64 studyId)
{
    const int row = rowOf(studyId);
    if (row >= 0) view_->selectRow(row);
}

int StudiesDock::runningProcesses() const
{
    return int(studyProcesses_.size());
}

StudiesDock::Counts StudiesDock::countFromStore(const clwb::StudyRecord& record) const
{
    Counts c;
    int members = 0;
    for (const auto& m : store_->runsOfStudy(record.id)) {
        ++members;
        const auto run = store_->run(m.runId);
        switch (run ? run->status : clwb::RunStatus::Interrupted) {
            case clwb::RunStatus::Finished:
                ++c.done;
                break;
            case clwb::RunStatus::Running:
                ++c.running;
                break;
            case clwb::RunStatus::Cancelled:
                ++c.cancelled;
                break;
            default:
                ++c.failed;
        }
    }
    // The runs not stored yet: the study document says how many there are.
    const int total = totals_.value(record.id, members);
    c.queued = std::max(0, total - members);
    const bool ours = std::find(studyProcesses_.cbegin(), studyProcesses_.cend(), record.id) !=
                      studyProcesses_.cend();
    if (ours && c.queued > 0 && c.running == 0) {
        --c.queued;  // an in-process study stores a run when it ends: one is under way
        ++c.running;
    }
    return c;
}

void StudiesDock::refresh()
{
    if (!store_) return;
    const qint64 selected = selectedStudyId();
    std::vector<Study> fresh;
    try {
        for (const auto& record : store_->listStudies()) {
            Study s;
            if (const Study* old = find(record.id)) s = *old;
            s.record = record;
            if (!totals_.contains(record.id)) {
                // Relative base files resolve beside the database, where the dialog writes.
                const auto parsed =
                    clwb::parseStudy(record.json, QFileInfo(dbPath_).absolutePath().toStdString());
                const auto expansion =
                    parsed.ok() ? clwb::expandStudy(parsed.spec, false) : clwb::StudyExpansion{};
                if (parsed.ok() && expansion.ok()) totals_[record.id] = int(expansion.runs.size());
            }
            if (record.folder.empty() || !s.fromStatus) s.counts = countFromStore(record);
            fresh.push_back(s);
        }
    } catch (const std::exception& e) {
        Q_EMIT message(tr("Cannot list the studies: %1").arg(QString::fromUtf8(e.what())), 2);
    }
    studies_ = std::move(fresh);
    view_->setRowCount(int(studies_.size()));
    for (int row = 0; row < int(studies_.size()); ++row) updateRow(row);
    view_->resizeColumnsToContents();
    selectStudy(selected);
    // Folder studies (local pool, Slurm) know their tasks' states: ask clwb-run.
    for (const Study& s : studies_)
        if (!s.record.folder.empty() && (!s.fromStatus || active(s))) queryStatus(s.record.id);
    updateTimer();
    updateButtons();
    if (!isQuerying()) Q_EMIT refreshed();
}

bool StudiesDock::active(const Study& s) const
{
    const bool ours = std::find(studyProcesses_.cbegin(), studyProcesses_.cend(), s.record.id) !=
                      studyProcesses_.cend();
    return ours || s.counts.running > 0 || (s.record.executor == "slurm" && s.counts.queued > 0);
}

void StudiesDock::updateTimer()
{
    bool any = !studyProcesses_.isEmpty();
    for (const Study& s : studies_) any = any || active(s);
    if (any && !timer_.isActive()) timer_.start();
    if (!any) timer_.stop();
}

void StudiesDock::updateRow(int row)
{
    if (row < 0 || row >= int(studies_.size())) return;
    const Study& s = studies_[size_t(row)];
    const auto text = [](const std::string& t) { return QString::fromStdString(t); };
    const QString executor = s.record.executor == "inprocess" ? tr("in process")
                             : s.record.executor == "local"   ? tr("local pool")
                             : s.record.executor == "slurm"   ? tr("Slurm")
                                                              : text(s.record.executor);
    const Counts& c = s.counts;
    const QString cells[ColumnCount] = {
        QString::number(s.record.id),
        text(s.record.name),
        executor,
        QString(),
        QString::number(c.queued),
        QString::number(c.running),
        QString::number(c.done),
        QString::number(c.failed),
        QString::number(c.cancelled),
        text(s.record.createdAt).left(19).replace(QLatin1Char('T'), QLatin1Char(' '))};
    for (int col = 0; col < ColumnCount; ++col) {
        auto* item = view_->item(row, col);
        if (!item) {
            item = new QTableWidgetItem;
            view_->setItem(row, col, item);
        }
        item->setText(cells[col]);
        if (col >= QueuedColumn && col <= CancelledColumn)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    QString tip = s.record.folder.empty()
                      ? tr("Run in process; its runs are in the database.")
                      : tr("Study folder: %1").arg(QDir::toNativeSeparators(text(s.record.folder)));
    if (!s.statusProblem.isEmpty()) tip += QLatin1Char('\n') + s.statusProblem;
    view_->item(row, NameColumn)->setToolTip(tip);
    auto* bar = qobject_cast<QProgressBar*>(view_->cellWidget(row, ProgressColumn));
    if (!bar) {
        bar = new QProgressBar;
        bar->setTextVisible(true);
        view_->setCellWidget(row, ProgressColumn, bar);
    }
    bar->setRange(0, std::max(1, c.total()));
    bar->setValue(c.ended());
    bar->setFormat(QStringLiteral("%1 / %2").arg(c.ended()).arg(c.total()));
    bar->setToolTip(tr("%1 of %2 ended").arg(c.ended()).arg(c.total()));
}

void StudiesDock::updateButtons()
{
    const Study* s = find(selectedStudyId());
    const bool folder = s && !s->record.folder.empty();
    const bool ours = s && std::find(studyProcesses_.cbegin(), studyProcesses_.cend(),
                                     s->record.id) != studyProcesses_.cend();
    openButton_->setEnabled(s);
    mergeButton_->setEnabled(folder);
    cancelButton_->setEnabled(s && (ours || (folder && active(*s))));
    resubmitButton_->setEnabled(s && s->record.executor == "slurm" && s->counts.failed > 0);
    reportButton_->setEnabled(s && s->counts.done > 0);
}

void StudiesDock::queryStatus(qint64 studyId)
{
    if (statusQueue_.contains(studyId) || (statusProcess_ && statusStudy_ == studyId) ||
        !clwbRunProblem().isEmpty())
        return;
    statusQueue_.append(studyId);
    nextStatusQuery();
}

void StudiesDock::nextStatusQuery()
{
    // One study-status at a time: a database with many studies starts no crowd of processes.
    if (statusProcess_ || statusQueue_.isEmpty()) return;
    const qint64 studyId = statusQueue_.takeFirst();
    auto* p = new QProcess(this);
    statusProcess_ = p;
    statusStudy_ = studyId;
    connect(p, &QProcess::finished, this, [this, studyId, p] { statusAnswered(studyId, p); });
    connect(p, &QProcess::errorOccurred, this, [this, studyId, p](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) statusAnswered(studyId, p);
    });
    p->start(clwbRunPath(), {QStringLiteral("study-status"), QString::number(studyId),
                             QStringLiteral("--db"), dbPath_, QStringLiteral("--json")});
}

void StudiesDock::statusAnswered(qint64 studyId, QProcess* p)
{
    if (statusProcess_ != p) return;
    statusProcess_ = nullptr;
    p->deleteLater();
    const int row = rowOf(studyId);
    if (row >= 0) {
        Study& s = studies_[size_t(row)];
        const QJsonDocument doc = QJsonDocument::fromJson(p->readAllStandardOutput());
        const QJsonArray tasks = doc.object().value(QStringLiteral("tasks")).toArray();
        if (p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0 && doc.isObject()) {
            Counts c;
            for (const auto& t : tasks)
                countState(c, t.toObject().value(QStringLiteral("state")).toString(),
                           s.record.executor == "slurm");
            s.counts = c;
            s.fromStatus = true;
            s.statusProblem.clear();
        } else {
            s.statusProblem = QString::fromLocal8Bit(p->readAllStandardError()).trimmed();
            if (s.statusProblem.isEmpty()) s.statusProblem = p->errorString();
        }
        updateRow(row);
    }
    updateTimer();
    updateButtons();
    nextStatusQuery();
    if (!isQuerying()) Q_EMIT refreshed();
}

void StudiesDock::forwardOutput(QProcess* p, bool error)
{
    const QByteArray data = error ? p->readAllStandardError() : p->readAllStandardOutput();
    for (const QString& line : QString::fromLocal8Bit(data).split(QLatin1Char('\n'))) {
        if (line.trimmed().isEmpty()) continue;
        // "study 7 "name": 12 runs, …" is the first thing clwb-run study says.
        static const QRegularExpression started(QStringLiteral("^study (\\d+) "));
        const auto m = started.match(line);
        if (m.hasMatch() && studyProcesses_.value(p, -1) == 0) {
            studyProcesses_[p] = m.captured(1).toLongLong();
            refresh();
        }
        Q_EMIT message(QStringLiteral("clwb-run: ") + line, 0);
    }
}

QProcess* StudiesDock::runClwb(const QStringList& arguments, const QString& what)
{
    if (const QString problem = clwbRunProblem(); !problem.isEmpty()) {
        Q_EMIT message(problem, 2);
        return nullptr;
    }
    auto* p = new QProcess(this);
    connect(p, &QProcess::readyReadStandardOutput, this, [this, p] { forwardOutput(p, false); });
    connect(p, &QProcess::readyReadStandardError, this, [this, p] { forwardOutput(p, true); });
    connect(p, &QProcess::finished, this, [this, p, what](int code, QProcess::ExitStatus status) {
        forwardOutput(p, false);
        forwardOutput(p, true);
        studyProcesses_.remove(p);
        p->deleteLater();
        const bool ok = status == QProcess::NormalExit && code == 0;
        Q_EMIT message(
            ok ? tr("%1: done").arg(what) : tr("%1: ended with exit code %2").arg(what).arg(code),
            ok ? 0 : 1);
        Q_EMIT runsChanged();
        refresh();
    });
    connect(p, &QProcess::errorOccurred, this, [this, p, what](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) return;
        studyProcesses_.remove(p);
        p->deleteLater();
        Q_EMIT message(tr("%1: cannot start clwb-run: %2").arg(what, p->errorString()), 2);
        updateTimer();
    });
    Q_EMIT message(QStringLiteral("clwb-run %1").arg(arguments.join(QLatin1Char(' '))), 0);
    p->start(clwbRunPath(), arguments);
    return p;
}

bool StudiesDock::startStudy(const QStringList& arguments)
{
    QProcess* p = runClwb(arguments, tr("Study"));
    if (!p) return false;
    studyProcesses_.insert(p, 0);
    updateTimer();
    return true;
}

bool StudiesDock::mergeStudy(qint64 studyId)
{
    const Study* s = find(studyId);
    if (!s || s->record.folder.empty()) return false;
    return runClwb({QStringLiteral("study-merge"), QString::fromStdString(s->record.folder)},
                   tr("Merge of study %1").arg(studyId));
}

bool StudiesDock::cancelStudy(qint64 studyId)
{
    const Study* s = find(studyId);
    if (!s) return false;
    bool done = false;
    // A study this window runs stops like on Ctrl+C: children stopped, finished runs merged.
    for (auto it = studyProcesses_.cbegin(); it != studyProcesses_.cend(); ++it)
        if (it.value() == studyId) {
            it.key()->terminate();
            done = true;
        }
    if (!s->record.folder.empty())
        done = runClwb({QStringLiteral("study-cancel"), QString::fromStdString(s->record.folder)},
                       tr("Cancel of study %1").arg(studyId)) ||
               done;
    return done;
}

bool StudiesDock::resubmitStudy(qint64 studyId)
{
    const Study* s = find(studyId);
    if (!s || s->record.executor != "slurm") return false;
    return runClwb({QStringLiteral("study-resubmit"), QString::fromStdString(s->record.folder)},
                   tr("Resubmission of study %1").arg(studyId));
}

bool StudiesDock::writeReport(qint64 studyId, const QString& file)
{
    if (!store_) return false;
    const QString suffix = QFileInfo(file).suffix().toLower();
    const StudyView::Format format = suffix == QLatin1String("csv")   ? StudyView::Format::Csv
                                     : suffix == QLatin1String("tex") ? StudyView::Format::Latex
                                     : suffix == QLatin1String("json")
                                         ? StudyView::Format::Json
                                         : StudyView::Format::Markdown;
    try {
        const std::string text =
            StudyView::exportText(format, clwb::summarizeStudy(*store_, studyId));
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
        return f.write(text.data(), qint64(text.size())) == qint64(text.size()) && f.flush();
    } catch (const std::exception& e) {
        Q_EMIT message(
            tr("Cannot summarise study %1: %2").arg(studyId).arg(QString::fromUtf8(e.what())), 2);
        return false;
    }
}

void StudiesDock::askCancel()
{
    const qint64 id = selectedStudyId();
    if (!id) return;
    const auto answer = QMessageBox::question(
        this, tr("Cancel study"),
        tr("Stop the running tasks of study %1? Runs that finished stay; the stopped ones are "
           "stored as cancelled.")
            .arg(id),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes) cancelStudy(id);
}

void StudiesDock::askReport()
{
    const qint64 id = selectedStudyId();
    if (!id) return;
    QSettings settings;
    QString filter;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save the study's report"),
        settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Markdown (*.md);;CSV (*.csv);;LaTeX (*.tex);;JSON (*.json)"), &filter);
    if (file.isEmpty()) return;
    if (QFileInfo(file).suffix().isEmpty()) {
        static const QRegularExpression ext(QStringLiteral("\\*(\\.\\w+)"));
        file += ext.match(filter).captured(1);
    }
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(file).absolutePath());
    if (writeReport(id, file))
        Q_EMIT message(tr("Study report saved to %1").arg(QDir::toNativeSeparators(file)), 0);
    else
        Q_EMIT message(tr("Cannot write %1").arg(QDir::toNativeSeparators(file)), 2);
}
