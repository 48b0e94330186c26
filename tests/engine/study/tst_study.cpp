// SPDX-License-Identifier: GPL-3.0-or-later
// Studies: reading the document and expanding it into run configs (configurations x grid x
// search x seeds), each problem named by its JSON path in the study document.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "clwb/study.h"

using namespace clwb;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

const std::string kDataDir = CLWB_SOURCE_DIR "/tests/data";

/// The tiny synthetic experiment inline, so documents stay self-contained.
const std::string kBase = R"({
  "strategy": "finetune",
  "data": {"dataset": "synthetic", "tasks": [[0, 1], [2, 3]], "train_per_class": 8, "test_per_class": 4},
  "model": {"backbone": "random", "image_size": 16, "patch_size": 4, "dim": 16, "depth": 1, "heads": 2},
  "train": {"epochs": 1, "batch_size": 8, "lr": 0.003}
})";

StudyExpansion expand(const std::string& json)
{
    const auto parsed = parseStudy(json, kDataDir);
    if (!parsed.ok()) {
        StudyExpansion e;
        e.errors = parsed.errors;
        return e;
    }
    return expandStudy(parsed.spec);
}

/// "path: message" lines, for failure messages and searching.
std::string errorText(const std::vector<ConfigError>& errors)
{
    std::string s;
    for (const auto& e : errors) s += e.path + ": " + e.message + "\n";
    return s;
}

bool hasError(const std::vector<ConfigError>& errors, const std::string& path,
              const std::string& text)
{
    return std::any_of(errors.begin(), errors.end(), [&](const ConfigError& e) {
        return e.path == path && e.message.find(text) != std::string::npos;
    });
}

}  // namespace

