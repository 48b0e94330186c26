// SPDX-License-Identifier: GPL-3.0-or-later
// File layout (little-endian): "CLWBSTAT", u32 format, u64 header length + header bytes, u64 entry
// count, the entries, u32 CRC-32 of every byte before it. Entry: u8 kind, u32 name length + name,
// then by kind: 0 tensor (u8 defined; if so i8 dtype, u8 on-device, u32 rank, i64 sizes, u64 byte
// count, the bytes), 1 i64, 2 f64, 3 u64 length + bytes.
#include "checkpoint/state_archive.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace clwb::detail {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'W', 'B', 'S', 'T', 'A', 'T'};
constexpr std::uint32_t kFormat = 1;
enum Kind : std::uint8_t { kTensor = 0, kInteger = 1, kReal = 2, kText = 3 };

std::string errnoText()
{
    return std::strerror(errno);
}

/// Buffered writes to a file descriptor with a running CRC-32.
class FileSink
{
public:
    FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) { buf_.reserve(kBuffer); }

    void write(const void* data, std::size_t n)
    {
        if (n == 0) return;  // crc32_z(crc, nullptr, 0) would restart the CRC
        const auto* p = static_cast<const unsigned char*>(data);
        crc_ = crc32_z(crc_, p, n);
        bytes_ += std::int64_t(n);
        if (buf_.size() + n <= kBuffer) {
            buf_.insert(buf_.end(), p, p + n);
            return;
        }
        flush();
        raw(p, n);
    }
    template <typename T>
    void pod(const T& v)
    {
        write(&v, sizeof v);
    }
    void string(const std::string& s)
    {
        pod(std::uint64_t(s.size()));
        write(s.data(), s.size());
    }
    void flush()
    {
        raw(buf_.data(), buf_.size());
        buf_.clear();
    }
    std::uint32_t crc() const { return std::uint32_t(crc_); }
    std::int64_t bytes() const { return bytes_; }

private:
    void raw(const unsigned char* p, std::size_t n)
    {
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) throw std::runtime_error("cannot write " + path_ + ": " + errnoText());
            p += w;
            n -= std::size_t(w);
        }
    }

    static constexpr std::size_t kBuffer = 1 << 20;
    int fd_;
    std::string path_;
    std::vector<unsigned char> buf_;
    uLong crc_ = crc32_z(0, nullptr, 0);
    std::int64_t bytes_ = 0;
};

/// Sequential reads with a running CRC-32; a short read means a truncated file.
class FileSource
{
public:
    explicit FileSource(const std::string& path) : in_(path, std::ios::binary), path_(path)
    {
        if (!in_) throw std::runtime_error("cannot open checkpoint " + path + ": " + errnoText());
    }
    void read(void* data, std::size_t n)
    {
        if (n == 0) return;  // an empty tensor's data pointer may be null
        in_.read(static_cast<char*>(data), std::streamsize(n));
        if (std::size_t(in_.gcount()) != n)
            throw std::runtime_error("checkpoint " + path_ + " is truncated");
        crc_ = crc32_z(crc_, static_cast<const unsigned char*>(data), n);
    }
    template <typename T>
    T pod()
    {
        T v{};
        read(&v, sizeof v);
        return v;
    }
    std::string string(std::uint64_t limit)
    {
        const auto n = pod<std::uint64_t>();
        if (n > limit) throw std::runtime_error("checkpoint " + path_ + " is damaged");
        std::string s(n, '\0');
        read(s.data(), n);
        return s;
    }
    std::uint32_t crc() const { return std::uint32_t(crc_); }
    const std::string& path() const { return path_; }
    std::int64_t position() { return std::int64_t(in_.tellg()); }

private:
    std::ifstream in_;
    std::string path_;
    uLong crc_ = crc32_z(0, nullptr, 0);
};

std::string readHeader(FileSource& in)
{
    char magic[8];
    in.read(magic, sizeof magic);
    if (std::memcmp(magic, kMagic, sizeof magic) != 0)
        throw std::runtime_error(in.path() + " is not a CL Workbench checkpoint");
    const auto format = in.pod<std::uint32_t>();
    if (format > kFormat)
        throw std::runtime_error("checkpoint " + in.path() + " has format " +
                                 std::to_string(format) + ", newer than this CL Workbench's " +
                                 std::to_string(kFormat));
    return in.string(std::uint64_t(1) << 30);
}

