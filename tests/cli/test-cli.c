/* test-cli.c — the sms-router command line: send, --help, --version and
 * the exit status of every usage or configuration mistake.  Runs the real
 * binary ($SR_ROUTER). */
#include "sr-message.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* A temporary spool and configuration for one test. */
typedef struct {
  char *dir;
  char *config;
  char *spool;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sr-cli-XXXXXX", NULL);
  f->spool = g_build_filename (f->dir, "spool", NULL);
  f->config = g_build_filename (f->dir, "sms-router.conf", NULL);
  g_autofree char *text = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\n"
    "[app:default]\nfrom = +41791234567\n"
    "[app:billing]\nregion = GB\nfrom = ACME\n", f->spool);
  g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->spool);
  g_free (f->config);
}

/* Runs sms-router with @args; returns the exit status and the output. */
static int
run (const char *stdin_text, char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("SR_ROUTER"));
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                           G_SUBPROCESS_FLAGS_STDIN_PIPE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv ((const char *const *) argv->pdata, flags, &error);
  g_assert_no_error (error);
  g_autofree char *o = NULL, *e = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (p, stdin_text, NULL, &o, &e, &error));
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
}

static SrMessage *
read_outbox_file (Fixture *f, const char *app, const char *name)
{
  g_autofree char *path = g_build_filename (f->spool, "apps", app, "outbox", "new", name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  SrMessage *m = sr_message_parse (data, len, 0, &error);
  g_assert_no_error (error);
  return m;
}

static void
test_send (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = run (NULL, &out, &err, "send", "--config", f->config, "--to", "079 123 45 67",
                    "--reference", "order-4711", "Grüezi {€}", NULL);
  g_assert_cmpint (status, ==, 0);
  g_strstrip (out);
  g_assert_true (strlen (out) > 10);
  g_autoptr(SrMessage) m = read_outbox_file (f, "default", out);
  g_assert_cmpstr (sr_message_get_to (m), ==, "079 123 45 67");
  g_assert_cmpstr (sr_message_get_reference (m), ==, "order-4711");
  g_assert_cmpstr (sr_message_get_text (m, NULL), ==, "Grüezi {€}");
  /* nothing is left in tmp/ */
  g_autofree char *tmp = g_build_filename (f->spool, "apps", "default", "outbox", "tmp", NULL);
  g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

static void
test_send_stdin_app (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  int status = run ("line one\nline two\n", &out, NULL, "send", "--config", f->config, "--app", "billing",
                    "--to", "020 7946 0018", "--from", "Shop", "-", NULL);
  g_assert_cmpint (status, ==, 0);
  g_autoptr(SrMessage) m = read_outbox_file (f, "billing", g_strstrip (out));
  g_assert_cmpstr (sr_message_get_from (m), ==, "Shop");
  g_assert_cmpstr (sr_message_get_text (m, NULL), ==, "line one\nline two");
}

/* Each failing invocation, its exit status and words of its message. */
typedef struct {
  const char *name;
  const char *args[8];
  int status;
  const char *fragment;
} BadCase;

static const BadCase bad_cases[] = {
  { "no-to", { "send", "--config", "@", "hello" }, 2, "--to" },
  { "no-text", { "send", "--config", "@", "--to", "+41791234567" }, 2, "text is missing" },
  { "unknown-app", { "send", "--config", "@", "--app", "nope", "--to", "+41791234567", "hi" }, 2, "'nope'" },
  { "bad-number", { "send", "--config", "@", "--to", "12", "hi" }, 1, "not a valid number" },
  { "empty-text", { "send", "--config", "@", "--to", "+41791234567", "   " }, 1, "empty" },
  { "missing-config", { "send", "--config", "/nonexistent.conf", "--to", "+41791234567", "hi" }, 2, "/nonexistent.conf" },
  { "bad-option", { "--no-such-option" }, 2, "no-such-option" },
  { "unknown-command", { "frobnicate" }, 2, "frobnicate" },
  { "pidfile-alone", { "--pidfile", "/tmp/x.pid" }, 2, "--daemon" },
  { "daemon-and-demo", { "--daemon", "--demo" }, 2, "--demo" },
};

static void
test_bad (Fixture *f, gconstpointer data)
{
  const BadCase *bc = data;
  const char *a[9] = { 0 };
  for (guint i = 0; i < 8 && bc->args[i]; i++)
    a[i] = g_str_equal (bc->args[i], "@") ? f->config : bc->args[i];
  g_autofree char *err = NULL;
  int status = run (NULL, NULL, &err, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL);
  g_assert_cmpint (status, ==, bc->status);
  if (strstr (err, bc->fragment) == NULL)
    g_error ("stderr '%s' lacks '%s'", err, bc->fragment);
  /* and nothing was queued */
  g_autofree char *new_dir = g_build_filename (f->spool, "apps", "default", "outbox", "new", NULL);
  g_autoptr(GDir) dir = g_dir_open (new_dir, 0, NULL);
  g_assert_true (dir == NULL || g_dir_read_name (dir) == NULL);
}

static void
test_help_version (void)
{
  g_autofree char *out = NULL, *out2 = NULL, *out3 = NULL;
  g_assert_cmpint (run (NULL, &out, NULL, "--version", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "sms-router "));
  g_assert_cmpint (run (NULL, &out2, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "--daemon"));
  g_assert_nonnull (strstr (out2, "send"));
  g_assert_nonnull (strstr (out2, "export"));
  g_assert_cmpint (run (NULL, &out3, NULL, "send", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "--to"));
  g_assert_nonnull (strstr (out3, "--reference"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/send", Fixture, NULL, fixture_setup, test_send, fixture_teardown);
  g_test_add ("/cli/send-stdin-app", Fixture, NULL, fixture_setup, test_send_stdin_app, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/bad/%s", bad_cases[i].name);
      g_test_add (path, Fixture, &bad_cases[i], fixture_setup, test_bad, fixture_teardown);
    }
  g_test_add_func ("/cli/help-version", test_help_version);
  return g_test_run ();
}
