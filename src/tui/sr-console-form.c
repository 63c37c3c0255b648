/* sr-console-form.c — modal forms: line editing with UTF-8, focus, choices. */
#define G_LOG_DOMAIN "sr-tui"

#include "sr-console-private.h"

#include <glib/gi18n-lib.h>

static void
field_free (gpointer p)
{
  SrConsoleFormField *f = p;
  g_free (f->label);
  g_string_free (f->value, TRUE);
  g_free (f);
}

SrConsoleForm *
sr_console_form_new (SrConsoleFormKind kind, const char *title)
{
  SrConsoleForm *form = g_new0 (SrConsoleForm, 1);
  form->kind = kind;
  form->title = g_strdup (title);
  form->fields = g_ptr_array_new_with_free_func (field_free);
  return form;
}

SrConsoleFormField *
sr_console_form_add (SrConsoleForm *form, const char *label, const char *value)
{
  SrConsoleFormField *f = g_new0 (SrConsoleFormField, 1);
  g_autofree char *valid = g_utf8_make_valid (value ? value : "", -1);
  f->label = g_strdup (label);
  f->value = g_string_new (valid);
  f->cursor = g_utf8_strlen (f->value->str, -1);
  g_ptr_array_add (form->fields, f);
  return f;
}

SrConsoleFormField *
sr_console_form_add_choice (SrConsoleForm *form, const char *label,
                            const char *const *choices, guint choice)
{
  g_return_val_if_fail (choices != NULL && choices[0] != NULL, NULL);
  SrConsoleFormField *f = sr_console_form_add (form, label, choices[choice]);
  f->choices = choices;
  f->choice = choice;
  return f;
}

const char *
sr_console_form_value (SrConsoleForm *form, guint field)
{
  g_return_val_if_fail (field < form->fields->len, NULL);
  SrConsoleFormField *f = g_ptr_array_index (form->fields, field);
  return f->value->str;
}

void
sr_console_form_free (SrConsoleForm *form)
{
  if (!form)
    return;
  g_free (form->title);
  g_free (form->error);
  g_ptr_array_unref (form->fields);
  g_free (form);
}

static gsize
byte_at (SrConsoleFormField *f, guint chars)
{
  return g_utf8_offset_to_pointer (f->value->str, chars) - f->value->str;
}

static void
cycle_choice (SrConsoleFormField *f, int step)
{
  guint n = g_strv_length ((char **) f->choices);
  f->choice = (f->choice + n + step) % n;
  g_string_assign (f->value, f->choices[f->choice]);
  f->cursor = g_utf8_strlen (f->value->str, -1);
}

static void
edit_text (SrConsoleFormField *f, SrKey key)
{
  guint len = g_utf8_strlen (f->value->str, -1);
  switch (key.code)
    {
    case SR_KEY_CHAR:
      {
        char buf[8];
        int n = g_unichar_to_utf8 (key.ch, buf);
        g_string_insert_len (f->value, byte_at (f, f->cursor), buf, n);
        f->cursor++;
        break;
      }
    case SR_KEY_BACKSPACE:
      if (f->cursor > 0)
        {
          gsize from = byte_at (f, f->cursor - 1);
          g_string_erase (f->value, from, byte_at (f, f->cursor) - from);
          f->cursor--;
        }
      break;
    case SR_KEY_DELETE:
      if (f->cursor < len)
        {
          gsize from = byte_at (f, f->cursor);
          g_string_erase (f->value, from, byte_at (f, f->cursor + 1) - from);
        }
      break;
    case SR_KEY_LEFT:
      if (f->cursor > 0)
        f->cursor--;
      break;
    case SR_KEY_RIGHT:
      if (f->cursor < len)
        f->cursor++;
      break;
    case SR_KEY_HOME:
    case SR_KEY_CTRL_A:
      f->cursor = 0;
      break;
    case SR_KEY_END:
    case SR_KEY_CTRL_E:
      f->cursor = len;
      break;
    case SR_KEY_CTRL_U:
      g_string_truncate (f->value, 0);
      f->cursor = 0;
      break;
    default:
      break;
    }
}

SrConsoleFormResult
sr_console_form_key (SrConsoleForm *form, SrKey key)
{
  guint n = form->fields->len;
  if (key.code == SR_KEY_ESC)
    return SR_FORM_CANCEL;
  if (key.code == SR_KEY_ENTER)
    return SR_FORM_SUBMIT;
  if (n == 0)
    return SR_FORM_CONTINUE;

  SrConsoleFormField *f = g_ptr_array_index (form->fields, form->focus);
  switch (key.code)
    {
    case SR_KEY_TAB:
    case SR_KEY_DOWN:
      form->focus = (form->focus + 1) % n;
      break;
    case SR_KEY_BTAB:
    case SR_KEY_UP:
      form->focus = (form->focus + n - 1) % n;
      break;
    default:
      if (f->choices)
        {
          if (key.code == SR_KEY_LEFT)
            cycle_choice (f, -1);
          else if (key.code == SR_KEY_RIGHT || (key.code == SR_KEY_CHAR && key.ch == ' '))
            cycle_choice (f, +1);
          else if (key.code == SR_KEY_CHAR)
            {
              /* The first letter picks a choice: c(ountry), n(umber), p(refix). */
              for (guint i = 0; f->choices[i]; i++)
                if (g_unichar_tolower (key.ch) == (gunichar) g_ascii_tolower (f->choices[i][0]))
                  {
                    f->choice = i;
                    cycle_choice (f, 0);
                    break;
                  }
            }
        }
      else
        edit_text (f, key);
      break;
    }
  g_clear_pointer (&form->error, g_free);
  return SR_FORM_CONTINUE;
}

char *
sr_console_format_count (const SrConsoleTextCount *count)
{
  const char *alphabet;
  switch (count->alphabet)
    {
    case SR_CONSOLE_ALPHABET_UCS2: alphabet = _("UCS-2"); break;
    case SR_CONSOLE_ALPHABET_LATIN1: alphabet = _("Latin-1"); break;
    case SR_CONSOLE_ALPHABET_GSM7:
    default: alphabet = _("GSM 7-bit"); break;
    }
  g_autofree char *parts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u part", "%u parts",
                                                         count->parts), count->parts);
  g_autofree char *left = g_strdup_printf (_("%u left"), count->left);
  if (count->max_parts && count->parts > count->max_parts)
    {
      /* TRANSLATORS: the compose counter when the text is too long, e.g.
       * "GSM 7-bit · 12 parts · too long: at most 10". */
      g_autofree char *over = g_strdup_printf (_("too long: at most %u"), count->max_parts);
      return g_strdup_printf ("%s \xc2\xb7 %s \xc2\xb7 %s", alphabet, parts, over);
    }
  return g_strdup_printf ("%s \xc2\xb7 %s \xc2\xb7 %s", alphabet, parts, left);
}
