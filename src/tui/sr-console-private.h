/* sr-console-private.h — console internals, shared by its files and tests.
 *
 * The console is a state machine fed with SrKey presses and drawn into any
 * SrTerm, so everything except sr-console-run.c works without a terminal.
 */
#pragma once

#include "sr-console.h"
#include "sr-console-providers.h"
#include "sr-term.h"

G_BEGIN_DECLS

/* --- Paged lists (sr-console-list.c) ------------------------------------ */

/* The visible page of one list view; never more rows than fit the screen. */
typedef struct {
  SrConsoleView view;
  GPtrArray *rows;      /* SrConsoleRow, newest first */
  int selected;         /* index into rows, -1 when empty */
  gint64 top_cursor;    /* page = rows older than this; NEWEST = pinned to the top (live) */
  guint page_size;
  char *filter;         /* NULL: no filter */
  char *pattern;        /* last text given to `/`, kept when the filter is cleared: n/N find it */
  gboolean at_end;      /* the last row of the page is the oldest row */
  GHashTable *marks;    /* gint64 ids the operator marked (Dead letters), kept across pages */
} SrConsoleList;

void sr_console_list_init (SrConsoleList *list, SrConsoleView view);
void sr_console_list_clear (SrConsoleList *list);
/* The selected row or NULL. */
SrConsoleRow *sr_console_list_selected (SrConsoleList *list);
/* Each returns FALSE and sets error when the model failed; the page is kept. */
gboolean sr_console_list_reload (SrConsoleList *list, const SrConsoleModel *model, GError **error);
gboolean sr_console_list_home (SrConsoleList *list, const SrConsoleModel *model, GError **error);
gboolean sr_console_list_end (SrConsoleList *list, const SrConsoleModel *model, GError **error);
gboolean sr_console_list_move (SrConsoleList *list, const SrConsoleModel *model, int delta,
                               GError **error);
void sr_console_list_set_page_size (SrConsoleList *list, guint page_size);
void sr_console_list_set_filter (SrConsoleList *list, const char *filter);
/* Selects the next row older (or newer) than the selected one that matches
 * list->pattern: one query of one row, then the page around it.  *found is
 * FALSE when there is none (the selection stays). */
gboolean sr_console_list_find (SrConsoleList *list, const SrConsoleModel *model,
                               SrConsolePageDirection direction, gboolean *found, GError **error);

/* --- Marks and bulk actions (sr-console-bulk.c) ------------------------ */

void sr_console_marks_init (SrConsoleList *list);
gboolean sr_console_marked (SrConsoleList *list, gint64 id);
void sr_console_mark (SrConsoleList *list, gint64 id, gboolean on);
/* Marks every row matching the list's filter, a page per query; *added
 * counts the rows that were not marked yet. */
gboolean sr_console_mark_matching (SrConsoleList *list, const SrConsoleModel *model,
                                   guint *added, GError **error);

/* --- Forms (sr-console-form.c) ------------------------------------------ */

/* What a form is for, i.e. what Enter does. */
typedef enum {
  SR_FORM_COMPOSE,
  SR_FORM_EDIT_RETRY,
  SR_FORM_BLACKLIST_ADD,
  SR_FORM_FILTER,
  SR_FORM_EXPORT,
} SrConsoleFormKind;

/* One input line of a form: free text, or a choice cycled with ←/→/Space. */
typedef struct {
  char *label;
  GString *value;
  guint cursor;                 /* in characters */
  const char *const *choices;   /* NULL for free text */
  guint choice;
  gboolean counter;             /* show the compose counter below this field */
} SrConsoleFormField;

/* A modal form. */
typedef struct {
  SrConsoleFormKind kind;
  char *title;
  GPtrArray *fields;            /* SrConsoleFormField */
  guint focus;
  gint64 target_id;             /* row the form acts on (edit and retry) */
  char *error;                  /* validation message shown in the form */
} SrConsoleForm;

/* Result of feeding a key to a form. */
typedef enum {
  SR_FORM_CONTINUE,
  SR_FORM_SUBMIT,
  SR_FORM_CANCEL,
} SrConsoleFormResult;

