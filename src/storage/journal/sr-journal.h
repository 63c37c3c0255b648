/* sr-journal.h — the router's SQLite journal (SPOOL/router/journal.db).
 *
 * The journal records every message, part, receipt, inbound SMS and audit
 * event, the operators' blacklists and the per-destination counters.  It is
 * the only module that speaks SQL; callers get plain structs back.
 *
 * Writes are batched ("group commit"): the journal keeps one write
 * transaction open and commits it when 256 changes have accumulated, 5 ms
 * after the first uncommitted change (a timeout on the thread-default main
 * context of the thread that opened it), or on sr_journal_flush().  Code that
 * must not act before its rows are durable (SMPP traffic after the claim row,
 * deliver_sm_resp after the inbound row) registers sr_journal_when_committed().
 *
 * Callbacks run after the commit from the main context (or inside
 * sr_journal_flush), never from inside a write call.
 *
 * If a batch cannot be committed because of the storage (disk full, I/O
 * error, a read-only file, a lock held too long), nothing is lost: its writes
 * are kept and applied again, the commit is retried with backoff (50 ms
 * doubling to 2 s), its when_committed callbacks wait for the commit that
 * succeeds, and the health callback hears of the failure and of the recovery.
 * Writes meanwhile join the kept batch; those whose outcome depends on the
 * database (receipts, inbound SMS, blacklist changes, pruning) are refused
 * while the batch cannot even be applied.  A batch is lost only when the
 * journal is closed while it still cannot commit, or when SQLite gives it up
 * for another reason: then every callback waiting for it gets an
 * SR_JOURNAL_ERROR_LOST error, the error callback is told, the in-memory
 * caches are read back, and the next write starts a new batch.  Ids handed
 * out for lost rows are never handed out again.
 *
 * Durability: WAL with synchronous=NORMAL.  A commit survives a crash of the
 * process (kill -9); a power cut may lose the last commits but never corrupts
 * the file.  The WAL is copied back into the database by a helper thread with
 * its own connection, so commits do not stall on fsync, and started over
 * every 2 MiB or so: it stays under SR_JOURNAL_WAL_BOUND_BYTES.  Foreign keys are
 * declared for readers of the schema but not enforced (a lookup per insert);
 * pruning removes children itself.  Deleted rows are overwritten
 * (secure_delete): pruned personal data does not linger in free pages.
 *
 * Timestamps are microseconds since the Unix epoch (g_get_real_time()); every
 * function that depends on the clock takes "now" as an argument.  Hour and day
 * periods of the counters are UTC.
 *
 * Use a journal from one thread only: the one that opened it.
 */
#pragma once

#include <glib.h>

#include "sr-error-class.h"
#include "sr-histogram.h"

G_BEGIN_DECLS

#define SR_JOURNAL_ERROR (sr_journal_error_quark ())
GQuark sr_journal_error_quark (void);

/* Why a journal operation failed. */
typedef enum {
  SR_JOURNAL_ERROR_OPEN,       /* the file cannot be opened or created */
  SR_JOURNAL_ERROR_VERSION,    /* schema newer than this program, or too old for read-only use */
  SR_JOURNAL_ERROR_CORRUPT,    /* not a database, or damaged */
  SR_JOURNAL_ERROR_FULL,       /* disk (or the database size limit) is full */
  SR_JOURNAL_ERROR_IO,         /* an I/O error from the operating system */
  SR_JOURNAL_ERROR_BUSY,       /* another process holds the write lock */
  SR_JOURNAL_ERROR_READ_ONLY,  /* opened read-only, or the file is not writable */
  SR_JOURNAL_ERROR_INVALID,    /* an argument value the journal cannot store (bad blacklist value) */
  SR_JOURNAL_ERROR_NOT_FOUND,  /* no row with that id */
  SR_JOURNAL_ERROR_LOST,       /* uncommitted writes were rolled back by a failure */
  SR_JOURNAL_ERROR_FAILED,     /* any other database failure */
  SR_JOURNAL_ERROR_MISSING,    /* no journal, but the spool holds claimed messages */
} SrJournalError;

/* The schema version this program writes (PRAGMA user_version). */
#define SR_JOURNAL_SCHEMA_VERSION 2

