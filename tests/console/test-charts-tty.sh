#!/bin/sh
# test-charts-tty.sh — the Overview's charts in a real terminal (tmux):
# `sms-router --demo` at 80x24, larger, after resizes and under LANG=C, and a
# console attached to a daemon, all with live traffic from the simulator.
#   test-charts-tty.sh PATH/TO/sms-router PATH/TO/sr-demo-launcher
set -eu
ROUTER=${1:?usage: test-charts-tty.sh sms-router sr-demo-launcher}
LAUNCHER=${2:?usage: test-charts-tty.sh sms-router sr-demo-launcher}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/demo-daemon.sh"

tmux_test_begin
mkdir "$WORK/tmp"
TMUX_EXTRA_ENV="TMPDIR=$WORK/tmp SR_DEMO_TRICKLE_MS=500"

BLOCKS='▁▂▃▄▅▆▇█'

# check_layout COLS ROWS: tab bar on top, status line at the bottom, every
# chart once (nothing left over from an earlier size), no line wider than
# the terminal.
check_layout () {
  tmux_wait '^\[1 Overview\]'
  tmux_wait 'q quit *$'
  [ "$(tmux_capture | wc -l)" -le "$2" ] || tmux_fail "more than $2 lines"
  for label in 'Traffic, last' 'Receipts ' 'demo out' 'demo#1 window'; do
    n=$(tmux_capture | grep -c "^$label" || true)
    [ "$n" = 1 ] || tmux_fail "'$label' on $n lines at $1x$2"
  done
  i=1
  while [ "$i" -le "$2" ]; do
    [ "$(tmux_line_chars "$i")" -le "$1" ] || tmux_fail "line $i wider than $1"
    i=$((i + 1))
  done
}

# --- The demo with its embedded router ---------------------------------------

tmux_start charts-tty 80 24
tmux_run "$ROUTER --demo; echo demo-exit=\$?"
tmux_wait 'Traffic, last 4 min \(6 s a column\)' 15
# The window of the demo's bind as a bar with its figures.
tmux_wait "^demo#1 window +[$BLOCKS▏▎▍▌▋▊▉░]{46} +[0-9]+/10\$"
# Traffic out after the trickle: blank columns from before, blocks since:
# not a flat line.
tmux_wait "^demo out {10,}[$BLOCKS]" 20
tmux_wait "^demo in {10,}[$BLOCKS]" 20
# Receipts of the simulator, in shares.
tmux_wait '^Receipts [0-9]+ (s|min) +[█▒░]+ delivered [1-9][0-9]*%  failed [0-9]+%  pending [0-9]+%$' 20
tmux_wait '^default queue '
tmux_expect_no 'Terminal too small'
check_layout 80 24
ok "80x24: traffic, window, receipts and queue charts with live data"

# Larger: the same charts, wider and the traffic taller.
tmux_resize 132 40
tmux_wait 'Traffic, last [0-9]+ min \(3 s a column\)'
check_layout 132 40
tmux_wait "^demo#1 window +[$BLOCKS▏▎▍▌▋▊▉░]{98} +[0-9]+/10\$"
row=$(tmux_capture | grep -n '^demo out' | cut -d: -f1)
tmux_line $((row + 1)) | grep -Eq "^ {17}.*[$BLOCKS]" \
  || tmux_fail "the traffic out chart is not taller at 132x40"
ok "132x40: wider charts, a taller traffic chart"

# Back to 80x24: nothing of the larger layout remains.
tmux_resize 80 24
tmux_wait 'Traffic, last 4 min \(6 s a column\)'
check_layout 80 24
tmux_resize 60 16
tmux_wait 'Traffic, last'
tmux_wait 'q quit *$'
tmux_expect_no '^Last system errors.*Traffic'
ok "resized to 80x24 and 60x16: redrawn without leftovers"

# Live: the screen changes with the traffic while nothing is typed.
before=$(tmux_capture | grep -A3 '^demo out')
deadline=$(( $(date +%s) + 20 ))
while [ "$(tmux_capture | grep -A3 '^demo out')" = "$before" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || tmux_fail "the traffic chart did not change in 20 s"
  sleep 0.2
done
ok "the charts update by themselves"

tmux_resize 80 24
tmux_keys q
tmux_wait 'demo-exit=0' 15

# --- The ASCII fallback ------------------------------------------------------

tmux_run "clear; LANG=C $ROUTER --demo; echo demo-exit=\$?"
tmux_wait 'Traffic, last 4 min' 15
tmux_wait '^demo#1 window +[#.]{46} +[0-9]+/10$'
tmux_wait '^demo out {10,}[_.:=+*#-]' 20
tmux_wait '^Receipts [0-9]+ (s|min) +[#x.]+ delivered [1-9][0-9]*%' 20
# Every chart line is plain ASCII.
tmux_capture | sed -n '/^Traffic, last/,/queue/p' > "$WORK/ascii.txt"
[ "$(wc -l < "$WORK/ascii.txt")" -ge 5 ] || tmux_fail "chart section not found"
if LC_ALL=C grep -n '[^ -~]' "$WORK/ascii.txt" >&2; then
  tmux_fail "non-ASCII characters in the charts under LANG=C"
fi
ok "LANG=C: the charts in plain ASCII"
tmux_keys q
tmux_wait 'demo-exit=0' 15

# --- A console attached to a daemon ------------------------------------------

SR_DEMO_TRICKLE_MS=500 demo_daemon_start "$LAUNCHER" "$WORK"
# Wide enough for the title that says so, then 80x24.
tmux_resize 130 30
tmux_run "clear; $LAUNCHER --console $(dirname "$SPOOL")/demo.conf; echo attach-exit=\$?"
tmux_wait '\(attached\)' 15
tmux_resize 80 24
tmux_wait 'Traffic, last 4 min' 15
tmux_wait "^demo#1 window +[$BLOCKS▏▎▍▌▋▊▉░]{46} +[0-9]+/10\$"
# Sampled on this side from the daemon's counters.
tmux_wait "^demo out {10,}[$BLOCKS]" 20
tmux_wait '^Receipts [0-9]+ (s|min) +[█▒░]+ delivered [1-9][0-9]*%' 20
check_layout 80 24
tmux_resize 100 30
tmux_wait 'Traffic, last [0-9]+ min \(5 s a column\)'
check_layout 100 30
ok "attached console: the charts from the daemon's counters, also after a resize"
tmux_keys q
tmux_wait 'attach-exit=0' 10
demo_daemon_alive "after the attached console quit"
