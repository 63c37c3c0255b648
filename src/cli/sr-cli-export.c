#include "sr-cli.h"
int sr_cli_export (int argc, char **argv) { return 2; }
