#include "app/config/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "adapters/shopify/shopify_order_search.h"
#include "core/flags/flag_service.h"

namespace rpmw::app {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

template <class T>
bool parse_number(const std::string& text, T& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if constexpr (std::is_floating_point_v<T>) {
    // from_chars accepts "nan" and "inf"; a NaN rate slips past every range check.
    if (ec == std::errc() && !std::isfinite(out)) return false;
  }
  return ec == std::errc() && ptr == end;
}

bool parse_bool(const std::string& raw, bool& out) {
  std::string text = raw;
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "true" || text == "1" || text == "yes" || text == "on") return out = true, true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return out = false, true;
  return false;
}

// Each option: its key, how to set it from text, how to show it, whether it is secret.
struct Option {
  std::string key;
  std::function<std::string(Config&, const std::string&)> set;  // returns an error or ""
  std::function<std::string(const Config&)> show;
  bool secret = false;
};

template <class T>
Option number(const std::string& key, T Config::*member) {
  return {key,
          [member, key](Config& c, const std::string& v) -> std::string {
            T parsed{};
            if (!parse_number(v, parsed)) return key + ": expected a number, got '" + v + "'";
            c.*member = parsed;
            return {};
          },
          [member](const Config& c) {
            std::ostringstream out;
            out << c.*member;
            return out.str();
          }};
}

Option text(std::string key, std::string Config::*member, bool secret = false) {
  return {std::move(key),
          [member](Config& c, const std::string& v) {
            c.*member = v;
            return std::string();
          },
          [member](const Config& c) { return c.*member; }, secret};
}

Option list(std::string key, std::vector<std::string> Config::*member, bool secret = false) {
  return {std::move(key),
          [member](Config& c, const std::string& v) {
            c.*member = split_list(v);
            return std::string();
          },
          [member](const Config& c) { return join_list(c.*member); }, secret};
}

Option boolean(const std::string& key, bool Config::*member) {
  return {key,
          [member, key](Config& c, const std::string& v) -> std::string {
            if (!parse_bool(v, c.*member)) return key + ": expected true or false, got '" + v + "'";
            return {};
          },
          [member](const Config& c) { return std::string(c.*member ? "true" : "false"); }};
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      text("profile", &Config::profile),
      text("env", &Config::env),
      text("listen", &Config::listen),
      text("data_dir", &Config::data_dir),
      number("workers", &Config::workers),
      number("http_threads", &Config::http_threads),
      list("webhook_tokens", &Config::webhook_tokens, true),
      text("webhook_token_header", &Config::webhook_token_header),
      boolean("webhook_query_token", &Config::webhook_query_token),
      list("webhook_hmac_secrets", &Config::webhook_hmac_secrets, true),
      text("admin_token", &Config::admin_token, true),
      number("max_body_bytes", &Config::max_body_bytes),
      number("max_json_depth", &Config::max_json_depth),
      number("ingress_rate", &Config::ingress_rate),
      number("ingress_burst", &Config::ingress_burst),
      number("ingress_source_rate", &Config::ingress_source_rate),
      number("ingress_source_burst", &Config::ingress_source_burst),
      number("queue_max_depth", &Config::queue_max_depth),
      number("queue_depth_refresh_ms", &Config::queue_depth_refresh_ms),
      number("queue_visibility_timeout_s", &Config::queue_visibility_timeout_s),
      number("worker_event_deadline_s", &Config::worker_event_deadline_s),
      number("queue_max_receives", &Config::queue_max_receives),
      number("dedup_window_s", &Config::dedup_window_s),
      number("shutdown_grace_s", &Config::shutdown_grace_s),
      text("sqlite_synchronous", &Config::sqlite_synchronous),
      number("flag_cache_ttl_s", &Config::flag_cache_ttl_s),
      {"flags",
       [](Config& c, const std::string& v) -> std::string {
         auto parsed = core::flags::parse_flag_list(v);
         if (!parsed) return "flags: " + parsed.error().code;
         for (auto& [name, value] : *parsed) c.flags[name] = value;
         return {};
       },
       [](const Config& c) {
         std::string out;
         for (const auto& [name, value] : c.flags)
           out += (out.empty() ? "" : ",") + name + "=" + value;
         return out;
       }},
      text("richpanel_base_url", &Config::richpanel_base_url),
      text("richpanel_api_key", &Config::richpanel_api_key, true),
      text("richpanel_bot_author_id", &Config::richpanel_bot_author_id),
      number("richpanel_rate", &Config::richpanel_rate),
      number("richpanel_burst", &Config::richpanel_burst),
      number("richpanel_cooldown_ms", &Config::richpanel_cooldown_ms),
      number("richpanel_timeout_ms", &Config::richpanel_timeout_ms),
      text("shopify_shop", &Config::shopify_shop),
      text("shopify_access_token", &Config::shopify_access_token, true),
      text("shopify_api_version", &Config::shopify_api_version),
      text("shopify_base_url", &Config::shopify_base_url),
      text("llm_base_url", &Config::llm_base_url),
      text("llm_api_key", &Config::llm_api_key, true),
      text("llm_model", &Config::llm_model),
      text("llm_verifier", &Config::llm_verifier),
      text("policies_dir", &Config::policies_dir),
      text("templates_dir", &Config::templates_dir),
      text("ca_bundle", &Config::ca_bundle),
      text("aws_endpoint_url", &Config::aws_endpoint_url),
      text("aws_region", &Config::aws_region),
      text("sqs_queue_url", &Config::sqs_queue_url),
      text("sqs_dlq_url", &Config::sqs_dlq_url),
      text("ddb_events_table", &Config::ddb_events_table),
      text("ddb_conversations_table", &Config::ddb_conversations_table),
      text("ssm_prefix", &Config::ssm_prefix),
      text("secrets_prefix", &Config::secrets_prefix),
      text("log_level", &Config::log_level),
      text("log_salt", &Config::log_salt, true),
  };
  return kOptions;
}

