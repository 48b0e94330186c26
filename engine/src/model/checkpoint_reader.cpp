// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/checkpoint_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <torch/csrc/jit/serialization/unpickler.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace clwb::detail {
namespace {

constexpr const char* kConvertHint = "scripts/convert-checkpoint.py";
constexpr std::uint64_t kMaxHeader = 100u << 20;  // the safetensors specification's own limit
constexpr std::size_t kMaxRank = 8;

std::string firstLine(const std::string& s)
{
    return s.substr(0, s.find('\n'));
}

struct DtypeInfo
{
    const char* name;
    std::size_t bytes;
    torch::ScalarType type;
};

// Integer and bool tensors occur as buffers (position indices); they are read and converted too.
constexpr DtypeInfo kDtypes[] = {
    {"F32", 4, torch::kFloat},  {"F16", 2, torch::kHalf}, {"BF16", 2, torch::kBFloat16},
    {"F64", 8, torch::kDouble}, {"I64", 8, torch::kLong}, {"I32", 4, torch::kInt},
    {"I16", 2, torch::kShort},  {"I8", 1, torch::kChar},  {"U8", 1, torch::kByte},
    {"BOOL", 1, torch::kBool},
};

const DtypeInfo* dtypeByName(const std::string& name)
{
    for (const auto& d : kDtypes)
        if (name == d.name) return &d;
    return nullptr;
}

const DtypeInfo* dtypeByType(torch::ScalarType type)
{
    for (const auto& d : kDtypes)
        if (type == d.type) return &d;
    return nullptr;
}

/// Float32 copy of `bytes` holding `shape` elements of `d` (little-endian; unaligned is fine).
torch::Tensor toFloat(const unsigned char* bytes, const DtypeInfo& d,
                      const std::vector<std::int64_t>& shape)
{
    auto raw = torch::empty(shape, torch::TensorOptions().dtype(d.type));
    if (raw.numel() > 0) std::memcpy(raw.data_ptr(), bytes, std::size_t(raw.numel()) * d.bytes);
    return d.type == torch::kFloat ? raw : raw.to(torch::kFloat);
}

/// A read-only view of a whole file: mmap where possible, so a 350 MB checkpoint is not copied
/// twice; an empty file maps to nothing.
class MappedFile
{
public:
    explicit MappedFile(const std::string& path)
    {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw CheckpointError("cannot open " + path + ": " + std::strerror(errno));
        struct stat st
        {
        };
        if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd_);
            throw CheckpointError(path + " is not a regular file");
        }
        size_ = std::size_t(st.st_size);
        if (size_ == 0) return;
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
        if (p == MAP_FAILED) {
            ::close(fd_);
            throw CheckpointError("cannot map " + path + ": " + std::strerror(errno));
        }
        data_ = static_cast<const unsigned char*>(p);
    }
    ~MappedFile()
    {
        if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
        if (fd_ >= 0) ::close(fd_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    int fd_ = -1;
    const unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

std::string readPrefix(const std::string& path, std::size_t n)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError("cannot read " + path);
    std::string s(n, '\0');
    in.read(s.data(), std::streamsize(n));
    s.resize(std::size_t(in.gcount()));
    return s;
}

// ---- safetensors ----------------------------------------------------------------------------

struct SafeEntry
{
    std::string name;
    const DtypeInfo* dtype;
    std::vector<std::int64_t> shape;
    std::uint64_t begin, end;
};

std::uint64_t jsonUnsigned(const nlohmann::json& v, const std::string& what)
{
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
        throw CheckpointError(what + " must be a non-negative integer, got " + v.dump());
    return v.get<std::uint64_t>();
}

SafeEntry parseEntry(const std::string& name, const nlohmann::json& v, std::uint64_t dataSize,
                     const std::string& label)
{
    const std::string where = label + ": tensor '" + name + "'";
    if (!v.is_object()) throw CheckpointError(where + " is not described by a JSON object");
    for (const char* key : {"dtype", "shape", "data_offsets"})
        if (!v.contains(key)) throw CheckpointError(where + " has no \"" + key + "\"");
    SafeEntry e{name, nullptr, {}, 0, 0};
    if (!v["dtype"].is_string()) throw CheckpointError(where + ": \"dtype\" is not a string");
    const auto dtype = v["dtype"].get<std::string>();
    e.dtype = dtypeByName(dtype);
    if (!e.dtype)
        throw CheckpointError(where + " has dtype " + dtype +
                              ", which is not supported (F32, F16, BF16, F64 and integers are)");
    const auto& shape = v["shape"];
    if (!shape.is_array()) throw CheckpointError(where + ": \"shape\" is not an array");
    if (shape.size() > kMaxRank)
        throw CheckpointError(where + " has rank " + std::to_string(shape.size()) + " (at most " +
                              std::to_string(kMaxRank) + " is plausible)");
    std::uint64_t numel = 1;
    for (const auto& d : shape) {
        const auto n = jsonUnsigned(d, where + ": shape entry");
        if (n > std::uint64_t(std::numeric_limits<std::int64_t>::max()) ||
            (n != 0 && numel > std::numeric_limits<std::uint64_t>::max() / n))
            throw CheckpointError(where + " has an impossibly large shape " + shape.dump());
        numel *= n;
        e.shape.push_back(std::int64_t(n));
    }
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2)
        throw CheckpointError(where + ": \"data_offsets\" must be [begin, end]");
    e.begin = jsonUnsigned(off[0], where + ": data_offsets[0]");
    e.end = jsonUnsigned(off[1], where + ": data_offsets[1]");
    if (e.begin > e.end)
        throw CheckpointError(where + ": data_offsets begin " + std::to_string(e.begin) +
                              " is after end " + std::to_string(e.end));
    if (e.end > dataSize)
        throw CheckpointError(where + ": data_offsets end " + std::to_string(e.end) +
                              " lies beyond the file's data (" + std::to_string(dataSize) +
                              " bytes); the file is truncated or corrupt");
    if (numel > std::numeric_limits<std::uint64_t>::max() / e.dtype->bytes ||
        numel * e.dtype->bytes != e.end - e.begin)
        throw CheckpointError(where + " has " + std::to_string(e.end - e.begin) + " bytes but " +
                              dtype + " " + shape.dump() + " needs " +
                              std::to_string(numel * e.dtype->bytes));
    return e;
}

}  // namespace

