// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/disk_tensor.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace clwb::detail {

std::int64_t imageMemoryBudget(double limitMb)
{
    if (limitMb > 0) return std::int64_t(limitMb * 1024.0 * 1024.0);
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return std::int64_t(4) << 30;  // unknown: assume 8 GiB of RAM
    return std::int64_t(pages) * page / 2;
}

torch::Tensor diskBackedTensor(torch::IntArrayRef sizes, torch::ScalarType dtype,
                               const std::string& dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path folder = dir.empty() ? fs::temp_directory_path(ec) : fs::path(dir);
    fs::create_directories(folder, ec);
    std::string name = (folder / "clwb-stream-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        throw std::runtime_error("data.memory_limit_mb: cannot create a streaming file in " +
                                 folder.string() + ": " + std::strerror(errno) +
                                 " (set CLWB_CACHE_DIR to a writable folder with space, or raise "
                                 "the limit)");
    ::unlink(name.c_str());  // gone from the folder now, freed when the mapping goes
    std::int64_t count = 1;
    for (const auto s : sizes) count *= s;
    const auto bytes = std::size_t(std::max<std::int64_t>(1, count * c10::elementSize(dtype)));
    if (const int err = ::posix_fallocate(fd, 0, off_t(bytes)); err != 0) {
        ::close(fd);
        throw std::runtime_error("data.memory_limit_mb: " + folder.string() + " has no room for " +
                                 std::to_string(bytes >> 20) + " MB of streamed images (" +
                                 std::strerror(err) +
                                 "); free space there, set CLWB_CACHE_DIR, or raise the limit");
    }
    void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);  // the mapping keeps the file alive
    if (base == MAP_FAILED)
        throw std::runtime_error("data.memory_limit_mb: cannot map a streaming file in " +
                                 folder.string() + ": " + std::strerror(errno));
    return torch::from_blob(
        base, sizes, [bytes](void* p) { ::munmap(p, bytes); },
        torch::TensorOptions().dtype(dtype));
}

torch::Tensor selectRowsToDisk(const torch::Tensor& src, const torch::Tensor& index,
                               const std::string& dir)
{
    auto sizes = src.sizes().vec();
    sizes[0] = index.size(0);
    auto out = diskBackedTensor(sizes, src.scalar_type(), dir);
    constexpr std::int64_t kChunk = 2048;
    for (std::int64_t i = 0; i < index.size(0); i += kChunk) {
        const auto n = std::min(kChunk, index.size(0) - i);
        auto part = out.narrow(0, i, n);
        torch::index_select_out(part, src, 0, index.narrow(0, i, n));
    }
    return out;
}

}  // namespace clwb::detail
