#pragma once
// The CLI's side of the admin API: one call, answered by a running server (--url) or, in
// process, by the same AdminRoutes over the local store, so both give the same JSON.
#include <boost/json.hpp>

#include <memory>
#include <string>

#include "app/config/config.h"
#include "core/common/error.h"

namespace rpmw::app {

struct AdminCall {
  std::string method = "GET";
  std::string path;  // under /admin/v1/, e.g. "flags/safe_mode"
  std::string query;
  std::string body;
};

struct AdminReply {
  int status = 0;
  boost::json::value body;  // the JSON answer (null when the body was not JSON)
};

class AdminBackend {
 public:
  virtual ~AdminBackend() = default;
  // Transport failures only; an HTTP error status is a reply.
  virtual core::Result<AdminReply> call(const AdminCall& call) = 0;
};

// A running server at `base_url` (http://host:port), with the admin bearer token.
std::unique_ptr<AdminBackend> remote_admin(const std::string& base_url, const std::string& token);

// The local store of `config`; null (after printing why to stderr) when it cannot be opened.
// `audit`: log at info (a flag change is an audited event), else errors only: stdout is the
// command's.
std::unique_ptr<AdminBackend> local_admin(const Config& config, bool audit);

// --token, else the configured token (RPMW_ADMIN_TOKEN), else <data_dir>/secrets/admin_token.
std::string resolve_admin_token(const std::string& given, const Config& config);

// Percent-encodes one path segment or query value.
std::string url_encode(std::string_view value);

}  // namespace rpmw::app
