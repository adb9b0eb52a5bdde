// `rpmw preflight`: is this Richpanel account ready for rpmw? A pass/warn/fail table (or JSON)
// of the key, the rate-limit headroom, the tags, the bot agent, the teams and the linked-order
// coverage of sample tickets. Only counts and fixed names are printed: no ticket content, ids of
// the sampled tickets or customer data.
#include <boost/json.hpp>

#include <iomanip>
#include <iostream>
#include <set>

#include "app/cli/commands.h"
#include "app/cli/richpanel_session.h"
#include "core/policy/tag_catalog.h"

namespace rpmw::app {
namespace {
namespace json = boost::json;

constexpr int kLowHeadroomMin = 5;  // warn below this many requests left, or below 20 %

struct Check {
  std::string name;
  std::string status;  // pass | warn | fail | skip
  std::string detail;
  json::object extra;
};

Check key_check(RichpanelSession& s, std::vector<adapters::richpanel::RichpanelUser>& users) {
  auto listed = s.admin().list_users();
  if (!listed) return {"key", "fail", describe_richpanel_error(listed.error()), {}};
  users = std::move(*listed);
  return {"key", "pass", "GET /v1/users answered 200", {}};
}

Check headroom_check(RichpanelSession& s) {
  const auto rate = s.admin().rate_limit();
  json::object extra{{"limit", rate.limit}, {"remaining", rate.remaining}};
  if (rate.remaining < 0) {
    return {"rate_limit", "warn", "no X-RateLimit headers in the answers", std::move(extra)};
  }
  std::string detail = std::to_string(rate.remaining) + " of " +
                       (rate.limit >= 0 ? std::to_string(rate.limit) : "?") +
                       " requests left in the window";
  const bool low =
      rate.remaining < kLowHeadroomMin || (rate.limit > 0 && rate.remaining * 5 < rate.limit);
  if (low) detail += " (low: other integrations share this budget)";
  return {"rate_limit", low ? "warn" : "pass", detail, std::move(extra)};
}

Check tags_check(RichpanelSession& s) {
  const auto required = core::policy::tag_names(core::policy::tag_catalog(s.policies()));
  auto listed = s.admin().list_tags();
  if (!listed) return {"tags", "fail", describe_richpanel_error(listed.error()), {}};
  std::set<std::string> present;
  for (const auto& tag : *listed) present.insert(tag.name);
  json::array missing;
  std::string sample;
  for (const std::string& name : required) {
    if (present.contains(name)) continue;
    if (missing.size() < 5) sample += (sample.empty() ? "" : ", ") + name;
    missing.emplace_back(name);
  }
  json::object extra{{"required", required.size()}, {"missing", missing}};
  if (missing.empty()) {
    return {"tags", "pass", "all " + std::to_string(required.size()) + " required tags exist",
            std::move(extra)};
  }
  std::string detail = std::to_string(missing.size()) + " of " + std::to_string(required.size()) +
                       " required tags missing (run rpmw bootstrap): " + sample +
                       (missing.size() > 5 ? ", …" : "");
  return {"tags", "fail", detail, std::move(extra)};
}

Check bot_check(RichpanelSession& s, const std::vector<adapters::richpanel::RichpanelUser>& users) {
  const std::string& id = s.config().richpanel_bot_author_id;
  if (id.empty()) {
    return {"bot_author",
            "fail",
            "RPMW_RICHPANEL_BOT_AUTHOR_ID is not set: email replies cannot be sent",
            {}};
  }
  for (const auto& user : users) {
    if (user.id == id) return {"bot_author", "pass", "the configured bot agent is a user", {}};
  }
  return {"bot_author",
          "fail",
          "the configured RPMW_RICHPANEL_BOT_AUTHOR_ID is not among the account's " +
              std::to_string(users.size()) + " users",
          {}};
}

Check teams_check(RichpanelSession& s) {
  auto teams = s.admin().list_teams();
  if (!teams) return {"teams", "warn", describe_richpanel_error(teams.error()), {}};
  std::set<std::string> known;
  for (const auto& team : *teams) known.insert(team.name);
  int expected = 0, absent = 0;
  for (const auto& team : s.policies().teams) {
    if (!team.available) continue;
    ++expected;
    if (!known.contains(team.name)) ++absent;
  }
  json::object extra{{"expected", expected}, {"absent", absent}};
  if (absent == 0) {
    return {"teams", "pass", "all " + std::to_string(expected) + " policy teams exist",
            std::move(extra)};
  }
  return {"teams", "warn",
          std::to_string(absent) + " of " + std::to_string(expected) +
              " policy teams not found by name (assignment rules need them)",
          std::move(extra)};
}

Check orders_check(RichpanelSession& s, const PreflightOptions& options) {
  const std::size_t total = options.tickets.size() + options.numbers.size();
  if (total == 0) return {"linked_orders", "skip", "no --tickets or --numbers given", {}};
  int linked = 0, unreadable = 0;
  const auto probe = [&](const std::string& ticket_id) {
    auto links = s.orders().linked_orders(ticket_id);
    if (!links) {
      ++unreadable;
    } else if (!links->empty()) {
      ++linked;
    }
  };
  for (const std::string& id : options.tickets) probe(id);
  for (const std::string& number : options.numbers) {
    auto ticket = s.admin().get_ticket_by_number(number);
    if (!ticket) {
      ++unreadable;
      continue;
    }
    probe(ticket->id);
  }
  json::object extra{{"checked", total}, {"with_linked_order", linked}, {"unreadable", unreadable}};
  std::string detail =
      std::to_string(linked) + " of " + std::to_string(total) + " tickets have a linked order";
  if (unreadable > 0) detail += "; " + std::to_string(unreadable) + " could not be read";
  return {"linked_orders", unreadable > 0 ? "fail" : "pass", detail, std::move(extra)};
}

void print_table(const std::vector<Check>& checks, int failed) {
  std::cout << std::left << std::setw(15) << "check" << std::setw(8) << "status"
            << "detail\n";
  for (const Check& c : checks) {
    std::string status = c.status;
    for (char& ch : status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::cout << std::setw(15) << c.name << std::setw(8) << status << c.detail << "\n";
  }
  std::cout << "preflight: "
            << (failed == 0 ? "OK" : "FAILED (" + std::to_string(failed) + " check(s) failed)")
            << "\n";
}

void print_json(const std::vector<Check>& checks, int failed) {
  json::array out;
  for (const Check& c : checks) {
    json::object o{{"name", c.name}, {"status", c.status}, {"detail", c.detail}};
    for (const auto& [key, value] : c.extra) o[key] = value;
    out.push_back(std::move(o));
  }
  std::cout << json::serialize(json::object{{"ok", failed == 0}, {"checks", std::move(out)}})
            << "\n";
}

}  // namespace

int run_preflight(const ConfigResult& loaded, const PreflightOptions& options) {
  for (const auto* list : {&options.tickets, &options.numbers}) {
    for (const std::string& value : *list) {
      if (value.empty()) {
        std::cerr << "rpmw preflight: --tickets and --numbers take non-empty values\n";
        return 2;
      }
    }
  }
  auto session = RichpanelSession::open(loaded, "preflight");
  if (!session) return 2;

  std::vector<Check> checks;
  std::vector<adapters::richpanel::RichpanelUser> users;
  checks.push_back(key_check(*session, users));
  if (checks.front().status == "pass") {
    checks.push_back(headroom_check(*session));
    checks.push_back(tags_check(*session));
    checks.push_back(bot_check(*session, users));
    checks.push_back(teams_check(*session));
    checks.push_back(orders_check(*session, options));
  } else {
    for (const char* name : {"rate_limit", "tags", "bot_author", "teams", "linked_orders"}) {
      checks.push_back({name, "skip", "needs a valid key", {}});
    }
  }
  int failed = 0;
  for (const Check& c : checks) failed += c.status == "fail" ? 1 : 0;
  if (options.json) {
    print_json(checks, failed);
  } else {
    print_table(checks, failed);
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace rpmw::app
