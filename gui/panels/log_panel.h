// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only, bounded log view for engine and GUI messages.
#pragma once

#include <QPlainTextEdit>

#include <string>

#include "clwb/run_event.h"

class LogPanel : public QPlainTextEdit
{
    Q_OBJECT

public:
    enum class Level { Info, Warning, Error };
    static constexpr int kMaxLines = 5000;

    explicit LogPanel(QWidget* parent = nullptr);
    void appendLine(const QString& text, Level level = Level::Info);
    /// One line of the engine's log: warnings and errors prefixed and coloured; debug lines left
    /// out (the run's log file has them).
    void appendEngineLine(const std::string& message, clwb::LogLevel level);
};
