// Channel messages after connection validation: CREATE_CHANNEL, DESTROY_CHANNEL,
// GET_FIELD, GET, PUT, MONITOR, DESTROY_REQUEST, ECHO. Layouts from the PVA spec,
// checked field by field against fixtures/pva/channel-{get,info,put,monitor}.pcap
// (pvxs 1.5.2 tools and server).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pva/codec.h"
#include "pva/pvdata.h"

namespace pva {

// Subcommand bits of GET/PUT/MONITOR (PVA spec "Channel request subcommands").
namespace subcmd {
inline constexpr std::uint8_t kExec = 0x00;       // GET/PUT: do it; MONITOR: an update
inline constexpr std::uint8_t kStartStop = 0x04;  // MONITOR: with kGet start, alone stop
inline constexpr std::uint8_t kInit = 0x08;
inline constexpr std::uint8_t kDestroy = 0x10;
inline constexpr std::uint8_t kGet = 0x40;  // PUT: read the current value
}  // namespace subcmd

// Status types other than OK (0xFF) carry a message and a call tree.
namespace status_type {
inline constexpr std::uint8_t kWarning = 1;
inline constexpr std::uint8_t kError = 2;
}  // namespace status_type

Status error_status(std::string message);

// CREATE_CHANNEL client -> server: u16 count, then per channel cid u32 and name.
struct CreateChannelRequest {
  std::vector<SearchChannel> channels;  // id = the client's channel id
  bool operator==(const CreateChannelRequest&) const = default;
};
// CREATE_CHANNEL server -> client: cid, sid, Status (pvxs order, channel-get.pcap).
struct CreateChannelResponse {
  std::uint32_t cid = 0, sid = 0;
  Status status;
  bool operator==(const CreateChannelResponse&) const = default;
};
// DESTROY_CHANNEL, both directions: sid, cid.
struct DestroyChannel {
  std::uint32_t sid = 0, cid = 0;
  bool operator==(const DestroyChannel&) const = default;
};
// GET_FIELD client -> server: sid, ioid, sub-field name ("" = whole type).
struct GetFieldRequest {
  std::uint32_t sid = 0, ioid = 0;
  std::string sub_field;
  bool operator==(const GetFieldRequest&) const = default;
};
// GET_FIELD server -> client: ioid, Status, then the type when OK.
struct GetFieldResponse {
  std::uint32_t ioid = 0;
  Status status;
  FieldDesc type;
  bool operator==(const GetFieldResponse&) const = default;
};
// GET, PUT, MONITOR client -> server: sid, ioid, subcommand, then a body that depends
// on the subcommand (pvRequest for INIT, BitSet and values for PUT exec).
struct OpRequest {
  std::uint8_t command = 0;
  std::uint32_t sid = 0, ioid = 0;
  std::uint8_t subcmd = 0;
  Bytes body;
  bool operator==(const OpRequest&) const = default;
};
// GET, PUT, MONITOR server -> client: ioid, subcommand, body.
struct OpResponse {
  std::uint8_t command = 0;
  std::uint32_t ioid = 0;
  std::uint8_t subcmd = 0;
  Bytes body;
  bool operator==(const OpResponse&) const = default;
};
// DESTROY_REQUEST client -> server: sid, ioid.
struct DestroyRequest {
  std::uint32_t sid = 0, ioid = 0;
  bool operator==(const DestroyRequest&) const = default;
};

Result<CreateChannelRequest> decode_create_channel_request(ByteView payload, ByteOrder order);
Result<CreateChannelResponse> decode_create_channel_response(ByteView payload, ByteOrder order);
Result<DestroyChannel> decode_destroy_channel(ByteView payload, ByteOrder order);
Result<GetFieldRequest> decode_get_field_request(ByteView payload, ByteOrder order);
Result<GetFieldResponse> decode_get_field_response(ByteView payload, ByteOrder order,
                                                   TypeCache& cache);
Result<OpRequest> decode_op_request(std::uint8_t command, ByteView payload, ByteOrder order);
Result<OpResponse> decode_op_response(std::uint8_t command, ByteView payload, ByteOrder order);
Result<DestroyRequest> decode_destroy_request(ByteView payload, ByteOrder order);

Bytes encode_create_channel_request(const CreateChannelRequest& m, ByteOrder order);
Bytes encode_create_channel_response(const CreateChannelResponse& m, ByteOrder order);
Bytes encode_destroy_channel(const DestroyChannel& m, bool from_server, ByteOrder order);
Bytes encode_get_field_request(const GetFieldRequest& m, ByteOrder order);
Bytes encode_get_field_response(const GetFieldResponse& m, ByteOrder order);
Bytes encode_op_request(const OpRequest& m, ByteOrder order);
Bytes encode_op_response(const OpResponse& m, ByteOrder order);
Bytes encode_destroy_request(const DestroyRequest& m, ByteOrder order);
// ECHO (0x02): the server sends the client's payload back (pvxs servertcp.cpp).
Bytes encode_echo(ByteView payload, bool from_server, ByteOrder order);

// ---- Bodies of OpRequest / OpResponse ----

// INIT request body: the pvRequest, a type description then its full value. We read
// it for validity and ignore its options (the fakes always send the whole structure).
Result<FieldDesc> decode_pv_request(ByteView body, ByteOrder order, TypeCache& cache);
// What pvxget/pvxput/pvxmonitor send: struct { struct {} field } (channel-get.pcap).
Bytes encode_default_pv_request(ByteOrder order);

// INIT reply body: Status, then the type when OK.
struct InitReply {
  Status status;
  FieldDesc type;
  bool operator==(const InitReply&) const = default;
};
Result<InitReply> decode_init_reply(ByteView body, ByteOrder order, TypeCache& cache);
Bytes encode_init_reply(const InitReply& m, ByteOrder order);

// Status alone: PUT exec reply, and error replies to any subcommand.
Result<Status> decode_status_body(ByteView body, ByteOrder order);
Bytes encode_status_body(const Status& s, ByteOrder order);

// Changed BitSet and the fields it selects (PUT exec request).
struct FieldsBody {
  BitSet changed;
  PvValue value;
  bool operator==(const FieldsBody&) const = default;
};
// Fails with kTruncatedField when the values are shorter than the BitSet says and
// kTrailingBytes when longer: both mean the sender encoded another type.
Result<FieldsBody> decode_fields_body(ByteView body, ByteOrder order,
                                      const std::vector<FlatField>& flat);
Bytes encode_fields_body(const FieldsBody& m, const std::vector<FlatField>& flat, ByteOrder order);

// GET exec reply and PUT get reply: Status, then (when OK) BitSet and fields.
struct DataReply {
  Status status;
  FieldsBody data;
  bool operator==(const DataReply&) const = default;
};
Result<DataReply> decode_data_reply(ByteView body, ByteOrder order,
                                    const std::vector<FlatField>& flat);
Bytes encode_data_reply(const DataReply& m, const std::vector<FlatField>& flat, ByteOrder order);

// MONITOR update (subcommand 0x00): BitSet and fields, then the overrun BitSet; no
// Status (channel-monitor.pcap).
struct MonitorUpdate {
  FieldsBody data;
  BitSet overrun;
  bool operator==(const MonitorUpdate&) const = default;
};
Result<MonitorUpdate> decode_monitor_update(ByteView body, ByteOrder order,
                                            const std::vector<FlatField>& flat);
Bytes encode_monitor_update(const MonitorUpdate& m, const std::vector<FlatField>& flat,
                            ByteOrder order);

}  // namespace pva
