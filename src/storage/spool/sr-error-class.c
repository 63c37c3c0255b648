/* sr-error-class.c — names of error classes and scopes. */
#include "sr-error-class.h"

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
