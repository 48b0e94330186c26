// SPDX-License-Identifier: GPL-3.0-or-later
// Light or dark: the desktop's palette by default, or one the user picks (View → Appearance).
#include "appearance.h"

#include <QApplication>
#include <QStyle>

namespace appearance {
namespace {

Mode currentMode = Mode::System;

/// The palette the desktop (platform theme) gave at start; System goes back to it.
const QPalette& desktopPalette()
{
    static const QPalette palette = QApplication::palette();
    return palette;
}

}  // namespace

Mode fromString(const QString& name)
{
    if (name == QLatin1String("light")) return Mode::Light;
    if (name == QLatin1String("dark")) return Mode::Dark;
    return Mode::System;
}

QString toString(Mode mode)
{
    switch (mode) {
        case Mode::Light:
            return QStringLiteral("light");
        case Mode::Dark:
            return QStringLiteral("dark");
        default:
            return QStringLiteral("system");
    }
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xe8, 0xe8, 0xe8);
    const QColor button(0x3a, 0x3c, 0x40), disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
    p.setColor(QPalette::ToolTipBase, button);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x42, 0x44, 0x48));
    p.setColor(QPalette::Mid, QColor(0x35, 0x37, 0x3a));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb4, 0x8c, 0xff));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

void apply(Mode mode)
{
    desktopPalette();  // remembered before the first change
    currentMode = mode;
    switch (mode) {
        case Mode::Light:
            QApplication::setPalette(QApplication::style()->standardPalette());
            break;
        case Mode::Dark:
            QApplication::setPalette(darkPalette());
            break;
        default:
            QApplication::setPalette(desktopPalette());
            break;
    }
}

Mode current()
{
    return currentMode;
}

}  // namespace appearance
