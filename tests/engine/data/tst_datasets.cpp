// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset layer on data the test writes itself: image folders (PNG, JPEG, WebP, grey, odd
// sizes, a corrupt file), single-folder stratified splits, CSV lists, CIFAR-10/100 binaries, IDX
// files plain and gzip (EMNIST naming), the decode cache (reuse, invalidation, a truncated file),
// inspectDataset problems and previews. Includes torch, hence QT_NO_KEYWORDS.
#include <QtTest>

#include <stb/stb_image_write.h>
#include <webp/encode.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <torch/torch.h>

#include "clwb/datasets.h"
#include "data/decode_cache.h"
#include "data/fashion_mnist.h"
#include "data/image_decode.h"
#include "data/raw_dataset.h"

using namespace clwb;
using namespace clwb::detail;
namespace fs = std::filesystem;

namespace {

using Rgb = std::array<std::uint8_t, 3>;
const Rgb kRed{200, 30, 30}, kGreen{30, 200, 30}, kBlue{30, 30, 200};

std::vector<std::uint8_t> solid(int w, int h, const Rgb& c)
{
    std::vector<std::uint8_t> px(std::size_t(w) * std::size_t(h) * 3);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = c[i % 3];
    return px;
}

void writeImage(const fs::path& p, int w, int h, const Rgb& c)
{
    fs::create_directories(p.parent_path());
    const auto px = solid(w, h, c);
    const auto ext = p.extension().string();
    if (ext == ".png") {
        QVERIFY(stbi_write_png(p.c_str(), w, h, 3, px.data(), w * 3));
    } else if (ext == ".jpg") {
        QVERIFY(stbi_write_jpg(p.c_str(), w, h, 3, px.data(), 95));
    } else if (ext == ".bmp") {
        QVERIFY(stbi_write_bmp(p.c_str(), w, h, 3, px.data()));
    } else {
        std::uint8_t* out = nullptr;
        const std::size_t n = WebPEncodeLosslessRGB(px.data(), w, h, w * 3, &out);
        QVERIFY(n > 0);
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(out), std::streamsize(n));
        WebPFree(out);
    }
}

void writeGrey(const fs::path& p, int w, int h, std::uint8_t v)
{
    fs::create_directories(p.parent_path());
    std::vector<std::uint8_t> px(std::size_t(w) * std::size_t(h), v);
    QVERIFY(stbi_write_png(p.c_str(), w, h, 1, px.data(), w));
}

void writeBytes(const fs::path& p, const std::vector<char>& bytes)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

void writeText(const fs::path& p, const std::string& text)
{
    writeBytes(p, std::vector<char>(text.begin(), text.end()));
}

std::vector<char> randomBytes(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<char> b(n);
    for (auto& c : b) c = char(rng() & 0xff);
    return b;
}

struct Log
{
    std::vector<std::pair<int, std::string>> lines;
    DataLog fn()
    {
        return [this](int level, const std::string& m) { lines.emplace_back(level, m); };
    }
    bool has(int level, const std::string& part) const
    {
        for (const auto& [l, m] : lines)
            if (l == level && m.find(part) != std::string::npos) return true;
        return false;
    }
};

std::string thrown(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

/// Mean of channel `c` of image `i`, in 0..255.
double channelMean(const torch::Tensor& images, std::int64_t i, int c)
{
    return images[i][c].to(torch::kDouble).mean().item<double>();
}

std::vector<char> be32(std::uint32_t v)
{
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

/// IDX images n x h x w with pixel value = 10 * label + row, plain or gzip.
void writeIdx(const fs::path& dir, const std::string& prefix, const std::string& part,
              const std::vector<int>& labels, int h, int w, bool gz)
{
    std::vector<char> img = be32(0x803), lab = be32(0x801);
    for (auto v : {std::uint32_t(labels.size()), std::uint32_t(h), std::uint32_t(w)})
        for (char c : be32(v)) img.push_back(c);
    for (char c : be32(std::uint32_t(labels.size()))) lab.push_back(c);
    for (int l : labels) {
        lab.push_back(char(l));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) img.push_back(char(10 * l + y));
    }
    fs::create_directories(dir);
    auto put = [&](const std::string& name, const std::vector<char>& bytes) {
        if (!gz) return writeBytes(dir / name, bytes);
        gzFile f = gzopen((dir / (name + ".gz")).c_str(), "wb");
        QVERIFY(f);
        QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
        gzclose(f);
    };
    put(prefix + part + "-images-idx3-ubyte", img);
    put(prefix + part + "-labels-idx1-ubyte", lab);
}

/// CIFAR records: label byte(s), then 3072 bytes CHW with R = label, G = 100 + index, B = 7.
std::vector<char> cifarRecords(const std::vector<int>& labels, bool hundred)
{
    std::vector<char> out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (hundred) out.push_back(char(labels[i] / 5));  // coarse label
        out.push_back(char(labels[i]));
        for (int c = 0; c < 3; ++c)
            for (int k = 0; k < 1024; ++k)
                out.push_back(char(c == 0 ? labels[i] : c == 1 ? 100 + int(i) : 7));
    }
    return out;
}

