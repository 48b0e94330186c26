// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig JSON parsing, located errors, --set overrides, validation and task resolution.
#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <string>
#include <vector>

#include "clwb/engine.h"
#include "clwb/run_config.h"

namespace {

// Synthetic data and a random backbone keep these cases independent of installed files.
const std::string kValid = R"({"strategy": "finetune", "data": {"dataset": "synthetic"},
                                "model": {"backbone": "random"}})";

QString describe(const std::vector<clwb::ConfigError>& errors)
{
    QStringList lines;
    for (const auto& e : errors)
        lines << QString::fromStdString(e.path) + QStringLiteral(": ") +
                     QString::fromStdString(e.message);
    return lines.isEmpty() ? QStringLiteral("(no errors)") : lines.join(QLatin1Char('\n'));
}

/// The first error at `path` whose message contains `text`, or nullptr.
const clwb::ConfigError* findError(const std::vector<clwb::ConfigError>& errors,
                                   const std::string& path, const std::string& text = {})
{
    for (const auto& e : errors) {
        if (e.path == path && e.message.find(text) != std::string::npos) return &e;
    }
    return nullptr;
}

std::vector<std::string> paths(const std::vector<clwb::ConfigError>& errors)
{
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.path);
    std::sort(out.begin(), out.end());
    return out;
}

/// kValid with `data` replaced (fashion-mnist needs a directory holding the four files).
std::string withData(const std::string& data)
{
    return R"({"strategy": "finetune", "model": {"backbone": "random"}, "data": )" + data + "}";
}

bool touch(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly);
}

}  // namespace

#define CLWB_EXPECT_ERROR(result, path, text)                                                \
    QVERIFY2(findError((result).errors, (path), (text)),                                     \
             qPrintable(QStringLiteral("expected '%1' at '%2'; got:\n%3")                    \
                            .arg(QString::fromStdString(text), QString::fromStdString(path), \
                                 describe((result).errors))))

#define CLWB_EXPECT_OK(result) QVERIFY2((result).ok(), qPrintable(describe((result).errors)))

class TestRunConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(fakeData_.isValid());
        for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
            QVERIFY(touch(fakeData_.filePath(QString::fromLatin1(f))));
    }

    void defaultsRoundTrip()
    {
        clwb::RunConfig c;
        c.data.dataset = "synthetic";
        c.model.backbone = "random";
        const std::string json = clwb::toJson(c);
        const auto r = clwb::parseRunConfig(json);
        CLWB_EXPECT_OK(r);
        QCOMPARE(clwb::toJson(r.config), json);

        // Untouched defaults may only fail on what this machine lacks.
        const auto d = clwb::parseRunConfig(clwb::toJson(clwb::RunConfig{}));
        for (const auto& e : d.errors) {
            QVERIFY2(e.path == "data.path" || e.path == "model.backbone",
                     qPrintable(describe(d.errors)));
        }
        QCOMPARE(d.config.train.batchSize, clwb::RunConfig{}.train.batchSize);
        QCOMPARE(d.config.model.dim, clwb::RunConfig{}.model.dim);
    }

    void everyFieldRoundTrip()
    {
        clwb::RunConfig c;
        c.name = "every field";
        c.strategy = "ewc";
        c.params = {{"lambda", 250.5}};
        c.seed = 9;
        c.device = "cpu";
        c.threads = 3;
        c.data.dataset = "synthetic";
        c.data.path = "/somewhere";
        c.data.tasks = {{{3, 1, 2}}, {{0}}, {{9, 8}}};
        c.data.numTasks = 7;
        c.data.rotationStep = 12.5;
        c.data.shuffleClassOrder = true;
        c.data.trainPerClass = 11;
        c.data.testPerClass = 12;
        c.data.curvePerTask = 13;
        c.data.testFraction = 0.25;
        c.data.badImages = "reject";
        c.data.storeSize = 40;
        c.data.augment = "crop-flip";
        c.model.backbone = "random";
        c.model.arch = "vit_tiny_patch16_224";
        c.model.imageSize = 32;
        c.model.channels = 3;
        c.model.patchSize = 8;
        c.model.dim = 48;
        c.model.depth = 2;
        c.model.heads = 6;
        c.model.mlpRatio = 2;
        c.model.mlpHidden = 100;
        c.model.pool = "cls";
        c.model.fcNorm = true;
        c.model.layerScale = true;
        c.model.qkvBias = false;
        c.model.bias = false;
        c.model.mean = {0.5, 0.4, 0.3};
        c.model.std = {0.2, 0.25, 0.3};
        c.data.memoryLimitMb = 512.5;
        c.train = {4, 32, 0.05, 1e-4, 7, "bf16"};
        c.checkpoint.keep = 3;
        const std::string json = clwb::toJson(c);
        const auto r = clwb::parseRunConfig(json);
        CLWB_EXPECT_OK(r);
        QCOMPARE(clwb::toJson(r.config), json);
        QCOMPARE(r.config.params.at("lambda"), 250.5);
        QCOMPARE(r.config.data.tasks.size(), std::size_t(3));
        QCOMPARE(r.config.data.tasks[0].classes, (std::vector<int>{3, 1, 2}));
        QCOMPARE(r.config.model.pool, std::string("cls"));
        QCOMPARE(r.config.model.arch, std::string("vit_tiny_patch16_224"));
        QCOMPARE(r.config.model.mean, (std::vector<double>{0.5, 0.4, 0.3}));
        QVERIFY(!r.config.model.qkvBias && r.config.model.layerScale && r.config.model.fcNorm);
        QCOMPARE(r.config.data.augment, std::string("crop-flip"));
        QCOMPARE(r.config.data.storeSize, 40);
        QCOMPARE(r.config.data.memoryLimitMb, 512.5);
        QCOMPARE(r.config.train.precision, std::string("bf16"));
        QCOMPARE(r.config.train.lr, 0.05);
        QCOMPARE(r.config.checkpoint.keep, 3);
        QVERIFY(r.config.data.shuffleClassOrder);

        // Bool parameters are written as JSON booleans.
        clwb::RunConfig f;
        f.params = {{"masked_ce", 0}};
        QVERIFY(clwb::toJson(f).find("\"masked_ce\": false") != std::string::npos);
    }

    void unknownKeyWithSuggestion()
    {
        const auto r = clwb::parseRunConfig(
            R"({"data": {"dataset": "synthetic"}, "model": {"backbone": "random"},
                "train": {"batchsize": 32}, "lr": 0.1, "zzzzzz": 1})");
        QCOMPARE(r.errors.size(), std::size_t(3));
        CLWB_EXPECT_ERROR(r, "train.batchsize", "did you mean 'batch_size'?");
        CLWB_EXPECT_ERROR(r, "lr", "did you mean 'train.lr'?");
        CLWB_EXPECT_ERROR(r, "zzzzzz", "unknown key");
        QVERIFY(findError(r.errors, "zzzzzz", "did you mean") == nullptr);
    }

    void wrongTypes()
    {
        auto r =
            clwb::parseRunConfig(withData(R"({"dataset": "synthetic"}, "train": {"epochs": "3"})"));
        CLWB_EXPECT_ERROR(r, "train.epochs", "expected an integer, got a string");

        r = clwb::parseRunConfig(withData(R"({"dataset": "synthetic"}, "train": {"epochs": 3.5})"));
        CLWB_EXPECT_ERROR(r, "train.epochs", "expected an integer, got 3.5");

        r = clwb::parseRunConfig(withData(R"({"dataset": "synthetic"}, "train": {"epochs": 3.0})"));
        CLWB_EXPECT_OK(r);
        QCOMPARE(r.config.train.epochs, 3);

        r = clwb::parseRunConfig(withData(R"({"dataset": "synthetic", "shuffle_class_order": 1})"));
        CLWB_EXPECT_ERROR(r, "data.shuffle_class_order", "expected true or false, got a number");

        r = clwb::parseRunConfig(R"({"data": 5, "train": {"lr": "fast"}})");
        CLWB_EXPECT_ERROR(r, "data", "expected an object, got a number");
        CLWB_EXPECT_ERROR(r, "train.lr", "expected a number, got a string");

        r = clwb::parseRunConfig(withData(R"({"dataset": "synthetic", "tasks": [[0, "one"]]})"));
        CLWB_EXPECT_ERROR(r, "data.tasks[0][1]", "expected an integer");
    }

    void severalErrorsAtOnce()
    {
        const auto r = clwb::parseRunConfig(R"({
            "name": 5,
            "data": {"dataset": "synthetic", "tasks": [[0, 1], [1, 2]]},
            "model": {"backbone": "random", "dim": 63, "heads": 4},
            "train": {"lr": -1, "batch_size": 0}
        })");
        const std::vector<std::string> expected = {"data.tasks[1]", "model.dim", "name",
                                                   "train.batch_size", "train.lr"};
        QVERIFY2(paths(r.errors) == expected, qPrintable(describe(r.errors)));
    }

    void overlappingClasses()
    {
        const auto r =
            clwb::parseRunConfig(withData(R"({"path": ")" + fakeData_.path().toStdString() +
                                          R"(", "tasks": [[0, 1], [2, 4], [4, 5]]})"));
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "data.tasks[2]", "class 4 (Coat) is also in task 1");
    }

    void emptyTask()
    {
        auto r = clwb::parseRunConfig(
            withData(R"({"dataset": "synthetic", "tasks": [[0, 1], [2, 3], [4, 5], []]})"));
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "data.tasks[3]", "task 3 has no classes");

        r = clwb::parseRunConfig(withData(R"({"dataset": "synthetic", "tasks": []})"));
        CLWB_EXPECT_ERROR(r, "data.tasks", "at least one task");
    }

    void classOutOfRange()
    {
        const auto r = clwb::parseRunConfig(
            withData(R"({"dataset": "synthetic", "tasks": [[0, 10], [-1, 2]]})"));
        QCOMPARE(r.errors.size(), std::size_t(2));
        CLWB_EXPECT_ERROR(r, "data.tasks[0]", "class 10 is out of range");
        CLWB_EXPECT_ERROR(r, "data.tasks[1]", "class -1 is out of range");
    }

    void missingDatasetFiles()
    {
        QTemporaryDir empty;
        QVERIFY(empty.isValid());
        const std::string absent = empty.path().toStdString() + "/absent";
        auto r = clwb::parseRunConfig(withData(R"({"path": ")" + absent + R"("})"));
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "data.path", "does not exist");
        CLWB_EXPECT_ERROR(r, "data.path", "apt install dataset-fashion-mnist");

        r = clwb::parseRunConfig(withData(R"({"path": ")" + empty.path().toStdString() + R"("})"));
        CLWB_EXPECT_ERROR(r, "data.path", "t10k-labels-idx1-ubyte.gz");

        r = clwb::parseRunConfig(
            withData(R"({"path": ")" + fakeData_.path().toStdString() + R"("})"));
        CLWB_EXPECT_OK(r);
    }

    void overrides()
    {
        auto r = clwb::parseRunConfig(kValid,
                                      {"train.lr=0.01", "name=my run", "data.tasks=[[0,1],[2,3]]",
                                       "params.masked_ce=false", "train.epochs=2", "seed=\"7\""});
        // A quoted value is a JSON string, so seed gets a type error; the rest applies.
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "seed", "expected an integer, got a string");
        QCOMPARE(r.config.train.lr, 0.01);
        QCOMPARE(r.config.name, std::string("my run"));
        QCOMPARE(r.config.data.tasks.size(), std::size_t(2));
        QCOMPARE(r.config.data.tasks[1].classes, (std::vector<int>{2, 3}));
        QCOMPARE(r.config.params.at("masked_ce"), 0.0);
        QCOMPARE(r.config.train.epochs, 2);

        r = clwb::parseRunConfig(kValid, {"name=\"42\""});
        CLWB_EXPECT_OK(r);
        QCOMPARE(r.config.name, std::string("42"));

        r = clwb::parseRunConfig(kValid, {"train.lr", "=3", "train..lr=1", "train.lrr=1"});
        QCOMPARE(r.errors.size(), std::size_t(4));
        CLWB_EXPECT_ERROR(r, "--set train.lr", "key.path=value");
        CLWB_EXPECT_ERROR(r, "--set =3", "empty key path");
        CLWB_EXPECT_ERROR(r, "--set train..lr=1", "empty key");
        CLWB_EXPECT_ERROR(r, "train.lrr", "did you mean 'lr'?");

        // Overrides create keys; the strategy then decides whether they exist.
        r = clwb::parseRunConfig(kValid, {"strategy=ewc", "params.lambda=100"});
        CLWB_EXPECT_OK(r);
        QCOMPARE(r.config.params.at("lambda"), 100.0);
        r = clwb::parseRunConfig(kValid, {"strategy=ewc", "params.lamda=100"});
        CLWB_EXPECT_ERROR(r, "params.lamda", "did you mean 'lambda'?");
    }

    void invalidJson()
    {
        auto r = clwb::parseRunConfig("{\n  \"name\": \"x\",\n  \"seed\": ,\n}");
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "", "invalid JSON at line 3, column 11");

        // Columns count characters, not UTF-8 bytes.
        r = clwb::parseRunConfig("{\"name\": \"\xC3\xA4\", x}");
        CLWB_EXPECT_ERROR(r, "", "line 1, column 15");

        r = clwb::parseRunConfig("[1, 2]");
        CLWB_EXPECT_ERROR(r, "", "expected a JSON object");

        r = clwb::loadRunConfig("/nonexistent/clwb/experiment.json");
        QCOMPARE(r.errors.size(), std::size_t(1));
        CLWB_EXPECT_ERROR(r, "", "cannot read /nonexistent/clwb/experiment.json");
    }

    void loadFromFile()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("run.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kValid.data(), qint64(kValid.size()));
        f.close();
        const auto r = clwb::loadRunConfig(f.fileName().toStdString(), {"train.epochs=4"});
        CLWB_EXPECT_OK(r);
        QCOMPARE(r.config.train.epochs, 4);
    }

    void resolvedTasksDefault()
    {
        const auto tasks = clwb::resolvedTasks(clwb::RunConfig{});
        QCOMPARE(tasks.size(), std::size_t(5));
        for (int t = 0; t < 5; ++t)
            QCOMPARE(tasks[t].classes, (std::vector<int>{2 * t, 2 * t + 1}));

        clwb::RunConfig rotated;
        rotated.data.scenario = "rotated";
        rotated.data.numTasks = 3;
        const auto domain = clwb::resolvedTasks(rotated);
        QCOMPARE(domain.size(), std::size_t(3));
        QCOMPARE(domain[2].classes, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }

    void resolvedTasksShuffled()
    {
        clwb::RunConfig c;
        c.data.shuffleClassOrder = true;
        c.seed = 0;
        const auto a = clwb::resolvedTasks(c);
        // std::mt19937 is fully specified, so this order holds on every platform.
        const std::vector<std::vector<int>> expected = {{8, 6}, {7, 3}, {9, 1}, {2, 5}, {0, 4}};
        QCOMPARE(a.size(), expected.size());
        for (std::size_t t = 0; t < a.size(); ++t) QCOMPARE(a[t].classes, expected[t]);

        bool someSeedDiffers = false;
        for (int seed = 1; seed <= 5; ++seed) {
            c.seed = seed;
            const auto b = clwb::resolvedTasks(c);
            const auto again = clwb::resolvedTasks(c);
            std::vector<int> all;
            for (std::size_t t = 0; t < b.size(); ++t) {
                QCOMPARE(b[t].classes, again[t].classes);
                QCOMPARE(b[t].classes.size(), std::size_t(2));
                all.insert(all.end(), b[t].classes.begin(), b[t].classes.end());
                someSeedDiffers = someSeedDiffers || b[t].classes != a[t].classes;
            }
            std::sort(all.begin(), all.end());
            QCOMPARE(all, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        }
        QVERIFY(someSeedDiffers);
    }

    // Needs the registered strategies "finetune" (masked_ce: Bool) and "ewc" (lambda: Float >= 0).
    void strategyParams()
    {
        auto r = clwb::parseRunConfig(kValid, {"params.masked_ce=true"});
        CLWB_EXPECT_OK(r);
        QCOMPARE(r.config.params.at("masked_ce"), 1.0);

        r = clwb::parseRunConfig(kValid, {"params.masked_ce=2"});
        CLWB_EXPECT_ERROR(r, "params.masked_ce", "expected true or false");

        r = clwb::parseRunConfig(kValid, {"params.nonsense_key=1"});
        CLWB_EXPECT_ERROR(r, "params.nonsense_key", "masked_ce");

        r = clwb::parseRunConfig(kValid, {"strategy=ewc", "params.lambda=-1"});
        CLWB_EXPECT_ERROR(r, "params.lambda", "outside");

        r = clwb::parseRunConfig(kValid, {"strategy=ewc", "params.lambda=\"big\""});
        CLWB_EXPECT_ERROR(r, "params.lambda", "expected a number or a boolean, got a string");

        r = clwb::parseRunConfig(kValid, {"strategy=ewcc"});
        CLWB_EXPECT_ERROR(r, "strategy", "did you mean 'ewc'?");
        CLWB_EXPECT_ERROR(r, "strategy", "finetune");
    }

    void otherValidation()
    {
        auto r = clwb::parseRunConfig(
            kValid, {"device=gpu", "threads=-1", "model.pool=max", "model.patch_size=5",
                     "train.epochs=1001", "train.weight_decay=-0.1", "data.scenario=split"});
        const std::vector<std::string> expected = {
            "data.scenario", "device",       "model.patch_size",  "model.pool",
            "threads",       "train.epochs", "train.weight_decay"};
        QVERIFY2(paths(r.errors) == expected, qPrintable(describe(r.errors)));

        r = clwb::parseRunConfig(kValid, {"data.scenario=permuted", "data.num_tasks=21"});
        CLWB_EXPECT_ERROR(r, "data.num_tasks", "between 1 and 20");

        r = clwb::parseRunConfig(kValid, {"model.backbone=/nonexistent/backbone.pt"});
        QVERIFY(findError(r.errors, "model.backbone") != nullptr);

        r = clwb::parseRunConfig(kValid, {"train.precision=half", "data.memory_limit_mb=-1"});
        CLWB_EXPECT_ERROR(r, "train.precision", "half");
        CLWB_EXPECT_ERROR(r, "data.memory_limit_mb", "megabytes");
        r = clwb::parseRunConfig(kValid, {"train.precision=fp16", "device=cpu"});
        CLWB_EXPECT_ERROR(r, "train.precision", "CUDA");
        CLWB_EXPECT_OK(clwb::parseRunConfig(kValid, {"train.precision=bf16", "device=cpu"}));

        // checkpoint.keep: 1 by default, 0 = none, never negative; its own section.
        QCOMPARE(clwb::RunConfig{}.checkpoint.keep, 1);
        CLWB_EXPECT_OK(clwb::parseRunConfig(kValid, {"checkpoint.keep=0"}));
        r = clwb::parseRunConfig(kValid, {"checkpoint.keep=-1"});
        CLWB_EXPECT_ERROR(r, "checkpoint.keep", "between 0 and 1000");
        r = clwb::parseRunConfig(R"({"strategy": "finetune", "data": {"dataset": "synthetic"},
                                    "checkpoint": {"kep": 2}})");
        CLWB_EXPECT_ERROR(r, "checkpoint.kep", "did you mean 'keep'");

        r = clwb::parseRunConfig(kValid, {"device=cuda"});
        if (clwb::cudaAvailable())
            CLWB_EXPECT_OK(r);
        else
            CLWB_EXPECT_ERROR(r, "device", "CUDA requested");
    }

    /// train.nonfinite: "stop" by default, "skip" read and written back, anything else located.
    void nonfinitePolicy()
    {
        auto r = clwb::parseRunConfig(kValid);
        QCOMPARE(r.config.train.nonfinite, std::string("stop"));
        r = clwb::parseRunConfig(kValid, {"train.nonfinite=skip"});
        CLWB_EXPECT_OK(r);
        QCOMPARE(clwb::parseRunConfig(clwb::toJson(r.config)).config.train.nonfinite,
                 std::string("skip"));
        r = clwb::parseRunConfig(kValid, {"train.nonfinite=skipp"});
        CLWB_EXPECT_ERROR(r, "train.nonfinite",
                          "unknown non-finite loss policy 'skipp' (did you mean 'skip'?); valid: "
                          "stop, skip");
        r = clwb::parseRunConfig(kValid, {"train.nonfinite=1"});
        CLWB_EXPECT_ERROR(r, "train.nonfinite", "expected a string, got a number");
    }

    /// train.shards: 0 (auto) by default, a count read and written back, out of range located.
    void shardCount()
    {
        auto r = clwb::parseRunConfig(kValid);
        QCOMPARE(r.config.train.shards, 0);
        r = clwb::parseRunConfig(kValid, {"train.shards=4"});
        CLWB_EXPECT_OK(r);
        QCOMPARE(clwb::parseRunConfig(clwb::toJson(r.config)).config.train.shards, 4);
        r = clwb::parseRunConfig(kValid, {"train.shards=-1"});
        CLWB_EXPECT_ERROR(r, "train.shards", "-1");
        r = clwb::parseRunConfig(kValid, {"train.shards=two"});
        CLWB_EXPECT_ERROR(r, "train.shards", "expected");
    }

    /// A key that would not read back as one path step is quoted; a number beyond a double is
    /// located by line and column.
    void oddKeysAndHugeNumbersAreLocated()
    {
        auto r = clwb::parseRunConfig(R"({"": 1, "train": {"a.b": 2, "lr": 1e400}})");
        QCOMPARE(int(r.errors.size()), 1);  // the overflow stops the parse
        CLWB_EXPECT_ERROR(r, "",
                          "invalid JSON at line 1, column 35: number overflow parsing '1e400'");
        r = clwb::parseRunConfig(R"({"": 1, "train": {"a.b": 2, "[0]": 3}})");
        CLWB_EXPECT_ERROR(r, "[\"\"]", "unknown key ''");
        CLWB_EXPECT_ERROR(r, "train[\"a.b\"]", "unknown key 'a.b'");
        CLWB_EXPECT_ERROR(r, "train[\"[0]\"]", "unknown key '[0]'");
    }

    void names()
    {
        const auto fashion = clwb::classNames("fashion-mnist");
        QCOMPARE(fashion.size(), std::size_t(10));
        QCOMPARE(fashion[0], std::string("T-shirt/top"));
        QCOMPARE(fashion[4], std::string("Coat"));
        QCOMPARE(fashion[9], std::string("Ankle boot"));
        QCOMPARE(clwb::classNames("synthetic")[3], std::string("Class 3"));
    }

    void demoFromResourceDir()
    {
        QTemporaryDir dir;
        const QByteArray saved = qgetenv("CLWB_RESOURCE_DIR");
        qputenv("CLWB_RESOURCE_DIR", dir.path().toLocal8Bit());
        QCOMPARE(clwb::resourceDir(), dir.path().toStdString());

        // No demo.json: the built-in demo.
        const clwb::RunConfig builtin = clwb::demoConfig();
        QVERIFY(!builtin.name.empty());
        QVERIFY(clwb::findStrategy(builtin.strategy) != nullptr);

        QFile f(dir.filePath(QStringLiteral("demo.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "from file", "train": {"epochs": 2}})");
        f.close();
        QCOMPARE(clwb::demoConfig().name, std::string("from file"));

        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{ broken");
        f.close();
        QCOMPARE(clwb::demoConfig().name, builtin.name);

        if (saved.isNull())
            qunsetenv("CLWB_RESOURCE_DIR");
        else
            qputenv("CLWB_RESOURCE_DIR", saved);
    }

private:
    QTemporaryDir fakeData_;  // the four Fashion-MNIST file names, empty
};

QTEST_APPLESS_MAIN(TestRunConfig)
#include "tst_run_config.moc"
