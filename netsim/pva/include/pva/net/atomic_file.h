// Whole-file writes that readers never see half done (temp file + rename, same dir).
#pragma once

#include <string>

namespace pva::net {

// Returns an empty string on success, else a one-line reason.
std::string write_file_atomically(const std::string& path, const std::string& content);

}  // namespace pva::net
