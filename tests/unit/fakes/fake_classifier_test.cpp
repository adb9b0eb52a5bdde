#include "tests/fakes/fake_classifier.h"

#include <doctest/doctest.h>

#include "tests/fakes/fake_verifier.h"

using rpmw::core::ErrorKind;

TEST_CASE("fakes: FakeClassifier answers its decision or error and counts calls") {
  rpmw::core::ClassifierDecision decision;
  decision.primary_intent = "order_status";
  decision.model = "rules";
  rpmw::fakes::FakeClassifier classifier(decision);

  rpmw::core::ClassifierInput input;
  input.redacted_text = "where is my order";
  input.channel = "email";
  const auto first = classifier.classify(input);
  REQUIRE(first.has_value());
  CHECK(first->primary_intent == "order_status");
  CHECK(classifier.calls() == 1);
  CHECK(classifier.last_input()->redacted_text == "where is my order");

  classifier.set_error({ErrorKind::transient, "llm_timeout", std::nullopt});
  const auto failed = classifier.classify(input);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == "llm_timeout");

  decision.primary_intent = "refund_request";
  classifier.set_decision(decision);
  classifier.push(tl::unexpected(rpmw::core::Error{ErrorKind::rate_limited, "llm_429", {}}));
  CHECK(classifier.classify(input).error().code == "llm_429");
  CHECK(classifier.classify(input)->primary_intent == "refund_request");
  CHECK(classifier.calls() == 4);
}

TEST_CASE("fakes: FakeVerifier answers its result or error and counts calls") {
  rpmw::core::VerifierResult result;
  result.allow_tier2 = true;
  result.confidence = 0.9;
  rpmw::fakes::FakeVerifier verifier(result);

  rpmw::core::VerifierInput input;
  input.primary_intent = "order_status";
  CHECK(verifier.verify(input)->allow_tier2);
  CHECK(verifier.last_input()->primary_intent == "order_status");

  verifier.set_error({ErrorKind::permanent, "schema_invalid", std::nullopt});
  CHECK(verifier.verify(input).error().kind == ErrorKind::permanent);

  result.allow_tier2 = false;
  result.downgrade_to_tier = "tier1";
  verifier.set_result(result);
  verifier.push(result);
  CHECK(verifier.verify(input)->downgrade_to_tier == "tier1");
  CHECK_FALSE(verifier.verify(input)->allow_tier2);
  CHECK(verifier.calls() == 4);
}
