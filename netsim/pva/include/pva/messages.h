// The PVA messages netsim's fake peers speak, as plain values. Field order and types
// follow /work/shared/pva-notes.md, checked against the pvxs 1.5.2 captures in
// fixtures/pva/.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pva/address.h"

namespace pva {

using Guid = std::array<std::uint8_t, 12>;

namespace search_flag {
inline constexpr std::uint8_t kReplyRequired = 0x01;  // answer even if nothing is claimed
inline constexpr std::uint8_t kUnicast = 0x80;        // sent to a unicast address
}  // namespace search_flag

// pvxs clients put the constant "find" in every SEARCH's sequence id (they match
// replies by channel id instead), so their repeats are byte-identical; their first
// channel id is 0x12345678 (both visible in fixtures/pva/search-*.pcap).
inline constexpr std::uint32_t kPvxsSearchSequenceId = 0x66696e64;  // "find"
inline constexpr std::uint32_t kPvxsFirstChannelId = 0x12345678;

struct SearchChannel {
  std::uint32_t id = 0;  // instance (search) id, echoed by the server
  std::string name;
  bool operator==(const SearchChannel&) const = default;
};

// SEARCH, command 0x03.
struct Search {
  std::uint32_t sequence_id = 0;
  std::uint8_t flags = 0;
  Address response_address;  // pvxs clients: all zero
  std::uint16_t response_port = 0;
  std::vector<std::string> protocols{"tcp"};
  std::vector<SearchChannel> channels;
  bool operator==(const Search&) const = default;
};

// SEARCH_RESPONSE, command 0x04.
struct SearchResponse {
  Guid guid{};
  std::uint32_t sequence_id = 0;
  Address server_address = Address::mapped_any();
  std::uint16_t server_port = 5075;
  std::string protocol = "tcp";
  bool found = false;
  std::vector<std::uint32_t> channel_ids;
  bool operator==(const SearchResponse&) const = default;
};

// BEACON, command 0x00.
struct Beacon {
  Guid guid{};
  std::uint8_t flags = 0;
  std::uint8_t sequence = 0;
  std::uint16_t change_count = 0;
  Address server_address = Address::mapped_any();
  std::uint16_t server_port = 5075;
  std::string protocol = "tcp";
  // Server status as a typed value, kept raw: pvxs sends the null type {0xFF}.
  std::vector<std::uint8_t> server_status{0xFF};
  bool operator==(const Beacon&) const = default;
};

// CONNECTION_VALIDATION (0x01) server -> client.
struct ServerValidation {
  std::uint32_t receive_buffer_size = 0x10000;  // pvxs values (tcp-validation.pcap)
  std::uint16_t registry_size = 0x7FFF;
  std::vector<std::string> auth_methods{"anonymous", "ca"};
  bool operator==(const ServerValidation&) const = default;
};

// CONNECTION_VALIDATION (0x01) client -> server.
struct ClientValidation {
  std::uint32_t receive_buffer_size = 0x10000;
  std::uint16_t registry_size = 0x7FFF;
  std::uint16_t qos = 0;
  std::string auth_method = "anonymous";
  // The method's data as a typed value, kept raw: {0xFF} (null) for "anonymous";
  // pvxs' "ca" sends a struct {user, host}.
  std::vector<std::uint8_t> auth_data{0xFF};
  bool operator==(const ClientValidation&) const = default;
};

// Status (PVA spec "Status"): type 0xFF alone is OK; other types carry a message and
// a call tree.
struct Status {
  static constexpr std::uint8_t kOk = 0xFF;
  std::uint8_t type = kOk;
  std::string message;
  std::string call_tree;
  bool ok() const { return type == kOk; }
  bool operator==(const Status&) const = default;
};

// CONNECTION_VALIDATED (0x09) server -> client.
struct ConnectionValidated {
  Status status;
  bool operator==(const ConnectionValidated&) const = default;
};

}  // namespace pva
