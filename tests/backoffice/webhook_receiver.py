#!/usr/bin/env python3
"""A webhook receiver for the notice tests (docs/notices.md, "The webhook").

Checks every POST's X-Notice-Signature (HMAC-SHA256 of "TIMESTAMP.BODY"
under the shared secret) and answers as the file DIR/fail says: absent,
200; holding a status (503, 400, ...), that status. Each request is one
JSON line in DIR/requests.log: time, key, status answered, whether the
signature held, whether the key was accepted before, and the body.

Usage: webhook_receiver.py DIR SECRET  (writes the port it took to DIR/port)
"""
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

DIR, SECRET = sys.argv[1], sys.argv[2].encode()
accepted = set()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ts = self.headers.get("X-Notice-Timestamp", "")
        key = self.headers.get("X-Notice-Key", "")
        want = "sha256=" + hmac.new(SECRET, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(want, self.headers.get("X-Notice-Signature", ""))
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        try:
            with open(os.path.join(DIR, "fail")) as f:
                status = int(f.read().strip() or "503")
        except FileNotFoundError:
            status = 200
        if not (good and fresh):
            status = 401
        dup = status == 200 and key in accepted
        if status == 200:
            accepted.add(key)
        line = {"t": time.time(), "key": key, "status": status, "signed": good, "dup": dup,
                "body": json.loads(body or b"null")}
        with open(os.path.join(DIR, "requests.log"), "a") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hook)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
