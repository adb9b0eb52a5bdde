#include "app/cli/cli.h"

int main(int argc, char** argv) {
  return rpmw::app::run_cli(argc, argv);
}
