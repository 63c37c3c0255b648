/* sr-inbound-private.h — internals shared by the files of the inbound module.
 *
 * Every deliver_sm is first stored as a record of a holding file in the
 * holding area SPOOL/router/inbound/ (a single message is part 1 of 1) and
 * only then acknowledged or assembled.  The deliver_sm read while one group
 * is being written form the next group (sr-inbound-batch.c): one holding
 * file, their inbox files and one journal commit for all of them.  A group of parts is one message being put
 * together; its key names the sender, our number and the concatenation
 * reference (or, for a single message, a hash of its content).  The time
 * the group was first seen travels with every held part: it makes the inbox
 * file name and the journal's dedup key stable across a crash and the
 * SMSC's redelivery.
 */
#pragma once

#include <glib.h>

#include "sr-inbound.h"
#include "sr-decode.h"

G_BEGIN_DECLS

/* SPOOL/router/<this> holds the parts not yet delivered. */
#define SR_INBOUND_HOLD_DIR "inbound"
/* Multipart groups stay known this long after delivery, so a part the SMSC
 * sends again (link lost before our answer) is recognised. */
#define SR_INBOUND_RECENT_MIN_S 600
/* Recovered after a crash: wait this long for the SMSC's redelivery of the
 * unanswered part before forgetting the group. */
#define SR_INBOUND_RECOVERED_GRACE_S 600
/* The held parts of a delivered single message stay this long: if the
 * router dies before its answer reached the SMSC, the restarted router
 * finds the message delivered when the SMSC sends it again. */
#define SR_INBOUND_LINGER_S 120
/* A message that could not be stored is tried again this often even when
 * the SMSC does not send it again. */
#define SR_INBOUND_RETRY_S 10

/* How a message was split by its sender. */
typedef enum {
  SR_INBOUND_SINGLE,
  SR_INBOUND_UDH8,
  SR_INBOUND_UDH16,
  SR_INBOUND_SAR,
} SrInboundConcat;

/* A file of the holding area and how many held parts still need it. */
typedef struct {
  char *name;
  guint refs;
} SrInboundHold;

/* One part as received (or read back from its holding file). */
typedef struct {
  guint8 *body;            /* short_message or message_payload, UDH included */
  gsize len;
  guint8 data_coding;
  guint8 esm_class;
  gsize udh_len;           /* octets of the UDH (0 without one) */
  gint64 received_at;
  SrInboundConcat concat;  /* from the UDH or the SAR TLVs */
  guint16 ref;
  guint total;             /* 1 for a single message */
  guint seq;               /* 1-based */
  SrInboundHold *hold;     /* the holding file with its record; NULL until written */
} SrInboundPart;

/* Where a group is in its life. */
typedef enum {
  SR_GROUP_COLLECTING,     /* parts still missing (or complete, delivery pending a retry) */
  SR_GROUP_DELIVERING,     /* inbox file being written, then waiting for the journal commit */
  SR_GROUP_DONE,           /* delivered; kept a while to recognise redelivered parts */
} SrGroupState;

/* A deliver_sm's done callback waiting for durability. */
typedef struct {
  SrInboundDoneFunc func;
  gpointer user_data;
} SrInboundWaiter;

/* One message being assembled. */
typedef struct {
  SrInbound *inbound;
  char *key;               /* provider, sender, our number, reference / content hash */
  char *hash;              /* hex SHA-1 of key: dedup key, inbox name */
  gint64 first_seen;       /* µs; stable across restarts (stored with each held part) */
  SrInboundConcat concat;
  guint16 ref;
  guint total;             /* 1 for a single message */
  SrInboundPart **parts;   /* [total], NULL where missing */
  guint have;
  char *provider;
  char *source_addr;
  guint8 source_ton;
  char *dest_addr;
  guint8 dest_ton;
  SrGroupState state;
  gboolean recovered;      /* rebuilt from the holding area at start */
  gboolean was_delivered;  /* recovered with its journal row: never written again */
  gboolean detached;       /* recovered twin of a group in the table: freed after delivery */
  gboolean delivered_incomplete;
  gboolean deliver_due;    /* deliver at the next group even if incomplete (timeout, retry) */
  guint queued;            /* references from the group being collected: not freed meanwhile */
  GArray *waiters;         /* SrInboundWaiter: answered after the journal commit */
  guint timer;             /* deadline (collecting) or forgetting (done) */
  gint64 timer_at;         /* real time µs the timer is due */
} SrInboundGroup;

