#!/bin/sh
# test-attach-tty.sh — a console attached to a running daemon (control socket):
# it shows the daemon's queues and its retry works.
#   test-attach-tty.sh PATH/TO/sr-demo-launcher
set -eu
LAUNCHER=${1:?usage: test-attach-tty.sh sr-demo-launcher}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/demo-daemon.sh"

tmux_test_begin

# The daemon: the demo headless, its control socket in SPOOL/router/control.
demo_daemon_start "$LAUNCHER" "$WORK"
[ -S "$SPOOL/router/control" ] || { echo "FAIL: no control socket" >&2; exit 1; }
[ "$(stat -c %a "$SPOOL/router/control")" = 660 ] || { echo "FAIL: control socket mode is not 0660" >&2; exit 1; }
ok "daemon serves its control socket (mode 0660)"

tmux_start attach-tty 130 30
# As `sms-router --config` on the daemon's configuration: the console sees the
# lock and attaches instead of starting a second router.
tmux_run "$LAUNCHER --console $(dirname "$SPOOL")/demo.conf; echo attach-exit=\$?"
tmux_wait '\(attached\)'
tmux_wait 'demo#1 +bound' 15
tmux_wait 'default +[0-9]+ +[0-9]+ +[0-9]+'
tmux_wait 'total in [1-9]' 10
ok "attached console shows the daemon's binds and queues"

# Retry (after an edit) a dead letter through the daemon.
tmux_keys 4 /
tmux_type '+41765550303'
tmux_keys Enter
tmux_wait '\+41765550303 +smsc' 15
tmux_keys e
tmux_wait 'Edit dead letter [0-9]+ and retry'
tmux_keys C-u
tmux_type '+41795559933'
tmux_keys Enter
tmux_wait 'Dead letter [0-9]+ edited and queued again\.'
tmux_keys 3 /
tmux_type '+41795559933'
tmux_keys Enter
tmux_wait '\+41795559933 .*(awaiting|delivered)' 10
ok "retry through the daemon"

# The audit log names the operator.
tmux_keys 8 /
tmux_type 'Edited and re-queued'
tmux_keys Enter
tmux_wait "edit-retry by $(id -un): Edited" 5
ok "audit log names the attached operator"

tmux_keys q
tmux_wait 'attach-exit=0' 10
demo_daemon_alive "with the console"
ok "quitting the console leaves the daemon running"

# No daemon on this spool: the same entry point embeds a router (its SMSC is
# down here, so the bind keeps connecting and a composed message waits).
mkdir -p "$WORK/own"
cat > "$WORK/own/conf" <<CONF
[router]
spool = $WORK/own/spool
region = CH
[smpp:down]
host = 127.0.0.1
port = 9
system-id = x
password = y
[app:default]
from = +41791234567
CONF
chmod 600 "$WORK/own/conf"
tmux_run "clear; $LAUNCHER --console $WORK/own/conf; echo embedded-exit=\$?"
tmux_wait '^\[1 Overview\]'
tmux_expect_no '\(attached\)'
tmux_wait 'down#1 +(connecting|disconnected)' 10
tmux_keys c
tmux_wait 'Compose a message'
tmux_type '+41795559944'
tmux_keys Tab Tab Tab
tmux_type 'waits for the SMSC'
tmux_keys Enter
tmux_wait 'Message to \+41795559944 queued\.'
tmux_keys 2
tmux_wait '\+41795559944 .*waiting' 10
tmux_keys q
tmux_wait 'embedded-exit=0' 15
find "$WORK/own/spool/apps/default/outbox" -type f | grep -q . \
  || { echo "FAIL: the queued message is not in the outbox" >&2; exit 1; }
ok "without a daemon the console embeds the router"
