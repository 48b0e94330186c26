// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's settings, experiment files, recent files and exports (CSV, PDF report).
#include "main_window.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QStatusBar>
#include <QUndoStack>

#include "charts/accuracy_matrix_chart.h"
#include "clwb/strategy_info.h"
#include "export/report_builder.h"
#include "panels/chart_area.h"
#include "panels/experiment_panel.h"
#include "panels/log_panel.h"
#include "panels/metrics_panel.h"
#include "panels/runs_browser.h"
#include "strategy_strings.h"
#include "translation_manager.h"

namespace {

constexpr int kMaxRecentFiles = 8;

}  // namespace

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) {
        // First start: most of the screen, since the charts need room.
        const QRect avail = screen()->availableGeometry();
        resize(std::min(1600, avail.width() * 95 / 100), std::min(1000, avail.height() * 95 / 100));
        // The log gets a fifth of the height at most: on a 768-pixel screen the charts need it.
        // Once shown: before, the dock layout has no size to share and keeps its own.
        const int logHeight = std::clamp(avail.height() / 7, 90, 200);
        QTimer::singleShot(0, this,
                           [this, logHeight] { resizeDocks({logDock_}, {logHeight}, Qt::Vertical); });
    }
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray(), kLayoutVersion);
    updateRecentMenu();
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState(kLayoutVersion));
}

void MainWindow::updateTitle()
{
    const QString file =
        currentFile_.isEmpty() ? tr("Untitled experiment") : QFileInfo(currentFile_).fileName();
    setWindowTitle(tr("%1[*] — CL Workbench").arg(file));
}

void MainWindow::updateRecentMenu()
{
    recentMenu_->clear();
    QStringList files = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    files.erase(std::remove_if(files.begin(), files.end(),
                               [](const QString& f) { return !QFileInfo::exists(f); }),
                files.end());
    for (const QString& f : files) {
        QAction* a = recentMenu_->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] {
            if (maybeSave()) loadExperiment(f);
        });
    }
    recentMenu_->setEnabled(!files.isEmpty());
}

void MainWindow::addRecentFile(const QString& file)
{
    QSettings settings;
    QStringList files = settings.value(QStringLiteral("recentFiles")).toStringList();
    const QString abs = QFileInfo(file).absoluteFilePath();
    files.removeAll(abs);
    files.prepend(abs);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), files);
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(abs).absolutePath());
    updateRecentMenu();
}

bool MainWindow::loadExperiment(const QString& file)
{
    const auto result = clwb::loadRunConfig(file.toStdString());
    // Parse errors (syntax, unknown keys, wrong types) reject the file; problems only found by
    // validation (e.g. a missing checkpoint) still load, and Start reports them.
    QStringList problems;
    for (const auto& e : result.errors)
        problems << QStringLiteral("%1: %2").arg(QString::fromStdString(e.path),
                                                 QString::fromStdString(e.message));
    const bool unreadable =
        !result.ok() && result.errors.size() == 1 && result.errors.front().path.empty();
    if (unreadable) {
        reportProblem(tr("Cannot open experiment"), problems.join(QLatin1Char('\n')));
        return false;
    }
    experiment_->setConfig(result.config);
    currentFile_ = file;
    addRecentFile(file);
    setWindowModified(false);
    updateTitle();
    log_->appendLine(tr("Loaded %1").arg(QDir::toNativeSeparators(file)));
    if (!problems.isEmpty())
        log_->appendLine(
            tr("The experiment has problems:\n%1").arg(problems.join(QLatin1Char('\n'))),
            LogPanel::Level::Warning);
    return true;
}

void MainWindow::openExperimentDialog()
{
    if (!maybeSave()) return;
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open experiment"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Experiments (*.json);;All files (*)"));
    if (!file.isEmpty()) loadExperiment(file);
}

bool MainWindow::writeExperiment(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        reportProblem(tr("Cannot save experiment"), f.errorString());
        return false;
    }
    f.write(QByteArray::fromStdString(clwb::toJson(experiment_->config()) + "\n"));
    f.close();
    currentFile_ = file;
    addRecentFile(file);
    experiment_->undoStack()->setClean();
    setWindowModified(false);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
    return true;
}

bool MainWindow::saveExperiment()
{
    return currentFile_.isEmpty() ? saveExperimentAs() : writeExperiment(currentFile_);
}

bool MainWindow::saveExperimentAs()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save experiment"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("Experiments (*.json)"));
    if (file.isEmpty()) return false;
    if (!file.endsWith(QLatin1String(".json"))) file += QStringLiteral(".json");
    return writeExperiment(file);
}

bool MainWindow::maybeSave()
{
    if (!isWindowModified() || !interactive_) return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved experiment"), tr("The experiment has been modified. Save it?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save) return saveExperiment();
    return answer == QMessageBox::Discard;
}

void MainWindow::exportCsv()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export matrix and metrics"),
        settings.value(QStringLiteral("lastDirectory")).toString(), tr("CSV files (*.csv)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".csv"))) file += QStringLiteral(".csv");
    if (!writeCsv(file))
        reportProblem(tr("Cannot write CSV"), file);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
}

bool MainWindow::writeCsv(const QString& file)
{
    std::vector<std::pair<QString, double>> metrics;
    for (const auto& key : MetricsPanel::keys())
        metrics.emplace_back(QString::fromStdString(key), charts_->metrics()->value(key));
    return report_writer::writeCsv(file, charts_->matrix()->rows(), charts_->matrix()->initialRow(),
                                   metrics);
}

void MainWindow::exportReport()
{
    QSettings settings;
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export PDF report"), settings.value(QStringLiteral("lastDirectory")).toString(),
        tr("PDF files (*.pdf)"));
    if (file.isEmpty()) return;
    if (!file.endsWith(QLatin1String(".pdf"))) file += QStringLiteral(".pdf");
    if (writeReport(file))
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(file)), 5000);
    else
        reportProblem(tr("Cannot write PDF"), file);
}

bool MainWindow::writeReport(const QString& file)
{
    const auto r = ReportBuilder::build(*charts_, shownConfig_);
    // The run's log file goes beside the PDF, so the report carries its warnings.
    const QString log = shownRunId_ ? runs_->logPath(shownRunId_) : QString();
    return report_writer::writePdf(file, r) && report_writer::copyRunLog(file, log);
}
