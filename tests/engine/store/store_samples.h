// SPDX-License-Identifier: GPL-3.0-or-later
// What the store tests share: a sample run record, fresh database paths, ISO time stamps.
#pragma once

#include <QRegularExpression>
#include <QString>
#include <QTemporaryDir>

#include <string>

#include "clwb/run_store.h"

namespace clwb::test {

inline QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

/// "2026-11-29T18:42:10.123Z", as the store writes times.
inline const QRegularExpression kIsoUtc(
    QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));

inline RunRecord sampleRun(const std::string& name)
{
    RunRecord r;
    r.name = name;
    r.strategy = "ewc";
    r.configJson = R"({"lr":0.001,"tasks":5})";
    r.seed = 42;
    r.versionsJson = R"({"clwb":"0.1.0"})";
    r.device = "cpu";
    r.tags = "baseline";
    return r;
}

/// A database path of its own (number `n`) in `dir`, in a subfolder that does not exist yet.
inline std::string freshStorePath(const QTemporaryDir& dir, int n)
{
    return dir.filePath(QStringLiteral("db%1/sub/runs.sqlite").arg(n)).toStdString();
}

}  // namespace clwb::test
