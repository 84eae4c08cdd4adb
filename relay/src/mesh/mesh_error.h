// What an error from the mesh socket's error queue means for the peer it names.
#pragma once

#include <optional>
#include <string>

#include "snowsignal/mesh_socket.h"

namespace snowsignal {

// "ICMP port unreachable", "ICMP host unreachable from 198.18.3.1" (a router said so),
// "ICMPv6 address unreachable from 2001:db8:1::1", "No route to host" (local)... when
// the error says the peer cannot be reached; nullopt for errors that do not (e.g. ICMP
// fragmentation needed or ICMPv6 packet too big, which are about size).
std::optional<std::string> unreachable_reason(const MeshError& error);

}  // namespace snowsignal
