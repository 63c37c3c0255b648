/* sr-journal-private.h — what the journal's source files share. */
#pragma once

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "sr-journal.h"

G_BEGIN_DECLS

/* Waiting for a lock longer than this is a failure, not a pause. */
#define SR_JOURNAL_BUSY_TIMEOUT_MS 5000
/* A batch that could not commit is retried after this, doubling ... */
#define SR_JOURNAL_RETRY_FIRST_MS 50
/* ... up to this */
#define SR_JOURNAL_RETRY_MAX_MS 2000

/* The statements of the hot path, prepared once (PERSISTENT) and reused. */
typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_MSG_INSERT,
  STMT_MSG_PARSED,
  STMT_MSG_STATE_OF,
  STMT_MSG_SET_STATE,
  STMT_MSG_SET_ATTEMPT,
  STMT_MSG_SET_ERROR,
  STMT_MSG_GET,
  STMT_MSG_BY_FILE,
  STMT_MSG_RECEIPT_INFO,
  STMT_MSG_MAX_ID,
  STMT_SEG_INSERT,
  STMT_SEG_SET_SUBMIT,
  STMT_SEG_BY_SMSC,
  STMT_SEG_SET_RECEIPT,
  STMT_SEG_TALLY,
  STMT_SEG_OF_MSG,
  STMT_RCPT_INSERT,
  STMT_RCPT_OF_MSG,
  STMT_IN_INSERT,
  STMT_IN_BY_KEY,
  STMT_IN_MAX_ID,
  STMT_EV_INSERT,
  STMT_EV_OF_MSG,
  STMT_BL_UPSERT,
  STMT_BL_DELETE,
  STMT_BL_ALL,
  STMT_BL_KIND,
  STMT_CTR_ADD,
  STMT_CTR_GET,
  STMT_COUNT_STATES,
  STMT_EXPORT_MSGS,
  STMT_EXPORT_INBOUND,
  STMT_EXPORT_EVENTS,
  STMT_N
} SrJournalStmt;

/* Column lists shared by the SELECTs and the row readers. */
#define SR_JOURNAL_MSG_COLS \
  "id, app, file, reference, to_raw, to_e164, country, from_addr, alphabet, parts, state, " \
  "attempts, next_attempt_at, provider, error_class, error_code, error_text, created_at, " \
  "submitted_at, done_at, preview"
#define SR_JOURNAL_SEG_COLS \
  "message_id, part, provider, smsc_id, submit, command_status, submitted_at, receipt, " \
  "receipt_stat, receipt_err, receipt_at"
#define SR_JOURNAL_RCPT_COLS \
  "id, received_at, provider, smsc_id, message_id, part, state, stat, err, done_at, raw"
#define SR_JOURNAL_IN_COLS \
  "id, provider, sender, recipient, app, text, parts, received_at, verdict, dedup_key, file"
#define SR_JOURNAL_EV_COLS \
  "id, ts, scope, level, kind, message_id, app, actor, text"

/* A caller of sr_journal_when_committed() waiting for (or told) the outcome. */
typedef struct {
  SrJournalCommittedFunc func;
  gpointer user_data;
  GError *error;
} SrJournalWaiter;

/* Today's and this hour's count for one destination. */
typedef struct {
  gint64 hour;                 /* hours since the epoch the count belongs to */
  gint64 day;
  guint hour_count;
  guint day_count;
} SrJournalCounter;

typedef struct _SrJournalCheckpointer SrJournalCheckpointer;

struct _SrJournal {
  char *path;
  sqlite3 *db;
  gboolean read_only;
  gint schema_version;
  GMainContext *context;

  sqlite3_stmt *stmts[STMT_N];
  GHashTable *dyn_stmts;       /* SQL text -> sqlite3_stmt, for the page queries */

  /* group commit */
  gboolean in_txn;
  guint pending;               /* changes in the open transaction */
  guint max_changes;
  guint max_delay_ms;
  GSource *timer;
  gboolean timer_soon;          /* the timer is the commit_soon idle */
  GSource *dispatch;
  GQueue waiting;              /* SrJournalWaiter: until the next commit */
  GQueue ready;                /* SrJournalWaiter: outcome known, callback due */
  GQueue errors;               /* GError: lost batches to report */
  SrJournalErrorFunc error_func;
  gpointer error_data;
  SrJournalHealthFunc health_func;
  gpointer health_data;
  gboolean health_report;      /* the health callback is due */

