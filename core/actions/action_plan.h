#pragma once
// What the action layer will do for one decision (spec/03 "Order of actions"): the rendered reply
// and its path, the one add-tags call, and the close. Planning is pure; the plan (without the
// reply text) is stored before the first Richpanel write so a retry after a crash resumes the
// same plan instead of deciding again (its own tags would otherwise look like a follow-up).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/common/error.h"
#include "core/policy/policy_engine.h"
#include "core/templates/catalog.h"

namespace rpmw::core::actions {

inline constexpr const char* kPathSendMessage = "send_message";  // email: reaches the inbox
inline constexpr const char* kPathComment = "comment";           // other channels: public comment

struct PlannedReply {
  std::string template_id;
  std::string tier;     // TIER_1_SAFE_ASSIST | TIER_2_VERIFIED
  std::string path;     // kPathSendMessage | kPathComment
  std::string variant;  // the catalog variant rendered
  std::string fingerprint;
  std::string body;      // never stored or logged
  bool blocked = false;  // a kill switch came on: confirm a send that landed, never send
};

struct ActionPlan {
  std::vector<std::string> tags;        // always written, in the one add-tags call
  std::vector<std::string> reply_tags;  // added to that call when the reply was sent
  std::optional<PlannedReply> reply;
  bool close_after_reply = false;
  std::vector<std::string> reason_codes;  // what planning changed (downgrades, missing author)
};

struct PlanContext {
  const templates::Catalog& catalog;
  std::string channel;        // canonical channel of the ticket
  std::string bot_author_id;  // Richpanel agent user for email replies; empty: not configured
  // Whether a template may be sent (its flag); used for the downgrade target.
  std::function<bool(const std::string& template_id)> template_enabled;
};

// Reason codes planning adds to the decision record.
namespace plan_reason {
inline constexpr const char* kVarsMissing = "template_vars_missing_downgraded";
inline constexpr const char* kRenderFailed = "template_render_failed";
inline constexpr const char* kBotAuthorMissing = "bot_author_missing";
inline constexpr const char* kAutoCloseRefused = "auto_close_not_permitted";
}  // namespace plan_reason

// The Tier 1 template a Tier 2 reply falls back to when its order facts cannot be rendered.
inline constexpr const char* kTier2FallbackTemplate = "t_order_status_ask_order_number";

// Renders the decision's template for the channel (downgrading on a missing required variable:
// Tier 2 → the Tier 1 ask template, Tier 1 → route-only; never a half-rendered reply), chooses
// the reply path, and applies the auto-close invariant.
ActionPlan plan_actions(const policy::PolicyDecision& decision, const PlanContext& context);

// The one place a close is allowed (spec/03): a verified Tier 2 reply of a template the catalog
// marks auto_close. The planner and the executor both ask it.
bool auto_close_permitted(const PlannedReply& reply, const templates::Catalog& catalog);

// Failure tags written instead of the reply tags when a planned reply could not be sent.
std::vector<std::string> send_failed_tags();

// The stored form (no reply text) and back. A plan read back has an empty reply body.
boost::json::object plan_to_json(const ActionPlan& plan);
Result<ActionPlan> plan_from_json(const boost::json::value& value);

}  // namespace rpmw::core::actions
