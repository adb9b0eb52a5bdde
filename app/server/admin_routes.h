#pragma once
// The token-protected admin API under /admin/v1/: status, decisions, flags, dead letters.
// Its token is separate from the webhook tokens; see docs/admin-api.md.
#include <string>

#include "app/server/http_server.h"
#include "core/flags/flag_service.h"
#include "core/ports/clock.h"
#include "core/ports/event_log.h"
#include "core/ports/event_queue.h"
#include "core/ports/state_store.h"

namespace rpmw::app {

struct AdminVersions {
  std::string policy, lexicon, rules, templates;
};

struct AdminRoutesDeps {
  std::string admin_token;  // empty: every request is unauthorized
  core::EventQueue& queue;
  core::StateStore& state;
  core::flags::FlagService& flags;
  core::EventLog& log;
  const core::Clock& clock;
  std::string release;
  std::string env;
  AdminVersions versions;
  core::TimePoint started_at{};
};

class AdminRoutes {
 public:
  explicit AdminRoutes(AdminRoutesDeps deps);

  static bool is_admin_path(const std::string& path);
  HttpResponse handle(const HttpRequest& request);

 private:
  bool authorized(const HttpRequest& request) const;
  HttpResponse status();
  HttpResponse decisions(const HttpRequest& request);
  HttpResponse flags_get();
  HttpResponse flags_set(const std::string& name, const HttpRequest& request);
  HttpResponse dlq_list(const HttpRequest& request);
  HttpResponse dlq_show(const std::string& event_id);
  HttpResponse dlq_redrive(const std::string& event_id);
  HttpResponse dlq_purge(const std::string& event_id);
  void audit(std::string_view action, bool ok, int http_status, std::string_view id_key = {},
             std::string_view id = {});

  AdminRoutesDeps deps_;
  std::string token_digest_;  // sha256 of the token: compared in constant time, any length
};

// Percent-decoded value of `name` in a query string ('+' is a space); empty when absent.
std::string admin_query_param(std::string_view query, std::string_view name);

}  // namespace rpmw::app
