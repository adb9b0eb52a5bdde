#include "app/worker/worker_pool.h"

#include "core/common/trace_scope.h"

namespace rpmw::app {
using core::LogEvent;
using core::LogLevel;

WorkerPool::WorkerPool(WorkerPoolSettings settings, core::EventQueue& queue,
                       core::pipeline::Pipeline& pipeline, const core::Clock& clock,
                       core::Random& random, core::EventLog& log, core::Metrics& metrics)
    : settings_(settings),
      queue_(queue),
      pipeline_(pipeline),
      clock_(clock),
      random_(random),
      log_(log),
      metrics_(metrics) {}

WorkerPool::~WorkerPool() {
  request_stop();
  join();
}

void WorkerPool::start() {
  for (int i = 0; i < settings_.workers; ++i) threads_.emplace_back([this] { run(); });
}

void WorkerPool::request_stop() {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  stop_signal_.notify_all();
}

void WorkerPool::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void WorkerPool::pause(std::chrono::milliseconds how_long) {
  std::unique_lock lock(mutex_);
  stop_signal_.wait_for(lock, how_long, [this] { return stopping_.load(); });
}

void WorkerPool::run() {
  while (!stopping_) {
    auto batch = queue_.receive(1, settings_.visibility, settings_.poll_wait);
    if (!batch) {
      LogEvent event(LogLevel::error, "worker.queue.receive.failed");
      event.result(batch.error().code);
      log_.write(event);
      pause(settings_.poll_wait);
      continue;
    }
    for (const auto& message : *batch) process_one(message);
  }
}

void WorkerPool::process_one(const core::QueuedEvent& message) {
  const auto started = std::chrono::steady_clock::now();
  const core::TraceScope trace(message.trace_id);  // vendor call logs join the event's trace
  if (log_.enabled(LogLevel::debug)) {
    LogEvent event(LogLevel::debug, "worker.job.start");
    event.trace(message.trace_id)
        .ticket(message.group)
        .id("event_id", message.event_id)
        .num("receive_count", std::int64_t{message.receive_count});
    log_.write(event);
  }
  auto outcome = pipeline_.process(message);
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  if (outcome) {
    const bool duplicate = outcome->kind == core::pipeline::PipelineOutcome::Kind::duplicate;
    if (auto acked = queue_.ack(message.receipt); !acked) {
      LogEvent event(LogLevel::warn, "worker.queue.ack.failed");
      event.trace(message.trace_id).ticket(message.group).result(acked.error().code);
      log_.write(event);
    }
    LogEvent event(LogLevel::info, duplicate ? "worker.job.duplicate" : "worker.job.complete");
    event.trace(message.trace_id)
        .ticket(message.group)
        .event_key(outcome->event_key)
        .id("event_id", message.event_id)
        .result(duplicate ? "duplicate" : "processed")
        .latency_ms(latency_ms);
    log_.write(event);
    metrics_.increment("rpmw_worker_jobs_total",
                       {{"result", duplicate ? "duplicate" : "processed"}});
    const double end_to_end_s =
        std::chrono::duration<double>(clock_.now() - message.enqueued_at).count();
    metrics_.observe("rpmw_event_end_to_end_seconds", std::max(0.0, end_to_end_s));
    return;
  }

  const core::Error& error = outcome.error();
  const auto disposition = core::pipeline::disposition_for_error(error, message.receive_count,
                                                                 settings_.backoff, random_);
  const bool retry = disposition.kind == core::pipeline::Disposition::Kind::retry;
  core::Status settled =
      retry ? queue_.retry_later(message.receipt, disposition.delay, disposition.reason)
            : queue_.dead_letter(message.receipt, disposition.reason);
  LogEvent event(LogLevel::warn, "worker.job.failed");
  event.trace(message.trace_id)
      .ticket(message.group)
      .id("event_id", message.event_id)
      .result(disposition.reason)
      .code("next", retry ? "retry" : "dead_letter")
      .num("retry_delay_ms", static_cast<std::int64_t>(disposition.delay.count()))
      .num("receive_count", std::int64_t{message.receive_count})
      .latency_ms(latency_ms);
  log_.write(event);
  metrics_.increment("rpmw_worker_jobs_total", {{"result", retry ? "retry" : "dead_letter"}});
  if (!settled) {
    LogEvent failed(LogLevel::error, "worker.queue.settle.failed");
    failed.trace(message.trace_id).result(settled.error().code);
    log_.write(failed);
  } else if (!retry) {
    LogEvent dlq(LogLevel::warn, "system.dlq.message_written");
    dlq.trace(message.trace_id)
        .ticket(message.group)
        .id("event_id", message.event_id)
        .result(disposition.reason);
    log_.write(dlq);
  }
}

}  // namespace rpmw::app
