#!/bin/sh
# test-reconnect-tty.sh — the operator reconnects a bind that stopped after
# the SMSC rejected its credentials: key b in the console, embedded and
# attached to `sms-router --daemon`, against the real simulator.
#   test-reconnect-tty.sh PATH/TO/sms-router   (and $SR_SIM)
set -eu
SR_ROUTER=${1:-${SR_ROUTER:?}}
: "${SR_SIM:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/router-sim.sh"
tmux_test_begin

# The router's password is "wrong"; the first simulator wants "right".
sim_start 0 right
router_config wrong

# reconnect_after_fix: the console on screen shows the stopped bind; the
# account is "fixed" (a simulator that accepts the password), b binds it.
reconnect_after_fix () {
  tmux_wait 'acme#1 +disconnected' 20
  tmux_wait 'acme#1: the SMSC rejected the credentials' 20
  tmux_wait 'b reconnects the binds that are not bound now\.'
  tmux_line 30 | grep -q 'b reconnect · ? help · q quit$' || tmux_fail "no reconnect key in the status line"
  stop_pid "$SIM_PID"
  sim_start "$PORT" wrong
  # The router does not try again by itself once the credentials were refused.
  sleep 3
  tmux_expect_no 'acme#1 +bound'
  tmux_keys b
  tmux_wait 'Reconnecting 1 bind\.'
  tmux_wait 'acme#1 +bound' 10
  tmux_keys 8 /
  tmux_type 'Reconnect requested'
  tmux_keys Enter
  tmux_wait "reconnect by $(id -un): Reconnect requested: 1 bind was not bound\." 5
  tmux_keys / C-u Enter 1
}

tmux_start reconnect-tty 130 30
tmux_run "$SR_ROUTER --config $WORK/conf; echo embedded-exit=\$?"
tmux_wait '^\[1 Overview\]'
tmux_expect_no '\(attached\)'
reconnect_after_fix
tmux_keys q
tmux_wait 'embedded-exit=0' 15
ok "embedded: b reconnects a bind whose credentials were rejected"

# The same through the control socket of a daemon.
stop_pid "$SIM_PID"
sim_start "$PORT" right
daemon_start
tmux_run "clear; $SR_ROUTER --config $WORK/conf; echo attach-exit=\$?"
tmux_wait '\(attached\)'
reconnect_after_fix
tmux_keys q
tmux_wait 'attach-exit=0' 10
kill -0 "$DAEMON_PID" || { echo "FAIL: the daemon died" >&2; exit 1; }
ok "attached: b reconnects the daemon's bind"