SrConsoleForm *sr_console_form_new (SrConsoleFormKind kind, const char *title);
SrConsoleFormField *sr_console_form_add (SrConsoleForm *form, const char *label, const char *value);
SrConsoleFormField *sr_console_form_add_choice (SrConsoleForm *form, const char *label,
                                                const char *const *choices, guint choice);
SrConsoleFormResult sr_console_form_key (SrConsoleForm *form, SrKey key);
const char *sr_console_form_value (SrConsoleForm *form, guint field);
void sr_console_form_free (SrConsoleForm *form);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrConsoleForm, sr_console_form_free)

/* Counts a text being composed (sr-console-count.c): the model's
 * count_text when it has one, else the encoding module's. */
void sr_console_count_text (SrConsole *console, const char *text, SrConsoleTextCount *out);

/* "GSM 7-bit · 2 parts · 146 left" */
char *sr_console_format_count (const SrConsoleTextCount *count);

/* --- Keys (sr-console.c) ------------------------------------------------ */

typedef struct _SrConsoleBinding SrConsoleBinding;

/* One key of the normal mode: the dispatcher and the help screen share it. */
struct _SrConsoleBinding {
  SrKeyCode code;
  gunichar ch;                  /* for SR_KEY_CHAR */
  const char *label;            /* as the help shows it; entries may share one */
  const char *help;             /* N_() text */
  void (*func) (SrConsole *console, const SrConsoleBinding *binding);
  const char *hint;             /* N_() short text for the status line, or NULL */
  guint views;                  /* views whose status line shows the hint (bit per view) */
  gsize needs;                  /* offset of the model function the key needs; 0: none */
};

const SrConsoleBinding *sr_console_bindings (guint *n);
/* The keys that apply to the current view, as the status line shows them
 * ("r retry · d discard"), without the ones the model does not offer. */
GPtrArray *sr_console_view_hints (SrConsole *console);
/* Keys of forms and dialogs, as {label, help} pairs, NULL-terminated. */
const char *const *sr_console_form_key_help (void);

/* --- The console (sr-console.c) ----------------------------------------- */

/* Which input handler is active. */
typedef enum {
  SR_CONSOLE_MODE_NORMAL,
  SR_CONSOLE_MODE_FORM,
  SR_CONSOLE_MODE_CONFIRM,
  SR_CONSOLE_MODE_HELP,
  SR_CONSOLE_MODE_THREAD,       /* the conversation with a number (sr-console-view-thread.c) */
} SrConsoleMode;

/* What the confirm dialog is about. */
typedef enum {
  SR_CONFIRM_DISCARD,
  SR_CONFIRM_BLACKLIST_REMOVE,
  SR_CONFIRM_BULK_RETRY,
  SR_CONFIRM_BULK_DISCARD,
} SrConsoleConfirm;

/* The conversation open over the views (sr-console-view-thread.c). */
typedef struct _SrConsoleThread SrConsoleThread;

/* Minimum screen for the full layout; below it a short message. */
#define SR_CONSOLE_MIN_ROWS 10
#define SR_CONSOLE_MIN_COLS 40

struct _SrConsole {
  SrConsoleModel model;
  char *title;
  char *default_app;
  guint refresh_ms;
  gboolean no_colors;

  SrConsoleView view;
  SrConsoleList lists[SR_CONSOLE_N_VIEWS];
  SrConsoleOverview *overview;
  struct _SrConsoleHistory *history; /* samples of the overviews, for the charts */
  gboolean ascii_charts;        /* the locale is not UTF-8: charts in ASCII */
  SrConsoleProviders *providers;/* the Providers view's figures, NULL until asked for */
  int provider_selected;        /* bind row selected there */
  gboolean delivery_day;        /* its delivery rates cover the last day, else the last hour */
  SrConsoleDetail *detail;      /* of the selected row of the current view */
  int detail_scroll;            /* first detail line shown */

  SrConsoleMode mode;
  SrConsoleThread *thread;      /* open in SR_CONSOLE_MODE_THREAD */
  SrConsoleForm *form;
  SrConsoleConfirm confirm;     /* what 'y' does in the confirm dialog */
  char *confirm_text;           /* the question of the confirm dialog */
  gint64 confirm_id;
  SrConsoleBlacklistKind confirm_kind;
  char *confirm_value;

