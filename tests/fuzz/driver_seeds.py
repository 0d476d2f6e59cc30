#!/usr/bin/env python3
"""Writes the seed corpora of the driver fuzz targets (fuzz_cash_cctalk,
fuzz_pt_zvt) into tests/fuzz/corpus/: whole dialogues in the script
language of tests/fuzz/fuzz_line.h, taken from the examples of
docs/protocols/cctalk.md and docs/protocols/zvt.md. Run it again after
changing the language; the fuzzer finds the rest from these.
Usage: driver_seeds.py [CORPUS_DIR]"""
import os
import sys

FRAME, FRAME2, RAW, SILENCE, DELAY, BREAK, WRITE_FAIL, END = range(8)


def op(code, p=0):
    return bytes([code << 5 | (p & 0x1F)])


def act(action, *params):
    """END, then the call the target makes next and its parameters."""
    return op(END) + bytes([action, *params])


# ccTalk: a reply is FRAME flags header len data (fuzz_cash_cctalk.c).
def cc(data=b"", header=0, flags=0, chunk=0):
    return op(FRAME, chunk) + bytes([flags, header, len(data)]) + data


ACK = cc()
NOTES = [b"CN0001A", b"CN0005A", b"CN0010A", b"CN0020A", b"CN0050A", b"CN0100A"] + [b"......."] * 10
SETUP = (cc() + cc(b"KIO") + cc(b"NV-SIM") + cc(bytes([0x39, 0x30, 0x00]))
         + b"".join(cc(n) for n in NOTES) + ACK * 3)
ENABLE, DISABLE, POLL, ROUTE, COUNTER = 0, 1, 2, 3, 4
STACK = ROUTE | 0x10


def events(counter, *pairs):
    """Read buffered bill events: the counter and five pairs, newest first."""
    body = bytes([counter]) + b"".join(bytes(p) for p in pairs)
    return cc(body + bytes(11 - len(body)))


def cash_seeds():
    sale = (SETUP + act(ENABLE, 0x3F) + ACK * 3 + act(POLL) + events(1, (4, 1))
            + act(STACK) + cc(b"\x00") + act(POLL) + events(2, (4, 0), (4, 1))
            + act(DISABLE) + ACK)
    return {
        "open": b"\x00" + SETUP,
        "sale_stacked": b"\x00" + sale,
        "sale_echo_line": b"\x01" + sale,
        "returned_and_refused": b"\x00" + SETUP + act(ENABLE, 0x08) + ACK * 3 + act(POLL)
        + events(1, (6, 1)) + act(ROUTE) + cc(b"\x00") + act(POLL) + events(2, (0, 1), (6, 1))
        + act(STACK) + cc(b"\xfe") + act(STACK) + cc(b"\xff") + act(ROUTE) + cc(header=5),
        "lost_events": b"\x00" + SETUP + act(ENABLE, 0xFF) + ACK * 3 + act(POLL) + events(9, (3, 0)) + ACK,
        "reset_then_setup": b"\x00" + SETUP + act(ENABLE, 0x0F) + ACK * 3 + act(POLL) + events(1, (0, 12))
        + act(POLL) + events(0) + SETUP + act(POLL) + events(1, (0, 11)),
        "counter_wraps": b"\x00" + SETUP + act(COUNTER, 253) + act(POLL)
        + events(1, (2, 0), (0, 11), (2, 1)) + act(COUNTER | 0x80) + act(POLL) + events(3, (0, 6), (0, 22)),
        "status_events": b"\x00" + SETUP + act(POLL) + events(5, (0, 11), (0, 9), (0, 7), (0, 17), (0, 14)),
        "noise_pieces_silence": b"\x00" + op(RAW, 3) + b"\x01\x00\x28\x07" + cc(chunk=2) + cc(b"KIO", chunk=1)
        + op(SILENCE) + op(SILENCE) + op(SILENCE) + cc(b"NV-SIM") + cc(b"\x01\x02\x03", flags=4)
        + op(DELAY, 10) + cc(b"\x01\x02\x03") + b"".join(cc(n, chunk=3) for n in NOTES) + ACK * 3
        + act(POLL) + op(BREAK) + act(POLL) + op(WRITE_FAIL, 1) + events(1, (1, 0)),
        "unasked_answer": b"\x00" + SETUP + act(ENABLE, 0x01) + ACK * 3 + events(4, (1, 1)) + act(POLL)
        + cc(b"\x00", flags=1) + events(1, (1, 1)),
        # answers that are no ACK, or lack their data byte: device errors, never "done"
        "route_answer_not_ack": b"\x00" + SETUP + act(ENABLE, 0x08) + ACK * 3 + act(POLL) + events(1, (4, 1))
        + act(STACK) + cc(b"\x00", header=65) + act(STACK) + cc() + act(STACK) + cc(b"\x07")
        + act(ROUTE) + cc(b"\x00"),
        "disable_answer_not_ack": b"\x00" + SETUP + act(ENABLE, 0x08) + ACK * 3 + act(DISABLE) + cc(header=65)
        + ACK + act(DISABLE) + cc(b"\x00") + ACK + act(ENABLE, 0x08) + cc(header=65) * 3,
    }