const CheckpointTensor* Checkpoint::find(const std::string& name) const
{
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

Checkpoint parseSafetensors(const unsigned char* data, std::size_t size, bool shapesOnly,
                            const std::string& label)
{
    if (size < 8) throw CheckpointError(label + " is too short for a safetensors file");
    std::uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | data[i];  // little-endian
    if (headerLen < 2 || headerLen > kMaxHeader || headerLen > size - 8)
        throw CheckpointError(label + ": safetensors header length " + std::to_string(headerLen) +
                              " does not fit the file (" + std::to_string(size) + " bytes)");
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(data + 8, data + 8 + headerLen);
    } catch (const std::exception& e) {
        throw CheckpointError(label + ": the safetensors header is not valid JSON (" +
                              firstLine(e.what()) + ")");
    }
    if (!header.is_object())
        throw CheckpointError(label + ": the safetensors header is not a JSON object");

    Checkpoint ck;
    ck.path = label;
    ck.format = "safetensors";
    const std::uint64_t dataSize = size - 8 - headerLen;
    const unsigned char* base = data + 8 + headerLen;
    std::vector<SafeEntry> entries;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            if (!value.is_object())
                throw CheckpointError(label + ": __metadata__ is not a JSON object");
            for (const auto& [k, v] : value.items()) {
                if (!v.is_string())
                    throw CheckpointError(label + ": __metadata__ value of '" + k +
                                          "' is not a string");
                ck.metadata[k] = v.get<std::string>();
            }
            continue;
        }
        if (name.empty()) throw CheckpointError(label + ": a tensor has an empty name");
        entries.push_back(parseEntry(name, value, dataSize, label));
    }
    std::sort(entries.begin(), entries.end(), [](const SafeEntry& a, const SafeEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    for (std::size_t i = 1; i < entries.size(); ++i)
        if (entries[i].begin < entries[i - 1].end)
            throw CheckpointError(label + ": tensor '" + entries[i].name + "' overlaps '" +
                                  entries[i - 1].name + "' in the data section");
    for (const auto& e : entries) {
        CheckpointTensor t{e.name, e.dtype->name, e.shape, {}};
        if (!shapesOnly) t.value = toFloat(base + e.begin, *e.dtype, e.shape);
        ck.tensors.push_back(std::move(t));
    }
    return ck;
}

void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::vector<torch::Tensor> blobs;
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        auto t = tensor.detach().to(torch::kCPU).contiguous();
        const auto* d = dtypeByType(t.scalar_type());
        if (!d) throw CheckpointError("cannot write tensor '" + name + "': unsupported dtype");
        const std::uint64_t bytes = std::uint64_t(t.numel()) * d->bytes;
        header[name] = {{"dtype", d->name},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        blobs.push_back(t);
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as upstream
    std::ofstream out(path, std::ios::binary);
    unsigned char len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<unsigned char>(std::uint64_t(text.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), std::streamsize(text.size()));
    for (const auto& t : blobs)
        out.write(static_cast<const char*>(t.data_ptr()),
                  std::streamsize(t.numel() * std::int64_t(t.element_size())));
    if (!out) throw CheckpointError("cannot write " + path);
}

namespace {

// ---- torch zip archives -----------------------------------------------------------------------

Checkpoint readClwbArchive(const std::string& path)
{
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    Checkpoint ck;
    ck.path = path;
    ck.format = "clwb";
    for (const auto& key : archive.keys()) {
        torch::Tensor t;
        if (!archive.try_read(key, t)) continue;
        if (key == "__clwb_model__") {
            ck.clwbModelJson.assign(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()),
                                    std::size_t(t.numel()));
            continue;
        }
        const auto* d = dtypeByType(t.scalar_type());
        ck.tensors.push_back(
            {key, d ? d->name : "?", t.sizes().vec(), t.to(torch::kFloat).contiguous().clone()});
    }
    return ck;
}

std::vector<std::pair<std::string, torch::Tensor>> tensorItems(const c10::IValue& v)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : v.toGenericDict())
        if (item.key().isString() && item.value().isTensor())
            out.emplace_back(item.key().toStringRef(), item.value().toTensor());
    return out;
}

