#pragma once

namespace rpmw::app {

// Parses the command line and runs the chosen command; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace rpmw::app
