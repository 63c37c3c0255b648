/* test-smstools3.c — an app with smstools3-compat fed by smstools3's own
 * stock sendsms script (Debian smstools), configured the way an admin
 * does it (its outgoing folder pointed at the app's outbox/new/), through
 * the router to the simulator: numbers, charsets, validity codes, and no
 * dead letter for the empty file the script creates before its move. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "router-fixture.h"

#define STOCK_SENDSMS "/usr/share/doc/smstools/examples/scripts/sendsms"
#define COMPAT "smstools3-compat = yes\n"

/* The stock script as shipped (some packagings gzip the examples). */
static char *
read_stock_script (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) gz = g_file_new_for_path (STOCK_SENDSMS ".gz");
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GConverter) unzip = NULL;
  g_autoptr(GInputStream) plain = NULL;
  g_autoptr(GOutputStream) out = NULL;
  char *text = NULL;

  if (g_file_get_contents (STOCK_SENDSMS, &text, NULL, NULL))
    return text;
  in = G_INPUT_STREAM (g_file_read (gz, NULL, &error));
  g_assert_no_error (error);
  unzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  plain = g_converter_input_stream_new (in, unzip);
  out = g_memory_output_stream_new_resizable ();
  g_output_stream_splice (out, plain, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write (out, "", 1, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

/* A copy of the stock script writing into the app's outbox/new/, and a
 * directory for the PATH of the runs.  Its "mv" there waits before moving:
 * on a busy machine, or when /tmp is another file system, the empty file
 * the script made with mktemp sits in the outbox for that long. */
static char *
install_sendsms (RouterFixture *fx, char **bin_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stock = read_stock_script ();
  g_autofree char *outbox = g_build_filename (fx->spool, "apps", "default", "outbox", "new", NULL);
  g_autoptr(GString) script = g_string_new (stock);
  char *path = g_build_filename (fx->dir, "sendsms", NULL);
  g_autofree char *mv = NULL;

  /* What an admin edits: the outgoing folder (the script's only path there). */
  g_assert_cmpuint (g_string_replace (script, "/var/spool/sms/outgoing", outbox, 0), ==, 1);
  g_assert_true (g_file_set_contents (path, script->str, (gssize) script->len, &error));
  g_assert_no_error (error);
  *bin_dir = g_build_filename (fx->dir, "bin", NULL);
  g_assert_cmpint (g_mkdir_with_parents (*bin_dir, 0700), ==, 0);
  mv = g_build_filename (*bin_dir, "mv", NULL);
  g_assert_true (g_file_set_contents (mv, "#!/bin/sh\nsleep 1.5\nexec /bin/mv \"$@\"\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (mv, 0755), ==, 0);
  return path;
}

/* Starts "bash sendsms ARGS..." with the router running meanwhile. */
static GSubprocess *
run_sendsms (const char *script, const char *bin_dir, const char *const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *path = g_strdup_printf ("%s:%s", bin_dir, g_getenv ("PATH"));
  GSubprocess *proc;

  /* The script hands its text to iconv, which reads it in the locale's charset. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);
  g_ptr_array_add (argv, (gpointer) "bash");
  g_ptr_array_add (argv, (gpointer) script);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

static void
wait_exit (GSubprocess *proc)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_subprocess_get_identifier (proc) != NULL && g_get_monotonic_time () < end)
    router_fixture_run (20);
  g_assert_null (g_subprocess_get_identifier (proc));
  g_assert_true (g_subprocess_get_successful (proc));
}

/* The submit_sm to @destination in @log. */
static JsonObject *
submit_to (GPtrArray *log, const char *destination)
{
  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (sr_test_log_str (g_ptr_array_index (log, i), "destination_addr"),
                   destination) == 0)
      return g_ptr_array_index (log, i);
  g_error ("no submit_sm to %s", destination);
  return NULL;
}

static void
test_stock_sendsms (void)
{
  static const char *const plain[] = { "41791234567", "Hello from smstools", NULL };
  /* iconv cannot make ISO-8859-15 of it: the script writes "Alphabet: UCS" and UCS-2. */
  static const char *const cyrillic[] = { "41791234568", "Привет", NULL };
  /* ISO-8859-15 can hold it: the script writes the text as given (UTF-8), no Alphabet. */
  static const char *const accents[] = { "41791234569", "Grüße €5", NULL };
  RouterFixture fx;
  g_autofree char *bin_dir = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocess) c = NULL;
  g_autoptr(GPtrArray) log = NULL;
  JsonObject *e;

  router_fixture_setup (&fx, NULL, NULL, NULL, COMPAT "smstools3-empty-limit = 30\n", NULL);
  script = install_sendsms (&fx, &bin_dir);
  a = run_sendsms (script, bin_dir, plain);
  b = run_sendsms (script, bin_dir, cyrillic);
  c = run_sendsms (script, bin_dir, accents);
  wait_exit (a);
  wait_exit (b);
  wait_exit (c);

  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 3, 15000);
  g_assert_nonnull (log);
  g_assert_cmpuint (log->len, ==, 3);
  e = submit_to (log, "41791234567");
  g_assert_cmpint (sr_test_log_int (e, "dest_addr_ton"), ==, 1);
  g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, 0);
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==,
                   "48656c6c6f2066726f6d20736d73746f6f6c73");
  e = submit_to (log, "41791234568");
  g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, 8);
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "041f04400438043204350442");
  e = submit_to (log, "41791234569");
  g_assert_cmpint (sr_test_log_int (e, "data_coding"), ==, 0);
  /* G r ü ß e space, € as escape + 0x65, 5 (GSM 03.38). */
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "47727e1e65201b6535");

  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 3, 10000));
  /* No dead letter for the empty files, now or a moment later. */
  router_fixture_run (1500);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_NEW), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_SENT), ==, 3);
  router_fixture_teardown (&fx);
}

