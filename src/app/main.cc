// openzcc: serve, region import, user add, token create. See cli.h.
#include "app/cli.h"

int main(int argc, char** argv) { return ozcc::app::RunCli(argc, argv); }
