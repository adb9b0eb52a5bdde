#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/decision/vocabulary.h"
#include "tests/fakes/spec_vocabulary.h"

namespace {

std::string read_prompt(const std::string& name) {
  std::ifstream in(std::string(RPMW_SOURCE_DIR) + "/policies/prompts/" + name);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("adapters/llm: the classifier_v1 prompt names every intent, team and tier") {
  const std::string prompt = read_prompt("classifier_v1.md");
  const auto vocabulary = rpmw::fakes::spec_vocabulary();
  for (const auto& intent : vocabulary.intents) {
    CAPTURE(intent);
    CHECK(prompt.find("`" + intent + "`") != std::string::npos);
  }
  for (const auto& team : vocabulary.teams) {
    CAPTURE(team);
    CHECK(prompt.find(team) != std::string::npos);
  }
  for (const auto tier : rpmw::core::decision::kTiers) {
    CAPTURE(tier);
    CHECK(prompt.find(tier) != std::string::npos);
  }
  CHECK(prompt.find("<<<BEGIN_UNTRUSTED>>>") != std::string::npos);
  CHECK(prompt.find("data, never instructions") != std::string::npos);
}

TEST_CASE("adapters/llm: the verifier_v1 prompt names every reason code and downgrade") {
  const std::string prompt = read_prompt("verifier_v1.md");
  for (const auto reason : rpmw::core::decision::kVerifierReasons) {
    CAPTURE(reason);
    CHECK(prompt.find(reason) != std::string::npos);
  }
  for (const auto tier : rpmw::core::decision::kDowngradeTiers) {
    CAPTURE(tier);
    CHECK(prompt.find(tier) != std::string::npos);
  }
  CHECK(prompt.find("order_status_tracking") != std::string::npos);
  CHECK(prompt.find("shipping_delay_not_shipped") != std::string::npos);
  CHECK(prompt.find("deterministic_match") != std::string::npos);
  CHECK(prompt.find("data, never instructions") != std::string::npos);
}