void writeTensor(FileSink& out, const StateTensor& st)
{
    const auto& t = st.value;
    out.pod(std::uint8_t(t.defined()));
    if (!t.defined()) return;
    const auto cpu = t.detach().to(torch::kCPU).contiguous();
    out.pod(std::int8_t(cpu.scalar_type()));
    out.pod(std::uint8_t(st.onDevice));
    out.pod(std::uint32_t(cpu.dim()));
    for (auto s : cpu.sizes()) out.pod(std::int64_t(s));
    const auto n = std::uint64_t(cpu.numel()) * std::uint64_t(cpu.element_size());
    out.pod(n);
    out.write(cpu.data_ptr(), n);
}

StateTensor readTensor(FileSource& in)
{
    StateTensor st;
    if (!in.pod<std::uint8_t>()) return st;
    const auto dtype = torch::ScalarType(in.pod<std::int8_t>());
    st.onDevice = in.pod<std::uint8_t>() != 0;
    const auto rank = in.pod<std::uint32_t>();
    if (rank > 16) throw std::runtime_error("checkpoint " + in.path() + " is damaged");
    std::vector<int64_t> sizes(rank);
    for (auto& s : sizes) s = in.pod<std::int64_t>();
    auto t = torch::empty(sizes, torch::TensorOptions().dtype(dtype));
    const auto n = in.pod<std::uint64_t>();
    if (n != std::uint64_t(t.numel()) * std::uint64_t(t.element_size()))
        throw std::runtime_error("checkpoint " + in.path() + " is damaged");
    in.read(t.data_ptr(), n);
    st.value = t;
    return st;
}

void fsyncFolder(const std::filesystem::path& folder)
{
    const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;  // best effort: not every file system lets a folder be opened
    ::fsync(fd);
    ::close(fd);
}

int writeDelayMs()
{
    const char* v = std::getenv("CLWB_CHECKPOINT_WRITE_DELAY_MS");
    return v && *v ? std::atoi(v) : 0;
}

}  // namespace

// --- entries ---------------------------------------------------------------------------------

void StateEntries::put(const std::string& name, StateValue value)
{
    if (index.count(name)) throw std::logic_error("checkpoint entry '" + name + "' written twice");
    index[name] = items.size();
    items.emplace_back(name, std::move(value));
}

const StateValue* StateEntries::find(const std::string& name) const
{
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &items[it->second].second;
}

// --- writer ----------------------------------------------------------------------------------

StateWriter::StateWriter() : entries_(std::make_shared<StateEntries>()) {}

StateWriter::StateWriter(std::shared_ptr<StateEntries> entries, std::string prefix)
    : entries_(std::move(entries)), prefix_(std::move(prefix))
{
}

StateWriter StateWriter::scope(const std::string& name) const
{
    return StateWriter(entries_, prefix_ + name + "/");
}

void StateWriter::tensor(const std::string& key, const torch::Tensor& t)
{
    entries_->put(name(key), StateTensor{t, t.defined() && !t.device().is_cpu()});
}

void StateWriter::tensors(const std::string& key, const std::vector<torch::Tensor>& list)
{
    integer(key + "/size", std::int64_t(list.size()));
    for (std::size_t i = 0; i < list.size(); ++i) tensor(key + "/" + std::to_string(i), list[i]);
}

void StateWriter::integer(const std::string& key, std::int64_t value)
{
    entries_->put(name(key), value);
}

void StateWriter::real(const std::string& key, double value)
{
    entries_->put(name(key), value);
}

void StateWriter::text(const std::string& key, const std::string& value)
{
    entries_->put(name(key), value);
}

void StateWriter::texts(const std::string& key, const std::vector<std::string>& list)
{
    integer(key + "/size", std::int64_t(list.size()));
    for (std::size_t i = 0; i < list.size(); ++i) text(key + "/" + std::to_string(i), list[i]);
}

void StateWriter::reals(const std::string& key, const std::vector<double>& list)
{
    tensor(key, torch::tensor(list, torch::kFloat64).reshape({std::int64_t(list.size())}));
}

