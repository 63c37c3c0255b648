#include "sr-cli.h"
int sr_cli_send (int argc, char **argv) { return 2; }
