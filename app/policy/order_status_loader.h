#pragma once
// policy.yaml's `order_status:` section (time zone, holidays, shipping windows) and the store
// time zone behind it: the core parses TZif bytes, this reads them from the zoneinfo directory.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/orders/order_status_policy.h"

namespace rpmw::app {

// Fills `out` from the section; a missing section or key keeps its default, a given
// shipping_windows map replaces the defaults. Shape problems are appended one line each; an
// unresolvable zone leaves out.zone empty (PolicySet::validate reports it).
void load_order_status(const YAML::Node& section, core::orders::OrderStatusPolicy& out,
                       std::vector<std::string>& errors);

// "UTC", ±HH:MM, or the TZif file <zoneinfo_dir>/<name>. Error codes: bad_zone_name,
// no_zoneinfo_file, zoneinfo_too_large, tzif_*.
core::Result<core::orders::TimeZone> load_time_zone(const std::string& name,
                                                    const std::string& zoneinfo_dir);

}  // namespace rpmw::app
