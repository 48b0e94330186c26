// SPDX-License-Identifier: GPL-3.0-or-later
// Installs the application and Qt translators for a language at run time.
#include "translation_manager.h"

#include <QApplication>
#include <QFont>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace translation_manager {

namespace {

QTranslator* appTranslator = nullptr;
QTranslator* qtTranslator = nullptr;
QString current = QStringLiteral("en");

}  // namespace

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("ja")};
}

QString systemLanguage()
{
    return QLocale::system().language() == QLocale::Japanese ? QStringLiteral("ja")
                                                             : QStringLiteral("en");
}

QString language()
{
    return current;
}

bool setLanguage(const QString& code)
{
    if (!availableLanguages().contains(code)) return false;
    for (QTranslator** t : {&appTranslator, &qtTranslator}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    bool ok = true;
    if (code != QLatin1String("en")) {
        appTranslator = new QTranslator(qApp);
        ok = appTranslator->load(QStringLiteral(":/i18n/clwb_%1.qm").arg(code));
        if (ok) QCoreApplication::installTranslator(appTranslator);
        qtTranslator = new QTranslator(qApp);
        // Standard dialog buttons etc.; optional (qt6-translations-l10n).
        if (qtTranslator->load(QStringLiteral("qtbase_%1").arg(code),
                               QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(qtTranslator);
    }
    current = ok ? code : QStringLiteral("en");
    QLocale::setDefault(
        QLocale(current == QLatin1String("ja") ? QLocale::Japanese : QLocale::English,
                current == QLatin1String("ja") ? QLocale::Japan : QLocale::UnitedStates));
    if (current == QLatin1String("en")) {
        // Removing translators alone posts no LanguageChange when none was installed before.
        QEvent change(QEvent::LanguageChange);
        QCoreApplication::sendEvent(qApp, &change);
    }
    return ok;
}

void installFonts()
{
    QFont font = QApplication::font();
    const QString family = font.family();
    font.setFamilies({family, QStringLiteral("Noto Sans CJK JP")});
    QApplication::setFont(font);
}

}  // namespace translation_manager
