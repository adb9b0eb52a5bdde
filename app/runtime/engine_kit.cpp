#include "app/runtime/engine_kit.h"

#include <cstdlib>
#include <iostream>

#include "adapters/llm/openai_classifier.h"
#include "adapters/llm/openai_verifier.h"

namespace rpmw::app {

std::unique_ptr<EngineKit> EngineKit::create(const PolicySources& sources,
                                             const EngineOptions& options,
                                             std::vector<std::string>& errors) {
  PolicyLoad load = load_policies(sources);
  if (!load.ok()) {
    errors = std::move(load.errors);
    return nullptr;
  }
  std::unique_ptr<EngineKit> kit(new EngineKit());
  kit->policies_ = std::move(load.set);
  auto tier0 = core::policy::Tier0Screen::build(kit->policies_);
  if (!tier0) {
    errors.push_back("tier0_lexicon.yaml: " + tier0.error().code);
    return nullptr;
  }
  kit->tier0_ = std::move(*tier0);
  auto rules = core::decision::RulesClassifier::build(kit->policies_);
  if (!rules) {
    errors.push_back("rules.yaml: " + rules.error().code);
    return nullptr;
  }
  kit->rules_ = std::move(*rules);
  kit->verifier_ = std::make_unique<core::decision::RulesVerifier>(kit->policies_);
  core::Classifier* llm = options.llm;
  core::Verifier* llm_verifier = options.llm_verifier;
  const LlmOptions& lo = options.llm_options;
  if (llm == nullptr && !lo.base_url.empty()) {
    if (lo.model.empty())
      errors.push_back("llm: RPMW_LLM_MODEL is required with RPMW_LLM_BASE_URL");
    if (lo.verifier != "rules" && lo.verifier != "llm") {
      errors.push_back("llm: RPMW_LLM_VERIFIER must be rules or llm");
    }
    adapters::llm::OpenAiSettings settings;
    settings.base_url = lo.base_url;
    settings.api_key = lo.api_key;
    settings.model = lo.model;
    settings.timeout = lo.timeout;
    settings.attempts = lo.attempts;
    settings.ca_bundle_path = lo.ca_bundle_path;
    settings.vocabulary = kit->policies_.vocabulary();
    auto classifier_prompt = read_policy_file(sources, "prompts/classifier_v1.md");
    auto verifier_prompt = read_policy_file(sources, "prompts/verifier_v1.md");
    if (!classifier_prompt) errors.push_back("policies: prompts/classifier_v1.md not found");
    if (!verifier_prompt) errors.push_back("policies: prompts/verifier_v1.md not found");
    if (!errors.empty()) return nullptr;
    settings.classifier_prompt = *classifier_prompt;
    settings.verifier_prompt = *verifier_prompt;
    kit->llm_ = std::make_unique<adapters::llm::OpenAiClassifier>(settings);
    llm = kit->llm_.get();
    if (lo.verifier == "llm") {
      kit->llm_verifier_ = std::make_unique<adapters::llm::OpenAiVerifier>(settings);
      llm_verifier = kit->llm_verifier_.get();
    }
  }
  kit->engine_ = std::make_unique<core::pipeline::DecisionEngine>(core::pipeline::EngineDeps{
      kit->policies_, *kit->tier0_, core::text::default_redactor(), *kit->rules_, *kit->verifier_,
      llm, llm_verifier, options.orders, options.order_search});
  return kit;
}

LlmOptions llm_options_of(const Config& config) {
  LlmOptions options;
  options.base_url = config.llm_base_url;
  options.api_key = config.llm_api_key;
  options.model = config.llm_model;
  options.verifier = config.llm_verifier;
  options.ca_bundle_path = config.ca_bundle;
  return options;
}

std::unique_ptr<EngineKit> EngineKit::embedded(const EngineOptions& options) {
  std::vector<std::string> errors;
  auto kit = create(PolicySources{}, options, errors);
  if (!kit) {
    for (const std::string& e : errors) std::cerr << "rpmw: embedded policies: " << e << "\n";
    std::abort();
  }
  return kit;
}

}  // namespace rpmw::app
