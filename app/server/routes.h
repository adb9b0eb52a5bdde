#pragma once
// The local server's routes: webhook ingress, health, readiness, metrics, admin API.
#include <functional>
#include <string>

#include "app/server/admin_routes.h"
#include "app/server/enqueue_batcher.h"
#include "app/server/http_server.h"
#include "core/ingest/ingress.h"
#include "core/ports/event_queue.h"
#include "core/ports/metrics.h"

namespace rpmw::app {

struct ServiceRoutesDeps {
  core::ingest::Ingress& ingress;
  core::EventQueue& queue;
  core::Metrics& metrics;
  std::function<std::string()> render_metrics;  // Prometheus text
  std::function<bool()> ready;                  // queue and state reachable
  EnqueueBatcher* batcher = nullptr;            // null: enqueue inline on the io thread
  AdminRoutes* admin = nullptr;                 // null: /admin/v1/ answers 404
};

class ServiceRoutes final : public HttpRoutes {
 public:
  explicit ServiceRoutes(ServiceRoutesDeps deps) : deps_(std::move(deps)) {}

  HttpResponse handle(const HttpRequest& request) override;
  void handle_async(HttpRequest& request, std::function<void(HttpResponse)> respond) override;
  std::optional<HttpResponse> precheck(const HttpRequest& head,
                                       std::optional<std::uint64_t> content_length) override;
  HttpResponse body_too_large(const HttpRequest& head) override;
  std::size_t body_limit(const HttpRequest& head) const override;

 private:
  HttpResponse webhook(const HttpRequest& request);
  HttpResponse metrics();
  static bool is_webhook_path(const std::string& path);

  ServiceRoutesDeps deps_;
};

HttpResponse json_response(int status, std::string body);

}  // namespace rpmw::app
