/* sr-test-sim.c — the simulator as a subprocess, its control channel and its log. */
#define G_LOG_DOMAIN "sr-test"

#include "sr-test-sim.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

struct _SrTestSim {
  GSubprocess *process;
  GDataInputStream *out;
  GOutputStream *in;
  guint16 port;
  char *dir;
  char *log_path;
  char *pid;
  gboolean stopped;
};

SrTestSim *
sr_test_sim_start (const char *const *args, GError **error)
{
  const char *binary = g_getenv ("SR_SIM");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(SrTestSim) sim = NULL;
  g_autofree char *line = NULL;
  gboolean has_log = FALSE;
  gboolean has_port = FALSE;
  guint i;

  if (binary == NULL || binary[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "SR_SIM is not set: it must name the sms-router-smsc-sim binary");
      return NULL;
    }
  /* Writing a command to a simulator that has exited must fail, not kill us. */
  signal (SIGPIPE, SIG_IGN);
  sim = g_new0 (SrTestSim, 1);
  sim->dir = g_dir_make_tmp ("sr-test-sim-XXXXXX", error);
  if (sim->dir == NULL)
    return NULL;

  g_ptr_array_add (argv, (char *) binary);
  for (i = 0; args != NULL && args[i] != NULL; i++)
    {
      if (g_str_has_prefix (args[i], "--log=") || strcmp (args[i], "--log") == 0)
        has_log = TRUE;
      if (g_str_has_prefix (args[i], "--port=") || strcmp (args[i], "--port") == 0
          || strcmp (args[i], "-p") == 0)
        has_port = TRUE;
      if (strcmp (args[i], "--no-log") == 0)
        {
          has_log = TRUE;
          continue;
        }
      g_ptr_array_add (argv, (char *) args[i]);
    }
  if (!has_log)
    {
      sim->log_path = g_build_filename (sim->dir, "sim.log", NULL);
      g_ptr_array_add (argv, "--log");
      g_ptr_array_add (argv, sim->log_path);
    }
  if (!has_port)
    {
      g_ptr_array_add (argv, "--port");
      g_ptr_array_add (argv, "0");
    }
  g_ptr_array_add (argv, "--control-stdin");
  g_ptr_array_add (argv, NULL);

  sim->process = g_subprocess_newv ((const char *const *) argv->pdata,
                                    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                    error);
  if (sim->process == NULL)
    return NULL;
  sim->pid = g_strdup (g_subprocess_get_identifier (sim->process));
  sim->in = g_object_ref (g_subprocess_get_stdin_pipe (sim->process));
  sim->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));

  line = g_data_input_stream_read_line_utf8 (sim->out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "LISTENING "))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "the simulator did not start (first line: %s)", line ? line : "none");
      return NULL;
    }
  sim->port = (guint16) g_ascii_strtoull (line + strlen ("LISTENING "), NULL, 10);
  return g_steal_pointer (&sim);
}

SrTestSim *
sr_test_sim_start_va (const char *first_arg, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  SrTestSim *sim;
  const char *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  sim = sr_test_sim_start ((const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sim);
  return sim;
}

SrTestSim *
sr_test_sim_start_default (void)
{
  g_autoptr(GError) error = NULL;
  SrTestSim *sim = sr_test_sim_start (NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sim);
  return sim;
}

guint16
sr_test_sim_port (SrTestSim *sim)
{
  return sim->port;
}

const char *
sr_test_sim_log_path (SrTestSim *sim)
{
  return sim->log_path;
}

const char *
sr_test_sim_pid (SrTestSim *sim)
{
  return sim->pid;
}

char *
sr_test_sim_command (SrTestSim *sim, const char *command)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  if (sim->stopped)
    return NULL;
  if (!g_output_stream_write_all (sim->in, line, strlen (line), NULL, NULL, NULL)
      || !g_output_stream_flush (sim->in, NULL, NULL))
    return NULL;
  return g_data_input_stream_read_line_utf8 (sim->out, NULL, NULL, NULL);
}

guint
sr_test_sim_mo (SrTestSim *sim, const char *spec)
{
  g_autofree char *command = g_strconcat ("mo ", spec, NULL);
  g_autofree char *reply = sr_test_sim_command (sim, command);

  g_assert_nonnull (reply);
  if (!g_str_has_prefix (reply, "OK mo "))
    g_error ("the simulator refused MO spec %s: %s", spec, reply);
  return (guint) g_ascii_strtoull (reply + strlen ("OK mo "), NULL, 10);
}

