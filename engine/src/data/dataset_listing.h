// SPDX-License-Identifier: GPL-3.0-or-later
// Listing the user's image datasets without decoding: image folders (torchvision ImageFolder
// layout), CSV file lists, and the CIFAR binary distributions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clwb::detail {

enum class Split : int { None = -1, Train = 0, Test = 1 };

struct ImageEntry
{
    std::string file;  ///< absolute path
    std::string rel;   ///< relative to ImageListing::root (the cache key and log messages use it)
    int label = 0;
    Split split = Split::None;
    std::int64_t size = -1;  ///< bytes; -1 = missing (0 when listed without stat)
    std::int64_t mtimeNs = 0;
};

struct ImageListing
{
    std::string root;  ///< folder that ImageEntry::rel is relative to
    std::vector<std::string> classNames;
    std::vector<ImageEntry>
        entries;            ///< sorted by class, then relative path (folders); file order (lists)
    bool hasSplit = false;  ///< every entry is Train or Test
    std::vector<std::string> warnings;
};

/// root/<class>/** images, or root/train/<class>/ with root/test/<class>/ (or val/). Classes are
/// the sorted union of the class folder names that hold images. `stat` fills size and mtime.
/// Throws std::runtime_error ("data.path: ...") saying what layout is expected.
ImageListing listImageFolder(const std::string& root, bool stat = true);

/// CSV `path,label[,split]`, an optional header line; paths relative to the CSV's folder; labels
/// are class names (sorted) or integers (used as class ids); split "train" | "test" (or "val").
/// Missing files stay in the listing with size -1 (the bad-image policy decides). Throws
/// std::runtime_error ("data.path: ..." / "<csv> line N: ...").
ImageListing listFileList(const std::string& csv, bool stat = true);

/// The CIFAR binary distribution in `path` (or in its cifar-10-batches-bin / cifar-100-binary).
struct CifarFiles
{
    std::string dir;
    std::vector<std::string> train;
    std::string test;
    std::string names;  ///< batches.meta.txt / fine_label_names.txt; "" = built-in names
    int recordBytes = 3073;
    int numClasses = 10;
};

/// Throws std::runtime_error ("data.path: ...") listing the expected files when they are absent.
CifarFiles findCifarFiles(const std::string& path, bool hundred);

/// Names from the meta file, else the standard CIFAR-10 / CIFAR-100 (fine) names.
std::vector<std::string> cifarClassNames(const CifarFiles& files);

/// The standard names, for when no files are at hand.
std::vector<std::string> builtinCifarNames(bool hundred);

}  // namespace clwb::detail
