// The SQS shapes: FIFO ids within SQS's limits, attributes, and a received message parsed back.
#include "adapters/aws/sqs_messages.h"

#include <doctest/doctest.h>

#include <string>

using rpmw::adapters::aws::parse_sqs_message;
using rpmw::adapters::aws::sqs_fifo_id;
using rpmw::adapters::aws::to_dead_letter;

TEST_CASE("adapters/aws: FIFO ids keep valid values and hash the rest") {
  CHECK(sqs_fifo_id("<CAF1x9Qp7=abc+x@mail.gmail.com>") == "<CAF1x9Qp7=abc+x@mail.gmail.com>");
  CHECK(sqs_fifo_id(std::string(128, 'a')) == std::string(128, 'a'));
  const std::string long_id = sqs_fifo_id(std::string(129, 'a'));
  CHECK(long_id.starts_with("sha256:"));
  CHECK(long_id.size() == 7 + 64);
  CHECK(sqs_fifo_id("has space").starts_with("sha256:"));
  CHECK(sqs_fifo_id("caf\xc3\xa9").starts_with("sha256:"));
  CHECK(sqs_fifo_id("").starts_with("sha256:"));
  CHECK(sqs_fifo_id("has space") == sqs_fifo_id("has space"));  // stable
  CHECK(sqs_fifo_id("has space") != sqs_fifo_id("has  space"));
}

TEST_CASE("adapters/aws: a received message reads our attributes, else SQS's own") {
  const auto ours = boost::json::parse(R"({
    "MessageId": "m-1", "ReceiptHandle": "rh-1", "Body": "{\"ticket_id\":\"t\"}",
    "Attributes": {"ApproximateReceiveCount": "3", "SentTimestamp": "1700000000000",
                   "MessageGroupId": "sha256:abc", "MessageDeduplicationId": "sha256:def",
                   "SequenceNumber": "18"},
    "MessageAttributes": {
      "rpmw_event_id": {"DataType": "String", "StringValue": "evt_1"},
      "rpmw_trace_id": {"DataType": "String", "StringValue": "trc_1"},
      "rpmw_group": {"DataType": "String", "StringValue": "ticket with spaces"},
      "rpmw_dedup_key": {"DataType": "String", "StringValue": "dedup key"},
      "rpmw_enqueued_at_ms": {"DataType": "Number", "StringValue": "1699999999000"},
      "rpmw_reason": {"DataType": "String", "StringValue": "invalid_payload"},
      "rpmw_receive_count": {"DataType": "Number", "StringValue": "2"},
      "rpmw_dead_at_ms": {"DataType": "Number", "StringValue": "1700000001000"}}})");
  const auto m = parse_sqs_message(ours.as_object());
  REQUIRE(m.has_value());
  CHECK(m->event.event_id == "evt_1");
  CHECK(m->event.trace_id == "trc_1");
  CHECK(m->event.group == "ticket with spaces");
  CHECK(m->message_group_id == "sha256:abc");
  CHECK(m->event.dedup_key == "dedup key");
  CHECK(m->event.receipt == "rh-1");
  CHECK(m->event.receive_count == 3);
  CHECK(rpmw::core::to_epoch_ms(m->event.enqueued_at) == 1699999999000);
  const auto dead = to_dead_letter(*m);
  CHECK(dead.reason == "invalid_payload");
  CHECK(dead.receive_count == 2);
  CHECK(rpmw::core::to_epoch_ms(dead.dead_at) == 1700000001000);

  const auto plain = boost::json::parse(R"({
    "MessageId": "m-2", "ReceiptHandle": "rh-2", "Body": "b",
    "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000",
                   "MessageGroupId": "g", "MessageDeduplicationId": "d"}})");
  const auto p = parse_sqs_message(plain.as_object());
  REQUIRE(p.has_value());
  CHECK(p->event.event_id == "m-2");
  CHECK(p->event.group == "g");
  CHECK(p->event.dedup_key == "d");
  CHECK(rpmw::core::to_epoch_ms(p->event.enqueued_at) == 1700000000000);
  CHECK(to_dead_letter(*p).reason == "redrive_policy");  // moved by SQS, no reason of ours

  CHECK_FALSE(parse_sqs_message(boost::json::object{{"Body", "x"}}).has_value());
}
