/* sr-inbound-private.h — internals shared by the files of the inbound module.
 *
 * Every deliver_sm is first stored as a part file in the holding area
 * SPOOL/router/inbound/ (a single message is part 1 of 1) and only then
 * acknowledged or assembled.  A group of parts is one message being put
 * together; its key names the sender, our number and the concatenation
 * reference (or, for a single message, a hash of its content).  The time
 * the group was first seen travels with every part file: it makes the inbox
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
/* The part files of a delivered single message stay this long: if the
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

/* One part as received (or read back from its part file). */
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
} SrInboundPart;

/* Where a group is in its life. */
typedef enum {
  SR_GROUP_COLLECTING,     /* parts still missing (or complete, delivery pending a retry) */
  SR_GROUP_DELIVERING,     /* inbox file written, waiting for the journal commit */
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
  char *hash;              /* hex SHA-1 of key: part file names, dedup key, inbox name */
  gint64 first_seen;       /* µs; stable across restarts (stored in each part file) */
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
  gboolean recovered;      /* rebuilt from part files at start */
  gboolean was_delivered;  /* recovered with its delivered mark: never written again */
  gboolean detached;       /* recovered twin of a group in the table: freed after delivery */
  gboolean delivered_incomplete;
  GArray *waiters;         /* SrInboundWaiter */
  guint timer;             /* deadline (collecting) or forgetting (done) */
  gint64 timer_at;         /* real time µs the timer is due */
} SrInboundGroup;

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
};

/* ---- sr-inbound-store.c: the holding area ---- */

/* Creates SPOOL/router/inbound. */
gboolean sr_inbound_store_init (SrInbound *inbound, GError **error);
/* Writes the part file of @part (number @seq, 1-based) of @group. */
gboolean sr_inbound_store_write (SrInbound *inbound, const SrInboundGroup *group,
                                 guint seq, const SrInboundPart *part, GError **error);
/* Leaves the mark "<hash>.<first seen>.0" next to the part files of a
 * message whose inbox file and journal row are durable: rebuilt after a
 * crash, it is only answered, never written again (the app may have taken
 * the file away already). */
void sr_inbound_store_mark_delivered (SrInbound *inbound, const SrInboundGroup *group);
/* Removes every part file of @group, then its delivered mark. */
void sr_inbound_store_remove (SrInbound *inbound, const SrInboundGroup *group);
/* Removes them after SR_INBOUND_LINGER_S. */
void sr_inbound_store_linger (SrInbound *inbound, const SrInboundGroup *group);
/* Removes the lingering files due at @now_us (real time). */
void sr_inbound_store_expire (SrInbound *inbound, gint64 now_us);
/* Frees what is still waiting (the files stay for the next start). */
void sr_inbound_store_clear (SrInbound *inbound);
/* Rebuilds the groups from the part files (into inbound->groups); those
 * with a delivered mark come back delivered. */
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
/* Writes @data as apps/<app>/inbox/new/@name (tmp then rename), unless a
 * file of that name is already in new/ or cur/ (written before a crash). */
gboolean sr_inbound_write_inbox (SrInbound *inbound, const char *app, const char *name,
                                 const char *data, gsize len, GError **error);

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

G_END_DECLS
