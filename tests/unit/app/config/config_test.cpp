#include "app/config/config.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "tests/unit/app/unit_temp_dir.h"

using rpmw::app::ConfigResult;
using rpmw::app::EnvLookup;
using rpmw::app::load_config;
using rpmw::app::print_config;
using rpmw::unit::UnitTempDir;

namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

bool has_error(const ConfigResult& result, const std::string& needle) {
  return std::any_of(result.errors.begin(), result.errors.end(),
                     [&](const std::string& e) { return e.find(needle) != std::string::npos; });
}

std::string all_errors(const ConfigResult& result) {
  std::string out;
  for (const auto& e : result.errors) out += e + "\n";
  return out;
}

const std::string kTokenA = "token-aaaaaaaaaaaaaaaa";
const std::string kTokenB = "token-bbbbbbbbbbbbbbbb";

}  // namespace

TEST_CASE("app/config: defaults with no file and an empty environment") {
  const ConfigResult result = load_config("", env_of({}));
  CAPTURE(all_errors(result));
  REQUIRE(result.ok());
  const auto& c = result.config;
  CHECK(c.profile == "local");
  CHECK(c.env == "local");
  CHECK(c.listen == "127.0.0.1:8080");
  CHECK(c.data_dir == "./var");
  CHECK(c.workers == 4);
  CHECK(c.webhook_tokens.empty());
  CHECK(c.webhook_token_header == "X-Middleware-Token");
  CHECK_FALSE(c.webhook_query_token);
  CHECK(c.admin_token.empty());
  CHECK(c.max_body_bytes == 32 * 1024);
  CHECK(c.max_json_depth == 16);
  CHECK(c.queue_visibility_timeout_s == 120);
  CHECK(c.queue_max_receives == 5);
  CHECK(c.dedup_window_s == 300);
  CHECK(c.sqlite_synchronous == "normal");
  CHECK(c.flag_cache_ttl_s == 30);
  CHECK(c.flags.empty());
  CHECK(c.richpanel_base_url == "https://api.richpanel.com");
  CHECK(c.richpanel_api_key.empty());
  CHECK(c.richpanel_rate == 1.0);
  CHECK(c.richpanel_burst == 5);
  CHECK(c.llm_base_url.empty());
  CHECK(c.log_level == "info");
  CHECK(c.config_file.empty());
  CHECK(c.database_path() == "./var/rpmw.sqlite3");
}

TEST_CASE("app/config: values come from the YAML file") {
  UnitTempDir dir;
  const std::string path = dir.file("rpmw.yaml", R"(
profile: aws
env: staging
listen: 0.0.0.0:9090
data_dir: /srv/rpmw
workers: 8
webhook_tokens:
  - )" + kTokenA + R"(
  - )" + kTokenB + R"(
webhook_query_token: true
ingress_rate: 12.5
richpanel_base_url: http://127.0.0.1:9999
log_level: debug
sqlite_synchronous: full
aws_region: eu-west-1
sqs_queue_url: https://sqs.eu-west-1.amazonaws.com/1/rpmw-staging-events.fifo
flags:
  automation_enabled: true
  template.t_unknown_ack.enabled: false
)");
  const ConfigResult result = load_config(path, env_of({}));
  CAPTURE(all_errors(result));
  REQUIRE(result.ok());
  const auto& c = result.config;
  CHECK(c.config_file == path);
  CHECK(c.profile == "aws");
  CHECK(c.env == "staging");
  CHECK(c.listen == "0.0.0.0:9090");
  CHECK(c.data_dir == "/srv/rpmw");
  CHECK(c.database_path() == "/srv/rpmw/rpmw.sqlite3");
  CHECK(c.workers == 8);
  CHECK(c.webhook_tokens == std::vector<std::string>{kTokenA, kTokenB});
  CHECK(c.webhook_query_token);
  CHECK(c.ingress_rate == 12.5);
  CHECK(c.richpanel_base_url == "http://127.0.0.1:9999");
  CHECK(c.log_level == "debug");
  CHECK(c.sqlite_synchronous == "full");
  CHECK(c.aws_region == "eu-west-1");
  CHECK(c.sqs_queue_url == "https://sqs.eu-west-1.amazonaws.com/1/rpmw-staging-events.fifo");
  CHECK(c.ddb_events_table == "rpmw-staging-events");
  CHECK(c.flags.size() == 2);
  CHECK(c.flags.at("automation_enabled") == "true");
  CHECK(c.flags.at("template.t_unknown_ack.enabled") == "false");
}