JsonObject *
sr_test_sim_stats (SrTestSim *sim)
{
  g_autofree char *reply = sr_test_sim_command (sim, "stats");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (reply == NULL || !g_str_has_prefix (reply, "OK "))
    return NULL;
  if (!json_parser_load_from_data (parser, reply + 3, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

gint64
sr_test_sim_stat (SrTestSim *sim, const char *name)
{
  JsonObject *stats = sr_test_sim_stats (sim);
  gint64 value = -1;

  if (stats == NULL)
    return -1;
  if (json_object_has_member (stats, name))
    value = json_object_get_int_member (stats, name);
  json_object_unref (stats);
  return value;
}

GPtrArray *
sr_test_sim_parse_log (const char *path)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  char *line, *next;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return entries;
  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      next = strchr (line, '\n');
      if (next == NULL)
        break;   /* a line still being written */
      *next++ = '\0';
      if (!json_parser_load_from_data (parser, line, -1, &error))
        g_error ("simulator log line is not JSON (%s): %s", error->message, line);
      root = json_parser_get_root (parser);
      g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
      g_ptr_array_add (entries, json_object_ref (json_node_get_object (root)));
    }
  return entries;
}

GPtrArray *
sr_test_sim_read_log (SrTestSim *sim)
{
  g_autofree char *reply = NULL;

  g_assert_nonnull (sim->log_path);
  /* Make sure what the simulator buffered is on disk. */
  reply = sr_test_sim_command (sim, "flush");
  return sr_test_sim_parse_log (sim->log_path);
}

const char *
sr_test_log_str (JsonObject *entry, const char *member)
{
  JsonNode *node = json_object_get_member (entry, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
sr_test_log_int (JsonObject *entry, const char *member)
{
  JsonNode *node = json_object_get_member (entry, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

const char *
sr_test_log_tlv (JsonObject *entry, guint16 tag)
{
  JsonArray *tlvs;
  guint i;

  if (!json_object_has_member (entry, "tlvs"))
    return NULL;
  tlvs = json_object_get_array_member (entry, "tlvs");
  for (i = 0; i < json_array_get_length (tlvs); i++)
    {
      JsonObject *tlv = json_array_get_object_element (tlvs, i);
      if (json_object_get_int_member (tlv, "tag") == tag)
        return json_object_get_string_member (tlv, "value");
    }
  return NULL;
}

GPtrArray *
sr_test_sim_log_filter (GPtrArray *entries, const char *dir, const char *command)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      JsonObject *e = g_ptr_array_index (entries, i);
      const char *c = sr_test_log_str (e, "command");

      if (c == NULL)
        continue;
      if (dir != NULL && g_strcmp0 (sr_test_log_str (e, "dir"), dir) != 0)
        continue;
      if (command != NULL && strcmp (c, command) != 0)
        continue;
      g_ptr_array_add (out, json_object_ref (e));
    }
  return out;
}

GPtrArray *
sr_test_sim_log_events (GPtrArray *entries, const char *event)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      JsonObject *e = g_ptr_array_index (entries, i);
      if (g_strcmp0 (sr_test_log_str (e, "event"), event) == 0)
        g_ptr_array_add (out, json_object_ref (e));
    }
  return out;
}

/* Lets an in-process router (on this thread's main context) run while a
 * test polls the simulator. */
static void
wait_a_little (void)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  while (g_main_context_iteration (context, FALSE))
    ;
  g_usleep (2000);
}

GPtrArray *
sr_test_sim_wait_log (SrTestSim *sim, const char *dir, const char *command, guint count,
                      guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autoptr(GPtrArray) entries = sr_test_sim_read_log (sim);
      GPtrArray *matching = sr_test_sim_log_filter (entries, dir, command);

      if (matching->len >= count)
        return matching;
      g_ptr_array_unref (matching);
      if (g_get_monotonic_time () > deadline)
        return NULL;
      wait_a_little ();
    }
}

gboolean
sr_test_sim_wait_stat (SrTestSim *sim, const char *name, gint64 at_least, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      if (sr_test_sim_stat (sim, name) >= at_least)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      wait_a_little ();
    }
}

void
sr_test_sim_kill (SrTestSim *sim)
{
  g_autoptr(GError) error = NULL;

  if (sim->process == NULL || sim->stopped)
    return;
  g_subprocess_force_exit (sim->process);
  g_subprocess_wait (sim->process, NULL, &error);
  sim->stopped = TRUE;
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

int
sr_test_sim_stop (SrTestSim *sim)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 deadline;
  gboolean done = FALSE;

  if (sim->process == NULL)
    return -1;
  if (!sim->stopped)
    {
      g_autofree char *reply = sr_test_sim_command (sim, "quit");
      sim->stopped = TRUE;
      g_output_stream_close (sim->in, NULL, NULL);
    }

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (sim->process, NULL, on_exited, &done);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!done && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (context, FALSE))
        g_usleep (1000);
    }
  if (!done)
    {
      g_subprocess_force_exit (sim->process);
      while (!done)
        g_main_context_iteration (context, TRUE);
      g_main_context_pop_thread_default (context);
      return -1;
    }
  g_main_context_pop_thread_default (context);
  if (!g_subprocess_get_if_exited (sim->process))
    return -1;
  return g_subprocess_get_exit_status (sim->process);
}

void
sr_test_sim_free (SrTestSim *sim)
{
  if (sim == NULL)
    return;
  if (sim->process != NULL && !sim->stopped)
    sr_test_sim_stop (sim);
  g_clear_object (&sim->out);
  g_clear_object (&sim->in);
  g_clear_object (&sim->process);
  if (sim->log_path != NULL)
    g_unlink (sim->log_path);
  if (sim->dir != NULL)
    g_rmdir (sim->dir);
  g_free (sim->log_path);
  g_free (sim->dir);
  g_free (sim->pid);
  g_free (sim);
}

guint16
sr_test_free_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (s, any, TRUE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}
