#include "adapters/richpanel/richpanel_api.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using rpmw::adapters::richpanel::full_jitter_backoff;
using rpmw::adapters::richpanel::percent_encode_segment;
using rpmw::adapters::richpanel::richpanel_status_error;
using rpmw::core::ErrorKind;

TEST_CASE("adapters/richpanel: percent_encode_segment keeps unreserved characters") {
  CHECK(percent_encode_segment("") == "");
  CHECK(percent_encode_segment("abcXYZ019-._~") == "abcXYZ019-._~");
}

TEST_CASE("adapters/richpanel: percent_encode_segment encodes an email Message-ID") {
  CHECK(percent_encode_segment("<CAF1x9Qp7=abc+x@mail.gmail.com>") ==
        "%3CCAF1x9Qp7%3Dabc%2Bx%40mail.gmail.com%3E");
  CHECK(percent_encode_segment("a/b c%d?e#f&g:h") == "a%2Fb%20c%25d%3Fe%23f%26g%3Ah");
  CHECK(percent_encode_segment("\xC3\xA9") == "%C3%A9");  // UTF-8 bytes, upper-case hex
  CHECK(percent_encode_segment(std::string("\0x", 2)) == "%00x");
}

TEST_CASE("adapters/richpanel: full jitter stays within base * 2^n and the cap") {
  using std::chrono::milliseconds;
  for (int i = 0; i < 50; ++i) {
    CHECK(full_jitter_backoff(1, milliseconds(2000), milliseconds(60000)) <= milliseconds(2000));
    CHECK(full_jitter_backoff(3, milliseconds(2000), milliseconds(60000)) <= milliseconds(8000));
    CHECK(full_jitter_backoff(30, milliseconds(2000), milliseconds(60000)) <= milliseconds(60000));
    CHECK(full_jitter_backoff(2, milliseconds(2000), milliseconds(60000)) >= milliseconds(0));
  }
}

TEST_CASE("adapters/richpanel: status mapping of both 400 body shapes keeps machine characters") {
  rpmw::adapters::http::HttpResponse response;
  response.status = 400;
  response.body =
      R"({"errors":[{"value":"closed","msg":"Invalid value","param":"ticket.status","location":"body"}]})";
  CHECK(richpanel_status_error(response).code == "richpanel_400:ticket.status");
  CHECK(richpanel_status_error(response).kind == ErrorKind::permanent);
  response.body = R"([{"value":"x","msg":"Invalid value","param":"ticket.comment <b>x@y"}])";
  CHECK(richpanel_status_error(response).code == "richpanel_400:ticket.commentbxy");
  response.body = "not json at all";
  CHECK(richpanel_status_error(response).code == "richpanel_400");
  response.status = 409;
  CHECK(richpanel_status_error(response).code == "richpanel_409");
  response.status = 413;
  CHECK(richpanel_status_error(response).code == "richpanel_413");
  response.status = 422;
  CHECK(richpanel_status_error(response).code == "richpanel_422");
  response.status = 403;
  CHECK(richpanel_status_error(response).code == "richpanel_auth");
  response.status = 503;
  CHECK(richpanel_status_error(response).kind == ErrorKind::transient);
  response.status = 429;
  response.headers["retry-after"] = "7";
  const auto limited = richpanel_status_error(response);
  CHECK(limited.kind == ErrorKind::rate_limited);
  REQUIRE(limited.retry_after.has_value());
  CHECK(*limited.retry_after == std::chrono::seconds(7));
  response.headers["retry-after"] = "soon";
  CHECK_FALSE(richpanel_status_error(response).retry_after.has_value());
}
