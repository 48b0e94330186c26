// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of the clwb workbench: command line, settings, language, main window.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <cstdio>

#include "clwb/engine.h"
#include "main_window.h"
#include "translation_manager.h"

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
    for (const auto& o :
         {demo, run, screenshot, midScreenshot, midScreenshotAfter, report, quitWhenDone, db, lang})
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

    MainWindow window(parser.value(db));
    const bool batch = parser.isSet(quitWhenDone) || parser.isSet(screenshot);
    window.setInteractive(!batch);
    if (parser.isSet(screenshot) || parser.isSet(quitWhenDone))
        window.setScreenshotOnFinish(parser.value(screenshot), parser.isSet(quitWhenDone));
    if (parser.isSet(report)) window.setReportOnFinish(parser.value(report));
    window.show();

    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty() && !window.loadExperiment(args.first())) return batch ? 2 : 1;
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
