# demo-daemon.sh — the demo running headless as a daemon to attach to (sourced by sh).
#
#   . tests/console/demo-daemon.sh
#   demo_daemon_start LAUNCHER WORKDIR   # sets DAEMON_PID and SPOOL; fails after 10 s
#   demo_daemon_alive WHAT               # fails the test if the daemon is gone
#   demo_daemon_stop                     # SIGTERM and wait (for the cleanup trap)

DAEMON_PID=
SPOOL=
TMUX_ON_EXIT=demo_daemon_stop

demo_daemon_start () {
  mkdir -p "$2/tmp"
  TMPDIR="$2/tmp" SR_DEMO_TRICKLE_MS=${SR_DEMO_TRICKLE_MS:-1000} "$1" --daemon \
    > "$2/daemon.out" 2> "$2/daemon.err" &
  DAEMON_PID=$!
  _deadline=$(( $(date +%s) + 10 ))
  until grep -q '^spool: ' "$2/daemon.out" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$_deadline" ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      cat "$2/daemon.err" >&2
      echo "FAIL: daemon did not start" >&2
      exit 1
    fi
    sleep 0.1
  done
  SPOOL=$(sed -n 's/^spool: //p' "$2/daemon.out")
}

demo_daemon_alive () {
  if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    wait "$DAEMON_PID" 2>/dev/null && _rc=0 || _rc=$?
    DAEMON_PID=
    echo "FAIL: the daemon died (exit status $_rc) $1" >&2
    exit 1
  fi
}

demo_daemon_stop () {
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=
  fi
}
