/* sr-control.h — operator actions over a running router.
 *
 * The console (embedded or attached through the control socket) acts on
 * the router only through these functions.  Each checks its input, acts on
 * the spool and the journal, and writes an audit event naming @actor (the
 * operator, e.g. $USER; NULL = sr_control_default_actor()).
 */
#pragma once

#include <glib.h>

#include "sr-router.h"
#include "sr-split.h"

G_BEGIN_DECLS

#define SR_CONTROL_ERROR (sr_control_error_quark ())
GQuark sr_control_error_quark (void);

/* Why an operator action was refused or failed. */
typedef enum {
  SR_CONTROL_ERROR_FAILED,     /* spool or journal failure; the message says where */
  SR_CONTROL_ERROR_INVALID,    /* bad input: number, sender, empty text, unknown app */
  SR_CONTROL_ERROR_NOT_FOUND,  /* no such message / entry, or not (any more) a dead letter */
  SR_CONTROL_ERROR_EXISTS,     /* the blacklist entry is there already */
} SrControlError;

/* The name written as actor when none is given: $USER, else the login name. */
const char *sr_control_default_actor (void);

/* Dead letter @id (a journal message id) goes back to its app's outbox/new/
 * under a new name; the router claims it as a new message.  The old row
 * becomes DISCARDED with a "retry" event naming the new file. */
gboolean sr_control_retry (SrRouter *router, gint64 id, const char *actor, GError **error);

/* Same, replacing To, From and the text where not NULL (From "" removes the
 * header: the app's default applies).  To is checked with the app's region. */
gboolean sr_control_edit_retry (SrRouter *router, gint64 id, const char *to, const char *from,
                                const char *text, const char *actor, GError **error);

/* Deletes the dead letter's file; the row becomes DISCARDED. */
gboolean sr_control_discard (SrRouter *router, gint64 id, const char *actor, GError **error);

/* Writes a new message file into @app's outbox/new/ (NULL or "" = the
 * configuration's default app, else the first app); the router picks it up
 * like any other.  *@file (optional) receives the file name. */
gboolean sr_control_compose (SrRouter *router, const char *app, const char *to,
                             const char *from, const char *text, const char *actor,
                             char **file, GError **error);

/* Blacklist entries, applied to the next message at once (the policy reads
 * the journal's cache).  Countries are ISO 3166 alpha-2 (any case) regions
 * libphonenumber knows (not "ZZ"), numbers are normalised with the router's
 * region, prefixes are "+" and digits. */
gboolean sr_control_blacklist_add (SrRouter *router, SrBlacklistKind kind, const char *value,
                                   const char *note, const char *actor, GError **error);
gboolean sr_control_blacklist_remove (SrRouter *router, SrBlacklistKind kind, const char *value,
                                      const char *actor, GError **error);

/* Normalises a blacklist value as the journal stores it ("ci" -> "CI",
 * "079 123 45 67" -> "+41791234567"); NULL with an INVALID error. */
char *sr_control_blacklist_normalise (SrRouter *router, SrBlacklistKind kind, const char *value,
                                      GError **error);

/* Counts @text as the router splits it for most destinations: auto
 * alphabet, the first provider's split method (the exact provider is chosen
 * when the message is sent).  *@max_parts (optional) receives the
 * configuration's max-parts.  FALSE for text that is not valid UTF-8. */
gboolean sr_control_count_text (SrRouter *router, const char *text, SrTextCount *count,
                                guint *max_parts);

/* Binds that are not bound connect again at once: their backoff starts
 * over, and binds that stopped after the SMSC rejected the credentials try
 * again (once the account is fixed).  Writes an audit event naming @actor;
 * returns how many binds were not bound. */
guint sr_control_reconnect (SrRouter *router, const char *actor);

/* Pauses or resumes sending (the router writes the audit event). */
void sr_control_set_paused (SrRouter *router, gboolean paused, const char *actor);

G_END_DECLS