/* The largest the write-ahead log (journal.db-wal) grows under sustained
 * load while no reader holds an old snapshot (README: "The journal"). */
#define SR_JOURNAL_WAL_BOUND_BYTES (6 * 1024 * 1024)

/* A message's place in its life.  Stored as these numbers: never renumber. */
typedef enum {
  SR_MESSAGE_QUEUED = 0,       /* claimed, waiting for a bind / a retry time */
  SR_MESSAGE_SUBMITTING = 1,   /* parts on the wire, not all answered */
  SR_MESSAGE_SENT = 2,         /* every part accepted by the SMSC, awaiting receipts */
  SR_MESSAGE_DELIVERED = 3,    /* every part has a positive final receipt */
  SR_MESSAGE_UNDELIVERABLE = 4,/* a final negative receipt (expired, rejected, undeliverable) */
  SR_MESSAGE_DEAD = 5,         /* never accepted by the SMSC: in dead/ */
  SR_MESSAGE_DISCARDED = 6,    /* a dead letter an operator discarded */
  SR_MESSAGE_N_STATES
} SrMessageState;

/* What the SMSC said to one part's submit_sm.  Stored as these numbers. */
typedef enum {
  SR_SEGMENT_PENDING = 0,      /* not sent yet */
  SR_SEGMENT_IN_FLIGHT = 1,    /* submit_sm sent, no response: resent after a crash */
  SR_SEGMENT_ACCEPTED = 2,     /* positive submit_sm_resp: never sent again */
  SR_SEGMENT_REJECTED = 3,     /* negative submit_sm_resp */
} SrSegmentSubmit;

/* The meaning of a delivery receipt's "stat:" for the part.  Stored as these numbers. */
typedef enum {
  SR_RECEIPT_NONE = 0,         /* no receipt yet */
  SR_RECEIPT_INTERMEDIATE = 1, /* ENROUTE, ACCEPTD: more will come */
  SR_RECEIPT_DELIVERED = 2,    /* DELIVRD */
  SR_RECEIPT_FAILED = 3,       /* EXPIRED, DELETED, UNDELIV, REJECTD, UNKNOWN */
} SrReceiptState;

/* Severity of an audit event. */
typedef enum {
  SR_LEVEL_DEBUG = 0,
  SR_LEVEL_INFO = 1,
  SR_LEVEL_WARNING = 2,
  SR_LEVEL_ERROR = 3,
} SrJournalLevel;

/* What a blacklist entry matches.  Stored as these numbers. */
typedef enum {
  SR_BLACKLIST_COUNTRY = 0,    /* ISO 3166 alpha-2 region code, e.g. "CI" */
  SR_BLACKLIST_NUMBER = 1,     /* one E.164 number, e.g. "+41791234567" */
  SR_BLACKLIST_PREFIX = 2,     /* E.164 prefix, e.g. "+4179" */
} SrBlacklistKind;

/* Which console list a page of messages belongs to. */
typedef enum {
  SR_VIEW_QUEUE,               /* queued + submitting */
  SR_VIEW_SENT,                /* accepted, awaiting receipt */
  SR_VIEW_DONE,                /* delivered + undeliverable (receipt received) */
  SR_VIEW_DEAD,                /* dead letters */
  SR_VIEW_ALL,                 /* every message */
} SrJournalView;

/* Which way a keyset page goes from its cursor. */
typedef enum {
  SR_PAGE_OLDER,               /* id < cursor, newest first (cursor 0 = from the newest) */
  SR_PAGE_NEWER,               /* id > cursor, oldest first (cursor 0 = from the oldest) */
} SrPageDirection;

/* What sr_journal_record_receipt() found. */
typedef enum {
  SR_RECEIPT_MATCHED,
  SR_RECEIPT_UNMATCHED,
} SrReceiptMatch;

typedef struct _SrJournal SrJournal;

/* One message (row of "messages").  Strings are owned; NULL when unknown. */
typedef struct {
  gint64 id;
  char *app;
  char *file;                  /* the spool file name (maildir unique name) */
  char *reference;
  char *to_raw;                /* the To: header as written */
  char *to_e164;
  char *country;               /* region code of the destination */
  char *from_addr;
  char *alphabet;              /* "GSM", "UCS2", "ISO", ... */
  guint parts;
  SrMessageState state;
  guint attempts;
  gint64 next_attempt_at;      /* 0 = none */
  char *provider;
  SrErrorClass error_class;
  gint error_code;             /* SMPP command_status or 0 */
  char *error_text;
  gint64 created_at;
  gint64 submitted_at;         /* 0 = not yet */
  gint64 done_at;              /* 0 = not final */
  char *preview;               /* start of the text, for the console and search */
} SrJournalMessage;