std::string env_name(const std::string& key) {
  std::string out = "RPMW_";
  for (char c : key) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

// Flattens a YAML scalar, sequence or map into the same text form the env variables use.
std::optional<std::string> yaml_to_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsNull()) return std::string();
  std::string out;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) return std::nullopt;
      out += (out.empty() ? "" : ",") + item.Scalar();
    }
    return out;
  }
  if (node.IsMap()) {
    for (const auto& item : node) {
      if (!item.second.IsScalar()) return std::nullopt;
      out += (out.empty() ? "" : ",") + item.first.Scalar() + "=" + item.second.Scalar();
    }
    return out;
  }
  return std::nullopt;
}

// Names derived from the environment name, and the region from the AWS SDK's variables.
void apply_aws_defaults(Config& c, const EnvLookup& env) {
  if (c.aws_region.empty()) {
    c.aws_region = env("AWS_REGION").value_or(env("AWS_DEFAULT_REGION").value_or(""));
  }
  if (c.ddb_events_table.empty()) c.ddb_events_table = "rpmw-" + c.env + "-events";
  if (c.ddb_conversations_table.empty()) {
    c.ddb_conversations_table = "rpmw-" + c.env + "-conversations";
  }
  if (c.ssm_prefix.empty()) c.ssm_prefix = "/rpmw/" + c.env + "/flags/";
  if (c.secrets_prefix.empty()) c.secrets_prefix = "rpmw/" + c.env + "/";
}

