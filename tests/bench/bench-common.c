/* bench-common.c — spool, daemon, simulator, message mix and writer shared
 * by the router benchmarks (see bench-common.h). */
#define G_LOG_DOMAIN "sr-bench"

#include "bench-common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int writer_main (int argc, char **argv);

/* The benchmark's own output is its table: the session library's notices
 * (binds) would only interleave with it. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
bench_init (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--writer") == 0)
    exit (writer_main (argc, argv));
  /* The test environment turns on debugging aids that cost time in the
   * daemon and the simulator; a benchmark measures them as shipped. */
  g_unsetenv ("G_DEBUG");
  g_unsetenv ("MALLOC_CHECK_");
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_unsetenv ("G_SLICE");
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
}

guint64
bench_env_u64 (const char *name, guint64 fallback)
{
  const char *v = g_getenv (name);
  guint64 n;
  if (v == NULL || *v == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (v, 10, 1, G_MAXUINT64, &n, NULL))
    g_error ("%s=%s is not a positive whole number", name, v);
  return n;
}

/* ---- the message mix ------------------------------------------------------ */

guint
bench_parts (guint64 index)
{
  return index % 20 == 19 ? 3 : 1;
}

guint64
bench_parts_total (guint64 first, guint64 count)
{
  guint64 total = 0;
  for (guint64 i = first; i < first + count; i++)
    total += bench_parts (i);
  return total;
}

void
bench_text (guint64 index, char *buf, gsize size)
{
  static const char fox[] = "The quick brown fox jumps over the lazy dog. ";
  guint kind = index % 20;

  if (kind < 16)
    g_snprintf (buf, size, "Bench %07" G_GUINT64_FORMAT ": your parcel is on its way and "
                "will arrive tomorrow between 9 and 12 o'clock.", index % 10000000);
  else if (kind < 19)
    /* 66 UTF-16 units: one UCS-2 part */
    g_snprintf (buf, size, "Заказ %07" G_GUINT64_FORMAT " отправлен, доставка завтра с 9 до "
                "12 часов. Спасибо!", index % 10000000);
  else
    {
      /* 400 GSM characters: three parts of at most 153 */
      gsize len = g_snprintf (buf, size, "Bench %07" G_GUINT64_FORMAT " long: ", index % 10000000);
      g_assert (size > 401);
      while (len < 400)
        {
          gsize n = MIN (sizeof fox - 1, 400 - len);
          memcpy (buf + len, fox, n);
          len += n;
        }
      buf[len] = '\0';
    }
}

void
bench_destination (guint64 index, char *buf, gsize size)
{
  /* Spread over many numbers so every bind gets its share. */
  g_snprintf (buf, size, "+4179%07" G_GUINT64_FORMAT, 1000000 + (index * 7919) % 9000000);
}

gsize
bench_file_content (guint64 index, char *buf, gsize size)
{
  char to[32], text[512];
  bench_destination (index, to, sizeof to);
  bench_text (index, text, sizeof text);
  return g_snprintf (buf, size, "To: %s\n\n%s", to, text);
}

void
bench_file_name (guint64 index, char *buf, gsize size)
{
  /* maildir: time.unique.host */
  g_snprintf (buf, size, "1700000000.B%" G_GUINT64_FORMAT ".bench", index);
}

guint64
bench_index_from_name (const char *name)
{
  const char *p = strstr (name, ".B");
  char *end;
  guint64 n;
  if (p == NULL)
    return G_MAXUINT64;
  n = g_ascii_strtoull (p + 2, &end, 10);
  if (end == p + 2 || *end != '.')
    return G_MAXUINT64;
  return n;
}

