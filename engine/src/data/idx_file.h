// SPDX-License-Identifier: GPL-3.0-or-later
// The IDX format of the MNIST family (MNIST, KMNIST, EMNIST, Fashion-MNIST), gzip or plain.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// The four files of one IDX set, found by name in a folder.
struct IdxFiles
{
    std::string dir;
    std::string prefix;  ///< what precedes "train-images" ("" for MNIST, "emnist-balanced-" ...)
    std::string trainImages, trainLabels, testImages, testLabels;
    std::string mapping;  ///< EMNIST's "<prefix>mapping.txt" (label -> character code), or ""
};

/// Finds a train/test pair in `path` (a folder, or a folder plus a file-name prefix such as
/// ".../emnist-letters"): *train-images-idx3-ubyte[.gz], *train-labels-idx1-ubyte[.gz] and
/// *t10k-* or *test-* counterparts. Throws std::runtime_error ("data.path: ...") saying what is
/// expected where when none or several sets are there.
IdxFiles findIdxFiles(const std::string& path);

/// uint8 [N, 1, H, W]; `transpose` swaps H and W (EMNIST stores its images column-major).
/// Throws std::runtime_error naming the file on any problem.
torch::Tensor readIdxImages(const std::string& file, bool transpose = false);

/// int64 [N]. Throws std::runtime_error naming the file on any problem.
torch::Tensor readIdxLabels(const std::string& file);

/// {count, height, width} from the header only (cheap); throws like readIdxImages.
std::array<std::int64_t, 3> readIdxImageHeader(const std::string& file);

/// True when the set's images are stored transposed (EMNIST).
bool idxTransposed(const IdxFiles& files);

/// The label values present in either tensor (IDX labels are bytes), sorted.
std::vector<std::int64_t> idxLabelValues(const torch::Tensor& train, const torch::Tensor& test);

/// Class names of an IDX set whose label values are `values` (sorted, distinct): the EMNIST mapping
/// file's characters where there is one, else the values as text.
std::vector<std::string> idxClassNames(const IdxFiles& files,
                                       const std::vector<std::int64_t>& values);

}  // namespace clwb::detail
