// Encoders and payload decoders for each message. Decoders take the payload (the bytes
// after the header) and the header's byte order; encoders return the complete message,
// header included, ready to send.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "pva/header.h"
#include "pva/messages.h"
#include "pva/result.h"
#include "pva/wire.h"

namespace pva {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

Result<Search> decode_search(ByteView payload, ByteOrder order);
Result<SearchResponse> decode_search_response(ByteView payload, ByteOrder order);
Result<Beacon> decode_beacon(ByteView payload, ByteOrder order);
Result<ServerValidation> decode_server_validation(ByteView payload, ByteOrder order);
Result<ClientValidation> decode_client_validation(ByteView payload, ByteOrder order);
Result<ConnectionValidated> decode_connection_validated(ByteView payload, ByteOrder order);

// pvxs sends UDP messages big-endian (fixtures/pva/*.pcap); TCP in host order.
Bytes encode_search(const Search& m, ByteOrder order = ByteOrder::kBig);
Bytes encode_search_response(const SearchResponse& m, ByteOrder order = ByteOrder::kBig);
Bytes encode_beacon(const Beacon& m, ByteOrder order = ByteOrder::kBig);
Bytes encode_server_validation(const ServerValidation& m, ByteOrder order);
Bytes encode_client_validation(const ClientValidation& m, ByteOrder order);
Bytes encode_connection_validated(const ConnectionValidated& m, ByteOrder order);
// Control message SET_BYTE_ORDER (server -> client, first on every connection):
// flags 0x01|0x40 (+0x80 for big-endian), code 2, size field 0 (pvxs).
Bytes encode_set_byte_order(ByteOrder order);

// Exact encoded length of a SEARCH, header included; used to split searches.
std::size_t encoded_length(const Search& m);

}  // namespace pva
