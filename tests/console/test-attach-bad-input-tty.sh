#!/bin/sh
# test-attach-bad-input-tty.sh — an attached console sends the daemon bad
# blacklist entries and a removal that another console made first: every
# refusal comes back as a clear message and the daemon keeps running.
#   test-attach-bad-input-tty.sh PATH/TO/sr-demo-launcher
set -eu
LAUNCHER=${1:?usage: test-attach-bad-input-tty.sh sr-demo-launcher}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/tmux-harness.sh"
. "$HERE/demo-daemon.sh"

tmux_test_begin

demo_daemon_start "$LAUNCHER" "$WORK"

tmux_start attach-bad 130 30
tmux_run "$LAUNCHER --attach $SPOOL; echo attach-exit=\$?"
tmux_wait '\(attached\)'
tmux_keys 7
tmux_wait '^ *Kind +Value'

# blacklist_add: kind prefix (the second choice after country), value "abc".
tmux_keys a
tmux_wait 'Add a blacklist entry'
tmux_keys Right Right
tmux_wait 'Kind.*prefix'
tmux_keys Tab
tmux_type 'abc'
tmux_keys Enter
tmux_wait '"abc" is not a number prefix'
demo_daemon_alive "after a bad prefix"
tmux_keys Escape
ok "a bad prefix is refused with a message"

tmux_keys a
tmux_wait 'Add a blacklist entry'
tmux_keys Right
tmux_wait 'Kind.*number'
tmux_keys Tab
tmux_type 'hello'
tmux_keys Enter
tmux_wait '"hello" is not a valid number'
demo_daemon_alive "after a bad number"
tmux_keys Escape
ok "a bad number is refused with a message"

# Two consoles remove the same entry: the second one is told it is gone.
tmux_keys a Right Right Tab
tmux_type '+4199'
tmux_keys Enter
tmux_wait 'Blacklisted prefix \+4199\.'
tmux_keys /
tmux_type '+4199'
tmux_keys Enter
tmux_wait 'prefix +\+4199 '
tmux_keys x
tmux_wait 'Remove prefix \+4199 from the blacklist\? \(y/n\)'

tmux_window second
tmux_run "$LAUNCHER --attach $SPOOL; echo attach-exit=\$?"
tmux_wait '\(attached\)'
tmux_keys 7 /
tmux_type '+4199'
tmux_keys Enter
tmux_wait 'prefix +\+4199 '
tmux_keys x
tmux_wait 'Remove prefix \+4199 from the blacklist\? \(y/n\)'
tmux_keys y
tmux_wait 'Removed prefix \+4199 from the blacklist\.'

tmux_target 0
tmux_keys y
tmux_wait 'The prefix \+4199 is not on the blacklist\.'
demo_daemon_alive "after removing an entry twice"
ok "the second removal is refused with a message"

# Pausing and resuming (the third call of that shape) still answers.
tmux_keys 1 p
tmux_wait 'Sending paused\.'
tmux_keys p
tmux_wait 'Sending resumed\.'
demo_daemon_alive "after pause and resume"
tmux_keys q
tmux_wait 'attach-exit=0' 10
ok "the daemon survived every bad input"
