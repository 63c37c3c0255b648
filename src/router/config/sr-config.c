/* placeholder, replaced by the configuration loader */
#include "sr-config.h"
G_DEFINE_QUARK (sr-config-error-quark, sr_config_error)
