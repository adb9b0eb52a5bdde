#include "tests/integration/fake_richpanel_process.h"

#include <doctest/doctest.h>

#include <cstdlib>

namespace rpmw::itest {
namespace json = boost::json;
using testing::deadline_in;
using testing::poll_until;

namespace {

std::vector<std::string> fake_args(const std::string& key, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--key", key};
  for (std::string& a : extra) args.push_back(std::move(a));
  return args;
}

}  // namespace

FakeRichpanelProcess::FakeRichpanelProcess(const testing::TempDir& dir,
                                           std::vector<std::string> extra_args, std::string key)
    : key_(std::move(key)),
      process_("FAKE_RICHPANEL_BIN", fake_args(key_, std::move(extra_args)), dir,
               "fake-richpanel") {}

std::map<std::string, std::string> FakeRichpanelProcess::rpmw_env() const {
  return {{"RPMW_RICHPANEL_BASE_URL", base_url()},
          {"RPMW_RICHPANEL_API_KEY", key_},
          {"RPMW_RICHPANEL_BOT_AUTHOR_ID", kBotAuthor},
          {"RPMW_RICHPANEL_RATE", "200"},
          {"RPMW_RICHPANEL_BURST", "50"}};
}

void FakeRichpanelProcess::control(const std::string& path, const json::value& body) {
  const testing::HttpResponse r =
      http_.request("POST", base_url() + "/_control/" + path,
                    {{"Content-Type", "application/json"}}, json::serialize(body));
  REQUIRE_MESSAGE(r.status / 100 == 2, "control " << path << ": " << r.status << " " << r.body);
}

testing::HttpResponse FakeRichpanelProcess::control(const std::string& method,
                                                    const std::string& path,
                                                    const std::string& body) {
  const testing::HttpResponse r = http_.request(method, base_url() + "/_control/" + path,
                                                {{"Content-Type", "application/json"}}, body);
  REQUIRE_MESSAGE(r.status == 200, "control " << path << ": " << r.status << " " << r.body);
  return r;
}

std::vector<std::string> FakeRichpanelProcess::created_tags() {
  std::vector<std::string> names;
  for (const FakeRichpanelCallRecord& call : calls()) {
    if (call.method != "POST" || call.path != "/v1/tags") continue;
    CHECK(call.status == 200);
    names.emplace_back(json::parse(call.body).at("name").as_string());
  }
  return names;
}

void FakeRichpanelProcess::put_ticket(const json::object& ticket) {
  control("tickets", ticket);
}

std::vector<FakeRichpanelCallRecord> FakeRichpanelProcess::calls() {
  const testing::HttpResponse r = http_.get(base_url() + "/_control/calls");
  REQUIRE(r.status == 200);
  std::vector<FakeRichpanelCallRecord> out;
  const json::value parsed = json::parse(r.body);
  for (const json::value& v : parsed.as_array()) {
    const json::object& o = v.as_object();
    FakeRichpanelCallRecord c;
    c.method = std::string(o.at("method").as_string());
    c.path = std::string(o.at("path").as_string());
    c.body = std::string(o.at("body").as_string());
    c.status = static_cast<long>(o.at("status").to_number<double>());
    c.delivered = o.at("delivered").as_bool();
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<FakeRichpanelCallRecord> FakeRichpanelProcess::calls_for(const std::string& ticket_id) {
  std::vector<FakeRichpanelCallRecord> out;
  for (FakeRichpanelCallRecord& c : calls()) {
    if (c.path.find("/" + ticket_id) != std::string::npos) out.push_back(std::move(c));
  }
  return out;
}

json::object ticket_fixture(const std::string& id, const std::string& channel,
                            const std::string& comment_id, const std::string& text) {
  return json::object{
      {"id", id},
      {"status", "OPEN"},
      {"via", {{"channel", channel}}},
      {"tags", json::array()},
      {"comments", json::array{json::object{{"id", comment_id},
                                            {"is_operator", false},
                                            {"plain_body", text},
                                            {"body", text},
                                            {"created_at", "2026-12-01T10:00:00.000Z"}}}}};
}

std::vector<std::string> call_lines(const std::vector<FakeRichpanelCallRecord>& calls) {
  std::vector<std::string> out;
  for (const FakeRichpanelCallRecord& c : calls) out.push_back(c.method + " " + c.path);
  return out;
}

}  // namespace rpmw::itest
