#!/usr/bin/python3
"""The e-mail channel (backoffice/notify/bo_ch_smtp.c, docs/protocols/smtp.md)
against a real SMTP server: Debian's aiosmtpd, STARTTLS required, with a
certificate this test makes. The channel runs in tests' smtp_send; the
server keeps each message it accepts in a folder, and the checks read it
with Python's own e-mail parser.

Usage: smtp_test.py CASE SMTP_SEND
"""
import asyncio
import email
import email.policy
import email.utils
import json
import os
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult

FROM = "notices@estate.example.com"
FROM_NAME = "物业服务中心"
TO = "resident@example.com"
KEY = "low1:acct-42:2026-05-05"
MESSAGE_ID = "<low1=3Aacct-42=3A2026-05-05@estate.example.com>"
SUBJECT = "【余额提醒】您的电费余额已低于二十元，请尽快充值以免停电"
TEXT = ("尊敬的住户：\n您的电表（表号 000012345678）余额为 18.50 元，已低于 20.00 元的提醒线。\n"
        "请到自助缴费机或在手机上充值，以免停电。")
USER, PASSWORD = "notices", "s3cret-Pa55"


def fail(why):
    print("FAIL:", why)
    sys.exit(1)


def check(cond, why):
    if not cond:
        fail(why)


