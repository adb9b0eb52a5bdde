#include "app/runtime/local_tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/ids.h"

namespace rpmw::app {

bool write_file_atomically(const std::string& path, const std::string& content, unsigned mode) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  return ok && ::rename(temp.c_str(), path.c_str()) == 0;
}

namespace {

core::Result<std::string> read_or_create(const std::string& path, core::Random& random,
                                         bool& created) {
  created = false;
  std::ifstream in(path);
  if (in) {
    std::string token;
    std::getline(in, token);
    if (token.size() >= 16) return token;
  }
  const std::string token = core::make_secret_token(random);
  if (!write_file_atomically(path, token + "\n", 0600)) {
    return core::fail(core::ErrorKind::unavailable, "token_file_unwritable");
  }
  created = true;
  return token;
}

}  // namespace

core::Result<ResolvedTokens> resolve_local_tokens(
    const std::vector<std::string>& configured_webhook, const std::string& configured_admin,
    const std::string& data_dir, core::Random& random) {
  ResolvedTokens out;
  const std::string dir = data_dir + "/secrets";
  if (configured_webhook.empty() || configured_admin.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return core::fail(core::ErrorKind::unavailable, "secrets_dir_unwritable");
    ::chmod(dir.c_str(), 0700);
  }
  if (!configured_webhook.empty()) {
    out.webhook_tokens = configured_webhook;
  } else {
    out.webhook_token_file = dir + "/webhook_token";
    auto token = read_or_create(out.webhook_token_file, random, out.webhook_generated_now);
    if (!token) return tl::unexpected(token.error());
    out.webhook_tokens.push_back(*token);
  }
  if (!configured_admin.empty()) {
    out.admin_token = configured_admin;
  } else {
    bool created = false;
    auto token = read_or_create(dir + "/admin_token", random, created);
    if (!token) return tl::unexpected(token.error());
    out.admin_token = *token;
  }
  return out;
}

}  // namespace rpmw::app