/* What scripts written for smstools3 put in files: validity codes, Latin-9. */
static void
test_file_headers (void)
{
  RouterFixture fx;
  g_autoptr(GPtrArray) log = NULL;
  JsonObject *e;

  router_fixture_setup (&fx, NULL, NULL, NULL, COMPAT, NULL);
  g_free (router_fixture_drop (&fx, "To: 41791234567\nValidity: 167\n\nGr\xfc\xdf\n"));
  g_free (router_fixture_drop (&fx, "To: 41791234568\nValidity: 2 days\nAlphabet: ISO\n\n\xa4\n"));
  g_free (router_fixture_drop (&fx, "To: 0791234569\nTo_TOA: National\n\nHi\n"));
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 3, 10000);
  g_assert_nonnull (log);
  e = submit_to (log, "41791234567");
  g_assert_cmpstr (sr_test_log_str (e, "validity_period"), ==, "000001000000000R");
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "47727e1e");
  e = submit_to (log, "41791234568");
  g_assert_cmpstr (sr_test_log_str (e, "validity_period"), ==, "000002000000000R");
  g_assert_cmpstr (sr_test_log_str (e, "short_message"), ==, "1b65");
  /* To_TOA: National: local to the app's region (CH). */
  e = submit_to (log, "41791234569");
  g_assert_cmpstr (sr_test_log_str (e, "validity_period"), ==, "");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 3, 10000));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  router_fixture_teardown (&fx);
}

/* A writer that fills its file in place in two writes, pausing between them. */
static void
test_written_in_place (void)
{
  RouterFixture fx;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) log = NULL;
  FILE *f;

  router_fixture_setup (&fx, NULL, NULL, NULL, COMPAT "smstools3-settle = 3\n", NULL);
  path = g_build_filename (fx.spool, "apps", "default", "outbox", "new", "send_inplace", NULL);
  f = fopen (path, "w");
  g_assert_nonnull (f);
  fputs ("To: 41791234567\n\nfirst half,", f);
  fflush (f);
  /* Longer than the rescan interval (1 s): the scans see the half-written file. */
  router_fixture_run (1500);
  fputs (" second half\n", f);
  fclose (f);
  log = sr_test_sim_wait_log (fx.sim, "in", "submit_sm", 1, 10000);
  g_assert_nonnull (log);
  g_assert_cmpstr (sr_test_log_str (g_ptr_array_index (log, 0), "short_message"), ==,
                   "66697273742068616c662c207365636f6e642068616c66");
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_SENT, 1, 5000));
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  router_fixture_teardown (&fx);
}

/* A file that stays empty goes to dead/ after the empty limit, not before. */
static void
test_empty_file (void)
{
  RouterFixture fx;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) dead = NULL;
  g_autofree char *klass = NULL;
  g_autofree char *why = NULL;
  gint64 start;

  router_fixture_setup (&fx, NULL, NULL, NULL, COMPAT "smstools3-empty-limit = 2\n", NULL);
  path = g_build_filename (fx.spool, "apps", "default", "outbox", "new", "send_empty", NULL);
  start = g_get_monotonic_time ();
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  router_fixture_run (1000);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_DEAD), ==, 0);
  g_assert_cmpuint (router_fixture_count (&fx, SR_SPOOL_OUTBOX_NEW), ==, 1);
  g_assert_true (router_fixture_wait_count (&fx, SR_SPOOL_DEAD, 1, 10000));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - 100000);
  dead = router_fixture_read_all (&fx, SR_SPOOL_DEAD);
  klass = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error-Class");
  why = router_fixture_header (g_ptr_array_index (dead, 0), "X-Error");
  g_assert_cmpstr (klass, ==, "input");
  g_assert_nonnull (strstr (why, "empty"));
  router_fixture_teardown (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/smstools3/stock-sendsms", test_stock_sendsms);
  g_test_add_func ("/smstools3/file-headers", test_file_headers);
  g_test_add_func ("/smstools3/written-in-place", test_written_in_place);
  g_test_add_func ("/smstools3/empty-file", test_empty_file);
  return g_test_run ();
}
