#!/usr/bin/python3
"""A STOMP application as the tests see one: stomp.py (Debian python3-stomp).

  stomp-client.py PORT send DEST BODY [NAME=VALUE ...]   SEND persistent, inside a transaction
  stomp-client.py PORT send-many DEST COUNT TO            COUNT messages "msg-I", reference I
  stomp-client.py PORT receive DEST COUNT SECONDS         prints one JSON object per MESSAGE
"""
import json
import sys
import threading
import time

import stomp


class Collector(stomp.ConnectionListener):
    def __init__(self):
        self.frames = []
        self.cond = threading.Condition()

    def on_message(self, frame):
        with self.cond:
            self.frames.append({"headers": frame.headers, "body": frame.body})
            self.cond.notify_all()


def main():
    port = int(sys.argv[1])
    conn = stomp.Connection12([("127.0.0.1", port)])
    if sys.argv[2] == "send":
        dest, body = sys.argv[3], sys.argv[4]
        headers = dict(a.split("=", 1) for a in sys.argv[5:])
        conn.connect(wait=True)
        conn.begin(transaction="tx1")
        conn.send(dest, body, headers=dict(headers, persistent="true"), transaction="tx1")
        conn.commit(transaction="tx1")
        conn.disconnect()
        return 0
    if sys.argv[2] == "send-many":
        dest, count, to = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        conn.connect(wait=True)
        for i in range(count):
            conn.send(dest, "msg-%d" % i, headers={"SMSDestination": to, "reference": str(i),
                                                   "persistent": "true"})
        conn.disconnect()
        return 0
    dest, count, seconds = sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    listener = Collector()
    conn.set_listener("c", listener)
    conn.connect(wait=True)
    conn.subscribe(dest, id="1", ack="auto")
    end = time.time() + seconds
    with listener.cond:
        while len(listener.frames) < count and time.time() < end:
            listener.cond.wait(end - time.time())
    conn.disconnect()
    for f in listener.frames:
        print(json.dumps(f))
    return 0 if len(listener.frames) >= count else 1


sys.exit(main())
