#pragma once
// policies/ and templates/ as they were at build time (cmake/embed_files.cmake).
#include <optional>
#include <string_view>
#include <vector>

namespace rpmw::app {

struct EmbeddedFile {
  std::string_view path;  // relative to the source tree, e.g. "policies/policy.yaml"
  std::string_view text;
};

const std::vector<EmbeddedFile>& embedded_files();

inline std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const EmbeddedFile& file : embedded_files()) {
    if (file.path == path) return file.text;
  }
  return std::nullopt;
}

}  // namespace rpmw::app