  char *lost;                   /* why the router cannot be reached; NULL while it answers */
  gint64 lost_since;            /* monotonic time the router stopped answering */
  char *status;                 /* last error or notice */
  gboolean status_error;
  gboolean status_from_refresh; /* set by a failed refresh: cleared when the router answers */

  int rows, cols;
  gboolean quit;
  gboolean clear_screen;        /* Ctrl-L: repaint every cell on the terminal */
  gboolean dirty;               /* something to draw */

  /* Run-time state (sr-console-run.c). */
  GMainLoop *loop;
  SrConsoleExit exit;
};

/* Tells the console its screen size (lays out the page size). */
void sr_console_set_size (SrConsole *console, int rows, int cols);
/* Rows of a list page for the current size. */
guint sr_console_page_rows (SrConsole *console);
void sr_console_handle_key (SrConsole *console, SrKey key);
/* Re-reads the overview, the visible page and the detail from the model. */
void sr_console_refresh (SrConsole *console);
void sr_console_set_view (SrConsole *console, SrConsoleView view);
void sr_console_set_status (SrConsole *console, gboolean is_error, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

/* Retries (or discards) every marked dead letter of list, one model call
 * each; the done ones lose their mark, the status says how many and why
 * the first failure failed. */
void sr_console_bulk_run (SrConsole *console, SrConsoleList *list, gboolean discard);
/* Writes the marked dead letters to path as CSV (whole or not at all). */
gboolean sr_console_bulk_export (SrConsole *console, SrConsoleList *list, const char *path,
                                 guint *written, GError **error);

/* --- Providers view (sr-console-view-providers.c) ---------------------- */

/* Re-reads the figures from the model; FALSE (status set) when it failed. */
gboolean sr_console_providers_refresh (SrConsole *console);
/* Moves the bind selection (SR_KEY_UP, _DOWN, _PGUP, _PGDN, _HOME, _END). */
void sr_console_providers_move (SrConsole *console, SrKeyCode code);
/* Enter: the Log view filtered to the selected bind's events. */
void sr_console_key_provider_events (SrConsole *console, const SrConsoleBinding *binding);
/* w: the delivery rates of the last hour or of the last day. */
void sr_console_key_delivery_window (SrConsole *console, const SrConsoleBinding *binding);
/* Composes the view between rows top and bottom (exclusive). */
void sr_console_draw_providers (SrConsole *console, SrTerm *term, int top, int bottom);
/* --- Conversations (sr-console-view-thread.c) ------------------------- */

/* Opens the thread of the selected row's number (the status says why not). */
void sr_console_thread_open (SrConsole *console);
/* Scrolling keys; Esc and q close the thread. */
void sr_console_thread_key (SrConsole *console, SrKey key);
/* Reads the newest page again while the newest line is in sight. */
void sr_console_thread_refresh (SrConsole *console);
/* The keys of the thread for the status line (strings not owned). */
GPtrArray *sr_console_thread_hints (void);
/* Draws the thread over rows top..bottom-1. */
void sr_console_thread_draw (SrConsole *console, SrTerm *term, int top, int bottom);
void sr_console_thread_free (SrConsoleThread *thread);

/* --- Drawing (sr-console-draw.c) ---------------------------------------- */

/* Where the parts of the screen go for the current size. */
typedef struct {
  gboolean too_small;
  int tab_y;
  int header_y;                 /* column headers of a list */
  int list_y, list_h;
  int detail_sep_y;
  int detail_y, detail_h;
  int status_y;
} SrConsoleLayout;

void sr_console_layout (int rows, int cols, SrConsoleLayout *layout);

/* Composes the whole screen into term (every cell written, nothing erased). */
void sr_console_draw (SrConsole *console, SrTerm *term);
/* The tab bar as drawn for a width (tests). */
char *sr_console_tab_bar (SrConsoleView active, int width);
/* Translated title of a view ("Dead letters") and its short form ("Dead"). */
const char *sr_console_view_title (SrConsoleView view);
const char *sr_console_view_short_title (SrConsoleView view);
/* Column widths of a list view for a width: -1 for a column left out. */
void sr_console_column_widths (SrConsoleView view, int width, int *widths);

G_END_DECLS
