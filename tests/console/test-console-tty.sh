#!/bin/sh
# test-console-tty.sh — the console in a real terminal (tmux), on the fixture model.
#   test-console-tty.sh PATH/TO/sr-console-fixture
set -eu
FIXTURE=${1:?usage: test-console-tty.sh sr-console-fixture}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"

WORK=$(mktemp -d)
cleanup () { tmux_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 1' INT TERM


tmux_start console-tty 100 30
tmux_run "$FIXTURE --rows 1000000 --trickle 300 --actions $WORK/actions"

# Start: the Overview with the tab bar on top and the status line at the bottom.
tmux_wait '^\[1 Overview\] +2 Queue +3 Sent +4 Dead letters'
tmux_wait 'main#2 +connecting +Connection refused'
[ "$(tmux_line 1 | cut -c1-12)" = "[1 Overview]" ] || tmux_fail "tab bar not on line 1"
tmux_line 30 | grep -q '? help · q quit$' || tmux_fail "status line not on line 30"
ok "overview at 100x30"

# Tab switching: number keys, Tab and Shift-Tab.
tmux_keys 4
tmux_wait '\[4 Dead letters\]'
tmux_wait 'Time +App +To +Class +Reason'
tmux_keys Tab
tmux_wait '\[5 Receipts\]'
tmux_wait 'SMSC id +Status'
tmux_keys BTab BTab
tmux_wait '\[3 Sent\]'
tmux_keys 7
tmux_wait '\[7 Blacklists\]'
tmux_wait 'country +CI +default'
tmux_keys 2
tmux_wait '\[2 Queue\]'
# Live refresh: the trickle shows up at the top of the Queue on its own.
tmux_wait 'trickle [0-9]+' 5
ok "tab switching"

# A million rows: End shows the oldest, Home the newest, at once.
tmux_keys End
tmux_wait '\+41790000001 '
tmux_keys Home
tmux_wait '\+41790000000 +ACME +waiting'
ok "paging a million rows"

# Resize to 80x24: same layout, short tab titles, nothing wider than the screen.
tmux_resize 80 24
tmux_wait '^ 1 Overview \[2 Queue\] 3 Sent  4 Dead '
tmux_line 24 | grep -q '? help · q quit$' || tmux_fail "status line not on line 24 at 80x24"
[ "$(tmux_line_chars 24)" -eq 80 ] || tmux_fail "status line is not 80 columns wide"
tmux_line 2 | grep -q '^Time ' || tmux_fail "column headers not on line 2"
tmux_line 15 | grep -q '^─ queue ' || tmux_fail "detail separator not on line 15 at 80x24"
ok "resize to 80x24"

# Resize to 200x60.
tmux_resize 200 60
tmux_wait '\[2 Queue\] +3 Sent +4 Dead letters'
tmux_wait '^─ queue .*─$'
tmux_line 60 | grep -q '? help · q quit$' || tmux_fail "status line not on line 60 at 200x60"
[ "$(tmux_line_chars 60)" -eq 200 ] || tmux_fail "status line is not 200 columns wide"
tmux_line 36 | grep -q '^─ queue ' || tmux_fail "detail separator not on line 36 at 200x60"
tmux_line 2 | grep -q 'Time .*App .*To .*From .*State .*Parts .*Text' || tmux_fail "not all columns at 200"
ok "resize to 200x60"

# Too small, then back.
tmux_resize 30 8
tmux_wait 'Terminal too small'
tmux_resize 100 30
tmux_wait '\[2 Queue\]'
tmux_expect_no 'Terminal too small'
ok "too small and back"

# Compose: the counter follows the typing (GSM 7-bit, then UCS-2 for CJK).
tmux_keys c
tmux_wait 'Compose a message'
tmux_wait 'GSM 7-bit · 1 part · 160 left'
tmux_type '+41791234567'
tmux_keys Tab Tab Tab
tmux_type 'Hello'
tmux_wait 'GSM 7-bit · 1 part · 155 left'
tmux_type ' 日本'
tmux_wait 'UCS-2 · 1 part · 62 left'
tmux_wait 'Hello 日本'
tmux_keys BSpace BSpace
tmux_wait 'GSM 7-bit · 1 part · 154 left'
tmux_type '!'
tmux_keys Enter
tmux_wait 'Message to \+41791234567 queued\.'
tmux_wait_gone 'Compose a message'
ok "compose with live counter"

# Esc cancels a form at once (no escape-sequence wait left hanging).
tmux_keys c
tmux_wait 'Compose a message'
tmux_type 'draft'
tmux_keys Escape
tmux_wait_gone 'Compose a message' 2
ok "Esc cancels a form"

# Help lists the keys; any key closes it.
tmux_keys '?'
tmux_wait 'Keys \(any key closes\)'
tmux_wait 'Pause / resume sending'
tmux_keys Space
tmux_wait_gone 'Keys \(any key closes\)'
tmux_wait '\[2 Queue\]'
ok "help"

# Quit: the shell's screen comes back, no console left over, the tty is sane.
tmux_keys q
tmux_wait 'console exited: quit'
tmux_wait 'sr-test\$ ?$'
tmux_expect_no 'Overview|\? help|Compose'
tmux_run 'echo clean-$((20+22))'
tmux_wait '^clean-42$'
grep -q '^compose +41791234567|' "$WORK/actions" || { cat "$WORK/actions"; tmux_fail "compose not performed"; }
ok "quit leaves the terminal clean"

# Ctrl-C (SIGINT) ends the console the same way.
tmux_run "clear; $FIXTURE --rows 10"
tmux_wait '\[1 Overview\]'
tmux_keys C-c
tmux_wait 'console exited: signal'
tmux_wait 'sr-test\$ ?$'
tmux_expect_no 'Overview'
tmux_run 'echo sane-$((40+2))'
tmux_wait '^sane-42$'
ok "SIGINT restores the terminal"

# A crash (SIGSEGV) still gives the terminal back.
tmux_run "clear; $FIXTURE --rows 10 --crash-after 300; echo status=\$?"
tmux_wait 'status=[1-9][0-9]*' 10
tmux_expect_no 'Overview'
tmux_run 'echo crash-$((40+2))'
tmux_wait '^crash-42$'
ok "a crash restores the terminal"