/* One part of a message (row of "segments"). */
typedef struct {
  gint64 message_id;
  guint part;                  /* 1-based */
  char *provider;
  char *smsc_id;               /* normalised by the caller */
  SrSegmentSubmit submit;
  gint command_status;
  gint64 submitted_at;
  SrReceiptState receipt;
  char *receipt_stat;          /* "DELIVRD", ... as received */
  char *receipt_err;
  gint64 receipt_at;
} SrJournalSegment;

/* One delivery receipt as received (row of "receipts"); message_id 0 = unmatched
 * (when recording: not correlated by the caller). */
typedef struct {
  gint64 id;
  gint64 received_at;
  char *provider;
  char *smsc_id;
  gint64 message_id;
  guint part;
  SrReceiptState state;
  char *stat;
  char *err;
  gint64 done_at;              /* the receipt's "done date", 0 when absent */
  char *raw;                   /* the receipt text as received */
} SrJournalReceipt;

/* One inbound SMS (row of "inbound"). */
typedef struct {
  gint64 id;
  char *provider;
  char *sender;
  char *recipient;
  char *app;                   /* NULL = not routed to an app */
  char *text;
  guint parts;
  gint64 received_at;
  char *verdict;               /* route / firewall decision, e.g. "inbox", "denied: sender" */
  char *dedup_key;             /* NULL = no deduplication */
  char *file;                  /* inbox file name */
} SrJournalInbound;

/* One audit event (row of "events"). */
typedef struct {
  gint64 id;
  gint64 ts;
  SrScope scope;
  SrJournalLevel level;
  char *kind;                  /* short machine word: "state", "retry", "bind", "blacklist-add" */
  gint64 message_id;           /* 0 = none */
  char *app;
  char *actor;                 /* "router" or an operator's name */
  char *text;
} SrJournalEvent;

/* One blacklist entry. */
typedef struct {
  SrBlacklistKind kind;
  char *value;
  char *who;
  gint64 created_at;
  char *note;
} SrJournalBlacklistEntry;

/* Everything the console's detail pane shows for one message. */
typedef struct {
  SrJournalMessage *message;
  GPtrArray *segments;         /* SrJournalSegment, by part */
  GPtrArray *receipts;         /* SrJournalReceipt, oldest first */
  GPtrArray *events;           /* SrJournalEvent, oldest first */
} SrJournalMessageDetail;

/* What sr_journal_record_receipt() tells the caller to write a receipt file. */
typedef struct {
  gint64 message_id;
  guint part;
  guint parts;
  char *app;
  char *file;
  char *reference;
  char *to_e164;
  char *to_raw;
  gint64 submitted_at;
  SrMessageState state;        /* the message's state after this receipt */
  gboolean final;              /* every part has a final receipt: the message is done */
  gboolean repeated;           /* the part had a final receipt already: that one stands */
  char *kept_stat;             /* when repeated: the stat of the final receipt that stands */
} SrJournalReceiptInfo;

/* Filter of the CSV export; NULL / 0 fields do not filter. */
typedef struct {
  gint64 since;                /* inclusive */
  gint64 until;                /* exclusive, 0 = no end */
  const char *app;
} SrJournalExportFilter;

/* Rows removed by sr_journal_prune(). */
typedef struct {
  guint64 messages;
  guint64 segments;
  guint64 receipts;
  guint64 inbound;
  guint64 events;
  guint64 counters;
  gboolean finished;           /* FALSE: the limit was reached, call again */
} SrJournalPruneCounts;

/* Debug figures (commits are counted so tests can prove batching). */
typedef struct {
  guint64 commits;
  guint64 failed_commits;
  guint64 changes;             /* write statements since open */
  guint64 checkpoints;         /* WAL copied back into the database (by a helper thread) */
  SrHistogram commit_time;     /* how long each successful COMMIT took */
} SrJournalStats;

