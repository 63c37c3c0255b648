/* fuzz-replay.c — runs a fuzz target over its corpus without libFuzzer.
 *
 * Usage: fuzz-NAME-replay [--tap] DIR...  Every regular file below each DIR
 * is one input.  A crash or sanitizer report fails the test; an empty corpus
 * fails too, so a replay that checks nothing cannot pass. */
#include <glib.h>

#include "fuzz-target.h"

static GPtrArray *inputs;

static void
collect (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  if (!d)
    g_error ("corpus %s: %s", dir, error->message);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (path);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (inputs, g_steal_pointer (&path));
    }
}

static void
replay_one (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  /* A copy of exactly @len bytes, so ASan sees a read past the input. */
  guint8 *copy = g_memdup2 (contents, len ? len : 1);
  g_assert_cmpint (LLVMFuzzerTestOneInput (copy, len), ==, 0);
  g_free (copy);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  inputs = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++)
    collect (argv[i]);
  if (inputs->len == 0)
    g_error ("no corpus files given: a replay must replay something");
  g_ptr_array_sort (inputs, compare_paths);
  for (guint i = 0; i < inputs->len; i++)
    {
      const char *path = g_ptr_array_index (inputs, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *parent = g_path_get_dirname (path);
      g_autofree char *corpus = g_path_get_basename (parent);
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", corpus, base);
      g_test_add_data_func (test, path, replay_one);
    }
  int rc = g_test_run ();
  g_ptr_array_unref (inputs);
  return rc;
}
