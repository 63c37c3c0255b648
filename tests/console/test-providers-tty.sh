#!/bin/sh
# test-providers-tty.sh — the Providers view (key 9) at 80x24: in `sms-router
# --demo`, the demo bind with live figures and Enter showing its events; in a
# console attached to a daemon, the delivery rates by country and provider,
# checked against the daemon's journal.
#   test-providers-tty.sh PATH/TO/sr-demo-launcher   (needs $SR_ROUTER and sqlite3)
set -eu
LAUNCHER=${1:?usage: test-providers-tty.sh sr-demo-launcher}
ROUTER=${SR_ROUTER:?SR_ROUTER must name the sms-router binary}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/demo-daemon.sh"
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 is missing (scripts/deps installs it)" >&2; exit 1; }

tmux_test_begin

# --- The demo: live figures of the bind ------------------------------------
mkdir "$WORK/demo-tmp"
TMUX_EXTRA_ENV="TMPDIR=$WORK/demo-tmp SR_DEMO_TRICKLE_MS=500"
tmux_start providers-tty 80 24
tmux_run "$ROUTER --demo; echo demo-exit=\$?"
tmux_wait '^\[1 Overview\]'
tmux_wait 'demo#1 +bound' 15
tmux_keys 9
tmux_wait '\[9 Providers\]'
tmux_wait 'Bind +State +Since +Reconn +Window +Rate/max +Throttled +p50/p99 ms'
# bound since a time, no reconnect, window used of 10, rate of the configured
# 20/s, throttle answers, and latency figures once answers came in.
row='demo#1 +bound +[0-9]{2}:[0-9]{2}:[0-9]{2} +0 +[0-9]+/10 +[0-9]+\.[0-9]/20 +[0-9]+ +[0-9.]+/[0-9.]+'
tmux_wait "$row" 15
line=$(tmux_capture | grep -E "$row" | head -1)
p50=$(echo "$line" | awk '{ split ($NF, l, "/"); print l[1] }')
p99=$(echo "$line" | awk '{ split ($NF, l, "/"); print l[2] }')
awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a > 0 && a <= b && b < 5000) }' \
  || tmux_fail "latency p50 $p50 / p99 $p99 ms is not plausible"
# The rate is live: the trickle (2 messages/s) shows as a rate above zero.
tmux_wait 'demo#1 +bound .* [0-9]+/10 +([1-9][0-9]*\.[0-9]|0\.[1-9])/20' 15
tmux_line 24 | grep -q 'Enter events · w hour/day · ? help · q quit$' || tmux_fail "the view's keys are not on the status line"
[ "$(tmux_line_chars 24)" -eq 80 ] || tmux_fail "status line is not 80 columns wide"
tmux_wait 'Delivery of the messages of the last hour \(w: last day\) · as of' 15
tmux_wait 'Country +Sent +Delivered +Failed +Pending +Rate'
tmux_wait '^CH +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+%'
ok "demo: the bind's live figures and the delivery rates at 80x24"

# Enter: the bind's events in the Log, its bind first of all.
tmux_keys Enter
tmux_wait '\[8 Log\]'
tmux_wait 'system +bind-up: Provider demo: demo#1 is bound\.'
tmux_wait 'filter: demo#1'
tmux_keys 9
tmux_wait '\[9 Providers\]'
tmux_keys q
tmux_wait 'demo-exit=0' 15
ok "demo: Enter shows the bind's events"

# --- Attached to a daemon: the delivery rates match the journal -------------
# The seed only (no trickle): once every message is final the figures stand.
SR_DEMO_TRICKLE_MS=0 demo_daemon_start "$LAUNCHER" "$WORK"
DB="$SPOOL/router/journal.db"
q () { sqlite3 -readonly -batch -noheader -separator ' ' "$DB" "$1"; }
deadline=$(( $(date +%s) + 30 ))
until [ "$(q 'SELECT count(*) FROM messages')" -ge 9 ] \
      && [ "$(q 'SELECT count(*) FROM messages WHERE state IN (0, 1, 2)')" -eq 0 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL: the seed did not finish in 30 s" >&2; exit 1; }
  sleep 0.2
done

tmux_run "clear; $ROUTER --config $(dirname "$SPOOL")/demo.conf; echo attach-exit=\$?"
tmux_wait '^\[1 Overview\]'
tmux_wait 'demo#1 +bound' 15
tmux_keys 9
tmux_wait '\[9 Providers\]'
tmux_wait 'demo#1 +bound +[0-9]{2}:[0-9]{2}:[0-9]{2} +0 +0/10 +[0-9]+\.[0-9]/20 +[0-9]+ +([0-9.]+/[0-9.]+|-)' 15
tmux_wait 'Country +Sent +Delivered +Failed +Pending +Rate' 15

# Expected rows from the journal: sent, delivered, failed (negative receipt,
# dead or discarded), pending, rate = delivered / (delivered + failed).
expect_rows () {
  q "SELECT coalesce($1, '$2'), count(*), sum(state = 3), sum(state IN (4, 5, 6)),
            sum(state IN (0, 1, 2)) FROM messages GROUP BY 1" |
  while read -r key sent delivered failed pending; do
    rate='-'
    [ $((delivered + failed)) -gt 0 ] && rate="$(awk -v d="$delivered" -v f="$failed" 'BEGIN { printf "%.0f%%", 100 * d / (d + f) }')"
    echo "$key $sent $delivered $failed $pending $rate"
  done
}
expect_rows country unknown > "$WORK/countries"
expect_rows provider none > "$WORK/providers"
[ "$(wc -l < "$WORK/countries")" -ge 3 ] || { echo "FAIL: fewer than 3 countries in the journal" >&2; exit 1; }
grep -q '^CH ' "$WORK/countries" || { echo "FAIL: no CH row in the journal" >&2; exit 1; }
# Réunion is blacklisted: its dead letter still counts for its country.
grep -q '^RE 1 0 1 0 0%$' "$WORK/countries" || { echo "FAIL: no failed RE row in the journal" >&2; exit 1; }
check_rows () {
  while read -r key sent delivered failed pending rate; do
    tmux_wait "^$key +$sent +$delivered +$failed +$pending +$rate" 5
  done < "$1"
}
check_rows "$WORK/countries"
check_rows "$WORK/providers"
ok "attached: every country's and provider's row matches the journal (last hour)"
# CH has a rejected and an undeliverable message: "started failing" shows.
awk '$1 == "CH" && $4 < 1 { exit 1 }' "$WORK/countries" || tmux_fail "CH has no failure in the seed"

tmux_keys w
tmux_wait 'Delivery of the messages of the last day \(w: last hour\)'
check_rows "$WORK/countries"
ok "attached: w shows the last day"

tmux_keys Enter
tmux_wait '\[8 Log\]'
tmux_wait 'bind-up: Provider demo: demo#1 is bound\.'
tmux_keys q
tmux_wait 'attach-exit=0' 15
demo_daemon_alive "after the attached console quit"
ok "attached: Enter shows the bind's events from the daemon's journal"
