/* sr-console-draw-front-ends.h — the Overview's "Front ends" section. */
#pragma once

#include <glib.h>

#include "sr-console-model.h"

G_BEGIN_DECLS

/* Appends the section's lines (char*) and their SrAttr to @lines and
 * @attrs: the broker bridge and the HTTP front end, each only when @o has
 * it; nothing at all when neither is configured. */
void sr_console_draw_front_ends (const SrConsoleOverview *o, GPtrArray *lines, GArray *attrs);

G_END_DECLS