TEST_CASE("app/config: the environment wins over the YAML file") {
  UnitTempDir dir;
  const std::string path = dir.file("rpmw.yaml", "workers: 8\nlisten: 0.0.0.0:9090\nenv: dev\n");
  const ConfigResult result =
      load_config(path, env_of({{"RPMW_WORKERS", "3"}, {"RPMW_ENV", "prod"}}));
  CAPTURE(all_errors(result));
  REQUIRE(result.ok());
  CHECK(result.config.workers == 3);
  CHECK(result.config.env == "prod");
  CHECK(result.config.listen == "0.0.0.0:9090");  // not overridden
}

TEST_CASE("app/config: every option is settable from the environment") {
  const ConfigResult result =
      load_config("", env_of({{"RPMW_PROFILE", "aws"},
                              {"RPMW_LISTEN", "[::1]:8081"},
                              {"RPMW_DATA_DIR", "/tmp/x"},
                              {"RPMW_WORKERS", "0"},
                              {"RPMW_WEBHOOK_TOKEN_HEADER", "X-Custom"},
                              {"RPMW_WEBHOOK_QUERY_TOKEN", "yes"},
                              {"RPMW_ADMIN_TOKEN", "admin-token-0123456789"},
                              {"RPMW_MAX_BODY_BYTES", "65536"},
                              {"RPMW_QUEUE_MAX_RECEIVES", "7"},
                              {"RPMW_RICHPANEL_API_KEY", "rp-key"},
                              {"RPMW_RICHPANEL_RATE", "2.5"},
                              {"RPMW_RICHPANEL_BURST", "10"},
                              {"RPMW_LLM_BASE_URL", "http://llm"},
                              {"RPMW_LLM_MODEL", "small"},
                              {"RPMW_AWS_ENDPOINT_URL", "http://localhost:5000"},
                              {"RPMW_AWS_REGION", "eu-west-1"},
                              {"RPMW_SQS_QUEUE_URL", "http://localhost:5000/1/q.fifo"},
                              {"RPMW_LOG_LEVEL", "warn"}}));
  CAPTURE(all_errors(result));
  REQUIRE(result.ok());
  const auto& c = result.config;
  CHECK(c.profile == "aws");
  CHECK(c.listen == "[::1]:8081");
  CHECK(c.data_dir == "/tmp/x");
  CHECK(c.workers == 0);
  CHECK(c.webhook_token_header == "X-Custom");
  CHECK(c.webhook_query_token);
  CHECK(c.admin_token == "admin-token-0123456789");
  CHECK(c.max_body_bytes == 65536);
  CHECK(c.queue_max_receives == 7);
  CHECK(c.richpanel_api_key == "rp-key");
  CHECK(c.richpanel_rate == 2.5);
  CHECK(c.richpanel_burst == 10);
  CHECK(c.llm_base_url == "http://llm");
  CHECK(c.llm_model == "small");
  CHECK(c.aws_endpoint_url == "http://localhost:5000");
  CHECK(c.aws_region == "eu-west-1");
  CHECK(c.sqs_queue_url == "http://localhost:5000/1/q.fifo");
  CHECK(c.log_level == "warn");
}

