#include "core/eval/replay_diff.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "core/eval/render_util.h"

namespace rpmw::core::eval {
namespace json = boost::json;

namespace {

constexpr std::string_view kAbsent = "(absent)";
constexpr std::size_t kTextIdLimit = 10;  // ids listed per line in the text rendering

std::optional<std::string> id_text(const json::object& record, std::string_view key) {
  const json::value* v = record.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string() && !v->get_string().empty()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

// Display spelling of a value; comparison always uses the JSON values themselves.
std::string spell(const json::value* v) {
  if (v == nullptr) return std::string(kAbsent);
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

bool same(const json::value* a, const json::value* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return *a == *b;
}

std::set<std::string> as_set(const json::object& record, std::string_view key) {
  std::set<std::string> out;
  const json::value* v = record.if_contains(key);
  if (v == nullptr || !v->is_array()) {
    // A scalar where an array belongs is still a value worth diffing.
    if (v != nullptr && !v->is_null()) out.insert(spell(v));
    return out;
  }
  for (const json::value& item : v->get_array()) out.insert(spell(&item));
  return out;
}

struct Indexed {
  std::map<std::string, const json::object*> by_id;
  std::set<std::string> duplicates;
  int without_id = 0;
};

Indexed index(const std::vector<json::object>& records) {
  Indexed out;
  for (const json::object& record : records) {
    std::optional<std::string> id = replay_record_id(record);
    if (!id) {
      ++out.without_id;
      continue;
    }
    if (!out.by_id.emplace(*id, &record).second) out.duplicates.insert(*id);
  }
  return out;
}

std::vector<ValueCount> ranked(const std::map<std::string, int>& counts) {
  std::vector<ValueCount> out;
  out.reserve(counts.size());
  for (const auto& [value, count] : counts) out.push_back({value, count});
  std::stable_sort(out.begin(), out.end(),
                   [](const ValueCount& a, const ValueCount& b) { return a.count > b.count; });
  return out;
}

json::array to_array(const std::vector<std::string>& ids) {
  json::array out;
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

json::array to_array(const std::vector<ValueCount>& values) {
  json::array out;
  for (const ValueCount& v : values)
    out.push_back(json::object{{"value", v.value}, {"count", v.count}});
  return out;
}

std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t w = display_width(text);
  return std::string(w < width ? width - w : 0, ' ') + std::string(text);
}

std::string join(const std::vector<std::string>& ids, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
  }
  if (ids.size() > limit) out += ", … (+" + std::to_string(ids.size() - limit) + " more)";
  return out;
}

void id_line(std::string& out, std::string_view label, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  out += std::string(label) + " (" + std::to_string(ids.size()) + "): " + join(ids, kTextIdLimit) +
         "\n";
}

}  // namespace

std::optional<std::string> replay_record_id(const json::object& record) {
  if (auto id = id_text(record, "example_id")) return id;
  return id_text(record, "event_key");
}

ReplayDiff diff_replays(const std::vector<json::object>& baseline,
                        const std::vector<json::object>& current,
                        const ReplayDiffOptions& options) {
  const Indexed base = index(baseline);
  const Indexed cur = index(current);
  ReplayDiff diff;
  diff.baseline_without_id = base.without_id;
  diff.current_without_id = cur.without_id;
  diff.duplicates_in_baseline.assign(base.duplicates.begin(), base.duplicates.end());
  diff.duplicates_in_current.assign(cur.duplicates.begin(), cur.duplicates.end());

  std::vector<std::map<std::pair<std::string, std::string>, Transition>> transitions(
      kReplayDiffFields.size());
  std::vector<std::map<std::string, int>> added(kReplayDiffSetFields.size());
  std::vector<std::map<std::string, int>> removed(kReplayDiffSetFields.size());
  std::vector<int> set_changed(kReplayDiffSetFields.size(), 0);

  // Both maps are sorted by id, so example ids come out in id order.
  for (const auto& [id, old_record] : base.by_id) {
    const auto match = cur.by_id.find(id);
    if (match == cur.by_id.end()) {
      diff.only_in_baseline.push_back(id);
      continue;
    }
    const json::object& was = *old_record;
    const json::object& now = *match->second;
    ++diff.compared;
    bool changed = false;
    for (std::size_t f = 0; f < kReplayDiffFields.size(); ++f) {
      const json::value* a = was.if_contains(kReplayDiffFields[f]);
      const json::value* b = now.if_contains(kReplayDiffFields[f]);
      if (same(a, b)) continue;
      changed = true;
      std::string from = spell(a);
      std::string to = spell(b);
      Transition& t = transitions[f][{from, to}];
      if (t.count == 0) {
        t.from = std::move(from);
        t.to = std::move(to);
      }
      ++t.count;
      if (t.example_ids.size() < options.max_example_ids) t.example_ids.push_back(id);
    }
    for (std::size_t f = 0; f < kReplayDiffSetFields.size(); ++f) {
      const std::set<std::string> a = as_set(was, kReplayDiffSetFields[f]);
      const std::set<std::string> b = as_set(now, kReplayDiffSetFields[f]);
      if (a == b) continue;
      changed = true;
      ++set_changed[f];
      for (const std::string& v : b) {
        if (a.count(v) == 0) ++added[f][v];
      }
      for (const std::string& v : a) {
        if (b.count(v) == 0) ++removed[f][v];
      }
    }
    if (!changed) ++diff.unchanged;
  }
  for (const auto& [id, record] : cur.by_id) {
    if (base.by_id.count(id) == 0) diff.only_in_current.push_back(id);
  }

  for (std::size_t f = 0; f < kReplayDiffFields.size(); ++f) {
    FieldDiff field{std::string(kReplayDiffFields[f]), 0, {}};
    for (auto& [key, t] : transitions[f]) {
      field.changed += t.count;
      field.transitions.push_back(std::move(t));
    }
    // The map order is (from, to), which is the label order for equal counts.
    std::stable_sort(field.transitions.begin(), field.transitions.end(),
                     [](const Transition& a, const Transition& b) { return a.count > b.count; });
    diff.fields.push_back(std::move(field));
  }
  for (std::size_t f = 0; f < kReplayDiffSetFields.size(); ++f) {
    diff.set_fields.push_back(SetFieldDiff{std::string(kReplayDiffSetFields[f]), set_changed[f],
                                           ranked(added[f]), ranked(removed[f])});
  }
  return diff;
}

std::string render_replay_diff_text(const ReplayDiff& diff) {
  std::string out = "replay diff: " + std::to_string(diff.compared) + " compared, " +
                    std::to_string(diff.unchanged) + " unchanged, " +
                    std::to_string(diff.changed()) + " changed\n";
  id_line(out, "only in current", diff.only_in_current);
  id_line(out, "only in baseline", diff.only_in_baseline);
  if (diff.current_without_id > 0 || diff.baseline_without_id > 0) {
    out += "skipped without id: current " + std::to_string(diff.current_without_id) +
           ", baseline " + std::to_string(diff.baseline_without_id) + "\n";
  }
  id_line(out, "duplicate ids in current (first kept)", diff.duplicates_in_current);
  id_line(out, "duplicate ids in baseline (first kept)", diff.duplicates_in_baseline);

  for (const FieldDiff& field : diff.fields) {
    out += "\n" + field.field + ": ";
    if (field.transitions.empty()) {
      out += "no changes\n";
      continue;
    }
    out += std::to_string(field.changed) + " changed\n";
    std::size_t label_width = display_width("TRANSITION");
    std::size_t count_width = display_width("COUNT");
    for (const Transition& t : field.transitions) {
      label_width = std::max(label_width, display_width(t.label()));
      count_width = std::max(count_width, std::to_string(t.count).size());
    }
    out += "  " + pad("TRANSITION", label_width) + "  " + pad_left("COUNT", count_width) +
           "  EXAMPLES\n";
    for (const Transition& t : field.transitions) {
      out += "  " + pad(t.label(), label_width) + "  " +
             pad_left(std::to_string(t.count), count_width) + "  " +
             join(t.example_ids, t.example_ids.size());
      if (static_cast<std::size_t>(t.count) > t.example_ids.size()) out += ", …";
      out += "\n";
    }
  }

  for (const SetFieldDiff& field : diff.set_fields) {
    out += "\n" + field.field + ": ";
    if (field.changed == 0) {
      out += "no changes\n";
      continue;
    }
    out += std::to_string(field.changed) + " records changed\n";
    std::size_t value_width = 0;
    std::size_t count_width = 0;
    for (const auto* list : {&field.added, &field.removed}) {
      for (const ValueCount& v : *list) {
        value_width = std::max(value_width, display_width(v.value));
        count_width = std::max(count_width, std::to_string(v.count).size());
      }
    }
    for (const auto& [sign, list] :
         {std::pair{"+ ", &field.added}, std::pair{"- ", &field.removed}}) {
      for (const ValueCount& v : *list) {
        out += "  " + std::string(sign) + pad(v.value, value_width) + "  " +
               pad_left(std::to_string(v.count), count_width) + "\n";
      }
    }
  }
  return out;
}

json::object replay_diff_to_json(const ReplayDiff& diff) {
  json::object o;
  o["compared"] = diff.compared;
  o["unchanged"] = diff.unchanged;
  o["changed"] = diff.changed();
  o["only_in_current"] = to_array(diff.only_in_current);
  o["only_in_baseline"] = to_array(diff.only_in_baseline);
  o["current_without_id"] = diff.current_without_id;
  o["baseline_without_id"] = diff.baseline_without_id;
  o["duplicates_in_current"] = to_array(diff.duplicates_in_current);
  o["duplicates_in_baseline"] = to_array(diff.duplicates_in_baseline);
  json::object fields;
  for (const FieldDiff& field : diff.fields) {
    json::array transitions;
    for (const Transition& t : field.transitions) {
      transitions.push_back(json::object{{"from", t.from},
                                         {"to", t.to},
                                         {"count", t.count},
                                         {"example_ids", to_array(t.example_ids)}});
    }
    fields[field.field] =
        json::object{{"changed", field.changed}, {"transitions", std::move(transitions)}};
  }
  o["fields"] = std::move(fields);
  json::object sets;
  for (const SetFieldDiff& field : diff.set_fields) {
    sets[field.field] = json::object{{"changed", field.changed},
                                     {"added", to_array(field.added)},
                                     {"removed", to_array(field.removed)}};
  }
  o["set_fields"] = std::move(sets);
  return o;
}

}  // namespace rpmw::core::eval
