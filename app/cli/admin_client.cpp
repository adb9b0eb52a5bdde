#include "app/cli/admin_client.h"

#include <fstream>
#include <iostream>

#include "adapters/http/http_client.h"
#include "app/runtime/runtime.h"
#include "app/server/admin_routes.h"

namespace rpmw::app {
namespace {

AdminReply reply_of(int status, const std::string& body) {
  AdminReply reply;
  reply.status = status;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (!ec) reply.body = std::move(parsed);
  return reply;
}

class RemoteAdmin final : public AdminBackend {
 public:
  RemoteAdmin(std::string base_url, std::string token)
      : base_url_(std::move(base_url)),
        token_(std::move(token)),
        client_(adapters::http::vendor_client_options(base_url_, "")) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  }

  core::Result<AdminReply> call(const AdminCall& call) override {
    adapters::http::HttpRequest request;
    request.method = call.method;
    request.url = base_url_ + "/admin/v1/" + call.path;
    if (!call.query.empty()) request.url += "?" + call.query;
    request.headers.emplace_back("Authorization", "Bearer " + token_);
    if (!call.body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = call.body;
    }
    auto response = client_.send(request);
    if (!response) return tl::unexpected(response.error());
    return reply_of(static_cast<int>(response->status), response->body);
  }

 private:
  std::string base_url_;
  std::string token_;
  adapters::http::HttpClient client_;
};

// The routes need a token; in process it never leaves this object.
constexpr const char* kInProcessToken = "in-process-local-admin-call";

class LocalAdmin final : public AdminBackend {
 public:
  explicit LocalAdmin(std::unique_ptr<Runtime> rt) : rt_(std::move(rt)) {
    const core::policy::PolicySet& set = rt_->engine().policies();
    routes_ = std::make_unique<AdminRoutes>(AdminRoutesDeps{
        kInProcessToken, rt_->queue(), rt_->state(), rt_->flags(), rt_->log(), rt_->clock(),
        RPMW_RELEASE, rt_->config().env,
        AdminVersions{set.version, set.lexicon_version, set.rules_version, set.templates_version},
        rt_->clock().now()});
  }

  core::Result<AdminReply> call(const AdminCall& call) override {
    HttpRequest request;
    request.method = call.method;
    request.path = "/admin/v1/" + call.path;
    request.query = call.query;
    request.body = call.body;
    request.source = "local-cli";
    request.headers.emplace_back("authorization", std::string("Bearer ") + kInProcessToken);
    const HttpResponse response = routes_->handle(request);
    return reply_of(response.status, response.body);
  }

 private:
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<AdminRoutes> routes_;
};

}  // namespace

std::unique_ptr<AdminBackend> remote_admin(const std::string& base_url, const std::string& token) {
  return std::make_unique<RemoteAdmin>(base_url, token);
}

std::unique_ptr<AdminBackend> local_admin(const Config& config, bool audit) {
  Config quiet = config;
  quiet.log_level = audit ? "info" : "error";
  std::vector<std::string> problems;
  auto runtime = Runtime::open(quiet, &problems);
  if (!runtime) {
    std::cerr << "rpmw: cannot open the " << quiet.profile << " store ("
              << (quiet.profile == "aws" ? quiet.sqs_queue_url : quiet.database_path())
              << "): " << runtime.error().code << "\n";
    for (const std::string& p : problems) std::cerr << "  - " << p << "\n";
    return nullptr;
  }
  return std::make_unique<LocalAdmin>(std::move(*runtime));
}

std::string resolve_admin_token(const std::string& given, const Config& config) {
  if (!given.empty()) return given;
  if (!config.admin_token.empty()) return config.admin_token;
  std::ifstream file(config.data_dir + "/secrets/admin_token");
  std::string token;
  std::getline(file, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

std::string url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace rpmw::app
