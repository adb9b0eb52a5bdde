#pragma once
// The helpdesk (Richpanel) as the core sees it. Adapters map the vendor's JSON to these types.
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace rpmw::core {

struct Comment {
  std::string id;
  std::string author_id;
  std::string created_at;  // ISO-8601
  std::string body_html;
  std::string plain_body;
  bool is_operator = false;
  int attachment_count = 0;
};

struct Ticket {
  std::string id;
  std::string number;
  std::string status;   // OPEN | CLOSED
  std::string channel;  // email, livechat, social, tiktok, phone, unknown
  std::string subject;
  std::vector<std::string> tags;
  std::vector<Comment> comments;  // oldest first
  // PII: held in memory for the deterministic order match only; never logged or recorded.
  std::string customer_email;
  std::string customer_phone;
};

class Helpdesk {
 public:
  virtual ~Helpdesk() = default;
  virtual Result<Ticket> get_ticket(const std::string& ticket_id) = 0;
  virtual Status add_tags(const std::string& ticket_id, const std::vector<std::string>& tags) = 0;
  virtual Status remove_tags(const std::string& ticket_id,
                             const std::vector<std::string>& tags) = 0;
  // Email path: reaches the customer's inbox.
  virtual Status send_message(const std::string& ticket_id, const std::string& body,
                              const std::string& author_id) = 0;
  // Non-email channels: a public operator comment.
  virtual Status add_public_comment(const std::string& ticket_id, const std::string& body) = 0;
  virtual Status set_status(const std::string& ticket_id, const std::string& status) = 0;
};

}  // namespace rpmw::core
