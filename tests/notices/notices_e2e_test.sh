#!/usr/bin/env bash
# Notices end to end (docs/notices.md, "End to end"): readings driven into
# the reference back office through a kiosk (kioskctl) reading metersim's
# meters, its outbox handing the notices to an SMSC over SMPP (smscsim, or
# the npm smpp package's SMSC of tests/smsc) and to aiosmtpd over SMTP with
# STARTTLS; the notices checked where they arrive. With BO_TEST_PG the
# back office's database is on the test PostgreSQL server (bo_lib.sh).
# Usage: notices_e2e_test.sh CASE KIOSKCTL METERSIM BACKOFFICE SMSCSIM [NODE SMSC_JS]
CASE=$1 CTL=$2 SIM=$3 BO=$4 SMSCSIM=$5 NODE=${6:-} SMSC_JS=${7:-}
HERE=$(dirname "$0")
. "$HERE/../cli/lib.sh"
. "$HERE/../cli/bo_lib.sh"
. "$HERE/../cli/metersim_lib.sh"
PY=/usr/bin/python3
M1=000000000001 M2=000000000002
SMSC_PID="" SMTP_PID="" SMSC_PORT=0

wait_for() { # wait_for SECONDS CONDITION...: true once the condition holds
  local n=$(( $1 * 10 )); shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  return 1
}
stop_all() {
  kill $SMSC_PID $SMTP_PID ${SIM_PID:-} ${BO_PID:-} 2>/dev/null
  wait 2>/dev/null
  bo_db_drop
  rm -rf "$SITE"
}

# smscsim on SMSC_PORT (any free port the first time), receipts on.
start_smscsim() {
  rm -f "$SITE/smsc.ports"
  "$SMSCSIM" --port "$SMSC_PORT" --control 0 --ports-file "$SITE/smsc.ports" 2>>"$SITE/smscsim.log" &
  SMSC_PID=$!
  wait_for 5 test -s "$SITE/smsc.ports" || { fail "smscsim did not start: $(cat "$SITE/smscsim.log")"; finish; }
  SMSC_PORT=$(awk '$1 == "smpp" { print $2 }' "$SITE/smsc.ports")
  SMSC_CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/smsc.ports")
  smsc "auto-receipt on" >/dev/null
}
stop_smscsim() { kill "$SMSC_PID"; wait "$SMSC_PID" 2>/dev/null; SMSC_PID=""; }
smsc() { # smsc COMMAND: one line to smscsim's control port; prints the reply
  exec 4<>"/dev/tcp/127.0.0.1/$SMSC_CONTROL"
  printf '%s\n' "$1" >&4
  local reply
  IFS= read -r reply <&4
  exec 4>&-
  printf '%s\n' "$reply"
}
# The messages smscsim holds, one JSON object a line: text, to, parts.
sms_list() { smsc list | sed 's/^ok //' | jq -c '.[] | {to, parts, data_coding, text}'; }
sms_count() { sms_list | wc -l; }

# aiosmtpd with STARTTLS required, its certificate signed by the CA the back office trusts.
start_smtp() {
  make_cas mailca
  make_leaf mail mailca server 127.0.0.1
  mkdir -p "$SITE/mail"
  "$PY" "$HERE/smtp_sink.py" serve "$SITE/mail" "$SITE/mail.pem" "$SITE/mail.key" "$SITE/smtp.ports" \
    2>>"$SITE/smtp.log" &
  SMTP_PID=$!
  wait_for 10 test -s "$SITE/smtp.ports" || { fail "aiosmtpd did not start: $(cat "$SITE/smtp.log")"; finish; }
  SMTP_PORT=$(awk '{ print $2 }' "$SITE/smtp.ports")
}
mail_list() { "$PY" "$HERE/smtp_sink.py" dump "$SITE/mail"; }
mail_count() { ls "$SITE/mail" | grep -c '\.eml$'; }

