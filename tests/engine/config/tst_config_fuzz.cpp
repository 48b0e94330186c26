// SPDX-License-Identifier: GPL-3.0-or-later
// Configuration files broken on purpose, thousands of them from a seeded generator: type changes,
// deleted keys, extreme and non-finite numbers, huge strings, truncated text, stray bytes, unknown
// keys at every level, bad --set overrides. parseRunConfig must never throw, every rejection must
// name a JSON path (or, for text that is not JSON at all, the line and column), and an accepted
// config must survive toJson and parse again. A sample goes through `clwb-run validate` too, which
// must agree. docs/reliability.md has the counts; CLWB_FUZZ_SEED and CLWB_FUZZ_COUNT rerun others.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <climits>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clwb/run_config.h"
#include "engine/test_configs.h"

using Json = nlohmann::json;

namespace {

struct Case
{
    std::string text;
    std::vector<std::string> overrides;
    std::vector<std::string> ops;  ///< what was done to it, for a failure's message
};

/// Makes broken configs from a few valid ones.
class Mutator
{
public:
    Mutator(std::uint64_t seed, std::vector<Json> bases) : rng_(seed), bases_(std::move(bases)) {}

    Case next()
    {
        Case c;
        Json doc = bases_[pick(bases_.size())];
        bool truncate = false, garbage = false;
        const int n = 1 + int(pick(3));
        for (int i = 0; i < n; ++i) {
            switch (pick(10)) {
                case 0:
                    c.ops.push_back("type change " + retype(doc));
                    break;
                case 1:
                    c.ops.push_back("delete " + erase(doc));
                    break;
                case 2:
                    c.ops.push_back("extreme number " + extreme(doc));
                    break;
                case 3:
                    c.ops.push_back("non-finite number " + nonFinite(doc));
                    break;
                case 4:
                    c.ops.push_back("huge string " + huge(doc));
                    break;
                case 5:
                case 6:
                    c.ops.push_back("unknown key " + unknownKey(doc));
                    break;
                case 7:
                    truncate = true;
                    break;
                case 8:
                    garbage = true;
                    break;
                default:
                    c.overrides.push_back(badOverride());
                    c.ops.push_back("--set");
                    break;
            }
        }
        c.text = doc.dump(pick(2) ? 2 : -1);
        for (const auto& [token, value] : nonFinite_) replaceAll(c.text, token, value);
        nonFinite_.clear();
        if (garbage) {
            c.ops.push_back("stray bytes");
            const std::string bytes[] = {"\xff\xfe", "\x00", "}", ",", "\"", "\xc3", "/*"};
            c.text.insert(pick(c.text.size() + 1), bytes[pick(7)]);
        }
        if (truncate) {
            c.ops.push_back("truncated");
            c.text.resize(pick(c.text.size()));
        }
        return c;
    }

private:
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::size_t(rng_() % n); }

    /// Every node of the document as a JSON pointer, the root excepted.
    static void nodes(const Json& j, const Json::json_pointer& at,
                      std::vector<Json::json_pointer>& out)
    {
        if (j.is_object())
            for (const auto& item : j.items()) {
                out.push_back(at / item.key());
                nodes(item.value(), at / item.key(), out);
            }
        else if (j.is_array())
            for (std::size_t i = 0; i < j.size(); ++i) {
                out.push_back(at / i);
                nodes(j[i], at / i, out);
            }
    }

    Json::json_pointer anyNode(const Json& doc)
    {
        std::vector<Json::json_pointer> all;
        nodes(doc, Json::json_pointer(), all);
        return all.empty() ? Json::json_pointer() : all[pick(all.size())];
    }

    Json randomValue()
    {
        switch (pick(8)) {
            case 0:
                return nullptr;
            case 1:
                return pick(2) == 1;
            case 2:
                return int(pick(100)) - 50;
            case 3:
                return double(pick(1000)) / 7.0;
            case 4:
                return word();
            case 5:
                return Json::array({1, "two", nullptr});
            case 6:
                return Json::object({{word(), 1}});
            default: {  // nested deep: parsers and destructors that recurse would fall over
                Json deep = 1;
                for (std::size_t i = 0, depth = 1 + pick(2000); i < depth; ++i)
                    deep = Json::array({deep});
                return deep;
            }
        }
    }

