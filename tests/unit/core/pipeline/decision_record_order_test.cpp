#include <doctest/doctest.h>

#include "core/pipeline/decision_record.h"

using rpmw::core::pipeline::decision_record;
using rpmw::core::pipeline::EngineResult;

TEST_CASE("core/pipeline: the record carries the Tier 2 selection and ETA numbers, no order data") {
  EngineResult result;
  namespace json = boost::json;
  CHECK_FALSE(decision_record({}, result, {}, false, 1.0).contains("order_status"));

  result.decision.order_selection = "tracking";
  CHECK(decision_record({}, result, {}, false, 1.0).at("order_status") ==
        json::value(json::object{{"selection", "tracking"}}));

  rpmw::core::orders::DeliveryEstimate e;
  e.status = rpmw::core::orders::EtaStatus::within_window;
  e.bucket = "standard";
  e.window = {3, 5};
  e.elapsed = 2;
  e.remaining_min = 1;
  e.remaining_max = 3;
  e.eta_remaining_human = "1-3 business days";
  result.decision.order_selection = "eta_within_window";
  result.decision.delivery_estimate = e;
  result.decision.template_vars = {{"order_id", "#1042063"}};
  const json::object record = decision_record({}, result, {}, false, 1.0);
  CHECK(record.at("order_status") ==
        json::value(json::object{{"selection", "eta_within_window"},
                                 {"bucket", "standard"},
                                 {"preorder", false},
                                 {"window_business_days", json::array{3, 5}},
                                 {"elapsed_business_days", 2},
                                 {"remaining_business_days", json::array{1, 3}}}));
  CHECK(json::serialize(record).find("1042063") == std::string::npos);  // vars stay out
}
