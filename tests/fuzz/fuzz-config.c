/* fuzz-config.c — the configuration loader on any file an operator (or a
 * broken editor) may produce.  A configuration either loads into values
 * the router can use or fails with a message; it never crashes. */
#include <glib.h>

#include "fuzz-target.h"
#include "sr-config.h"

static void
quiet (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Unknown keys are warnings; they are expected here, not failures. */
  g_log_set_handler ("sr-config", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_autoptr (GError) error = NULL;
  SrConfig *config = sr_config_load_data ((const char *) data, size, "fuzz.conf", &error);
  if (config)
    {
      g_assert_no_error (error);
      g_assert_nonnull (config->spool);
      g_assert_cmpuint (config->max_parts, >=, 1);
      g_assert_nonnull (config->apps);
      for (guint i = 0; i < config->apps->len; i++)
        {
          const SrAppConfig *app = g_ptr_array_index (config->apps, i);
          g_assert_true (sr_config_find_app (config, app->name) == app);
        }
      for (guint i = 0; i < config->providers->len; i++)
        {
          const SrProviderConfig *p = g_ptr_array_index (config->providers, i);
          g_assert_true (sr_config_find_provider (config, p->name) == p);
        }
      sr_config_free (config);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  return 0;
}