static gboolean
write_whole (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

/* Creates @dir/@name with the file of message @index. */
static gboolean
write_message (int dirfd, guint64 index, char *name, gsize name_size, GError **error)
{
  char content[1024];
  gsize len = bench_file_content (index, content, sizeof content);
  int fd;

  bench_file_name (index, name, name_size);
  fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 || !write_whole (fd, content, len))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot write message file %s: %s", name, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Distinct files behind a backlog or a linking writer; a multiple of the
 * mix's cycle of 20. */
#define TEMPLATES 1000

/* Creating and writing a small file took from 30 µs to 0.7 ms on the build
 * machine's file system (it varies with other load), linking one about
 * 25 µs; a writer creating every file fell short of 10,000/s while the
 * daemon ran.  So messages are TEMPLATES
 * distinct files of the mix, each linked under many names (message i links
 * the file of message i % TEMPLATES, so the mix and the parts are the same).
 * The router only ever renames, reads and removes them.  Returns the
 * folder, creating it and its files on first use. */
static char *
ensure_templates (BenchRun *run, GError **error)
{
  g_autofree char *tdir = g_build_filename (run->dir, "templates", NULL);
  char tname[64];
  int tfd;
  gboolean ok = TRUE;

  if (g_file_test (tdir, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&tdir);
  if (!make_dir (tdir, error))
    return NULL;
  tfd = open (tdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (tfd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot open %s: %s",
                   tdir, g_strerror (errno));
      return NULL;
    }
  for (guint64 i = 0; ok && i < TEMPLATES; i++)
    ok = write_message (tfd, i, tname, sizeof tname, error);
  close (tfd);
  return ok ? g_steal_pointer (&tdir) : NULL;
}

/* Links message @index under its own name in @to_fd. */
static gboolean
link_message (int tfd, int to_fd, guint64 index, char *name, gsize name_size, GError **error)
{
  char tname[64];
  bench_file_name (index % TEMPLATES, tname, sizeof tname);
  bench_file_name (index, name, name_size);
  if (linkat (tfd, tname, to_fd, name, 0) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot link message file %s: %s", name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
bench_link_files (void)
{
  return g_strcmp0 (g_getenv ("SR_BENCH_FILES"), "link") == 0;
}

gboolean
bench_fill_backlog (BenchRun *run, guint64 first, guint64 count, GError **error)
{
  g_autofree char *tdir = NULL;
  int newfd = -1, tfd = -1;
  char name[64];
  gboolean ok = TRUE;

  if (!bench_link_files ())
    {
      /* Every message its own file, as applications write them. */
      newfd = open (run->outbox_new, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (newfd < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot open %s: %s",
                       run->outbox_new, g_strerror (errno));
          return FALSE;
        }
      for (guint64 i = first; ok && i < first + count; i++)
        ok = write_message (newfd, i, name, sizeof name, error);
      close (newfd);
      return ok;
    }
  tdir = ensure_templates (run, error);
  if (tdir == NULL)
    return FALSE;
  newfd = open (run->outbox_new, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tfd = open (tdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (newfd < 0 || tfd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot open %s: %s",
                   newfd < 0 ? run->outbox_new : tdir, g_strerror (errno));
      ok = FALSE;
    }
  for (guint64 i = first; ok && i < first + count; i++)
    ok = link_message (tfd, newfd, i, name, sizeof name, error);
  if (newfd >= 0)
    close (newfd);
  if (tfd >= 0)
    close (tfd);
  return ok;
}

/* ---- the writer process ----------------------------------------------------- */

/* argv: PROG --writer NEWDIR TMPDIR FIRST COUNT RATE TIMESFILE TEMPLATES
 * (TEMPLATES "-": write every file) */
static int
writer_main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *times = NULL;
  guint64 first, count, rate;
  int newfd, tmpfd, tfd = -1;
  char name[64];
  struct timespec start;

  if (argc != 9)
    {
      fprintf (stderr, "usage: %s --writer NEWDIR TMPDIR FIRST COUNT RATE TIMESFILE TEMPLATES\n",
               argv[0]);
      return 2;
    }
  first = g_ascii_strtoull (argv[4], NULL, 10);
  count = g_ascii_strtoull (argv[5], NULL, 10);
  rate = g_ascii_strtoull (argv[6], NULL, 10);
  newfd = open (argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tmpfd = open (argv[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (strcmp (argv[8], "-") != 0)
    tfd = open (argv[8], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (newfd < 0 || tmpfd < 0 || (tfd < 0 && strcmp (argv[8], "-") != 0))
    {
      fprintf (stderr, "writer: cannot open the outbox: %s\n", g_strerror (errno));
      return 1;
    }
  times = g_new0 (gint64, MAX (count, 1));
  clock_gettime (CLOCK_MONOTONIC, &start);
  for (guint64 i = 0; i < count; i++)
    {
      if (rate > 0)
        {
          /* message i is due at start + i / rate; sleep only when early */
          guint64 due_ns = i * G_GUINT64_CONSTANT (1000000000) / rate;
          struct timespec due = {
            .tv_sec = start.tv_sec + (start.tv_nsec + due_ns) / 1000000000,
            .tv_nsec = (start.tv_nsec + due_ns) % 1000000000,
          };
          while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
            ;
        }
      if (tfd >= 0 ? !link_message (tfd, tmpfd, first + i, name, sizeof name, &error)
                   : !write_message (tmpfd, first + i, name, sizeof name, &error))
        {
          fprintf (stderr, "writer: %s\n", error->message);
          return 1;
        }
      times[i] = g_get_real_time ();
      if (renameat (tmpfd, name, newfd, name) != 0)
        {
          fprintf (stderr, "writer: cannot rename %s into new/: %s\n", name, g_strerror (errno));
          return 1;
        }
    }
  if (!g_file_set_contents (argv[7], (const char *) times, count * sizeof (gint64), &error))
    {
      fprintf (stderr, "writer: %s\n", error->message);
      return 1;
    }
  return 0;
}

BenchWriter *
bench_writer_start (BenchRun *run, guint64 first, guint64 count, guint rate, gboolean write_files,
                    GError **error)
{
  g_autoptr(BenchWriter) w = g_new0 (BenchWriter, 1);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", error);
  g_autofree char *tdir = NULL;
  char a_first[32], a_count[32], a_rate[32];

  if (self == NULL)
    return NULL;
  if (!write_files && bench_link_files () && (tdir = ensure_templates (run, error)) == NULL)
    return NULL;
  w->first = first;
  w->count = count;
  w->times_path = g_strdup_printf ("%s/writer-%" G_GUINT64_FORMAT ".times", run->dir, first);
  g_snprintf (a_first, sizeof a_first, "%" G_GUINT64_FORMAT, first);
  g_snprintf (a_count, sizeof a_count, "%" G_GUINT64_FORMAT, count);
  g_snprintf (a_rate, sizeof a_rate, "%u", rate);
  w->process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, error, self, "--writer",
                                 run->outbox_new, run->outbox_tmp, a_first, a_count, a_rate,
                                 w->times_path, tdir != NULL ? tdir : "-", NULL);
  if (w->process == NULL)
    return NULL;
  return g_steal_pointer (&w);
}

gboolean
bench_writer_wait (BenchWriter *writer, GError **error)
{
  if (!g_subprocess_wait_check (writer->process, NULL, error))
    {
      g_prefix_error (error, "the writer process failed: ");
      return FALSE;
    }
  return TRUE;
}

gint64 *
bench_writer_times (BenchWriter *writer, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (writer->times_path, &data, &len, error))
    return NULL;
  if (len != writer->count * sizeof (gint64))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the writer recorded %zu bytes of times, expected %" G_GUINT64_FORMAT,
                   len, writer->count * sizeof (gint64));
      g_free (data);
      return NULL;
    }
  return (gint64 *) data;
}

void
bench_writer_free (BenchWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->process != NULL)
    {
      g_subprocess_force_exit (writer->process);
      g_subprocess_wait (writer->process, NULL, NULL);
      g_object_unref (writer->process);
    }
  g_free (writer->times_path);
  g_free (writer);
}

/* ---- spool, simulator, daemon ----------------------------------------------- */

BenchRun *
bench_run_new (guint binds, GError **error)
{
  return bench_run_new_full (binds, NULL, NULL, error);
}

BenchRun *
bench_run_new_full (guint binds, const char *const *sim_extra, const char *router_extra,
                    GError **error)
{
  g_autoptr(BenchRun) run = g_new0 (BenchRun, 1);
  g_autoptr(GPtrArray) sim_args = g_ptr_array_new ();
  static const char *const sim_base[] = { "--no-log", "--no-receipts", "--system-id", "bench",
                                          "--password", "bench" };
  g_autofree char *app = NULL;
  g_autofree char *config = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sim_base); i++)
    g_ptr_array_add (sim_args, (gpointer) sim_base[i]);
  for (guint i = 0; sim_extra != NULL && sim_extra[i] != NULL; i++)
    g_ptr_array_add (sim_args, (gpointer) sim_extra[i]);
  g_ptr_array_add (sim_args, NULL);

  run->binds = binds;
  run->dir = g_dir_make_tmp ("sr-bench-XXXXXX", error);
  if (run->dir == NULL)
    return NULL;
  run->spool = g_build_filename (run->dir, "spool", NULL);
  run->config = g_build_filename (run->dir, "sms-router.conf", NULL);
  run->daemon_log = g_build_filename (run->dir, "daemon.log", NULL);
  app = g_build_filename (run->spool, "apps", BENCH_APP, NULL);
  run->outbox_new = g_build_filename (app, "outbox", "new", NULL);
  run->outbox_tmp = g_build_filename (app, "outbox", "tmp", NULL);
  run->sent = g_build_filename (app, "sent", NULL);
  run->dead = g_build_filename (app, "dead", NULL);
  run->inbox_new = g_build_filename (app, "inbox", "new", NULL);
  run->receipts_new = g_build_filename (app, "receipts", "new", NULL);
  if (!make_dir (run->outbox_new, error) || !make_dir (run->outbox_tmp, error))
    return NULL;

  run->sim = sr_test_sim_start ((const char *const *) sim_args->pdata, error);
  if (run->sim == NULL)
    return NULL;

  config = g_strdup_printf (
    "[router]\nspool = %s\nregion = CH\n%s"
    "[smpp:sim]\nhost = 127.0.0.1\nport = %u\nsystem-id = bench\npassword = bench\n"
    "binds = %u\nwindow = %u\nthroughput = 0\nenquire-link = 30\n"
    "[app:" BENCH_APP "]\nfrom = +41791234567\n"
    "[policy]\nblacklist-countries =\nmax-per-destination-hour = 0\nmax-per-destination-day = 0\n",
    run->spool, router_extra != NULL ? router_extra : "report = no\n",
    sr_test_sim_port (run->sim), binds, BENCH_WINDOW);
  if (!g_file_set_contents (run->config, config, -1, error))
    return NULL;
  g_chmod (run->config, 0600);
  return g_steal_pointer (&run);
}

static void
on_daemon_exit (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *exited = user_data;
  *exited = TRUE;
}

/* In the daemon before exec: it goes when the benchmark goes, even on a crash. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

gboolean
bench_daemon_start (BenchRun *run, GError **error)
{
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *router = g_getenv ("SR_ROUTER");

  if (router == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "SR_ROUTER is not set");
      return FALSE;
    }
  /* Its log (info and up, as in production: a line per inbound message) goes to a file. */
  g_subprocess_launcher_setenv (l, "SR_LOG_STDERR", "1", TRUE);
  g_subprocess_launcher_set_stderr_file_path (l, run->daemon_log);
  g_subprocess_launcher_set_stdout_file_path (l, "/dev/null");
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  run->daemon_exited = FALSE;
  run->daemon_started_us = g_get_real_time ();
  run->daemon = g_subprocess_launcher_spawn (l, error, router, "--daemon", "--config",
                                             run->config, NULL);
  if (run->daemon == NULL)
    return FALSE;
  g_subprocess_wait_async (run->daemon, NULL, on_daemon_exit, &run->daemon_exited);
  return TRUE;
}

