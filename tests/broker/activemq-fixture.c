/* activemq-fixture.c — see activemq-fixture.h. */
#include "activemq-fixture.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#define ACTIVEMQ_HOME "/usr/share/activemq"

static const char activemq_xml[] =
  "<beans xmlns=\"http://www.springframework.org/schema/beans\"\n"
  "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
  "  xsi:schemaLocation=\"http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd\n"
  "  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd\">\n"
  "  <bean class=\"org.springframework.beans.factory.config.PropertyPlaceholderConfigurer\"/>\n"
  "  <broker xmlns=\"http://activemq.apache.org/schema/core\" useJmx=\"false\" brokerName=\"srtest\"\n"
  "          dataDirectory=\"${activemq.data}\" schedulerSupport=\"false\" advisorySupport=\"false\">\n"
  "    <persistenceAdapter><kahaDB directory=\"${activemq.data}/kahadb\"/></persistenceAdapter>\n"
  "    <transportConnectors>\n"
  "      <transportConnector name=\"stomp\" uri=\"stomp://127.0.0.1:${stomp.port}\"/>\n"
  "    </transportConnectors>\n"
  "  </broker>\n"
  "</beans>\n";

static guint16
free_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_assert_true (g_socket_bind (s, any, TRUE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Whether the STOMP transport answers CONNECT with CONNECTED. */
static gboolean
stomp_ready (guint16 port)
{
  g_autoptr(GSocketClient) c = g_socket_client_new ();
  g_socket_client_set_timeout (c, 2);
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (c, "127.0.0.1", port, NULL, NULL);
  if (conn == NULL)
    return FALSE;
  static const char connect[] = "CONNECT\naccept-version:1.2\nhost:localhost\n\n";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!g_output_stream_write_all (out, connect, sizeof connect, NULL, NULL, NULL))
    return FALSE;
  char buf[64] = { 0 };
  gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf - 1, NULL, NULL);
  return n > 0 && g_str_has_prefix (buf, "CONNECTED");
}

/* A failed assertion aborts the test: the broker must not outlive it. */
void
fixture_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
on_exited (GObject *source, GAsyncResult *res, gpointer data)
{
  ActiveMQ *mq = data;
  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  mq->exited = TRUE;
}

