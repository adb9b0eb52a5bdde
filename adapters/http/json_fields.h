#pragma once
// Reading vendor JSON tolerantly: ids and numbers arrive as strings or numbers depending on the
// endpoint, and a missing or odd field reads as empty rather than failing the whole object.
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace rpmw::adapters::http {

inline std::string json_text(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

}  // namespace rpmw::adapters::http