TEST_CASE("app/config: lists parse from comma strings and YAML sequences") {
  SUBCASE("env, with blanks and empty items") {
    const ConfigResult result = load_config(
        "", env_of({{"RPMW_WEBHOOK_TOKENS", " " + kTokenA + " ,, " + kTokenB + ",\t"}}));
    CAPTURE(all_errors(result));
    REQUIRE(result.ok());
    CHECK(result.config.webhook_tokens == std::vector<std::string>{kTokenA, kTokenB});
  }
  SUBCASE("YAML comma string") {
    UnitTempDir dir;
    const std::string path =
        dir.file("c.yaml", "webhook_tokens: " + kTokenA + "," + kTokenB + "\n");
    const ConfigResult result = load_config(path, env_of({}));
    REQUIRE(result.ok());
    CHECK(result.config.webhook_tokens == std::vector<std::string>{kTokenA, kTokenB});
  }
  SUBCASE("YAML flow sequence") {
    UnitTempDir dir;
    const std::string path =
        dir.file("c.yaml", "webhook_hmac_secrets: [" + kTokenA + ", " + kTokenB + "]\n");
    const ConfigResult result = load_config(path, env_of({}));
    REQUIRE(result.ok());
    CHECK(result.config.webhook_hmac_secrets == std::vector<std::string>{kTokenA, kTokenB});
  }
  SUBCASE("env replaces the YAML list") {
    UnitTempDir dir;
    const std::string path = dir.file("c.yaml", "webhook_tokens: [" + kTokenA + "]\n");
    const ConfigResult result = load_config(path, env_of({{"RPMW_WEBHOOK_TOKENS", kTokenB}}));
    REQUIRE(result.ok());
    CHECK(result.config.webhook_tokens == std::vector<std::string>{kTokenB});
  }
}

TEST_CASE("app/config: flags as a YAML map and as an env string") {
  UnitTempDir dir;
  const std::string path =
      dir.file("c.yaml", "flags:\n  automation_enabled: true\n  safe_mode: false\n");
  const ConfigResult result = load_config(
      path,
      env_of({{"RPMW_FLAGS", "automation_enabled=false,template.t_unknown_ack.enabled=false"}}));
  CAPTURE(all_errors(result));
  REQUIRE(result.ok());
  const auto& flags = result.config.flags;
  CHECK(flags.size() == 3);
  CHECK(flags.at("automation_enabled") == "false");  // env wins per flag
  CHECK(flags.at("safe_mode") == "false");           // from YAML, untouched by env
  CHECK(flags.at("template.t_unknown_ack.enabled") == "false");

  const ConfigResult only_env = load_config("", env_of({{"RPMW_FLAGS", "shadow_mode=true"}}));
  REQUIRE(only_env.ok());
  CHECK(only_env.config.flags.at("shadow_mode") == "true");

  const ConfigResult bad = load_config("", env_of({{"RPMW_FLAGS", "turbo=true"}}));
  CHECK_FALSE(bad.ok());
  CHECK(has_error(bad, "RPMW_FLAGS"));
  CHECK(has_error(bad, "turbo"));

  UnitTempDir bad_dir;
  const std::string bad_path = bad_dir.file("c.yaml", "flags:\n  safe_mode: maybe\n");
  const ConfigResult bad_yaml = load_config(bad_path, env_of({}));
  CHECK_FALSE(bad_yaml.ok());
  CHECK(has_error(bad_yaml, "flags"));
  CHECK(has_error(bad_yaml, "safe_mode"));
}

TEST_CASE("app/config: an unknown YAML key is an error naming it") {
  UnitTempDir dir;
  const std::string path = dir.file("c.yaml", "wokers: 8\nlisten: 0.0.0.0:1\n");
  const ConfigResult result = load_config(path, env_of({}));
  CHECK_FALSE(result.ok());
  CHECK(has_error(result, "wokers"));
  CHECK(has_error(result, path));
  CHECK(result.config.listen == "0.0.0.0:1");  // the other keys still load
}

