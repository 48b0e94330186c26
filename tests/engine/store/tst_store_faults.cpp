// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore against files that are not what it expects: every bad file is refused with a message of
// its own and left byte for byte as it was; an older schema is copied before it is upgraded, in
// one transaction. (tst_run_store covers the store working; cli_faults.sh full disks, read-only
// files and folders, locks and deletion under a running run.)
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "clwb/run_store.h"
#include "engine/store/raw_db.h"

using namespace clwb;
using clwb::test::openError;
using clwb::test::RawDb;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}


QByteArray sha256(const std::string& path)
{
    QFile f(q(path));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

/// Names in the folder of `path`, sorted: no -wal, -shm or backup left behind.
QStringList folderListing(const std::string& path)
{
    return QFileInfo(q(path)).dir().entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name);
}

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// A real run database holding one run with a matrix row and a loss series, closed.
void writeRunDatabase(const std::string& path)
{
    RunStore store(path);
    RunRecord r;
    r.name = "kept";
    r.strategy = "ewc";
    const auto id = store.createRun(r);
    store.setMatrixCell(id, {0, 0, 0.75});
    store.appendSeries(id, {{"loss", 1, 0, 2.5}, {"loss", 2, 0, 2.0}});
    store.finishRun(id, RunStatus::Finished);
}

using Maker = std::function<void(const std::string& path)>;

}  // namespace

Q_DECLARE_METATYPE(Maker)