class TestStudy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    /// tests/data/tiny-study.json: 2 strategies x 2 seeds on the tiny synthetic data.
    void tinyStudyFile()
    {
        const auto parsed = loadStudy(kDataDir + "/tiny-study.json");
        QVERIFY2(parsed.ok(), errorText(parsed.errors).c_str());
        QCOMPARE(q(parsed.spec.name), QStringLiteral("tiny study"));
        const auto e = expandStudy(parsed.spec);
        QVERIFY2(e.ok(), errorText(e.errors).c_str());
        QCOMPARE(int(e.runs.size()), 4);
        const std::vector<std::pair<std::string, int>> expected = {
            {"finetune", 0}, {"finetune", 1}, {"ewc", 0}, {"ewc", 1}};
        for (int i = 0; i < 4; ++i) {
            const auto& r = e.runs[size_t(i)];
            QCOMPARE(r.index, i);
            QCOMPARE(q(r.groupKey), q(expected[size_t(i)].first));
            QCOMPARE(r.seed, expected[size_t(i)].second);
            QCOMPARE(r.config.seed, r.seed);
            QCOMPARE(q(r.config.strategy), q(expected[size_t(i)].first));
            QCOMPARE(r.config.train.epochs, 1);  // the study's "set" over the base's 2
            QCOMPARE(r.config.threads, 1);
            QCOMPARE(r.config.data.trainPerClass, 32);  // the base file's
            QCOMPARE(q(r.config.name),
                     q("tiny study / " + r.groupKey + " / seed " + std::to_string(r.seed)));
        }
        QCOMPARE(e.runs[2].config.params.at("lambda"), 100.0);
        QVERIFY(e.runs[0].config.params.empty());  // finetune keeps no ewc parameter
    }

    void seedCountAndDefaults()
    {
        const auto e = expand(R"({"base": )" + kBase + R"(, "seeds": 3})");
        QVERIFY2(e.ok(), errorText(e.errors).c_str());
        QCOMPARE(int(e.runs.size()), 3);  // no configurations: the base as it is
        QCOMPARE(q(e.runs[2].groupKey), QStringLiteral("finetune"));
        QCOMPARE(e.runs[2].seed, 2);
        const auto one = expand(R"({"base": )" + kBase + "}");
        QCOMPARE(int(one.runs.size()), 1);
        QCOMPARE(one.runs[0].seed, 0);
    }

    /// Grid axes of the study and of a configuration, row-major, then seeds; group keys carry
    /// the point, not the seed; the config fields take the values.
    void gridExpansion()
    {
        const auto e = expand(R"({"name": "g", "base": )" + kBase + R"(,
            "configurations": [
              {"label": "ewc", "strategy": "ewc", "grid": {"params.lambda": [10, 100]}},
              {"strategy": "finetune"}],
            "grid": {"train.lr": [0.001, 0.01]},
            "seeds": [5, 6]})");
        QVERIFY2(e.ok(), errorText(e.errors).c_str());
        QCOMPARE(int(e.runs.size()), 2 * 2 * 2 + 2 * 2);
        const std::vector<std::string> keys = {"ewc|train.lr=0.001|params.lambda=10",
                                               "ewc|train.lr=0.001|params.lambda=100",
                                               "ewc|train.lr=0.01|params.lambda=10",
                                               "ewc|train.lr=0.01|params.lambda=100",
                                               "finetune|train.lr=0.001",
                                               "finetune|train.lr=0.01"};
        for (std::size_t g = 0; g < keys.size(); ++g)
            for (int s = 0; s < 2; ++s) {
                const auto& r = e.runs[g * 2 + size_t(s)];
                QCOMPARE(q(r.groupKey), q(keys[g]));
                QCOMPARE(r.seed, 5 + s);
            }
        QCOMPARE(e.runs[6].config.train.lr, 0.01);
        QCOMPARE(e.runs[6].config.params.at("lambda"), 100.0);
        QCOMPARE(int(e.runs[6].point.size()), 2);
        QCOMPARE(q(e.runs[6].point[1].first), QStringLiteral("params.lambda"));
        const auto [label, point] = parseStudyGroupKey(e.runs[6].groupKey);
        QCOMPARE(q(label), QStringLiteral("ewc"));
        QVERIFY(point == e.runs[6].point);
        QCOMPARE(q(studyGroupKey(label, point)), q(e.runs[6].groupKey));
    }

    /// Seeded, so the same document gives the same points; in range, log-scale and integer.
    void randomSearch()
    {
        const std::string doc = R"({"base": )" + kBase + R"(,
            "configurations": [{"strategy": "ewc"}],
            "search": {"samples": 6, "seed": 7, "ranges": {
                "train.lr": {"min": 1e-4, "max": 1e-1, "log": true},
                "params.fisher_samples": {"min": 32, "max": 64, "integer": true}}},
            "seeds": 2})";
        const auto a = expand(doc), b = expand(doc);
        QVERIFY2(a.ok(), errorText(a.errors).c_str());
        QCOMPARE(int(a.runs.size()), 12);
        std::set<std::string> groups;
        bool lowDecade = false, highDecade = false;
        for (std::size_t i = 0; i < a.runs.size(); ++i) {
            const auto& r = a.runs[i];
            QCOMPARE(q(r.groupKey), q(b.runs[i].groupKey));
            QCOMPARE(r.config.train.lr, b.runs[i].config.train.lr);
            QVERIFY(r.config.train.lr >= 1e-4 && r.config.train.lr <= 1e-1);
            lowDecade |= r.config.train.lr < 1e-3;
            highDecade |= r.config.train.lr > 1e-2;
            const double n = r.config.params.at("fisher_samples");
            QVERIFY(n >= 32 && n <= 64 && n == std::floor(n));
            groups.insert(r.groupKey);
            if (i % 2 == 1) QCOMPARE(q(r.groupKey), q(a.runs[i - 1].groupKey));  // seeds pair up
        }
        QCOMPARE(int(groups.size()), 6);
        QVERIFY(lowDecade || highDecade);  // log-uniform over three decades
        std::string other = doc;
        other.replace(other.find("\"seed\": 7"), 9, "\"seed\": 8");
        QVERIFY(expand(other).runs[0].config.train.lr != a.runs[0].config.train.lr);
    }

    /// Every problem names its path in the study document.
    void errorsNamePaths_data()
    {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("text");
        const QString base = q(kBase);
        auto row = [&](const char* name, const QString& doc, const char* path, const char* text) {
            QTest::newRow(name) << doc << QString(path) << QString(text);
        };
        row("unknown study key", R"({"base": )" + base + R"(, "seedz": 2})", "seedz",
            "did you mean 'seeds'");
        row("no base", R"({"seeds": 2})", "base", "missing");
        row("missing base file", R"({"base": "nowhere.json"})", "base", "cannot read");
        row("grid param typo",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc", "grid": {"params.lamda": [1, 2]}}]})",
            R"(configurations[0].grid["params.lamda"])", "did you mean 'lambda'");
        row("study grid param of one strategy",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc"}, {"strategy": "finetune"}],
                   "grid": {"params.lambda": [1, 2]}})",
            R"(grid["params.lambda"])", "of strategy 'finetune'");
        row("grid config typo", R"({"base": )" + base + R"(, "grid": {"train.lrr": [1]}})",
            R"(grid["train.lrr"])", "did you mean 'train.lr'");
        row("grid seed", R"({"base": )" + base + R"(, "grid": {"seed": [1, 2]}})", "grid.seed",
            "\"seeds\"");
        row("grid value type", R"({"base": )" + base + R"(, "grid": {"train.epochs": [1, "x"]}})",
            R"(grid["train.epochs"][1])", "expected an integer");
        row("grid value range", R"({"base": )" + base + R"(, "grid": {"train.lr": [0.1, -1]}})",
            R"(grid["train.lr"][1])", "positive");
        row("empty grid axis", R"({"base": )" + base + R"(, "grid": {"train.lr": []}})",
            R"(grid["train.lr"])", "non-empty");
        row("unknown strategy",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "finetune"}, {"strategy": "ewx"}]})",
            "configurations[1].strategy", "did you mean 'ewc'");
        row("param out of range",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc", "params": {"lambda": -5}}]})",
            "configurations[0].params.lambda", "");
        row("param unknown",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc", "params": {"lamda": 5}}]})",
            "configurations[0].params.lamda", "did you mean 'lambda'");
        row("configuration set",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc", "set": {"train.lr": 0}}]})",
            R"(configurations[0].set["train.lr"])", "positive");
        row("study set", R"({"base": )" + base + R"(, "set": {"train.batch_size": 0}})",
            R"(set["train.batch_size"])", "must be between 1 and");
        row("base value", R"({"base": {"train": {"lr": -1}}})", "base.train.lr", "positive");
        row("duplicate label",
            R"({"base": )" + base +
                R"(, "configurations": [{"strategy": "ewc"}, {"label": "ewc"}]})",
            "configurations[1].label", "used twice");
        row("repeated seed", R"({"base": )" + base + R"(, "seeds": [1, 1]})", "seeds[1]",
            "repeats");
        row("range min > max",
            R"({"base": )" + base +
                R"(, "search": {"samples": 2, "ranges": {"train.lr": {"min": 1, "max": 0.1}}}})",
            R"(search.ranges["train.lr"])", "min must not exceed max");
        row("search without samples",
            R"({"base": )" + base +
                R"(, "search": {"ranges": {"train.lr": {"min": 0.1, "max": 1}}}})",
            "search.samples", "missing");
        row("unknown executor", R"({"base": )" + base + R"(, "execution": {"executor": "locl"}})",
            "execution.executor", "did you mean 'local'");
        row("invalid JSON", R"({"base": )", "", "invalid JSON");
    }
    void errorsNamePaths()
    {
        QFETCH(QString, doc);
        QFETCH(QString, path);
        QFETCH(QString, text);
        const auto e = expand(doc.toStdString());
        QVERIFY(e.runs.empty());
        QVERIFY2(hasError(e.errors, path.toStdString(), text.toStdString()),
                 ("expected " + path.toStdString() + ": ..." + text.toStdString() + "... in\n" +
                  errorText(e.errors))
                     .c_str());
    }

    /// A problem every run shares is reported once, not once per run.
    void sharedProblemReportedOnce()
    {
        const auto e = expand(R"({"base": {"train": {"lr": -1}}, "seeds": 5,
            "configurations": [{"strategy": "finetune"}]})");
        QCOMPARE(int(std::count_if(e.errors.begin(), e.errors.end(),
                                   [](const ConfigError& x) { return x.path == "base.train.lr"; })),
                 1);
    }
};

QTEST_APPLESS_MAIN(TestStudy)
#include "tst_study.moc"
