// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only, bounded log view for engine and GUI messages.
#pragma once

#include <QPlainTextEdit>

class LogPanel : public QPlainTextEdit
{
    Q_OBJECT

public:
    enum class Level { Info, Warning, Error };
    static constexpr int kMaxLines = 5000;

    explicit LogPanel(QWidget* parent = nullptr);
    void appendLine(const QString& text, Level level = Level::Info);
};
