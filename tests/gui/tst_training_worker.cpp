// SPDX-License-Identifier: GPL-3.0-or-later
// TrainingWorker with a fake engine: signal order, stop, failures, store per thread.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "worker/training_worker.h"

using Kind = clwb::RunEvent::Kind;

class TstTrainingWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signalsInOrder();
    void stopTakesEffectQuickly();
    void exceptionBecomesFailure();
    void engineFailureIsForwarded();
    void storeIsOpenedOnWorkerThread();
    void resumeGoesToTheEngineWithItsStore();

private:
    /// Runs `worker` on its own thread for one config, like MainWindow does.
    struct Harness
    {
        explicit Harness(TrainingWorker::RunFunction fn, const QString& db = {})
            : worker(new TrainingWorker(db, std::move(fn)))
        {
            worker->moveToThread(&thread);
            QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
            thread.start();
        }
        ~Harness()
        {
            worker->requestStop();
            thread.quit();
            thread.wait();
        }
        void start(const clwb::RunConfig& c)
        {
            QMetaObject::invokeMethod(worker, "start", Qt::QueuedConnection,
                                      Q_ARG(clwb::RunConfig, c));
        }
        QThread thread;
        TrainingWorker* worker;
    };
};

namespace {

clwb::RunEvent ev(Kind kind, int task = -1, std::int64_t step = 0)
{
    clwb::RunEvent e;
    e.kind = kind;
    e.task = task;
    e.step = step;
    return e;
}

}  // namespace

void TstTrainingWorker::signalsInOrder()
{
    Harness h([](const clwb::RunConfig& c, clwb::RunStore*, const clwb::ProgressCallback& cb) {
        cb(ev(Kind::Started));
        for (int s = 1; s <= 5; ++s) cb(ev(Kind::Step, 0, s));
        auto row = ev(Kind::TaskEvaluated, 0, 5);
        row.values = {0.9};
        cb(row);
        cb(ev(Kind::Finished));
        clwb::RunResult r;
        r.status = clwb::RunStatus::Finished;
        r.runId = 42;
        r.message = c.name;
        return r;
    });
    QSignalSpy events(h.worker, &TrainingWorker::eventReady);
    QSignalSpy finished(h.worker, &TrainingWorker::runFinished);
    clwb::RunConfig config;
    config.name = "order";
    h.start(config);
    QVERIFY(finished.wait(5000));
    QCOMPARE(events.count(), 8);
    QCOMPARE(events.first().at(0).value<clwb::RunEvent>().kind, Kind::Started);
    for (int i = 1; i <= 5; ++i) {
        const auto e = events.at(i).at(0).value<clwb::RunEvent>();
        QCOMPARE(e.kind, Kind::Step);
        QCOMPARE(e.step, std::int64_t(i));
    }
    QCOMPARE(events.at(6).at(0).value<clwb::RunEvent>().values, std::vector<double>{0.9});
    QCOMPARE(events.last().at(0).value<clwb::RunEvent>().kind, Kind::Finished);
    QCOMPARE(QString::fromStdString(clwb::toString(finished.first().at(0).value<clwb::RunStatus>())), QStringLiteral("finished"));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("order"));
    QCOMPARE(finished.first().at(2).toLongLong(), 42);
}

void TstTrainingWorker::stopTakesEffectQuickly()
{
    // Like the engine: a step every 10 ms until the callback says stop, then Cancelled.
    Harness h([](const clwb::RunConfig&, clwb::RunStore*, const clwb::ProgressCallback& cb) {
        clwb::RunResult r;
        cb(ev(Kind::Started));
        for (int s = 1; s < 100000; ++s) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (!cb(ev(Kind::Step, 0, s))) {
                cb(ev(Kind::Cancelled));
                r.status = clwb::RunStatus::Cancelled;
                r.message = "stopped by the user";
                return r;
            }
        }
        r.status = clwb::RunStatus::Finished;
        return r;
    });
    QSignalSpy events(h.worker, &TrainingWorker::eventReady);
    QSignalSpy finished(h.worker, &TrainingWorker::runFinished);
    h.start({});
    QTRY_VERIFY_WITH_TIMEOUT(events.count() >= 5, 5000);
    // No wall-clock bound (a loaded machine would make it flaky): the fake run lasts 1000 s,
    // so finishing at all within the wait proves the stop was honoured.
    h.worker->requestStop();
    QVERIFY(finished.wait(30000));
    QCOMPARE(QString::fromStdString(clwb::toString(finished.first().at(0).value<clwb::RunStatus>())), QStringLiteral("cancelled"));
    QCOMPARE(events.last().at(0).value<clwb::RunEvent>().kind, Kind::Cancelled);

    // A stop stays in effect until cleared: the next start stops at its first callback.
    finished.clear();
    events.clear();
    h.start({});
    QVERIFY(finished.wait(30000));
    QCOMPARE(QString::fromStdString(clwb::toString(finished.first().at(0).value<clwb::RunStatus>())), QStringLiteral("cancelled"));
    h.worker->clearStop();
    QVERIFY(!h.worker->stopRequested());
}