ActiveMQ *
activemq_start (char **why)
{
  g_autofree char *java = g_find_program_in_path ("java");
  g_autofree char *jar = g_build_filename (ACTIVEMQ_HOME, "bin", "activemq.jar", NULL);
  if (java == NULL || !g_file_test (jar, G_FILE_TEST_EXISTS))
    {
      *why = g_strdup ("ActiveMQ (Debian package activemq) or java is not installed");
      return NULL;
    }
  ActiveMQ *mq = g_new0 (ActiveMQ, 1);
  g_autoptr(GError) error = NULL;
  mq->dir = g_dir_make_tmp ("sr-activemq-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *conf = g_build_filename (mq->dir, "conf", NULL);
  g_autofree char *data = g_build_filename (mq->dir, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (conf, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);
  g_autofree char *xml = g_build_filename (conf, "activemq.xml", NULL);
  g_assert_true (g_file_set_contents (xml, activemq_xml, -1, NULL));
  g_autofree char *log4j = g_build_filename (conf, "log4j2.properties", NULL);
  g_assert_true (g_file_set_contents (log4j, "rootLogger.level = warn\n", -1, NULL));
  mq->port = free_port ();

  g_autofree char *d_home = g_strdup ("-Dactivemq.home=" ACTIVEMQ_HOME);
  g_autofree char *d_base = g_strdup_printf ("-Dactivemq.base=%s", mq->dir);
  g_autofree char *d_conf = g_strdup_printf ("-Dactivemq.conf=%s", conf);
  g_autofree char *d_data = g_strdup_printf ("-Dactivemq.data=%s", data);
  g_autofree char *d_port = g_strdup_printf ("-Dstomp.port=%u", mq->port);
  g_autofree char *d_log = g_strdup_printf ("-Dlog4j2.configurationFile=%s", log4j);
  g_autofree char *xbean = g_strdup_printf ("xbean:file:%s", xml);
  g_autofree char *out = g_build_filename (mq->dir, "activemq.log", NULL);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_set_stdout_file_path (l, out);
  g_subprocess_launcher_set_child_setup (l, fixture_die_with_parent, NULL, NULL);
  g_subprocess_launcher_take_stderr_fd (l, -1);
  g_subprocess_launcher_set_flags (l, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* 256 MiB is plenty for the tests; the benchmark's full queue wants more. */
  const char *heap = g_getenv ("SR_ACTIVEMQ_HEAP");
  g_autofree char *xmx = g_strdup_printf ("-Xmx%s", heap != NULL ? heap : "256m");
  mq->process = g_subprocess_launcher_spawn (l, &error, java, xmx, "-XX:+UseSerialGC",
                                             "-XX:TieredStopAtLevel=1", d_home, d_base, d_conf, d_data,
                                             d_port, d_log, "-jar", jar, "start", xbean, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (mq->process, NULL, on_exited, mq);
  gint64 end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (!stomp_ready (mq->port))
    {
      if (g_get_monotonic_time () > end || mq->exited)
        {
          g_autofree char *log = NULL;
          g_file_get_contents (out, &log, NULL, NULL);
          g_error ("ActiveMQ did not start on port %u:\n%s", mq->port, log ? log : "");
        }
      g_usleep (200 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  return mq;
}

void
fixture_rm_rf (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        fixture_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
activemq_stop (ActiveMQ *mq)
{
  if (mq == NULL)
    return;
  g_subprocess_send_signal (mq->process, SIGTERM);
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!mq->exited && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (50 * 1000), TRUE);
  if (!mq->exited)
    {
      g_subprocess_force_exit (mq->process);
      g_subprocess_wait (mq->process, NULL, NULL);
    }
  g_object_unref (mq->process);
  fixture_rm_rf (mq->dir);
  g_free (mq->dir);
  g_free (mq);
}

/* The result of a client run, filled in from the main loop. */
typedef struct {
  gboolean done;
  gboolean ok;
  char *out;
} AppRun;

static void
on_app_done (GObject *source, GAsyncResult *res, gpointer data)
{
  AppRun *run = data;
  g_autoptr(GError) error = NULL;
  if (g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, &run->out, NULL, &error))
    run->ok = g_subprocess_get_if_exited (G_SUBPROCESS (source))
              && g_subprocess_get_exit_status (G_SUBPROCESS (source)) == 0;
  run->done = TRUE;
}

char *
stomp_app (guint16 port, const char *const *args)
{
  g_autofree char *script = g_build_filename (SR_TEST_SRCDIR, "broker", "stomp-client.py", NULL);
  g_autofree char *port_s = g_strdup_printf ("%u", port);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) "/usr/bin/python3");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, port_s);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv ((const char *const *) argv->pdata,
                                                G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  /* The router and the bridge live on this thread's main loop: keep it running. */
  AppRun run = { 0 };
  g_subprocess_communicate_utf8_async (p, NULL, NULL, on_app_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (!run.ok)
    g_test_message ("stomp-client.py failed; it printed: %s", run.out ? run.out : "");
  if (!run.ok)
    g_clear_pointer (&run.out, g_free);
  return run.out;
}

GPtrArray *
stomp_app_receive (guint16 port, const char *dest, guint count, guint seconds)
{
  g_autofree char *count_s = g_strdup_printf ("%u", count);
  g_autofree char *seconds_s = g_strdup_printf ("%u", seconds);
  const char *args[] = { "receive", dest, count_s, seconds_s, NULL };
  g_autofree char *out = stomp_app (port, args);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (out == NULL)
    return frames;
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      g_ptr_array_add (frames, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return frames;
}