TEST_CASE("app/config: bad numbers and booleans name the key") {
  SUBCASE("YAML number") {
    UnitTempDir dir;
    const std::string path = dir.file("c.yaml", "workers: many\n");
    const ConfigResult result = load_config(path, env_of({}));
    CHECK_FALSE(result.ok());
    CHECK(has_error(result, "workers"));
    CHECK(has_error(result, "many"));
  }
  SUBCASE("env number") {
    for (const char* bad : {"abc", "4x", "", " 4", "4.5", "99999999999"}) {
      CAPTURE(bad);
      const ConfigResult result = load_config("", env_of({{"RPMW_WORKERS", bad}}));
      CHECK_FALSE(result.ok());
      CHECK(has_error(result, "RPMW_WORKERS"));
      CHECK(has_error(result, "workers"));
    }
  }
  SUBCASE("env double") {
    const ConfigResult result = load_config("", env_of({{"RPMW_INGRESS_RATE", "fast"}}));
    CHECK_FALSE(result.ok());
    CHECK(has_error(result, "ingress_rate"));
  }
  SUBCASE("bool") {
    const ConfigResult result = load_config("", env_of({{"RPMW_WEBHOOK_QUERY_TOKEN", "maybe"}}));
    CHECK_FALSE(result.ok());
    CHECK(has_error(result, "webhook_query_token"));
    for (const char* good : {"true", "1", "yes"}) {
      CHECK(
          load_config("", env_of({{"RPMW_WEBHOOK_QUERY_TOKEN", good}})).config.webhook_query_token);
    }
    for (const char* good : {"false", "0", "no"}) {
      const auto r = load_config("", env_of({{"RPMW_WEBHOOK_QUERY_TOKEN", good}}));
      CHECK(r.ok());
      CHECK_FALSE(r.config.webhook_query_token);
    }
  }
  SUBCASE("nested values deeper than one level") {
    UnitTempDir dir;
    const std::string path =
        dir.file("c.yaml", "flags:\n  safe_mode:\n    value: true\nwebhook_tokens:\n  - [a, b]\n");
    const ConfigResult result = load_config(path, env_of({}));
    CHECK_FALSE(result.ok());
    CHECK(has_error(result, "flags: unsupported value shape"));
    CHECK(has_error(result, "webhook_tokens: unsupported value shape"));
  }
}

TEST_CASE("app/config: validation reports each problem") {
  auto errors_for = [](std::map<std::string, std::string> env) {
    return load_config("", env_of(std::move(env)));
  };
  CHECK(has_error(errors_for({{"RPMW_WORKERS", "65"}}), "workers"));
  CHECK(has_error(errors_for({{"RPMW_WORKERS", "-1"}}), "workers"));
  CHECK(errors_for({{"RPMW_WORKERS", "64"}}).ok());
  CHECK(has_error(errors_for({{"RPMW_WEBHOOK_TOKENS", "short"}}), "webhook_tokens"));
  CHECK(has_error(errors_for({{"RPMW_WEBHOOK_TOKENS", kTokenA + ",fifteen-chars-x"}}),
                  "webhook_tokens"));
  CHECK(errors_for({{"RPMW_WEBHOOK_TOKENS", "sixteen-chars-xx"}}).ok());
  CHECK(has_error(errors_for({{"RPMW_ADMIN_TOKEN", "short"}}), "admin_token"));
  CHECK(has_error(errors_for({{"RPMW_ADMIN_TOKEN", kTokenA}, {"RPMW_WEBHOOK_TOKENS", kTokenA}}),
                  "admin_token"));
  CHECK(has_error(errors_for({{"RPMW_LOG_LEVEL", "loud"}}), "log_level"));
  CHECK(has_error(errors_for({{"RPMW_LOG_LEVEL", "INFO"}}), "log_level"));
  CHECK(has_error(errors_for({{"RPMW_SQLITE_SYNCHRONOUS", "off"}}), "sqlite_synchronous"));
  CHECK(has_error(errors_for({{"RPMW_PROFILE", "gcp"}}), "profile"));
  CHECK(has_error(errors_for({{"RPMW_LISTEN", "8080"}}), "listen"));
  CHECK(has_error(errors_for({{"RPMW_MAX_BODY_BYTES", "100"}}), "max_body_bytes"));
  CHECK(has_error(errors_for({{"RPMW_MAX_JSON_DEPTH", "1"}}), "max_json_depth"));
  CHECK(has_error(errors_for({{"RPMW_QUEUE_MAX_RECEIVES", "0"}}), "queue_max_receives"));
  CHECK(has_error(errors_for({{"RPMW_RICHPANEL_RATE", "0"}}), "richpanel_rate"));
  CHECK(has_error(errors_for({{"RPMW_WEBHOOK_TOKEN_HEADER", ""}}), "webhook_token_header"));

  const ConfigResult several =
      errors_for({{"RPMW_WORKERS", "100"}, {"RPMW_LOG_LEVEL", "loud"}, {"RPMW_PROFILE", "x"}});
  CHECK(several.errors.size() == 3);
}

