/* bench-common.h — what the router benchmarks share: a fresh spool with the
 * real daemon ($SR_ROUTER) and the real simulator ($SR_SIM, logging and
 * receipts off) over loopback TCP, the message mix, a writer process that
 * drops files into outbox/new/ (this program run again with --writer), and
 * figures read from /proc, the spool and the simulator's counters.
 *
 * Every benchmark prints a table for people and exactly one line starting
 * with '{' holding its figures as JSON.  A missed target is reported, not a
 * failure; a lost or dead message, or any error, fails the benchmark. */
#pragma once

#include "sr-test-sim.h"

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* The application whose outbox the benchmarks fill. */
#define BENCH_APP "bench"
/* Window per bind, as the requirement asks. */
#define BENCH_WINDOW 64

/* One fresh spool, its simulator and (once started) its daemon. */
typedef struct {
  char *dir;          /* temporary directory holding everything below */
  char *spool;
  char *config;
  char *outbox_new;   /* SPOOL/apps/bench/outbox/new */
  char *outbox_tmp;
  char *sent;
  char *dead;
  char *inbox_new;    /* SPOOL/apps/bench/inbox/new (made by the daemon) */
  char *receipts_new; /* SPOOL/apps/bench/receipts/new (made by the daemon) */
  char *daemon_log;   /* the daemon's log: info and up, as in production */
  guint binds;
  SrTestSim *sim;
  GSubprocess *daemon;
  gint64 daemon_started_us;   /* g_get_real_time() just before the spawn */
  gboolean daemon_exited;
  /* The daemon's VmRSS (KiB) when the simulator had counted 10 %, 20 %, …
   * 100 % of the parts (index 1..10), filled in by bench_wait_sent(). */
  guint64 rss_kib_at_tenth[11];
} BenchRun;

/* Unsets what the test environment adds for debugging (G_DEBUG,
 * MALLOC_CHECK_, G_MESSAGES_DEBUG) so the daemon and the simulator run as in
 * production, and runs the writer instead when argv says --writer.  Call
 * first in main(). */
void bench_init (int argc, char **argv);

/* An unsigned number from the environment, or @fallback. */
guint64 bench_env_u64 (const char *name, guint64 fallback);

/* Creates the temporary spool (with the app's outbox folders), starts the
 * simulator (no log, no receipts) and writes a configuration with @binds
 * sessions, window 64, no throttling, no limits, no receipts. */
BenchRun *bench_run_new (guint binds, GError **error);
/* The same, with @sim_extra (NULL-terminated, may be NULL) added to the
 * simulator's arguments and @router_extra (lines for the [router] section;
 * NULL = "report = no") in the configuration. */
BenchRun *bench_run_new_full (guint binds, const char *const *sim_extra, const char *router_extra,
                              GError **error);
/* Kills what still runs and removes the temporary directory. */
void bench_run_free (BenchRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchRun, bench_run_free)

gboolean bench_daemon_start (BenchRun *run, GError **error);
/* SIGTERM and wait (bounded); fails unless it exits with status 0. */
gboolean bench_daemon_stop (BenchRun *run, GError **error);
/* The daemon's VmHWM / VmRSS in KiB (0 when unavailable). */
guint64 bench_daemon_kib (BenchRun *run, const char *field);
/* The daemon's CPU time so far (user + system, seconds; -1 when unavailable):
 * a figure other load on the machine skews less than elapsed time. */
double bench_daemon_cpu_s (BenchRun *run);
/* Waits until the simulator counted @binds successful binds. */
gboolean bench_wait_bound (BenchRun *run, guint timeout_s, GError **error);

/* The message mix: of every 20 messages 16 are one GSM part, 3 one UCS-2
 * part and 1 three GSM parts. */
guint bench_parts (guint64 index);
guint64 bench_parts_total (guint64 first, guint64 count);
/* The text of message @index (NUL-terminated, in @buf). */
void bench_text (guint64 index, char *buf, gsize size);
/* The destination of message @index, "+4179…". */
void bench_destination (guint64 index, char *buf, gsize size);
/* The whole file; returns its length. */
gsize bench_file_content (guint64 index, char *buf, gsize size);
/* The maildir name of message @index; bench_index_from_name() reads it back
 * (G_MAXUINT64 for a name that is not ours). */
void bench_file_name (guint64 index, char *buf, gsize size);
guint64 bench_index_from_name (const char *name);

/* Puts messages [@first, @first + @count) straight into outbox/new/ (the
 * daemon must not be running): a backlog.  Message i is a hard link to a
 * file holding message i % 1000 (writing a file can cost many times more
 * than linking one); the mix, the parts and the names are unchanged. */
/* SR_BENCH_FILES=link: messages are hard links to 1,000 distinct files
 * (cheap to make; the router then copies them, as it must not write a file
 * that has another name).  Default: every message is a file of its own. */
gboolean bench_link_files (void);
gboolean bench_fill_backlog (BenchRun *run, guint64 first, guint64 count, GError **error);

/* A writer process: this program with --writer, putting messages
 * [@first, @first + @count) into tmp/ and renaming each into new/, at @rate
 * per second (0 = as fast as it can).  With @write_files each file is
 * created and written; otherwise it is a hard link to one of 1,000 files
 * of the mix, as in a backlog, so the writer can offer rates the file
 * system could not create files at.  The real time (µs) just before each
 * rename is kept in the run's directory. */
typedef struct {
  GSubprocess *process;
  char *times_path;
  guint64 first, count;
} BenchWriter;
BenchWriter *bench_writer_start (BenchRun *run, guint64 first, guint64 count, guint rate,
                                 gboolean write_files, GError **error);
/* Waits for it; fails unless it wrote everything. */
gboolean bench_writer_wait (BenchWriter *writer, GError **error);
/* The rename times (@count values, indexed from @first); NULL on error. */
gint64 *bench_writer_times (BenchWriter *writer, GError **error);
void bench_writer_free (BenchWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchWriter, bench_writer_free)

/* Files in @dir (not starting with '.'). */
guint64 bench_count_files (const char *dir);

/* Waits until @messages files are in sent/ (failing at once when one lands
 * in dead/, when the daemon exits, or when nothing moves for @stall_s
 * seconds).  Polls the simulator's counter first (cheap) and counts files
 * only near the end, so the waiting costs the machine little.  When
 * @rss_peak_kib is not NULL it is kept at the daemon's VmHWM meanwhile. */
gboolean bench_wait_sent (BenchRun *run, guint64 messages, guint64 parts, guint stall_s,
                          guint64 *rss_peak_kib, GError **error);
/* Waits until the simulator counted @delivers deliver_sm answered with
 * status 0 and @files files are in @dir (failing when the daemon exits or
 * nothing moves for @stall_s seconds). */
gboolean bench_wait_delivered (BenchRun *run, const char *dir, guint64 files, guint64 delivers,
                               guint stall_s, GError **error);
/* The latest change time (µs, real clock) of the files in sent/: when the
 * last one landed there.  Also checks their number. */
gboolean bench_last_sent_us (BenchRun *run, guint64 expected, gint64 *last_us, GError **error);
/* The same for any folder: the latest change time of the files in @path,
 * which must number @expected. */
gboolean bench_last_change_us (const char *path, guint64 expected, gint64 *last_us,
                               GError **error);

/* Size of the journal (journal.db and its -wal), bytes. */
guint64 bench_journal_bytes (BenchRun *run);

/* The 1-minute load average (other work on the machine skews the figures). */
double bench_loadavg (void);

/* Table helpers. */
void bench_row (const char *label, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
