# tmux-harness.sh — drive a program in a real terminal through tmux (sourced by sh).
#
#   . tests/console/tmux-harness.sh
#   tmux_start NAME COLS ROWS     # private server (tmux -L), a plain sh with prompt "sr-test$ "
#   trap tmux_stop EXIT           # always kill the server
#   tmux_run "program --args"     # types a command line and Enter
#   tmux_wait 'regex' [SECONDS]   # polls capture-pane until the regex matches (default 10 s)
#   tmux_keys C-c Tab BTab ...    # tmux key names
#   tmux_type 'literal text'      # UTF-8 text, sent literally
#   tmux_resize COLS ROWS
#   tmux_capture                  # the visible screen on stdout
#   tmux_wait_gone 'regex'        # polls until the regex no longer matches
#   tmux_expect_no 'regex'        # fails if the screen matches now
#   tmux_test_begin               # $WORK, removed at exit with the tmux server after
#                                 # running $TMUX_ON_EXIT (e.g. stopping a daemon)
#   ok TEXT                       # "ok - TEXT"
#   tmux_window NAME              # a second terminal (window) with the same shell;
#   tmux_target NAME              # later calls act on it (tmux_target 0: the first)
#
# Every function fails the test (exit 1, with the screen printed) on timeout,
# so a script with `set -eu` reads top to bottom.  Used by the console tests
# with the fixture model, and by the demo tests with `sms-router --demo`.

TMUX_SOCKET=
TMUX_PROMPT='sr-test$ '
TMUX_TARGET=t
TMUX_ON_EXIT=

ok () { echo "ok - $*"; }

tmux_test_begin () {
  WORK=$(mktemp -d)
  trap tmux_test_end EXIT
  trap 'exit 1' INT TERM
}

tmux_test_end () {
  tmux_stop
  eval "$TMUX_ON_EXIT"
  rm -rf "$WORK"
}

tmux_cmd () {
  tmux -u -L "$TMUX_SOCKET" -f /dev/null "$@"
}

# A clean, predictable shell: UTF-8 locale, fixed prompt, no rc files.
tmux_shell () {
  echo "env -i PATH=\"$PATH\" HOME=\"${HOME:-/tmp}\" LANG=C.UTF-8 TERM=screen ENV= PS1='$TMUX_PROMPT' ${TMUX_EXTRA_ENV:-} sh"
}

tmux_start () {
  TMUX_SOCKET="$1-$$"
  TMUX_TARGET=t
  tmux_cmd new-session -d -s t -x "$2" -y "$3" "$(tmux_shell)"
  tmux_cmd set-option -g status off >/dev/null
  tmux_cmd set-option -g escape-time 0 >/dev/null
  tmux_wait 'sr-test\$' 5
}

tmux_stop () {
  if [ -n "$TMUX_SOCKET" ]; then
    tmux_cmd kill-server 2>/dev/null || true
    TMUX_SOCKET=
  fi
}

# tmux_window NAME: a new window of the same size; the next calls act on it.
tmux_window () {
  tmux_cmd new-window -d -t "t:" -n "$1" "$(tmux_shell)"
  tmux_target "$1"
  tmux_wait 'sr-test\$' 5
}

# tmux_target NAME: act on window NAME (0 is the first one).
tmux_target () {
  TMUX_TARGET="t:$1"
}

tmux_capture () {
  tmux_cmd capture-pane -p -t "$TMUX_TARGET"
}

tmux_fail () {
  echo "FAIL: $*" >&2
  echo "----- screen -----" >&2
  tmux_capture >&2 || true
  echo "------------------" >&2
  exit 1
}

# tmux_wait REGEX [SECONDS]: extended regex, matched against the whole screen.
tmux_wait () {
  _deadline=$(( $(date +%s) + ${2:-10} ))
  while :; do
    if tmux_capture | grep -Eq -- "$1"; then
      return 0
    fi
    if [ "$(date +%s)" -gt "$_deadline" ]; then
      tmux_fail "timed out waiting for /$1/"
    fi
    sleep 0.05
  done
}

# tmux_wait_gone REGEX [SECONDS]: waits until the screen no longer matches.
tmux_wait_gone () {
  _deadline=$(( $(date +%s) + ${2:-10} ))
  while tmux_capture | grep -Eq -- "$1"; do
    if [ "$(date +%s)" -gt "$_deadline" ]; then
      tmux_fail "timed out waiting for /$1/ to go away"
    fi
    sleep 0.05
  done
}

tmux_expect_no () {
  if tmux_capture | grep -Eq -- "$1"; then
    tmux_fail "screen unexpectedly matches /$1/"
  fi
}

tmux_keys () {
  tmux_cmd send-keys -t "$TMUX_TARGET" "$@"
}

tmux_type () {
  tmux_cmd send-keys -t "$TMUX_TARGET" -l -- "$1"
}

tmux_run () {
  tmux_type "$1"
  tmux_keys Enter
}

tmux_resize () {
  tmux_cmd resize-window -t "$TMUX_TARGET" -x "$1" -y "$2"
}

# tmux_line N: the screen's line N (1-based).
tmux_line () {
  tmux_capture | sed -n "${1}p"
}

# tmux_line_chars N: characters (not bytes) on line N, trailing spaces included
# up to the last written cell (capture-pane trims the rest).
tmux_line_chars () {
  tmux_line "$1" | tr -d '\n' | LC_ALL=C.UTF-8 wc -m
}
