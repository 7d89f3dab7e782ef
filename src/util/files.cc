#include "util/files.h"

#include <fstream>
#include <system_error>

namespace plume::util {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return NotFound("no such file: " + path.string());
  if (fs::is_directory(st)) return InvalidArgument("is a directory, not a file: " + path.string());
  auto size = fs::file_size(path, ec);
  if (ec) return Unavailable("cannot stat " + path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return ResourceExhausted("file too large (" + std::to_string(size) + " bytes, limit " +
                             std::to_string(max_bytes) + "): " + path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot open " + path.string());
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) return Unavailable("short read: " + path.string());
  return data;
}

Status WriteFileAtomic(const fs::path& path, std::string_view content) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + tmp.string());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return Unavailable("write failed: " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace plume::util
