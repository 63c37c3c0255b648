/* sr-test-sim.h — helpers for tests that talk to the SMSC simulator.
 *
 * SrTestSim runs the simulator binary ($SR_SIM) as a subprocess on a free
 * loopback port, with its control channel on a pipe and its JSON log in a
 * temporary directory, and reads that log back as JSON objects.
 *
 * SrTestSmpp is a small blocking SMPP client over a plain socket (with
 * timeouts), using the router's PDU codec: enough to drive the simulator
 * directly, feed it garbage, or load it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sr-pdu.h"

G_BEGIN_DECLS

/* A loopback TCP port free at the moment (for a server a test starts). */
guint16 sr_test_free_port (void);

/* A running simulator subprocess. */
typedef struct _SrTestSim SrTestSim;

/* Starts $SR_SIM with @args (NULL-terminated, may be NULL) plus
 * --control-stdin, --port 0 (unless @args has --port) and --log FILE in a
 * temporary directory (unless @args has --log, or "--no-log", which is not
 * passed on and means no log at all, as in benchmarks); waits for the
 * LISTENING line.  Fails when SR_SIM is unset or the simulator exits. */
SrTestSim *sr_test_sim_start (const char *const *args, GError **error);
/* Same, with the arguments as a NULL-terminated list; asserts success. */
SrTestSim *sr_test_sim_start_va (const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
/* With the defaults only; asserts success. */
SrTestSim *sr_test_sim_start_default (void);

guint16 sr_test_sim_port (SrTestSim *sim);
const char *sr_test_sim_log_path (SrTestSim *sim);
/* The subprocess's pid as a string, e.g. for kill -9 in durability tests. */
const char *sr_test_sim_pid (SrTestSim *sim);

/* Sends one control command ("mo SPEC", "drop", "stats", "set K V", ...) and
 * returns its one-line reply ("OK ..." or "ERR ..."); NULL when the
 * simulator is gone.  Free with g_free(). */
char *sr_test_sim_command (SrTestSim *sim, const char *command);
/* Injects an MO message; asserts it was accepted and returns its parts. */
guint sr_test_sim_mo (SrTestSim *sim, const char *spec);
/* The "stats" counters as a JSON object (owned by the caller), or NULL. */
JsonObject *sr_test_sim_stats (SrTestSim *sim);
/* One counter from "stats" (-1 when unavailable). */
gint64 sr_test_sim_stat (SrTestSim *sim, const char *name);

/* Every log line so far as a JsonObject (array owns references). */
GPtrArray *sr_test_sim_read_log (SrTestSim *sim);
/* Parses a log file written by the simulator; lines that are not JSON
 * objects fail the test. */
GPtrArray *sr_test_sim_parse_log (const char *path);
/* Entries with "dir" @dir ("in"/"out", NULL = any) and "command" @command
 * (NULL = any PDU); new array sharing the references. */
GPtrArray *sr_test_sim_log_filter (GPtrArray *entries, const char *dir, const char *command);
/* Entries with "event" @event. */
GPtrArray *sr_test_sim_log_events (GPtrArray *entries, const char *event);
/* Polls the log until it holds at least @count PDUs matching @dir and
 * @command, iterating the thread-default main context meanwhile (so an
 * in-process router keeps running).  Returns the matching entries, or NULL
 * after @timeout_ms. */
GPtrArray *sr_test_sim_wait_log (SrTestSim *sim, const char *dir, const char *command,
                                 guint count, guint timeout_ms);

/* Polls "stats" until counter @name reaches @at_least (iterating the
 * thread-default main context meanwhile); FALSE after @timeout_ms. */
gboolean sr_test_sim_wait_stat (SrTestSim *sim, const char *name, gint64 at_least,
                                guint timeout_ms);

/* Kills the simulator at once (SIGKILL), as a crashing SMSC.  Start a new
 * one with "--port", "N" to bring it back on the same port. */
void sr_test_sim_kill (SrTestSim *sim);

/* Field helpers for log entries. */
const char *sr_test_log_str (JsonObject *entry, const char *member);
gint64 sr_test_log_int (JsonObject *entry, const char *member);
/* Hex value of the TLV @tag, or NULL when absent. */
const char *sr_test_log_tlv (JsonObject *entry, guint16 tag);

/* Asks the simulator to quit and waits (a few seconds at most, then kills
 * it).  Returns its exit status, or -1 if it had to be killed. */
int sr_test_sim_stop (SrTestSim *sim);
/* Stops it if needed and frees everything (the log file too). */
void sr_test_sim_free (SrTestSim *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTestSim, sr_test_sim_free)

/* A blocking SMPP client connection. */
typedef struct _SrTestSmpp SrTestSmpp;

SrTestSmpp *sr_test_smpp_connect (guint16 port, GError **error);
void sr_test_smpp_free (SrTestSmpp *client);
int sr_test_smpp_fd (SrTestSmpp *client);

/* Next sequence number of this client (1, 2, ...). */
guint32 sr_test_smpp_next_seq (SrTestSmpp *client);
/* Packs and sends @pdu (a sequence number of 0 gets the next one). */
gboolean sr_test_smpp_send (SrTestSmpp *client, SrPdu *pdu, GError **error);
gboolean sr_test_smpp_send_raw (SrTestSmpp *client, const guint8 *data, gsize len, GError **error);
/* Receives one whole PDU within @timeout_ms.  Borrowed pointers in @pdu stay
 * valid until the next receive.  G_IO_ERROR_TIMED_OUT on timeout,
 * G_IO_ERROR_CLOSED when the peer closed. */
gboolean sr_test_smpp_recv (SrTestSmpp *client, SrPdu *pdu, guint timeout_ms, GError **error);
/* Receives the raw bytes of one PDU (header checked only for its length
 * being at least 16); returns a new GBytes or NULL. */
GBytes *sr_test_smpp_recv_raw (SrTestSmpp *client, guint timeout_ms, GError **error);
/* Whether the peer closes the connection within @timeout_ms (any PDUs
 * arriving meanwhile are discarded). */
gboolean sr_test_smpp_wait_closed (SrTestSmpp *client, guint timeout_ms);

/* Binds (command_id SR_CMD_BIND_*) and returns the bind_resp status, or
 * G_MAXUINT32 on a transport error. */
guint32 sr_test_smpp_bind (SrTestSmpp *client, guint32 command_id, const char *system_id,
                           const char *password);
/* Sends a submit_sm with a GSM text (ASCII only) and returns its sequence. */
guint32 sr_test_smpp_submit (SrTestSmpp *client, const char *from, const char *to,
                             const char *text, guint8 registered_delivery);
/* Receives PDUs until one with @command_id arrives (answering deliver_sm
 * and enquire_link meanwhile when @answer is TRUE); FALSE on timeout. */
gboolean sr_test_smpp_expect (SrTestSmpp *client, guint32 command_id, SrPdu *pdu,
                              gboolean answer, guint timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrTestSmpp, sr_test_smpp_free)

G_END_DECLS

G_BEGIN_DECLS

/* What one load run measured. */
typedef struct {
  guint64 sent;
  guint64 answered;
  guint64 ok;              /* answered with status 0 */
  double seconds;
  double per_second;       /* answered / seconds */
} SrTestLoadResult;

/* Binds as transmitter on @port and submits @count copies of one submit_sm
 * (the same PDU from memory, sequence numbers patched) keeping at most
 * @window unanswered, written in batches; waits for every answer.  The
 * simplest fastest client: the ceiling for anything that speaks SMPP here. */
gboolean sr_test_smpp_load (guint16 port, guint64 count, guint window,
                            SrTestLoadResult *result, GError **error);

G_END_DECLS
