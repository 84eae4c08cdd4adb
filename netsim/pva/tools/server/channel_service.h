// The channel side of one validated pva-server connection: CREATE_CHANNEL,
// DESTROY_CHANNEL, GET_FIELD, GET, PUT, MONITOR, DESTROY_REQUEST, ECHO. Pure: messages
// in, reply bytes out, no sockets, so every rule is unit-tested without a network.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "pv_database.h"
#include "pva/channel.h"

namespace pva::server {

struct ChannelCounters {
  std::uint64_t channels_created = 0;
  std::uint64_t unknown_channels = 0;  // CREATE_CHANNEL for a name we do not serve
  std::uint64_t gets = 0;
  std::uint64_t puts = 0;
  std::uint64_t put_errors = 0;  // PUT data that does not fit the type, or read-only fields
  std::uint64_t monitor_updates = 0;
  std::uint64_t request_errors = 0;  // unknown sid/ioid, unsupported pvRequest, limits
  bool operator==(const ChannelCounters&) const = default;
};

class ChannelService {
 public:
  // Bounds per connection, so a hostile client cannot grow us without limit.
  static constexpr std::size_t kMaxChannels = 1024;
  static constexpr std::size_t kMaxOperations = 1024;

  // `counters` is shared by every connection of the server (its stats file).
  ChannelService(PvDatabase& db, ChannelCounters& counters, ByteOrder order)
      : db_(db), order_(order), counters_(counters) {}

  // One application message from the validated client; replies are appended to `out`.
  // A decode error means the message was malformed: the caller counts it and closes.
  std::optional<DecodeError> on_message(const Header& h, ByteView payload, Bytes& out,
                                        WallTime now);
  // Appends an update for every started monitor whose PV changed since its last one.
  void post_monitors(Bytes& out);

  // No channel open: the connection may be closed when idle.
  bool idle() const { return channels_.empty(); }

 private:
  struct Channel {
    std::string name;
    std::uint32_t cid = 0;
  };
  struct Operation {
    std::uint8_t command = 0;
    std::uint32_t sid = 0;
    bool started = false;  // MONITOR only
    std::uint64_t posted_generation = 0;
  };

  std::optional<DecodeError> on_create_channel(ByteView payload, Bytes& out);
  std::optional<DecodeError> on_destroy_channel(ByteView payload, Bytes& out);
  std::optional<DecodeError> on_get_field(ByteView payload, Bytes& out);
  std::optional<DecodeError> on_operation(std::uint8_t command, ByteView payload, Bytes& out,
                                          WallTime now);
  void on_init(const OpRequest& m, Bytes& out);
  void on_put(const OpRequest& m, PvRecord& pv, Bytes& out, WallTime now);
  void reply(const OpRequest& m, Bytes body, Bytes& out);
  void post(std::uint32_t ioid, Operation& op, const PvRecord& pv, bool full, Bytes& out);
  PvRecord* record_of(std::uint32_t sid);

  PvDatabase& db_;
  ByteOrder order_;
  std::map<std::uint32_t, Channel> channels_;  // by server id
  std::map<std::uint32_t, Operation> ops_;     // by request id (ioid)
  std::uint32_t next_sid_ = 1;
  ChannelCounters& counters_;
};

}  // namespace pva::server