    std::string word()
    {
        static const char* words[] = {"",
                                      "x",
                                      "stop",
                                      "skip",
                                      "fp32",
                                      "cuda",
                                      "synthetic",
                                      "class-incremental",
                                      "random",
                                      "pretrained",
                                      "日本語",
                                      "batch_sise",
                                      "lr",
                                      "0",
                                      "-1",
                                      "null",
                                      "true",
                                      "🙂",
                                      "../../etc/passwd",
                                      "a b c"};
        return words[pick(sizeof words / sizeof *words)];
    }

    std::string retype(Json& doc)
    {
        const auto at = anyNode(doc);
        if (at.empty()) return "(root)";
        Json v = randomValue();
        for (int tries = 0; tries < 5 && v.type() == doc[at].type(); ++tries) v = randomValue();
        doc[at] = std::move(v);
        return at.to_string();
    }

    std::string erase(Json& doc)
    {
        const auto at = anyNode(doc);
        if (at.empty()) return "(nothing)";
        Json& parent = doc[at.parent_pointer()];
        if (parent.is_object())
            parent.erase(at.back());
        else
            parent.erase(std::stoul(at.back()));
        return at.to_string();
    }

    std::string extreme(Json& doc)
    {
        const auto at = anyNode(doc);
        if (at.empty()) return "(root)";
        switch (pick(12)) {
            case 0:
                doc[at] = 1e308;
                break;
            case 1:
                doc[at] = -1e308;
                break;
            case 2:
                doc[at] = std::int64_t(INT_MAX) + 1;
                break;
            case 3:
                doc[at] = std::int64_t(INT_MIN) - 1;
                break;
            case 4:
                doc[at] = std::numeric_limits<std::int64_t>::max();
                break;
            case 5:
                doc[at] = std::numeric_limits<std::int64_t>::min();
                break;
            case 6:
                doc[at] = std::numeric_limits<std::uint64_t>::max();
                break;
            case 7:
                doc[at] = 4.9e-324;
                break;  // the smallest denormal
            case 8:
                doc[at] = -0.0;
                break;
            case 9:
                doc[at] = 0.5;
                break;
            case 10:
                doc[at] = -1;
                break;
            default:
                doc[at] = 0;
                break;
        }
        return at.to_string() + "=" + doc[at].dump();
    }

    /// JSON has no NaN or infinity; 1e999 parses to one, NaN and Infinity are not JSON at all.
    std::string nonFinite(Json& doc)
    {
        const auto at = anyNode(doc);
        if (at.empty()) return "(root)";
        const std::string token = "__nonfinite" + std::to_string(nonFinite_.size()) + "__";
        static const char* values[] = {"1e999", "-1e999", "NaN", "Infinity", "-1e400", "1E+9999"};
        nonFinite_.emplace_back("\"" + token + "\"", values[pick(6)]);
        doc[at] = token;
        return at.to_string() + "=" + nonFinite_.back().second;
    }

    std::string huge(Json& doc)
    {
        const std::size_t size = std::size_t(1) << (10 + pick(11));  // 1 KiB .. 1 MiB
        const std::string unit = pick(2) ? "a" : "語";               // one or three bytes
        std::string s;
        s.reserve(size);
        while (s.size() + unit.size() <= size) s += unit;
        if (pick(2)) {  // as a value, or as a key
            const auto at = anyNode(doc);
            if (at.empty()) return "(root)";
            doc[at] = s;
            return "value at " + at.to_string() + " (" + std::to_string(size) + " bytes)";
        }
        Json* obj = anyObject(doc);
        (*obj)[s] = 1;
        return "key (" + std::to_string(size) + " bytes)";
    }

    Json* anyObject(Json& doc)
    {
        std::vector<Json::json_pointer> all;
        nodes(doc, Json::json_pointer(), all);
        std::vector<Json*> objects{&doc};
        for (const auto& p : all)
            if (doc[p].is_object()) objects.push_back(&doc[p]);
        return objects[pick(objects.size())];
    }

    std::string unknownKey(Json& doc)
    {
        static const char* keys[] = {
            "batch_sise", "lr",       "epochs", "tasks",   "data",
            "Strategy",   "x",        "",       "🙂",    "name ",
            "nonfinite",  "train.lr", "[0]",    "dataset", "unknown_option"};
        Json* obj = anyObject(doc);
        const std::string key = keys[pick(sizeof keys / sizeof *keys)];
        if (obj->contains(key)) return "(existing " + key + ")";
        (*obj)[key] = randomValue();
        return "'" + key + "'";
    }

