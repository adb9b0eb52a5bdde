#pragma once
// The fake Richpanel server (tests/fakes) as a child process, with its control API: fixtures in,
// call log out. Integration tests point `rpmw serve` at base_url().
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/integration/fake_process.h"
#include "tests/support/support.h"

namespace rpmw::itest {

struct FakeRichpanelCallRecord {
  std::string method;
  std::string path;  // percent-decoded, without the query
  std::string body;
  long status = 0;
  bool delivered = false;
};

class FakeRichpanelProcess {
 public:
  static constexpr const char* kKey = "rp-test-key";
  static constexpr const char* kBotAuthor = "fake-operator";

  explicit FakeRichpanelProcess(const testing::TempDir& dir,
                                std::vector<std::string> extra_args = {}, std::string key = kKey);
  std::string base_url() const { return "http://127.0.0.1:" + process_.port(); }

  // The env that points `rpmw serve` at this fake with a budget fast enough for tests.
  std::map<std::string, std::string> rpmw_env() const;

  void put_ticket(const boost::json::object& ticket);
  // POST /_control/<path> with a JSON body; REQUIREs a 2xx.
  void control(const std::string& path, const boost::json::value& body);
  // Any control request (raw body); REQUIREs a 200.
  testing::HttpResponse control(const std::string& method, const std::string& path,
                                const std::string& body = {});
  // Names of the tags POSTed to /v1/tags since the last reset (from the call log).
  std::vector<std::string> created_tags();
  std::vector<FakeRichpanelCallRecord> calls();
  // Calls whose path names `ticket_id` (the ticket endpoints, decoded).
  std::vector<FakeRichpanelCallRecord> calls_for(const std::string& ticket_id);

 private:
  std::string key_;
  FakeProcess process_;
  testing::HttpClient http_;
};

// {"id", "status":"OPEN", "via":{"channel"}, "tags":[], "comments":[one customer comment]}.
boost::json::object ticket_fixture(const std::string& id, const std::string& channel,
                                   const std::string& comment_id, const std::string& text);
// "METHOD path" of each call, in order (for exact call-sequence assertions).
std::vector<std::string> call_lines(const std::vector<FakeRichpanelCallRecord>& calls);

}  // namespace rpmw::itest