/* The last lines of the daemon's log, for error messages. */
static char *
daemon_log_tail (BenchRun *run)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (run->daemon_log, &text, &len, NULL) || len == 0)
    return g_strdup ("(the daemon logged nothing)");
  return g_strdup (len > 2000 ? text + len - 2000 : text);
}

gboolean
bench_daemon_stop (BenchRun *run, GError **error)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  if (run->daemon == NULL)
    return TRUE;
  if (!run->daemon_exited)
    g_subprocess_send_signal (run->daemon, SIGTERM);
  while (!run->daemon_exited && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (!run->daemon_exited)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "the daemon did not stop within 120 s of SIGTERM");
      return FALSE;
    }
  if (!g_subprocess_get_if_exited (run->daemon) || g_subprocess_get_exit_status (run->daemon) != 0)
    {
      g_autofree char *tail = daemon_log_tail (run);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the daemon did not exit cleanly (status %d); its log ends:\n%s",
                   g_subprocess_get_status (run->daemon), tail);
      g_clear_object (&run->daemon);
      return FALSE;
    }
  g_clear_object (&run->daemon);
  return TRUE;
}

guint64
bench_daemon_kib (BenchRun *run, const char *field)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize flen = strlen (field);
  if (run->daemon == NULL || run->daemon_exited)
    return 0;
  path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (run->daemon));
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (char *line = text; line != NULL && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, field, flen) == 0 && line[flen] == ':')
      return g_ascii_strtoull (line + flen + 1, NULL, 10);
  return 0;
}