DataConfig dataConfig(const std::string& kind, const fs::path& path)
{
    DataConfig d;
    d.dataset = kind;
    d.path = path.string();
    return d;
}

}  // namespace

class TestDatasets : public QObject
{
    Q_OBJECT

    QTemporaryDir tmp_;
    fs::path root_;

    fs::path dir(const std::string& name) const { return root_ / name; }

    /// train/{cat,dog,zebra}, test/{cat,dog,emu}: PNG, JPEG, BMP, WebP, grey, odd sizes, a corrupt
    /// .jpg, a text file and a hidden file that are ignored.
    fs::path makeSplitFolder(const std::string& name)
    {
        const fs::path r = dir(name);
        writeImage(r / "train/cat/a.png", 37, 21, kRed);
        writeImage(r / "train/cat/b.jpg", 64, 80, kRed);
        writeBytes(r / "train/cat/corrupt.jpg", randomBytes(700, 1));
        writeImage(r / "train/dog/a.png", 20, 20, kGreen);
        writeGrey(r / "train/dog/grey.png", 30, 17, 128);
        writeImage(r / "train/zebra/z.webp", 25, 40, kBlue);
        writeImage(r / "train/zebra/sub/deeper.bmp", 16, 16, kBlue);
        writeText(r / "train/zebra/readme.txt", "not an image");
        writeImage(r / "train/zebra/.hidden.png", 16, 16, kRed);
        writeImage(r / "test/cat/t.png", 50, 50, kRed);
        writeImage(r / "test/dog/t.jpg", 33, 47, kGreen);
        writeImage(r / "test/emu/t.png", 16, 16, kBlue);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        root_ = fs::path(tmp_.path().toStdString());
        qputenv("CLWB_CACHE_DIR", QByteArray::fromStdString((root_ / "cache").string()));
    }

    void init() { clearRawDatasetCache(); }