    std::string badOverride()
    {
        static const char* overrides[] = {"train.lr=abc",
                                          "train.lr=1e999",
                                          "data=5",
                                          "model.dim.x=1",
                                          "=3",
                                          "a..b=1",
                                          "train.epochs=-1",
                                          "train.nonfinite=3",
                                          "train.nonfinite=\"ignore\"",
                                          "noequals",
                                          "seed=99999999999",
                                          "params.lambda=[1,2]",
                                          "data.tasks=[[0],[0]]",
                                          "name=\xff\xfe",
                                          "train.batch_size=0",
                                          "model={}",
                                          "threads=1e3",
                                          "device=\"gpu\""};
        return overrides[pick(sizeof overrides / sizeof *overrides)];
    }

    static void replaceAll(std::string& s, const std::string& from, const std::string& to)
    {
        for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
            s.replace(at, from.size(), to);
    }

    std::mt19937_64 rng_;
    std::vector<Json> bases_;
    std::vector<std::pair<std::string, std::string>> nonFinite_;
};

/// A rejection "names a JSON path": a key path whose first step is a key of the document or of
/// the config, a --set override, or for a file that is no JSON object, its line and column.
bool located(const clwb::ConfigError& e, const std::string& text)
{
    if (e.path.empty())
        return e.message.rfind("invalid JSON at line ", 0) == 0 ||
               e.message.rfind("expected a JSON object", 0) == 0;
    if (e.path.rfind("--set ", 0) == 0) return true;
    std::string first = e.path.substr(0, e.path.find_first_of(".["));
    if (e.path.rfind("[\"", 0) == 0)  // a top-level key quoted: ["a.b"], [""]
        for (auto end = e.path.find("\"]"); end != std::string::npos;
             end = e.path.find("\"]", end + 1))
            if (const Json key = Json::parse(e.path.substr(1, end), nullptr, false);
                key.is_string()) {
                first = key.get<std::string>();
                break;
            }
    static const std::vector<std::string> top = {"name",    "strategy", "params", "seed", "device",
                                                 "threads", "data",     "model",  "train"};
    if (std::find(top.begin(), top.end(), first) != top.end()) return true;
    const Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    return doc.is_object() && doc.contains(first);
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string join(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
    return out;
}

std::uint64_t envNumber(const char* name, std::uint64_t fallback)
{
    const QByteArray v = qgetenv(name);
    return v.isEmpty() ? fallback : v.toULongLong();
}

}  // namespace

class TestConfigFuzz : public QObject
{
    Q_OBJECT

private:
    std::uint64_t seed_ = envNumber("CLWB_FUZZ_SEED", 20261129);
    std::vector<Json> bases_;
    /// In-process results of the cases the binary sees too.
    std::vector<std::pair<Case, clwb::ConfigParseResult>> sample_;

private Q_SLOTS:
    void initTestCase()
    {
        std::ifstream in(CLWB_SOURCE_DIR "/tests/data/tiny-synthetic.json");
        std::stringstream text;
        text << in.rdbuf();
        bases_.push_back(Json::parse(text.str()));     // the shortest valid file
        auto full = clwb::test::tinyConfig("ewc", 3);  // every key written, params included
        full.params = {{"lambda", 100.0}};
        bases_.push_back(Json::parse(clwb::toJson(full)));
        auto permuted = clwb::test::tinyConfig("finetune");
        permuted.data.scenario = "permuted";
        permuted.data.tasks.clear();
        permuted.data.numTasks = 3;
        bases_.push_back(Json::parse(clwb::toJson(permuted)));
        // The generator starts from valid files, so every rejection comes from a mutation.
        for (const auto& b : bases_) {
            const auto r = clwb::parseRunConfig(b.dump());
            QVERIFY2(r.ok(), r.ok() ? "" : (r.errors[0].path + ": " + r.errors[0].message).c_str());
        }
    }

    /// The property holds where it must, and the check can fail: a wrong type is located.
    void checkerSeesAPath()
    {
        Json doc = bases_[0];
        doc["train"]["lr"] = "fast";
        const auto r = clwb::parseRunConfig(doc.dump());
        QCOMPARE(int(r.errors.size()), 1);
        QCOMPARE(q(r.errors[0].path), QStringLiteral("train.lr"));
        QVERIFY(located(r.errors[0], doc.dump()));
        QVERIFY(!located({"", "something went wrong"}, doc.dump()));
        QVERIFY(!located({"nowhere.lr", "x"}, doc.dump()));
    }

