// Ingress dedup window and worker-level idempotency on the event key.
#include <doctest/doctest.h>

#include "tests/integration/helpers.h"

namespace rpmw::itest {

namespace {
long long rows_for_key(const RpmwServer& server, const std::string& event_key) {
  SqliteReader db(server.db_path());
  return db.scalar("SELECT count(*) FROM state_decisions WHERE event_key = ?", {event_key});
}

std::string duplicate_body(const std::string& event_id) {
  return R"({"status":"duplicate","event_id":")" + event_id + R"("})";
}
}  // namespace

TEST_CASE("dedup: the same message_id twice gives 202 then 200 duplicate and one decision") {
  RpmwServer server;
  HttpClient client;

  const HttpResponse first = post_webhook(client, server, webhook_body("dd-1", "m-1"));
  REQUIRE(first.status == 202);
  const std::string event_id = event_id_of(first);
  REQUIRE(is_prefixed_ulid(event_id, "evt_"));

  const HttpResponse second = post_webhook(client, server, webhook_body("dd-1", "m-1"));
  CHECK(second.status == 200);
  CHECK(second.body == duplicate_body(event_id));
  CHECK(second.header("content-type").starts_with("application/json"));
  // A retry with different optional fields is still the same message.
  const HttpResponse third = post_webhook(
      client, server, webhook_body("dd-1", "m-1", {{"ticket_url", "https://example.test/t/1"}}));
  CHECK(third.status == 200);
  CHECK(third.body == duplicate_body(event_id));

  // Without message_id: same ticket and identical body is a duplicate; another body is not.
  const std::string body_a = R"({"ticket_id":"dd-2","trigger":"customer_message"})";
  const HttpResponse a1 = post_webhook(client, server, body_a);
  REQUIRE(a1.status == 202);
  const HttpResponse a2 = post_webhook(client, server, body_a);
  CHECK(a2.status == 200);
  CHECK(a2.body == duplicate_body(event_id_of(a1)));
  const HttpResponse b1 =
      post_webhook(client, server, R"({"ticket_id":"dd-2","trigger":"ticket_updated"})");
  CHECK(b1.status == 202);
  CHECK(event_id_of(b1) != event_id_of(a1));
  const HttpResponse c1 = post_webhook(client, server, webhook_body("dd-1", "m-2"));
  CHECK(c1.status == 202);

  REQUIRE(wait_for_decisions(server, 4));
  REQUIRE(wait_for_queue_depth(server, 0));
  // Still a duplicate after processing.
  const HttpResponse late = post_webhook(client, server, webhook_body("dd-1", "m-1"));
  CHECK(late.status == 200);
  CHECK(late.body == duplicate_body(event_id));

  SqliteReader db(server.db_path());
  CHECK(db.scalar("SELECT count(*) FROM state_decisions") == 4);
  CHECK(db.scalar("SELECT count(*) FROM state_decisions WHERE event_id = ?", {event_id}) == 1);
  CHECK(rows_for_key(server, "dd-1:m-1") == 1);
  CHECK(db.scalar("SELECT count(*) FROM state_decisions WHERE ticket_id = 'dd-2'") == 2);
  CHECK(server.metric("rpmw_ingress_requests_total{result=\"duplicate\"}") == 4.0);
}

TEST_CASE("dedup: after the window a resend is accepted but the worker writes no second row") {
  RpmwServer server(with_env({{"RPMW_DEDUP_WINDOW_S", "1"}}));
  HttpClient client;
  const HttpResponse first = post_webhook(client, server, webhook_body("dw-1", "m-1"));
  REQUIRE(first.status == 202);
  REQUIRE(wait_for_decisions(server, 1));

  HttpResponse resend;
  CHECK(poll_until(
      deadline_in(std::chrono::seconds(10)),
      [&] {
        resend = post_webhook(client, server, webhook_body("dw-1", "m-1"));
        return resend.status == 202;
      },
      std::chrono::milliseconds(200)));
  REQUIRE(resend.status == 202);
  CHECK(event_id_of(resend) != event_id_of(first));

  // A marker event on the same ticket, processed after the resend (FIFO per ticket).
  REQUIRE(post_webhook(client, server, webhook_body("dw-1", "m-2")).status == 202);
  REQUIRE(
      poll_until(deadline_in(kPollTimeout), [&] { return rows_for_key(server, "dw-1:m-2") == 1; }));
  REQUIRE(wait_for_queue_depth(server, 0));
  CHECK(rows_for_key(server, "dw-1:m-1") == 1);
  SqliteReader db(server.db_path());
  CHECK(db.scalar("SELECT count(*) FROM state_decisions WHERE event_id = ?",
                  {event_id_of(resend)}) == 0);
  // The worker reported it as a duplicate.
  CHECK(poll_until(deadline_in(std::chrono::seconds(5)), [&] {
    return read_file(server.stdout_log()).find("\"worker.job.duplicate\"") != std::string::npos;
  }));
}

}  // namespace rpmw::itest
