#pragma once
// Shared setup of the Richpanel adapter tests: a FakeRichpanelServer with an email ticket whose
// id is a Message-ID, settings pointing at it, and recorded pauses instead of real sleeps.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/richpanel/richpanel_api.h"
#include "tests/fakes/fake_richpanel_server.h"

namespace rpmw::richpanel_test {

inline constexpr const char* kEmailId = "<CAF1x9Qp7=abc+x@mail.gmail.com>";
inline constexpr const char* kChatId = "chat/42 a";

struct Pauses {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> slept;
  std::vector<int> backoff_attempts;

  std::vector<std::chrono::milliseconds> all() {
    std::lock_guard lock(mutex);
    return slept;
  }
  std::vector<int> attempts() {
    std::lock_guard lock(mutex);
    return backoff_attempts;
  }
};

inline boost::json::value email_ticket() {
  return boost::json::parse(R"({"ticket":{
    "id":"<CAF1x9Qp7=abc+x@mail.gmail.com>","conversation_no":1042,"status":"OPEN",
    "subject":"Where is my order?","tags":["vip"],"via":{"channel":"email"},
    "comments":[{"id":"c1","author_id":"cust-1","created_at":"2026-02-10T03:40:01.120Z",
      "body":"<p>Where is #1042063?</p>","plain_body":"Where is #1042063?","is_operator":false,
      "attachments":[],"via":{"channel":"email","isOperator":false}}]}})");
}

inline boost::json::value chat_ticket() {
  return boost::json::parse(R"({"id":"chat/42 a","conversation_no":"43","status":"OPEN",
    "subject":"","tags":[],"via":{"channel":"messenger"},"comments":[]})");
}

inline boost::json::value order_json() {
  return boost::json::parse(R"({"orderId":"5550001","orderName":"#1042063","status":"open",
    "financialStatus":"paid","fulfillmentStatus":"fulfilled","createdAt":1767225600000,
    "statusUrl":"https://shop.example/status/5550001","shippingMethod":"Standard","tags":["a"],
    "fulfillment":[{"id":"f1","status":"success","createdAt":1767312000000,
      "tracking":[{"trackingNumber":"1Z999","trackingCompany":"UPS",
        "trackingUrl":"https://ups.example/1Z999","shippingDate":"2026-01-02"}]}]})");
}

struct RichpanelFixture {
  fakes::FakeRichpanelServer server;
  std::shared_ptr<Pauses> pauses = std::make_shared<Pauses>();

  RichpanelFixture() {
    server.put_ticket(email_ticket());
    server.put_ticket(chat_ticket());
  }

  adapters::richpanel::RichpanelSettings settings() const {
    adapters::richpanel::RichpanelSettings s;
    s.base_url = server.base_url() + "/";  // a trailing slash must not double up
    s.api_key = fakes::FakeRichpanelServer::kDefaultKey;
    s.timeout = std::chrono::milliseconds(5000);
    s.attempts = 3;
    s.backoff = [p = pauses](int attempt) {
      std::lock_guard lock(p->mutex);
      p->backoff_attempts.push_back(attempt);
      return std::chrono::milliseconds(1000 * attempt);
    };
    s.sleep = [p = pauses](std::chrono::milliseconds how_long) {
      std::lock_guard lock(p->mutex);
      p->slept.push_back(how_long);
    };
    return s;
  }
};

}  // namespace rpmw::richpanel_test