  /* a storage failure: the batch is kept and retried (sr-journal-redo.c) */
  GError *failure;             /* non-NULL until the kept batch commits */
  GSource *retry;
  guint retry_ms;
  gboolean recount;            /* state counts skipped while deferring */
  GArray *redo_statements;
  GArray *redo_values;
  GByteArray *redo_text;
  guint redo_mark;             /* values before it belong to a recorded statement */
  guint fail_commits;
  SrJournalStats stats;
  SrJournalCheckpointer *checkpointer;
  gint checkpoints;            /* atomic: counted by the checkpoint thread */
  int checkpoint_pages;        /* WAL size at which the thread is woken */
  int checkpoint_restart_pages; /* ... at which the writer restarts the WAL when the thread is idle */
  int checkpoint_restart_at;   /* ... or later, after a try that readers kept busy */
  int checkpoint_hard_limit;   /* WAL size at which the writer checkpoints itself */
  int checkpoint_hard_pages;   /* ... or later, after a try that readers kept busy */

  /* ids handed out by this process are never handed out again */
  gint64 next_message_id;
  gint64 next_inbound_id;

  /* caches of what every message consults */
  GHashTable *bl[3];           /* per SrBlacklistKind: value -> value */
  guint bl_prefix_max;
  GHashTable *counters;        /* destination -> SrJournalCounter */
  GHashTable *state_counts;    /* app -> guint64[SR_MESSAGE_N_STATES] */
  guint64 total_counts[SR_MESSAGE_N_STATES];
};

/* sr-journal.c */
sqlite3_stmt *sr_journal_stmt (SrJournal *j, SrJournalStmt which, GError **error);
sqlite3_stmt *sr_journal_stmt_sql (SrJournal *j, const char *sql, GError **error);
void sr_journal_stmt_done (sqlite3_stmt *st);
SrJournalError sr_journal_error_code (int rc);
void sr_journal_set_error (SrJournal *j, GError **error, int rc, const char *what);
gboolean sr_journal_write_begin (SrJournal *j, GError **error);
gboolean sr_journal_write_begin_live (SrJournal *j, GError **error);
gboolean sr_journal_write_step (SrJournal *j, sqlite3_stmt *st, const char *what, GError **error);
gboolean sr_journal_write_changed (SrJournal *j);
gboolean sr_journal_deferring (SrJournal *j);
void sr_journal_write_end (SrJournal *j);

/* sr-journal-redo.c: write statements bind through these, which record */
void sr_journal_put_int (SrJournal *j, sqlite3_stmt *st, int i, gint64 v);
void sr_journal_put_time (SrJournal *j, sqlite3_stmt *st, int i, gint64 t);
void sr_journal_put_text (SrJournal *j, sqlite3_stmt *st, int i, const char *s, int len);
void sr_journal_redo_init (SrJournal *j);
void sr_journal_redo_free (SrJournal *j);
void sr_journal_redo_clear (SrJournal *j);
guint sr_journal_redo_length (SrJournal *j);
void sr_journal_redo_truncate (SrJournal *j, guint n);
void sr_journal_redo_record (SrJournal *j, sqlite3_stmt *st);
void sr_journal_redo_discard_loose (SrJournal *j);
int sr_journal_redo_apply (SrJournal *j);

/* sr-journal-checkpoint.c */
gboolean sr_journal_checkpointer_start (SrJournal *j, GError **error);
void sr_journal_checkpointer_stop (SrJournal *j);

/* sr-journal-schema.c */
gboolean sr_journal_migrate (SrJournal *j, gboolean read_only, GError **error);

/* sr-journal-policy.c */
gboolean sr_journal_load_caches (SrJournal *j, GError **error);
void sr_journal_free_caches (SrJournal *j);
void sr_journal_count_move (SrJournal *j, const char *app, gint from_state, gint to_state);

/* sr-journal-types.c */
SrJournalMessage *sr_journal_message_from_row (sqlite3_stmt *st);
SrJournalSegment *sr_journal_segment_from_row (sqlite3_stmt *st);
SrJournalReceipt *sr_journal_receipt_from_row (sqlite3_stmt *st);
SrJournalInbound *sr_journal_inbound_from_row (sqlite3_stmt *st);
SrJournalEvent *sr_journal_event_from_row (sqlite3_stmt *st);
void sr_journal_bind_text (sqlite3_stmt *st, int i, const char *s);
void sr_journal_bind_time (sqlite3_stmt *st, int i, gint64 t);
char *sr_journal_column_strdup (sqlite3_stmt *st, int i);

G_END_DECLS
