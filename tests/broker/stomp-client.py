#!/usr/bin/python3
"""A STOMP application as the tests see one: stomp.py (Debian python3-stomp).

  stomp-client.py PORT send DEST BODY [NAME=VALUE ...]   SEND persistent, inside a transaction
  stomp-client.py PORT send DEST @N [NAME=VALUE ...]     the same with a body of N bytes "A", "B" ...
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
        self.receipts = set()
        self.cond = threading.Condition()

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_message(self, frame):
        with self.cond:
            self.frames.append({"headers": frame.headers, "body": frame.body})
            self.cond.notify_all()


def main():
    port = int(sys.argv[1])
    conn = stomp.Connection12([("127.0.0.1", port)])
    if sys.argv[2] == "send":
        dest, body = sys.argv[3], sys.argv[4]
        if body.startswith("@"):
            size = int(body[1:])
            body = "".join(chr(ord("A") + (i // 100) % 26) for i in range(size))
        headers = dict(a.split("=", 1) for a in sys.argv[5:])
        conn.connect(wait=True)
        conn.begin(transaction="tx1")
        conn.send(dest, body, headers=dict(headers, persistent="true"), transaction="tx1")
        conn.commit(transaction="tx1")
        conn.disconnect()
        return 0
    if sys.argv[2] == "send-many":
        dest, count, to = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        listener = Collector()
        conn.set_listener("r", listener)
        conn.connect(wait=True)
        # In transactions of 1,000, each commit confirmed by a RECEIPT: the
        # broker takes them at its pace instead of dropping a flooding producer.
        for start in range(0, count, 1000):
            tx = "tx%d" % start
            conn.begin(transaction=tx)
            for i in range(start, min(start + 1000, count)):
                conn.send(dest, "msg-%d" % i, headers={"SMSDestination": to, "reference": str(i),
                                                       "persistent": "true"}, transaction=tx)
            conn.commit(transaction=tx, headers={"receipt": tx})
            with listener.cond:
                while tx not in listener.receipts:
                    if not listener.cond.wait(120):
                        return 1
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