void TstTrainingWorker::exceptionBecomesFailure()
{
    Harness h([](const clwb::RunConfig&, clwb::RunStore*,
                 const clwb::ProgressCallback& cb) -> clwb::RunResult {
        cb(ev(Kind::Started));
        throw std::runtime_error("disk on fire");
    });
    QSignalSpy events(h.worker, &TrainingWorker::eventReady);
    QSignalSpy finished(h.worker, &TrainingWorker::runFinished);
    h.start({});
    QVERIFY(finished.wait(5000));
    QCOMPARE(QString::fromStdString(clwb::toString(finished.first().at(0).value<clwb::RunStatus>())), QStringLiteral("failed"));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("disk on fire"));
    QCOMPARE(events.count(), 2);
    const auto failed = events.last().at(0).value<clwb::RunEvent>();
    QCOMPARE(failed.kind, Kind::Failed);
    QCOMPARE(failed.message, std::string("disk on fire"));
    // The worker survives and runs again.
    QVERIFY(h.thread.isRunning());
}

void TstTrainingWorker::engineFailureIsForwarded()
{
    // The engine reports its own failures (event + status): no duplicate Failed event.
    Harness h([](const clwb::RunConfig&, clwb::RunStore*, const clwb::ProgressCallback& cb) {
        auto failed = ev(Kind::Failed);
        failed.message = "loss became NaN";
        cb(failed);
        clwb::RunResult r;
        r.status = clwb::RunStatus::Failed;
        r.message = "loss became NaN";
        return r;
    });
    QSignalSpy events(h.worker, &TrainingWorker::eventReady);
    QSignalSpy finished(h.worker, &TrainingWorker::runFinished);
    h.start({});
    QVERIFY(finished.wait(5000));
    QCOMPARE(events.count(), 1);
    QCOMPARE(QString::fromStdString(clwb::toString(finished.first().at(0).value<clwb::RunStatus>())), QStringLiteral("failed"));
}

void TstTrainingWorker::storeIsOpenedOnWorkerThread()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::atomic<bool> haveStore{false};
    std::atomic<QThread*> ranOn{nullptr};
    Harness h(
        [&](const clwb::RunConfig&, clwb::RunStore* store, const clwb::ProgressCallback&) {
            haveStore = store != nullptr;
            ranOn = QThread::currentThread();
            clwb::RunResult r;
            r.status = clwb::RunStatus::Finished;
            return r;
        },
        dir.filePath(QStringLiteral("runs.sqlite")));
    QSignalSpy finished(h.worker, &TrainingWorker::runFinished);
    h.start({});
    QVERIFY(finished.wait(5000));
    QVERIFY(haveStore.load());
    QCOMPARE(ranOn.load(), &h.thread);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("runs.sqlite"))));
}

void TstTrainingWorker::resumeGoesToTheEngineWithItsStore()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("runs.sqlite"));
    std::atomic<std::int64_t> resumed{0};
    QThread thread;
    auto* worker = new TrainingWorker(
        db,
        [](const clwb::RunConfig&, clwb::RunStore*, const clwb::ProgressCallback&) {
            return clwb::RunResult{};
        },
        nullptr,
        [&resumed](clwb::RunStore& store, std::int64_t id, const clwb::ProgressCallback& cb) {
            resumed = id;
            cb(ev(Kind::Started));
            clwb::RunResult r;
            r.status = store.path().empty() ? clwb::RunStatus::Failed : clwb::RunStatus::Finished;
            r.runId = id;
            return r;
        });
    worker->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();
    QSignalSpy events(worker, &TrainingWorker::eventReady);
    QSignalSpy finished(worker, &TrainingWorker::runFinished);
    QMetaObject::invokeMethod(worker, "resume", Qt::QueuedConnection, Q_ARG(qint64, 7));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(qint64(resumed), qint64(7));
    QCOMPARE(events.count(), 1);
    QVERIFY(finished.first().at(0).value<clwb::RunStatus>() == clwb::RunStatus::Finished);
    QCOMPARE(finished.first().at(2).toLongLong(), qint64(7));
    thread.quit();
    thread.wait();

    // Without a database there is nothing to resume: a failure, not a crash.
    QThread bare;
    auto* noDb = new TrainingWorker(QString());
    noDb->moveToThread(&bare);
    QObject::connect(&bare, &QThread::finished, noDb, &QObject::deleteLater);
    bare.start();
    QSignalSpy failed(noDb, &TrainingWorker::runFinished);
    QMetaObject::invokeMethod(noDb, "resume", Qt::QueuedConnection, Q_ARG(qint64, 1));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(failed.first().at(0).value<clwb::RunStatus>() == clwb::RunStatus::Failed);
    QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("run database")));
    bare.quit();
    bare.wait();
}

QTEST_GUILESS_MAIN(TstTrainingWorker)
#include "tst_training_worker.moc"
