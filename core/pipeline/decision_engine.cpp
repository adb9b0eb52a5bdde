#include "core/pipeline/decision_engine.h"

#include "core/orders/contact_match.h"
#include "core/orders/order_number.h"
#include "core/text/normalize.h"

namespace rpmw::core::pipeline {

std::string comment_text(const Comment& comment, bool& is_html) {
  is_html = comment.plain_body.empty() && !comment.body_html.empty();
  return is_html ? comment.body_html : comment.plain_body;
}

policy::Tier2Evidence DecisionEngine::find_order(const EngineInput& input,
                                                 std::string_view normalized_text,
                                                 EngineResult& result) const {
  policy::Tier2Evidence evidence;
  if (deps_.orders == nullptr) return evidence;
  result.order_lookup = true;
  result.order_match = "none";
  auto links = deps_.orders->linked_orders(input.ticket.id);
  if (!links) {
    evidence.lookup_failed = true;
    return evidence;
  }
  evidence.linked_orders = static_cast<int>(links->size());
  if (links->size() == 1) {
    auto order = deps_.orders->get_order(links->front());
    if (order) {
      evidence.order = std::move(*order);
      result.order_match = "richpanel_link";
    } else {
      evidence.lookup_failed = true;
    }
    return evidence;
  }
  // Several links stay ambiguous; the fallback is only for a ticket Richpanel links nothing to.
  if (!links->empty() || !input.flags.shopify_fallback || deps_.order_search == nullptr) {
    return evidence;
  }
  const OrderQuery query{orders::extract_order_numbers(normalized_text),
                         input.ticket.customer_email, input.ticket.customer_phone};
  orders::ContactLookup found = orders::lookup_by_contact(*deps_.order_search, query);
  if (found.error) {
    // As a failed Richpanel lookup: the ask-for-the-order-number reply, mw-order-lookup-failed.
    evidence.lookup_failed = true;
    result.order_match = "shopify_error";
  } else if (found.order) {
    evidence.order = std::move(*found.order);
    evidence.linked_orders = 1;
    result.order_match = "shopify_contact";
  }
  return evidence;
}

EngineResult DecisionEngine::run(const EngineInput& input) const {
  EngineResult result;
  bool is_html = false;
  const std::string raw = comment_text(input.latest, is_html);
  const text::NormalizedText normalized = text::normalize(raw, is_html);
  result.truncated = normalized.truncated;
  // One redaction pass serves both the features (has_email, …) and the classifier input.
  text::Redacted redacted = deps_.redactor.redact(normalized.text);
  result.redactions = redacted.counts;
  result.features = text::extract_features(
      normalized.text,
      text::FeatureContext{input.ticket.channel, input.latest.attachment_count, input.ticket.tags},
      redacted.counts);
  result.language = result.features.language;

  policy::DecisionContext context;
  context.flags = input.flags;
  context.channel = result.features.channel;
  context.word_count = result.features.word_count;
  context.attachment_only = result.features.attachment_only;
  context.ticket_closed = input.ticket.status == "CLOSED";
  context.ticket_tags = input.ticket.tags;
  context.conversation = input.conversation;
  context.now = input.now;
  context.tier0 = deps_.tier0.screen(normalized.text);
  for (const policy::Tier0Hit& hit : context.tier0.hits) result.tier0_hits.push_back(hit.intent);

  ClassifierInput classifier_input;
  classifier_input.redacted_text = std::move(redacted.text);
  classifier_input.channel = result.features.channel;
  classifier_input.language = result.features.language;
  classifier_input.ticket_tags = input.ticket.tags;
  classifier_input.attachment_only = result.features.attachment_only;
  classifier_input.has_order_number = result.features.has_order_number;
  classifier_input.word_count = result.features.word_count;
  classifier_input.tier0_screen_hits = result.tier0_hits;

  policy::ClassifierOutcome outcome;
  const bool use_llm = deps_.llm != nullptr && input.flags.llm_enabled;
  if (use_llm) {
    auto answer = deps_.llm->classify(classifier_input);
    if (answer) {
      outcome.decision = std::move(*answer);
      outcome.classifier = "llm";
    } else if (answer.error().code == "schema_invalid") {
      outcome.kind = policy::ClassifierOutcome::Kind::schema_invalid;
      outcome.error_code = answer.error().code;
      outcome.classifier = "llm";
    } else {
      // The LLM is unavailable: the rules classifier routes, nothing is sent.
      outcome.error_code = answer.error().code;
      outcome.kind = policy::ClassifierOutcome::Kind::fallback;
      outcome.classifier = "rules_fallback";
    }
  }
  if (!use_llm || outcome.kind == policy::ClassifierOutcome::Kind::fallback) {
    auto answer = deps_.rules.classify(classifier_input);
    if (answer) {
      outcome.decision = std::move(*answer);
      if (!use_llm) outcome.classifier = "rules";
    } else {
      outcome.kind = policy::ClassifierOutcome::Kind::unavailable;
      outcome.error_code = answer.error().code;
      outcome.classifier = "none";
    }
  }
  if (outcome.decision) {
    result.model = outcome.decision->model;
    result.prompt_version = outcome.decision->prompt_version;
    result.usage = outcome.decision->usage;
  }
  result.outcome = outcome.kind;
  result.classifier = outcome.classifier;
  result.classifier_error = outcome.error_code;

  policy::PolicyDecision decision = policy_.decide(outcome, context);
  if (decision.tier2_candidate) {
    policy::Tier2Evidence evidence = find_order(input, normalized.text, result);
    if (evidence.order) {
      VerifierInput verifier_input;
      verifier_input.redacted_text = classifier_input.redacted_text;
      verifier_input.channel = classifier_input.channel;
      verifier_input.primary_intent = decision.primary_intent;
      verifier_input.secondary_intents = decision.secondary_intents;
      verifier_input.deterministic_match = true;
      Verifier& verifier = use_llm && deps_.llm_verifier != nullptr &&
                                   outcome.kind == policy::ClassifierOutcome::Kind::ok
                               ? *deps_.llm_verifier
                               : deps_.rules_verifier;
      auto verdict = verifier.verify(verifier_input);
      if (verdict) {
        result.verifier_reason = verdict->reason_code;
        result.usage.prompt_tokens += verdict->usage.prompt_tokens;
        result.usage.completion_tokens += verdict->usage.completion_tokens;
        evidence.verifier = std::move(*verdict);
      } else {
        result.verifier_reason = verdict.error().code;
      }
    }
    decision = policy_.finish_tier2(std::move(decision), evidence, context);
  }
  result.decision = std::move(decision);
  return result;
}

}  // namespace rpmw::core::pipeline
