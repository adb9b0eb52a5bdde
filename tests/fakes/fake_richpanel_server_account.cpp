// The account endpoints of the fake Richpanel: users, tags (paginated list + create), teams,
// channels and customers.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "tests/fakes/fake_richpanel_server_state.h"

namespace rpmw::fakes::detail {
namespace json = boost::json;

namespace {

// A positive page or page size from the query; `fallback` when absent, nullopt when malformed.
std::optional<long> positive(const std::map<std::string, std::string>& query,
                             const std::string& name, long fallback) {
  const auto it = query.find(name);
  if (it == query.end()) return fallback;
  long n = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1) {
    return std::nullopt;
  }
  return n;
}

bool same_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

json::array as_array(const std::vector<json::object>& items) {
  json::array out;
  for (const auto& item : items) out.push_back(item);
  return out;
}

}  // namespace

bool ServerState::add_tag(const std::string& name, const std::string& description) {
  const bool exists = std::any_of(data.tags.begin(), data.tags.end(), [&](const json::object& t) {
    return string_at(t, "name") == name;
  });
  if (exists || name.empty()) return false;
  data.tags.push_back(json::object{{"id", "tag-" + std::to_string(data.next_tag++)},
                                   {"name", name},
                                   {"description", description},
                                   {"created_at", "2026-02-10T03:40:01.120Z"}});
  return true;
}

void ServerState::set_extra_user(const std::string& id, const std::string& name) {
  data.users.resize(1);  // the bot operator stays first
  data.users.push_back(json::object{{"id", id}, {"name", name}, {"role", "agent"}});
}

std::optional<Reply> ServerState::route_account(const Routed& r) {
  const auto& seg = r.seg;
  const bool get = r.method == "GET";
  if (seg.size() == 2 && get && seg[1] == "users") {
    return json_reply(json::object{{"users", as_array(data.users)}});
  }
  if (seg.size() == 2 && get && seg[1] == "teams") {  // singular key, as the real API
    return json_reply(json::object{{"team", as_array(data.teams)}});
  }
  if (seg.size() == 2 && get && seg[1] == "channel") {
    return json_reply(json::object{{"channels", as_array(data.channels)}});
  }
  if (seg.size() == 2 && get && seg[1] == "tags") {
    const auto page = positive(r.query, "page", 1);
    const auto per_page = positive(r.query, "per_page", max_per_page);
    if (!page) return invalid({"page", nullptr});
    if (!per_page) return invalid({"per_page", nullptr});
    const long size = std::min<long>(*per_page, max_per_page);
    const long total = static_cast<long>(data.tags.size());
    const long first = std::min(total, (*page - 1) * size);
    const long last = std::min(total, first + size);
    json::array items;
    for (long i = first; i < last; ++i) items.push_back(data.tags[static_cast<std::size_t>(i)]);
    json::object body{{"tag", std::move(items)}, {"count", total}};
    body["next_page"] = last < total ? json::value(*page + 1) : json::value(nullptr);
    body["previous_page"] = *page > 1 ? json::value(*page - 1) : json::value(nullptr);
    return json_reply(body);
  }
  if (seg.size() == 2 && r.method == "POST" && seg[1] == "tags") {
    const auto* top = r.body.if_object();
    const auto* name = top != nullptr ? top->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string() || name->get_string().empty()) {
      return invalid({"name", name != nullptr ? *name : json::value(nullptr)});
    }
    const std::string text(name->get_string());
    if (!add_tag(text, string_at(*top, "description"))) {
      return json_reply(json::object{{"message", "Tag already exists"}}, 409);
    }
    return json_reply(json::object{{"tag", data.tags.back()}});
  }
  if (seg.size() == 4 && get && seg[1] == "customers") {
    if ((seg[2] != "email" && seg[2] != "phone") || seg[3].empty()) return not_found();
    for (const auto& [id, ticket] : data.tickets) {
      const auto* profile = ticket.if_contains("customer_profile");
      if (profile == nullptr || !profile->is_object()) continue;
      if (same_ci(string_at(profile->get_object(), seg[2]), seg[3])) {
        return json_reply(json::object{{"customer", *profile}});
      }
    }
    return not_found();
  }
  return std::nullopt;
}

}  // namespace rpmw::fakes::detail
