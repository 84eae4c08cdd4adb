// Mesh key files as an operator (or a Docker secret) puts them: in a directory of the
// test's own, removed at the end.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace integration {

class KeyFiles {
 public:
  KeyFiles() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "snowsignal-keys-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~KeyFiles() { std::filesystem::remove_all(dir_); }
  KeyFiles(const KeyFiles&) = delete;
  KeyFiles& operator=(const KeyFiles&) = delete;

  // Writes `text` (e.g. "1 " and 64 hex digits) to `name` with `mode`; returns its path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text << "\n";
    chmod(path.c_str(), mode);
    return path.string();
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace integration