TEST_CASE("app/config: print_config masks secrets") {
  rpmw::app::Config c;
  c.webhook_tokens = {"webhook-secret-value-1", "webhook-secret-value-2"};
  c.webhook_hmac_secrets = {"hmac-secret-value"};
  c.admin_token = "admin-secret-value";
  c.richpanel_api_key = "richpanel-secret-value";
  c.llm_api_key = "llm-secret-value";
  c.log_salt = "salt-secret-value";
  c.listen = "0.0.0.0:9999";
  c.flags = {{"automation_enabled", "true"}};
  const std::string printed = print_config(c);
  for (const char* secret : {"webhook-secret-value", "hmac-secret-value", "admin-secret-value",
                             "richpanel-secret-value", "llm-secret-value", "salt-secret-value"}) {
    CHECK(printed.find(secret) == std::string::npos);
  }
  CHECK(printed.find("webhook_tokens: \"****\"") != std::string::npos);
  CHECK(printed.find("richpanel_api_key: \"****\"") != std::string::npos);
  CHECK(printed.find("listen: \"0.0.0.0:9999\"") != std::string::npos);
  CHECK(printed.find("flags: \"automation_enabled=true\"") != std::string::npos);
  CHECK(printed.find("workers: \"4\"") != std::string::npos);
  // An unset secret shows as empty, so an operator can tell "missing" from "set".
  CHECK(print_config(rpmw::app::Config{}).find("richpanel_api_key: \"\"") != std::string::npos);
}

TEST_CASE("app/config: RPMW_CONFIG names the file when no path is given") {
  UnitTempDir dir;
  const std::string from_env = dir.file("env.yaml", "workers: 9\n");
  const std::string explicit_path = dir.file("explicit.yaml", "workers: 2\n");

  const ConfigResult via_env = load_config("", env_of({{"RPMW_CONFIG", from_env}}));
  REQUIRE(via_env.ok());
  CHECK(via_env.config.workers == 9);
  CHECK(via_env.config.config_file == from_env);

  const ConfigResult explicit_wins =
      load_config(explicit_path, env_of({{"RPMW_CONFIG", from_env}}));
  REQUIRE(explicit_wins.ok());
  CHECK(explicit_wins.config.workers == 2);
  CHECK(explicit_wins.config.config_file == explicit_path);
}

TEST_CASE("app/config: unreadable or malformed files are errors") {
  UnitTempDir dir;
  const std::string missing = dir.path() + "/missing.yaml";
  const ConfigResult no_file = load_config(missing, env_of({}));
  CHECK_FALSE(no_file.ok());
  CHECK(has_error(no_file, missing));

  const std::string list = dir.file("list.yaml", "- a\n- b\n");
  const ConfigResult not_map = load_config(list, env_of({}));
  CHECK_FALSE(not_map.ok());
  CHECK(has_error(not_map, "mapping"));

  const std::string broken = dir.file("broken.yaml", "workers: [1, 2\n");
  CHECK_FALSE(load_config(broken, env_of({})).ok());

  const std::string empty = dir.file("empty.yaml", "");
  CHECK(load_config(empty, env_of({})).ok());
}

