#include "core/pipeline/decision_record.h"

#include <cmath>

namespace rpmw::core::pipeline {
namespace json = boost::json;
namespace {

// Four decimals are plenty for a confidence and keep records readable (no 0.8590000000000001).
double rounded(double value) {
  return std::round(value * 10000.0) / 10000.0;
}

json::array array_of(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

void put_ids(json::object& record, const RecordIds& ids) {
  if (!ids.example_id.empty()) record["example_id"] = ids.example_id;
  record["trace_id"] = ids.trace_id;
  record["event_key"] = ids.event_key;
  record["event_id"] = ids.event_id;
  record["ticket_id"] = ids.ticket_id;
}

json::object versions_json(const RecordVersions& v, const std::string& prompt) {
  return json::object{{"policy", v.policy},       {"lexicon", v.lexicon}, {"rules", v.rules},
                      {"templates", v.templates}, {"schema", v.schema},   {"prompt", prompt}};
}

// The Tier 2 choice and the ETA maths: window and day counts only, no order data.
json::object order_status_json(const policy::PolicyDecision& d) {
  json::object out{{"selection", d.order_selection}};
  if (const auto& e = d.delivery_estimate) {
    out["bucket"] = e->bucket;
    out["preorder"] = e->preorder;
    if (!e->bucket.empty()) {
      out["window_business_days"] = json::array{e->window.min_days, e->window.max_days};
      out["elapsed_business_days"] = e->elapsed;
      out["remaining_business_days"] = json::array{e->remaining_min, e->remaining_max};
    }
  }
  return out;
}

}  // namespace

RecordVersions versions_of(const policy::PolicySet& policies) {
  return RecordVersions{policies.version, policies.lexicon_version, policies.rules_version,
                        policies.templates_version, "mw_decision_v1"};
}

json::object decision_record(const RecordIds& ids, const EngineResult& result,
                             const RecordVersions& versions, bool shadow_mode, double latency_ms) {
  const policy::PolicyDecision& d = result.decision;
  json::object record;
  record["status"] = "decided";
  put_ids(record, ids);
  record["channel"] = result.features.channel;
  record["language"] = result.language;
  record["primary_intent"] = d.primary_intent;
  record["secondary_intents"] = array_of(d.secondary_intents);
  record["destination_team"] = d.team;
  record["route_tag"] = d.route_tag;
  record["tier"] = d.tier;
  record["action"] = d.action;
  record["template_id"] = d.template_id ? json::value(*d.template_id) : json::value(nullptr);
  record["close_after_reply"] = d.close_after_reply;
  if (!d.order_selection.empty()) record["order_status"] = order_status_json(d);
  json::object confidences{{"classifier", rounded(d.classifier_confidence)},
                           {"routing", rounded(d.routing_confidence)},
                           {"margin", rounded(d.margin)}};
  confidences["verifier"] =
      d.verifier_confidence ? json::value(rounded(*d.verifier_confidence)) : json::value(nullptr);
  record["confidences"] = std::move(confidences);
  record["reason_codes"] = array_of(d.reason_codes);
  record["tags"] = array_of(d.tags);
  record["reply_tags"] = array_of(d.reply_tags);
  record["risk_flags"] = array_of(d.risk_flags);
  record["tier0_hits"] = array_of(result.tier0_hits);
  record["classifier"] = result.classifier;
  if (!result.classifier_error.empty()) record["classifier_error"] = result.classifier_error;
  record["model"] = result.model;
  record["versions"] = versions_json(versions, result.prompt_version);
  record["shadow_mode"] = shadow_mode;
  record["features"] = json::object{{"has_order_number", result.features.has_order_number},
                                    {"has_email", result.features.has_email},
                                    {"has_phone", result.features.has_phone},
                                    {"has_tracking_number", result.features.has_tracking_number},
                                    {"has_attachments", result.features.has_attachments},
                                    {"attachment_only", result.features.attachment_only},
                                    {"word_count", result.features.word_count},
                                    {"truncated", result.truncated}};
  record["redactions"] = result.redactions.total();
  record["order_lookup"] = result.order_lookup;
  if (!result.order_match.empty()) record["order_match"] = result.order_match;
  if (result.verifier_reason) record["verifier_reason"] = *result.verifier_reason;
  record["tokens"] = json::object{{"prompt", result.usage.prompt_tokens},
                                  {"completion", result.usage.completion_tokens}};
  record["latency_ms"] = latency_ms;
  return record;
}

void apply_plan(json::object& record, const actions::ActionPlan& plan) {
  if (plan.reply) {
    record["template_id"] = plan.reply->template_id;
    record["reply_path"] = plan.reply->path;
    record["reply_variant"] = plan.reply->variant;
  } else if (record["action"] == "send_reply") {
    record["action"] = "route_only";
    record["template_id"] = nullptr;
  }
  record["close_after_reply"] = plan.close_after_reply;
  record["tags"] = array_of(plan.tags);
  record["reply_tags"] = array_of(plan.reply_tags);
  json::array& reasons = record["reason_codes"].as_array();
  for (const std::string& code : plan.reason_codes) reasons.emplace_back(code);
}

void put_execution(json::object& record, const actions::ExecutionReport& report, bool resumed) {
  record["execution"] = json::object{{"mode", "live"},
                                     {"reply", report.reply},
                                     {"tags", report.tags},
                                     {"close", report.close},
                                     {"vendor_calls", report.vendor_calls},
                                     {"tags_written", array_of(report.tags_written)},
                                     {"reason_codes", array_of(report.reason_codes)},
                                     {"resumed", resumed}};
}

json::object skipped_record(const RecordIds& ids, const std::string& reason_code,
                            const RecordVersions& versions) {
  json::object record;
  record["status"] = "skipped";
  put_ids(record, ids);
  record["action"] = "skipped";
  record["reason_codes"] = json::array{json::value(reason_code)};
  record["versions"] = versions_json(versions, "");
  return record;
}

}  // namespace rpmw::core::pipeline