typedef struct SrInboundBatch SrInboundBatch;

struct SrInbound {
  const SrConfig *config;
  SrSpool *spool;
  SrJournal *journal;
  SrPolicy *policy;
  SrInboundNotifyFunc notify;
  gpointer notify_data;
  char *hold_dir;
  GHashTable *groups;      /* key → SrInboundGroup */
  char *host;              /* for inbox file names */
  GHashTable *commits;     /* SrInboundCommit waiting for the journal (a set) */
  GPtrArray *detached;     /* recovered twins of groups in the table */
  GQueue linger;           /* SrInboundLinger, oldest first */
  guint linger_timer;
  GHashTable *holds;       /* name → SrInboundHold, the holding files in use */
  guint64 hold_seq;        /* for holding file names */
  /* sr-inbound-batch.c */
  GMainContext *context;
  SrInboundBatch *collecting;  /* deliver_sm read since the last group started */
  SrInboundBatch *writing;     /* the group the worker writes */
  GThreadPool *worker;
  GSource *written_source;     /* woken by the worker */
  GSource *start_source;       /* starts the collected group when idle */
};

/* ---- sr-inbound-store.c: the holding area ---- */

/* Creates SPOOL/router/inbound. */
gboolean sr_inbound_store_init (SrInbound *inbound, GError **error);
/* Appends the record of @part of @group to the text of a holding file. */
void sr_inbound_store_append (GString *out, const SrInboundGroup *group, const SrInboundPart *part);
/* A new holding file name, unique across restarts. */
char *sr_inbound_store_new_name (SrInbound *inbound);
/* Writes a holding file (temporary, fsync, rename, fsync of the folder):
 * whole or absent.  Safe from any thread. */
gboolean sr_inbound_store_write_file (const char *hold_dir, const char *name,
                                      const GString *data, GError **error);
void sr_inbound_store_hold_free (SrInboundHold *hold);
/* Registers the holding file @name, needed by @refs parts. */
SrInboundHold *sr_inbound_store_hold (SrInbound *inbound, const char *name, guint refs);
/* Releases the records of every held part of @group: a holding file no
 * part needs any more is removed. */
void sr_inbound_store_remove (SrInbound *inbound, SrInboundGroup *group);
/* Releases them after SR_INBOUND_LINGER_S. */
void sr_inbound_store_linger (SrInbound *inbound, SrInboundGroup *group);
/* Releases the lingering records due at @now_us (real time). */
void sr_inbound_store_expire (SrInbound *inbound, gint64 now_us);
/* Frees what is still waiting (the files stay for the next start). */
void sr_inbound_store_clear (SrInbound *inbound);
/* Rebuilds the groups from the holding files (into inbound->groups); those
 * the journal holds as recorded come back delivered. */
void sr_inbound_store_load (SrInbound *inbound);

/* ---- sr-inbound-message.c: assembling and writing ---- */

/* What goes into an inbox file. */
typedef struct {
  const char *sender;
  const char *recipient;
  gint64 received_at;
  const char *provider;
  const char *keyword;          /* NULL unless routed by keyword */
  const SrDecoded *decoded;
  guint total;
  const char *incomplete_parts; /* "1,3" when parts are missing, else NULL */
} SrInboundFileInfo;

/* Headers, blank line, UTF-8 body. */
GString *sr_inbound_format_file (const SrInboundFileInfo *info);
/* An address as the SMSC sent it, fit for a header and the journal: control
 * characters as spaces, bytes that are not UTF-8 as \xNN. */
char *sr_inbound_address_shown (const char *addr);

/* The text of the parts present, in order; missing parts show as " […] ". */
SrDecoded *sr_inbound_group_decode (const SrInboundGroup *group, SrDataCoding0 dc0);
/* "1,3" — the parts present. */
char *sr_inbound_group_parts_list (const SrInboundGroup *group);
/* The inbox file name of a group: stable for the same group and first_seen. */
char *sr_inbound_file_name (const SrInbound *inbound, const SrInboundGroup *group);
/* ---- sr-inbound.c ---- */

