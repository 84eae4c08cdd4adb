#include "mesh_keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace snowsignal {

namespace {

std::string_view trim(std::string_view text) {
  const auto not_space = [](char c) { return !std::isspace(static_cast<unsigned char>(c)); };
  const auto first = std::find_if(text.begin(), text.end(), not_space);
  const auto last = std::find_if(text.rbegin(), text.rend(), not_space).base();
  return first < last ? std::string_view(first, last) : std::string_view();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Errors name the line, never the key material.
std::string parse_line(std::string_view line, std::size_t number, MeshKey& key) {
  const std::string where = "line " + std::to_string(number) + ": ";
  const auto space = line.find_first_of(" \t");
  if (space == std::string_view::npos) return where + "expected '<key id> <key in hex>'";
  const std::string_view id_text = line.substr(0, space);
  const std::string_view hex = trim(line.substr(space));
  unsigned id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || id > 255) {
    return where + "key id is not a number 0..255";
  }
  if (hex.size() % 2 != 0) return where + "key is not hex (odd number of digits)";
  key.id = static_cast<std::uint8_t>(id);
  key.secret.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) return where + "key is not hex";
    key.secret.push_back(static_cast<Byte>(high * 16 + low));
  }
  if (key.secret.size() < kMinMeshKeyBytes) {
    return where + "key is too short: " + std::to_string(key.secret.size()) + " bytes, at least " +
           std::to_string(kMinMeshKeyBytes) + " (" + std::to_string(2 * kMinMeshKeyBytes) +
           " hex digits)";
  }
  if (key.secret.size() > kMaxMeshKeyBytes) {
    return where + "key is too long: at most " + std::to_string(kMaxMeshKeyBytes) + " bytes";
  }
  return "";
}

}  // namespace

MeshKeysOutcome parse_mesh_keys(std::string_view text) {
  MeshKeysOutcome outcome;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    MeshKey key;
    if (std::string error = parse_line(line, number, key); !error.empty()) {
      return {{}, std::move(error)};
    }
    for (const MeshKey& seen : outcome.keys) {
      if (seen.id == key.id) {
        return {{},
                "line " + std::to_string(number) + ": key id " + std::to_string(key.id) +
                    " appears twice"};
      }
    }
    if (outcome.keys.size() == kMaxMeshKeys) {
      return {{},
              "line " + std::to_string(number) + ": more than " + std::to_string(kMaxMeshKeys) +
                  " keys"};
    }
    outcome.keys.push_back(std::move(key));
  }
  if (outcome.keys.empty()) return {{}, "no key in the file"};
  return outcome;
}

}  // namespace snowsignal
