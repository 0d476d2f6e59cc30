#!/usr/bin/env bash
# The PC/SC service the card tests run on: pcscd with the virtual readers of
# vsmartcard-vpcd ("Virtual PCD 00 00" on TCP 35963, "Virtual PCD 00 01" on
# 35964). `start` uses a pcscd that already runs, or starts one (root is
# needed for that) and notes its pid in PIDFILE; `stop` stops only a pcscd
# that `start` started.
# Usage: pcscd.sh start|stop PIDFILE
set -u
cmd=$1 pidfile=$2
socket=/run/pcscd/pcscd.comm

readers_up() { # both virtual readers listen for a card
  local l
  l=$(ss -ltn 2>/dev/null)
  [[ $l == *":35963 "* && $l == *":35964 "* ]]
}

case $cmd in
start)
  rm -f "$pidfile"
  if [[ -S $socket ]] && readers_up; then
    echo "pcscd already runs with the virtual readers: using it"
    exit 0
  fi
  if [[ ! -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]]; then
    echo "FAIL: the virtual reader driver is missing: run scripts/install-deps (vsmartcard-vpcd)"
    exit 1
  fi
  if [[ $(id -u) != 0 ]]; then
    echo "FAIL: pcscd does not run and starting it needs root: start it (systemctl start pcscd) and run again"
    exit 1
  fi
  setsid pcscd --foreground >/dev/null 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 100); do
    [[ -S $socket ]] && readers_up && { echo "pcscd started (pid $(cat "$pidfile"))"; exit 0; }
    sleep 0.05
  done
  echo "FAIL: pcscd did not come up within 5 s"
  exit 1
  ;;
stop)
  if [[ -s $pidfile ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null
    rm -f "$pidfile"
    echo "pcscd stopped"
  fi
  exit 0
  ;;
esac
echo "usage: pcscd.sh start|stop PIDFILE"
exit 2
