#include "cli/cli.h"

int main(int argc, char** argv) { return plume::cli::RunCli(argc, argv); }
