// InterfaceLookup through libtins' NetworkInterface, plus getifaddrs for the host-wide
// address lists and an ioctl for the MTU (libtins has neither).
#pragma once

#include "snowsignal/interface_info.h"

namespace snowsignal {

class TinsInterfaceLookup final : public InterfaceLookup {
 public:
  std::optional<InterfaceInfo> find(const std::string& name) const override;
};

}  // namespace snowsignal
