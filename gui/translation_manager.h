// SPDX-License-Identifier: GPL-3.0-or-later
// Installs the application and Qt translators for a language at run time.
#pragma once

#include <QString>
#include <QStringList>

namespace translation_manager {

/// "en" or "ja". Replaces the installed translators (ours from :/i18n, qtbase from Qt's
/// translations directory when present) and sets the default locale; Qt then sends
/// QEvent::LanguageChange to every widget. Returns false if our catalogue is missing.
bool setLanguage(const QString& code);
QString language();
QStringList availableLanguages();
/// Our language for the system locale: "ja" for Japanese, otherwise "en".
QString systemLanguage();
/// Adds Noto Sans CJK JP as the fallback family so Japanese never renders as boxes or with
/// Chinese glyph forms, without changing the Latin font.
void installFonts();

}  // namespace translation_manager