TEST_CASE("app/config: non-finite numbers are refused") {
  // from_chars parses "nan" and "inf"; a NaN rate passes every `< 0` / `<= 0` check and would
  // silently disable the ingress limiter or poison the Richpanel bucket.
  for (const char* key : {"INGRESS_RATE", "INGRESS_BURST", "INGRESS_SOURCE_RATE",
                          "INGRESS_SOURCE_BURST", "RICHPANEL_RATE", "RICHPANEL_BURST"}) {
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity"}) {
      CAPTURE(key);
      CAPTURE(bad);
      std::string lower = key;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const ConfigResult result = load_config("", env_of({{std::string("RPMW_") + key, bad}}));
      CHECK_FALSE(result.ok());
      CHECK(has_error(result, lower));
    }
  }
  CHECK(load_config("", env_of({{"RPMW_INGRESS_RATE", "1e3"}})).config.ingress_rate == 1000.0);
}

TEST_CASE("app/config: ca_bundle must name a readable file") {
  UnitTempDir dir;
  const std::string pem = dir.file("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const ConfigResult ok = load_config("", env_of({{"RPMW_CA_BUNDLE", pem}}));
  CHECK(ok.ok());
  CHECK(ok.config.ca_bundle == pem);
  const ConfigResult missing = load_config("", env_of({{"RPMW_CA_BUNDLE", pem + ".missing"}}));
  CHECK_FALSE(missing.ok());
  CHECK(has_error(missing, "ca_bundle"));
}

TEST_CASE("app/config: the Shopify settings come from RPMW_SHOPIFY_*, the token is a secret") {
  const ConfigResult none = load_config("", env_of({}));
  CHECK(none.config.shopify_shop.empty());
  CHECK(none.config.shopify_api_version == "2024-10");
  const ConfigResult set =
      load_config("", env_of({{"RPMW_SHOPIFY_SHOP", "my-store.myshopify.com"},
                              {"RPMW_SHOPIFY_ACCESS_TOKEN", "shpat_secret_value"},
                              {"RPMW_SHOPIFY_API_VERSION", "2025-01"},
                              {"RPMW_SHOPIFY_BASE_URL", "http://127.0.0.1:9999"}}));
  CAPTURE(all_errors(set));
  REQUIRE(set.ok());
  CHECK(set.config.shopify_shop == "my-store.myshopify.com");
  CHECK(set.config.shopify_access_token == "shpat_secret_value");
  CHECK(set.config.shopify_api_version == "2025-01");
  CHECK(set.config.shopify_base_url == "http://127.0.0.1:9999");
  const std::string printed = print_config(set.config);
  CHECK(printed.find("shpat_secret_value") == std::string::npos);
  CHECK(printed.find("shopify_access_token: \"****\"") != std::string::npos);
  CHECK(printed.find("shopify_shop: \"my-store.myshopify.com\"") != std::string::npos);
}

TEST_CASE("app/config: a Shopify token needs a shop; shop, version and base URL are checked") {
  auto errors_for = [](std::map<std::string, std::string> env) {
    return load_config("", env_of(std::move(env)));
  };
  CHECK(has_error(errors_for({{"RPMW_SHOPIFY_ACCESS_TOKEN", "shpat_x"}}), "shopify_shop"));
  CHECK(errors_for({{"RPMW_SHOPIFY_SHOP", "my-store.myshopify.com"}}).ok());  // fallback off
  CHECK(has_error(errors_for({{"RPMW_SHOPIFY_SHOP", "https://my-store.myshopify.com"}}),
                  "shopify_shop"));
  CHECK(has_error(errors_for({{"RPMW_SHOPIFY_API_VERSION", "latest"}}), "shopify_api_version"));
  CHECK(has_error(errors_for({{"RPMW_SHOPIFY_BASE_URL", "ftp://x"}}), "shopify_base_url"));
  const ConfigResult token_only = errors_for({{"RPMW_SHOPIFY_ACCESS_TOKEN", "shpat_x"}});
  for (const std::string& e : token_only.errors) CHECK(e.find("shpat_x") == std::string::npos);
}
