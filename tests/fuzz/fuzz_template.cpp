// libFuzzer target: the reply-template engine and the reply fingerprint on arbitrary bytes. The
// input is "template \0 name=value \0 name=value ...". Properties: parsing and rendering never
// crash and are deterministic; a parsed template's referenced names are valid; rendered values
// carry no control characters (only the template's own newlines); tidying is idempotent and does
// not change the reply's fingerprint (so a retry recognises its own comment).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "core/actions/reply_fingerprint.h"
#include "core/templates/mustache.h"

namespace tpl = rpmw::core::templates;

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_template: property violated: %s\n", what);
  std::abort();
}

bool has_control_except_newline(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7F) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find('\0');
  const std::string_view source = input.substr(0, split);
  std::map<std::string, std::string> vars;
  if (split != std::string_view::npos) {
    std::string_view rest = input.substr(split + 1);
    while (!rest.empty()) {
      const std::size_t end = rest.find('\0');
      const std::string_view pair = rest.substr(0, end);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos) {
        vars[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
      }
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }

  auto parsed = tpl::parse_mustache(source);
  if (!parsed) return 0;
  for (const std::string& name : tpl::referenced_variables(*parsed)) {
    require(!name.empty(), "empty variable name");
  }
  const std::string rendered = tpl::render_mustache(*parsed, vars);
  require(rendered == tpl::render_mustache(*parsed, vars), "render is deterministic");
  const bool template_has_control = has_control_except_newline(source);
  if (!template_has_control) {
    require(!has_control_except_newline(rendered), "values are stripped of control characters");
  }
  const std::string tidy = tpl::tidy_text(rendered);
  require(tpl::tidy_text(tidy) == tidy, "tidy is idempotent");
  require(rpmw::core::actions::reply_fingerprint(tidy) ==
              rpmw::core::actions::reply_fingerprint(rendered),
          "tidying keeps the fingerprint");
  return 0;
}