class Handler:
    """Keeps each message (N.eml) with what the session was (N.json); refuses
    nobody@ for good; answers 421 to MAIL while `temporary` is set."""

    def __init__(self, folder):
        self.folder, self.n, self.temporary = folder, 0, False

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.temporary:
            return "421 4.3.2 Service shutting down, try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.folder, str(self.n))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"tls": session.ssl is not None, "authenticated": bool(session.authenticated),
                       "login": session.auth_data.login.decode() if session.auth_data else "", "mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos}, f)
        return "250 2.0.0 OK queued as %d" % self.n


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def make_cert(d, name):
    """A self-signed certificate for 127.0.0.1: NAME.pem and NAME.key."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", f"{d}/{name}.key", "-out", f"{d}/{name}.pem", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return f"{d}/{name}.pem"


class Server:
    """aiosmtpd on a loopback port of its own, in a thread."""

    def __init__(self, d, handler, tls=True, auth=False):
        self.loop = asyncio.new_event_loop()
        ctx = None
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(f"{d}/server.pem", f"{d}/server.key")
        factory = lambda: SMTP(handler, tls_context=ctx, require_starttls=tls, auth_require_tls=True,
                               authenticator=authenticator, auth_required=auth, loop=self.loop)
        self.srv = self.loop.run_until_complete(self.loop.create_server(factory, "127.0.0.1", 0))
        self.port = self.srv.sockets[0].getsockname()[1]
        threading.Thread(target=self.loop.run_forever, daemon=True).start()


def send(tool, settings, to=TO, times=1):
    args = [tool] + [f"{k}={v}" for k, v in settings.items()] + ["--", to, KEY, "zh_CN", SUBJECT, TEXT, str(times)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"smtp_send exited {r.returncode}: {r.stderr}")
    check(TO not in r.stdout and "nobody@example.com" not in r.stdout, f"an address in clear: {r.stdout}")
    check(PASSWORD not in r.stdout + r.stderr, "the password was printed")
    print(r.stdout.strip(), "|", r.stderr.strip())
    return r.stdout.splitlines()


def stored(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".eml"))


def check_message(d, n):
    raw = open(f"{d}/{n}.eml", "rb").read()
    meta = json.load(open(f"{d}/{n}.json"))
    check(meta["tls"], "the message did not come over TLS")
    check(meta["mail_from"] == FROM and meta["rcpt_tos"] == [TO], f"envelope {meta}")
    lines = raw.split(b"\r\n")
    check(b"\n" not in raw.replace(b"\r\n", b""), "a line end that is not CRLF")
    check(all(len(l) <= 78 for l in lines), "a line longer than 78")
    m = email.message_from_bytes(raw, policy=email.policy.default)
    check(str(m["Subject"]) == SUBJECT, f"subject decodes to {m['Subject']!r}")
    check("=?UTF-8?B?" in m.get("Subject", "", ) or b"=?UTF-8?B?" in raw, "the subject is not RFC 2047 encoded")
    frm = m["From"].addresses[0]
    check(frm.display_name == FROM_NAME and frm.addr_spec == FROM, f"From {m['From']}")
    check(m["To"].addresses[0].addr_spec == TO, f"To {m['To']}")
    check(m["Message-ID"] == MESSAGE_ID, f"Message-ID {m['Message-ID']}")
    check(m["MIME-Version"] == "1.0", "MIME-Version")
    check(m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8", "Content-Type")
    check(m["Content-Transfer-Encoding"] == "base64", "Content-Transfer-Encoding")
    check(m["Content-Language"] == "zh-CN", "Content-Language")
    age = time.time() - email.utils.parsedate_to_datetime(m["Date"]).timestamp()
    check(-5 < age < 120, f"Date {m['Date']}")
    body = m.get_payload(decode=True).decode("utf-8")
    check(body == TEXT.replace("\n", "\r\n"), f"body decodes to {body!r}")
    body_lines = raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")
    check(all(len(l) == 76 for l in body_lines[:-2]) and body_lines[-1] == b"", "body lines not 76")


def case_chinese_notice(tool, d, h):
    srv = Server(d, h)
    settings = {"server_url": f"smtp://127.0.0.1:{srv.port}", "from": FROM, "from_name": FROM_NAME,
                "ca_file": f"{d}/server.pem", "timeout_seconds": 10}
    out = send(tool, settings, times=2)  # a resend: the same Message-ID
    check(out == [f"OK {MESSAGE_ID}"] * 2, f"outcomes {out}")
    check(stored(d) == ["1.eml", "2.eml"], f"stored {stored(d)}")
    check_message(d, 1)
    check_message(d, 2)


def case_starttls_required(tool, d, h):
    srv = Server(d, h)
    with smtplib.SMTP("127.0.0.1", srv.port, timeout=10) as c:  # the server refuses mail in clear
        c.ehlo()
        code, _ = c.mail(FROM)
        check(code == 530, f"MAIL without STARTTLS answered {code}")
    plain = Server(d, h, tls=False)  # a server that offers no STARTTLS gets nothing
    out = send(tool, {"server_url": f"smtp://127.0.0.1:{plain.port}", "from": FROM,
                      "ca_file": f"{d}/server.pem", "timeout_seconds": 10})
    check(len(out) == 1 and out[0].startswith("RETRY ") and "STARTTLS" in out[0], f"outcome {out}")
    check(stored(d) == [], "a message went out in clear")


def case_refused_recipient(tool, d, h):
    srv = Server(d, h)
    out = send(tool, {"server_url": f"smtp://127.0.0.1:{srv.port}", "from": FROM,
                      "ca_file": f"{d}/server.pem"}, to="nobody@example.com")
    check(out == ["REJECTED the SMTP server refused n***@example.com for good at RCPT TO (550)"], f"outcome {out}")
    check(stored(d) == [], "a refused message was stored")


def case_server_down(tool, d, h):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    out = send(tool, {"server_url": f"smtp://127.0.0.1:{port}", "from": FROM, "ca_file": f"{d}/server.pem"})
    check(len(out) == 1 and out[0].startswith("RETRY SMTP failed at the greeting: Couldn't connect"),
          f"outcome {out}")


def case_server_421(tool, d, h):
    srv = Server(d, h)
    settings = {"server_url": f"smtp://127.0.0.1:{srv.port}", "from": FROM, "ca_file": f"{d}/server.pem"}
    h.temporary = True
    out = send(tool, settings)
    check(out == ["RETRY the SMTP server answered 421 at MAIL FROM (to r***@example.com): try again later"],
          f"outcome {out}")
    check(stored(d) == [], "stored while answering 421")
    h.temporary = False  # the server is back: the retry goes through
    check(send(tool, settings) == [f"OK {MESSAGE_ID}"], "the retry failed")
    check(stored(d) == ["1.eml"], f"stored {stored(d)}")


def case_login(tool, d, h):
    srv = Server(d, h, auth=True)
    settings = {"server_url": f"smtp://127.0.0.1:{srv.port}", "from": FROM, "from_name": FROM_NAME,
                "ca_file": f"{d}/server.pem", "user": USER, "password_file": f"{d}/wrong"}
    with open(f"{d}/wrong", "w") as f:
        f.write("not-the-password\n")
    out = send(tool, settings)
    check(len(out) == 1 and out[0].startswith("RETRY the SMTP server refused the login (535)"), f"a wrong password: {out}")
    check(stored(d) == [], "stored without a login")
    with open(f"{d}/password", "w") as f:
        f.write(PASSWORD + "\n")
    settings["password_file"] = f"{d}/password"
    check(send(tool, settings) == [f"OK {MESSAGE_ID}"], "refused with the right password")
    meta = json.load(open(f"{d}/1.json"))
    check(meta["authenticated"] and meta["login"] == USER and meta["tls"], f"session {meta}")
    check_message(d, 1)


def case_wrong_ca(tool, d, h):
    srv = Server(d, h)
    other = make_cert(d, "other")  # the server's certificate is not from this CA
    out = send(tool, {"server_url": f"smtp://127.0.0.1:{srv.port}", "from": FROM, "ca_file": other})
    check(len(out) == 1 and out[0].startswith("RETRY ") and "certificate" in out[0].lower(), f"outcome {out}")
    check(stored(d) == [], "a message went to an unverified server")


def main():
    case, tool = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="smtp-test-") as d:
        make_cert(d, "server")
        globals()["case_" + case](tool, d, Handler(d))
    print("ok:", case)


if __name__ == "__main__":
    main()
