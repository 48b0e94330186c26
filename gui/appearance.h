// SPDX-License-Identifier: GPL-3.0-or-later
// Light or dark: the desktop's palette by default, or one the user picks (View → Appearance).
#pragma once

#include <QPalette>
#include <QString>

namespace appearance {

enum class Mode { System, Light, Dark };

/// "system" | "light" | "dark"; anything else is System.
Mode fromString(const QString& name);
QString toString(Mode mode);

/// Sets the application palette: the desktop's one as it was at start (System), the style's
/// light one, or darkPalette(). Every widget, the charts included, follows at once.
void apply(Mode mode);
Mode current();

/// A dark palette with the contrast of the light one (text on base ≥ 12:1).
QPalette darkPalette();

}  // namespace appearance
