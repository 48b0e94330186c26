// SPDX-License-Identifier: GPL-3.0-or-later
// IDX reader: zlib's gzread reads gzip and plain files alike, so one path serves both.
#include "data/idx_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;

namespace clwb::detail {
namespace {

/// Owns a gzFile; gzread decompresses gzip and passes plain files through unchanged.
class GzReader
{
public:
    explicit GzReader(const std::string& file) : file_(file), f_(gzopen(file.c_str(), "rb"))
    {
        if (!f_) throw std::runtime_error("cannot open " + file + ": " + std::strerror(errno));
        gzbuffer(f_, 1 << 17);
    }
    ~GzReader() { gzclose(f_); }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;

    /// Reads exactly `n` bytes; throws naming the file when it ends early or is damaged.
    void readExactly(unsigned char* out, std::size_t n, const char* what)
    {
        while (n > 0) {
            const unsigned chunk = unsigned(std::min<std::size_t>(n, 1u << 30));
            const int got = gzread(f_, out, chunk);
            if (got < 0) {
                int err = 0;
                const char* msg = gzerror(f_, &err);
                throw std::runtime_error("cannot decompress " + file_ + ": " + (msg ? msg : "?"));
            }
            if (got == 0) throw std::runtime_error(file_ + " is truncated: expected " + what);
            out += got;
            n -= std::size_t(got);
        }
    }

private:
    std::string file_;
    gzFile f_;
};

std::uint32_t bigEndian(const unsigned char* b)
{
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) |
           std::uint32_t(b[3]);
}

std::array<std::int64_t, 3> imageHeader(GzReader& in, const std::string& file)
{
    unsigned char h[16];
    try {
        in.readExactly(h, sizeof h, "a 16-byte header");
    } catch (const std::runtime_error&) {
        throw std::runtime_error(file + " is not an IDX image file (too short)");
    }
    if (bigEndian(h) != 0x00000803)
        throw std::runtime_error(file + " is not an IDX image file (bad magic number)");
    const std::int64_t n = bigEndian(h + 4), rows = bigEndian(h + 8), cols = bigEndian(h + 12);
    if (rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
        throw std::runtime_error(file + ": implausible image size " + std::to_string(rows) + "x" +
                                 std::to_string(cols));
    return {n, rows, cols};
}

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

/// `dir/name` or `dir/name.gz`, preferring the plain file (no decompression); "" when neither.
std::string pick(const fs::path& dir, const std::string& name)
{
    if (isFile(dir / name)) return (dir / name).string();
    if (isFile(dir / (name + ".gz"))) return (dir / (name + ".gz")).string();
    return {};
}

/// Complete sets in `dir` keyed by prefix, limited to prefixes starting with `want`.
std::map<std::string, IdxFiles> setsIn(const fs::path& dir, const std::string& want)
{
    std::map<std::string, IdxFiles> sets;
    std::error_code ec;
    const std::string marker = "train-images-idx3-ubyte";
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const auto at = name.find(marker);
        if (at == std::string::npos) continue;
        const std::string tail = name.substr(at + marker.size());
        if (!tail.empty() && tail != ".gz") continue;
        const std::string prefix = name.substr(0, at);
        if (prefix.compare(0, want.size(), want) != 0 || sets.count(prefix)) continue;
        IdxFiles f;
        f.dir = dir.string();
        f.prefix = prefix;
        f.trainImages = pick(dir, prefix + marker);
        f.trainLabels = pick(dir, prefix + "train-labels-idx1-ubyte");
        for (const char* test : {"t10k", "test"}) {
            if (f.testImages.empty()) {
                f.testImages = pick(dir, prefix + test + "-images-idx3-ubyte");
                f.testLabels = pick(dir, prefix + test + "-labels-idx1-ubyte");
            }
        }
        if (f.trainLabels.empty() || f.testImages.empty() || f.testLabels.empty()) continue;
        if (isFile(dir / (prefix + "mapping.txt")))
            f.mapping = (dir / (prefix + "mapping.txt")).string();
        sets.emplace(prefix, std::move(f));
    }
    return sets;
}

const char* kExpected =
    "expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
    "t10k-labels-idx1-ubyte (each optionally .gz; EMNIST's emnist-<split>-train-images-idx3-ubyte "
    "names work too)";

}  // namespace