    void imageFolderWithSplit()
    {
        const auto r = makeSplitFolder("split");
        Log log;
        const auto ds = loadRawDataset(dataConfig("image-folder", r), 16, 0, log.fn());
        QCOMPARE(ds->classNames, (std::vector<std::string>{"cat", "dog", "emu", "zebra"}));
        QCOMPARE(ds->train.images.sizes().vec(), (std::vector<std::int64_t>{6, 3, 16, 16}));
        QCOMPARE(ds->train.images.scalar_type(), torch::kUInt8);
        QCOMPARE(ds->test.images.sizes().vec(), (std::vector<std::int64_t>{3, 3, 16, 16}));
        // Sorted by class, then path: cat/a.png, cat/b.jpg, dog/a.png, dog/grey.png,
        // zebra/sub/deeper.bmp, zebra/z.webp
        QCOMPARE(std::vector<std::int64_t>(ds->train.labels.data_ptr<std::int64_t>(),
                                           ds->train.labels.data_ptr<std::int64_t>() + 6),
                 (std::vector<std::int64_t>{0, 0, 1, 1, 3, 3}));
        QCOMPARE(ds->test.labels[2].item<std::int64_t>(), 2);  // emu
        QCOMPARE(ds->skipped, std::int64_t(1));
        QVERIFY(ds->skippedFiles.at(0).find("train/cat/corrupt.jpg") != std::string::npos);
        QVERIFY(log.has(1, "corrupt.jpg"));
        QVERIFY(log.has(1, "no training images: emu"));
        // Colours survive decoding, crop and resize, in CHW order (JPEG within a few levels).
        QVERIFY(std::abs(channelMean(ds->train.images, 0, 0) - 200) < 2);
        QVERIFY(std::abs(channelMean(ds->train.images, 1, 0) - 200) < 6);
        QVERIFY(std::abs(channelMean(ds->train.images, 1, 1) - 30) < 6);
        for (int c = 0; c < 3; ++c)
            QVERIFY(std::abs(channelMean(ds->train.images, 3, c) - 128) < 1);
        QVERIFY(std::abs(channelMean(ds->train.images, 5, 2) - 200) < 2);  // WebP
        QVERIFY(std::abs(channelMean(ds->train.images, 4, 2) - 200) < 2);  // BMP in a subfolder
        QCOMPARE(ds->mean.size(), std::size_t(3));
        QVERIFY(ds->mean[0] > 0.3 && ds->mean[0] < 0.6);
        QVERIFY(ds->stddev[0] > 0.1);
        QVERIFY(!ds->cacheFile.empty() && fs::exists(ds->cacheFile));
        QVERIFY(ds->cacheFile.rfind((root_ / "cache" / "datasets").string(), 0) == 0);
        // The same request in this process returns the same object.
        QCOMPARE(loadRawDataset(dataConfig("image-folder", r), 16, 0, log.fn()).get(), ds.get());
    }

    void rejectNamesTheFile()
    {
        const auto r = makeSplitFolder("reject");
        auto d = dataConfig("image-folder", r);
        d.badImages = "reject";
        const std::string fresh = thrown([&] { loadRawDataset(d, 16, 0, nullptr); });
        QVERIFY2(fresh.find("corrupt.jpg") != std::string::npos, fresh.c_str());
        QVERIFY(fresh.find("data.bad_images") != std::string::npos);
        // From the cache written by a skipping load, too.
        d.badImages = "skip";
        QVERIFY(loadRawDataset(d, 16, 0, nullptr)->skipped == 1);
        clearRawDatasetCache();
        d.badImages = "reject";
        const std::string cached = thrown([&] { loadRawDataset(d, 16, 0, nullptr); });
        QVERIFY2(cached.find("corrupt.jpg") != std::string::npos, cached.c_str());
        d.badImages = "maybe";
        QVERIFY(thrown([&] { loadRawDataset(d, 16, 0, nullptr); }).find("data.bad_images") == 0);
    }

    void cacheIsReusedAndInvalidated()
    {
        const auto r = makeSplitFolder("cache");
        const auto d = dataConfig("image-folder", r);
        const auto first = loadRawDataset(d, 12, 0, nullptr);
        const std::string file = first->cacheFile;
        const auto mtime = fs::last_write_time(file);
        const auto train = first->train.images.clone();
        clearRawDatasetCache();

        const auto before = decodeCallCount();
        const auto second = loadRawDataset(d, 12, 0, nullptr);
        QCOMPARE(decodeCallCount(), before);  // mapped, nothing decoded
        QCOMPARE(second->cacheFile, file);
        QVERIFY(fs::last_write_time(file) == mtime);
        QVERIFY(torch::equal(second->train.images, train));
        QCOMPARE(second->skipped, std::int64_t(1));

        // A changed file changes the key, even without clearing the in-process cache.
        writeImage(r / "train/cat/a.png", 40, 22, kGreen);
        const auto third = loadRawDataset(d, 12, 0, nullptr);
        QVERIFY(decodeCallCount() > before);
        QVERIFY(third->cacheFile != file);
        QVERIFY(!fs::exists(file));  // the stale cache of this folder is removed
        QVERIFY(std::abs(channelMean(third->train.images, 0, 1) - 200) < 2);
    }

