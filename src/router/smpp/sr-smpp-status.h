/* sr-smpp-status.h — every SMPP 3.4 command_status with its name, a human
 * text and the class the router acts on.
 *
 * The class is translated at the session boundary: temporary statuses are
 * retried (RTHROTTLED also pauses the bind), permanent ones
 * dead-letter the message, system ones are system-wide errors (bind and
 * credentials problems) that keep messages queued.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a command_status means for the router. */
typedef enum {
  SR_SMPP_STATUS_OK = 0,      /* ESME_ROK */
  SR_SMPP_STATUS_TEMPORARY,   /* retry later (with backoff, up to max attempts) */
  SR_SMPP_STATUS_PERMANENT,   /* this message will never be accepted */
  SR_SMPP_STATUS_SYSTEM,      /* the account or bind is broken: system-wide error */
} SrSmppStatusClass;

/* One row of the command_status table. */
typedef struct {
  guint32 status;
  const char *name;           /* "ESME_RTHROTTLED" */
  const char *text;           /* untranslated; use sr_smpp_status_text() */
  SrSmppStatusClass klass;
} SrSmppStatusInfo;

/* Buffer size for sr_smpp_status_name() of an unknown status. */
#define SR_SMPP_STATUS_NAME_SIZE 32

/* The table row of @status, or NULL for a vendor-specific / reserved value. */
const SrSmppStatusInfo *sr_smpp_status_lookup (guint32 status);

/* The class of @status; unknown and vendor-specific statuses are temporary
 * (retried up to the attempt limit, never silently lost). */
SrSmppStatusClass sr_smpp_status_class (guint32 status);

/* "ESME_RTHROTTLED"; for unknown values a name generated into @buf
 * ("ESME_VENDOR_0x00000400", "ESME_RESERVED_0x00000009"). */
const char *sr_smpp_status_name (guint32 status, char buf[SR_SMPP_STATUS_NAME_SIZE]);

/* Human text, translated ("Throttling error: the account exceeded its
 * allowed message rate"). */
const char *sr_smpp_status_text (guint32 status);

/* "ESME_RINVDSTADR (0x0000000B): Invalid destination address"; free it. */
char *sr_smpp_status_describe (guint32 status);

/* Whether @status asks the whole bind to slow down (ESME_RTHROTTLED).
 * ESME_RMSGQFUL is about one destination's queue at the SMSC: temporary
 * for that message, no reason to slow the others. */
gboolean sr_smpp_status_is_throttle (guint32 status);

const char *sr_smpp_status_class_to_string (SrSmppStatusClass klass);

G_END_DECLS
