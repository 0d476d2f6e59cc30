"""Someone else's Modbus stack against metersim: pymodbus writes and reads
the registers modbus-prepaid added for central commands (keep power, alarm
amounts, prices, the day table, the daily freeze), and metersim's control
port shows what the meter made of them.
Usage: metersim_pymodbus_test.py METERSIM"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from pymodbus.client import ModbusTcpClient

FAILED = []


def check(cond, what):
    if not cond:
        FAILED.append(what)
        print("FAIL:", what)


def control(port, line):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall((line + "\n").encode())
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    text = reply.decode().strip()
    if not text.startswith("ok"):
        raise RuntimeError(f"metersim refused {line!r}: {text}")
    return text[3:]


def main():
    sim = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        ports = os.path.join(d, "ports")
        p = subprocess.Popen([sim, "--state", os.path.join(d, "state.json"), "--meters", "2", "--speed", "0",
                              "--baud", "9600", "--ports-file", ports], stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(ports):
                    break
                time.sleep(0.05)
            port = {k: int(v) for k, v in (l.split() for l in open(ports))}
            run(port)
        finally:
            p.terminate()
            p.wait()
    print(f"{0 if FAILED else 1} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


def run(port):
    c = ModbusTcpClient("127.0.0.1", port=port["modbus"], timeout=3)
    check(c.connect(), "connect")
    alarms = [0, 2000, 0, 500]
    check(not c.write_registers(0x0140, alarms, slave=1).isError(), "write alarm amounts")
    check(c.read_holding_registers(0x0140, 4, slave=1).registers == alarms, "alarm amounts read back")
    prices = [0, 12000, 0, 9000, 0, 6000, 0, 3000]
    check(not c.write_registers(0x0144, prices, slave=1).isError(), "write prices")
    check(c.read_holding_registers(0x0144, 8, slave=1).registers == prices, "prices read back")
    table = [2, 0, 4, 480, 3] + [0] * 24
    check(not c.write_registers(0x0150, table, slave=1).isError(), "write the day table")
    check(c.read_holding_registers(0x0150, 29, slave=1).registers == table, "day table read back")
    bad = [0] * 29
    r = c.write_registers(0x0150, bad, slave=1)
    check(r.isError() and r.exception_code == 3, "an empty day table is exception 03")
    check(not c.write_register(0x0130, 0x3A, slave=1).isError(), "keep power on")
    r = c.write_register(0x0130, 0x1A, slave=1)
    check(r.isError() and r.exception_code == 4, "a trip while keeping power on is exception 04")
    check(not c.write_register(0x0130, 0x3B, slave=1).isError(), "keep power off")
    check(not c.write_register(0x0130, 0x1A, slave=1).isError(), "the trip after release")
    frozen = c.read_holding_registers(0x0170, 16, slave=1).registers
    check(frozen[0] == 0, "no freeze before the first")
    control(port["control"], "set 000000000001 energy 1234560")
    control(port["control"], "time 2026-12-07T00:00:10")
    control(port["control"], "freeze 000000000001")
    frozen = c.read_holding_registers(0x0170, 16, slave=1).registers
    check(frozen[0] == 2026 and frozen[15] == 4, f"the freeze's year and bands: {frozen}")
    check((frozen[5] << 16 | frozen[6]) == 123456, f"the frozen total: {frozen}")
    m = json.loads(control(port["control"], "state 000000000001"))
    check(m["alarm_amounts"] == [2000, 500] and m["prices"] == [12000, 9000, 6000, 3000], "the meter's settings")
    check(m["day_table"] == [0, 4, 480, 3] and m["relay"] == "open" and not m["keep_power"], "day table and relay")
    kinds = [e["kind"] for e in m["journal"]]
    check(kinds == ["alarms", "prices", "day_table", "keep_on", "keep_off"], f"journal: {kinds}")
    c.close()


if __name__ == "__main__":
    sys.exit(main())
