// `rpmw serve` configured with an OpenAI-compatible endpoint (the fake LLM server as a process):
// the configuration reaches the engine, a valid answer is used, and an endpoint that fails sends
// the engine back to the rules classifier, route-only.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/integration/fake_process.h"
#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

json::object decide_one(RpmwServer& server, const std::string& ticket, const std::string& text) {
  HttpClient client;
  const HttpResponse r = post_webhook(
      client, server,
      webhook_body(ticket, ticket + "-m1", {{"customer_message", text}, {"channel", "email"}}));
  REQUIRE(r.status == 202);
  REQUIRE(wait_for_decisions(server, 1));
  SqliteReader db(server.db_path());
  auto rows = db.query("SELECT json FROM state_decisions WHERE event_id = ?", {event_id_of(r)});
  REQUIRE(rows.size() == 1);
  return parse_object(rows[0][0]);
}

}  // namespace

TEST_CASE("llm: a configured endpoint classifies; a failing one falls back to rules, route-only") {
  TempDir dir("rpmw-llm");
  SUBCASE("valid answers are used") {
    FakeLlmProcess llm("valid", dir);
    RpmwServer server(with_env({{"RPMW_LLM_BASE_URL", llm.base_url()},
                                {"RPMW_LLM_API_KEY", "test-llm-key-0123456789"},
                                {"RPMW_LLM_MODEL", "fake-gpt"},
                                {"RPMW_FLAGS", "automation_enabled=true"}}));
    const json::object record =
        decide_one(server, "llm-1", "Where is my order 1042? It has been ten days.");
    CHECK(record.at("classifier").as_string() == "llm");
    CHECK(record.at("model").as_string() == "fake-gpt");
    CHECK(record.at("versions").as_object().at("prompt").as_string() == "classifier_v1");
    CHECK(record.at("tokens").as_object().at("prompt").as_int64() > 0);
    CHECK(record.at("primary_intent").as_string() == "order_status_tracking");
    CHECK(server.metric(R"(rpmw_llm_tokens_total{direction="prompt"})").value_or(0) > 0);
  }
  SUBCASE("a 500 storm: rules fallback, never a reply") {
    FakeLlmProcess llm("status_500", dir);
    RpmwServer server(with_env({{"RPMW_LLM_BASE_URL", llm.base_url()},
                                {"RPMW_LLM_API_KEY", "test-llm-key-0123456789"},
                                {"RPMW_LLM_MODEL", "fake-gpt"},
                                {"RPMW_FLAGS", "automation_enabled=true"}}));
    const json::object record =
        decide_one(server, "llm-2", "My blender arrived with the jar cracked, order 1042.");
    CHECK(record.at("classifier").as_string() == "rules_fallback");
    CHECK(record.at("classifier_error").as_string() == "llm_5xx");
    CHECK(record.at("primary_intent").as_string() == "damaged_item");
    CHECK(record.at("action").as_string() == "route_only");
    // The key never reaches a log line.
    CHECK(read_file(server.stdout_log()).find("test-llm-key-0123456789") == std::string::npos);
  }
}

}  // namespace rpmw::itest
