#pragma once
// One typed configuration, loaded from a flat YAML file and RPMW_* environment variables (env
// wins). Every YAML key is the env name without the RPMW_ prefix, in lower case.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rpmw::app {

struct Config {
  std::string profile = "local";
  std::string env = "local";
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  int workers = 4;
  int http_threads = 2;

  std::vector<std::string> webhook_tokens;  // empty: generated on first serve
  std::string webhook_token_header = "X-Middleware-Token";
  bool webhook_query_token = false;
  std::vector<std::string> webhook_hmac_secrets;
  std::string admin_token;  // empty: generated on first serve

  std::int64_t max_body_bytes = std::int64_t{32} * 1024;
  int max_json_depth = 16;
  double ingress_rate = 2000;
  double ingress_burst = 4000;
  double ingress_source_rate = 1000;
  double ingress_source_burst = 2000;

  std::int64_t queue_max_depth = 100000;
  std::int64_t queue_depth_refresh_ms = 250;
  std::int64_t queue_visibility_timeout_s = 120;
  // No new Richpanel write after this many seconds of one attempt; 0: ¾ of the visibility timeout.
  std::int64_t worker_event_deadline_s = 0;
  std::int64_t event_deadline_s() const {
    return worker_event_deadline_s > 0
               ? worker_event_deadline_s
               : std::max<std::int64_t>(1, queue_visibility_timeout_s * 3 / 4);
  }
  int queue_max_receives = 5;
  std::int64_t dedup_window_s = 300;
  std::int64_t shutdown_grace_s = 10;
  std::string sqlite_synchronous = "normal";

  std::int64_t flag_cache_ttl_s = 30;
  std::map<std::string, std::string> flags;  // initial values

  std::string richpanel_base_url = "https://api.richpanel.com";
  std::string richpanel_api_key;
  std::string richpanel_bot_author_id;
  double richpanel_rate = 1.0;
  double richpanel_burst = 5;
  std::int64_t richpanel_cooldown_ms = 60000;  // how long a 429 halves the shared rate
  std::int64_t richpanel_timeout_ms = 10000;   // per attempt, the whole exchange

  // The optional Shopify order-number fallback (flag orders.shopify_fallback); built when both
  // the shop and the token are set.
  std::string shopify_shop;  // my-store.myshopify.com
  std::string shopify_access_token;
  std::string shopify_api_version = "2024-10";
  std::string shopify_base_url;  // empty: https://<shopify_shop>

  std::string llm_base_url;
  std::string llm_api_key;
  std::string llm_model;
  std::string llm_verifier = "rules";  // rules | llm (Tier 2 verifier)

  std::string policies_dir;   // empty: the policies embedded at build time
  std::string templates_dir;  // empty: the embedded templates

  // A PEM CA bundle for every outbound TLS connection (Richpanel, Shopify, LLM); empty: the
  // system store.
  std::string ca_bundle;

  // AWS profile (spec/05). Empty names get their defaults from `env` when loaded:
  // aws_region ← AWS_REGION / AWS_DEFAULT_REGION, tables rpmw-<env>-events / -conversations,
  // ssm_prefix /rpmw/<env>/flags/, secrets_prefix rpmw/<env>/.
  std::string aws_endpoint_url;  // every AWS endpoint (emulators); empty: the public endpoints
  std::string aws_region;
  std::string sqs_queue_url;  // required with profile aws
  std::string sqs_dlq_url;    // empty: from the queue's redrive policy
  std::string ddb_events_table;
  std::string ddb_conversations_table;
  std::string ssm_prefix;
  std::string secrets_prefix;
  std::string log_level = "info";
  std::string log_salt;

  std::string config_file;  // where the YAML came from, if any

  std::string database_path() const { return data_dir + "/rpmw.sqlite3"; }
};

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;  // human-readable, one per problem
  bool ok() const { return errors.empty(); }
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// `yaml_path` empty: use RPMW_CONFIG when set, else no file.
ConfigResult load_config(const std::string& yaml_path, const EnvLookup& env);

// The effective configuration as YAML, secrets masked.
std::string print_config(const Config& config);

}  // namespace rpmw::app