    void mutatedConfigsAreRejectedWithAPath()
    {
        const int count = int(envNumber("CLWB_FUZZ_COUNT", 2000));
        Mutator mutate(seed_, bases_);
        int rejected = 0, accepted = 0, problems = 0, threw = 0, unlocated = 0, roundTrips = 0;
        std::map<std::string, int> opCounts;
        QStringList failures;
        for (int i = 0; i < count; ++i) {
            const Case c = mutate.next();
            for (const auto& op : c.ops)
                ++opCounts[op.substr(0, op.find_first_of(" /'(=0123456789"))];
            clwb::ConfigParseResult r;
            try {
                r = clwb::parseRunConfig(c.text, c.overrides);
            } catch (const std::exception& e) {
                ++threw;
                failures
                    << QStringLiteral("case %1 threw %2 (%3)").arg(i).arg(e.what(), q(join(c.ops)));
                continue;
            }
            if (r.ok()) {
                ++accepted;
                // What is accepted is written and read back the same (a run's stored snapshot).
                std::string problem;
                try {
                    const auto again = clwb::parseRunConfig(clwb::toJson(r.config));
                    if (!again.ok() || clwb::toJson(again.config) != clwb::toJson(r.config))
                        problem = "does not read back the same";
                } catch (const std::exception& e) {
                    problem = std::string("toJson threw ") + e.what();
                }
                if (problem.empty())
                    ++roundTrips;
                else
                    failures << QStringLiteral("case %1: accepted, but %2 (%3)")
                                    .arg(i)
                                    .arg(q(problem), q(join(c.ops)));
            } else {
                ++rejected;
                problems += int(r.errors.size());
                for (const auto& e : r.errors)
                    if (!located(e, c.text)) {
                        ++unlocated;
                        failures << QStringLiteral("case %1: '%2: %3' names no path (%4)")
                                        .arg(i)
                                        .arg(q(e.path), q(e.message.substr(0, 200)),
                                             q(join(c.ops)));
                    }
            }
            if (i % (count / 50 > 0 ? count / 50 : 1) == 0 && sample_.size() < 50)
                sample_.emplace_back(c, r);
        }
        QStringList ops;
        for (const auto& [op, n] : opCounts) ops << QStringLiteral("%1 %2").arg(q(op)).arg(n);
        qInfo(
            "config fuzz (seed %llu): %d documents, %d rejected with %d problems, %d accepted "
            "(%d written and read back), %d threw, %d problems without a path",
            (unsigned long long)seed_, count, rejected, problems, accepted, roundTrips, threw,
            unlocated);
        qInfo("mutations: %s", qPrintable(ops.join(", ")));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 10).join('\n')));
        QCOMPARE(rejected + accepted, count);
        QVERIFY(rejected > count / 2);  // the generator does break most files
    }

    /// The same verdicts from the binary: exit 0 or 2, never a crash, one line per problem with
    /// the same paths.
    void clwbRunValidateAgrees()
    {
        QVERIFY(!sample_.empty());
        QTemporaryDir dir;
        int agreed = 0, rejected = 0;
        for (std::size_t i = 0; i < sample_.size(); ++i) {
            const auto& [c, expected] = sample_[i];
            const QString file = dir.filePath(QStringLiteral("case%1.json").arg(i));
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(c.text.data(), qint64(c.text.size()));
            f.close();
            QStringList args{QStringLiteral("validate"), file};
            for (const auto& o : c.overrides)
                args << QStringLiteral("--set") << QString::fromLocal8Bit(o.c_str());
            QProcess p;
            p.start(QStringLiteral(CLWB_RUN_BINARY), args);
            QVERIFY(p.waitForFinished(60000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            const QString err = QString::fromUtf8(p.readAllStandardError());
            QVERIFY2(p.exitCode() == (expected.ok() ? 0 : 2), qPrintable(err.left(500)));
            if (expected.ok()) {
                ++agreed;
                continue;
            }
            ++rejected;
            QStringList paths;
            for (const auto& line : err.split('\n'))
                if (line.startsWith(QStringLiteral("  ")))
                    paths << line.mid(2).section(QStringLiteral(": "), 0, 0);
            QStringList want;
            for (const auto& e : expected.errors)
                want << (e.path.empty() ? QStringLiteral("(file)")
                                        : QString::fromUtf8(e.path.c_str()));
            QCOMPARE(paths, want);
            ++agreed;
        }
        qInfo(
            "clwb-run validate: %d of %d sampled documents, the same verdicts and paths "
            "(%d rejected, exit 2; the others exit 0)",
            agreed, int(sample_.size()), rejected);
    }
};

QTEST_APPLESS_MAIN(TestConfigFuzz)
#include "tst_config_fuzz.moc"
