// SPDX-License-Identifier: GPL-3.0-or-later
// Reading checkpoints: hand-built safetensors files (F32/F16/BF16 and each way of being broken),
// a fuzz run over mutants of a valid file, torch.save-style zip archives and clwb's own format.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <cstring>
#include <random>

#include "checks.h"
#include "model/checkpoint_reader.h"
#include "model/vit.h"
#include "engine/test_configs.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

/// A safetensors file built by hand: 8-byte little-endian header length, JSON, data.
std::string safetensorsBytes(const std::string& header, const std::string& data)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[size_t(i)] = char((uint64_t(header.size()) >> (8 * i)) & 0xff);
    return out + header + data;
}

template <typename T>
std::string bytesOf(std::initializer_list<T> values)
{
    std::string s;
    for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof(T));
    return s;
}

/// Half and bfloat16 bit patterns of exactly representable values.
uint16_t halfBits(float v)
{
    return torch::tensor({v}).to(torch::kHalf).view(torch::kShort).item<int16_t>();
}
uint16_t bf16Bits(float v)
{
    return torch::tensor({v}).to(torch::kBFloat16).view(torch::kShort).item<int16_t>();
}

std::string validFile()
{
    const std::string data = bytesOf<float>({1.f, -2.f, 0.5f, 3.25f, 0.f, 7.f}) +
                             bytesOf<uint16_t>({halfBits(1.5f), halfBits(-0.25f)}) +
                             bytesOf<uint16_t>({bf16Bits(2.f), bf16Bits(-8.f), bf16Bits(0.125f)}) +
                             bytesOf<double>({-1.0});
    const std::string header = R"({"__metadata__":{"format":"pt"},)"
                               R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                               R"("h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},)"
                               R"("b":{"dtype":"BF16","shape":[3],"data_offsets":[28,34]},)"
                               R"("d":{"dtype":"F64","shape":[],"data_offsets":[34,42]}})";
    return safetensorsBytes(header, data);
}

Checkpoint parse(const std::string& bytes, bool shapesOnly = false)
{
    return parseSafetensors(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                            shapesOnly, "test.safetensors");
}

std::string parseError(const std::string& bytes)
{
    try {
        parse(bytes);
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return {};
}

std::string writeFile(const QTemporaryDir& dir, const QString& name, const std::string& bytes)
{
    const auto path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(bytes.data(), qint64(bytes.size()));
    return path.toStdString();
}

using test::tinyModel;

}  // namespace

class TestCheckpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void safetensorsDtypesBecomeFloat32()
    {
        const auto ck = parse(validFile());
        QCOMPARE(ck.format, std::string("safetensors"));
        QCOMPARE(ck.metadata.at("format"), std::string("pt"));
        QCOMPARE(int(ck.tensors.size()), 4);
        QCOMPARE(ck.tensors[0].name, std::string("w"));  // offset order
        const auto* w = ck.find("w");
        QVERIFY(w);
        QCOMPARE(w->value.scalar_type(), torch::kFloat);
        QCOMPARE(w->value.sizes().vec(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(w->value[1][0].item<float>(), 3.25f);
        QCOMPARE(ck.find("h")->dtype, std::string("F16"));
        QVERIFY(torch::equal(ck.find("h")->value, torch::tensor({1.5f, -0.25f})));
        QVERIFY(torch::equal(ck.find("b")->value, torch::tensor({2.f, -8.f, 0.125f})));
        QCOMPARE(ck.find("d")->value.dim(), int64_t(0));
        QCOMPARE(ck.find("d")->value.item<float>(), -1.f);
        // Shapes only: names, dtypes and shapes, no data.
        const auto shapes = parse(validFile(), true);
        QCOMPARE(shapes.find("b")->shape, (std::vector<int64_t>{3}));
        QVERIFY(!shapes.find("b")->value.defined());
    }

    void safetensorsRejectionsNameTheProblem()
    {
        const std::string ok = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
        const std::string data8(8, '\0');
        auto file = [&](const std::string& entries, const std::string& data) {
            return safetensorsBytes("{" + entries + "}", data);
        };
        const std::pair<std::string, std::string> cases[] = {
            {std::string(5, '\0'), "too short"},
            {validFile().substr(0, 60), "does not fit"},
            {safetensorsBytes("{not json", data8), "not valid JSON"},
            {safetensorsBytes("[1,2]", data8), "not a JSON object"},
            {file(R"("t":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]})", data8),
             "'t' has dtype F8_E4M3"},
            {file(R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,16]})", data8),
             "beyond the file"},
            {file(R"("t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]})", data8), "needs 12"},
            {file(R"("t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]})", data8),
             "non-negative"},
            {file(R"("t":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1,2],"data_offsets":[0,8]})",
                  data8),
             "rank 10"},
            {file(R"("t":{"dtype":"F32","shape":[2],"data_offsets":[8,0]})", data8), "after end"},
            {file(R"("t":{"dtype":"F32","shape":[2]})", data8), "no \"data_offsets\""},
            {file(ok + R"(,"u":{"dtype":"F32","shape":[1],"data_offsets":[4,8]})", data8),
             "overlaps"},
            {file(ok + R"(,"__metadata__":{"k":1})", data8), "__metadata__ value of 'k'"},
            {file(R"("t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]})",
                  data8),
             "'t'"},
        };
        for (const auto& [bytes, expected] : cases) {
            const auto error = parseError(bytes);
            QVERIFY2(error.find(expected) != std::string::npos,
                     ("expected '" + expected + "' in: " + error).c_str());
            QVERIFY2(error.find("test.safetensors") != std::string::npos, error.c_str());
        }
        QVERIFY(parseError(file(ok, data8)).empty());
    }

    void fuzzedSafetensorsNeverCrash()
    {
        // Mutants of a valid file: flipped bytes (header length, JSON, data), truncations,
        // insertions, and digit changes inside the JSON. Each is accepted or rejected with a
        // message; nothing else may happen.
        const std::string valid = validFile();
        std::mt19937 rng(12345);
        int rejected = 0, accepted = 0;
        for (int i = 0; i < 2000; ++i) {
            std::string m = valid;
            const int kind = int(rng() % 5);
            const int edits = 1 + int(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                const size_t pos = rng() % m.size();
                if (kind == 0)
                    m[pos] = char(rng());
                else if (kind == 1)
                    m[pos % 8] = char(rng());
                else if (kind == 2)
                    m.resize(pos);
                else if (kind == 3)
                    m.insert(pos, 1, char(rng()));
                else if (m.size() > 9) {
                    const size_t d = m.find_first_of("0123456789", 8 + rng() % (m.size() - 8));
                    if (d != std::string::npos) m[d] = char('0' + rng() % 10);
                }
                if (m.empty()) break;
            }
            try {
                const auto ck = parse(m);
                for (const auto& t : ck.tensors) QVERIFY(t.value.defined());
                ++accepted;
            } catch (const CheckpointError& e) {
                QVERIFY(std::strlen(e.what()) > 20);
                ++rejected;
            }
        }
        qInfo("fuzz: %d mutants rejected with a message, %d accepted", rejected, accepted);
        QVERIFY2(rejected > 500, std::to_string(rejected).c_str());
        QVERIFY(accepted > 0);  // data-only flips stay valid files
    }

    void writeAndReadSafetensorsFile()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath("m.safetensors").toStdString();
        torch::manual_seed(1);
        const auto a = torch::randn({3, 5}), b = torch::randn({7}).to(torch::kHalf);
        writeSafetensors(path, {{"a", a}, {"b", b}}, {{"format", "pt"}});
        const auto ck = readCheckpoint(path);
        QCOMPARE(ck.format, std::string("safetensors"));
        QVERIFY(torch::equal(ck.find("a")->value, a));
        QVERIFY(torch::equal(ck.find("b")->value, b.to(torch::kFloat)));
        QCOMPARE(ck.find("b")->dtype, std::string("F16"));
        QCOMPARE(ck.metadata.at("format"), std::string("pt"));
        const auto shapes = readCheckpoint(path, true);
        QCOMPARE(shapes.find("a")->shape, (std::vector<int64_t>{3, 5}));
        QVERIFY(!shapes.find("a")->value.defined());
    }

    void torchZipPlainAndNestedDicts()
    {
        QTemporaryDir dir;
        torch::manual_seed(2);
        const auto w = torch::randn({4, 3}), h = torch::randn({2}).to(torch::kBFloat16);
        c10::Dict<std::string, torch::Tensor> plain;
        plain.insert("w", w);
        plain.insert("h", h);
        auto bytes = torch::pickle_save(plain);
        const auto path = writeFile(dir, "plain.pt", std::string(bytes.begin(), bytes.end()));
        const auto ck = readCheckpoint(path);
        QCOMPARE(ck.format, std::string("torch-zip"));
        QVERIFY(torch::equal(ck.find("w")->value, w));
        QVERIFY(torch::equal(ck.find("h")->value, h.to(torch::kFloat)));
        QCOMPARE(ck.find("h")->dtype, std::string("BF16"));
        const auto shapes = readCheckpoint(path, true);
        QCOMPARE(shapes.find("w")->shape, (std::vector<int64_t>{4, 3}));
        QVERIFY(!shapes.find("w")->value.defined());

        c10::impl::GenericDict nested(c10::StringType::get(), c10::AnyType::get());
        nested.insert("epoch", int64_t(3));
        nested.insert("model", plain);
        bytes = torch::pickle_save(nested);
        const auto nestedPath =
            writeFile(dir, "nested.pth", std::string(bytes.begin(), bytes.end()));
        const auto n = readCheckpoint(nestedPath);
        QCOMPARE(n.nestedKey, std::string("model"));
        QVERIFY(torch::equal(n.find("w")->value, w));

        bytes = torch::pickle_save(c10::IValue(c10::List<int64_t>({1, 2})));
        const auto listPath = writeFile(dir, "list.pt", std::string(bytes.begin(), bytes.end()));
        QVERIFY_THROWS_EXCEPTION(CheckpointError, readCheckpoint(listPath));
        try {
            readCheckpoint(listPath);
        } catch (const CheckpointError& e) {
            QVERIFY2(std::string(e.what()).find("not a dict of tensors") != std::string::npos,
                     e.what());
        }
    }

    void unknownFilesAreExplained()
    {
        QTemporaryDir dir;
        const std::pair<std::string, std::string> cases[] = {
            {"hello, not a checkpoint", "not a checkpoint this workbench reads"},
            {std::string("\x80\x02\x8a\x0alegacy", 10), "legacy"},
            {std::string("PK\x03\x04garbage", 11), "unreadable zip"},
            {"", "not a checkpoint"},
        };
        int i = 0;
        for (const auto& [bytes, expected] : cases) {
            const auto path = writeFile(dir, QString("f%1.pt").arg(i++), bytes);
            try {
                readCheckpoint(path);
                QFAIL(("accepted: " + expected).c_str());
            } catch (const CheckpointError& e) {
                QVERIFY2(std::string(e.what()).find(expected) != std::string::npos, e.what());
            }
            QVERIFY(!checkpointProblem(path).empty());
        }
        QVERIFY(checkpointProblem(dir.filePath("missing.pt").toStdString()).find("not found") !=
                std::string::npos);
    }

    void clwbArchivesStillLoad()
    {
        // The bundled backbone, written before the new architecture fields existed.
        const std::string bundled = bundledBackbonePath();
        const auto ck = readCheckpoint(bundled);
        QCOMPARE(ck.format, std::string("clwb"));
        QVERIFY(!ck.clwbModelJson.empty());
        QVERIFY2(checkpointProblem(bundled).empty(), checkpointProblem(bundled).c_str());
        const auto arch = checkpointModel(bundled);
        QVERIFY(arch.has_value());
        QVERIFY(arch->classToken && !arch->fcNorm && !arch->layerScale && arch->bias);
        QVERIFY(arch->mean.empty());  // dataset statistics
        Vit vit(*arch, 10);
        vit->loadBackbone(bundled);
        QCOMPARE(
            vit->pos_embed.size(1),
            int64_t((arch->imageSize / arch->patchSize) * (arch->imageSize / arch->patchSize) + 1));

        // New fields round-trip through saveBackbone.
        QTemporaryDir dir;
        auto m = tinyModel();
        m.layerScale = true;
        m.qkvBias = false;
        m.classToken = false;
        m.fcNorm = true;
        m.mlpHidden = 40;
        m.mean = {0.5};
        m.std = {0.25};
        Vit a(m, 10);
        const auto path = dir.filePath("b.pt").toStdString();
        a->saveBackbone(path);
        const auto back = checkpointModel(path);
        QVERIFY2(back.has_value(), checkpointProblem(path).c_str());
        QVERIFY(back->layerScale && !back->qkvBias && !back->classToken && back->fcNorm);
        QCOMPARE(back->mlpHidden, 40);
        QCOMPARE(back->std, std::vector<double>{0.25});
        Vit b(*back, 10);
        b->loadBackbone(path);
        const auto x = torch::randn({2, 1, 16, 16});
        a->eval();
        b->eval();
        QVERIFY(torch::allclose(a->features(x), b->features(x)));
    }
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