double
bench_daemon_cpu_s (BenchRun *run)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;
  if (run->daemon == NULL || run->daemon_exited)
    return -1;
  path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (run->daemon));
  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return -1;
  /* After "pid (comm)": state is field 3, utime 14 and stime 15. */
  fields = g_strsplit (end + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
}

void
bench_run_free (BenchRun *run)
{
  if (run == NULL)
    return;
  if (run->daemon != NULL)
    {
      if (!run->daemon_exited)
        g_subprocess_force_exit (run->daemon);
      g_subprocess_wait (run->daemon, NULL, NULL);
      /* let the pending wait callback run while its flag still exists */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_object_unref (run->daemon);
    }
  if (run->sim != NULL)
    sr_test_sim_free (run->sim);
  if (run->dir != NULL && g_getenv ("SR_BENCH_KEEP") == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", run->dir);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", run->dir);
    }
  g_free (run->dir);
  g_free (run->spool);
  g_free (run->config);
  g_free (run->outbox_new);
  g_free (run->outbox_tmp);
  g_free (run->sent);
  g_free (run->dead);
  g_free (run->inbox_new);
  g_free (run->receipts_new);
  g_free (run->daemon_log);
  g_free (run);
}

gboolean
bench_wait_bound (BenchRun *run, guint timeout_s, GError **error)
{
  gint64 end = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      if (run->daemon_exited)
        break;
      if (sr_test_sim_stat (run->sim, "binds_ok") >= run->binds)
        return TRUE;
      g_usleep (5000);
    }
  g_autofree char *tail = daemon_log_tail (run);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "the daemon did not bind %u session(s) within %u s; its log ends:\n%s",
               run->binds, timeout_s, tail);
  return FALSE;
}

