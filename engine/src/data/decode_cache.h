// SPDX-License-Identifier: GPL-3.0-or-later
// Decoding a listed image dataset once, into a memory-mapped cache file that later loads map
// without decoding (docs/data.md, "Decode cache").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/dataset_listing.h"
#include "data/raw_dataset.h"

namespace clwb::detail {

struct DecodedImages
{
    torch::Tensor images;  ///< uint8 [N, 3, S, S]; training images first when the listing is split
    torch::Tensor labels;  ///< int64 [N]
    std::int64_t numTrain = 0;  ///< split listing: the first numTrain are training images; else N
    std::int64_t skipped = 0;
    std::vector<std::string> skippedFiles;  ///< the first few, "relative/path (reason)"
    std::vector<double> mean, stddev;  ///< per channel, over the training images (all if unsplit)
    std::string cacheFile;             ///< "" when decoded into memory only
    bool fromCache = false;
};

/// $CLWB_CACHE_DIR/datasets, else $XDG_CACHE_HOME/clwb/datasets, else ~/.cache/clwb/datasets;
/// "" when none can be named.
std::string datasetCacheDir();

/// "<hash of source and size>-<hash of every entry's relative path, size, mtime, label and split,
/// the class names, source, size and the format version>": changes whenever a file does.
std::string listingKey(const ImageListing& listing, const std::string& source, int size);

/// datasetCacheDir()/listingKey().clwbds, or "" without a cache folder.
std::string decodeCachePath(const ImageListing& listing, const std::string& source, int size);

/// `listing` decoded at size x size, from the cache when it holds exactly this listing, else
/// decoded on several threads and written to the cache (atomically; in memory only when the cache
/// folder is not writable or lacks space). A damaged cache file is rebuilt with a warning.
/// Unreadable images are skipped (logged at level 1) or, with `reject`, fail the load naming the
/// file. Throws std::runtime_error when no image at all can be read.
DecodedImages decodeListing(const ImageListing& listing, const std::string& source, int size,
                            bool reject, const DataLog& log);

}  // namespace clwb::detail
