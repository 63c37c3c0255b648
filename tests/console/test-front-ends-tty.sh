#!/bin/sh
# test-front-ends-tty.sh — the Overview's "Front ends" section in a real
# terminal (80x24): the broker bridge on a real ActiveMQ and the HTTP front
# end with a callback URL nobody answers, attached to `sms-router --daemon`
# and embedded in `sms-router`, against the real simulator; then a broker
# nobody answers (down, and a dead letter waiting for the failed queue).
#   SR_ACTIVEMQ_PORT=P test-front-ends-tty.sh PATH/TO/sms-router   (and $SR_SIM)
# Run by test-broker-activemq, which starts the one private ActiveMQ its
# cases share.
set -eu
SR_ROUTER=${1:-${SR_ROUTER:?}}
: "${SR_SIM:?}" "${SR_ACTIVEMQ_PORT:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
STOMP_APP="/usr/bin/python3 $HERE/../broker/stomp-client.py $SR_ACTIVEMQ_PORT"
. "$HERE/tmux-harness.sh"
. "$HERE/router-sim.sh"
tmux_test_begin

free_port () {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sim_start 0 secret
router_config secret
HTTP_PORT=$(free_port)
DEAD_PORT=$(free_port)   # nothing listens there: every callback to it fails
Q=/queue/fe-console-$$
cat >> "$WORK/conf" <<CONF
[broker]
enabled = yes
port = $SR_ACTIVEMQ_PORT
heart-beat = 1000
reconnect-max = 1
outbox-queue = $Q.outbox
inbox-queue = $Q.inbox
receipts-queue = $Q.receipts
failed-queue = $Q.failed
[http]
enabled = yes
listen = 127.0.0.1
port = $HTTP_PORT
callback-attempts = 2
callback-retry = 1
[http-user:shop]
password = s3cret
CONF

# broker_send N: N messages from a STOMP application on the outbox queue.
broker_send () {
  for i in $(seq "$1"); do
    $STOMP_APP send "$Q.outbox" "front ends $i" SMSDestination=+41791112233 > /dev/null
  done
}

# sendsms: one message over HTTP whose delivery report goes nowhere.
sendsms () {
  curl -sS -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$HTTP_PORT/cgi-bin/sendsms?username=shop&password=s3cret&to=%2B41791112244&text=hi&dlr-mask=8&dlr-url=http%3A%2F%2F127.0.0.1%3A$DEAD_PORT%2Fdlr%3Fd%3D%25d"
}

# front_ends DEAD_BEFORE: messages over the broker and HTTP change the
# section's counters; the failing callback ends dead; the Log view shows
# the broker's connection and the dead callback.
front_ends () {
  tmux_wait '^Front ends +Messages +Waiting$' 20
  tmux_wait "^Broker +connected since [0-9:]+ · 127\.0\.0\.1:$SR_ACTIVEMQ_PORT" 20
  tmux_wait "^  intake +$Q\.outbox +0 *$"
  tmux_wait "^  receipts +$Q\.receipts +[0-9]+ +[0-9]+$"
  tmux_wait "^  inbox +$Q\.inbox +[0-9]+ +[0-9]+$"
  tmux_wait "^  failed +$Q\.failed +0 +0$"
  tmux_wait "^HTTP +127\.0\.0\.1:$HTTP_PORT · requests accepted 0 · refused 0$"
  tmux_wait "^ +callbacks pending 0 · retrying 0 · dead $1"
  ok "$MODE: the front ends, before any traffic"

  broker_send 2
  tmux_wait "^  intake +$Q\.outbox +2 *$" 20
  # Both messages' receipts (accepted, delivered) published and confirmed.
  tmux_wait "^  receipts +$Q\.receipts +[1-9][0-9]* +0$" 20
  ok "$MODE: messages taken from the broker, receipts published"

  code=$(sendsms)
  [ "$code" = 202 ] || tmux_fail "sendsms answered $code"
  tmux_wait "^HTTP +127\.0\.0\.1:$HTTP_PORT · requests accepted 1 · refused 0$" 10
  tmux_wait "^ +callbacks pending 0 · retrying 0 · dead $(( $1 + 1 )) \(8 Log: /dead\)$" 30
  ok "$MODE: the callback nobody answers is counted dead"

  tmux_keys 8
  tmux_wait "system +broker: connected to broker 127\.0\.0\.1:$SR_ACTIVEMQ_PORT"
  # The dead callback's row, and in its detail the URL and the last error.
  tmux_keys /
  tmux_type 'is dead'
  tmux_keys Enter
  tmux_wait "system +http by http: callback [0-9]+ to http://127\.0\.0\.1:$DEAD_PORT/dlr"
  tmux_wait "callback [0-9]+ to http://127\.0\.0\.1:$DEAD_PORT/dlr\?d=8 is dead after 2 attempts"
  tmux_wait 'Connection refused'

  tmux_keys / C-u Enter 1
  tmux_wait '^Front ends'
  ok "$MODE: the Log view shows the broker's connection and the dead callback"
}

# Wide enough to see the title say "(attached)"; then the design size.
daemon_start
tmux_start front-ends-tty 130 24
tmux_run "$SR_ROUTER --config $WORK/conf; echo attach-exit=\$?"
tmux_wait '\(attached\)'
tmux_resize 80 24
MODE=attached
front_ends 0
tmux_keys q
tmux_wait 'attach-exit=0' 10
stop_pid "$DAEMON_PID"
DAEMON_PID=

tmux_resize 120 24
tmux_run "clear; $SR_ROUTER --config $WORK/conf; echo embedded-exit=\$?"
tmux_wait '^\[1 Overview\]'
tmux_expect_no '\(attached\)'
tmux_resize 80 24
MODE=embedded
front_ends 1
tmux_keys q
tmux_wait 'embedded-exit=0' 15

# A broker nobody answers: down, and why; a dead letter waits for the failed
# queue.  HTTP on a port ActiveMQ holds: off, and why.
sed -i -e "s/^port = $SR_ACTIVEMQ_PORT\$/port = $DEAD_PORT/" \
       -e "s/^port = $HTTP_PORT\$/port = $SR_ACTIVEMQ_PORT/" "$WORK/conf"
tmux_run "clear; $SR_ROUTER --config $WORK/conf; echo down-exit=\$?"
tmux_wait "^Broker +down since [0-9:]+ · 127\.0\.0\.1:$DEAD_PORT" 20
tmux_wait "cannot connect to broker 127\.0\.0\.1:$DEAD_PORT"
tmux_wait "^HTTP +off: \[http\] cannot listen on 127\.0\.0\.1 port $SR_ACTIVEMQ_PORT"
tmux_wait "^  failed +$Q\.failed +0 +0$"
printf 'To: no number\n\nnever sent\n' > "$WORK/spool/apps/default/outbox/tmp/bad"
mv "$WORK/spool/apps/default/outbox/tmp/bad" "$WORK/spool/apps/default/outbox/new/bad"
tmux_wait "^  failed +$Q\.failed +0 +1$" 20
tmux_keys q
tmux_wait 'down-exit=0' 15
ok "embedded: a broker that is down, a result waiting for it, HTTP off"
