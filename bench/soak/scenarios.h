#pragma once
// The named runs of the suite: the spec/06 load profiles (compressed in time) and the faults.
#include <functional>
#include <string>
#include <vector>

#include "bench/soak/harness.h"

namespace rpmw::soak {

struct Scenario {
  std::string name;
  std::string suite;  // "load" or "faults"
  std::string what;   // one line for the table legend and the docs
  std::function<RunResult(const SuiteOptions&)> run;
};

std::vector<Scenario> load_scenarios();
std::vector<Scenario> fault_scenarios();

// Gives the process a private mount namespace (root only) so the disk-full run can mount a small
// tmpfs that vanishes with the process. Call first thing in main, before any thread starts.
// Returns an empty string on success, else why the disk-full run will be skipped.
std::string prepare_mount_namespace();

}  // namespace rpmw::soak