void StateWriter::generator(const std::string& key, const torch::Generator& gen)
{
    auto handle = gen;  // a handle: mutex() is not const
    if (!handle.defined()) {
        entries_->put(name(key), StateTensor{});
        return;
    }
    std::lock_guard<std::mutex> lock(handle.mutex());
    entries_->put(name(key), StateTensor{handle.get_state(), false});
}

void StateWriter::engine(const std::string& key, const std::mt19937& rng)
{
    std::ostringstream s;
    s << rng;
    text(key, s.str());
}

// --- reader ----------------------------------------------------------------------------------

StateReader::StateReader(std::shared_ptr<const StateEntries> entries, torch::Device device)
    : entries_(std::move(entries)), device_(device)
{
}

StateReader StateReader::scope(const std::string& name) const
{
    StateReader r(entries_, device_);
    r.prefix_ = prefix_ + name + "/";
    return r;
}

bool StateReader::has(const std::string& key) const
{
    return entries_->find(name(key)) != nullptr;
}

const StateValue& StateReader::at(const std::string& key) const
{
    const auto* v = entries_->find(name(key));
    if (!v) throw std::runtime_error("the checkpoint has no entry '" + name(key) + "'");
    return *v;
}

torch::Tensor StateReader::tensor(const std::string& key) const
{
    const auto* st = std::get_if<StateTensor>(&at(key));
    if (!st) throw std::runtime_error("checkpoint entry '" + name(key) + "' is not a tensor");
    if (!st->value.defined()) return {};
    // A copy, so the caller owns its tensor whatever it does to it.
    return st->onDevice ? st->value.to(device_, /*non_blocking=*/false, /*copy=*/true)
                        : st->value.clone();
}

std::vector<torch::Tensor> StateReader::tensors(const std::string& key) const
{
    std::vector<torch::Tensor> out;
    const auto n = integer(key + "/size");
    for (std::int64_t i = 0; i < n; ++i) out.push_back(tensor(key + "/" + std::to_string(i)));
    return out;
}

void StateReader::copyInto(const std::string& key, const torch::Tensor& into) const
{
    const auto* st = std::get_if<StateTensor>(&at(key));
    if (!st || !st->value.defined())
        throw std::runtime_error("checkpoint entry '" + name(key) + "' is not a tensor");
    if (st->value.sizes() != into.sizes())
        throw std::runtime_error("checkpoint entry '" + name(key) + "' has shape " +
                                 c10::str(st->value.sizes()) + ", the run's tensor " +
                                 c10::str(into.sizes()));
    torch::NoGradGuard noGrad;
    into.detach().copy_(st->value);
}

void StateReader::copyInto(const std::string& key, const std::vector<torch::Tensor>& into) const
{
    const auto n = integer(key + "/size");
    if (n != std::int64_t(into.size()))
        throw std::runtime_error("checkpoint entry '" + name(key) + "' holds " + std::to_string(n) +
                                 " tensors, the run " + std::to_string(into.size()));
    for (std::size_t i = 0; i < into.size(); ++i) copyInto(key + "/" + std::to_string(i), into[i]);
}

std::int64_t StateReader::integer(const std::string& key) const
{
    const auto* v = std::get_if<std::int64_t>(&at(key));
    if (!v) throw std::runtime_error("checkpoint entry '" + name(key) + "' is not an integer");
    return *v;
}

double StateReader::real(const std::string& key) const
{
    const auto* v = std::get_if<double>(&at(key));
    if (!v) throw std::runtime_error("checkpoint entry '" + name(key) + "' is not a number");
    return *v;
}

std::string StateReader::text(const std::string& key) const
{
    const auto* v = std::get_if<std::string>(&at(key));
    if (!v) throw std::runtime_error("checkpoint entry '" + name(key) + "' is not a text");
    return *v;
}

std::vector<std::string> StateReader::texts(const std::string& key) const
{
    std::vector<std::string> out;
    const auto n = integer(key + "/size");
    for (std::int64_t i = 0; i < n; ++i) out.push_back(text(key + "/" + std::to_string(i)));
    return out;
}

std::vector<double> StateReader::reals(const std::string& key) const
{
    const auto t = tensor(key).to(torch::kCPU, torch::kFloat64).contiguous();
    return {t.data_ptr<double>(), t.data_ptr<double>() + t.numel()};
}

