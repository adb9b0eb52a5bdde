#pragma once
// The v1 intents, teams and catalog template ids of spec/02, as a Vocabulary for tests (the real
// one is built from the loaded policy set).
#include "core/decision/vocabulary.h"

namespace rpmw::fakes {

inline core::decision::Vocabulary spec_vocabulary() {
  return {
      .intents = {"chargeback_dispute",
                  "legal_threat",
                  "harassment_threats",
                  "fraud_suspected",
                  "cancel_order",
                  "address_change_order_edit",
                  "cancel_subscription",
                  "billing_issue",
                  "delivered_not_received",
                  "missing_items_in_shipment",
                  "wrong_item_received",
                  "damaged_item",
                  "return_request",
                  "exchange_request",
                  "refund_request",
                  "order_status_tracking",
                  "shipping_delay_not_shipped",
                  "technical_support",
                  "phone_support_request",
                  "tiktok_support_request",
                  "social_media_support_request",
                  "promo_discount_issue",
                  "pre_purchase_question",
                  "influencer_marketing_inquiry",
                  "unknown_other"},
      .teams = {"Sales Team", "Backend Team", "Technical Support Team", "Phone Support Team",
                "TikTok Support", "Returns Admin", "LiveChat Support", "Leadership Team",
                "Social Media Team", "Email Support Team", "Chargebacks / Disputes Team"},
      .templates = {"t_chargeback_neutral_ack",
                    "t_legal_threat_ack",
                    "t_harassment_ack",
                    "t_fraud_ack",
                    "t_cancel_order_ack_intake",
                    "t_address_change_ack_intake",
                    "t_cancel_subscription_ack_intake",
                    "t_billing_issue_intake",
                    "t_delivered_not_received_intake",
                    "t_missing_items_intake",
                    "t_wrong_item_intake",
                    "t_damaged_item_intake",
                    "t_return_request_intake",
                    "t_exchange_request_intake",
                    "t_refund_request_intake",
                    "t_order_status_ask_order_number",
                    "t_order_status_verified",
                    "t_order_eta_no_tracking_verified",
                    "t_shipping_delay_verified",
                    "t_technical_support_intake",
                    "t_promo_discount_info",
                    "t_pre_purchase_info",
                    "t_influencer_inquiry_route",
                    "t_unknown_ack"},
  };
}

}  // namespace rpmw::fakes
