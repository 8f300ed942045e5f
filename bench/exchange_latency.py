#!/usr/bin/env python3
"""Exchange latency under load (issue 17), driven by bench/exchange.sh.

For each compensation unit given (one "unit_code house_unit_code" per line on stdin): record its
demolition as the officer, then approve the cancellation case it opened as the clerk — the
registration change. From the moment the decision is sent, time
  * how long until the message can be read with GET /api/exchange/messages?after=…
    (polled every 20 ms), and
  * how long until the push reaches this script's own receiver (an HTTP server on
    127.0.0.1:RECEIVER_PORT that onemap's [exchange] push_url points at).
Prints one JSON object with every sample (seconds)."""

import json
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

base, officer, clerk, receiver_port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
received = {}
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with lock:
            received.setdefault(self.headers.get("idempotency-key"), (time.monotonic(), len(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()


def call(method, path, token, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("authorization", "Bearer " + token)
    if data is not None:
        req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.headers, json.loads(r.read() or b"null")


def latest(after):
    _, page = call("GET", f"/api/exchange/messages?after={after}&limit=10", clerk)
    return page["messages"]


after = 0
while True:
    page = latest(after)
    if not page:
        break
    after = page[-1]["id"]

samples = []
for line in sys.stdin:
    unit, house = line.split()
    headers, _ = call("GET", f"/api/compensation-units/{unit}", officer)
    call("POST", f"/api/compensation-units/{unit}/demolition", officer, {}, {"if-match": headers["etag"]})
    _, cases = call("GET", "/api/registration/cases?status=open&limit=1000", clerk)
    case = next(c for c in cases["cases"] if c["unit_code"] == house)
    sent = time.monotonic()
    call("POST", f"/api/registration/cases/{case['id']}/decision", clerk, {"decision": "approve"},
         {"if-match": f"\"v{case['version']}\""})
    answered = time.monotonic()
    while True:
        got = latest(after)
        if got:
            break
        if time.monotonic() - sent > 30:
            sys.exit("no message 30 s after the decision")
        time.sleep(0.02)
    readable = time.monotonic()
    after = got[-1]["id"]
    key = got[-1]["idempotency_key"]
    while True:
        with lock:
            hit = received.get(key)
        if hit:
            break
        if time.monotonic() - sent > 30:
            sys.exit("no push 30 s after the decision")
        time.sleep(0.005)
    samples.append({"decision": answered - sent, "readable": readable - sent, "pushed": hit[0] - sent})
print(json.dumps(samples))