bool web_url(const std::string& url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

// A FIFO queue's URL ends in its name, and FIFO queue names end in ".fifo".
bool fifo_queue_url(const std::string& url) {
  return web_url(url) && url.ends_with(".fifo");
}

void validate_aws(const Config& c, const std::function<void(std::string)>& error) {
  if (!c.aws_endpoint_url.empty() && !web_url(c.aws_endpoint_url)) {
    error("aws_endpoint_url: must start with https:// (or http:// for an emulator)");
  }
  if (!c.sqs_dlq_url.empty() && !fifo_queue_url(c.sqs_dlq_url)) {
    error("sqs_dlq_url: expected the URL of a FIFO queue (ending in .fifo)");
  }
  if (!c.ssm_prefix.starts_with("/")) error("ssm_prefix: must start with '/'");
  if (c.profile != "aws") return;
  if (c.aws_region.empty()) {
    error(
        "aws_region: required when profile is aws (RPMW_AWS_REGION, or AWS_REGION / "
        "AWS_DEFAULT_REGION)");
  }
  if (c.sqs_queue_url.empty()) {
    error("sqs_queue_url: required when profile is aws (RPMW_SQS_QUEUE_URL)");
  } else if (!fifo_queue_url(c.sqs_queue_url)) {
    error("sqs_queue_url: expected the URL of a FIFO queue (ending in .fifo)");
  }
}

void validate(ConfigResult& result) {
  const Config& c = result.config;
  auto error = [&](std::string message) { result.errors.push_back(std::move(message)); };
  if (c.profile != "local" && c.profile != "aws") error("profile: must be 'local' or 'aws'");
  if (c.listen.rfind(':') == std::string::npos) error("listen: expected host:port");
  if (c.workers < 0 || c.workers > 64) error("workers: must be between 0 and 64");
  if (c.http_threads < 1 || c.http_threads > 64) error("http_threads: must be between 1 and 64");
  if (c.max_body_bytes < 256 || c.max_body_bytes > std::int64_t{1024} * 1024) {
    error("max_body_bytes: must be between 256 and 1048576");
  }
  if (c.max_json_depth < 2 || c.max_json_depth > 64)
    error("max_json_depth: must be between 2 and 64");
  if (c.ingress_rate < 0 || c.ingress_source_rate < 0) error("ingress rates must be >= 0");
  if (c.queue_visibility_timeout_s < 1) error("queue_visibility_timeout_s: must be >= 1");
  if (c.worker_event_deadline_s < 0 ||
      (c.worker_event_deadline_s > 0 &&
       c.worker_event_deadline_s >= c.queue_visibility_timeout_s)) {
    error("worker_event_deadline_s: must be below queue_visibility_timeout_s (0: automatic)");
  }
  if (c.queue_max_receives < 1) error("queue_max_receives: must be >= 1");
  if (c.dedup_window_s < 0) error("dedup_window_s: must be >= 0");
  if (c.sqlite_synchronous != "normal" && c.sqlite_synchronous != "full") {
    error("sqlite_synchronous: must be 'normal' or 'full'");
  }
  if (c.richpanel_rate <= 0) error("richpanel_rate: must be > 0");
  if (c.richpanel_cooldown_ms < 0) error("richpanel_cooldown_ms: must be >= 0");
  if (c.richpanel_timeout_ms < 100) error("richpanel_timeout_ms: must be >= 100");
  if (c.flag_cache_ttl_s < 0) error("flag_cache_ttl_s: must be >= 0");
  if (c.queue_depth_refresh_ms < 0) error("queue_depth_refresh_ms: must be >= 0");
  if (c.shutdown_grace_s < 1 || c.shutdown_grace_s > 300) {
    error("shutdown_grace_s: must be between 1 and 300");
  }
  core::LogLevel level{};
  if (!core::parse_log_level(c.log_level, level)) {
    error("log_level: must be one of debug, info, warn, error");
  }
  for (const auto& token : c.webhook_tokens) {
    if (token.size() < 16) error("webhook_tokens: every token must be at least 16 characters");
  }
  if (!c.admin_token.empty() && c.admin_token.size() < 16) {
    error("admin_token: must be at least 16 characters");
  }
  // Separate scopes: a leaked webhook token must never open the admin API.
  for (const auto& token : c.webhook_tokens) {
    if (!c.admin_token.empty() && token == c.admin_token) {
      error("admin_token: must differ from every webhook token");
    }
  }
  if (c.webhook_token_header.empty()) error("webhook_token_header: must not be empty");
  if (!c.shopify_access_token.empty() && c.shopify_shop.empty()) {
    error("shopify_access_token: set shopify_shop (RPMW_SHOPIFY_SHOP) too");
  }
  if (!c.shopify_shop.empty() && !adapters::shopify::valid_shopify_shop(c.shopify_shop)) {
    error("shopify_shop: expected the shop's domain, e.g. my-store.myshopify.com");
  }
  if (!adapters::shopify::valid_shopify_api_version(c.shopify_api_version)) {
    error("shopify_api_version: expected YYYY-MM (e.g. 2024-10) or unstable");
  }
  if (!c.shopify_base_url.empty() && !c.shopify_base_url.starts_with("https://") &&
      !c.shopify_base_url.starts_with("http://")) {
    error("shopify_base_url: must start with https:// (or http:// for a local fake)");
  }
  if (!c.ca_bundle.empty() && !std::ifstream(c.ca_bundle).good()) {
    error("ca_bundle: cannot read '" + c.ca_bundle + "'");
  }
  validate_aws(c, error);
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

ConfigResult load_config(const std::string& yaml_path, const EnvLookup& env) {
  ConfigResult result;
  std::string path = yaml_path;
  if (path.empty()) path = env("RPMW_CONFIG").value_or("");
  result.config.config_file = path;

  if (!path.empty()) {
    try {
      YAML::Node root = YAML::LoadFile(path);
      if (!root.IsMap() && !root.IsNull()) {
        result.errors.push_back(path + ": expected a mapping of keys to values");
      } else {
        for (const auto& item : root) {
          const std::string key = item.first.as<std::string>();
          auto option = std::find_if(options().begin(), options().end(),
                                     [&](const Option& o) { return o.key == key; });
          if (option == options().end()) {
            result.errors.push_back(path + ": unknown key '" + key + "'");
            continue;
          }
          auto value = yaml_to_text(item.second);
          if (item.second.IsMap() && key != "flags") value.reset();  // only flags is a map
          if (!value) {
            result.errors.push_back(path + ": " + key + ": unsupported value shape");
            continue;
          }
          if (auto error = option->set(result.config, *value); !error.empty()) {
            result.errors.push_back(path + ": " + error);
          }
        }
      }
    } catch (const YAML::Exception& e) {
      result.errors.push_back(path + ": " + e.what());
    }
  }
  for (const Option& option : options()) {
    const std::string name = env_name(option.key);
    if (auto value = env(name)) {
      if (auto error = option.set(result.config, *value); !error.empty()) {
        result.errors.push_back(name + " (" + error + ")");
      }
    }
  }
  apply_aws_defaults(result.config, env);
  validate(result);
  return result;
}

std::string print_config(const Config& config) {
  std::string out;
  for (const Option& option : options()) {
    std::string value = option.show(config);
    if (option.secret && !value.empty()) value = "****";
    out += option.key + ": \"" + value + "\"\n";
  }
  return out;
}

}  // namespace rpmw::app
