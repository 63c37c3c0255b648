#!/bin/sh
# test-thread-tty.sh — the conversation with a number (key t) at 80x24:
# `sms-router --demo` (embedded router), then a console attached to the demo
# running as a daemon.  A message composed to a number the simulator sends MO
# from: the thread shows it, its receipt and the inbound message after them,
# in time order.
#   test-thread-tty.sh PATH/TO/sms-router PATH/TO/sr-demo-launcher
set -eu
ROUTER=${1:?usage: test-thread-tty.sh sms-router sr-demo-launcher}
LAUNCHER=${2:?usage: test-thread-tty.sh sms-router sr-demo-launcher}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/demo-daemon.sh"

# The simulator of the demo sends an MO from this number every 16 s.
NUMBER=+33612345678

tmux_test_begin
mkdir -p "$WORK/tmp"

# Line numbers (1-based) of the screen lines matching $1, one per line.
lines_of () {
  tmux_capture | grep -nE -- "$1" | cut -d: -f1
}

# Composes TEXT to $NUMBER, shows it in Sent, then opens its thread and
# checks the order: the message, its receipt, an inbound message after them.
check_thread () {
  tmux_keys 3 c
  tmux_wait 'Compose a message'
  tmux_type "$NUMBER"
  tmux_keys Tab Tab Tab
  tmux_type "$1"
  tmux_keys Enter
  tmux_wait "Message to \\$NUMBER queued\\."
  tmux_keys /
  tmux_type "$NUMBER"
  tmux_keys Enter
  tmux_wait "\\$NUMBER .*delivered" 20
  ok "$2: the message is delivered"

  tmux_keys t
  tmux_wait "Conversation with \\$NUMBER"
  tmux_wait 't thread|Esc/q back'
  tmux_wait "→ outbound +delivered +$1"
  tmux_wait "✓ receipt +DELIVRD +of message [0-9]+"
  # The thread follows the newest lines: the next MO from the number appears.
  out=$(lines_of "→ outbound .*$1" | tail -1)
  deadline=$(( $(date +%s) + 40 ))
  while :; do
    rcpt=$(lines_of '✓ receipt +DELIVRD' | tail -1)
    inb=$(lines_of "← inbound +default +.*\\(#[0-9]+\\)" | tail -1)
    if [ -n "$inb" ] && [ "$inb" -gt "$rcpt" ] && [ "$rcpt" -gt "$out" ]; then
      break
    fi
    [ "$(date +%s)" -lt "$deadline" ] || tmux_fail "no inbound line after the message and its receipt"
    sleep 0.5
  done
  # Every line of the thread in time order (HH:MM:SS, all of today).
  times=$(tmux_capture | sed -n 's/^\([0-2][0-9]:[0-5][0-9]:[0-5][0-9]\) *[→✓←] .*/\1/p')
  [ "$times" = "$(printf '%s\n' "$times" | sort)" ] || tmux_fail "thread lines not in time order"
  [ "$(printf '%s\n' "$times" | wc -l)" -ge 3 ] || tmux_fail "fewer than three thread lines"
  ok "$2: message, receipt and reply in time order"

  # Scrolling keys work and Esc goes back to the list.
  tmux_keys g
  tmux_wait 'lines 1–'
  tmux_keys G k j
  tmux_keys Escape
  tmux_wait '\[3 Sent\]'
  tmux_wait '/ filter'
  tmux_expect_no 'Conversation with'

  # From the inbox: the sender's number.
  tmux_keys 6 /
  tmux_type "$NUMBER"
  tmux_keys Enter
  tmux_wait "default +\\$NUMBER"
  tmux_keys t
  tmux_wait "Conversation with \\$NUMBER"
  tmux_wait "→ outbound +delivered +$1"
  tmux_keys q
  tmux_wait '\[6 Inbox\]'
  # A row without a number says so.
  tmux_keys 8 t
  tmux_wait 'No number in the selected row'
  ok "$2: from the inbox, back with q; the log has no number"
}

# 1. sms-router --demo: the console on the embedded router.
DEMO=$LAUNCHER
if "$ROUTER" --help 2>&1 | grep -q -- '--demo'; then
  DEMO=$ROUTER
fi
TMUX_EXTRA_ENV="TMPDIR=$WORK/tmp SR_DEMO_TRICKLE_MS=0"
tmux_start thread-tty 80 24
tmux_run "$DEMO --demo; echo demo-exit=\$?"
tmux_wait 'demo#1 +bound' 15
check_thread 'Thread test embedded' 'embedded'
tmux_keys q
tmux_wait 'demo-exit=0' 15
tmux_stop

# 2. The demo as a daemon and a console attached to it.
SR_DEMO_TRICKLE_MS=0 demo_daemon_start "$LAUNCHER" "$WORK"
tmux_start thread-attach 80 24
tmux_run "$LAUNCHER --console $(dirname "$SPOOL")/demo.conf; echo attach-exit=\$?"
# (80 columns leave no room for "(attached)" in the tab bar: the daemon's
# spool lock makes this console attach, it cannot start a second router.)
tmux_wait 'demo#1 +bound' 15
check_thread 'Thread test attached' 'attached'
tmux_keys q
tmux_wait 'attach-exit=0' 15
demo_daemon_alive "after the thread"
