/* sr-error-class.c — names of error classes and scopes. */
#include "sr-error-class.h"
#include "sr-message.h"
#include "sr-spool.h"

static const char *const class_names[] = {
  [SR_ERROR_CLASS_NONE] = "none",
  [SR_ERROR_CLASS_INPUT] = "input",
  [SR_ERROR_CLASS_POLICY] = "policy",
  [SR_ERROR_CLASS_SMSC] = "smsc",
  [SR_ERROR_CLASS_RETRIES_EXHAUSTED] = "retries-exhausted",
  [SR_ERROR_CLASS_TOO_LONG] = "too-long",
  [SR_ERROR_CLASS_SYSTEM] = "system",
};

const char *
sr_error_class_to_string (SrErrorClass klass)
{
  if ((guint) klass >= G_N_ELEMENTS (class_names))
    return "none";
  return class_names[klass];
}

SrErrorClass
sr_error_class_from_string (const char *s)
{
  g_return_val_if_fail (s != NULL, SR_ERROR_CLASS_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (class_names); i++)
    if (g_str_equal (s, class_names[i]))
      return (SrErrorClass) i;
  return SR_ERROR_CLASS_NONE;
}

const char *
sr_scope_to_string (SrScope scope)
{
  return scope == SR_SCOPE_MESSAGE ? "message" : "system";
}

SrErrorClass
sr_error_class_for_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, SR_ERROR_CLASS_NONE);

  if (error->domain == SR_MESSAGE_ERROR)
    return SR_ERROR_CLASS_INPUT;
  if (error->domain == SR_SPOOL_ERROR)
    switch ((SrSpoolError) error->code)
      {
      case SR_SPOOL_ERROR_TOO_LARGE:
      case SR_SPOOL_ERROR_NOT_REGULAR:
      case SR_SPOOL_ERROR_UNREADABLE:
        return SR_ERROR_CLASS_INPUT;
      case SR_SPOOL_ERROR_CLAIMED:
        return SR_ERROR_CLASS_NONE;
      default:
        return SR_ERROR_CLASS_SYSTEM;
      }
  return SR_ERROR_CLASS_SYSTEM;
}
