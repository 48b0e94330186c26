// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the config's reader, writer and validation: JSON aliases, the known keys and values,
// and small helpers for messages that name a JSON path. Engine-private.
#pragma once

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clwb/run_config.h"

namespace clwb::config {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
using Keys = std::vector<std::string>;
namespace fs = std::filesystem;

inline constexpr int kMaxDomainTasks = 20;

inline const Keys kPrecisions = {"fp32", "bf16", "fp16"};
inline const Keys kNonfinitePolicies = {"stop", "skip"};

inline const Keys kDatasets = {"fashion-mnist", "idx",       "cifar10",  "cifar100",
                               "image-folder",  "file-list", "synthetic"};
inline const Keys kBadImages = {"skip", "reject"};
inline const Keys kAugments = {"none", "flip", "crop-flip"};
inline const Keys kScenarios = {"class-incremental", "permuted", "rotated", "qa"};
inline const Keys kQaStyles = {"yn", "mcq", "short", "brief", "detail"};
inline const Keys kDevices = {"auto", "cpu", "cuda"};
inline const Keys kPools = {"mean", "cls"};
inline const Keys kFashionMnistFiles = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

inline bool contains(const Keys& keys, const std::string& key)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

inline std::string join(const Keys& items, const char* sep = ", ")
{
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += sep;
        out += item;
    }
    return out;
}

inline std::string formatNumber(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

inline std::string inQuotes(const std::string& s)
{
    return "'" + s + "'";
}

/// parent.key; a key that would not read back as one step (empty, or holding '.', '[', ']', '"',
/// blanks or control characters) is quoted: parent["a.b"].
inline std::string childPath(const std::string& parent, const std::string& key)
{
    const bool plain =
        !key.empty() && std::none_of(key.begin(), key.end(), [](char c) {
            return c == '.' || c == '[' || c == ']' || c == '"' || c == ' ' ||
                   static_cast<unsigned char>(c) < 0x20;
        });
    if (plain) return parent.empty() ? key : parent + "." + key;
    return parent + "[" + Json(key).dump(-1, ' ', false, Json::error_handler_t::replace) + "]";
}

inline std::string indexPath(const std::string& parent, std::size_t i)
{
    return parent + "[" + std::to_string(i) + "]";
}

inline std::string typeName(const Json& j)
{
    switch (j.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return "a number";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::object:
            return "an object";
        default:
            return "an unsupported value";
    }
}

inline int editDistance(const std::string& a, const std::string& b)
{
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const int substitution = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitution});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// The known key nearest to `key` if it is a plausible typo (distance <= 2), else "".
inline std::string closestKey(const std::string& key, const Keys& known)
{
    std::string best;
    int bestDistance = 3;
    for (const auto& candidate : known) {
        const int d = editDistance(key, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

inline std::string didYouMean(const std::string& suggestion)
{
    return suggestion.empty() ? std::string() : " (did you mean " + inQuotes(suggestion) + "?)";
}

/// "unknown key 'x' (did you mean 'y'?)", or with `fallbackHint` when no known key is near, or
/// with the list of known keys: the one wording of an unknown key in every reader.
inline std::string unknownKeyMessage(const std::string& key, const Keys& known,
                                     const std::string& fallbackHint = {})
{
    std::string hint = didYouMean(closestKey(key, known));
    if (hint.empty()) hint = fallbackHint;
    return "unknown key " + inQuotes(key) + (hint.empty() ? "; known keys: " + join(known) : hint);
}

/// Converts a JSON number to int; accepts integral floats such as 3.0.
inline bool toInt(const Json& v, int& out, std::string& problem)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT_MAX)) {
            problem = "integer " + std::to_string(u) + " is out of range";
            return false;
        }
        out = static_cast<int>(u);
        return true;
    }
    if (v.is_number_integer()) {
        const auto s = v.get<std::int64_t>();
        if (s < INT_MIN || s > INT_MAX) {
            problem = "integer " + std::to_string(s) + " is out of range";
            return false;
        }
        out = static_cast<int>(s);
        return true;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d)) {
            problem = "expected an integer, got " + formatNumber(d);
            return false;
        }
        if (d < INT_MIN || d > INT_MAX) {
            problem = "integer " + formatNumber(d) + " is out of range";
            return false;
        }
        out = static_cast<int>(d);
        return true;
    }
    problem = "expected an integer, got " + typeName(v);
    return false;
}

/// JSON -> RunConfig field by field; every problem is recorded and parsing goes on.

/// The RunConfig a JSON document describes, with every problem located (no environment checks).
RunConfig fromJson(const Json& root, std::vector<ConfigError>& errors);
/// Parses `text`, applies the --set overrides, reads the config: no validation.
ConfigParseResult parseUnvalidated(const std::string& text, const Keys& overrides);
/// Reads a whole file; false with the reason when it cannot.
bool readFile(const std::string& file, std::string& text, std::string& reason);
/// The config of the built-in demo when no demo.json is found.
RunConfig builtinDemo();

}  // namespace clwb::config
