#pragma once
// Helpers for process-level tests of the rpmw binary. Include this one header.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/rpmw_server.h"
#include "tests/support/sqlite_reader.h"
#include "tests/support/temp_dir.h"

namespace rpmw::testing {

// Calls `predicate` until it returns true or the deadline passes; returns its last answer.
// Exceptions thrown by the predicate count as "not yet".
bool poll_until(Deadline deadline, const std::function<bool()>& predicate,
                std::chrono::milliseconds interval = std::chrono::milliseconds(25));

// Value of one sample in Prometheus text format. `series` is `name` or `name{k="v",...}`; labels
// are compared as a set (order-independent). nullopt when absent or unparsable.
std::optional<double> metric_value(std::string_view metrics_text, std::string_view series);

// Whole file, or "" when it cannot be read.
std::string read_file(const std::filesystem::path& path);
// Lines without their '\n'. A last line with no '\n' is returned too.
std::vector<std::string> read_lines(const std::filesystem::path& path);

}  // namespace rpmw::testing
