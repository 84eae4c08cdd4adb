#include "channel_service.h"

namespace pva::server {

namespace {

const std::vector<FlatField>& nt_flat() {
  static const auto flat = flatten(nt_scalar_double());
  return flat;
}

std::size_t bit_of(std::string_view path) {
  return find_field(nt_flat(), path);
}

}  // namespace

std::optional<DecodeError> ChannelService::on_message(const Header& h, ByteView payload, Bytes& out,
                                                      WallTime now) {
  switch (h.command) {
    case command::kEcho:
      // pvxs servertcp.cpp: an ECHO's payload comes straight back.
      {
        const auto e = encode_echo(payload, true, order_);
        out.insert(out.end(), e.begin(), e.end());
      }
      return std::nullopt;
    case command::kCreateChannel:
      return on_create_channel(payload, out);
    case command::kDestroyChannel:
      return on_destroy_channel(payload, out);
    case command::kGetField:
      return on_get_field(payload, out);
    case command::kGet:
    case command::kPut:
    case command::kMonitor:
      return on_operation(h.command, payload, out, now);
    case command::kDestroyRequest: {
      auto m = decode_destroy_request(payload, h.byte_order());
      if (!m) return m.error();
      ops_.erase(m->ioid);  // pvxs sends no reply
      return std::nullopt;
    }
    default:
      return std::nullopt;  // like pvxs: commands we do not serve are ignored
  }
}

std::optional<DecodeError> ChannelService::on_create_channel(ByteView payload, Bytes& out) {
  auto m = decode_create_channel_request(payload, order_);
  if (!m) return m.error();
  for (const auto& c : m->channels) {
    CreateChannelResponse r;
    r.cid = c.id;
    if (!db_.contains(c.name)) {
      r.status = error_status("no such PV: " + c.name);
      ++counters_.unknown_channels;
    } else if (channels_.size() >= kMaxChannels) {
      r.status = error_status("too many channels on this connection");
      ++counters_.request_errors;
    } else {
      r.sid = next_sid_++;
      channels_[r.sid] = Channel{c.name, c.id};
      ++counters_.channels_created;
    }
    const auto b = encode_create_channel_response(r, order_);
    out.insert(out.end(), b.begin(), b.end());
  }
  return std::nullopt;
}

std::optional<DecodeError> ChannelService::on_destroy_channel(ByteView payload, Bytes& out) {
  auto m = decode_destroy_channel(payload, order_);
  if (!m) return m.error();
  if (channels_.erase(m->sid) == 0) return std::nullopt;
  std::erase_if(ops_, [&](const auto& kv) { return kv.second.sid == m->sid; });
  const auto b = encode_destroy_channel(*m, true, order_);  // pvxs confirms
  out.insert(out.end(), b.begin(), b.end());
  return std::nullopt;
}

std::optional<DecodeError> ChannelService::on_get_field(ByteView payload, Bytes& out) {
  auto m = decode_get_field_request(payload, order_);
  if (!m) return m.error();
  GetFieldResponse r;
  r.ioid = m->ioid;
  if (record_of(m->sid) == nullptr) {
    r.status = error_status("no such channel");
    ++counters_.request_errors;
  } else if (!m->sub_field.empty()) {
    r.status = error_status("sub-field introspection is not supported");
    ++counters_.request_errors;
  } else {
    r.type = nt_scalar_double();
  }
  const auto b = encode_get_field_response(r, order_);
  out.insert(out.end(), b.begin(), b.end());
  return std::nullopt;
}

PvRecord* ChannelService::record_of(std::uint32_t sid) {
  auto it = channels_.find(sid);
  return it == channels_.end() ? nullptr : db_.find(it->second.name);
}

void ChannelService::reply(const OpRequest& m, Bytes body, Bytes& out) {
  const auto b =
      encode_op_response(OpResponse{m.command, m.ioid, m.subcmd, std::move(body)}, order_);
  out.insert(out.end(), b.begin(), b.end());
}

void ChannelService::on_init(const OpRequest& m, Bytes& out) {
  InitReply r;
  TypeCache cache;  // pvRequests from pvxs tools never use the cache; one per request is enough
  if (record_of(m.sid) == nullptr) {
    r.status = error_status("no such channel");
  } else if (ops_.count(m.ioid) != 0) {
    r.status = error_status("request id already in use");
  } else if (ops_.size() >= kMaxOperations) {
    r.status = error_status("too many requests on this connection");
  } else if (auto req = decode_pv_request(m.body, order_, cache); !req) {
    r.status = error_status(std::string("bad pvRequest: ") + std::string(reason_name(req.error())));
  } else {
    r.type = nt_scalar_double();
    ops_[m.ioid] = Operation{m.command, m.sid, false, 0};
  }
  if (!r.status.ok()) ++counters_.request_errors;
  reply(m, encode_init_reply(r, order_), out);
}

void ChannelService::on_put(const OpRequest& m, PvRecord& pv, Bytes& out, WallTime now) {
  Status st;
  auto body = decode_fields_body(m.body, order_, nt_flat());
  if (!body) {
    // The client encoded another type than the one INIT announced.
    st = error_status(std::string("type mismatch: ") + std::string(reason_name(body.error())));
  } else {
    BitSet only_value;
    only_value.set(bit_of("value"));
    if (body->changed.empty()) {
      st = error_status("nothing to put");
    } else if (body->changed != only_value) {
      st = error_status("only value is writable");
    } else {
      db_.put(pv, *as_double(body->value.fields[bit_of("value")]), now);
      ++counters_.puts;
    }
  }
  if (!st.ok()) ++counters_.put_errors;
  reply(m, encode_status_body(st, order_), out);
}

std::optional<DecodeError> ChannelService::on_operation(std::uint8_t command, ByteView payload,
                                                        Bytes& out, WallTime now) {
  auto m = decode_op_request(command, payload, order_);
  if (!m) return m.error();
  if (m->subcmd & subcmd::kInit) {
    on_init(*m, out);
    return std::nullopt;
  }
  auto it = ops_.find(m->ioid);
  PvRecord* pv = it == ops_.end() ? nullptr : record_of(it->second.sid);
  if (pv == nullptr || it->second.command != command) {
    ++counters_.request_errors;
    if (command != command::kMonitor)  // monitors have no status reply to carry it
      reply(*m, encode_status_body(error_status("no such request"), order_), out);
    return std::nullopt;
  }
  Operation& op = it->second;
  if (command == command::kMonitor) {
    if (m->subcmd & subcmd::kStartStop) {
      op.started = (m->subcmd & subcmd::kGet) != 0;
      // The first update after start carries the whole structure (pvxs does the same
      // with the fields it has set, channel-monitor.pcap).
      if (op.started) post(m->ioid, op, *pv, true, out);
    }
  } else if (command == command::kPut && m->subcmd == subcmd::kExec) {
    on_put(*m, *pv, out, now);
  } else {
    // GET exec, or PUT's "get the current value" (0x40).
    BitSet all;
    all.set(0);
    reply(*m, encode_data_reply(DataReply{{}, {all, to_nt_value(*pv)}}, nt_flat(), order_), out);
    if (command == command::kGet) ++counters_.gets;
  }
  if (m->subcmd & subcmd::kDestroy) ops_.erase(m->ioid);
  return std::nullopt;
}

void ChannelService::post(std::uint32_t ioid, Operation& op, const PvRecord& pv, bool full,
                          Bytes& out) {
  MonitorUpdate u;
  if (full) {
    u.data.changed.set(0);
  } else {
    u.data.changed.set(bit_of("value"));
    u.data.changed.set(bit_of("timeStamp"));
  }
  u.data.value = to_nt_value(pv);
  const auto b = encode_op_response(OpResponse{command::kMonitor, ioid, subcmd::kExec,
                                               encode_monitor_update(u, nt_flat(), order_)},
                                    order_);
  out.insert(out.end(), b.begin(), b.end());
  op.posted_generation = pv.generation;
  ++counters_.monitor_updates;
}

void ChannelService::post_monitors(Bytes& out) {
  for (auto& [ioid, op] : ops_) {
    if (!op.started) continue;
    const PvRecord* pv = record_of(op.sid);
    if (pv != nullptr && pv->generation != op.posted_generation) post(ioid, op, *pv, false, out);
  }
}

}  // namespace pva::server
