/* sr-receipt.h — delivery receipts: parsing a deliver_sm receipt (TLVs
 * first, then the "id: sub: dlvrd: submit date: done date: stat: err:
 * text:" text), normalising SMSC message ids for correlation, and the
 * state of a message from the states of its parts.
 *
 * This module knows nothing of PDUs: the caller hands over the TLV values
 * and the short_message bytes.  A receipt that cannot be parsed fails with
 * SR_RECEIPT_ERROR; the caller keeps it as unmatched.
 */
#pragma once

#include <glib.h>

#include "sr-config.h"

G_BEGIN_DECLS

#define SR_RECEIPT_ERROR (sr_receipt_error_quark ())
GQuark sr_receipt_error_quark (void);

/* Why a receipt could not be used. */
typedef enum {
  SR_RECEIPT_ERROR_NO_ID,      /* neither receipted_message_id nor "id:" */
  SR_RECEIPT_ERROR_BAD_ID,     /* empty, too long, or with control characters */
  SR_RECEIPT_ERROR_NO_STATE,   /* neither message_state nor "stat:" */
} SrReceiptError;

/* Longest SMSC message id (SMPP 3.4: 65 octets including NUL; we accept 65). */
#define SR_RECEIPT_ID_MAX 65
/* A correlation key: a 65-digit hex id is at most 79 decimal digits. */
#define SR_RECEIPT_KEY_SIZE 96
/* At most this many keys to try for one receipt id (AUTO). */
#define SR_RECEIPT_KEYS_MAX 3

/* What one receipt says about one part. */
typedef enum {
  SR_RECEIPT_PART_NONE = 0,      /* no receipt yet (for sr_receipt_overall_state) */
  SR_RECEIPT_PART_INTERMEDIATE,  /* ACCEPTD, ENROUTE: more will come */
  SR_RECEIPT_PART_DELIVERED,     /* DELIVRD */
  SR_RECEIPT_PART_FAILED,        /* EXPIRED, DELETED, UNDELIV, REJECTD */
  SR_RECEIPT_PART_UNKNOWN,       /* UNKNOWN, or a status we do not know */
} SrReceiptPart;

/* The state of a whole (possibly multipart) message. */
typedef enum {
  SR_RECEIPT_OVERALL_PENDING,
  SR_RECEIPT_OVERALL_DELIVERED,     /* every part delivered */
  SR_RECEIPT_OVERALL_FAILED,        /* at least one part failed */
} SrReceiptOverall;

/* Receipt TLVs of the deliver_sm; zero-initialised means "none present". */
typedef struct {
  const char *receipted_message_id;  /* NULL if absent */
  guint8 message_state;              /* 1..8 (SMPP 3.4 5.2.28), 0 if absent */
  gboolean has_network_error;
  guint8 network_type;               /* network_error_code octet 1 (3 = GSM) */
  guint16 network_error;             /* network_error_code octets 2-3 */
} SrReceiptTlvs;

/* A parsed receipt; no heap memory.  Missing numbers are -1, missing
 * dates 0 with has_*_date FALSE. */
typedef struct {
  char id[SR_RECEIPT_ID_MAX + 1];
  SrReceiptPart state;
  char stat[16];              /* "DELIVRD", ... as the SMSC said (or from the TLV) */
  gint sub;                   /* -1 if missing */
  gint dlvrd;                 /* -1 if missing */
  gboolean has_submit_date;
  gint64 submit_date;         /* seconds since the epoch; SMSC time read as UTC */
  gboolean has_done_date;
  gint64 done_date;
  char err[16];               /* "err:" value as given ("000"), "" if missing */
  gboolean has_network_error;
  guint8 network_type;
  guint16 network_error;
  char text[64];              /* "text:" value (the first characters of the message) */
  gboolean id_from_tlv;       /* the id came from receipted_message_id */
  gboolean state_from_tlv;    /* the state came from message_state */
} SrReceipt;

/* Parses a receipt from @tlvs (may be NULL) and the short_message @text of
 * @len bytes (need not be NUL-terminated; may be NULL).  TLV values win
 * over the text.  Fails with SR_RECEIPT_ERROR when there is no id or no
 * state. */
gboolean sr_receipt_parse (const SrReceiptTlvs *tlvs,
                           const char *text,
                           gsize len,
                           SrReceipt *out,
                           GError **error);

/* "DELIVRD" etc. (case-insensitive; long forms like "DELIVERED" too). */
SrReceiptPart sr_receipt_part_from_stat (const char *stat);
/* message_state TLV 1..8. */
SrReceiptPart sr_receipt_part_from_message_state (guint8 message_state);
const char *sr_receipt_part_to_string (SrReceiptPart state);

/* Delivered only when every part is; failed when any part failed; else
 * pending (also for n_parts == 0). */
SrReceiptOverall sr_receipt_overall_state (const SrReceiptPart *parts, gsize n_parts);
const char *sr_receipt_overall_to_string (SrReceiptOverall state);

/* The key under which to store the id of a submit_sm_resp.  Ids are
 * compared lower-cased with leading zeros stripped; HEX_TO_DEC stores the
 * decimal value of the hex id, DEC_TO_HEX the hex value of the decimal id. */
void sr_receipt_key_for_submit (const char *resp_id,
                                SrIdFormat format,
                                char key[SR_RECEIPT_KEY_SIZE]);

/* The keys to look up, in order, for the id of a receipt: one for the fixed
 * formats; for AUTO the id as is, then read as decimal (as hex), then read
 * as hex (as decimal), when those differ.  Returns the number of keys.  The
 * first key is the id itself; the others are guesses (see
 * sr_receipt_submit_window()). */
guint sr_receipt_keys_for_receipt (const char *receipt_id,
                                   SrIdFormat format,
                                   char keys[SR_RECEIPT_KEYS_MAX][SR_RECEIPT_KEY_SIZE]);

/* How far an SMSC's "submit date" may lie from the router's own submit time
 * of the part: it has minutes only, and clocks drift. */
#define SR_RECEIPT_SUBMIT_TOLERANCE_S (15 * 60)
/* Without a "submit date": how long before the receipt the part may have
 * been submitted (a validity period SMSCs commonly apply by default). */
#define SR_RECEIPT_UNDATED_WINDOW_S (3 * 24 * 3600)

/* The submit times (microseconds, inclusive) a part may have had for
 * @receipt, received at @received_at: around its "submit date", else in the
 * validity period before it.  With AUTO, an id found only in the other base
 * counts when exactly one part submitted in this window carries it. */
void sr_receipt_submit_window (const SrReceipt *receipt, gint64 received_at,
                               gint64 *since, gint64 *until);

/* TRUE if a receipt id refers to a submit_sm_resp id under @format. */
gboolean sr_receipt_id_matches (const char *resp_id, const char *receipt_id, SrIdFormat format);

G_END_DECLS
