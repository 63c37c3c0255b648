/* sr-sim-private.h — internals shared by the simulator's source files. */
#pragma once

#include <gio/gio.h>
#include <stdio.h>

#include "sr-sim.h"
#include "sr-pdu.h"

G_BEGIN_DECLS

/* Largest PDU we accept from a client; bigger lengths are framing errors. */
#define SR_SIM_MAX_PDU (64 * 1024)
/* How much we read per recv(): large, so a pipelining client is parsed in bulk. */
#define SR_SIM_READ_CHUNK (256 * 1024)
/* Stop reading from a client that does not read our answers past this. */
#define SR_SIM_OUT_HIGH_WATER (4 * 1024 * 1024)

/* The command_status values the simulator answers with (SMPP 3.4 §5.1.3). */
#define SR_SIM_OK           0x00000000u
#define SR_SIM_INVCMDLEN    0x00000002u
#define SR_SIM_INVCMDID     0x00000003u
#define SR_SIM_INVBNDSTS    0x00000004u
#define SR_SIM_ALYBND       0x00000005u
#define SR_SIM_SYSERR       0x00000008u
#define SR_SIM_INVDSTADR    0x0000000Bu
#define SR_SIM_INVPASWD     0x0000000Eu
#define SR_SIM_INVSYSID     0x0000000Fu
#define SR_SIM_THROTTLED    0x00000058u
#define SR_SIM_UNKNOWNERR   0x000000FFu

/* What a connection is bound as: bit 1 = may submit, bit 2 = may receive. */
typedef enum {
  SR_SIM_BIND_NONE = 0,
  SR_SIM_BIND_TX = 1,
  SR_SIM_BIND_RX = 2,
  SR_SIM_BIND_TRX = 3,
} SrSimBind;

/* Direction of a logged PDU. */
typedef enum {
  SR_SIM_DIR_IN,
  SR_SIM_DIR_OUT,
} SrSimDir;

/* --reject-prefix: submits to destinations starting with prefix get status. */
typedef struct {
  char *prefix;
  guint32 status;
} SrSimRejectRule;

/* --receipt-stat / --receipt-stat-for: the final state a receipt reports. */
typedef struct {
  char *prefix;        /* NULL for the default rule */
  char stat[8];        /* DELIVRD, UNDELIV, ... (7 characters at most) */
  guint8 state;        /* message_state TLV value */
  guint err;           /* err: field, 0..999 */
} SrSimStatRule;

/* One deliver_sm (receipt or MO part) on its way to a receiver bind; packed
 * once, its sequence number patched in at each (re)send. */
typedef struct {
  guint64 serial;      /* queue order, kept across redeliveries */
  char *system_id;     /* NULL = any receiver may take it */
  guint8 *pdu;
  gsize len;
  guint attempts;
  gboolean receipt;
} SrSimDelivery;

/* Deliveries waiting for a receiver bind of one system_id ("" = any). */
typedef struct {
  char *system_id;
  GQueue pending;      /* of SrSimDelivery, oldest first */
} SrSimMailbox;

/* A delivery waiting for its time: a receipt's --receipt-delay, or the
 * --deliver-retry-ms after the client refused it. */
typedef struct {
  gint64 due_us;
  SrSimDelivery *delivery;
} SrSimLaterJob;

/* Deliveries that all wait the same delay, so the queue stays in due order. */
typedef struct {
  SrSim *sim;
  GQueue jobs;                  /* of SrSimLaterJob */
  GSource *source;
} SrSimLater;

/* A response held back by --delay-ms or --late-ms. */
typedef struct {
  gint64 due_us;
  gboolean counts;     /* a submit response: counts for the window */
  gsize len;
  guint8 bytes[];
} SrSimHeld;

/* The JSON log writer (NULL in SrSim when logging is off). */
typedef struct {
  FILE *fp;
  gboolean log_sent;
  gboolean dirty;
  GString *line;
} SrSimLog;

typedef struct _SrSimConn SrSimConn;

/* One client connection. */
struct _SrSimConn {
  gint ref_count;
  SrSim *sim;
  guint64 id;
  GSocketConnection *connection;
  int fd;
  gboolean closed;
  gboolean close_after_flush;   /* after unbind_resp or a framing error */
  GSource *read_source;
  GSource *write_source;        /* only while the kernel refuses our bytes */
  GSource *dribble_source;
  GSource *held_source;

  guint8 *in;
  gsize in_len;
  gsize in_cap;

  GByteArray *out;
  gsize out_off;
  guint64 out_queued;           /* bytes ever queued */
  guint64 out_written;          /* bytes ever written */
  GArray *resp_ends;            /* out_queued after each submit response (guint64) */
  guint resp_head;
  GQueue held;                  /* of SrSimHeld, oldest first */
  guint held_counting;

  SrSimBind bind;
  char system_id[17];
  guint32 next_seq;
  guint64 submits;              /* on this connection */
  GHashTable *inflight;         /* sequence -> SrSimDelivery */
};

/* The simulator. */
struct _SrSim {
  GMainContext *context;
  GSocketService *service;
  guint16 port;