# notices_ini [SMS_LINES]: [notices] with SMS and e-mail on, [sms] at smscsim, [email] at aiosmtpd.
notices_ini() {
  cat <<INI
[notices]
sms = true
email = true
sms_per_second = ${SMS_PACE:-20}
email_per_second = 20
retry_min_seconds = 1
retry_max_seconds = 2
[sms]
host = 127.0.0.1
port = $SMSC_PORT
system_id = ${SMS_SYSTEM_ID:-notices}
source = 95588
${1:-}
[email]
server_url = smtp://127.0.0.1:$SMTP_PORT
from = notices@estate.example.com
from_name = 物业服务中心
ca_file = $SITE/mailca.pem
timeout_seconds = 10
INI
}

# setup [SMS_LINES]: metersim (2 meters, time stopped), the SMSC and SMTP
# servers, the back office with SMS and e-mail notices, A1 on meter 1 with
# a Chinese contact wanting WANTS (low,credit by default) in QUIET hours
# (none), A2 on meter 2 with an English one.
setup() {
  trap stop_all EXIT
  start_metersim 2 300 "retries = 0"
  [[ -n $NODE ]] || start_smscsim
  start_smtp
  bo_loopback "$(notices_ini "${1:-}")"
  { bo group set privacy --perms accounts,contacts && BACKOFFICE_NEW_PIN=482915 bo operator add li --group privacy &&
    bo account open A1 --customer 100000000001 --meter $M1 &&
    bo contact set A1 --mobile 8613812345678 --email chen@example.com --lang zh_CN --wants "${WANTS:-low,credit}" \
      --quiet "${QUIET:-none}" --operator li &&
    bo account open A2 --customer 100000000002 --meter $M2 &&
    bo contact set A2 --mobile +8613900001111 --lang en --wants low --quiet none --operator li; } >>"$SITE/setup.log" 2>&1 ||
    { fail "the accounts and contacts: $(tail -5 "$SITE/setup.log")"; finish; }
}

# reading METER BALANCE: metersim's meter at BALANCE, read by the kiosk, uploaded.
reading() {
  control "set $1 balance $2"
  expect_status 0 ctl meter read "$1"
  expect_status 0 ctl sync now
}
sale() { # sale METER AMOUNT: a top-up sold at the kiosk, uploaded
  expect_status 0 ctl sale --meter "$1" --amount "$2" --pay counter
  expect_status 0 ctl sync now
}
rows() { bo_sql "select count(*) from notice_outbox where $1"; }

