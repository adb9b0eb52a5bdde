// SQLite enqueue cost (issue 2's ratio goal): events committed in batches of B through
// SqliteEventQueue::enqueue_batch on one thread, with the webhook bench's key shape (64 client
// connections, a ticket per request). Prints process CPU per event (checkpointer included),
// events/s and WAL growth. Asserts nothing.
//   rpmw_enqueue_bench [--events N] [--batch B] [--dir D]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sqlite/sqlite_event_queue.h"
#include "app/system/system_clock.h"
#include "core/common/crypto.h"

namespace {
double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  long events = 200000;
  std::size_t batch = 8;
  std::string dir = "/tmp/rpmw-enqueue-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (arg == "--events") events = std::stol(argv[i + 1]);
    if (arg == "--batch") batch = std::stoul(argv[i + 1]);
    if (arg == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  rpmw::app::SystemClock clock;
  rpmw::app::SystemRandom random;
  rpmw::adapters::sqlite::SqliteConfig config{dir + "/rpmw.sqlite3"};
  auto queue = rpmw::adapters::sqlite::SqliteEventQueue::open(config, clock, random);
  if (!queue) {
    std::fprintf(stderr, "open failed: %s\n", queue.error().code.c_str());
    return 1;
  }
  const std::string body(260, 'x');
  std::vector<rpmw::core::EnqueueRequest> requests(batch);
  const double cpu0 = process_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  long n = 0;
  while (n < events) {
    for (auto& r : requests) {
      const long conn = n % 64;
      r.group = "t-" + std::to_string(conn) + "-" + std::to_string(n / 64);
      r.dedup_key = "msg:" + rpmw::core::sha256_hex(r.group + "m");
      r.trace_id = "trc_01JABCDEFGHJKMNPQRSTVWXYZ0";
      r.body = body;
      ++n;
    }
    if (auto done = (*queue)->enqueue_batch(requests); !done) {
      std::fprintf(stderr, "enqueue failed: %s\n", done.error().code.c_str());
      return 1;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = process_cpu_s() - cpu0;
  std::printf(
      "batch %zu: %.1f us CPU per event, %.0f events/s, wal %.1f MiB\n", batch,
      cpu * 1e6 / static_cast<double>(n), static_cast<double>(n) / wall,
      static_cast<double>(std::filesystem::file_size(dir + "/rpmw.sqlite3-wal")) / 1048576.0);
  return 0;
}
