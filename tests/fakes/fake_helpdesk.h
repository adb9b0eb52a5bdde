#pragma once
// An in-memory helpdesk: tickets in a map, every call recorded, failures injectable.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/helpdesk.h"

namespace rpmw::fakes {

struct HelpdeskCall {
  // get_ticket | add_tags | remove_tags | send_message | add_public_comment | set_status
  std::string method;
  std::string ticket_id;
  std::vector<std::string> tags;
  std::string body;
  std::string author_id;
  std::string status;
};

class FakeHelpdesk final : public core::Helpdesk {
 public:
  void put_ticket(core::Ticket ticket);
  std::optional<core::Ticket> ticket(const std::string& ticket_id) const;

  std::vector<HelpdeskCall> calls() const;
  std::size_t count(std::string_view method) const;
  // The next call of `method` (of any method when empty) fails with `error` and changes
  // nothing. Failures queue up and are used in the order given.
  void fail_next(core::Error error, std::string method = {});
  // The next call of `method` does its work and then fails with `error` (a 5xx or timeout after
  // the write landed).
  void fail_next_after_applying(core::Error error, std::string method);
  // Reads leave out operator comments (a read-back that does not show the reply yet).
  void hide_operator_comments(bool hide);

  core::Result<core::Ticket> get_ticket(const std::string& ticket_id) override;
  core::Status add_tags(const std::string& ticket_id,
                        const std::vector<std::string>& tags) override;
  core::Status remove_tags(const std::string& ticket_id,
                           const std::vector<std::string>& tags) override;
  core::Status send_message(const std::string& ticket_id, const std::string& body,
                            const std::string& author_id) override;
  core::Status add_public_comment(const std::string& ticket_id, const std::string& body) override;
  core::Status set_status(const std::string& ticket_id, const std::string& status) override;

 private:
  struct Failure {
    std::string method;
    core::Error error;
    bool after_applying = false;
  };
  // Records the call, then returns the injected failure or the ticket (not_found when absent).
  // Caller holds mutex_.
  core::Result<core::Ticket*> begin(HelpdeskCall call);
  core::Status append_operator_comment(HelpdeskCall call);
  // The failure to report after a call that did its work, if one was armed. Caller holds mutex_.
  core::Status applied();

  mutable std::mutex mutex_;
  std::map<std::string, core::Ticket> tickets_;
  std::vector<HelpdeskCall> calls_;
  std::deque<Failure> failures_;
  std::optional<core::Error> after_applying_;
  bool hide_operator_comments_ = false;
  int next_comment_ = 1;
};

}  // namespace rpmw::fakes
