// Socket options both tools share (AF-agnostic where it was cheap).
#pragma once

#include <string>

#include "udp/address_guard.h"

namespace udp {

// Sets SO_RCVBUF/SO_SNDBUF to bytes, forcing past net.core.*mem_max when allowed
// (SO_*BUFFORCE needs CAP_NET_ADMIN, which netsim's hosts have). Returns the size the
// kernel reports back (it doubles the request for bookkeeping).
int set_buffer(int fd, bool receive, int bytes);
// Outgoing multicast interface and hop limit; empty string on success.
std::string set_multicast_interface(int fd, int family, const std::string& ifname);
std::string set_ttl(int fd, int family, int ttl);
// Joins group on ifname ("" = the kernel's choice); empty string on success.
std::string join_group(int fd, const Endpoint& group, const std::string& ifname);
// Binds to address (port included); empty string on success.
std::string bind_to(int fd, const Endpoint& local);
// The wildcard address of a family with a port.
Endpoint any_address(int family, std::uint16_t port);

}  // namespace udp