/* Flags of sr_journal_open(). */
typedef enum {
  SR_JOURNAL_OPEN_DEFAULT = 0,
  SR_JOURNAL_OPEN_READ_ONLY = 1 << 0, /* export, attached console: never migrates or writes */
} SrJournalOpenFlags;

/* Called after a commit; error is NULL when everything written before the
 * registration is durable, otherwise those writes were lost. */
typedef void (*SrJournalCommittedFunc) (SrJournal *journal, const GError *error, gpointer user_data);
/* Called when a batch was lost: raise a system alarm. */
typedef void (*SrJournalErrorFunc) (SrJournal *journal, const GError *error, gpointer user_data);

/* ---- open, commit ---------------------------------------------------- */

/* SPOOL/router/journal.db */
char *sr_journal_path_for_spool (const char *spool_dir);

/* Opens (creating and migrating as needed) the journal at path.  A damaged
 * file (SR_JOURNAL_ERROR_CORRUPT), one of a newer schema
 * (SR_JOURNAL_ERROR_VERSION) or, for writing, one that can only be read
 * (SR_JOURNAL_ERROR_READ_ONLY) is refused with what the operator should do. */
SrJournal *sr_journal_open (const char *path, SrJournalOpenFlags flags, GError **error);
/* TRUE for an error of opening the journal that an operator must resolve
 * (damaged, newer schema, not writable, missing with claimed messages):
 * exit status 2. */
gboolean sr_journal_error_needs_operator (const GError *error);
/* TRUE when path holds no journal yet (no file, or an empty one): opening it
 * would start a fresh journal. */
gboolean sr_journal_is_new (const char *path);
/* Commits what is pending (one last try after a storage failure; what still
 * cannot commit is lost, errors go to the error callback) and closes. */
void sr_journal_close (SrJournal *journal);
const char *sr_journal_get_path (SrJournal *journal);
gint sr_journal_get_schema_version (SrJournal *journal);

/* Commits now and runs due when_committed callbacks before returning. */
gboolean sr_journal_flush (SrJournal *journal, GError **error);
/* Commits the open transaction in the next main-loop iteration instead of
 * at its size or age limit: for writes something waits on (a window slot,
 * a message ready to go).  Everything written until then joins the commit. */
void sr_journal_commit_soon (SrJournal *journal);
/* Runs func (from the main context, or from sr_journal_flush) once everything
 * written so far is committed, or with an error if it was lost. */
void sr_journal_when_committed (SrJournal *journal, SrJournalCommittedFunc func, gpointer user_data);
void sr_journal_set_error_func (SrJournal *journal, SrJournalErrorFunc func, gpointer user_data);
/* Called (from the main context) when the journal cannot commit (error: the
 * failure) and again when it commits again (error NULL).  In between nothing
 * is lost: writes are kept and the commit is retried with backoff, and
 * sr_journal_when_committed() callbacks wait for it. */
typedef void (*SrJournalHealthFunc) (SrJournal *journal, const GError *error, gpointer user_data);
void sr_journal_set_health_func (SrJournal *journal, SrJournalHealthFunc func, gpointer user_data);
/* FALSE while a failed commit waits for its retry. */
gboolean sr_journal_is_healthy (SrJournal *journal);
/* Batch limits; the defaults are 256 changes and 5 ms. */
void sr_journal_set_batch (SrJournal *journal, guint max_changes, guint max_delay_ms);
void sr_journal_get_stats (SrJournal *journal, SrJournalStats *stats);
/* Reads the in-memory mirrors (blacklist, counts, counters) back from the
 * database: for a reader in another process that wants fresh counts. */
gboolean sr_journal_reload (SrJournal *journal, GError **error);
/* Test hook: the next n commits are rolled back and their changes dropped,
 * as a crash before the commit would (SR_JOURNAL_ERROR_LOST). */
void sr_journal_debug_fail_commits (SrJournal *journal, guint n);
/* Test hook: limits the database to max_pages pages (a full disk); 0 = no
 * limit.  Returns the limit in effect (never below the current size). */
guint sr_journal_debug_set_max_pages (SrJournal *journal, guint max_pages);
/* Test hook: WAL sizes (pages) that wake the checkpoint thread (default
 * 256) and that make the writer restart the WAL whatever the thread does
 * (default 1024); the writer restarts it half-way when the thread is idle. */
