#pragma once
// `_HANDLER=worker`: an SQS event → WorkerPool::process_one for each record, in order, settled
// through a BatchSettlement → {"batchItemFailures":[…]}. FIFO: once a record fails (or too little
// time is left to start one) it and every later record of the batch are reported and not
// processed, so no record overtakes an earlier one of its message group.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/lambda/batch_settlement.h"
#include "app/lambda/lambda_events.h"
#include "core/pipeline/disposition.h"
#include "core/pipeline/pipeline.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::app::lambda {

struct WorkerHandlerSettings {
  int max_receives = 5;  // the queue's maxReceiveCount
  // No record is started with less than this left before the invocation deadline: the answer
  // (and the settle calls) must reach Lambda in time.
  std::chrono::milliseconds reserve{3000};
  // The per-attempt limit on starting Richpanel writes (Config::event_deadline_s); shortened to
  // the time left before the invocation deadline minus the reserve.
  std::chrono::milliseconds event_deadline{90000};
  core::pipeline::BackoffSettings backoff;
};

struct WorkerHandlerDeps {
  core::pipeline::Pipeline& pipeline;
  core::EventQueue* queue;  // the real queue behind the event source, or null
  const core::Clock& clock;
  core::Random& random;
  core::EventLog& log;
  core::Metrics& metrics;
  DeadLetterSender send_dead = {};  // explicit dead letters on the last receive (aws profile)
};

class WorkerHandler {
 public:
  WorkerHandler(WorkerHandlerDeps deps, WorkerHandlerSettings settings)
      : deps_(deps), settings_(settings) {}

  // `deadline_ms`: epoch ms of the invocation deadline (0: none). invalid_input when the event is
  // not an SQS event (an invocation error: Lambda retries the whole batch).
  core::Result<std::string> handle(std::string_view event, std::int64_t deadline_ms);
  // The message ids to report as failed, in batch order.
  std::vector<std::string> process(const std::vector<SqsRecord>& records, std::int64_t deadline_ms);

 private:
  WorkerHandlerDeps deps_;
  WorkerHandlerSettings settings_;
};

}  // namespace rpmw::app::lambda
