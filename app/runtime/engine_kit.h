#pragma once
// Everything the decision engine needs, built once from the policy files: the policy set, the
// Tier 0 screen, the redactor, the rules classifier and verifier. Shared by serve, worker,
// replay, eval, the benchmarks and the tests.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "app/policy/policy_loader.h"
#include "core/decision/rules_classifier.h"
#include "core/decision/rules_verifier.h"
#include "core/pipeline/decision_engine.h"

namespace rpmw::app {

// An OpenAI-compatible endpoint (empty base_url: none; the rules classifier decides).
struct LlmOptions {
  std::string base_url;
  std::string api_key;
  std::string model;
  std::string verifier = "rules";  // rules | llm: who verifies Tier 2 while the LLM classifies
  std::chrono::milliseconds timeout{10000};
  int attempts = 2;
  std::string ca_bundle_path;  // empty: the system trust store
};

struct EngineOptions {
  core::Classifier* llm = nullptr;  // injected (tests); else built from `llm_options`
  core::Verifier* llm_verifier = nullptr;
  core::OrderSource* orders = nullptr;
  core::OrderSearch* order_search = nullptr;  // the Shopify fallback, when configured
  LlmOptions llm_options;
};

LlmOptions llm_options_of(const Config& config);

class EngineKit {
 public:
  // Errors: one readable line per problem (policy files, lexicon patterns).
  static std::unique_ptr<EngineKit> create(const PolicySources& sources,
                                           const EngineOptions& options,
                                           std::vector<std::string>& errors);
  // The embedded policies; aborts on error (they are validated at build/test time).
  static std::unique_ptr<EngineKit> embedded(const EngineOptions& options = {});

  const core::policy::PolicySet& policies() const { return policies_; }
  const core::pipeline::DecisionEngine& engine() const { return *engine_; }
  core::Classifier& rules() { return *rules_; }
  bool has_llm() const { return llm_ != nullptr; }

 private:
  EngineKit() = default;
  core::policy::PolicySet policies_;
  std::unique_ptr<core::policy::Tier0Screen> tier0_;
  std::unique_ptr<core::decision::RulesClassifier> rules_;
  std::unique_ptr<core::decision::RulesVerifier> verifier_;
  std::unique_ptr<core::Classifier> llm_;
  std::unique_ptr<core::Verifier> llm_verifier_;
  std::unique_ptr<core::pipeline::DecisionEngine> engine_;
};

}  // namespace rpmw::app
