// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only, bounded log view for engine and GUI messages.
#include "panels/log_panel.h"

#include <QFontDatabase>
#include <QTime>

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(kMaxLines);  // old lines go, so a long run cannot eat memory
    setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setFamilies({mono.family(), QStringLiteral("Noto Sans Mono CJK JP")});
    setFont(mono);
}

void LogPanel::appendLine(const QString& text, Level level)
{
    const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    const QString escaped = text.toHtmlEscaped();
    QString color;
    if (level == Level::Warning) color = QStringLiteral("#a66a00");
    if (level == Level::Error) color = QStringLiteral("#c0392b");
    const QString body =
        color.isEmpty() ? escaped
                        : QStringLiteral("<span style=\"color:%1\">%2</span>").arg(color, escaped);
    appendHtml(QStringLiteral("<span style=\"color:#888\">%1</span> %2").arg(time, body));
}

void LogPanel::appendEngineLine(const std::string& message, clwb::LogLevel level)
{
    const QString text = QString::fromStdString(message);
    switch (level) {
        case clwb::LogLevel::Debug: return;
        case clwb::LogLevel::Info: appendLine(text); return;
        case clwb::LogLevel::Warning: appendLine(tr("Warning: %1").arg(text), Level::Warning); return;
        case clwb::LogLevel::Error: appendLine(tr("Error: %1").arg(text), Level::Error); return;
    }
}
