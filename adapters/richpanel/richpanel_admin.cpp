#include "adapters/richpanel/richpanel_admin.h"

#include "adapters/http/json_fields.h"

#include <charconv>
#include <utility>

#include "adapters/richpanel/richpanel_mapping.h"

namespace rpmw::adapters::richpanel {
namespace json = boost::json;
using core::ErrorKind;

namespace {

std::string text_at(const json::object& o, std::string_view key) {
  return http::json_text(o, key);
}

std::optional<long> whole_number(std::string_view text) {
  long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The page `next_page` points at: a number, a numeric string, or a URL with page=N. nullopt:
// no next page. Anything that does not move forward becomes current + 1 (the cap ends it).
std::optional<long> next_page_of(const json::object& top, long current) {
  const json::value* next = top.if_contains("next_page");
  if (next == nullptr || next->is_null()) return std::nullopt;
  if (next->is_bool() && !next->get_bool()) return std::nullopt;
  std::optional<long> page;
  if (next->is_int64()) page = next->get_int64();
  if (next->is_uint64()) page = static_cast<long>(next->get_uint64());
  if (next->is_string()) {
    const std::string_view text = next->get_string();
    if (text.empty()) return std::nullopt;
    page = whole_number(text);
    for (std::size_t at = text.find("page="); !page && at != std::string_view::npos;
         at = text.find("page=", at + 1)) {
      const bool whole_name = at == 0 || text[at - 1] == '?' || text[at - 1] == '&';
      if (!whole_name) continue;
      const std::string_view rest = text.substr(at + 5);
      page = whole_number(rest.substr(0, rest.find('&')));
    }
  }
  if (!page || *page <= current) return current + 1;
  return page;
}

// The list in an answer: under the first of `keys` present, or the answer itself as an array.
const json::array* items_of(const json::value& answer, const std::vector<std::string_view>& keys) {
  if (const auto* bare = answer.if_array()) return bare;
  const auto* top = answer.if_object();
  if (top == nullptr) return nullptr;
  for (const std::string_view key : keys) {
    if (const json::value* v = top->if_contains(key); v != nullptr && v->is_array()) {
      return &v->get_array();
    }
  }
  return nullptr;
}

}  // namespace

RichpanelAdmin::RichpanelAdmin(std::shared_ptr<RichpanelApi> api, int max_pages)
    : api_(std::move(api)), max_pages_(std::max(1, max_pages)) {}

core::Result<std::vector<json::object>> RichpanelAdmin::list(
    std::string_view segment, const std::vector<std::string_view>& keys) {
  std::vector<json::object> out;
  long page = 1;
  for (int fetched = 0;; ++fetched) {
    if (fetched >= max_pages_) return core::fail(ErrorKind::permanent, "richpanel_too_many_pages");
    const QueryParams query = {{"page", std::to_string(page)},
                               {"per_page", std::to_string(kPerPage)}};
    auto answer = api_->exchange("GET", {segment}, nullptr, query);
    if (!answer) return tl::unexpected(std::move(answer.error()));
    const json::array* items = items_of(answer->body, keys);
    if (items == nullptr) return core::fail(ErrorKind::permanent, "richpanel_unexpected_body");
    for (const json::value& item : *items) {
      if (const auto* o = item.if_object()) out.push_back(*o);
    }
    const auto* top = answer->body.if_object();
    const std::optional<long> next = top != nullptr ? next_page_of(*top, page) : std::nullopt;
    if (!next) return out;
    page = *next;
  }
}

core::Result<std::vector<RichpanelUser>> RichpanelAdmin::list_users() {
  auto items = list("users", {"users", "user"});
  if (!items) return tl::unexpected(std::move(items.error()));
  std::vector<RichpanelUser> users;
  for (const json::object& o : *items) {
    users.push_back({text_at(o, "id"), text_at(o, "name"), text_at(o, "role")});
  }
  return users;
}

core::Result<std::vector<RichpanelTag>> RichpanelAdmin::list_tags() {
  auto items = list("tags", {"tag", "tags"});
  if (!items) return tl::unexpected(std::move(items.error()));
  std::vector<RichpanelTag> tags;
  for (const json::object& o : *items) {
    tags.push_back({text_at(o, "id"), text_at(o, "name"), text_at(o, "description")});
  }
  return tags;
}

core::Result<RichpanelTag> RichpanelAdmin::create_tag(const std::string& name,
                                                      const std::string& description) {
  const json::value body = json::object{{"name", name}, {"description", description}};
  auto answer = api_->call("POST", {"tags"}, &body);
  if (!answer) return tl::unexpected(std::move(answer.error()));
  RichpanelTag tag{{}, name, description};
  const json::object* created = answer->if_object();
  if (created != nullptr) {
    if (const json::value* inner = created->if_contains("tag"); inner && inner->is_object()) {
      created = &inner->get_object();
    }
    tag.id = text_at(*created, "id");
    if (std::string answered = text_at(*created, "name"); !answered.empty()) tag.name = answered;
  }
  return tag;
}

core::Result<std::vector<RichpanelTeam>> RichpanelAdmin::list_teams() {
  auto items = list("teams", {"team", "teams"});
  if (!items) return tl::unexpected(std::move(items.error()));
  std::vector<RichpanelTeam> teams;
  for (const json::object& o : *items) teams.push_back({text_at(o, "id"), text_at(o, "name")});
  return teams;
}

core::Result<std::vector<RichpanelChannel>> RichpanelAdmin::list_channels() {
  auto items = list("channel", {"channels", "channel"});
  if (!items) return tl::unexpected(std::move(items.error()));
  std::vector<RichpanelChannel> channels;
  for (const json::object& o : *items) {
    channels.push_back({text_at(o, "id"), text_at(o, "type")});
  }
  return channels;
}

core::Result<core::Ticket> RichpanelAdmin::get_ticket_by_number(const std::string& number) {
  auto answer = api_->call("GET", {"tickets", "number", number});
  if (!answer) return tl::unexpected(std::move(answer.error()));
  const auto* top = answer->if_object();
  if (top == nullptr || top->if_contains("ticket") == nullptr) {
    return core::fail(ErrorKind::permanent, "richpanel_unexpected_body");
  }
  return ticket_from_json(*answer);
}

}  // namespace rpmw::adapters::richpanel