    void truncatedCacheIsRebuilt()
    {
        const auto r = makeSplitFolder("truncated");
        const auto d = dataConfig("image-folder", r);
        std::string file;
        torch::Tensor expect;
        {
            const auto ds = loadRawDataset(d, 12, 0, nullptr);
            file = ds->cacheFile;
            expect = ds->test.images.clone();
        }
        clearRawDatasetCache();  // no mapping of the file stays alive
        fs::resize_file(file, fs::file_size(file) - 100);
        Log log;
        const auto before = decodeCallCount();
        const auto ds = loadRawDataset(d, 12, 0, log.fn());
        QVERIFY(log.has(1, "unusable"));
        QVERIFY(decodeCallCount() > before);
        QVERIFY(torch::equal(ds->test.images, expect));
        clearRawDatasetCache();
        const auto again = decodeCallCount();
        QVERIFY(loadRawDataset(d, 12, 0, nullptr)->train.images.size(0) == 6);
        QCOMPARE(decodeCallCount(), again);  // the rebuilt file is good
    }

    void singleFolderStratifiedSplit()
    {
        const fs::path r = dir("single");
        const std::vector<std::pair<std::string, Rgb>> classes = {
            {"a", kRed}, {"b", kGreen}, {"c", kBlue}};
        for (std::size_t c = 0; c < classes.size(); ++c) {
            for (int i = 0; i < 10; ++i) {  // a weaker channel tells the images of a class apart
                Rgb colour = classes[c].second;
                colour[(c + 1) % 3] = std::uint8_t(10 * i + 5);
                writeImage(r / classes[c].first / ("img" + std::to_string(i) + ".png"), 8 + i, 8,
                           colour);
            }
        }
        auto d = dataConfig("image-folder", r);
        d.testFraction = 0.3;
        const auto ds = loadRawDataset(d, 8, 5, nullptr);
        QCOMPARE(ds->train.images.size(0), std::int64_t(21));
        QCOMPARE(ds->test.images.size(0), std::int64_t(9));
        QCOMPARE(torch::bincount(ds->test.labels).sizes()[0], std::int64_t(3));
        QVERIFY(torch::equal(torch::bincount(ds->test.labels), torch::full({3}, 3, torch::kInt64)));
        for (std::int64_t i = 0; i < ds->test.images.size(0); ++i) {  // images follow their labels
            const int label = int(ds->test.labels[i].item<std::int64_t>());
            QVERIFY(channelMean(ds->test.images, i, label) > 150);
        }
        clearRawDatasetCache();
        const auto same = loadRawDataset(d, 8, 5, nullptr);
        QVERIFY(torch::equal(same->test.images, ds->test.images));
        const auto other = loadRawDataset(d, 8, 6, nullptr);
        QVERIFY(!torch::equal(other->test.images, ds->test.images));

        const std::vector<std::int64_t> labels = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
        const auto t = stratifiedTestIndices(labels, 0.25, 3);
        QCOMPARE(t, stratifiedTestIndices(labels, 0.25, 3));
        int per[3] = {0, 0, 0};
        for (auto i : t) ++per[labels[std::size_t(i)]];
        QCOMPARE(per[0], 1);  // round(4 * 0.25)
        QCOMPARE(per[1], 3);  // round(10 * 0.25) = 3 (half away from zero)
        QCOMPARE(per[2], 0);  // a single image stays for training
        d.testFraction = 0.0;
        QVERIFY(thrown([&] { loadRawDataset(d, 8, 5, nullptr); }).find("data.test_fraction") == 0);
        const auto info = inspectDataset(dataConfig("image-folder", r));
        QVERIFY2(info.problem.empty(), info.problem.c_str());
        QVERIFY(!info.hasTestSplit);
        QCOMPARE(info.trainImages, std::int64_t(30));
        QCOMPARE(info.numClasses(), 3);
    }

