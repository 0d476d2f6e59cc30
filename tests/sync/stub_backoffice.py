#!/usr/bin/env python3
"""A back office written from sync/openapi.yaml and docs/sync.md alone, to
hold the kiosk's client to the protocol rather than to the reference
server. It answers uploads and heartbeats as the spec allows, in the ways a
real server, a proxy or a load balancer may: 413 for a body too large, 400
for a row it cannot read, results for only some rows, an HTML page, a cut
body. Every request is checked against the spec (a request that breaks it
gets 400 and is logged as such) and logged as one JSON line.

Usage: stub_backoffice.py PORT_FILE LOG_FILE [options] (see --help)."""
import argparse
import base64
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")
TOPICS = {"txn", "reading", "alert", "card", "audit"}
PAPER = {"ok", "low", "out"}


def error(code, message):
    return json.dumps({"error": {"code": code, "message": message}})


def upload_problem(headers, body):
    """What makes an upload break the spec, or None."""
    if headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
        return "Content-Type must be application/json"
    sig = headers.get("X-Kiosk-Signature")
    try:
        if sig is None or len(base64.b64decode(sig, validate=True)) != 64:
            return "X-Kiosk-Signature must be the base64 of a 64-byte Ed25519 signature"
    except ValueError:
        return "X-Kiosk-Signature is not base64"
    try:
        doc = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    ledger = doc.get("ledger") if isinstance(doc, dict) else None
    if not isinstance(ledger, dict) or not UUID.match(str(ledger.get("id"))) or \
            not TIME.match(str(ledger.get("created_at"))):
        return "'ledger' must be {id: lower-case UUIDv4, created_at: UTC time}"
    rows = doc.get("rows")
    if not isinstance(rows, list) or len(rows) > 500:
        return "'rows' must be an array of at most 500 rows"
    seqs = [r.get("seq") if isinstance(r, dict) else None for r in rows]
    for r in rows:
        if not isinstance(r, dict) or not isinstance(r.get("seq"), int) or r["seq"] < 1 or \
                r.get("topic") not in TOPICS or not isinstance(r.get("payload"), dict):
            return "each row must be {seq >= 1, topic, payload object}"
    if len(set(seqs)) != len(seqs):
        return "a seq appears twice"
    return None


def heartbeat_problem(body):
    try:
        h = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(h, dict) or not isinstance(h.get("software"), str) or \
            not isinstance(h.get("outbox_depth"), int) or h["outbox_depth"] < 0:
        return "software and outbox_depth (integer >= 0) are required"
    if "paper" in h and h["paper"] not in PAPER:
        return "paper must be one of ok, low, out (or left out), not %r" % h["paper"]
    if "last_error" in h and not isinstance(h["last_error"], str):
        return "last_error must be a string"
    return None


class Stub(BaseHTTPRequestHandler):
    opts = None
    outbox_failures = 0

    def log_message(self, fmt, *args):  # the log file says what matters
        pass

    def record(self, **entry):
        entry.update(method=self.command, path=self.path)
        with open(self.opts.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def answer(self, status, text, ctype="application/json"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record(status=404)
        self.answer(404, error("not_found", "this stub holds no documents or notices"))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        if re.fullmatch(r"/v1/kiosks/[^/]+/outbox", self.path):
            self.outbox(body)
        elif re.fullmatch(r"/v1/kiosks/[^/]+/heartbeat", self.path):
            problem = heartbeat_problem(body)
            self.record(status=400 if problem else 200, problem=problem, heartbeat=json.loads(body) if not problem else None)
            if problem:
                return self.answer(400, error("bad_request", problem))
            self.answer(200, json.dumps({"server_time": "2026-11-21T09:33:00.000Z", "documents": {}, "notices": []}))
        else:
            self.record(status=404)
            self.answer(404, error("not_found", "no such route in this stub"))

    def outbox(self, body):
        o = self.opts
        problem = upload_problem(self.headers, body)
        if problem:
            self.record(status=400, problem=problem)
            return self.answer(400, error("bad_request", problem))
        rows = json.loads(body)["rows"]
        seqs = [r["seq"] for r in rows]
        status, text, ctype = 200, None, "application/json"
        if Stub.outbox_failures < o.fail_outbox:
            Stub.outbox_failures += 1
            status, text = 500, error("internal", "the stub fails this upload as asked")
        elif o.refuse_all:
            status, text = 400, error("bad_request", "this back office takes no uploads from this kiosk")
        elif len(rows) > o.max_rows or o.too_large_seq in seqs:
            status, text = 413, error("too_large", "the body is too large: send fewer rows per batch")
        elif o.unreadable_seq in seqs:
            status, text = 400, error("bad_request", "rows[%d]: the stub cannot read this row" %
                                      seqs.index(o.unreadable_seq))
        elif o.html:
            status, ctype = o.html_status, "text/html"
            text = "<html><body><h1>Bad gateway</h1>\n\x01 the upstream did not answer</body></html>"
        else:
            answered = rows if o.answer_only is None else rows[:o.answer_only]
            text = json.dumps({"results": [{"seq": r["seq"], "status": "accepted"} for r in answered]})
            if o.truncate:
                text = text[:len(text) // 2]
        self.record(status=status, seqs=seqs)
        self.answer(status, text, ctype)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("port_file")
    p.add_argument("log")
    p.add_argument("--max-rows", type=int, default=500, help="413 for a batch of more rows")
    p.add_argument("--too-large-seq", type=int, help="413 for any batch holding this seq")
    p.add_argument("--unreadable-seq", type=int, help="400 for any batch holding this seq")
    p.add_argument("--refuse-all", action="store_true", help="400 for every upload, an empty one too")
    p.add_argument("--answer-only", type=int, help="200 with results for only the first N rows")
    p.add_argument("--html", action="store_true", help="an HTML page instead of JSON")
    p.add_argument("--html-status", type=int, default=200, help="the status the HTML page comes with")
    p.add_argument("--truncate", action="store_true", help="200 with the JSON answer cut in half")
    p.add_argument("--fail-outbox", type=int, default=0, help="500 for the first N uploads")
    Stub.opts = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    with open(Stub.opts.port_file, "w") as f:
        f.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