/* ---- counting --------------------------------------------------------------- */

guint64
bench_count_files (const char *path)
{
  DIR *d = opendir (path);
  struct dirent *e;
  guint64 n = 0;
  if (d == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir (d);
  return n;
}

/* The first dead letter's error headers, for the failure message. */
static char *
first_dead_letter (BenchRun *run)
{
  g_autoptr(GDir) d = g_dir_open (run->dead, 0, NULL);
  const char *name = d != NULL ? g_dir_read_name (d) : NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  if (name == NULL)
    return g_strdup ("?");
  path = g_build_filename (run->dead, name, NULL);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup (name);
  return g_strdup_printf ("%s:\n%.600s", name, text);
}

/* A wait's progress: a mark (counter plus files) that must keep moving. */
typedef struct {
  gint64 last_progress;
  gint64 last_mark;
} WaitProgress;

/* FALSE, with the end of the daemon's log in @error, once it exited. */
static gboolean
daemon_alive (BenchRun *run, const char *waiting, GError **error)
{
  if (!run->daemon_exited)
    return TRUE;
  g_autofree char *tail = daemon_log_tail (run);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "the daemon exited while %s were waiting; its log ends:\n%s", waiting, tail);
  return FALSE;
}

/* Whether @mark stood still for more than @stall_s seconds. */
static gboolean
wait_stalled (WaitProgress *p, gint64 now, gint64 mark, guint stall_s)
{
  if (mark != p->last_mark)
    {
      p->last_mark = mark;
      p->last_progress = now;
      return FALSE;
    }
  return now - p->last_progress > (gint64) stall_s * G_USEC_PER_SEC;
}

