#pragma once
// What changed between two decision runs (`rpmw replay FILE --baseline OTHER.jsonl`). Records are
// the replay output of spec/02 "Machine-readable outputs", matched by example_id, else event_key.
// Pure: the caller reads both files.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

namespace rpmw::core::eval {

// The scalar fields compared, in report order.
inline constexpr std::array<std::string_view, 5> kReplayDiffFields = {
    "primary_intent", "destination_team", "tier", "template_id", "action"};
// The array fields compared as sets (order and duplicates ignored; absent = empty).
inline constexpr std::array<std::string_view, 2> kReplayDiffSetFields = {"reason_codes", "tags"};

struct Transition {
  std::string from;  // baseline value: the string itself, "null", JSON text, or "(absent)"
  std::string to;    // current value, same spelling
  int count = 0;
  std::vector<std::string> example_ids;  // the first few affected ids, in id order

  std::string label() const { return from + " → " + to; }
};

struct FieldDiff {
  std::string field;
  int changed = 0;                      // records whose value differs (sum of counts)
  std::vector<Transition> transitions;  // count desc, then from, then to
};

struct ValueCount {
  std::string value;
  int count = 0;
};

struct SetFieldDiff {
  std::string field;
  int changed = 0;                // records whose set differs
  std::vector<ValueCount> added;  // values gained, by records; count desc, then value
  std::vector<ValueCount> removed;
};

struct ReplayDiff {
  int compared = 0;                          // records present in both runs
  int unchanged = 0;                         // compared records equal on every scalar and set field
  std::vector<std::string> only_in_current;  // sorted
  std::vector<std::string> only_in_baseline;  // sorted
  int current_without_id = 0;                 // skipped: neither example_id nor event_key
  int baseline_without_id = 0;
  std::vector<std::string> duplicates_in_current;  // ids seen twice in one run; first one wins
  std::vector<std::string> duplicates_in_baseline;
  std::vector<FieldDiff> fields;         // one per kReplayDiffFields entry, in that order
  std::vector<SetFieldDiff> set_fields;  // one per kReplayDiffSetFields entry

  int changed() const { return compared - unchanged; }
};

struct ReplayDiffOptions {
  std::size_t max_example_ids = 5;  // per transition
};

// The match key: a non-empty example_id, else a non-empty event_key (strings, or integers in
// their decimal spelling).
std::optional<std::string> replay_record_id(const boost::json::object& record);

ReplayDiff diff_replays(const std::vector<boost::json::object>& baseline,
                        const std::vector<boost::json::object>& current,
                        const ReplayDiffOptions& options = {});

// Aligned plain-text tables for a terminal.
std::string render_replay_diff_text(const ReplayDiff& diff);
// Keys: compared, unchanged, changed, only_in_current, only_in_baseline, current_without_id,
// baseline_without_id, duplicates_in_current, duplicates_in_baseline, fields {field: {changed,
// transitions [{from, to, count, example_ids}]}}, set_fields {field: {changed, added [{value,
// count}], removed [...]}}.
boost::json::object replay_diff_to_json(const ReplayDiff& diff);

}  // namespace rpmw::core::eval
