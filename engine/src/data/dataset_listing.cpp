// SPDX-License-Identifier: GPL-3.0-or-later
// Folder walking and CSV parsing for the user's datasets; nothing here decodes an image.
#include "data/dataset_listing.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "data/image_decode.h"

namespace fs = std::filesystem;

namespace clwb::detail {
namespace {

const char* kFolderLayout =
    "expected <root>/<class>/*.jpg (.jpeg .png .bmp .webp), or <root>/train/<class>/ and "
    "<root>/test/<class>/";

std::string lower(std::string s)
{
    for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

void statEntry(ImageEntry& e)
{
    struct stat st
    {
    };
    if (::stat(e.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        e.size = -1;
        return;
    }
    e.size = std::int64_t(st.st_size);
    e.mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

/// Images under each class folder of `dir`: class name -> relative-to-`root` paths, sorted.
std::map<std::string, std::vector<std::string>> classFolders(const fs::path& dir,
                                                             const fs::path& root,
                                                             std::vector<std::string>& warnings,
                                                             bool& looseImages)
{
    std::map<std::string, std::vector<std::string>> classes;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code typeEc;
        if (!it->is_directory(typeEc)) {  // the type readdir reported: no stat per entry
            if (isImageFileName(name)) looseImages = true;
            continue;
        }
        auto& files = classes[name];
        const auto opts = fs::directory_options::follow_directory_symlink |
                          fs::directory_options::skip_permission_denied;
        std::error_code walkEc;
        for (fs::recursive_directory_iterator f(it->path(), opts, walkEc), fend;
             !walkEc && f != fend; f.increment(walkEc)) {
            const std::string fname = f->path().filename().string();
            std::error_code typeEc;
            const bool dir = f->is_directory(typeEc);
            if (!fname.empty() && fname[0] == '.') {
                if (dir) f.disable_recursion_pending();
                continue;
            }
            if (f.depth() > 16) f.disable_recursion_pending();  // symlink loops
            if (!dir && isImageFileName(fname))
                files.push_back(f->path().lexically_relative(root).generic_string());
        }
        if (files.empty()) {
            warnings.push_back("class folder " + it->path().string() + " holds no images; ignored");
            classes.erase(name);
        } else {
            std::sort(files.begin(), files.end());
        }
    }
    return classes;
}

std::vector<std::string> splitCsvLine(const std::string& line)
{
    std::vector<std::string> fields;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                cur += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            fields.push_back(trim(cur));
            cur.clear();
        } else {
            cur += ch;
        }
    }
    fields.push_back(trim(cur));
    return fields;
}

bool isHeader(const std::vector<std::string>& f)
{
    static const std::set<std::string> paths = {"path",  "file",       "filename", "file_name",
                                                "image", "image_path", "filepath", "img"};
    static const std::set<std::string> labels = {"label",  "class",    "class_name",
                                                 "target", "category", "y"};
    return f.size() >= 2 && paths.count(lower(f[0])) && labels.count(lower(f[1]));
}

bool isNonNegativeInt(const std::string& s)
{
    return !s.empty() && s.size() < 10 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ImageListing listImageFolder(const std::string& rootPath, bool stat)
{
    if (rootPath.empty())
        throw std::runtime_error(std::string("data.path: empty; set it to the root folder of the "
                                             "images: ") +
                                 kFolderLayout);
    const fs::path root = fs::path(rootPath).lexically_normal();
    std::error_code ec;
    if (!fs::exists(root, ec))
        throw std::runtime_error("data.path: " + rootPath + " does not exist; " + kFolderLayout);
    if (!isDir(root))
        throw std::runtime_error("data.path: " + rootPath +
                                 " is not a folder (for a CSV list set "
                                 "data.dataset to \"file-list\"); " +
                                 kFolderLayout);
    ImageListing out;
    out.root = root.string();
    fs::path test = root / "test";
    if (!isDir(test)) test = root / "val";
    const bool split = isDir(root / "train") && isDir(test);
    std::vector<std::pair<Split, fs::path>> parts;
    if (split) {
        parts = {{Split::Train, root / "train"}, {Split::Test, test}};
    } else if (isDir(root / "train")) {
        out.warnings.push_back("no test/ beside " + (root / "train").string() +
                               ": a share of each class is held out (data.test_fraction)");
        parts = {{Split::None, root / "train"}};
    } else {
        parts = {{Split::None, root}};
    }
    std::vector<std::map<std::string, std::vector<std::string>>> found;
    std::set<std::string> names;
    for (const auto& [s, dir] : parts) {
        bool loose = false;
        found.push_back(classFolders(dir, root, out.warnings, loose));
        if (found.back().empty())
            throw std::runtime_error("data.path: no class folders with images in " + dir.string() +
                                     (loose ? " (images lie directly in it; put each class's "
                                              "images in its own folder)"
                                            : "") +
                                     "; " + kFolderLayout);
        for (const auto& [name, files] : found.back()) names.insert(name);
    }
    out.classNames.assign(names.begin(), names.end());
    out.hasSplit = split;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        for (const auto& [name, files] : found[p]) {
            const int label =
                int(std::lower_bound(out.classNames.begin(), out.classNames.end(), name) -
                    out.classNames.begin());
            for (const auto& rel : files) {
                ImageEntry e;
                e.file = (root / rel).string();
                e.rel = rel;
                e.label = label;
                e.split = parts[p].first;
                e.size = 0;  // listed, so present; statEntry tells the real size
                if (stat) statEntry(e);
                out.entries.push_back(std::move(e));
            }
        }
    }
    return out;
}

ImageListing listFileList(const std::string& csv, bool stat)
{
    const char* layout =
        "a CSV file with one image per line: path,label[,split] (paths relative "
        "to the CSV's folder; split train or test)";
    if (csv.empty()) throw std::runtime_error(std::string("data.path: empty; set it to ") + layout);
    std::error_code ec;
    if (!fs::exists(csv, ec))
        throw std::runtime_error("data.path: " + csv + " does not exist; expected " + layout);
    if (isDir(csv))
        throw std::runtime_error("data.path: " + csv + " is a folder; file-list needs " + layout +
                                 " (for class folders set data.dataset to \"image-folder\")");
    std::ifstream in(csv, std::ios::binary);
    if (!in) throw std::runtime_error("data.path: cannot read " + csv);
    const fs::path base = fs::absolute(fs::path(csv), ec).parent_path().lexically_normal();

    struct Row
    {
        std::string path, label;
        Split split;
        int line;
    };
    std::vector<Row> rows;
    std::string line;
    int lineNo = 0, withSplit = 0, firstWithout = 0, firstWith = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (lineNo == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto f = splitCsvLine(t);
        if (rows.empty() && isHeader(f)) continue;
        const std::string where = csv + " line " + std::to_string(lineNo) + ": ";
        if (f.size() < 2 || f[0].empty() || f[1].empty())
            throw std::runtime_error(where + "expected path,label[,split], got \"" + t + "\"");
        Split s = Split::None;
        if (f.size() >= 3 && !f[2].empty()) {
            const std::string v = lower(f[2]);
            if (v == "train")
                s = Split::Train;
            else if (v == "test" || v == "val" || v == "valid" || v == "validation")
                s = Split::Test;
            else
                throw std::runtime_error(where + "split must be train or test, not \"" + f[2] +
                                         "\"");
            if (!withSplit++) firstWith = lineNo;
        } else if (!firstWithout) {
            firstWithout = lineNo;
        }
        rows.push_back({f[0], f[1], s, lineNo});
    }
    if (rows.empty())
        throw std::runtime_error("data.path: " + csv + " lists no images; expected " + layout);
    if (withSplit > 0 && firstWithout)
        throw std::runtime_error(csv + " line " + std::to_string(firstWithout) +
                                 ": no split, while line " + std::to_string(firstWith) +
                                 " has one; give every line a split (train or test) or none");

    ImageListing out;
    out.root = base.string();
    out.hasSplit = withSplit > 0;
    const bool numeric = std::all_of(rows.begin(), rows.end(),
                                     [](const Row& r) { return isNonNegativeInt(r.label); });
    std::map<std::string, int> ids;
    if (numeric) {
        int maxId = 0;
        for (const auto& r : rows) maxId = std::max(maxId, std::stoi(r.label));
        if (maxId > 100000)
            throw std::runtime_error("data.path: " + csv + ": class id " + std::to_string(maxId) +
                                     " is too large; number classes from 0");
        for (int c = 0; c <= maxId; ++c) out.classNames.push_back(std::to_string(c));
    } else {
        std::set<std::string> names;
        for (const auto& r : rows) names.insert(r.label);
        out.classNames.assign(names.begin(), names.end());
        for (std::size_t i = 0; i < out.classNames.size(); ++i) ids[out.classNames[i]] = int(i);
    }
    for (const auto& r : rows) {
        ImageEntry e;
        const fs::path p(r.path);
        e.file = (p.is_absolute() ? p : base / p).lexically_normal().string();
        e.rel = p.is_absolute() ? e.file : p.lexically_normal().generic_string();
        e.label = numeric ? std::stoi(r.label) : ids[r.label];
        e.split = r.split;
        e.size = 0;
        if (stat) statEntry(e);
        out.entries.push_back(std::move(e));
    }
    return out;
}

CifarFiles findCifarFiles(const std::string& path, bool hundred)
{
    const std::string sub = hundred ? "cifar-100-binary" : "cifar-10-batches-bin";
    const std::string expected =
        hundred ? "train.bin, test.bin and fine_label_names.txt (the CIFAR-100 binary version, "
                  "folder cifar-100-binary)"
                : "data_batch_1.bin ... data_batch_5.bin, test_batch.bin and batches.meta.txt (the "
                  "CIFAR-10 binary version, folder cifar-10-batches-bin)";
    if (path.empty())
        throw std::runtime_error("data.path: empty; set it to the folder holding " + expected);
    fs::path dir(path);
    if (!isDir(dir))
        throw std::runtime_error("data.path: " + path + " is not a folder; expected " + expected);
    if (isDir(dir / sub)) dir /= sub;
    CifarFiles f;
    f.dir = dir.string();
    f.recordBytes = hundred ? 3074 : 3073;
    f.numClasses = hundred ? 100 : 10;
    std::vector<std::string> need;
    if (hundred) {
        need = {"train.bin"};
    } else {
        for (int i = 1; i <= 5; ++i) need.push_back("data_batch_" + std::to_string(i) + ".bin");
    }
    const std::string testName = hundred ? "test.bin" : "test_batch.bin";
    std::vector<std::string> missing;
    auto check = [&](const std::string& name) -> std::string {
        std::error_code ec;
        const fs::path p = dir / name;
        if (!fs::is_regular_file(p, ec)) {
            missing.push_back(name);
            return {};
        }
        const auto size = fs::file_size(p, ec);
        if (ec || size == 0 || size % std::uintmax_t(f.recordBytes) != 0)
            throw std::runtime_error("data.path: " + p.string() + " is not a " +
                                     (hundred ? "CIFAR-100" : "CIFAR-10") + " binary file (size " +
                                     std::to_string(size) + " is not a multiple of " +
                                     std::to_string(f.recordBytes) + " bytes)");
        return p.string();
    };
    for (const auto& n : need) f.train.push_back(check(n));
    f.test = check(testName);
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw std::runtime_error("data.path: " + dir.string() + " lacks " + list + "; expected " +
                                 expected);
    }
    const fs::path names = dir / (hundred ? "fine_label_names.txt" : "batches.meta.txt");
    std::error_code ec;
    if (fs::is_regular_file(names, ec)) f.names = names.string();
    return f;
}

std::vector<std::string> cifarClassNames(const CifarFiles& files)
{
    if (!files.names.empty()) {
        std::ifstream in(files.names);
        std::vector<std::string> names;
        for (std::string line; std::getline(in, line);)
            if (!trim(line).empty()) names.push_back(trim(line));
        if (int(names.size()) == files.numClasses) return names;
    }
    return builtinCifarNames(files.numClasses == 100);
}

std::vector<std::string> builtinCifarNames(bool hundred)
{
    if (!hundred)
        return {"airplane", "automobile", "bird",  "cat",  "deer",
                "dog",      "frog",       "horse", "ship", "truck"};
    return {
        "apple",       "aquarium_fish", "baby",      "bear",       "beaver",       "bed",
        "bee",         "beetle",        "bicycle",   "bottle",     "bowl",         "boy",
        "bridge",      "bus",           "butterfly", "camel",      "can",          "castle",
        "caterpillar", "cattle",        "chair",     "chimpanzee", "clock",        "cloud",
        "cockroach",   "couch",         "crab",      "crocodile",  "cup",          "dinosaur",
        "dolphin",     "elephant",      "flatfish",  "forest",     "fox",          "girl",
        "hamster",     "house",         "kangaroo",  "keyboard",   "lamp",         "lawn_mower",
        "leopard",     "lion",          "lizard",    "lobster",    "man",          "maple_tree",
        "motorcycle",  "mountain",      "mouse",     "mushroom",   "oak_tree",     "orange",
        "orchid",      "otter",         "palm_tree", "pear",       "pickup_truck", "pine_tree",
        "plain",       "plate",         "poppy",     "porcupine",  "possum",       "rabbit",
        "raccoon",     "ray",           "road",      "rocket",     "rose",         "sea",
        "seal",        "shark",         "shrew",     "skunk",      "skyscraper",   "snail",
        "snake",       "spider",        "squirrel",  "streetcar",  "sunflower",    "sweet_pepper",
        "table",       "tank",          "telephone", "television", "tiger",        "tractor",
        "train",       "trout",         "tulip",     "turtle",     "wardrobe",     "whale",
        "willow_tree", "wolf",          "woman",     "worm"};
}

}  // namespace clwb::detail
