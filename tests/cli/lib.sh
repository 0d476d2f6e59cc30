# Shared by the command-line tests: a fresh site folder and small checks.
set -u
CTL=${CTL:?}
SITE=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-cli-XXXXXX")
trap 'rm -rf "$SITE"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_status WANT CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR.
expect_status() {
  local want=$1; shift
  "$@" >"$SITE/out" 2>"$SITE/err"
  local got=$?
  OUT=$(cat "$SITE/out"); ERR=$(cat "$SITE/err")
  [[ $got == "$want" ]] || fail "'$*' exited $got, expected $want; stderr: $ERR"
}

contains() { # contains HAYSTACK NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3 lacks '$2': $1"
}

# A site: config, fake meters (count 0 and count 41).
make_site() {
  cat >"$SITE/kiosk.ini" <<INI
[ledger]
path = $SITE/ledger.db
[gateway]
protocol = fake
fake_dir = $SITE
[delivery]
retry_base_ms = 100
INI
  printf '000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n' >"$SITE/meters"
}

ctl() { "$CTL" --config "$SITE/kiosk.ini" "$@"; }

finish() {
  if (( failures )); then echo "$failures failure(s)"; exit 1; fi
  echo ok
}
