#include "mesh_key_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace snowsignal {

MeshKeysOutcome load_mesh_key_file(const std::string& path) {
  struct stat info {};
  // stat, not lstat: Kubernetes mounts secrets as symlinks into a ..data directory.
  if (::stat(path.c_str(), &info) != 0) return {{}, std::strerror(errno)};
  if (!S_ISREG(info.st_mode)) return {{}, "not a regular file"};
  if ((info.st_mode & S_IRWXO) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return {{},
            std::string("readable or writable by other users (mode ") + mode +
                "); chmod o-rwx it (e.g. 0600 or 0400)"};
  }
  if (info.st_size > kMaxMeshKeyFileBytes) return {{}, "too large to be a key file"};
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return {{}, std::strerror(errno)};
  std::string text(static_cast<std::size_t>(kMaxMeshKeyFileBytes) + 1, '\0');
  const std::size_t size = std::fread(text.data(), 1, text.size(), file);
  const bool failed = std::ferror(file) != 0;
  const int saved_errno = errno;
  std::fclose(file);
  if (failed) return {{}, std::strerror(saved_errno)};
  text.resize(size);
  MeshKeysOutcome outcome = parse_mesh_keys(text);
  // Best effort: do not leave key material in freed heap memory.
  std::fill(text.begin(), text.end(), '\0');
  return outcome;
}

}  // namespace snowsignal