void StateReader::generator(const std::string& key, torch::Generator& gen) const
{
    const auto state = tensor(key);
    if (!state.defined() || !gen.defined()) return;  // no generator then, none now
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

void StateReader::engine(const std::string& key, std::mt19937& rng) const
{
    std::istringstream s(text(key));
    s >> rng;
    if (!s) throw std::runtime_error("checkpoint entry '" + name(key) + "' is damaged");
}

// --- files -----------------------------------------------------------------------------------

std::int64_t writeStateFile(const std::string& path, const std::string& header,
                            const StateWriter& state)
{
    const std::filesystem::path target(path);
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + errnoText());
    std::int64_t bytes = 0;
    try {
        FileSink out(fd, tmp);
        out.write(kMagic, sizeof kMagic);
        out.pod(kFormat);
        out.string(header);
        const auto& items = state.entries().items;
        out.pod(std::uint64_t(items.size()));
        const int delay = writeDelayMs();
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (delay > 0 && i == items.size() / 2) {
                out.flush();  // a half-written temporary file on disk while we sleep
                std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            }
            const auto& [name, value] = items[i];
            out.pod(std::uint8_t(value.index()));
            out.pod(std::uint32_t(name.size()));
            out.write(name.data(), name.size());
            if (const auto* t = std::get_if<StateTensor>(&value))
                writeTensor(out, *t);
            else if (const auto* n = std::get_if<std::int64_t>(&value))
                out.pod(*n);
            else if (const auto* r = std::get_if<double>(&value))
                out.pod(*r);
            else
                out.string(std::get<std::string>(value));
        }
        const std::uint32_t crc = out.crc();
        out.pod(crc);
        out.flush();
        bytes = out.bytes();
        if (::fsync(fd) != 0) throw std::runtime_error("cannot sync " + tmp + ": " + errnoText());
    } catch (...) {
        ::close(fd);
        std::filesystem::remove(tmp);
        throw;
    }
    if (::close(fd) != 0) throw std::runtime_error("cannot write " + tmp + ": " + errnoText());
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + errnoText());
    fsyncFolder(target.parent_path());
    return bytes;
}

std::string readStateHeader(const std::string& path)
{
    FileSource in(path);
    return readHeader(in);
}

void verifyStateFile(const std::string& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw std::runtime_error("cannot read checkpoint " + path + ": " + ec.message());
    FileSource in(path);
    readHeader(in);  // the magic and format first: a clearer message for a foreign file
    const auto start = std::uint64_t(in.position());
    if (size < start + 4) throw std::runtime_error("checkpoint " + path + " is truncated");
    std::uint64_t left = size - start - 4;
    std::vector<char> chunk(1 << 20);
    while (left > 0) {
        const auto n = std::size_t(std::min<std::uint64_t>(left, chunk.size()));
        in.read(chunk.data(), n);
        left -= n;
    }
    const std::uint32_t expected = in.crc();
    if (in.pod<std::uint32_t>() != expected)
        throw std::runtime_error("checkpoint " + path + " is damaged (checksum mismatch)");
}

std::pair<std::string, StateReader> readStateFile(const std::string& path, torch::Device device)
{
    FileSource in(path);
    auto header = readHeader(in);
    auto entries = std::make_shared<StateEntries>();
    const auto count = in.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto kind = in.pod<std::uint8_t>();
        const auto length = in.pod<std::uint32_t>();
        if (length > 4096) throw std::runtime_error("checkpoint " + path + " is damaged");
        std::string name(length, '\0');
        in.read(name.data(), length);
        switch (kind) {
            case kTensor:
                entries->put(name, readTensor(in));
                break;
            case kInteger:
                entries->put(name, in.pod<std::int64_t>());
                break;
            case kReal:
                entries->put(name, in.pod<double>());
                break;
            case kText:
                entries->put(name, in.string(std::uint64_t(1) << 32));
                break;
            default:
                throw std::runtime_error("checkpoint " + path + " is damaged");
        }
    }
    const std::uint32_t expected = in.crc();
    if (in.pod<std::uint32_t>() != expected)
        throw std::runtime_error("checkpoint " + path + " is damaged (checksum mismatch)");
    return {std::move(header), StateReader(std::move(entries), device)};
}

}  // namespace clwb::detail
