// SPDX-License-Identifier: GPL-3.0-or-later
// What the study dialog edits, written as the study document clwb::parseStudy reads.
#include "panels/study_document.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace study_document {
namespace {

QJsonObject baseObject(const clwb::RunConfig& config)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(clwb::toJson(config))).object();
}

void collectKeys(const QJsonObject& object, const QString& prefix, QStringList& out)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            collectKeys(it.value().toObject(), key, out);
        else if (!it.value().isArray())  // lists (the task split) are no grid axes
            out << key;
    }
}

QJsonObject paramsObject(const clwb::ParamValues& params)
{
    QJsonObject out;
    for (const auto& [key, value] : params) out.insert(QString::fromStdString(key), value);
    return out;
}

}  // namespace

QJsonArray parseValues(const QString& text)
{
    QJsonArray out;
    for (const QString& raw : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString token = raw.trimmed();
        if (token.isEmpty()) continue;
        const QJsonDocument doc =
            QJsonDocument::fromJson(QStringLiteral("[%1]").arg(token).toUtf8());
        const QJsonArray one = doc.array();
        if (doc.isArray() && one.size() == 1 && !one.at(0).isArray() && !one.at(0).isObject())
            out.append(one.at(0));
        else
            out.append(token);
    }
    return out;
}

QJsonValue parseSeeds(const QString& text)
{
    const QString t = text.trimmed();
    static const QRegularExpression count(QStringLiteral("^\\d+$"));
    static const QRegularExpression list(QStringLiteral("^-?\\d+([\\s,]+-?\\d+)+$"));
    if (count.match(t).hasMatch()) return t.toInt();
    if (!list.match(t).hasMatch()) return t;
    QJsonArray seeds;
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString& s : t.split(separators, Qt::SkipEmptyParts)) seeds.append(s.toInt());
    return seeds;
}

QStringList configKeys(const clwb::RunConfig& config)
{
    QStringList keys;
    collectKeys(baseObject(config), QString(), keys);
    for (const char* own : {"name", "strategy", "seed"}) keys.removeAll(QLatin1String(own));
    keys.erase(
        std::remove_if(keys.begin(), keys.end(),
                       [](const QString& k) { return k.startsWith(QLatin1String("params.")); }),
        keys.end());
    return keys;
}

QByteArray toJson(const Draft& draft)
{
    QJsonObject doc;
    doc.insert(QStringLiteral("name"), draft.name);
    doc.insert(QStringLiteral("base"), baseObject(draft.base));
    QJsonArray configurations;
    for (const Configuration& c : draft.configurations) {
        QJsonObject o;
        if (!c.label.trimmed().isEmpty()) o.insert(QStringLiteral("label"), c.label.trimmed());
        o.insert(QStringLiteral("strategy"), c.strategy);
        if (!c.params.empty()) o.insert(QStringLiteral("params"), paramsObject(c.params));
        QJsonObject grid;
        for (const GridRow& row : draft.grid) {
            const QString label = c.label.trimmed().isEmpty() ? c.strategy : c.label.trimmed();
            if (!row.configuration.isEmpty() && row.configuration == label)
                grid.insert(row.key.trimmed(), parseValues(row.values));
        }
        if (!grid.isEmpty()) o.insert(QStringLiteral("grid"), grid);
        configurations.append(o);
    }
    doc.insert(QStringLiteral("configurations"), configurations);
    doc.insert(QStringLiteral("seeds"), parseSeeds(draft.seeds));
    QJsonObject grid;
    for (const GridRow& row : draft.grid)
        if (row.configuration.isEmpty()) grid.insert(row.key.trimmed(), parseValues(row.values));
    if (!grid.isEmpty()) doc.insert(QStringLiteral("grid"), grid);

    const Executor& e = draft.executor;
    QJsonObject execution{{QStringLiteral("executor"), e.kind}};
    if (e.kind != QLatin1String("inprocess") && e.maxParallel > 0)
        execution.insert(QStringLiteral("max_parallel"), e.maxParallel);
    if (e.kind == QLatin1String("slurm")) {
        const std::pair<const char*, QString> fields[] = {
            {"partition", e.partition}, {"time", e.time}, {"mem", e.mem}, {"gpus", e.gpus}};
        for (const auto& [key, value] : fields)
            if (!value.trimmed().isEmpty()) execution.insert(QLatin1String(key), value.trimmed());
        QJsonArray lines;
        for (QString line : e.sbatchLines) {
            line = line.trimmed();
            if (line.startsWith(QLatin1String("#SBATCH"))) line = line.mid(7).trimmed();
            if (!line.isEmpty()) lines.append(line);
        }
        if (!lines.isEmpty()) execution.insert(QStringLiteral("sbatch_lines"), lines);
    }
    doc.insert(QStringLiteral("execution"), execution);
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

}  // namespace study_document