# ZVT: an APDU is FRAME class instr len data (fuzz_pt_zvt.c).
def zvt(cls, instr, data=b"", chunk=0):
    n = len(data)
    head = bytes([cls, instr, n]) if n < 255 else bytes([cls, instr, 0xFF, n & 0xFF, n >> 8])
    return op(FRAME, chunk) + head + data


def lllvar(text):
    n = len(text)
    return bytes([0xF0 | n // 100, 0xF0 | n // 10 % 10, 0xF0 | n % 10]) + text


def ref(n):
    """The reference of the target's n-th authorisation."""
    return b"6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa%05d:1" % n


def status(code, amount=b"\x00\x00\x00\x00\x50\x00", ref=ref(1)):
    return zvt(0x04, 0x0F, b"\x27" + bytes([code]) + b"\x04" + amount + b"\x0b\x00\x00\x42\x0c\x14\x30\x05"
               + b"\x0d\x11\x21\x22\xf0\xf8\x41\x11\x11\xee\xee\xee\x11\x11\x87\x00\x17\x8a\x05\x49\x01\x56"
               + b"\x3c" + lllvar(ref))


PT_ACK = zvt(0x80, 0x00)
DONE = zvt(0x06, 0x0F)
REGISTER = PT_ACK + DONE
AUTH, REVERSE, LAST, EOD = 0, 1, 2, 3
WATCH = 0x20


def abort_with(code):
    return zvt(0x06, 0x1E, bytes([code]))


def pt_seeds():
    def approved_n(n):
        return (PT_ACK + zvt(0x04, 0xFF, b"\x0a") + zvt(0x06, 0xD1, b"\x00CARD PAYMENT")
                + status(0x00, ref=ref(n)) + DONE)

    approved = approved_n(1)
    return {
        "auth_approved": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + approved,
        "auth_approved_watched": b"\x05" + act(AUTH | WATCH | 0x1C, 0x13, 0x87) + REGISTER + approved
        + act(AUTH | WATCH | 0x1C, 0x00, 0x63) + approved_n(2),
        "auth_declined": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + PT_ACK + status(0x05) + abort_with(0x05),
        "auth_cancelled": b"\x00" + act(AUTH | WATCH, 0x13, 0x87) + REGISTER + PT_ACK + zvt(0x04, 0xFF, b"\x0a")
        + op(SILENCE) + op(SILENCE) + PT_ACK + status(0x6C) + abort_with(0x6C),
        "lost_answer_then_last": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + PT_ACK + zvt(0x04, 0xFF, b"\x17")
        + act(LAST) + REGISTER + PT_ACK + status(0x00) + DONE,
        "reversal_then_again": b"\x00" + act(REVERSE, 0x00, 0x11) + REGISTER + PT_ACK
        + status(0x00, ref=b"R:6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa00001:1") + DONE
        + act(REVERSE, 0x00, 0x11) + PT_ACK + abort_with(0xB4),
        "last_none_end_of_day": b"\x00" + act(LAST) + REGISTER + PT_ACK + abort_with(0x83)
        + act(EOD) + PT_ACK + status(0x00) + DONE,
        "refused_and_broken": b"\x00" + act(AUTH, 0x00, 0x10) + zvt(0x84, 0x83) + act(AUTH, 0x00, 0x10)
        + op(BREAK) + act(LAST) + op(WRITE_FAIL, 0) + act(LAST) + PT_ACK + op(BREAK)
        + act(AUTH | 0xC0, 0, 0) + act(AUTH | 0x80, 0, 0) + REGISTER + PT_ACK + DONE,
        # an earlier dialogue's acknowledgement and completion wait on the line
        "stray_completion_before_auth": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + approved + PT_ACK + DONE
        + act(AUTH, 0x07, 0xcf) + PT_ACK + status(0x05, ref=ref(2)) + abort_with(0x05),
        # ...or come after the authorisation left, before its acknowledgement
        "stray_completion_in_flight": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + PT_ACK + DONE + PT_ACK
        + zvt(0x04, 0xFF, b"\x0a") + status(0x05) + abort_with(0x05) + act(LAST) + REGISTER + PT_ACK
        + status(0x05) + DONE,
        "status_of_another_reference": b"\x00" + act(AUTH, 0x13, 0x87) + REGISTER + PT_ACK
        + status(0x00, ref=b"another-sale:1") + DONE + act(LAST) + REGISTER + PT_ACK + status(0x00) + DONE,
        "reversal_receipt_too_large": b"\x00" + act(REVERSE, 0x80, 0x11) + act(REVERSE, 0x27, 0x0f) + REGISTER
        + PT_ACK + status(0x00, ref=b"R:" + ref(1)) + DONE,
        "pieces_delays_long": b"\x0a" + act(AUTH, 0x01, 0x00) + zvt(0x80, 0x00, chunk=1) + op(DELAY, 30)
        + zvt(0x06, 0x0F, b"\x00", chunk=2) + PT_ACK
        + zvt(0x06, 0xD1, b"\x00" + b"RECEIPT LINE " * 30, chunk=7) + op(RAW, 4) + b"\x04\x0f\x02\x27\x00"
        + DONE + DONE,
    }


def write(folder, seeds):
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    write(os.path.join(root, "cash_cctalk"), cash_seeds())
    write(os.path.join(root, "pt_zvt"), pt_seeds())
