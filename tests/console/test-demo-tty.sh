#!/bin/sh
# test-demo-tty.sh — `sms-router --demo` in a real terminal (tmux): the console
# on the embedded router and the in-process simulator.
#   test-demo-tty.sh PATH/TO/sr-demo-launcher
# Uses $SR_ROUTER when it offers --demo, else the test-only launcher.
set -eu
LAUNCHER=${1:?usage: test-demo-tty.sh sr-demo-launcher}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"

DEMO=$LAUNCHER
if [ -n "${SR_ROUTER:-}" ] && "$SR_ROUTER" --help 2>&1 | grep -q -- '--demo'; then
  DEMO=$SR_ROUTER
fi

WORK=$(mktemp -d)
cleanup () { tmux_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 1' INT TERM


# Each step must finish well within 30 s.
step_start () { STEP_T0=$(date +%s); }
step_end () {
  [ $(( $(date +%s) - STEP_T0 )) -lt 30 ] || tmux_fail "step '$1' took 30 s or more"
  ok "$1"
}

mkdir "$WORK/tmp"
TMUX_EXTRA_ENV="TMPDIR=$WORK/tmp SR_DEMO_SIM_LOG=$WORK/sim.log SR_DEMO_TRICKLE_MS=1000"
tmux_start demo-tty 100 30
tmux_run "$DEMO --demo; echo demo-exit=\$?"

# The Overview: a bound link and counters that grow.
step_start
tmux_wait '^\[1 Overview\]'
tmux_wait 'demo#1 +bound' 15
tmux_wait 'total in [1-9][0-9]* · out [1-9]' 10
before=$(tmux_capture | sed -n 's/.*total in \([0-9]*\) · out.*/\1/p' | head -1)
tmux_wait "total in $((before + 1))|total in $((before + 2))|total in $((before + 3))" 10
step_end "overview: bound link, growing counters"

# Every view has rows within seconds (seeded traffic, receipts, inbound).
step_start
tmux_keys 3
tmux_wait '\[3 Sent\]'
tmux_wait 'delivered' 10
tmux_keys 4
tmux_wait '\[4 Dead letters\]'
tmux_wait '\+41765550303 +smsc' 10
tmux_wait '\+262692123456 +policy' 10
tmux_keys 5
tmux_wait 'DELIVRD' 10
tmux_keys 8
tmux_wait 'message|system' 5
step_end "views come alive"

# The trickle's texts arrive as written (a "%" in them is not a format).
step_start
tmux_keys 3 /
tmux_type 'Flash sale'
tmux_keys Enter
tmux_wait 'Flash sale [0-9]+: 20% off today' 15
tmux_keys / C-u Enter
step_end "trickle texts are sent as written"

# Compose by keystrokes; the message reaches the simulator and is sent.
step_start
tmux_keys 3 c
tmux_wait 'Compose a message'
tmux_type '+41795559911'
tmux_keys Tab Tab Tab
tmux_type 'Hello from the tmux test'
tmux_wait 'GSM 7-bit · 1 part · 136 left'
tmux_keys Enter
tmux_wait 'Message to \+41795559911 queued\.'
tmux_keys /
tmux_type '+41795559911'
tmux_keys Enter
tmux_wait '\+41795559911 .*(awaiting|delivered).*Hello from the tmux' 10
deadline=$(( $(date +%s) + 10 ))
until grep -q '41795559911' "$WORK/sim.log" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || tmux_fail "compose never reached the simulator"
  sleep 0.1
done
tmux_keys /
tmux_keys C-u Enter
step_end "compose reaches the simulator"

# A text over max-parts (10 in the demo) is refused in the form, not queued.
step_start
tmux_keys c
tmux_wait 'Compose a message'
tmux_type '+41795559912'
tmux_keys Tab Tab Tab
tmux_type "$(printf '%01531d' 0)"
tmux_wait 'GSM 7-bit · 11 parts · too long: at most 10'
tmux_keys Enter
tmux_wait 'The text needs 11 parts; this router sends at most 10 \(max-parts\)'
tmux_keys Escape
tmux_keys 4 /
tmux_type '+41795559912'
tmux_keys Enter
tmux_wait 'filter: \+41795559912'
tmux_expect_no '\+41795559912 +too-long'
tmux_keys / C-u Enter
step_end "a text over max-parts is refused in the form"

# A dead letter (rejected by the SMSC) edited and retried is sent.
step_start
tmux_keys 4 /
tmux_type '+41765550303'
tmux_keys Enter
tmux_wait '^.{0,30}default +\+41765550303 +smsc'
tmux_keys e
tmux_wait 'Edit dead letter [0-9]+ and retry'
tmux_keys C-u
tmux_type '+41795559922'
tmux_keys Enter
tmux_wait 'Dead letter [0-9]+ edited and queued again\.'
tmux_wait_gone '\+41765550303 +smsc' 5
tmux_keys 3 /
tmux_keys C-u
tmux_type '+41795559922'
tmux_keys Enter
tmux_wait '\+41795559922 .*(awaiting|delivered)' 10
tmux_keys / C-u Enter
step_end "edited dead letter is sent"

# A country added to the blacklist dead-letters the next message to it.
step_start
tmux_keys 7 a
tmux_wait 'Add a blacklist entry'
tmux_keys Tab
tmux_type 'DE'
tmux_keys Tab
tmux_type 'tmux test'
tmux_keys Enter
tmux_wait 'Blacklisted country DE\.'
tmux_wait 'country +DE +tmux test'
tmux_keys c
tmux_wait 'Compose a message'
tmux_type '+4915123456733'
tmux_keys Tab Tab Tab
tmux_type 'Hallo'
tmux_keys Enter
tmux_wait 'Message to \+4915123456733 queued\.'
tmux_keys 4
tmux_wait '\[4 Dead letters\]'
tmux_keys / C-u
tmux_type '+4915123456733'
tmux_keys Enter
tmux_wait '\+4915123456733 +policy' 10
tmux_keys / C-u Enter
step_end "blacklisted country dead-letters the next message"

# Resize keeps the layout.
step_start
tmux_keys 1
tmux_resize 80 24
tmux_wait '^\[1 Overview\]'
tmux_line 24 | grep -q '? help · q quit$' || tmux_fail "status line not on line 24 at 80x24"
[ "$(tmux_line_chars 24)" -eq 80 ] || tmux_fail "status line is not 80 columns wide"
tmux_wait 'demo#1 +bound'
tmux_keys 2
tmux_wait 'Time +App +To'
tmux_resize 200 60
tmux_wait '\[2 Queue\] +3 Sent +4 Dead letters'
tmux_line 60 | grep -q '? help · q quit$' || tmux_fail "status line not on line 60 at 200x60"
[ "$(tmux_line_chars 60)" -eq 200 ] || tmux_fail "status line is not 200 columns wide"
tmux_line 2 | grep -q 'Time .*App .*To .*From .*State .*Parts .*Text' || tmux_fail "not all columns at 200"
tmux_resize 100 30
tmux_wait '\[2 Queue\]'
step_end "resize to 80x24 and 200x60"

# The simulator's inbound trickle (every 4 s) reaches the Inbox.
step_start
tmux_keys 6
tmux_wait '\[6 Inbox\]'
tmux_wait 'default +\+41[0-9]+ +\+41790000000' 15
step_end "inbox shows inbound SMS"

# Quit: the router stops, the temporary spool goes, the terminal is clean.
step_start
tmux_keys q
tmux_wait 'demo-exit=0' 15
tmux_expect_no 'Overview|\? help|Compose'
tmux_run 'echo clean-$((20+22))'
tmux_wait '^clean-42$'
[ -z "$(ls -A "$WORK/tmp")" ] || tmux_fail "demo left files behind: $(ls -A "$WORK/tmp")"
step_end "quit leaves the terminal clean"
