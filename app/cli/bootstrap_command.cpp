// `rpmw bootstrap`: creates the Richpanel tags rpmw writes, then prints what has to be set up
// by hand in Richpanel (the HTTP Target, one assignment rule per team, the bot agent).
#include <iostream>
#include <set>

#include "app/cli/commands.h"
#include "app/cli/richpanel_session.h"
#include "core/policy/tag_catalog.h"

namespace rpmw::app {
namespace {

// Richpanel's HTTP Target body: ticket_id is required; the rest is optional (core/ingest).
constexpr const char* kBodyTemplate =
    R"({"ticket_id":"{{ticket.id}}","ticket_url":"{{ticket.url}}","trigger":"customer_message"})";

std::string webhook_url(const Config& config, std::string base) {
  if (base.empty()) base = "http://" + config.listen;
  while (base.ends_with('/')) base.pop_back();
  if (!base.ends_with("/webhooks/richpanel")) base += "/webhooks/richpanel";
  return base;
}

void print_http_target(const Config& config, const BootstrapOptions& options) {
  const std::string url = webhook_url(config, options.url);
  const std::string token = known_webhook_token(config);
  std::string shown = "<WEBHOOK_TOKEN>";
  if (options.show_token && !token.empty()) shown = token;
  std::cout << "\n1. HTTP Target (set up in the Richpanel UI), fired on every customer message:\n"
            << "   URL:     " << url << "\n"
            << "   Method:  POST\n"
            << "   Header:  " << config.webhook_token_header << ": " << shown
            << "   (x-richpanel-webhook-token is accepted too)\n"
            << "   Header:  Content-Type: application/json\n"
            << "   Body:    " << kBodyTemplate << "\n"
            << "            optional fields rpmw reads: message_id, ticket_number, channel, "
               "customer_message, sent_at\n";
  if (!url.starts_with("https://")) {
    std::cout << "   note:    Richpanel must reach this URL from the internet: give the HTTPS "
                 "address of the reverse proxy with --url\n";
  }
  if (shown == "<WEBHOOK_TOKEN>") {
    std::cout << "   token:   "
              << (token.empty() ? "none yet: `rpmw serve` generates one on first start"
                                : "RPMW_WEBHOOK_TOKENS or " + config.data_dir +
                                      "/secrets/webhook_token (--show-token prints it)")
              << "\n";
  }
}

void print_assignment_rules(RichpanelSession& session) {
  auto teams = session.admin().list_teams();
  std::set<std::string> known;
  if (teams) {
    for (const auto& team : *teams) known.insert(team.name);
  }
  std::cout << "\n2. Assignment rules in Richpanel, one per team: \"tag added\" → assign to "
               "the team\n";
  for (const auto& team : session.policies().teams) {
    std::cout << "   " << team.route_tag << " → " << team.name;
    if (!team.available) {
      std::cout << "   (marked unavailable in the policy: rpmw routes to "
                << session.policies().fallback_team << " instead)";
    } else if (teams && !known.contains(team.name)) {
      std::cout << "   (warning: no team of this name in Richpanel)";
    }
    std::cout << "\n";
  }
  if (!teams) {
    std::cout << "   (could not list Richpanel teams to check the names: "
              << describe_richpanel_error(teams.error()) << ")\n";
  }
}

void print_bot_agent(RichpanelSession& session) {
  const std::string& id = session.config().richpanel_bot_author_id;
  std::cout << "\n3. Bot agent user (the author of email replies; RPMW_RICHPANEL_BOT_AUTHOR_ID):\n";
  if (id.empty()) {
    std::cout << "   warning: not configured; email replies are not sent (mw-send-failed). Create "
                 "an agent user for rpmw and set its id.\n";
    return;
  }
  auto users = session.admin().list_users();
  if (!users) {
    std::cout << "   warning: could not list users: " << describe_richpanel_error(users.error())
              << "\n";
    return;
  }
  for (const auto& user : *users) {
    if (user.id != id) continue;
    std::cout << "   " << id << " found in /v1/users"
              << (user.name.empty() ? "" : " (" + user.name + ")") << "\n";
    return;
  }
  std::cout << "   warning: " << id << " is not among the account's " << users->size()
            << " users; email replies would fail\n";
}

}  // namespace

int run_bootstrap(const ConfigResult& loaded, const BootstrapOptions& options) {
  auto session = RichpanelSession::open(loaded, "bootstrap");
  if (!session) return 2;
  const auto catalog = core::policy::tag_catalog(session->policies());
  auto existing = session->admin().list_tags();
  if (!existing) {
    std::cerr << "rpmw bootstrap: cannot list Richpanel tags: "
              << describe_richpanel_error(existing.error()) << "\n";
    return 1;
  }
  std::set<std::string> present;
  for (const auto& tag : *existing) present.insert(tag.name);

  std::cout << "rpmw bootstrap" << (options.dry_run ? " (dry run: nothing is created)" : "") << ": "
            << catalog.size() << " tags in the catalog\n";
  int already = 0, created = 0, failed = 0;
  for (const auto& tag : catalog) {
    if (present.contains(tag.name)) {
      ++already;
      continue;
    }
    if (options.dry_run) {
      std::cout << "  would create " << tag.name << "\n";
      ++created;
      continue;
    }
    auto made = session->admin().create_tag(tag.name, tag.description);
    if (made) {
      std::cout << "  created " << tag.name << "\n";
      ++created;
    } else {
      std::cout << "  FAILED  " << tag.name << ": " << describe_richpanel_error(made.error())
                << "\n";
      ++failed;
    }
  }
  std::cout << "tags: " << already << " existing, " << created
            << (options.dry_run ? " to create" : " created") << ", " << failed << " failed\n";

  std::cout << "\nRichpanel setup checklist";
  print_http_target(session->config(), options);
  print_assignment_rules(*session);
  print_bot_agent(*session);
  if (failed > 0) {
    std::cerr << "rpmw bootstrap: " << failed << " tag(s) could not be created\n";
    return 1;
  }
  return 0;
}

}  // namespace rpmw::app
