/* sr-error-class.h — the classes of failure every part of the router speaks.
 *
 * A message-specific failure sends one message to dead/ with an
 * X-Error-Class header; a system-wide failure keeps messages queued and is
 * reported at system scope.  The strings are part of the spool contract.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Why a message (or the whole router) could not proceed. */
typedef enum {
  SR_ERROR_CLASS_NONE = 0,
  SR_ERROR_CLASS_INPUT,             /* malformed file, bad number, bad header */
  SR_ERROR_CLASS_POLICY,            /* refused by a policy rule */
  SR_ERROR_CLASS_SMSC,              /* permanent status from the SMSC */
  SR_ERROR_CLASS_RETRIES_EXHAUSTED, /* temporary failures until max attempts */
  SR_ERROR_CLASS_TOO_LONG,          /* more parts than max-parts */
  SR_ERROR_CLASS_SYSTEM,            /* system-wide: bind, auth, disk; never dead-lettered */
} SrErrorClass;

/* Scope of a journal event / log line. */
typedef enum {
  SR_SCOPE_SYSTEM = 0,
  SR_SCOPE_MESSAGE,
} SrScope;

const char *sr_error_class_to_string (SrErrorClass klass);
/* Returns SR_ERROR_CLASS_NONE for an unknown string. */
SrErrorClass sr_error_class_from_string (const char *s);

const char *sr_scope_to_string (SrScope scope);

/* The class of an error raised by the storage modules: everything wrong with
 * one file (SR_MESSAGE_ERROR, a spool file too large or not a regular file)
 * is INPUT; a file someone else claimed is NONE (nothing failed); anything
 * else (disk, permissions, lock, other domains) is SYSTEM. */
SrErrorClass sr_error_class_for_error (const GError *error);

G_END_DECLS