IdxFiles findIdxFiles(const std::string& path)
{
    if (path.empty())
        throw std::runtime_error("data.path: empty; set it to the folder of the IDX files");
    fs::path dir(path);
    std::string want;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        // ".../emnist-letters" names one set among several in the same folder.
        if (fs::is_directory(dir.parent_path(), ec) && !fs::exists(dir, ec)) {
            want = dir.filename().string();
            if (!want.empty() && want.back() != '-') want += '-';
            dir = dir.parent_path();
        } else {
            throw std::runtime_error("data.path: " + path + " is not a folder; " + kExpected);
        }
    }
    auto sets = setsIn(dir, want);
    if (sets.empty() && want.empty() && fs::is_directory(dir / "raw", ec))
        sets = setsIn(dir / "raw", want);
    if (sets.empty() && !want.empty())
        throw std::runtime_error("data.path: " + path +
                                 " is neither a folder nor the prefix of an "
                                 "IDX set in " +
                                 dir.string() + "; " + kExpected);
    if (sets.empty())
        throw std::runtime_error("data.path: no IDX train/test set in " + dir.string() + "; " +
                                 kExpected);
    if (sets.size() > 1) {
        std::string names;
        for (const auto& [prefix, f] : sets)
            names += (names.empty() ? "" : ", ") + (prefix.empty() ? "(none)" : prefix);
        throw std::runtime_error("data.path: " + dir.string() +
                                 " holds several IDX sets (prefixes " + names + "); name one as " +
                                 (dir / "<prefix>").string() + ", e.g. " +
                                 (dir / sets.rbegin()->first).string());
    }
    return sets.begin()->second;
}

std::array<std::int64_t, 3> readIdxImageHeader(const std::string& file)
{
    GzReader in(file);
    return imageHeader(in, file);
}

torch::Tensor readIdxImages(const std::string& file, bool transpose)
{
    GzReader in(file);
    const auto [n, h, w] = imageHeader(in, file);
    if (n > (std::int64_t(1) << 36) / (h * w))
        throw std::runtime_error(file + ": implausible image count " + std::to_string(n));
    auto images = torch::empty({n, 1, h, w}, torch::kUInt8);
    in.readExactly(images.data_ptr<std::uint8_t>(), std::size_t(n * h * w),
                   (std::to_string(n) + " images").c_str());
    if (transpose) images = images.transpose(2, 3).contiguous();
    return images;
}

torch::Tensor readIdxLabels(const std::string& file)
{
    GzReader in(file);
    unsigned char h[8];
    try {
        in.readExactly(h, sizeof h, "an 8-byte header");
    } catch (const std::runtime_error&) {
        throw std::runtime_error(file + " is not an IDX label file (too short)");
    }
    if (bigEndian(h) != 0x00000801)
        throw std::runtime_error(file + " is not an IDX label file (bad magic number)");
    const std::int64_t n = bigEndian(h + 4);
    auto bytes = torch::empty({n}, torch::kUInt8);
    in.readExactly(bytes.data_ptr<std::uint8_t>(), std::size_t(n),
                   (std::to_string(n) + " labels").c_str());
    return bytes.to(torch::kInt64);
}

std::vector<std::int64_t> idxLabelValues(const torch::Tensor& train, const torch::Tensor& test)
{
    std::array<bool, 256> seen{};
    for (const auto* t : {&train, &test}) {
        const auto c = t->contiguous();
        const auto* p = c.data_ptr<std::int64_t>();
        for (std::int64_t i = 0; i < c.numel(); ++i)
            if (p[i] >= 0 && p[i] < 256) seen[std::size_t(p[i])] = true;
    }
    std::vector<std::int64_t> values;
    for (std::size_t v = 0; v < seen.size(); ++v)
        if (seen[v]) values.push_back(std::int64_t(v));
    return values;
}

bool idxTransposed(const IdxFiles& files)
{
    return files.prefix.compare(0, 6, "emnist") == 0;
}

std::vector<std::string> idxClassNames(const IdxFiles& files,
                                       const std::vector<std::int64_t>& values)
{
    std::map<std::int64_t, std::string> mapped;
    if (!files.mapping.empty()) {
        // EMNIST: "<label> <character code>[ <lower-case code>]" per line.
        std::ifstream in(files.mapping);
        std::int64_t label = 0, code = 0;
        std::string rest;
        while (in >> label >> code) {
            std::getline(in, rest);
            if (code > 32 && code < 127) mapped[label] = std::string(1, char(code));
        }
    }
    std::vector<std::string> names;
    for (const auto v : values) {
        const auto it = mapped.find(v);
        names.push_back(it != mapped.end() ? it->second : std::to_string(v));
    }
    return names;
}

}  // namespace clwb::detail
