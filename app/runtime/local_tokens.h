#pragma once
// Webhook and admin tokens for the local profile: from config when given, else generated once and
// kept in <data_dir>/secrets/ (mode 0600) so restarts keep working with the same Richpanel setup.
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ports/clock.h"

namespace rpmw::app {

struct ResolvedTokens {
  std::vector<std::string> webhook_tokens;
  std::string admin_token;
  bool webhook_generated_now = false;  // print it once
  std::string webhook_token_file;      // where a generated token lives
};

core::Result<ResolvedTokens> resolve_local_tokens(
    const std::vector<std::string>& configured_webhook, const std::string& configured_admin,
    const std::string& data_dir, core::Random& random);

// Writes `content` to `path` atomically (temp file + rename) with the given mode.
bool write_file_atomically(const std::string& path, const std::string& content, unsigned mode);

}  // namespace rpmw::app