    void fileLists()
    {
        const fs::path r = dir("list");
        writeImage(r / "img/r1.png", 10, 10, kRed);
        writeImage(r / "img/r2.jpg", 12, 9, kRed);
        writeImage(r / "img/g1.png", 10, 10, kGreen);
        writeImage(r / "img/g2.png", 10, 10, kGreen);
        writeImage(r / "img/b1.png", 10, 10, kBlue);
        writeText(r / "split.csv",
                  "path,label,split\nimg/r1.png,red,train\nimg/g1.png,green,train\n"
                  "\"img/b1.png\",blue,train\nimg/missing.png,blue,train\nimg/r2.jpg,red,test\n"
                  "img/g2.png,green,test\n");
        Log log;
        const auto ds = loadRawDataset(dataConfig("file-list", r / "split.csv"), 8, 0, log.fn());
        QCOMPARE(ds->classNames, (std::vector<std::string>{"blue", "green", "red"}));
        QCOMPARE(ds->train.images.size(0), std::int64_t(3));
        QCOMPARE(ds->test.images.size(0), std::int64_t(2));
        QCOMPARE(ds->skipped, std::int64_t(1));
        QVERIFY(ds->skippedFiles.at(0).find("missing.png (file not found)") != std::string::npos);
        QCOMPARE(ds->test.labels[0].item<std::int64_t>(), std::int64_t(2));
        QVERIFY(channelMean(ds->test.images, 0, 0) > 150);

        // Integer labels, no header, no split column: stratified split; ids kept as written.
        std::string csv;
        for (int i = 0; i < 6; ++i) csv += "img/r1.png,2\nimg/g1.png,0\n";
        writeText(r / "ints.csv", csv);
        auto d = dataConfig("file-list", r / "ints.csv");
        d.testFraction = 0.5;
        const auto ints = loadRawDataset(d, 8, 0, nullptr);
        QCOMPARE(ints->classNames, (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(ints->train.images.size(0), std::int64_t(6));
        QCOMPARE(ints->test.images.size(0), std::int64_t(6));
        QVERIFY(log.has(1, "missing.png"));

        writeText(r / "mixed.csv", "img/r1.png,red,train\nimg/g1.png,green\n");
        const auto mixed = thrown(
            [&] { loadRawDataset(dataConfig("file-list", r / "mixed.csv"), 8, 0, nullptr); });
        QVERIFY2(mixed.find("line 2") != std::string::npos, mixed.c_str());
        writeText(r / "bad.csv", "img/r1.png,red,later\n");
        const auto bad =
            thrown([&] { loadRawDataset(dataConfig("file-list", r / "bad.csv"), 8, 0, nullptr); });
        QVERIFY2(bad.find("line 1: split must be train or test") != std::string::npos, bad.c_str());

        writeText(r / "nowhere.csv", "x/1.png,a\nx/2.png,b\n");
        const auto info = inspectDataset(dataConfig("file-list", r / "nowhere.csv"));
        QVERIFY2(info.problem.find("data.path: none of the first 2 files") == 0,
                 info.problem.c_str());
        const auto ok = inspectDataset(dataConfig("file-list", r / "split.csv"));
        QVERIFY(ok.problem.empty());
        QCOMPARE(ok.trainImages, std::int64_t(4));
        QCOMPARE(ok.testImages, std::int64_t(2));
    }

    void cifar()
    {
        const fs::path r = dir("cifar10") / "cifar-10-batches-bin";
        for (int b = 1; b <= 5; ++b)
            writeBytes(r / ("data_batch_" + std::to_string(b) + ".bin"),
                       cifarRecords({b, 9}, false));
        writeBytes(r / "test_batch.bin", cifarRecords({3, 4, 5}, false));
        writeText(r / "batches.meta.txt",
                  "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        const auto ds = loadRawDataset(dataConfig("cifar10", dir("cifar10")), 0, 0, nullptr);
        QCOMPARE(ds->train.images.sizes().vec(), (std::vector<std::int64_t>{10, 3, 32, 32}));
        QCOMPARE(ds->train.labels[2].item<std::int64_t>(), std::int64_t(2));
        QCOMPARE(ds->train.images[2][0][5][5].item<int>(), 2);
        QCOMPARE(ds->train.images[3][1][31][0].item<int>(), 101);
        QCOMPARE(ds->test.images.size(0), std::int64_t(3));
        QCOMPARE(ds->classNames.at(0), std::string("plane"));
        QCOMPARE(ds->mean.size(), std::size_t(3));
        QVERIFY(std::abs(ds->mean[2] - 7.0 / 255.0) < 1e-9);
        const auto info = inspectDataset(dataConfig("cifar10", dir("cifar10")));
        QCOMPARE(info.trainImages, std::int64_t(10));
        QCOMPARE(info.testImages, std::int64_t(3));
        const auto previews = previewImages(dataConfig("cifar10", dir("cifar10")), {9}, 3);
        QCOMPARE(previews.size(), std::size_t(3));  // five training images of class 9
        QCOMPARE(previews[0].width, 32);
        QCOMPARE(previews[0].channels, 3);
        QCOMPARE(int(previews[0].pixels[2]), 7);  // HWC: first pixel's blue

        fs::remove(r / "data_batch_3.bin");
        const auto missing = inspectDataset(dataConfig("cifar10", dir("cifar10")));
        QVERIFY2(missing.problem.find("data.path:") == 0 &&
                     missing.problem.find("data_batch_3.bin") != std::string::npos &&
                     missing.problem.find("test_batch.bin") != std::string::npos,
                 missing.problem.c_str());
        QCOMPARE(datasetClassNames(dataConfig("cifar10", dir("nothing"))).at(1),
                 std::string("automobile"));

        const fs::path h = dir("cifar100");
        writeBytes(h / "train.bin", cifarRecords({0, 57, 99, 57}, true));
        writeBytes(h / "test.bin", cifarRecords({99, 1}, true));
        std::string names;
        for (int c = 0; c < 100; ++c) names += "fine" + std::to_string(c) + "\n";
        writeText(h / "fine_label_names.txt", names);
        const auto c100 = loadRawDataset(dataConfig("cifar100", h), 0, 0, nullptr);
        QCOMPARE(c100->classNames.size(), std::size_t(100));
        QCOMPARE(c100->classNames[57], std::string("fine57"));
        QCOMPARE(c100->train.labels[1].item<std::int64_t>(), std::int64_t(57));  // fine, not coarse
        QCOMPARE(c100->train.images[1][0][0][0].item<int>(), 57);
        QCOMPARE(c100->test.labels[0].item<std::int64_t>(), std::int64_t(99));
        writeBytes(h / "test.bin", std::vector<char>(3075, 0));
        QVERIFY(thrown([&] {
                    loadRawDataset(dataConfig("cifar100", h), 0, 0, nullptr);
                }).find("not a multiple of 3074") != std::string::npos);
    }

    void idxFiles()
    {
        const fs::path plain = dir("mnist");
        writeIdx(plain, "", "train", {0, 1, 2, 3, 4, 4}, 4, 3, false);
        writeIdx(plain, "", "t10k", {1, 3}, 4, 3, true);  // gzip and plain mixed
        const auto ds = loadRawDataset(dataConfig("idx", plain), 0, 0, nullptr);
        QCOMPARE(ds->train.images.sizes().vec(), (std::vector<std::int64_t>{6, 1, 4, 3}));
        QCOMPARE(ds->train.images.scalar_type(), torch::kUInt8);
        QCOMPARE(ds->train.images[4][0][2][1].item<int>(), 42);
        QCOMPARE(ds->test.labels[1].item<std::int64_t>(), std::int64_t(3));
        QCOMPARE(ds->classNames, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
        QCOMPARE(ds->mean.size(), std::size_t(1));

        // EMNIST naming, labels 1..3 with a mapping file: ids 0..2 named A..C; images transposed.
        const fs::path em = dir("emnist");
        writeIdx(em, "emnist-letters-", "train", {1, 2, 3, 3}, 2, 3, true);
        writeIdx(em, "emnist-letters-", "test", {2}, 2, 3, true);
        writeText(em / "emnist-letters-mapping.txt", "1 65 97\n2 66 98\n3 67 99\n");
        const auto e = loadRawDataset(dataConfig("idx", em), 0, 0, nullptr);
        QCOMPARE(e->classNames, (std::vector<std::string>{"A", "B", "C"}));
        QCOMPARE(e->train.labels[0].item<std::int64_t>(), std::int64_t(0));
        QCOMPARE(e->train.images.sizes().vec(), (std::vector<std::int64_t>{4, 1, 3, 2}));
        QCOMPARE(e->train.images[1][0][0][1].item<int>(), 21);  // stored row 1 is column 1
        QCOMPARE(datasetClassNames(dataConfig("idx", em)).size(), std::size_t(3));

        writeIdx(em, "emnist-digits-", "train", {0, 1}, 2, 3, true);
        writeIdx(em, "emnist-digits-", "test", {0}, 2, 3, true);
        const auto two = thrown([&] { loadRawDataset(dataConfig("idx", em), 0, 0, nullptr); });
        QVERIFY2(two.find("several IDX sets") != std::string::npos, two.c_str());
        QCOMPARE(loadRawDataset(dataConfig("idx", em / "emnist-digits"), 0, 0, nullptr)
                     ->train.images.size(0),
                 std::int64_t(2));

        // Fashion-MNIST keeps float images and its fixed statistics on the same reader.
        const fs::path fm = dir("fashion");
        writeIdx(fm, "", "train", {0, 9, 5}, 28, 28, true);
        writeIdx(fm, "", "t10k", {1}, 28, 28, true);
        const auto& f = loadFashionMnist(fm.string());
        QCOMPARE(f.train.images.scalar_type(), torch::kFloat32);
        QVERIFY(std::abs(f.train.images[1][0][3][0].item<float>() - 93.0f / 255.0f) < 1e-6);
        QCOMPARE(f.mean, 0.2860);
        const auto raw = loadRawDataset(dataConfig("fashion-mnist", fm), 0, 0, nullptr);
        QCOMPARE(raw->classNames.at(9), std::string("Ankle boot"));
        QCOMPARE(raw->stddev, std::vector<double>{0.3530});

        const auto none = inspectDataset(dataConfig("idx", dir("absent")));
        QVERIFY2(none.problem.find("data.path:") == 0 &&
                     none.problem.find("train-images-idx3-ubyte") != std::string::npos,
                 none.problem.c_str());
    }

    void problemsAndPreviews()
    {
        for (const char* kind : {"image-folder", "file-list", "cifar10", "cifar100", "idx"}) {
            const auto info = inspectDataset(dataConfig(kind, dir("does-not-exist")));
            QVERIFY2(info.problem.find("data.path:") == 0,
                     (std::string(kind) + ": " + info.problem).c_str());
        }
        const auto empty = inspectDataset(dataConfig("image-folder", ""));
        QVERIFY(empty.problem.find("data.path: empty") == 0);
        writeImage(dir("loose/a.png"), 8, 8, kRed);
        const auto loose = inspectDataset(dataConfig("image-folder", dir("loose")));
        QVERIFY2(loose.problem.find("its own folder") != std::string::npos, loose.problem.c_str());
        QVERIFY(inspectDataset(dataConfig("imagenet", "")).problem.find("data.dataset") == 0);
        QCOMPARE(datasetClassNames(dataConfig("synthetic", "")).at(3), std::string("Class 3"));

        const auto r = makeSplitFolder("preview");
        auto d = dataConfig("image-folder", r);
        d.storeSize = 24;
        const auto p = previewImages(d, {0, 1, 7}, 5);  // 7 does not exist
        QCOMPARE(p.size(), std::size_t(4));             // cat: 2 readable of 3, dog: 2
        QCOMPARE(p[0].width, 24);
        QCOMPARE(p[0].pixels.size(), std::size_t(24 * 24 * 3));
        QCOMPARE(p[0].classId, 0);
        QCOMPARE(p[3].classId, 1);
        const auto again = previewImages(d, {0, 1}, 5);
        QCOMPARE(again[0].pixels, p[0].pixels);

        std::string err;
        std::vector<std::uint8_t> buf(8 * 8 * 3);
        QVERIFY(!decodeSquareImage((r / "train/cat/corrupt.jpg").string(), 8, buf.data(), &err));
        QVERIFY(!err.empty());
        QVERIFY(!decodeSquareImage((r / "nope.png").string(), 8, buf.data(), &err));

        const auto syn = loadRawDataset(dataConfig("synthetic", ""), 12, 1, nullptr, 3);
        QCOMPARE(syn->train.images.sizes().vec(), (std::vector<std::int64_t>{640, 3, 12, 12}));
        QCOMPARE(syn->mean, (std::vector<double>{0.5, 0.5, 0.5}));
    }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
