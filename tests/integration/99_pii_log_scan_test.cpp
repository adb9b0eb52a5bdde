// Runs last (doctest orders by file): seeds PII through webhooks, then scans every log line that
// every rpmw process of this test binary wrote: `rpmw serve` (RpmwServer) and `rpmw lambda`
// (start_lambda), CloudWatch EMF lines included. Self-contained when run alone.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>

#include "tests/integration/helpers.h"
#include "tests/integration/lambda_helpers.h"

namespace rpmw::itest {

namespace {
const std::vector<std::string> kPii = {
    "jane.doe+pii@example.com",
    "+1 415-555-0199",
    "415-555-0199",
    "4155550199",
    "742 Evergreen Terrace",
    "Evergreen",
    "4111 1111 1111 1111",
    "4111111111111111",
    "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100000000",
    "9400111899223100000000",
    "tools.usps.com",
};
// Secrets must never be logged either.
// The Richpanel key the e2e servers use (tests/integration/fake_richpanel_process.h).
const std::vector<std::string> kSecrets = {kWebhookToken, "pii-hmac-secret-1", "rp-test-key"};

std::string pii_message() {
  return "Hi, I am Jane (jane.doe+pii@example.com, +1 415-555-0199). Ship to 742 Evergreen "
         "Terrace. "
         "Card 4111 1111 1111 1111. Tracking: "
         "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100000000";
}

// The seeded strings (PII or secrets) found in one line.
std::vector<std::string> forbidden_in(const std::string& line) {
  std::vector<std::string> found;
  for (const auto* list : {&kPii, &kSecrets}) {
    for (const auto& needle : *list) {
      if (line.find(needle) != std::string::npos) found.push_back(needle);
    }
  }
  return found;
}

// A JSON object with string ts (ISO-8601 UTC), level (known) and a non-empty event.
bool is_log_event(const std::string& line) {
  static const std::regex iso_utc(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$)");
  std::error_code ec;
  const json::value v = json::parse(line, ec);
  const json::object* obj = ec ? nullptr : v.if_object();
  if (obj == nullptr) return false;
  for (const char* key : {"ts", "level", "event"}) {
    if (!obj->contains(key) || !obj->at(key).is_string()) return false;
  }
  const std::string ts(obj->at("ts").as_string());
  const std::string level(obj->at("level").as_string());
  return std::regex_match(ts, iso_utc) &&
         (level == "debug" || level == "info" || level == "warn" || level == "error") &&
         !obj->at("event").as_string().empty();
}
}  // namespace

TEST_CASE("logs: the scanner itself flags PII and malformed lines") {
  CHECK(forbidden_in(R"({"event":"x","note":"jane.doe+pii@example.com"})").size() == 1);
  CHECK(forbidden_in(R"({"event":"x","m":"call +1 415-555-0199"})").size() == 2);
  CHECK(forbidden_in(R"({"event":"x","trace_id":"trc_01"})").empty());
  CHECK(is_log_event(R"({"ts":"2024-05-01T10:00:00.123Z","level":"info","event":"a.b.c"})"));
  CHECK_FALSE(is_log_event("rpmw serving on http://127.0.0.1:1"));
  CHECK_FALSE(is_log_event(R"({"ts":"2024-05-01 10:00:00","level":"info","event":"a"})"));
  CHECK_FALSE(is_log_event(R"({"ts":"2024-05-01T10:00:00Z","level":"loud","event":"a"})"));
  CHECK_FALSE(is_log_event(R"({"ts":"2024-05-01T10:00:00Z","level":"info"})"));
  CHECK_FALSE(is_log_event(R"(["ts","level","event"])"));
}

TEST_CASE("logs: no PII or secret in any rpmw log; every stdout line is a JSON event") {
  {
    RpmwServer server(with_env({{"RPMW_WEBHOOK_HMAC_SECRETS", "pii-hmac-secret-1"}}));
    HttpClient client;
    int accepted = 0;
    const std::string msg = pii_message();
    const std::vector<std::string> bodies = {
        webhook_body("pii-1", "m-1", {{"customer_message", msg}}),
        webhook_body("pii-1", "m-2", {{"message", msg}, {"channel", "email"}}),
        webhook_body(
            "pii-2", "",
            {{"customer_message", msg},
             {"customer_email", "jane.doe+pii@example.com"},
             {"ticket_url",
              "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100000000"},
             {"sent_at", "2024-05-01T10:00:00Z"}}),
    };
    for (const auto& body : bodies) {
      const HttpResponse r = post_webhook(client, server, body);
      CHECK(r.status == 202);
      accepted += r.status == 202 ? 1 : 0;
    }
    // The duplicate path and the rejection paths see the same text.
    CHECK(post_webhook(client, server, bodies[0]).status == 200);
    CHECK(post_webhook(client, server, "{\"ticket_id\":\"pii-3\",\"customer_message\":\"" + msg)
              .status == 400);
    CHECK(post_webhook(client, server, R"({"customer_message":")" + msg + "\"}").status == 400);
    CHECK(client
              .request("POST", server.webhook_url(), {{"Content-Type", "application/json"}},
                       bodies[0])
              .status == 401);
    CHECK(client
              .request("POST", server.webhook_url(),
                       {{"Content-Type", "application/json"},
                        {"X-Middleware-Token", "jane.doe+pii@example.com"}},
                       bodies[0])
              .status == 401);
    CHECK(client
              .request("POST", server.webhook_url() + "?token=742%20Evergreen%20Terrace",
                       {{"Content-Type", "text/plain"}, {"X-Middleware-Token", kWebhookToken}}, msg)
              .status == 415);
    const std::string ts = std::to_string(epoch_seconds_now());
    CHECK(client
              .request("POST", server.webhook_url(),
                       {{"Content-Type", "application/json"},
                        {"X-Timestamp", ts},
                        {"X-Signature",
                         "sha256=" + hmac_sha256_hex("pii-hmac-secret-1", ts + "." + bodies[0])}},
                       webhook_body("pii-4", "pii-4-m-1", {{"customer_message", msg}}))
              .status == 401);
    CHECK(client.request("GET", server.url("/jane.doe+pii@example.com")).status == 404);
    REQUIRE(wait_for_decisions(server, accepted));
    CHECK(server.stop() == 0);  // flush and close the log
  }
  {
    // The Lambda path: ingress (accepted, duplicate, rejected) and worker see the same text.
    TempDir dir("pii-lambda");
    FakeLambdaRuntimeProcess ingress_api(dir, "api-ingress");
    FakeLambdaRuntimeProcess worker_api(dir, "api-worker");
    const std::map<std::string, std::string> env = {{"RPMW_DATA_DIR", (dir / "data").string()},
                                                    {"RPMW_WEBHOOK_TOKENS", kWebhookToken},
                                                    {"RPMW_LOG_LEVEL", "debug"}};
    auto ingress = start_lambda("ingress", ingress_api.address(), "pii-ingress", env);
    auto worker = start_lambda("worker", worker_api.address(), "pii-worker", env);
    const std::string msg = pii_message();
    const std::string body = webhook_body("pii-l-1", "pii-l-m-1", {{"customer_message", msg}});
    const Headers good{{"Content-Type", "application/json"}, {"X-Middleware-Token", kWebhookToken}};
    const Headers bad{{"Content-Type", "application/json"},
                      {"X-Middleware-Token", "jane.doe+pii@example.com"}};
    auto status = [&](const Headers& headers, const std::string& b) {
      return apigw_response(ingress_api.outcome(ingress_api.invoke(
                                apigw_event("POST", "/webhooks/richpanel", headers, b))))
          .at("statusCode")
          .as_int64();
    };
    CHECK(status(good, body) == 202);
    CHECK(status(good, body) == 200);
    CHECK(status(bad, body) == 401);
    CHECK(status(good, R"({"customer_message":")" + msg + "\"}") == 400);
    const json::object outcome = worker_api.outcome(worker_api.invoke(
        sqs_event({{"pii-l-sqs-1", "pii-l-1", envelope("pii-l-1", "pii-l-m-1", msg)},
                   {"pii-l-sqs-2", "pii-l-2", "not an envelope: " + msg}}),
        60000));
    CHECK(failed_items(outcome) == std::vector<std::string>{"pii-l-sqs-2"});
    // Stopped before the scan, so no line is still being written.
    ingress->stop();
    worker->stop();
  }

  const std::vector<LogFile> logs = all_server_logs();
  REQUIRE_FALSE(logs.empty());
  // The Lambda processes' logs are part of the scan (start_lambda registers them).
  CHECK(std::count_if(logs.begin(), logs.end(), [](const LogFile& log) {
          return log.path.filename().string().starts_with("lambda-pii-");
        }) == 4);
  std::size_t lines_scanned = 0;
  std::size_t hits = 0;
  std::size_t malformed = 0;
  for (const LogFile& log : logs) {
    const std::string text = read_file(log.path);
    const std::vector<std::string> lines = read_lines(log.path);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      const std::string where = log.path.filename().string() + ":" + std::to_string(i + 1);
      ++lines_scanned;
      for (const auto& needle : forbidden_in(line)) {
        if (++hits <= 20)
          FAIL_CHECK("'" << needle << "' in " << where << ": " << line.substr(0, 400));
      }
      if (!log.is_stdout) continue;  // stderr holds the human-readable start banner
      // A SIGKILLed process may leave its last line cut short (no trailing newline).
      const bool cut_short = log.killed && i + 1 == lines.size() && !text.ends_with('\n');
      if (!cut_short && !is_log_event(line) && ++malformed <= 20) {
        FAIL_CHECK("not a JSON log event: " << where << ": " << line.substr(0, 400));
      }
    }
  }
  MESSAGE("scanned " << lines_scanned << " lines in " << logs.size() << " log files");
  CHECK(hits == 0);
  CHECK(malformed == 0);
  CHECK(lines_scanned > 0);
}

}  // namespace rpmw::itest