SrInboundGroup *sr_inbound_group_new (SrInbound *inbound, const char *key,
                                      const SrInboundPart *first, const char *provider, const char *source_addr,
                                      guint8 source_ton, const char *dest_addr,
                                      guint8 dest_ton, gint64 first_seen);
void sr_inbound_group_free (SrInboundGroup *group);
SrInboundPart *sr_inbound_part_new (const guint8 *body, gsize len, guint8 data_coding,
                                    guint8 esm_class, gint64 received_at);
void sr_inbound_part_free (SrInboundPart *part);
/* Fills the concatenation fields of @part from its UDH or @pdu's SAR TLVs
 * (@pdu may be NULL: then only the UDH is looked at). */
void sr_inbound_part_classify (SrInboundPart *part, const SrPdu *pdu);
/* The key of the group @part belongs to. */
char *sr_inbound_part_key (const char *provider, const char *source_addr, const char *dest_addr,
                           const SrInboundPart *part);
/* Adds @part (number part->seq) to @group, which takes it. */
void sr_inbound_group_add (SrInboundGroup *group, SrInboundPart *part);
/* Adds a recovered group and acts on it (delivers it when complete). */
void sr_inbound_group_recovered (SrInbound *inbound, SrInboundGroup *group);
/* Adds an answer given after the journal commit (or a failure). */
void sr_inbound_group_add_waiter (SrInboundGroup *group, SrInboundDoneFunc func, gpointer user_data);
/* Gives every waiting answer @status. */
void sr_inbound_group_answer (SrInboundGroup *group, guint32 status);
/* Removes @group from the table (frees it). */
void sr_inbound_group_forget (SrInboundGroup *group);
/* Arms the group's timer for @at_us (real time). */
void sr_inbound_group_arm_timer (SrInboundGroup *group, gint64 at_us);
/* Real time µs when an incomplete group is delivered as it is. */
gint64 sr_inbound_group_deadline (const SrInboundGroup *group);
/* What a delivery found and will record (sr-inbound.c). */
typedef struct SrInboundDelivery SrInboundDelivery;
/* Routes @group and makes its inbox file (in memory); state DELIVERING. */
SrInboundDelivery *sr_inbound_delivery_new (SrInboundGroup *group);
SrInboundGroup *sr_inbound_delivery_group (const SrInboundDelivery *d);
/* The inbox file to write (FALSE when the message goes to no inbox). */
gboolean sr_inbound_delivery_file (const SrInboundDelivery *d, const char **app,
                                   const char **name, const GString **data);
/* After the inbox file was written (or not: @error): records the message
 * in the journal and answers after the commit, or fails the group. */
void sr_inbound_delivery_finish (SrInboundDelivery *d, const GError *error);
/* The group could not be delivered: its waiters are told to try again. */
void sr_inbound_group_failed (SrInboundGroup *group, const char *what, gboolean journal_ok,
                              const GError *error);
void sr_inbound_delivery_free (SrInboundDelivery *d);
void sr_inbound_record_event (SrInbound *inbound, SrJournalLevel level, const char *kind, const char *app,
                              const char *text);

/* ---- sr-inbound-batch.c: group commit ---- */

/* Starts the worker. */
void sr_inbound_batch_init (SrInbound *inbound);
/* Waits for the worker; what it wrote is not recorded (as after a crash:
 * the holding files make the SMSC's redelivery come out the same). */
void sr_inbound_batch_fini (SrInbound *inbound);
/* @part (new: added to @group, not yet held; or NULL for a copy of part
 * @seq the SMSC sent again) joins the next group; @func is answered once
 * the part is held, or once @group is recorded if the group delivers it. */
void sr_inbound_batch_add (SrInbound *inbound, SrInboundGroup *group, SrInboundPart *part,
                           guint seq, SrInboundDoneFunc func, gpointer user_data);
/* @group is delivered with the next group, complete or not. */
void sr_inbound_batch_deliver (SrInbound *inbound, SrInboundGroup *group);
/* Writes and records everything collected, waiting for the worker. */
void sr_inbound_batch_drain (SrInbound *inbound);

G_END_DECLS
