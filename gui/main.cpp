// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of the clwb workbench: command line, settings, language, main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <functional>

#include "appearance.h"
#include "clwb/engine.h"
#include "main_window.h"
#include "panels/backbone_dialog.h"
#include "panels/chart_area.h"
#include "panels/dataset_picker.h"
#include "panels/experiment_panel.h"
#include "panels/presentation_view.h"
#include "panels/preview_strip.h"
#include "translation_manager.h"

namespace {

/// --design-screenshot: once the dataset is inspected and the preview decoded (or the import
/// dialog has read its checkpoint), grabs the preview tab's window or the dialog and exits.
int designScreenshot(MainWindow& window, const QString& file, const QString& checkpoint)
{
    QWidget* target = &window;
    std::function<bool()> ready;
    if (!checkpoint.isEmpty()) {
        auto* dialog = new BackboneDialog(&window);
        dialog->setCheckpoint(checkpoint);
        dialog->show();
        target = dialog;
        ready = [dialog] { return !dialog->isInspecting(); };
    } else {
        if (auto* tabs = qobject_cast<QTabWidget*>(window.centralWidget()))
            tabs->setCurrentWidget(window.previewStrip());
        ready = [&window] {
            return !window.experimentPanel()->datasetPicker()->isInspecting() &&
                   !window.previewStrip()->isLoading();
        };
    }
    auto* poll = new QTimer(&window);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(poll, &QTimer::timeout, &window, [=] {
        const bool timedOut = clock.elapsed() > 120000;
        if (!ready() && !timedOut) return;
        poll->stop();
        if (timedOut) std::fprintf(stderr, "clwb: the design was still loading after 120 s\n");
        QTimer::singleShot(500, target, [=] {  // let the last layout and paint happen
            const bool ok = target->grab().save(file);
            if (!ok) std::fprintf(stderr, "clwb: cannot save %s\n", qPrintable(file));
            QCoreApplication::exit(ok && !timedOut ? 0 : 1);
        });
    });
    poll->start(100);
    return QApplication::exec();
}

}  // namespace