Checkpoint readTorchZip(const std::string& path, bool shapesOnly)
{
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (reader.hasRecord("constants.pkl")) return readClwbArchive(path);  // TorchScript archive
    if (!reader.hasRecord("data.pkl"))
        throw CheckpointError(path + " is a zip file without data.pkl, not a torch.save archive");
    auto [pkl, pklSize] = reader.getRecord("data.pkl");
    const char* pklData = static_cast<const char*>(pkl.get());
    std::size_t pos = 0;
    auto read = [&](char* buf, std::size_t n) {
        const std::size_t k = std::min(n, pklSize - pos);
        std::memcpy(buf, pklData + pos, k);
        pos += k;
        return k;
    };
    // Shapes only: storages get no data (their byte size is still known), nothing is read.
    auto record = [&](const std::string& key) -> at::DataPtr {
        if (shapesOnly) return at::DataPtr(nullptr, at::Device(at::kCPU));
        return std::get<0>(reader.getRecord("data/" + key));
    };
    c10::IValue root;
    try {
        torch::jit::Unpickler unpickler(read, nullptr, nullptr, record, at::Device(at::kCPU));
        unpickler.set_version(reader.version());
        root = unpickler.parse_ivalue();
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        if (what.find("GenericDict but got None") != std::string::npos)
            throw CheckpointError(
                path +
                " holds an OrderedDict (what torch.save(model.state_dict()) writes), which "
                "LibTorch 1.13 cannot read; convert it once with `" +
                kConvertHint + " " + path + " OUT.safetensors` (docs/backbones.md)");
        if (what.find("unknown type") != std::string::npos)
            throw CheckpointError(path + " holds pickled Python objects (" + firstLine(what) +
                                  "), not a dict of tensors; save model.state_dict() instead, or "
                                  "convert the file with " +
                                  kConvertHint);
        throw CheckpointError(path + ": unreadable torch archive (" + firstLine(what) + ")");
    }
    if (!root.isGenericDict())
        throw CheckpointError(path + " holds a " + root.tagKind() +
                              ", not a dict of tensors; convert it with " + kConvertHint);
    Checkpoint ck;
    ck.path = path;
    ck.format = "torch-zip";
    auto items = tensorItems(root);
    if (items.empty()) {
        for (const char* key : {"model", "state_dict", "model_state_dict", "module"}) {
            for (const auto& item : root.toGenericDict()) {
                if (!item.key().isString() || item.key().toStringRef() != key) continue;
                if (!item.value().isGenericDict()) {
                    if (item.value().isNone())  // an OrderedDict inside a plain dict
                        throw CheckpointError(path + ": \"" + key +
                                              "\" holds an OrderedDict, "
                                              "which LibTorch 1.13 cannot read; convert the "
                                              "file with `" +
                                              kConvertHint + " " + path + " OUT.safetensors`");
                    continue;
                }
                items = tensorItems(item.value());
                ck.nestedKey = key;
            }
            if (!items.empty()) break;
        }
    }
    if (items.empty())
        throw CheckpointError(path +
                              " holds no tensors (expected a dict of name -> tensor, or "
                              "one under \"model\" / \"state_dict\")");
    for (auto& [name, t] : items) {
        const auto* d = dtypeByType(t.scalar_type());
        if (!d)
            throw CheckpointError(path + ": tensor '" + name + "' has unsupported dtype " +
                                  std::string(c10::toString(t.scalar_type())));
        CheckpointTensor ct{name, d->name, t.sizes().vec(), {}};
        if (!shapesOnly) ct.value = t.to(torch::kFloat).contiguous().clone();
        ck.tensors.push_back(std::move(ct));
    }
    return ck;
}

}  // namespace

Checkpoint readCheckpoint(const std::string& path, bool shapesOnly)
{
    const std::string head = readPrefix(path, 9);
    if (head.size() >= 4 && head.compare(0, 4, "PK\x03\x04") == 0) {
        try {
            return readTorchZip(path, shapesOnly);
        } catch (const CheckpointError&) {
            throw;
        } catch (const std::exception& e) {
            throw CheckpointError(path + ": unreadable zip archive (" + firstLine(e.what()) + ")");
        }
    }
    if (head.size() == 9 && head[8] == '{') {
        MappedFile file(path);
        return parseSafetensors(file.data(), file.size(), shapesOnly, path);
    }
    if (!head.empty() && static_cast<unsigned char>(head[0]) == 0x80)
        throw CheckpointError(path +
                              " is in torch's legacy (pre-1.6) pickle format; convert it "
                              "with `" +
                              std::string(kConvertHint) + " " + path + " OUT.safetensors`");
    throw CheckpointError(path +
                          " is not a checkpoint this workbench reads (safetensors, a "
                          "torch.save zip archive or a CL Workbench backbone)");
}

}  // namespace clwb::detail
