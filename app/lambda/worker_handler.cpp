#include "app/lambda/worker_handler.h"

#include "app/lambda/batch_settlement.h"
#include "app/worker/worker_pool.h"

namespace rpmw::app::lambda {
using core::LogEvent;
using core::LogLevel;

std::vector<std::string> WorkerHandler::process(const std::vector<SqsRecord>& records,
                                                std::int64_t deadline_ms) {
  BatchSettlement settlement(deps_.queue, settings_.max_receives, deps_.send_dead);
  WorkerPoolSettings pool_settings;
  pool_settings.workers = 0;  // never started: process_one only
  pool_settings.backoff = settings_.backoff;
  WorkerPool pool(pool_settings, settlement, deps_.pipeline, deps_.clock, deps_.random, deps_.log,
                  deps_.metrics);

  std::vector<std::string> failures;
  for (std::size_t i = 0; i < records.size(); ++i) {
    core::QueuedEvent event = records[i].event;
    // Receipts key the settlement; a record without one (not from SQS) is keyed by its id.
    if (event.receipt.empty()) event.receipt = records[i].message_id;
    std::chrono::milliseconds budget = settings_.event_deadline;
    if (deadline_ms > 0) {
      const auto left =
          std::chrono::milliseconds(deadline_ms - core::to_epoch_ms(deps_.clock.now()));
      if (left <= settings_.reserve) {
        LogEvent stop(LogLevel::warn, "worker.lambda.deadline.stop");
        stop.trace(event.trace_id)
            .ticket(event.group)
            .num("records_left", static_cast<std::int64_t>(records.size() - i))
            .num("time_left_ms", static_cast<std::int64_t>(left.count()));
        deps_.log.write(stop);
        for (std::size_t j = i; j < records.size(); ++j) failures.push_back(records[j].message_id);
        return failures;
      }
      budget = std::min(budget, left - settings_.reserve);
    }
    deps_.pipeline.set_event_deadline(budget);
    settlement.expect(event);
    pool.process_one(event);
    if (settlement.failed(event.receipt)) {
      for (std::size_t j = i; j < records.size(); ++j) failures.push_back(records[j].message_id);
      if (i + 1 < records.size()) {
        LogEvent skipped(LogLevel::info, "worker.lambda.batch.rest_reported");
        skipped.trace(event.trace_id)
            .ticket(event.group)
            .num("records_left", static_cast<std::int64_t>(records.size() - i - 1));
        deps_.log.write(skipped);
      }
      return failures;
    }
  }
  return failures;
}

core::Result<std::string> WorkerHandler::handle(std::string_view event, std::int64_t deadline_ms) {
  auto records = parse_sqs_event(event);
  if (!records) return tl::unexpected(records.error());
  return batch_item_failures(process(*records, deadline_ms));
}

}  // namespace rpmw::app::lambda
