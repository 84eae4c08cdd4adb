#include "mesh_error.h"

#include <cerrno>
#include <cstring>

namespace snowsignal {

namespace {

// RFC 792 / RFC 1812 type 3 codes, the ones a relay mesh meets.
const char* destination_unreachable(std::uint8_t code) {
  switch (code) {
    case 0:
      return "net unreachable";
    case 1:
      return "host unreachable";
    case 2:
      return "protocol unreachable";
    case 3:
      return "port unreachable";
    case 9:
    case 10:
    case 13:
      return "administratively prohibited";
    default:
      return nullptr;
  }
}

constexpr std::uint8_t kDestinationUnreachable = 3;
constexpr std::uint8_t kFragmentationNeeded = 4;  // code of type 3: about size, not reach
constexpr std::uint8_t kTimeExceeded = 11;

}  // namespace

std::optional<std::string> unreachable_reason(const MeshError& error) {
  if (error.origin == MeshError::Origin::kLocal) {
    // Local errors: the kernel gave up on the neighbour or has no route.
    if (error.error_number != EHOSTUNREACH && error.error_number != ENETUNREACH &&
        error.error_number != ECONNREFUSED) {
      return std::nullopt;
    }
    return std::string(std::strerror(error.error_number));
  }
  std::string what;
  if (error.icmp_type == kDestinationUnreachable) {
    if (error.icmp_code == kFragmentationNeeded) return std::nullopt;
    const char* name = destination_unreachable(error.icmp_code);
    what = name != nullptr
               ? std::string("ICMP ") + name
               : "ICMP destination unreachable (code " + std::to_string(error.icmp_code) + ")";
  } else if (error.icmp_type == kTimeExceeded) {
    what = "ICMP time exceeded";
  } else {
    return std::nullopt;
  }
  // The peer's own host saying so is the common case; a router saying so is worth naming.
  if (error.reporter != error.peer && error.reporter != Ipv4Address{}) {
    what += " from " + error.reporter.to_string();
  }
  return what;
}

}  // namespace snowsignal
