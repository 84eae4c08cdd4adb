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

// RFC 4443 type 1 codes.
const char* destination_unreachable_v6(std::uint8_t code) {
  switch (code) {
    case 0:
      return "no route to destination";
    case 1:
      return "administratively prohibited";
    case 3:
      return "address unreachable";
    case 4:
      return "port unreachable";
    case 5:
      return "source address failed policy";
    case 6:
      return "reject route";
    default:
      return nullptr;
  }
}

constexpr std::uint8_t kIcmp6DestinationUnreachable = 1;
constexpr std::uint8_t kIcmp6TimeExceeded = 3;  // type 2, packet too big, is about size

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
  if (error.origin == MeshError::Origin::kIcmp6) {
    if (error.icmp_type == kIcmp6DestinationUnreachable) {
      const char* name = destination_unreachable_v6(error.icmp_code);
      what = name != nullptr
                 ? std::string("ICMPv6 ") + name
                 : "ICMPv6 destination unreachable (code " + std::to_string(error.icmp_code) + ")";
    } else if (error.icmp_type == kIcmp6TimeExceeded) {
      what = "ICMPv6 time exceeded";
    } else {
      return std::nullopt;
    }
  } else if (error.icmp_type == kDestinationUnreachable) {
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
  if (error.reporter != error.peer && error.reporter != IpAddress{}) {
    what += " from " + error.reporter.to_string();
  }
  return what;
}

}  // namespace snowsignal
