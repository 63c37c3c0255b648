#!/bin/sh
# test-attach-lost-tty.sh — a console attached to `sms-router --daemon` whose
# daemon goes away says so on the whole screen (not stale data or "No rows."),
# keeps trying, and shows the router again when a daemon is back.
#   test-attach-lost-tty.sh PATH/TO/sms-router   (and $SR_SIM)
set -eu
SR_ROUTER=${1:-${SR_ROUTER:?}}
: "${SR_SIM:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/router-sim.sh"
tmux_test_begin

sim_start 0 secret
router_config secret
daemon_start

tmux_start attach-lost 130 30
tmux_run "$SR_ROUTER --config $WORK/conf; echo attach-exit=\$?"
tmux_wait '\(attached\)'
tmux_wait 'acme#1 +bound' 15
ok "attached to the daemon"

stop_pid "$DAEMON_PID"
DAEMON_PID=
tmux_wait 'Router disconnected — ' 10
tmux_wait 'Reconnecting… \(no answer for [0-9]+ s' 5
tmux_expect_no 'acme#1'
tmux_keys 2
tmux_wait '\[2 Queue\]'
tmux_wait 'Router disconnected — '
tmux_expect_no 'No rows\.'
ok "a lost daemon is shown as such in every view"

daemon_start
tmux_wait 'The router answers again\.' 10
tmux_expect_no 'Router disconnected'
tmux_keys 1
tmux_wait 'acme#1 +bound' 15
ok "the console reattaches to the new daemon by itself"

tmux_keys q
tmux_wait 'attach-exit=0' 10
