// `rpmw backup` of a live server's store under webhook load, and a fresh server on the restored
// copy: every event acknowledged before the backup began is there, decided or still queued.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/helpers.h"

namespace rpmw::itest {
namespace {

std::string ticket_of(int i) {
  return "bk-" + std::to_string(i);
}

std::string body_of(int i) {
  return webhook_body(
      ticket_of(i), ticket_of(i) + "-m1",
      {{"customer_message", "I want to return the shoes I bought, they do not fit."}});
}

std::set<std::string> decided_tickets(const RpmwServer& server) {
  SqliteReader db(server.db_path());
  std::set<std::string> out;
  for (const auto& row : db.query("SELECT ticket_id FROM state_decisions", {})) {
    out.insert(row[0]);
  }
  return out;
}

}  // namespace

TEST_CASE("backup: an online copy under load restores into a working server") {
  TempDir dir("rpmw-backup");
  // A short lease, so events that were in flight when the copy was taken are redelivered soon.
  const std::map<std::string, std::string> env = {{"RPMW_QUEUE_VISIBILITY_TIMEOUT_S", "2"},
                                                  {"RPMW_WORKERS", "2"}};
  RpmwServer live(with_env(env));
  HttpClient client;
  constexpr int kBefore = 8;
  for (int i = 0; i < kBefore; ++i) REQUIRE(post_webhook(client, live, body_of(i)).status == 202);
  REQUIRE(wait_for_decisions(live, kBefore));

  // Load while the backup runs: a second client keeps posting new tickets.
  std::atomic<bool> stop{false};
  std::atomic<int> accepted{kBefore};
  std::atomic<int> refused{0};
  std::thread load([&] {
    HttpClient loader;
    for (int i = kBefore; !stop.load() && i < kBefore + 2000; ++i) {
      if (post_webhook(loader, live, body_of(i)).status == 202) {
        accepted.store(i + 1);
      } else {
        refused.fetch_add(1);
      }
    }
  });
  REQUIRE(poll_until(deadline_in(kPollTimeout), [&] { return accepted.load() >= kBefore + 5; }));
  const int acked_before_backup = accepted.load();
  const std::string copy = (dir / "rpmw-backup.sqlite3").string();
  const Run backup =
      run_rpmw({"backup", copy}, dir, "backup", {{"RPMW_DATA_DIR", live.data_dir().string()}});
  stop = true;
  load.join();
  CHECK(refused.load() == 0);
  MESSAGE("webhooks acknowledged before the backup: " << acked_before_backup
                                                      << ", by the end: " << accepted.load());
  REQUIRE_MESSAGE(backup.code == 0, backup.err);
  CHECK(backup.out.find("integrity ok") != std::string::npos);
  CHECK(backup.out.find(copy) != std::string::npos);
  CHECK(backup.out.find(" pages of ") != std::string::npos);
  CHECK((std::filesystem::status(copy).permissions() & std::filesystem::perms::group_read) ==
        std::filesystem::perms::none);
  REQUIRE(live.stop() == 0);

  // A fresh server on the restored copy (the live one's files are not reused).
  RpmwServer restored(with_env(env));
  REQUIRE(restored.stop() == 0);
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::remove(restored.db_path().string() + suffix);
  }
  std::filesystem::copy_file(copy, restored.db_path(),
                             std::filesystem::copy_options::overwrite_existing);
  restored.start();

  // Everything acknowledged before the backup began gets (or already had) its decision, once.
  REQUIRE(poll_until(deadline_in(kPollTimeout), [&] {
    const std::set<std::string> decided = decided_tickets(restored);
    for (int i = 0; i < acked_before_backup; ++i) {
      if (decided.count(ticket_of(i)) == 0) return false;
    }
    return true;
  }));
  SqliteReader db(restored.db_path());
  CHECK(db.scalar("SELECT count(*) FROM state_decisions") ==
        db.scalar("SELECT count(DISTINCT ticket_id) FROM state_decisions"));
  const json::object first = latest_decision(restored, ticket_of(0));
  CHECK(first.at("ticket_id").as_string() == ticket_of(0));
  // The dedup window came back with the store: a redelivery of an old webhook is a duplicate.
  CHECK(post_webhook(client, restored, body_of(0)).status == 200);
  // And the restored server takes new work.
  const long long before = decision_count(restored);
  REQUIRE(post_webhook(client, restored, body_of(100000)).status == 202);
  CHECK(wait_for_decisions(restored, before + 1));
}

TEST_CASE("backup: usage errors exit 2, a failed copy exits 1, the live file is never the target") {
  TempDir dir("rpmw-backup-usage");
  Run run = run_rpmw({"backup", (dir / "x.sqlite3").string()}, dir, "no-db",
                     {{"RPMW_DATA_DIR", (dir / "empty").string()}});
  CHECK(run.code == 2);
  CHECK(run.err.find("backup_source_missing") != std::string::npos);

  // A store that cannot be copied (here: not a database at all) is a failed backup: exit 1.
  std::filesystem::create_directories(dir / "junk");
  {
    std::ofstream junk(dir / "junk" / "rpmw.sqlite3");
    junk << "not an SQLite database, just some text long enough to have a header";
  }
  run = run_rpmw({"backup", (dir / "j.sqlite3").string()}, dir, "junk",
                 {{"RPMW_DATA_DIR", (dir / "junk").string()}});
  CHECK(run.code == 1);
  CHECK(run.err.find("backup failed: sqlite_notadb") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "j.sqlite3"));

  RpmwServer server(with_env({{"RPMW_WORKERS", "0"}}));
  const std::map<std::string, std::string> env = {{"RPMW_DATA_DIR", server.data_dir().string()}};
  run = run_rpmw({"backup", (dir / "missing" / "x.sqlite3").string()}, dir, "no-dir", env);
  CHECK(run.code == 2);
  CHECK(run.err.find("backup_dest_dir_missing") != std::string::npos);
  run = run_rpmw({"backup", server.db_path().string()}, dir, "same", env);
  CHECK(run.code == 2);
  CHECK(run.err.find("backup_same_file") != std::string::npos);
  run = run_rpmw({"backup"}, dir, "no-arg", env);
  CHECK(run.code == 2);
  run = run_rpmw({"backup", (dir / "ok.sqlite3").string()}, dir, "ok", env);
  CHECK(run.code == 0);
}

}  // namespace rpmw::itest
