// Must not compile: core may not see the adapters' headers (relay/cmake/layering.cmake).
// The test relay_layering_core_cannot_include_adapters builds this and expects the
// compiler to say the header does not exist.
#include "udp_mesh_socket.h"

int main() {
  return 0;
}
