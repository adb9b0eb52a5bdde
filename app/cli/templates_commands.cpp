// `rpmw templates lint` and `rpmw templates render`: check and preview the reply copy offline,
// with the same loader and renderer the worker uses.
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/commands.h"
#include "app/templates/catalog_loader.h"

namespace rpmw::app {
namespace {

// Reads a JSON object of variables; strings as-is, numbers and booleans as their JSON text,
// null as "not set". Returns false (after printing why) on any other shape.
bool read_vars(const std::string& path, std::map<std::string, std::string>& vars) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "rpmw: cannot read the variables file " << path << "\n";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(buffer.str(), ec);
  if (ec || !doc.is_object()) {
    std::cerr << "rpmw: " << path << ": expected a JSON object of variables"
              << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
    return false;
  }
  for (const auto& [key, value] : doc.as_object()) {
    const std::string name(key);
    if (value.is_string()) {
      vars[name] = std::string(value.as_string());
    } else if (value.is_number() || value.is_bool()) {
      vars[name] = boost::json::serialize(value);
    } else if (!value.is_null()) {
      std::cerr << "rpmw: " << path << ": variable '" << name << "' must be a string\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int run_templates_lint(const ConfigResult& loaded) {
  if (!loaded.ok()) return report_config_errors(loaded);
  size_t count = 0;
  const std::vector<std::string> problems =
      lint_templates(loaded.config.policies_dir, loaded.config.templates_dir, &count);
  if (!problems.empty()) {
    for (const std::string& p : problems) std::cout << p << "\n";
    return 1;
  }
  std::cout << count << " templates OK\n";
  return 0;
}

int run_templates_render(const ConfigResult& loaded, const TemplatesRenderOptions& options) {
  if (!loaded.ok()) return report_config_errors(loaded);
  const CatalogLoad load = load_template_catalog(loaded.config.templates_dir);
  if (!load.ok()) {
    std::cerr << "rpmw: the template files are invalid:\n";
    for (const std::string& e : load.errors) std::cerr << "  - " << e << "\n";
    return 2;
  }
  const core::templates::TemplateDef* def = load.catalog.find(options.id);
  if (def == nullptr) {
    std::cerr << "rpmw: unknown template '" << options.id << "'\n";
    return 2;
  }
  std::map<std::string, std::string> vars;
  if (!options.vars_file.empty() && !read_vars(options.vars_file, vars)) return 2;
  auto reply = core::templates::render(*def, options.channel, vars, load.catalog.brand);
  if (!reply) {
    std::cerr << "rpmw: cannot render " << options.id << ": " << reply.error().code << "\n";
    return 2;
  }
  std::cout << reply->text << "\n";
  return 0;
}

}  // namespace rpmw::app