# The balance stepped down across the three levels, each reading read
# twice, then a top-up: exactly one notice per crossing on each channel,
# the Chinese intact, the credit with meter, amount and balance after;
# the English resident's long text in two parts joined by the SMSC;
# every SMS delivered by its receipt.
case_levels_and_credit() {
  setup
  reading $M1 2500
  reading $M1 1800
  reading $M1 1800
  reading $M1 900
  reading $M1 400
  reading $M1 400
  reading $M2 2500
  reading $M2 450
  sale $M1 5000
  kiosk_sql "update outbox set sent_at = null" # the whole upload again: nothing new
  expect_status 0 ctl sync now
  wait_for 20 bash -c "(( \$(bo_sql \"select count(*) from notice_outbox where state = 'delivered'\") >= 5 ))" ||
    fail "not every SMS delivered: $(bo_sql 'select key, channel, state, error from notice_outbox')"
  wait_for 10 bash -c "(( \$(ls '$SITE/mail' | grep -c eml) >= 4 ))" || fail "not every e-mail arrived"
  sleep 1 # anything extra would come now
  local sms mail
  sms=$(sms_list) mail=$(mail_list)
  echo "$sms"; echo "$mail"
  [[ $(wc -l <<<"$sms") == 5 ]] || fail "the SMSC holds $(wc -l <<<"$sms") messages, not 5: $sms"
  [[ $(wc -l <<<"$mail") == 4 ]] || fail "the SMTP server holds $(wc -l <<<"$mail") messages, not 4: $mail"
  local zh=(
    "尊敬的用户：表号${M1}余额18.00元，已低于20.00元，请及时充值。"
    "尊敬的用户：表号${M1}余额9.00元，已低于10.00元，请尽快充值。"
    "尊敬的用户：表号${M1}余额仅剩4.00元，已低于5.00元，请立即充值，以免停电。"
    "尊敬的用户：表号${M1}充值50.00元已到账，当前余额54.00元。")
  local t
  for t in "${zh[@]}"; do
    [[ $(jq -r --arg t "$t" 'select(.text == $t and .to == "8613812345678" and .data_coding == 8) | .text' <<<"$sms" | wc -l) == 1 ]] ||
      fail "the SMS '$t' did not arrive exactly once in UCS-2: $sms"
    [[ $(jq -r --arg t "$t" 'select(.text == $t and .to == ["chen@example.com"] and .tls) | .text' <<<"$mail" | wc -l) == 1 ]] ||
      fail "the e-mail '$t' did not arrive exactly once over TLS: $mail"
  done
  [[ $(jq -r 'select(.text | startswith("尊敬的用户：表号'$M1'充值")) | .subject' <<<"$mail") == "充值到账通知" ]] ||
    fail "the credit e-mail's subject: $mail"
  [[ $(jq -r 'select(.text | contains("已低于5.00元")) | .subject' <<<"$mail") == "余额严重不足" ]] ||
    fail "the low3 e-mail's subject: $mail"
  local en="Meter ${M2}: only 4.50 yuan left, below 5.00 yuan. Top up now to keep the supply on."
  [[ $(jq -r --arg t "$en" 'select(.text == $t and .to == "8613900001111") | .parts' <<<"$sms") == 2 ]] ||
    fail "the English SMS, two parts joined, to the number in international digits: $sms"
  [[ $(rows "channel = 'sms' and state = 'delivered' and report = 'DELIVRD'") == 5 ]] ||
    fail "the receipts: $(bo_sql "select key, state, report from notice_outbox where channel = 'sms'")"
  [[ $(rows "channel = 'email' and state = 'sent'") == 4 ]] || fail "the e-mails' rows"
  if grep -q "13812345678\|chen@example.com\|13900001111" "$SITE/bo.log"; then fail "a contact in clear in the log"; fi
}

# Quiet hours covering now: the low-balance notices wait (queued until the
# quiet hours end, none at the SMSC or the SMTP server), the cut-off
# warning goes at once on both.
case_quiet_hours() {
  local now from to
  now=$(( ($(date -u +%s) / 60 + 480) % 1440 ))
  from=$(( (now + 1440 - 60) % 1440 )) to=$(( (now + 120) % 1440 ))
  QUIET=$(printf '%02d:%02d-%02d:%02d' $((from / 60)) $((from % 60)) $((to / 60)) $((to % 60))) WANTS=all setup
  reading $M1 2500
  sleep 1
  reading $M1 1800 # below 20.00, and falling 7.00 a second: the supply ends within the minute
  wait_for 15 bash -c "(( \$(ls '$SITE/mail' | grep -c eml) >= 1 ))" || fail "no cut-off warning by e-mail"
  wait_for 10 bash -c "[[ \$(bo_sql \"select count(*) from notice_outbox where kind like 'cutoff%' and channel = 'sms' and state in ('sent', 'delivered')\") -ge 1 ]]" ||
    fail "no cut-off warning by SMS: $(bo_sql 'select key, channel, state from notice_outbox')"
  sleep 1
  local sms mail
  sms=$(sms_list) mail=$(mail_list)
  echo "$sms"; echo "$mail"
  [[ $(wc -l <<<"$sms") == 1 && $(wc -l <<<"$mail") == 1 ]] || fail "more than the cut-off warning went: $sms $mail"
  contains "$sms" "后停电" "the SMS: the cut-off warning"
  contains "$mail" "即将停电" "the e-mail: the cut-off warning's subject"
  [[ $(rows "kind = 'low1' and state = 'queued' and next_try_at > $(date +%s)000 and attempts = 0") == 2 ]] ||
    fail "low1 not held on both channels: $(bo_sql 'select key, channel, state, next_try_at from notice_outbox')"
}

