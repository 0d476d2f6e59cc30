#!/usr/bin/python3
"""An SMTP server for the notices' end-to-end tests: Debian's aiosmtpd on a
loopback port, STARTTLS required, keeping each message it accepts as
N.eml in a folder. `dump` prints the kept messages, parsed by Python's own
e-mail parser, one JSON object a line (to, subject, text, tls).

Usage: smtp_sink.py serve DIR CERT KEY PORTS_FILE
       smtp_sink.py dump DIR
"""
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import sys

if sys.argv[1] == "dump":
    d = sys.argv[2]
    names = sorted((f for f in os.listdir(d) if f.endswith(".eml")), key=lambda f: int(f[:-4]))
    for f in names:
        with open(os.path.join(d, f), "rb") as fh:
            m = email.message_from_binary_file(fh, policy=email.policy.default)
        with open(os.path.join(d, f[:-4] + ".json")) as fh:
            s = json.load(fh)
        print(json.dumps({"to": s["rcpt_tos"], "tls": s["tls"], "subject": str(m["subject"]),
                          "key": str(m["message-id"]), "text": m.get_body(("plain",)).get_content().strip()},
                         ensure_ascii=False))
    sys.exit(0)

from aiosmtpd.smtp import SMTP  # noqa: E402


class Handler:
    def __init__(self, folder):
        self.folder, self.n = folder, 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.folder, str(self.n))
        with open(base + ".json.tmp", "w") as f:
            json.dump({"tls": session.ssl is not None, "rcpt_tos": envelope.rcpt_tos}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued as %d" % self.n


def main():
    folder, cert, key, ports = sys.argv[2:6]
    loop = asyncio.new_event_loop()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Handler(folder)
    srv = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, tls_context=ctx, require_starttls=True, loop=loop), "127.0.0.1", 0))
    with open(ports + ".tmp", "w") as f:
        f.write("smtp %d\n" % srv.sockets[0].getsockname()[1])
    os.rename(ports + ".tmp", ports)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.run_forever()


main()