  /* Options, owned copies. */
  char *system_id;
  char *password;
  guint enquire_link_s;
  SrSimIdFormat id_format;
  SrSimIdFormat receipt_id_format;
  gboolean no_receipts;
  guint receipt_delay_ms;
  SrSimStatRule default_stat;
  GPtrArray *stat_rules;        /* of SrSimStatRule */
  guint deliver_window;
  guint mo_interval_ms;
  guint throttle_every;
  GPtrArray *reject_rules;      /* of SrSimRejectRule */
  guint drop_after;
  guint delay_ms;
  guint no_response_every;
  guint late_every;
  guint late_ms;
  guint garbage_after;
  guint oversized_after;
  gboolean dribble;
  guint max_window;

  /* Fault counters: one-shot faults fire at submit number base + N. */
  guint64 submit_count;
  guint64 drop_base;
  guint64 garbage_base;
  guint64 oversized_base;
  gboolean drop_fired;
  gboolean garbage_fired;
  gboolean oversized_fired;

  GList *conns;                 /* of SrSimConn */
  guint64 next_conn_id;
  guint64 next_message_id;
  guint64 next_serial;
  guint mo_generated;
  gint64 date_minute;           /* receipt dates: the last minute formatted */
  char date_text[11];
  guint16 mo_ref;               /* concatenation reference of the next MO */

  GHashTable *mailboxes;        /* system_id ("" = any) -> SrSimMailbox */
  SrSimLater receipts;          /* waiting for --receipt-delay */
  SrSimLater retries;           /* refused by the client, waiting to be sent again */
  guint deliver_retry_ms;
  GSource *pump_source;
  GSource *enquire_source;
  GSource *mo_source;
  GSource *flush_source;

  SrSimLog *log;
  SrSimStats stats;
};

/* sr-sim-conn.c: sockets, framing, output buffers. */
SrSimConn *sr_sim_conn_new (SrSim *sim, GSocketConnection *connection);
SrSimConn *sr_sim_conn_ref (SrSimConn *conn);
void sr_sim_conn_unref (SrSimConn *conn);
void sr_sim_conn_close (SrSimConn *conn, const char *reason);
/* Queues bytes to send; counts marks a submit response for the window. */
void sr_sim_conn_queue (SrSimConn *conn, const guint8 *bytes, gsize len, gboolean counts);
/* Queues bytes after @delay_ms (--delay-ms, --late-ms; now when 0). */
void sr_sim_conn_queue_response (SrSimConn *conn, const guint8 *bytes, gsize len, gboolean counts,
                                 guint delay_ms);
void sr_sim_conn_flush (SrSimConn *conn);
/* Client requests answered so far minus those we still hold: the client's
 * window as far as we can see it. */
guint sr_sim_conn_outstanding (SrSimConn *conn);
guint32 sr_sim_conn_next_seq (SrSimConn *conn);

/* sr-sim-handle.c: one handler per PDU type. */
void sr_sim_handle_pdu (SrSimConn *conn, const guint8 *pdu, gsize len);
void sr_sim_handle_framing_error (SrSimConn *conn, guint32 length);
void sr_sim_conn_send_simple (SrSimConn *conn, guint32 command_id, guint32 status, guint32 seq);

/* sr-sim-deliver.c: receipts and MO towards receiver binds. */
SrSimDelivery *sr_sim_delivery_new (SrSim *sim, const char *system_id, guint8 *pdu, gsize len, gboolean receipt);
void sr_sim_delivery_free (SrSimDelivery *delivery);
void sr_sim_deliver_enqueue (SrSim *sim, SrSimDelivery *delivery);
void sr_sim_deliver_pump (SrSim *sim);
void sr_sim_deliver_pump_soon (SrSim *sim);
void sr_sim_deliver_resp (SrSimConn *conn, guint32 seq, guint32 status);
void sr_sim_deliver_requeue_conn (SrSimConn *conn);
void sr_sim_receipt_schedule (SrSim *sim, SrSimDelivery *delivery);
void sr_sim_mailbox_free (gpointer data);
void sr_sim_deliver_init (SrSim *sim);
void sr_sim_deliver_clear (SrSim *sim);

/* sr-sim-receipt.c: delivery receipts. */
void sr_sim_format_id (SrSimIdFormat format, guint64 value, char *out, gsize size);
void sr_sim_receipt_for_submit (SrSimConn *conn, const SrPdu *req, guint64 id_value,
                                const char *message_id);

/* sr-sim-log.c: the JSON log. */
SrSimLog *sr_sim_log_open (const char *path, gboolean log_sent, GError **error);
void sr_sim_log_close (SrSimLog *log);
void sr_sim_log_pdu (SrSimLog *log, SrSimConn *conn, SrSimDir dir, const SrPdu *pdu);
void sr_sim_log_event (SrSimLog *log, SrSimConn *conn, const char *event, const char *detail);
void sr_sim_log_flush (SrSimLog *log);

/* sr-sim-mo.c: MO specs into deliver_sm PDUs. */
gboolean sr_sim_mo_build (SrSim *sim, const char *spec, GPtrArray *deliveries, GError **error);

/* sr-sim-options.c: parsing of option values. */
gboolean sr_sim_parse_status (const char *text, guint32 *status);
gboolean sr_sim_parse_stat_rule (const char *text, gboolean with_prefix, SrSimStatRule *rule, GError **error);
gboolean sr_sim_parse_reject_rule (const char *text, SrSimRejectRule *rule, GError **error);
void sr_sim_stat_rule_clear (SrSimStatRule *rule);

G_END_DECLS