gboolean
bench_wait_sent (BenchRun *run, guint64 messages, guint64 parts, guint stall_s,
                 guint64 *rss_peak_kib, GError **error)
{
  WaitProgress progress = { g_get_monotonic_time (), -1 };
  gint64 last_dead_check = 0;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 submits, mark;
      guint64 sent = 0;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (rss_peak_kib != NULL)
        *rss_peak_kib = MAX (*rss_peak_kib, bench_daemon_kib (run, "VmHWM"));
      if (!daemon_alive (run, "messages", error))
        return FALSE;
      if (now - last_dead_check > G_USEC_PER_SEC)
        {
          guint64 dead = bench_count_files (run->dead);
          last_dead_check = now;
          if (dead > 0)
            {
              g_autofree char *first = first_dead_letter (run);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "%" G_GUINT64_FORMAT " message(s) landed in dead/; the first is %s",
                           dead, first);
              return FALSE;
            }
        }
      submits = sr_test_sim_stat (run->sim, "submits");
      if (submits < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the simulator stopped answering");
          return FALSE;
        }
      for (guint t = 1; t <= 10 && (guint64) submits * 10 >= parts * t; t++)
        if (run->rss_kib_at_tenth[t] == 0)
          run->rss_kib_at_tenth[t] = bench_daemon_kib (run, "VmRSS");
      mark = submits;
      if ((guint64) submits >= parts)
        {
          sent = bench_count_files (run->sent);
          if (sent >= messages)
            return TRUE;
          mark += sent;
        }
      if (wait_stalled (&progress, now, mark, stall_s))
        {
          g_autofree char *tail = daemon_log_tail (run);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "no progress for %u s: %" G_GINT64_FORMAT " of %" G_GUINT64_FORMAT
                       " parts submitted, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                       " files in sent/ (0 = not counted yet); the daemon's log ends:\n%s",
                       stall_s, submits, parts, sent, messages, tail);
          return FALSE;
        }
      g_usleep (50000);
    }
}

gboolean
bench_wait_delivered (BenchRun *run, const char *dir, guint64 files, guint64 delivers,
                      guint stall_s, GError **error)
{
  WaitProgress progress = { g_get_monotonic_time (), -1 };

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 acked, mark;
      guint64 n = 0;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (!daemon_alive (run, "deliveries", error))
        return FALSE;
      acked = sr_test_sim_stat (run->sim, "deliver_acked");
      if (acked < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the simulator stopped answering");
          return FALSE;
        }
      mark = acked;
      if ((guint64) acked >= delivers)
        {
          n = bench_count_files (dir);
          if (n >= files)
            return TRUE;
          mark += n;
        }
      if (wait_stalled (&progress, now, mark, stall_s))
        {
          g_autofree char *tail = daemon_log_tail (run);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "no progress for %u s: %" G_GINT64_FORMAT " of %" G_GUINT64_FORMAT
                       " deliver_sm answered, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                       " files in %s (0 = not counted yet); the daemon's log ends:\n%s",
                       stall_s, acked, delivers, n, files, dir, tail);
          return FALSE;
        }
      g_usleep (50000);
    }
}

gboolean
bench_last_sent_us (BenchRun *run, guint64 expected, gint64 *last_us, GError **error)
{
  return bench_last_change_us (run->sent, expected, last_us, error);
}

gboolean
bench_last_change_us (const char *path, guint64 expected, gint64 *last_us, GError **error)
{
  DIR *d = opendir (path);
  struct dirent *e;
  guint64 n = 0;
  gint64 last = 0;

  if (d == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot open %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  while ((e = readdir (d)) != NULL)
    {
      struct stat st;
      if (e->d_name[0] == '.')
        continue;
      if (fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      n++;
      last = MAX (last, (gint64) st.st_ctim.tv_sec * G_USEC_PER_SEC + st.st_ctim.tv_nsec / 1000);
    }
  closedir (d);
  if (n != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%" G_GUINT64_FORMAT " files in %s, expected %" G_GUINT64_FORMAT, n, path,
                   expected);
      return FALSE;
    }
  *last_us = last;
  return TRUE;
}

guint64
bench_journal_bytes (BenchRun *run)
{
  static const char *const names[] = { "journal.db", "journal.db-wal" };
  guint64 total = 0;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (run->spool, "router", names[i], NULL);
      GStatBuf st;
      if (g_stat (path, &st) == 0)
        total += st.st_size;
    }
  return total;
}

double
bench_loadavg (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

void
bench_row (const char *label, const char *format, ...)
{
  va_list ap;
  g_autofree char *value = NULL;
  va_start (ap, format);
  value = g_strdup_vprintf (format, ap);
  va_end (ap);
  printf ("  %-44s %s\n", label, value);
}
