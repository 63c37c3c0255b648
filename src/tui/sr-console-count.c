/* sr-console-count.c — the compose counter: the encoding module's count.
 *
 * The console counts with sr_text_count() (auto alphabet, udh8 capacities)
 * unless the model overrides count_text, e.g. with the split method of the
 * provider the message will go to.
 */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include "sr-split.h"

#include <string.h>

void
sr_console_count_text (SrConsole *console, const char *text, SrConsoleTextCount *out)
{
  memset (out, 0, sizeof *out);
  if (console->model.count_text)
    {
      console->model.count_text (console->model.user_data, text, out);
      return;
    }

  SrTextCount count = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  if (!sr_text_count (valid, SR_ALPHABET_AUTO, SR_SPLIT_UDH8, &count, &error))
    {
      /* AUTO always has an alphabet for valid UTF-8; keep the form usable. */
      g_debug ("cannot count the text: %s", error->message);
      out->alphabet = SR_CONSOLE_ALPHABET_UCS2;
      out->parts = 1;
      return;
    }
  switch (count.alphabet)
    {
    case SR_ALPHABET_UCS2: out->alphabet = SR_CONSOLE_ALPHABET_UCS2; break;
    case SR_ALPHABET_LATIN1: out->alphabet = SR_CONSOLE_ALPHABET_LATIN1; break;
    default: out->alphabet = SR_CONSOLE_ALPHABET_GSM7; break;
    }
  out->parts = count.parts;
  out->left = count.left;
}
