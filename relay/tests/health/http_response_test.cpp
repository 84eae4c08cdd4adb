// What the --health-check probe reads from /healthz's answer.
#include "http_response.h"

#include <gtest/gtest.h>

#include <string>

namespace snowsignal::testing {
namespace {

TEST(HttpResponse, StatusCodeAndBody) {
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
  EXPECT_EQ(http_status_code(ok), 200);
  EXPECT_EQ(http_body(ok), "ok\n");
  EXPECT_EQ(http_status_code("HTTP/1.0 503 Service Unavailable\r\n\r\n"), 503);
  EXPECT_EQ(http_status_code("HTTP/1.0 503\r\n\r\n"), 503);
}

TEST(HttpResponse, RejectsWhatIsNotAStatusLine) {
  EXPECT_EQ(http_status_code(""), std::nullopt);
  EXPECT_EQ(http_status_code("SSH-2.0-OpenSSH\r\n"), std::nullopt);
  EXPECT_EQ(http_status_code("HTTP/1.1 2x0 OK\r\n"), std::nullopt);
  EXPECT_EQ(http_status_code("HTTP/1.1 2000 OK\r\n"), std::nullopt);
  EXPECT_EQ(http_status_code("HTTP/1.1 20"), std::nullopt);
  EXPECT_EQ(http_body("HTTP/1.1 200 OK\r\n"), "");
}

}  // namespace
}  // namespace snowsignal::testing