void sr_journal_debug_set_checkpoint_pages (SrJournal *journal, guint pages, guint hard_pages);

/* ---- messages and segments -------------------------------------------- */

/* Inserts m (its id is ignored) and returns the new id (> 0), or 0 on error.
 * Ids are never reused by this process, even after a lost batch. */
gint64 sr_journal_message_insert (SrJournal *journal, const SrJournalMessage *m, GError **error);
/* Fills what parsing learnt (reference, to_*, country, from, alphabet, parts, preview). */
gboolean sr_journal_message_set_parsed (SrJournal *journal, const SrJournalMessage *m, GError **error);
/* Sets the state; SENT sets submitted_at, final states set done_at (to now). */
gboolean sr_journal_message_set_state (SrJournal *journal, gint64 id, SrMessageState state,
                                       gint64 now, GError **error);
/* Records an attempt: its number, the provider used and when to retry (0 = none). */
gboolean sr_journal_message_set_attempt (SrJournal *journal, gint64 id, guint attempts,
                                         const char *provider, gint64 next_attempt_at,
                                         GError **error);
/* Records the error (and the state it leads to, e.g. DEAD or QUEUED for a retry). */
gboolean sr_journal_message_set_error (SrJournal *journal, gint64 id, SrMessageState state,
                                       SrErrorClass klass, gint code, const char *text,
                                       gint64 now, GError **error);

/* Adds parts 1..n_parts as PENDING. */
gboolean sr_journal_segments_add (SrJournal *journal, gint64 message_id, guint n_parts, GError **error);
/* A submit_sm for the part went out (IN_FLIGHT) or was answered. */
gboolean sr_journal_segment_set_submit (SrJournal *journal, gint64 message_id, guint part,
                                        SrSegmentSubmit submit, const char *provider,
                                        const char *smsc_id, gint command_status,
                                        gint64 now, GError **error);
/* Looks up, without writing, the parts whose smsc_id (and provider, if not
 * NULL) match and that were submitted between since and until (inclusive;
 * since 0 = any time).  Returns how many there are, counting at most 2 (2 =
 * "more than one"), with the newest in *message_id and *part; -1 on error. */
gint sr_journal_segment_find (SrJournal *journal, const char *smsc_id, const char *provider,
                              gint64 since, gint64 until, gint64 *message_id, guint *part,
                              GError **error);
/* Correlates a receipt with its part and stores it: with the part the caller
 * found (receipt->message_id and part), else with the part whose smsc_id
 * (and provider, if not NULL) matches.  Derives the message's state from all
 * its parts and fills *info (free with sr_journal_receipt_info_free).  The
 * first final receipt of a part stands: a later one is stored as received
 * but changes nothing (info->repeated).  Unmatched receipts are stored too
 * (message_id 0) and return SR_RECEIPT_UNMATCHED.  Returns -1 on error. */
gint sr_journal_record_receipt (SrJournal *journal, const SrJournalReceipt *receipt,
                                SrJournalReceiptInfo **info, GError **error);
/* What sr_journal_record_receipt() would report for a receipt of the part
 * receipt->message_id / part, without writing: to act on it (a receipt
 * file) before the journal holds it.  NULL with an error if there is no
 * such message. */
SrJournalReceiptInfo *sr_journal_receipt_preview (SrJournal *journal, const SrJournalReceipt *receipt,
                                                  GError **error);
/* "DELIVRD" -> DELIVERED, "ENROUTE"/"ACCEPTD" -> INTERMEDIATE, other final -> FAILED. */
SrReceiptState sr_journal_receipt_state_from_stat (const char *stat);

/* ---- inbound, events -------------------------------------------------- */

/* Inserts an inbound SMS.  With a dedup_key already present nothing is written,
 * *duplicate is set and the existing id returned.  Returns 0 on error. */
gint64 sr_journal_inbound_insert (SrJournal *journal, const SrJournalInbound *in,
                                  gboolean *duplicate, GError **error);
/* The id of the inbound SMS recorded with @dedup_key, 0 if there is none,
 * -1 on error. */