# The SMSC down for a while (stopped, then refusing binds): every
# crossing's notice stays queued (retried), the e-mails go meanwhile; the
# SMSC back: each SMS arrives once, at the configured pace.
case_smsc_down() {
  SMS_PACE=2 setup
  reading $M1 2500
  stop_smscsim
  reading $M1 1800
  reading $M1 900
  reading $M1 400
  sale $M1 5000
  wait_for 10 bash -c "(( \$(ls '$SITE/mail' | grep -c eml) >= 4 ))" || fail "the e-mails did not go while the SMSC was down"
  wait_for 10 bash -c "(( \$(bo_sql \"select count(*) from notice_outbox where channel = 'sms' and state = 'queued' and attempts >= 1\") == 4 ))" ||
    fail "the SMS notices are not queued and retried: $(bo_sql 'select key, state, attempts, error from notice_outbox')"
  start_smscsim # on the same port
  smsc "refuse 2" >/dev/null # two more binds refused before it takes the channel again
  wait_for 40 bash -c "(( \$(bo_sql \"select count(*) from notice_outbox where channel = 'sms' and state = 'delivered'\") == 4 ))" ||
    fail "not every SMS delivered after the SMSC came back: $(bo_sql 'select key, state, attempts, error from notice_outbox')"
  sleep 1
  local sms; sms=$(sms_list)
  echo "$sms"
  [[ $(wc -l <<<"$sms") == 4 && $(jq -r .text <<<"$sms" | sort -u | wc -l) == 4 ]] || fail "not each SMS once: $sms"
  # the pace: 2 a second, so no two hand-overs closer than about half a second
  local gaps
  gaps=$(bo_sql "select b.sent_at - a.sent_at from notice_outbox a join notice_outbox b on b.channel = a.channel and
                 b.sent_at = (select min(sent_at) from notice_outbox c where c.channel = 'sms' and c.sent_at > a.sent_at)
                 where a.channel = 'sms' and a.sent_at is not null")
  echo "gaps between SMS hand-overs (ms): $gaps"
  local g; for g in $gaps; do (( g >= 400 )) || fail "two SMS $g ms apart at 2 a second"; done
}

# The npm smpp package's SMSC (tests/smsc/server.js), bound as a
# transceiver with a password from a file: each crossing's notice once,
# the Chinese intact, every SMS delivered by its receipt.
case_npm_smsc() {
  [[ -n $NODE && -x $NODE ]] || { echo "node not found: skipped"; exit 77; }
  "$NODE" "$SMSC_JS" --ports-file "$SITE/npm.ports" >"$SITE/npm.out" 2>"$SITE/npm.err" &
  SMSC_PID=$!
  wait_for 20 test -s "$SITE/npm.ports" || { fail "the npm SMSC did not start: $(cat "$SITE/npm.err")"; finish; }
  SMSC_PORT=$(awk '{ print $2 }' "$SITE/npm.ports")
  printf 'secret\n' >"$SITE/smsc.password" && chmod 600 "$SITE/smsc.password"
  SMS_SYSTEM_ID=kiosk setup "password_file = $SITE/smsc.password"
  reading $M1 2500
  reading $M1 1800
  reading $M1 900
  reading $M1 400
  sale $M1 5000
  wait_for 20 bash -c "(( \$(bo_sql \"select count(*) from notice_outbox where channel = 'sms' and state = 'delivered'\") == 4 ))" ||
    fail "not every SMS delivered: $(bo_sql 'select key, state, error from notice_outbox')"
  local sms; sms=$(jq -c 'select(.event == "message")' "$SITE/npm.out")
  echo "$sms"
  [[ $(wc -l <<<"$sms") == 4 ]] || fail "the npm SMSC got $(wc -l <<<"$sms") messages, not 4"
  [[ $(jq -r 'select(.to == "8613812345678" and .data_coding == 8) | .text' <<<"$sms" | grep -c "^尊敬的用户：表号$M1") == 4 ]] ||
    fail "the Chinese texts at the npm SMSC: $sms"
  contains "$sms" "充值50.00元已到账，当前余额54.00元。" "the credit at the npm SMSC"
  if grep -q "secret" "$SITE/bo.log"; then fail "the SMSC's password in the log"; fi
}

"case_$CASE"
finish
