// SPDX-License-Identifier: GPL-3.0-or-later
// What the tests of stored runs share: a sample run record, fresh database paths, ISO times.
#pragma once

#include <QRegularExpression>
#include <QString>
#include <QTemporaryDir>

#include <string>
#include <utility>

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

/// A test's temporary folder handing out a fresh database path per call: `pattern` with %1 =
/// 1, 2, ... (a pattern with folders gives paths whose folders do not exist yet).
class TempDatabases
{
public:
    explicit TempDatabases(QString pattern = QStringLiteral("db%1.sqlite"))
        : pattern_(std::move(pattern))
    {
    }
    bool isValid() const { return dir_.isValid(); }
    QString path() const { return dir_.path(); }
    QString filePath(const QString& name) const { return dir_.filePath(name); }
    std::string next() { return dir_.filePath(pattern_.arg(++count_)).toStdString(); }

private:
    QTemporaryDir dir_;
    QString pattern_;
    int count_ = 0;
};

}  // namespace clwb::test