gint64 sr_journal_inbound_find (SrJournal *journal, const char *dedup_key, GError **error);
/* Appends to the audit log; message_id 0 = about no message, actor NULL = "router". */
gboolean sr_journal_event_add (SrJournal *journal, gint64 now, SrScope scope, SrJournalLevel level,
                               const char *kind, gint64 message_id, const char *app,
                               const char *actor, const char *text, GError **error);

/* ---- blacklist, counters (cached in memory: cheap per message) --------- */

/* Adds an entry and writes an audit event.  An entry that exists already is
 * left as it is (*added = FALSE, no event): seeding from the configuration at
 * every start is free. */
gboolean sr_journal_blacklist_add (SrJournal *journal, SrBlacklistKind kind, const char *value,
                                   const char *who, const char *note, gint64 now,
                                   gboolean *added, GError **error);
/* Removes an entry (writes an audit event); *removed = FALSE if there was none. */
gboolean sr_journal_blacklist_remove (SrJournal *journal, SrBlacklistKind kind, const char *value,
                                      const char *who, gint64 now, gboolean *removed, GError **error);
gboolean sr_journal_blacklist_has_country (SrJournal *journal, const char *region);
gboolean sr_journal_blacklist_has_number (SrJournal *journal, const char *e164);
/* The longest blacklisted prefix of e164 (owned by the journal, valid until
 * the next blacklist change), or NULL. */
const char *sr_journal_blacklist_match_prefix (SrJournal *journal, const char *e164);
/* All entries of a kind, sorted by value (SrJournalBlacklistEntry). */
GPtrArray *sr_journal_blacklist_list (SrJournal *journal, SrBlacklistKind kind, GError **error);
const char *sr_blacklist_kind_to_string (SrBlacklistKind kind);

/* Counts one message to destination in the hour and the day of now. */
gboolean sr_journal_counter_add (SrJournal *journal, const char *destination, gint64 now, GError **error);
/* Messages counted to destination in the current hour and day of now. */
void sr_journal_counter_get (SrJournal *journal, const char *destination, gint64 now,
                             guint *hour, guint *day);

/* ---- reads ----------------------------------------------------------- */

/* A keyset page of messages (SrJournalMessage): SR_PAGE_OLDER pages come
 * newest first, SR_PAGE_NEWER pages oldest first.  filter (may be NULL) is a
 * substring of the number, reference, file, text, country, provider or error
 * text (case-insensitive for ASCII), or the name of an error class ("smsc");
 * "+" and 7 or more digits ("+41791234567", "+4179123") is a prefix
 * of the destination number: the number itself and the longer numbers
 * starting with it, each read in id order on the index that reads fewer
 * rows (the number's or the state's).  *next_cursor is the cursor of the
 * following page, 0 when this was the last one. */
GPtrArray *sr_journal_messages_page (SrJournal *journal, SrJournalView view, const char *app,
                                     const char *filter, SrPageDirection dir, gint64 cursor,
                                     guint limit, gint64 *next_cursor, GError **error);
GPtrArray *sr_journal_inbound_page (SrJournal *journal, const char *filter, SrPageDirection dir,
                                    gint64 cursor, guint limit, gint64 *next_cursor, GError **error);
/* Events; scope < 0 = both scopes. */
GPtrArray *sr_journal_events_page (SrJournal *journal, gint scope, const char *filter,
                                   SrPageDirection dir, gint64 cursor, guint limit,
                                   gint64 *next_cursor, GError **error);
/* Receipts, or only the unmatched ones. */
GPtrArray *sr_journal_receipts_page (SrJournal *journal, gboolean unmatched_only, SrPageDirection dir,
                                     gint64 cursor, guint limit, gint64 *next_cursor, GError **error);

/* One page of the conversation with a number: messages to it (with their
 * receipts) and inbound messages from it.  The two streams page by their
 * own ids (each in time order) and are merged by time: the page holds the
 * limit messages and inbound messages nearest the cursors in dir.  Cursors
 * are exclusive ids of each stream, 0 = from the newest (SR_PAGE_OLDER) or
 * the oldest (SR_PAGE_NEWER) end. */
typedef struct {
  GPtrArray *messages;         /* SrJournalMessage to the number, ascending id */
  GPtrArray *receipts;         /* SrJournalReceipt of those messages, ascending id */
  GPtrArray *inbound;          /* SrJournalInbound from the number, ascending id */
  gint64 message_cursor;       /* the cursors of the next page in the same direction */
  gint64 inbound_cursor;
  gboolean more;               /* that page is not empty */
} SrJournalThread;

