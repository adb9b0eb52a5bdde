#pragma once
#include <filesystem>

namespace rpmw::testing {

// A fresh directory under /tmp, removed recursively on destruction (kept when the environment
// variable RPMW_TEST_KEEP_TMP is set, for post-mortem debugging).
class TempDir {
 public:
  explicit TempDir(const char* prefix = "rpmw-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

 private:
  void remove() noexcept;
  std::filesystem::path path_;
};

// True when RPMW_TEST_KEEP_TMP is set: temp dirs and logs are left behind.
bool keep_temp_files();

}  // namespace rpmw::testing
