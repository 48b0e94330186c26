// SPDX-License-Identifier: GPL-3.0-or-later
// A small named archive of tensors, integers, reals and strings: what a run checkpoint holds
// (docs/reliability.md). The trainer, the model and every strategy write their state under their
// own scope ("model/...", "strategy/...", "trainer/..."); the file is written atomically (temporary
// file, fsync, rename, fsync of the folder) and carries a CRC-32 of its bytes, so a resumed run
// reads either a complete checkpoint or an error, never half of one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <torch/torch.h>

namespace clwb::detail {

/// One saved value. Tensors keep their dtype, shape and bytes exactly (an undefined tensor is a
/// valid value); `onDevice` says whether it lived on the run's device rather than the CPU.
struct StateTensor
{
    torch::Tensor value;
    bool onDevice = false;
};
using StateValue = std::variant<StateTensor, std::int64_t, double, std::string>;

/// The entries of an archive in the order written; names are unique.
struct StateEntries
{
    std::vector<std::pair<std::string, StateValue>> items;
    std::map<std::string, std::size_t> index;
    void put(const std::string& name, StateValue value);
    const StateValue* find(const std::string& name) const;
};

class StateWriter
{
public:
    StateWriter();
    /// A writer whose entries are named `name/...` in this archive.
    StateWriter scope(const std::string& name) const;

    void tensor(const std::string& key, const torch::Tensor& t);  ///< undefined allowed
    /// A list: `key/size` and `key/0`, `key/1`, ...
    void tensors(const std::string& key, const std::vector<torch::Tensor>& list);
    void integer(const std::string& key, std::int64_t value);
    void real(const std::string& key, double value);
    void text(const std::string& key, const std::string& value);
    void texts(const std::string& key, const std::vector<std::string>& list);
    void reals(const std::string& key, const std::vector<double>& list);  ///< a float64 tensor
    /// A torch generator's full state (its cached normal sample included); none for an
    /// undefined generator.
    void generator(const std::string& key, const torch::Generator& gen);
    void engine(const std::string& key, const std::mt19937& rng);

    const StateEntries& entries() const { return *entries_; }

private:
    StateWriter(std::shared_ptr<StateEntries> entries, std::string prefix);
    std::string name(const std::string& key) const { return prefix_ + key; }

    std::shared_ptr<StateEntries> entries_;
    std::string prefix_;
};

/// Reads what a StateWriter wrote. A missing entry or one of another type throws
/// std::runtime_error naming it.
class StateReader
{
public:
    /// Tensors written from the run's device come back on `device`, CPU ones on the CPU.
    StateReader(std::shared_ptr<const StateEntries> entries, torch::Device device);
    StateReader scope(const std::string& name) const;

    bool has(const std::string& key) const;
    torch::Tensor tensor(const std::string& key) const;
    std::vector<torch::Tensor> tensors(const std::string& key) const;
    /// Copies entry `key` into `into` in place (no autograd), keeping its tensor, dtype and
    /// device; throws when the shapes differ.
    void copyInto(const std::string& key, const torch::Tensor& into) const;
    void copyInto(const std::string& key, const std::vector<torch::Tensor>& into) const;
    std::int64_t integer(const std::string& key) const;
    double real(const std::string& key) const;
    std::string text(const std::string& key) const;
    std::vector<std::string> texts(const std::string& key) const;
    std::vector<double> reals(const std::string& key) const;
    void generator(const std::string& key, torch::Generator& gen) const;
    void engine(const std::string& key, std::mt19937& rng) const;

    torch::Device device() const { return device_; }
    const StateEntries& entries() const { return *entries_; }

private:
    const StateValue& at(const std::string& key) const;
    std::string name(const std::string& key) const { return prefix_ + key; }

    std::shared_ptr<const StateEntries> entries_;
    torch::Device device_;
    std::string prefix_;
};

/// Writes `header` (UTF-8 text, the checkpoint's JSON description) and the entries to `path`:
/// `path.tmp` first, fsync, rename over `path`, fsync of the folder. Returns the file's size.
/// CLWB_CHECKPOINT_WRITE_DELAY_MS=N sleeps N ms half-way through the temporary file (a test hook:
/// tests/cli_kill_resume.sh kills processes inside a write). Throws std::runtime_error.
std::int64_t writeStateFile(const std::string& path, const std::string& header,
                            const StateWriter& state);
/// The header of a state file, read without its entries. Throws std::runtime_error for a file
/// that is missing, not a clwb checkpoint, or of a newer format.
std::string readStateHeader(const std::string& path);
/// Checks a state file's checksum without keeping its entries; throws std::runtime_error
/// naming the file when it is truncated or damaged.
void verifyStateFile(const std::string& path);
/// Header and entries; the checksum is verified. Throws std::runtime_error.
std::pair<std::string, StateReader> readStateFile(const std::string& path, torch::Device device);

}  // namespace clwb::detail
