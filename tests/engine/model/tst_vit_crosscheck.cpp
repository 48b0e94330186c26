// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's ViT against the real implementations: tests/reference/vit_crosscheck.py builds
// random timm and torchvision ViTs (ViT-Ti/16, ViT-B/16, gap/fc_norm, layer scale, torchvision
// vit_b_16), writes their checkpoints with the libraries' own writers and saves reference
// features; here each checkpoint is detected, loaded and run on the same input. Also with LoRA
// factors added and merged, timm's pos_embed resampling, and the OrderedDict conversion path.
// Skips only when /usr/bin/python3 has no torch.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <torch/torch.h>

#include "clwb/backbones.h"
#include "model/checkpoint_reader.h"
#include "model/vit.h"
#include "model/vit_arch.h"

using namespace clwb;
using namespace clwb::detail;

namespace {

constexpr double kTolerance = 1e-4;
const QString kPython = "/usr/bin/python3";

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

}  // namespace

class TestVitCrosscheck : public QObject
{
    Q_OBJECT

    QString skipReason_;
    QJsonArray cases_;
    QString venv_ = QString(CLWB_BINARY_DIR) + "/refvenv";

    /// Runs a command; "" on success, else its output.
    static QString run(const QString& program, const QStringList& args, int timeoutMs)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return program + " timed out: " + QString::fromLocal8Bit(p.readAll());
        }
        const auto out = QString::fromLocal8Bit(p.readAll());
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return program + " " + args.join(' ') + " failed:\n" + out.right(4000);
        qInfo().noquote() << out.trimmed().right(2000);
        return {};
    }

    QJsonObject findCase(const QString& name) const
    {
        for (const auto& c : cases_)
            if (c.toObject()["name"].toString() == name) return c.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(kPython)) {
            skipReason_ = kPython + " is missing (apt-get install python3)";
            return;
        }
        QProcess probe;
        probe.start(kPython, {"-c", "import torch, torchvision"});
        probe.waitForFinished(120000);
        if (probe.exitCode() != 0) {
            skipReason_ = kPython +
                          " lacks torch/torchvision (apt-get install python3-torch "
                          "python3-torchvision python3-venv)";
            return;
        }
        const QString out = QString(CLWB_BINARY_DIR) + "/crosscheck";
        QStringList archs;
        for (const auto& a : knownArchitectures()) archs << QString::fromStdString(a);
        const auto error =
            run(kPython,
                {QString(CLWB_SOURCE_DIR) + "/tests/reference/vit_crosscheck.py", "--venv", venv_,
                 "--out", out, "--reuse", "--archs", archs.join(',')},
                15 * 60 * 1000);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QFile manifest(out + "/manifest.json");
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(manifest.readAll()).object();
        cases_ = doc["cases"].toArray();
        QVERIFY(cases_.size() >= 7);
        qInfo() << "reference: timm" << doc["timm"].toString() << "torch" << doc["torch"].toString()
                << "torchvision" << doc["torchvision"].toString();
    }

    void knownArchitecturesMatchTimm()
    {
        if (!skipReason_.isEmpty()) QSKIP(qPrintable(skipReason_));
        QFile file(QString(CLWB_BINARY_DIR) + "/crosscheck/timm_archs.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(file.readAll()).object();
        const auto archs = doc["archs"].toObject();
        QCOMPARE(archs.size(), int(knownArchitectures().size()));
        for (const auto& name : knownArchitectures()) {
            const auto t = archs[QString::fromStdString(name)].toObject();
            const KnownArch* a = findKnownArch(name);
            QVERIFY2(a && !t.isEmpty(), name.c_str());
            const std::pair<const char*, std::pair<int, int>> fields[] = {
                {"dim", {a->dim, t["dim"].toInt()}},
                {"depth", {a->depth, t["depth"].toInt()}},
                {"heads", {a->heads, t["heads"].toInt()}},
                {"patch", {a->patch, t["patch"].toInt()}},
                {"image_size", {a->imageSize, t["image_size"].toInt()}},
                {"class_token", {a->classToken, t["class_token"].toBool()}},
                {"fc_norm", {a->fcNorm, t["fc_norm"].toBool()}},
                {"layer_scale", {a->layerScale, t["layer_scale"].toBool()}},
                {"qkv_bias", {a->qkvBias, t["qkv_bias"].toBool()}},
                {"pool", {a->pool == t["pool"].toString().toStdString(), true}}};
            for (const auto& [field, v] : fields)
                QVERIFY2(v.first == v.second, (name + ": " + field).c_str());
        }
        // timm's normalisation for every pretrained tag of these architectures.
        const auto tags = doc["pretrained"].toObject();
        QVERIFY(tags.size() > archs.size());
        for (auto it = tags.begin(); it != tags.end(); ++it) {
            const auto norm = timmNormalisation(it.key().toStdString());
            const auto mean = it.value().toObject()["mean"].toArray();
            const auto std = it.value().toObject()["std"].toArray();
            QVERIFY2(norm.mean.size() == 3, qPrintable(it.key()));
            for (int i = 0; i < 3; ++i)
                QVERIFY2(std::abs(norm.mean[size_t(i)] - mean[i].toDouble()) < 1e-6 &&
                             std::abs(norm.std[size_t(i)] - std[i].toDouble()) < 1e-6,
                         qPrintable(it.key() + ": " + QString::fromStdString(norm.rule)));
        }
        qInfo("%d architectures and %d pretrained tags agree with timm", int(archs.size()),
              int(tags.size()));
    }

    void features_data()
    {
        QTest::addColumn<QString>("name");
        if (!skipReason_.isEmpty()) {
            QTest::newRow("skipped") << QString();
            return;
        }
        for (const auto& c : cases_) {
            const auto name = c.toObject()["name"].toString();
            QTest::newRow(qPrintable(name)) << name;
        }
    }

    void features()
    {
        if (!skipReason_.isEmpty()) QSKIP(qPrintable(skipReason_));
        QFETCH(QString, name);
        const QJsonObject c = findCase(name);
        QVERIFY(!c.isEmpty());
        std::string checkpoint = c["checkpoint"].toString().toStdString();
        const auto arch = c["arch"].toString().toStdString();
        if (c["ordered_dict"].toBool()) {
            // torch.save(model.state_dict()): refused with the hint, then converted by the script.
            const auto refused = inspectBackbone(checkpoint, arch);
            QVERIFY2(refused.problem.find("convert-checkpoint.py") != std::string::npos,
                     refused.problem.c_str());
            const auto converted =
                QString(CLWB_BINARY_DIR) + "/crosscheck/" + name + ".safetensors";
            const auto error = run(venv_ + "/bin/python",
                                   {QString(CLWB_SOURCE_DIR) + "/scripts/convert-checkpoint.py",
                                    QString::fromStdString(checkpoint), converted},
                                   5 * 60 * 1000);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            checkpoint = converted.toStdString();
        }
        const auto info = inspectBackbone(checkpoint, arch);
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        for (const auto& n : info.notes) qInfo().noquote() << "  " << QString::fromStdString(n);
        ModelConfig model = info.model;
        model.imageSize = c["image_size"].toInt();
        QCOMPARE(model.dim, c["dim"].toInt());

        const auto ref = readCheckpoint(c["reference"].toString().toStdString());
        const auto input = ref.find("input")->value;
        const auto expected = ref.find("features")->value;
        Vit vit(model, 10);
        vit->loadBackbone(checkpoint);
        vit->eval();
        torch::NoGradGuard noGrad;
        const double diff = maxDiff(vit->features(input), expected);
        qInfo("%s: max |features - reference| = %.3g (|reference| max %.3g)", qPrintable(name),
              diff, expected.abs().max().item<double>());
        QVERIFY2(diff <= kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));

        const auto lora = c["lora"].toArray();
        if (lora.isEmpty()) return;
        // The same factors as the reference: alpha 8, rank 4 -> scale 2, B A added to W.
        const auto timmNames = c["lora_timm"].toObject();
        std::vector<NamedLinear> adapted;
        for (const auto& l : lora) {
            const auto stored = l.toString();
            const auto target = timmNames.contains(stored) ? timmNames[stored].toString() : stored;
            bool found = false;
            for (auto& nl : vit->linears()) {
                if (nl.name != target.toStdString()) continue;
                auto& ad = nl.layer->addAdapter("crosscheck", 4, 8.0);
                ad.a.copy_(ref.find("lora." + stored.toStdString() + ".A")->value);
                ad.b.copy_(ref.find("lora." + stored.toStdString() + ".B")->value);
                adapted.push_back(nl);
                found = true;
            }
            QVERIFY2(found, qPrintable(target));
        }
        const auto expectedLora = ref.find("features_lora")->value;
        const double withAdapter = maxDiff(vit->features(input), expectedLora);
        for (auto& nl : adapted) nl.layer->mergeAdapter("crosscheck");
        const double merged = maxDiff(vit->features(input), expectedLora);
        qInfo("%s + LoRA on %d layers: adapter %.3g, merged %.3g", qPrintable(name),
              int(adapted.size()), withAdapter, merged);
        QVERIFY(maxDiff(expectedLora, expected) > 100 * kTolerance);  // the update matters
        QVERIFY2(withAdapter <= kTolerance, qPrintable(QString::number(withAdapter)));
        QVERIFY2(merged <= kTolerance, qPrintable(QString::number(merged)));
    }
};

QTEST_APPLESS_MAIN(TestVitCrosscheck)
#include "tst_vit_crosscheck.moc"