SrJournalThread *sr_journal_thread_page (SrJournal *journal, const char *number, SrPageDirection dir,
                                         gint64 message_cursor, gint64 inbound_cursor, guint limit,
                                         GError **error);
void sr_journal_thread_free (SrJournalThread *thread);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalThread, sr_journal_thread_free)

SrJournalMessage *sr_journal_message_get (SrJournal *journal, gint64 id, GError **error);
SrJournalMessageDetail *sr_journal_message_detail (SrJournal *journal, gint64 id, GError **error);
/* The newest message claimed from app's file (NULL without error if none),
 * with its segments: after a crash, ACCEPTED parts are never sent again. */
SrJournalMessage *sr_journal_message_find_by_file (SrJournal *journal, const char *app,
                                                   const char *file, GPtrArray **segments,
                                                   GError **error);
GPtrArray *sr_journal_segments_get (SrJournal *journal, gint64 message_id, GError **error);

/* Message counts per state, overall (app NULL) or for one app; kept in memory. */
void sr_journal_count_states (SrJournal *journal, const char *app, guint64 counts[SR_MESSAGE_N_STATES]);
/* Apps that have messages, sorted. */
GStrv sr_journal_count_apps (SrJournal *journal);

/* Streaming export.  A callback returning FALSE stops the iteration. */
typedef gboolean (*SrJournalExportMessageFunc) (const SrJournalMessage *m, GPtrArray *segments,
                                                gpointer user_data);
typedef gboolean (*SrJournalExportInboundFunc) (const SrJournalInbound *in, gpointer user_data);
typedef gboolean (*SrJournalExportEventFunc) (const SrJournalEvent *ev, gpointer user_data);
gboolean sr_journal_export_messages (SrJournal *journal, const SrJournalExportFilter *filter,
                                     SrJournalExportMessageFunc func, gpointer user_data, GError **error);
gboolean sr_journal_export_inbound (SrJournal *journal, const SrJournalExportFilter *filter,
                                    SrJournalExportInboundFunc func, gpointer user_data, GError **error);
gboolean sr_journal_export_events (SrJournal *journal, const SrJournalExportFilter *filter,
                                   SrJournalExportEventFunc func, gpointer user_data, GError **error);

/* Deletes rows older than before: finished messages (not queued or
 * submitting) with their parts, receipts, events; inbound; counters.  At
 * most limit messages (and limit rows of each other table) per call, 0 = all:
 * call again from an idle source until counts->finished, so that the main
 * loop and the WAL stay small.  Commits before returning. */
gboolean sr_journal_prune (SrJournal *journal, gint64 before, guint limit,
                           SrJournalPruneCounts *counts, GError **error);

/* ---- plain structs ---------------------------------------------------- */

const char *sr_message_state_to_string (SrMessageState state);
/* Returns -1 for an unknown name. */
gint sr_message_state_from_string (const char *s);
const char *sr_segment_submit_to_string (SrSegmentSubmit submit);
const char *sr_receipt_state_to_string (SrReceiptState state);
const char *sr_journal_level_to_string (SrJournalLevel level);

SrJournalMessage *sr_journal_message_new (void);
void sr_journal_message_free (SrJournalMessage *m);
void sr_journal_segment_free (SrJournalSegment *s);
void sr_journal_receipt_free (SrJournalReceipt *r);
void sr_journal_inbound_free (SrJournalInbound *in);
void sr_journal_event_free (SrJournalEvent *ev);
void sr_journal_blacklist_entry_free (SrJournalBlacklistEntry *e);
void sr_journal_message_detail_free (SrJournalMessageDetail *d);
void sr_journal_receipt_info_free (SrJournalReceiptInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournal, sr_journal_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalMessage, sr_journal_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalSegment, sr_journal_segment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalReceipt, sr_journal_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalInbound, sr_journal_inbound_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalEvent, sr_journal_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalBlacklistEntry, sr_journal_blacklist_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalMessageDetail, sr_journal_message_detail_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrJournalReceiptInfo, sr_journal_receipt_info_free)

G_END_DECLS
