# router-sim.sh — the real router and simulator for console tests (sourced by sh).
#
#   . tests/console/router-sim.sh      # needs $SR_ROUTER, $SR_SIM and $WORK (tmux_test_begin)
#   sim_start PORT PASSWORD            # system_id acme; PORT 0 = any; sets SIM_PID, PORT
#   router_config PASSWORD             # $WORK/conf: spool $WORK/spool, provider acme on $PORT
#   daemon_start                       # sms-router --daemon on it; sets DAEMON_PID
#   stop_pid PID                       # SIGTERM and wait (for the cleanup trap)

SIM_PID=
DAEMON_PID=
PORT=
TMUX_ON_EXIT='stop_pid "$DAEMON_PID"; stop_pid "$SIM_PID"'

stop_pid () {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
  fi
}

sim_start () {
  "$SR_SIM" --port "$1" --system-id acme --password "$2" > "$WORK/sim.out" 2> "$WORK/sim.err" &
  SIM_PID=$!
  _deadline=$(( $(date +%s) + 10 ))
  until grep -q '^LISTENING ' "$WORK/sim.out" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$_deadline" ]; then
      cat "$WORK/sim.err" >&2
      echo "FAIL: simulator did not start" >&2
      exit 1
    fi
    sleep 0.05
  done
  PORT=$(sed -n 's/^LISTENING //p' "$WORK/sim.out")
}

router_config () {
  cat > "$WORK/conf" <<CONF
[router]
spool = $WORK/spool
region = CH
[smpp:acme]
host = 127.0.0.1
port = $PORT
system-id = acme
password = $1
[app:default]
from = +41791234567
CONF
  chmod 600 "$WORK/conf"
}

daemon_start () {
  "$SR_ROUTER" --daemon --config "$WORK/conf" > "$WORK/daemon.out" 2> "$WORK/daemon.err" &
  DAEMON_PID=$!
  _deadline=$(( $(date +%s) + 10 ))
  until [ -S "$WORK/spool/router/control" ]; do
    if [ "$(date +%s)" -ge "$_deadline" ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      cat "$WORK/daemon.err" >&2
      echo "FAIL: daemon did not start" >&2
      exit 1
    fi
    sleep 0.1
  done
}
