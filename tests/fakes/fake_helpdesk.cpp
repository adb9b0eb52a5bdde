#include "tests/fakes/fake_helpdesk.h"

#include <algorithm>
#include <utility>

namespace rpmw::fakes {

namespace {
HelpdeskCall make_call(std::string method, const std::string& ticket_id,
                       std::vector<std::string> tags = {}, std::string body = {},
                       std::string author_id = {}, std::string status = {}) {
  HelpdeskCall call;
  call.method = std::move(method);
  call.ticket_id = ticket_id;
  call.tags = std::move(tags);
  call.body = std::move(body);
  call.author_id = std::move(author_id);
  call.status = std::move(status);
  return call;
}
}  // namespace

void FakeHelpdesk::put_ticket(core::Ticket ticket) {
  std::lock_guard lock(mutex_);
  std::string id = ticket.id;
  tickets_[std::move(id)] = std::move(ticket);
}

std::optional<core::Ticket> FakeHelpdesk::ticket(const std::string& ticket_id) const {
  std::lock_guard lock(mutex_);
  const auto it = tickets_.find(ticket_id);
  if (it == tickets_.end()) return std::nullopt;
  return it->second;
}

std::vector<HelpdeskCall> FakeHelpdesk::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t FakeHelpdesk::count(std::string_view method) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(calls_.begin(), calls_.end(),
                    [method](const HelpdeskCall& c) { return c.method == method; }));
}

void FakeHelpdesk::fail_next(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push_back(Failure{std::move(method), std::move(error)});
}

void FakeHelpdesk::fail_next_after_applying(core::Error error, std::string method) {
  std::lock_guard lock(mutex_);
  failures_.push_back(Failure{std::move(method), std::move(error), true});
}

void FakeHelpdesk::hide_operator_comments(bool hide) {
  std::lock_guard lock(mutex_);
  hide_operator_comments_ = hide;
}

core::Status FakeHelpdesk::applied() {
  if (!after_applying_) return {};
  core::Error error = std::move(*after_applying_);
  after_applying_.reset();
  return tl::unexpected(std::move(error));
}

core::Result<core::Ticket*> FakeHelpdesk::begin(HelpdeskCall call) {
  after_applying_.reset();
  const std::string method = call.method;
  const std::string ticket_id = call.ticket_id;
  calls_.push_back(std::move(call));
  const auto failure = std::find_if(failures_.begin(), failures_.end(), [&](const Failure& f) {
    return f.method.empty() || f.method == method;
  });
  if (failure != failures_.end()) {
    core::Error error = std::move(failure->error);
    const bool after = failure->after_applying;
    failures_.erase(failure);
    if (!after) return tl::unexpected(std::move(error));
    after_applying_ = std::move(error);
  }
  const auto it = tickets_.find(ticket_id);
  if (it == tickets_.end()) return core::fail(core::ErrorKind::not_found, "ticket_not_found");
  return &it->second;
}

core::Result<core::Ticket> FakeHelpdesk::get_ticket(const std::string& ticket_id) {
  std::lock_guard lock(mutex_);
  auto ticket = begin(make_call("get_ticket", ticket_id));
  if (!ticket) return tl::unexpected(ticket.error());
  core::Ticket copy = **ticket;
  if (hide_operator_comments_) {
    std::erase_if(copy.comments, [](const core::Comment& c) { return c.is_operator; });
  }
  if (auto failed = applied(); !failed) return tl::unexpected(failed.error());
  return copy;
}

core::Status FakeHelpdesk::add_tags(const std::string& ticket_id,
                                    const std::vector<std::string>& tags) {
  std::lock_guard lock(mutex_);
  auto ticket = begin(make_call("add_tags", ticket_id, tags));
  if (!ticket) return tl::unexpected(ticket.error());
  auto& existing = (*ticket)->tags;
  for (const auto& tag : tags) {
    if (std::find(existing.begin(), existing.end(), tag) == existing.end()) existing.push_back(tag);
  }
  return applied();
}

core::Status FakeHelpdesk::remove_tags(const std::string& ticket_id,
                                       const std::vector<std::string>& tags) {
  std::lock_guard lock(mutex_);
  auto ticket = begin(make_call("remove_tags", ticket_id, tags));
  if (!ticket) return tl::unexpected(ticket.error());
  auto& existing = (*ticket)->tags;
  std::erase_if(existing, [&tags](const std::string& tag) {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
  });
  return {};
}

core::Status FakeHelpdesk::append_operator_comment(HelpdeskCall call) {
  std::string body = call.body;
  std::string author_id = call.author_id;
  auto ticket = begin(std::move(call));
  if (!ticket) return tl::unexpected(ticket.error());
  core::Comment comment;
  comment.id = "fake-comment-" + std::to_string(next_comment_++);
  comment.author_id = std::move(author_id);
  comment.body_html = body;
  comment.plain_body = std::move(body);
  comment.is_operator = true;
  (*ticket)->comments.push_back(std::move(comment));
  return applied();
}

core::Status FakeHelpdesk::send_message(const std::string& ticket_id, const std::string& body,
                                        const std::string& author_id) {
  std::lock_guard lock(mutex_);
  return append_operator_comment(make_call("send_message", ticket_id, {}, body, author_id));
}

core::Status FakeHelpdesk::add_public_comment(const std::string& ticket_id,
                                              const std::string& body) {
  std::lock_guard lock(mutex_);
  return append_operator_comment(make_call("add_public_comment", ticket_id, {}, body));
}

core::Status FakeHelpdesk::set_status(const std::string& ticket_id, const std::string& status) {
  std::lock_guard lock(mutex_);
  auto ticket = begin(make_call("set_status", ticket_id, {}, {}, {}, status));
  if (!ticket) return tl::unexpected(ticket.error());
  // The real API only takes upper-case OPEN / CLOSED; anything else is a 4xx there.
  if (status != "OPEN" && status != "CLOSED") {
    return core::fail(core::ErrorKind::permanent, "invalid_status");
  }
  (*ticket)->status = status;
  return applied();
}

}  // namespace rpmw::fakes
