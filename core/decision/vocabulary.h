#pragma once
// The closed value sets of the output schemas (spec/02). Intents, teams and template ids are policy
// data (policies/), so they arrive as a Vocabulary built from the loaded policy set; the enums the
// schema fixes for every tenant live here.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace rpmw::core::decision {

inline constexpr std::string_view kDecisionSchemaVersion = "mw_decision_v1";
inline constexpr std::string_view kVerifierSchemaVersion = "mw_tier2_verifier_v1";

inline constexpr std::array<std::string_view, 3> kLanguages = {"en", "es", "unknown"};
inline constexpr std::array<std::string_view, 4> kTiers = {
    "TIER_0_ESCALATION", "TIER_1_SAFE_ASSIST", "TIER_2_VERIFIED", "TIER_3_AUTO_ACTION"};
inline constexpr std::array<std::string_view, 3> kActions = {"ROUTE_ONLY", "SEND_TEMPLATE",
                                                             "ACK_ONLY"};
inline constexpr std::array<std::string_view, 5> kRiskFlags = {
    "CHARGEBACK_DISPUTE", "LEGAL_THREAT", "HARASSMENT_THREATS", "FRAUD_SUSPECTED",
    "OTHER_HIGH_RISK"};
inline constexpr std::array<std::string_view, 6> kClarifyingQuestions = {
    "ASK_ORDER_NUMBER",   "ASK_EMAIL_OR_PHONE", "ASK_SHIPPING_ZIP",
    "ASK_PHOTO_OR_VIDEO", "ASK_PRODUCT_MODEL",  "ASK_TROUBLESHOOTING_DETAILS"};
inline constexpr std::array<std::string_view, 3> kDowngradeTiers = {
    "TIER_1_SAFE_ASSIST", "ROUTE_ONLY", "TIER_0_ESCALATION"};
inline constexpr std::array<std::string_view, 6> kVerifierReasons = {"OK",
                                                                     "NOT_ORDER_STATUS",
                                                                     "CONFLICTING_INTENT",
                                                                     "DETERMINISTIC_MATCH_FALSE",
                                                                     "TOO_AMBIGUOUS",
                                                                     "ESCALATION_PRESENT"};

inline constexpr std::size_t kMaxSecondaryIntents = 2;
inline constexpr std::size_t kMaxRoutingTags = 12;
inline constexpr std::size_t kMaxRiskFlags = 3;
inline constexpr std::size_t kMaxClarifyingQuestions = 3;
inline constexpr std::size_t kMaxNotesForAgent = 500;
inline constexpr std::size_t kMaxVerifierNotes = 300;

// The tenant's value sets, from the policy set (intent ids, team names, catalog template ids).
struct Vocabulary {
  std::vector<std::string> intents;
  std::vector<std::string> teams;
  std::vector<std::string> templates;
};

}  // namespace rpmw::core::decision
