/* spool-fixture.c — see spool-fixture.h. */
#include "spool-fixture.h"

#include <ftw.h>
#include <stdio.h>

const char *const test_apps[] = { "billing", "iot", NULL };

void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->root = g_dir_make_tmp ("sr-spool-XXXXXX", &error);
  g_assert_no_error (error);
  f->spool = sr_spool_open (f->root, test_apps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->spool);
}

static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  sr_spool_free (f->spool);
  nftw (f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_free (f->root);
}