class TestStoreFaults : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;
    int next_ = 0;
    /// A fresh database path in a folder of its own.
    std::string freshPath()
    {
        const QString folder = dir_.filePath(QStringLiteral("case%1").arg(++next_));
        QDir().mkpath(folder);
        return (folder + QStringLiteral("/runs.sqlite")).toStdString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    /// Each kind of file that is not a usable run database: refused, named, left untouched.
    void badFileRefusedUntouched_data()
    {
        QTest::addColumn<Maker>("make");
        QTest::addColumn<QString>("expected");
        std::mt19937 rng(7);
        std::string random(8192, '\0');
        for (auto& c : random) c = static_cast<char>(rng() & 0xff);
        QTest::newRow("random bytes")
            << Maker([random](const std::string& p) { writeBytes(p, random); })
            << "is not a CL Workbench database";
        QTest::newRow("short plain text")  // under one page: SQLite would take it for empty
            << Maker([](const std::string& p) { writeBytes(p, "run,accuracy\n1,0.5\n"); })
            << "is not a CL Workbench database (not an SQLite file)";
        std::string text;
        for (int i = 0; i < 200; ++i)
            text += "line " + std::to_string(i) + " of a plain text file\n";
        QTest::newRow("plain text") << Maker([text](const std::string& p) { writeBytes(p, text); })
                                    << "is not a CL Workbench database (not an SQLite file)";
        QTest::newRow("truncated database") << Maker([](const std::string& p) {
            writeRunDatabase(p);
            std::filesystem::resize_file(p, std::filesystem::file_size(p) / 2);
        }) << "the database file is damaged";
        QTest::newRow("database cut inside its first page") << Maker([](const std::string& p) {
            writeRunDatabase(p);
            std::filesystem::resize_file(p, 100);
        }) << "is not a CL Workbench database (not an SQLite file)";
        QTest::newRow("another application's SQLite") << Maker([](const std::string& p) {
            RawDb(p).exec("CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES('hi');");
        }) << "is not a CL Workbench database (it is an SQLite file of another application)";
        QTest::newRow("another application's SQLite with its id")
            << Maker([](const std::string& p) {
                   RawDb(p).exec("PRAGMA application_id = 1234; CREATE TABLE t(x);");
               })
            << "application_id 0x000004D2";
        QTest::newRow("newer schema") << Maker([](const std::string& p) {
            writeRunDatabase(p);
            RawDb(p).exec("PRAGMA user_version = " + std::to_string(RunStore::kSchemaVersion + 1));
        }) << "was written by a newer CL Workbench";
        QTest::newRow("a folder") << Maker([](const std::string& p) {
            QVERIFY(QDir().mkpath(q(p)));
        }) << "is a folder, not a run database file";
    }
    void badFileRefusedUntouched()
    {
        QFETCH(Maker, make);
        QFETCH(QString, expected);
        const std::string path = freshPath();
        make(path);
        const QByteArray before = sha256(path);
        const QStringList listing = folderListing(path);

        const std::string err = openError(path);
        QVERIFY2(q(err).contains(expected), err.c_str());
        QVERIFY2(q(err).contains(q(path)), err.c_str());  // names the file
        QCOMPARE(sha256(path), before);
        QCOMPARE(folderListing(path), listing);
        // A second look says the same: nothing was half-done by the first.
        QCOMPARE(q(openError(path)), q(err));
    }

    /// An empty file is a new database, as SQLite has it (the header check must not refuse it).
    void emptyFileBecomesADatabase()
    {
        const std::string path = freshPath();
        writeBytes(path, "");
        RunStore store(path);
        QVERIFY(store.listRuns().empty());
        QCOMPARE(RawDb(path).integer("PRAGMA user_version"),
                 std::int64_t(RunStore::kSchemaVersion));
    }

    /// An older file is copied whole before the upgrade; the copy opens as that older version.
    void olderSchemaCopiedBeforeMigration()
    {
        const std::string path = freshPath();
        writeRunDatabase(path);
        {
            RawDb raw(path);  // back to schema 5: as a file written before the feature drift
            raw.exec(
                "DROP TABLE drift_points; DROP TABLE drift; DROP TABLE drift_boundaries;"
                "PRAGMA user_version = 5");
        }
        {
            RunStore store(path);
            QCOMPARE(store.listRuns().size(), std::size_t(1));
        }
        const std::string backup = path + ".schema5.bak";
        QVERIFY2(QFileInfo::exists(q(backup)), backup.c_str());
        RawDb copy(backup);  // not byte for byte (SQLite rewrites header counters): by content
        QCOMPARE(q(copy.text("PRAGMA integrity_check")), QStringLiteral("ok"));
        QCOMPARE(copy.integer("PRAGMA user_version"), std::int64_t(5));
        QCOMPARE(q(copy.text("SELECT name FROM runs")), QStringLiteral("kept"));
        QCOMPARE(copy.integer("SELECT count(*) FROM series"), std::int64_t(2));
        QCOMPARE(copy.integer("SELECT count(*) FROM sqlite_master WHERE name = 'drift'"),
                 std::int64_t(0));
        RawDb upgraded(path);
        QCOMPARE(upgraded.integer("PRAGMA user_version"), std::int64_t(RunStore::kSchemaVersion));
        QCOMPARE(upgraded.integer("SELECT count(*) FROM sqlite_master WHERE name = 'drift'"),
                 std::int64_t(1));
        QVERIFY(!folderListing(path).join(' ').contains(QStringLiteral(".part")));
        // A current file is not copied again.
        {
            RunStore again(path);
        }
        QCOMPARE(folderListing(path).filter(QRegularExpression(QStringLiteral("\\.bak$"))).size(),
                 1);
    }

    /// A step that fails rolls every step back: the file keeps its version and tables.
    void failedMigrationChangesNothing()
    {
        const std::string path = freshPath();
        writeRunDatabase(path);
        // Claims schema 2 but lacks its `matrix` table: step 3 (copying it) fails after step 2
        // created `qa_matrix` in the same transaction.
        RawDb(path).exec("PRAGMA user_version = 2");
        const std::string err = openError(path);
        QVERIFY2(q(err).contains("storing matrices by kind"), err.c_str());
        QVERIFY2(q(err).contains("no such table: matrix"), err.c_str());
        RawDb raw(path);
        QCOMPARE(raw.integer("PRAGMA user_version"), std::int64_t(2));
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'qa_matrix'"),
                 std::int64_t(0));
        QCOMPARE(q(raw.text("SELECT name FROM runs")), QStringLiteral("kept"));
        QVERIFY(QFileInfo::exists(q(path + ".schema2.bak")));
    }

    /// No copy, no upgrade: a backup that cannot be written leaves the file as it was.
    void unwritableBackupStopsTheMigration()
    {
        const std::string path = freshPath();
        writeRunDatabase(path);
        RawDb(path).exec(
            "DROP TABLE drift_points; DROP TABLE drift; DROP TABLE drift_boundaries;"
            "PRAGMA user_version = 5");
        const QString blocker = q(path + ".schema5.bak");  // a non-empty folder in its place
        QVERIFY(QDir().mkpath(blocker));
        QVERIFY(QFile(blocker + "/keep").open(QIODevice::WriteOnly));

        const std::string err = openError(path);
        QVERIFY2(q(err).contains("writing the copy"), err.c_str());
        QVERIFY2(q(err).contains("left as it was"), err.c_str());
        RawDb raw(path);
        QCOMPARE(raw.integer("PRAGMA user_version"), std::int64_t(5));
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'drift'"),
                 std::int64_t(0));
        QVERIFY(!folderListing(path).join(' ').contains(QStringLiteral(".part")));
    }
};

QTEST_APPLESS_MAIN(TestStoreFaults)
#include "tst_store_faults.moc"
