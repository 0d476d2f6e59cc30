"""Keeps each WeChat Pay notification posted to it (for wxpay_test.sh):
NNN.headers and NNN.body in the folder given, answering the status in the
folder's file `status` (204 when there is none). Writes its port to
FOLDER/port once listening."""
import http.server
import os
import sys

FOLDER = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Handler.count += 1
        base = os.path.join(FOLDER, "%03d" % Handler.count)
        with open(base + ".headers", "w", encoding="utf-8") as f:
            for k, v in self.headers.items():
                f.write("%s: %s\n" % (k, v))
        with open(base + ".body", "wb") as f:
            f.write(body)
        status = 204
        path = os.path.join(FOLDER, "status")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                status = int(f.read().strip())
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(FOLDER, "port.tmp"), "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(FOLDER, "port.tmp"), os.path.join(FOLDER, "port"))
server.serve_forever()
