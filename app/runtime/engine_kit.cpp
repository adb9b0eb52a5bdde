#include "app/runtime/engine_kit.h"

#include <cstdlib>
#include <iostream>

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
  kit->redactor_ = std::make_unique<core::text::Redactor>();
  kit->verifier_ = std::make_unique<core::decision::RulesVerifier>(kit->policies_);
  kit->engine_ = std::make_unique<core::pipeline::DecisionEngine>(core::pipeline::EngineDeps{
      kit->policies_, *kit->tier0_, *kit->redactor_, *kit->rules_, *kit->verifier_, options.llm,
      options.llm_verifier, options.orders});
  return kit;
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
