#pragma once
// The PII-free decision record of spec/02: what policy.decision.made carries, what the state store
// keeps for audit and the admin API, and what `rpmw replay --json` prints. Only ids, machine codes,
// numbers and booleans: no customer text can reach it.
#include <string>

#include <boost/json.hpp>

#include "core/actions/action_executor.h"
#include "core/actions/action_plan.h"
#include "core/pipeline/decision_engine.h"

namespace rpmw::core::pipeline {

struct RecordIds {
  std::string trace_id;
  std::string event_key;
  std::string event_id;
  std::string ticket_id;
  std::string example_id;  // replay/eval only
};

struct RecordVersions {
  std::string policy;
  std::string lexicon;
  std::string rules;
  std::string templates;
  std::string schema = "mw_decision_v1";
};

RecordVersions versions_of(const policy::PolicySet& policies);

boost::json::object decision_record(const RecordIds& ids, const EngineResult& result,
                                    const RecordVersions& versions, bool shadow_mode,
                                    double latency_ms);

// What the action layer will really do: a downgraded or dropped reply changes the action, the
// template and the tags; planning's reason codes are added.
void apply_plan(boost::json::object& record, const actions::ActionPlan& plan);

// The "execution" object: reply/tags/close outcomes, vendor calls, and whether it resumed.
void put_execution(boost::json::object& record, const actions::ExecutionReport& report,
                   bool resumed);

// A record for an event that was not decided (duplicate, operator comment last, no text).
boost::json::object skipped_record(const RecordIds& ids, const std::string& reason_code,
                                   const RecordVersions& versions);

}  // namespace rpmw::core::pipeline