int main(int argc, char* argv[])
{
    // Before anything starts OpenMP: spinning workers would starve the GUI thread of a core.
    clwb::preferPassiveOpenMp(argv);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("CLWorkbench"));
    QCoreApplication::setApplicationName(QStringLiteral("clwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("CL Workbench"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.clworkbench.clwb"));
    translation_manager::installFonts();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "CL Workbench: continual-learning experiments."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QCoreApplication::translate("main", "Load the demo and run it."));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QCoreApplication::translate("main", "Start CONFIG at once."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a screenshot of the window when the run ends."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption midScreenshot(
        QStringLiteral("mid-screenshot"),
        QCoreApplication::translate("main", "Also save a screenshot while the run is in progress."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption midScreenshotAfter(
        QStringLiteral("mid-screenshot-after"),
        QCoreApplication::translate("main", "Seconds after the start for --mid-screenshot (default 15)."),
        QStringLiteral("SECONDS"), QStringLiteral("15"));
    const QCommandLineOption report(
        QStringLiteral("report"),
        QCoreApplication::translate("main", "Write a PDF report when the run ends."),
        QStringLiteral("FILE.pdf"));
    const QCommandLineOption quitWhenDone(
        QStringLiteral("quit-when-done"),
        QCoreApplication::translate("main", "Exit when the run (and screenshot) is done."));
    const QCommandLineOption db(QStringLiteral("db"),
                                QCoreApplication::translate("main", "Run database file."),
                                QStringLiteral("FILE"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QCoreApplication::translate("main", "Interface language."),
                                  QStringLiteral("en|ja"));
    const QCommandLineOption designShot(
        QStringLiteral("design-screenshot"),
        QCoreApplication::translate("main",
                                    "Run nothing; save a screenshot of the dataset preview "
                                    "(or of the --import-backbone dialog) and exit."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption importBackbone(
        QStringLiteral("import-backbone"),
        QCoreApplication::translate("main", "Open the backbone import dialog on CHECKPOINT."),
        QStringLiteral("CHECKPOINT"));
    const QCommandLineOption inspect(
        QStringLiteral("inspect"),
        QCoreApplication::translate("main", "Inspection view shown at start."),
        QStringLiteral("importance|confusion|drift|gallery"));
    const QCommandLineOption present(
        QStringLiteral("present"),
        QCoreApplication::translate("main", "Presentation mode on the run as soon as it starts."));
    const QCommandLineOption presentRuns(
        QStringLiteral("present-runs"),
        QCoreApplication::translate("main",
                                    "Presentation mode on stored runs (one, or two side by side)."),
        QStringLiteral("ID[,ID]"));
    const QCommandLineOption presentAt(
        QStringLiteral("present-at"),
        QCoreApplication::translate("main",
                                    "Boundary shown before --screenshot (0 = before training)."),
        QStringLiteral("K"));
    const QCommandLineOption appearanceOption(
        QStringLiteral("appearance"),
        QCoreApplication::translate("main", "Light or dark (default: as the desktop, or as last chosen)."),
        QStringLiteral("system|light|dark"));
    for (const auto& o : {appearanceOption, demo, run, screenshot, midScreenshot, midScreenshotAfter, report,
                          quitWhenDone, db, lang, designShot, importBackbone, inspect, present,
                          presentRuns, presentAt})
        parser.addOption(o);
    parser.addPositionalArgument(QStringLiteral("CONFIG.json"),
                                 QCoreApplication::translate("main", "Experiment to open."));
    parser.process(app);

    QSettings settings;
    QString language =
        parser.isSet(lang)
            ? parser.value(lang)
            : settings.value(QStringLiteral("language"), translation_manager::systemLanguage())
                  .toString();
    if (!translation_manager::availableLanguages().contains(language)) {
        std::fprintf(stderr, "clwb: unknown language '%s' (use en or ja)\n", qPrintable(language));
        return 2;
    }
    translation_manager::setLanguage(language);
    if (parser.isSet(lang)) settings.setValue(QStringLiteral("language"), language);

    // Before the window exists, so its menu shows the mode in force.
    appearance::apply(appearance::fromString(
        parser.isSet(appearanceOption)
            ? parser.value(appearanceOption)
            : settings.value(QStringLiteral("appearance")).toString()));
    MainWindow window(parser.value(db));
    const bool design = parser.isSet(designShot);
    const bool batch = !design && (parser.isSet(quitWhenDone) || parser.isSet(screenshot));
    window.setInteractive(!batch && !design);
    if (parser.isSet(screenshot) || parser.isSet(quitWhenDone))
        window.setScreenshotOnFinish(parser.value(screenshot), parser.isSet(quitWhenDone));
    if (parser.isSet(report)) window.setReportOnFinish(parser.value(report));
    window.show();

    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty() && !window.loadExperiment(args.first())) return batch || design ? 2 : 1;
    if (design)
        return designScreenshot(window, parser.value(designShot), parser.value(importBackbone));
    if (parser.isSet(importBackbone)) {
        auto* dialog = new BackboneDialog(&window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setCheckpoint(parser.value(importBackbone));
        QObject::connect(dialog, &QDialog::accepted, &window, [&window, dialog] {
            window.experimentPanel()->useCheckpoint(dialog->modelConfig());
        });
        dialog->open();
    }
    if (parser.value(inspect) == QStringLiteral("confusion"))
        window.chartArea()->inspectionTabs()->setCurrentIndex(1);
    if (parser.value(inspect) == QStringLiteral("drift"))
        window.chartArea()->inspectionTabs()->setCurrentIndex(2);
    if (parser.value(inspect) == QStringLiteral("gallery")) window.showGallery();
    if (parser.isSet(presentAt))
        QObject::connect(&window, &MainWindow::batchFinished, &window, [&window, &parser, presentAt] {
            if (window.presentation())
                window.presentation()->setBoundary(parser.value(presentAt).toInt());
        });
    if (parser.isSet(presentRuns)) {
        QList<qint64> ids;
        for (const QString& id : parser.value(presentRuns).split(QLatin1Char(',')))
            ids.append(id.toLongLong());
        if (!window.presentRuns(ids)) {
            std::fprintf(stderr, "clwb: no such run in %s\n", qPrintable(window.databasePath()));
            return 2;
        }
        if (parser.isSet(presentAt))
            window.presentation()->setBoundary(parser.value(presentAt).toInt());
        if (parser.isSet(screenshot)) {
            QTimer::singleShot(800, &window, [&window, file = parser.value(screenshot)] {
                const bool ok = window.presentation()->grab().save(file);
                if (!ok) std::fprintf(stderr, "clwb: cannot save %s\n", qPrintable(file));
                QCoreApplication::exit(ok ? 0 : 1);
            });
        }
        return app.exec();
    }
    bool started = true;
    if (parser.isSet(demo))
        started = window.runDemo();
    else if (parser.isSet(run) || (batch && !args.isEmpty()))
        started = window.startExperiment();
    else if (batch) {
        std::fprintf(stderr, "clwb: nothing to run (give --demo or a CONFIG.json)\n");
        return 2;
    }
    if (!started && batch) return 2;
    if (started && parser.isSet(present)) {
        // Once the first events are in, so the live lane has something to draw.
        auto* wait = new QTimer(&window);
        QObject::connect(wait, &QTimer::timeout, &window, [&window, wait] {
            if (window.present()) wait->deleteLater();
        });
        wait->start(200);
    }
    if (parser.isSet(midScreenshot)) {
        const QString file = parser.value(midScreenshot);
        const int ms = int(parser.value(midScreenshotAfter).toDouble() * 1000.0);
        QTimer::singleShot(ms, &window, [&window, file] {
            if (!window.grab().save(file))
                std::fprintf(stderr, "clwb: cannot save %s\n", qPrintable(file));
        });
    }
    return app.exec();
}
