# What scripts/demo and scripts/demo-ctl share, sourced by both (and the
# centre's part by tests/cli/demo_test.sh): the simulated site's meters
# (electricity and water), its back office (registry, tariffs, settings),
# the kiosk's worker as the site's collector, and the centre at work: the
# back office switching a meter and a central credit arriving at it.
# The caller sets BIN (the programs) and SITE (the site's folder) and
# defines start (runs a process in the background, stopped at exit).

wait_file() { for _ in $(seq 100); do [[ -s "$1" ]] && return; sleep 0.05; done; echo "$1 never came" >&2; exit 1; }
port() { awk -v k="$2" '$1 == k { print $2 }' "$SITE/$1"; }
ask() { # ask PORT COMMAND: one line to a simulator's control port; the reply in $reply
  exec 3<>"/dev/tcp/127.0.0.1/$1"; printf '%s\n' "$2" >&3; IFS= read -r reply <&3; exec 3>&-
  [[ $reply == ok* ]]
}
tell() { ask "$@" || { echo "simulator: $reply" >&2; exit 1; }; }
bo() { "$BIN/backoffice" --config "$SITE/bo.ini" "$@"; }
# ctl ARGS: kioskctl; once the kiosk holds operators (the back office's,
# from its link on), signed in as the demo's operator admin.
ctl() {
  if [[ $(sqlite3 "$SITE/ledger.db" 'select count(*) from operator' 2>/dev/null) =~ ^[1-9] ]]; then
    KIOSK_PIN=$DEMO_ADMIN_PIN "$BIN/kioskctl" --config "$SITE/kiosk.ini" --operator admin "$@"
  else
    "$BIN/kioskctl" --config "$SITE/kiosk.ini" "$@"
  fi
}

# The site's meters: 1-3 electricity on DL/T 645, 4-5 electricity on Modbus
# TCP, 6 water on DL/T 645, 7 water on Modbus TCP.
DEMO_METERS=7
DEMO_WATER="000000000006 000000000007"
DEMO_TARIFF="single 0.5283"      # CNY per kWh
DEMO_TARIFF_WATER="single 4.10"  # CNY per m3

# demo_metersim [OPTIONS...]: metersim with the site's meters (ports in
# $SITE/meter.ports, control port in $METERS), the water meters made so.
demo_metersim() {
  start "$BIN/metersim" --state "$SITE/meters.json" --meters "$DEMO_METERS" --ports-file "$SITE/meter.ports" \
    --master-key "$SITE/master.key" "$@" 2>"$SITE/metersim.log"
  wait_file "$SITE/meter.ports"
  METERS=$(port meter.ports control)
  for m in $DEMO_WATER; do
    tell "$METERS" "set $m kind water"
    tell "$METERS" "set $m tariff $DEMO_TARIFF_WATER"
    tell "$METERS" "set $m power 40" # litres per hour
  done
  local d="127.0.0.1:$(port meter.ports dlt645)" m="127.0.0.1:$(port meter.ports modbus)"
  {
    echo "meter,customer,protocol,gateway,kind,tariff"
    for i in 1 2 3; do echo "00000000000$i,10000000000$i,dlt645,$d,electricity,home"; done
    for i in 4 5; do echo "00000000000$i,10000000000$i,modbus,$m/$i,electricity,home"; done
    echo "000000000006,100000000006,dlt645,$d,water,water"
    echo "000000000007,100000000007,modbus,$m/7,water,water"
  } >"$SITE/meters.csv"
}

# The resident who gets SMS notices: account A5 on meter 5, a Chinese
# contact (meter 3 is the meter card's: credit on a card the resident has
# not yet put into the meter leaves the meter's count behind the kiosk's).
DEMO_NOTICE_METER=000000000005
DEMO_MOBILE=8613812345678
DEMO_PIN=482915 # li's: changes contacts at the back office and reads meters at the kiosk
DEMO_ADMIN_PIN=739164 # admin's, the web console's demo operator
DEMO_CONSOLE_PASSWORD=console-demo-1 # admin's and li's web console password

# demo_smscsim: smscsim, the SMS centre the back office's notices go to
# (ports in $SITE/smsc.ports, its control port in $SMSC), receipts on.
demo_smscsim() {
  start "$BIN/smscsim" --port 0 --control 0 --ports-file "$SITE/smsc.ports" 2>"$SITE/smscsim.log"
  wait_file "$SITE/smsc.ports"
  SMSC=$(port smsc.ports control)
  tell "$SMSC" "auto-receipt on"
}

# demo_qr_has NAME: whether DEMO_QR (a provider, or a list of them:
# wechat,alipay) names provider NAME.
demo_qr_has() { [[ ,${DEMO_QR:-}, == *,$1,* ]]; }

# demo_wxpaysim: with DEMO_QR naming wechat, WeChat Pay played by wxpaysim
# (keys made in $SITE/wechatpay, its address in $WX); the back office's
# [wechatpay] settings for it in $SITE/wechat.ini (empty otherwise).
demo_wxpaysim() {
  : >"$SITE/wechat.ini"
  demo_qr_has wechat || return 0
  local k=$SITE/wechatpay id=PUB_KEY_ID_0119000001092026120700000000000001
  bash "$ROOT/sim/wxpaysim/make-keys.sh" "$k" >/dev/null
  start "$BIN/wxpaysim" --ports-file "$SITE/wx.ports" --merchant-cert "$k/merchant_cert.pem" \
    --merchant-serial "$(awk '$1 == "merchant" {print $2}' "$k/serials")" --platform-key "$k/platform_key.pem" \
    --platform-serial "$id" --apiv3-key-file "$k/apiv3.key" >/dev/null 2>"$SITE/wxpaysim.log"
  wait_file "$SITE/wx.ports"
  WX=http://127.0.0.1:$(port wx.ports http)
  {
    printf '[wechatpay]\nmchid = 1900000109\nappid = wxd678efh567hg6787\n'
    printf 'key_file = %s\ncert_serial = %s\nplatform_key_file = %s\nplatform_key_id = %s\n' "$k/merchant_key.pem" \
      "$(awk '$1 == "merchant" {print $2}' "$k/serials")" "$k/platform_pub.pem" "$id"
    printf 'apiv3_key_file = %s\nbase_url = %s\n' "$k/apiv3.key" "$WX"
  } >"$SITE/wechat.ini"
}

# demo_alipaysim: with DEMO_QR naming alipay, Alipay played by alipaysim
# (keys made in $SITE/alipay by sim/alipaysim/make-keys.sh, its control
# port in $ALI); the back office's [alipay] settings for it appended to
# $SITE/wechat.ini (the providers' settings).
demo_alipaysim() {
  demo_qr_has alipay || return 0
  local k=$SITE/alipay
  bash "$ROOT/sim/alipaysim/make-keys.sh" "$k"
  start "$BIN/alipaysim" --ports-file "$SITE/ali.ports" --app-id 2021000000000001 \
    --app-public-key "$k/app_public.pem" --alipay-private-key "$k/alipay_private.pem" >/dev/null 2>"$SITE/alipaysim.log"
  wait_file "$SITE/ali.ports"
  until grep -q control "$SITE/ali.ports"; do sleep 0.05; done
  ALI=$(port ali.ports control)
  {
    printf '[alipay]\napp_id = 2021000000000001\n'
    printf 'private_key_file = %s\nalipay_public_key_file = %s\ngateway = http://127.0.0.1:%s/gateway.do\n' \
      "$k/app_private.pem" "$k/alipay_public.pem" "$(port ali.ports http)"
  } >>"$SITE/wechat.ini"
}

# demo_phone_pay ID: a resident's phone pays the kiosk's QR order ID at
# the provider that takes the kiosks' orders (DEMO_QR's first): at
# wxpaysim, at alipaysim, else on the back office's simulated page.
demo_phone_pay() {
  if [[ ${DEMO_QR:-} == wechat* ]]; then
    curl -s -o /dev/null -X POST "$WX/sim/orders/$1/pay"
  elif [[ ${DEMO_QR:-} == alipay* ]]; then
    tell "$ALI" "pay $1"
  else
    curl -s -o /dev/null -X POST "$BO/v1/sim/qr-orders/$1/pay"
  fi
}

# demo_backoffice: the reference back office of kiosk K1 at site S1 (plain
# HTTP on loopback, QR orders paid by its simulated provider), the site's
# meters registered with their kind and tariff, a scan every minute and a
# heartbeat every 10 s for the demo, SMS notices to smscsim (started here)
# with a resident's contact on meter 5; serving, its address in $BO. With
# DEMO_QR=wechat, QR money moves through WeChat Pay played by wxpaysim;
# with DEMO_QR=alipay, through Alipay played by alipaysim; with
# DEMO_QR=wechat,alipay both are opened (the kiosk's orders go to the
# first) and the resident's phone page offers both.
demo_backoffice() {
  demo_smscsim
  demo_wxpaysim
  demo_alipaysim
  cat >"$SITE/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $SITE/backoffice.db
plain_http = true
[signing]
key = $SITE/signing.key
[qr]
simulate = true
${DEMO_QR:+providers = ${DEMO_QR//,/, }}
[notices]
sms = true
[sms]
host = 127.0.0.1
port = $(port smsc.ports smpp)
system_id = demo
source = 95598
[console]
dir = $BIN/../console/dist
$(cat "$SITE/wechat.ini")
INI
  {
    bo keygen && bo site add S1 "Market hall east" && bo kiosk add K1 --site S1 --by-hand
    bo tariff set home CNY "$DEMO_TARIFF" && bo tariff set water CNY "$DEMO_TARIFF_WATER"
    bo settings set K1 scan_minutes 1 && bo settings set K1 heartbeat_seconds 10
    tail -n +2 "$SITE/meters.csv" | while IFS=, read -r m c p g k t; do
      bo customer add "$c" "Resident $c" &&
        bo meter add "$m" --customer "$c" --protocol "$p" --gateway "$g" --kind "$k" --tariff "$t" --site S1
    done
    bo group set service --perms accounts,contacts,diagnostics &&
      BACKOFFICE_NEW_PIN=$DEMO_PIN bo operator add li --group service
    # the web console's demo operator (docs/console.md), with every permission
    bo group set admins --perms all && BACKOFFICE_NEW_PIN=$DEMO_ADMIN_PIN bo operator add admin --group admins &&
      BACKOFFICE_NEW_PASSWORD=$DEMO_CONSOLE_PASSWORD bo operator password admin &&
      BACKOFFICE_NEW_PASSWORD=$DEMO_CONSOLE_PASSWORD bo operator password li
    bo account open A5 --customer 100000000005 --meter "$DEMO_NOTICE_METER"
  } >/dev/null
  start "$BIN/backoffice" --config "$SITE/bo.ini" serve >"$SITE/bo.port" 2>"$SITE/backoffice.log"
  wait_file "$SITE/bo.port"
  BO=http://127.0.0.1:$(grep -o '[0-9]*' "$SITE/bo.port" | head -1)
}

# demo_console_hint: where the web console is and who signs in (docs/console.md).
demo_console_hint() {
  cat <<TXT
The web console: ${BO/127.0.0.1/localhost}/console/  (operator admin, password $DEMO_CONSOLE_PASSWORD;
  li, password $DEMO_CONSOLE_PASSWORD too, lacks the permission operators: the Staff page says so)
TXT
}

# The resident of meter 1 on the phone page: the meter number and the
# last 4 digits of its customer number (100000000001).
DEMO_PHONE_METER=000000000001
DEMO_PHONE_DIGITS=0001

# demo_phone_hint: where the resident's phone page is, and what finds a meter.
demo_phone_hint() {
  echo "The resident's phone page: ${BO/127.0.0.1/localhost}/my/  (meter $DEMO_PHONE_METER, customer digits $DEMO_PHONE_DIGITS)"
  if [[ -n ${DEMO_QR:-} ]]; then
    echo "  pay from it, or: scripts/demo-ctl phone-pay METER AMOUNT_FEN [${DEMO_QR//,/|}]"
  else
    echo "  paying from it needs a provider: DEMO_QR=wechat,alipay ./scripts/demo"
  fi
}

# jget JSON PATH: a JSON value (sqlite3's json_extract).
jget() { sqlite3 :memory: "select json_extract('${1//\'/\'\'}', '$2')"; }

# demo_phone_topup METER AMOUNT PROVIDER [DIGITS]: a resident pays AMOUNT
# fen for METER from the phone page, through its API as the page does
# (find, order), pays at PROVIDER's simulator (wechat: wxpaysim's H5 page
# scanned; alipay: alipaysim's wap page opened, then paid by its control),
# and watches the order until the credit is on the meter (the site's
# kiosk's worker runs it). Prints each stage; false if it never gets there.
demo_phone_topup() {
  local m=$1 amount=$2 prov=$3 digits=${4:-} a token order url state="" last=""
  [[ -n $digits ]] || digits=$(awk -F, -v m="$m" '$1 == m { print substr($2, length($2) - 3) }' "$SITE/meters.csv")
  a=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"meter\":\"$m\",\"digits\":\"$digits\"}" \
    "$BO/v1/phone/session")
  token=$(jget "$a" '$.token')
  [[ -n $token ]] || { echo "  the phone page did not find meter $m: $a" >&2; return 1; }
  a=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"amount\":$amount,\"provider\":\"$prov\"}" "$BO/v1/phone/orders")
  order=$(jget "$a" '$.order') url=$(jget "$a" '$.pay_url')
  [[ -n $order ]] || { echo "  no order: $a" >&2; return 1; }
  echo "  order $order at $prov: the phone opens ${url:0:60}..."
  if [[ $prov == wechat ]]; then
    curl -s -o /dev/null -X POST --data-binary "$url" "$WX/sim/scan" || return 1
  else
    curl -s -o /dev/null "$url" && tell "$ALI" "pay $order"
  fi
  for _ in $(seq 600); do
    a=$(curl -s -H "Authorization: Bearer $token" "$BO/v1/phone/orders/$order")
    state=$(jget "$a" '$.state')
    [[ $state != "$last" ]] && echo "  the page shows: $state" && last=$state
    [[ $state == done ]] && { printf '  on the meter: balance %s\n' "$(jget "$a" '$.balance')"; return 0; }
    [[ $state == failed || $state == closed ]] && return 1
    sleep 0.1
  done
  return 1
}

# sms_count: how many messages smscsim holds.
sms_count() {
  tell "$SMSC" "count"
  sed -n 's/.*messages=\([0-9]*\).*/\1/p' <<<"$reply"
}

# sms_await N: until smscsim holds N messages; prints the Nth, its
# Chinese decoded from UCS-2 (smscsim's `list`).
sms_await() {
  local list=""
  for _ in $(seq 100); do
    tell "$SMSC" "list"
    list=${reply#ok }
    (($(sqlite3 :memory: "select json_array_length('${list//\'/\'\'}')") >= $1)) && break
    sleep 0.1
  done
  sqlite3 :memory: "select '  smscsim got, for ' || json_extract(value, '\$.to') || ' (' || json_extract(value, '\$.parts')
    || ' part, UCS-2): ' || json_extract(value, '\$.text') from json_each('${list//\'/\'\'}') where key = $1 - 1"
}

# read_upload METER BALANCE: metersim's meter at BALANCE, read by the kiosk, uploaded.
read_upload() {
  tell "$METERS" "set $1 balance $2"
  KIOSK_PIN=$DEMO_PIN "$BIN/kioskctl" --config "$SITE/kiosk.ini" --operator li meter read "$1" >/dev/null \
    2>>"$SITE/notices.log" && ctl sync now >/dev/null
}

# demo_notices: the resident of meter 5 (account A5) gives a mobile number
# for notices in Chinese at any hour (entered by an operator who may change
# contacts); the meter's balance falls from 30.00 below 20.00: the kiosk
# reads it and uploads the reading, the back office sends a low-balance
# SMS; then a top-up at the kiosk and the credit-arrived SMS. Says what
# happens; fails if a message did not arrive.
demo_notices() {
  local m=$DEMO_NOTICE_METER n
  echo "Notices: the resident of meter $m (account A5) gives a mobile number; the back office sends SMS over SMPP to smscsim."
  bo contact set A5 --mobile "$DEMO_MOBILE" --lang zh_CN --wants low,credit --quiet none --operator li >/dev/null ||
    return 1
  read_upload "$m" 3000
  n=$(sms_count)
  echo "Meter $m's balance falls from 30.00 to 18.00; the kiosk reads the meter and uploads the reading:"
  read_upload "$m" 1800
  sms_await $((n + 1)) | grep 已低于20.00元 || { echo "no low-balance SMS" >&2; return 1; }
  echo "The resident tops up CNY 50.00 at the kiosk; the sale reaches the back office:"
  ctl sale --meter "$m" --amount 5000 --pay counter >/dev/null && ctl sync now >/dev/null
  sms_await $((n + 2)) | grep 已到账 || { echo "no credit-arrived SMS" >&2; return 1; }
  echo "  the notices, as the back office holds them (the number masked):"
  bo notices list --account A5 --csv | cut -d, -f2,5,6,7,9,14 | sed 's/^/    /'
}

# demo_sync_ini: kiosk.ini's lines that make it kiosk K1 of the back office.
demo_sync_ini() {
  printf '[sync]\nurl = %s\npubkey = %s\nqr = true\n' "$BO" "$(bo pubkey)"
}

# demo_link: K1 was added by hand (no enrolment): its keys made, the key it
# signs its uploads with registered in the back office; then the first
# contact (documents fetched: registry, tariffs, settings).
demo_link() {
  bo kiosk upload-key K1 "$(ctl identity --json | sed -n 's/.*"upload_key":[[:space:]]*"\([^"]*\)".*/\1/p')" >/dev/null
  ctl sync now >/dev/null
}

# demo_collector: the kiosk's worker as the site's collector (the
# touchscreen keeps its devices and retries; the worker reads every meter on
# the back office's schedule, uploads, and runs the centre's commands).
demo_collector() {
  start "$BIN/kioskctl" --config "$SITE/kiosk.ini" worker --sync-only >"$SITE/worker.log" 2>&1
}

# demo_await_scan: until the back office holds a scheduled reading of every
# meter (the worker scans at its start and uploads at its next round).
demo_await_scan() {
  local n=0
  for _ in $(seq 400); do
    n=$(sqlite3 "$SITE/backoffice.db" "select count(distinct meter) from reading where source = 'scan'" 2>/dev/null || echo 0)
    ((n >= DEMO_METERS)) && return
    sleep 0.1
  done
  echo "the back office holds scheduled readings of $n meters of $DEMO_METERS (worker: $(tail -2 "$SITE/worker.log"))" >&2
  return 1
}

# await_command ID: until the back office has the command in a final state;
# prints the state.
await_command() {
  local s=""
  for _ in $(seq 200); do
    s=$(bo command show "$1" | sed -n 's/^[[:space:]]*"state":[[:space:]]*"\([a-z]*\)".*/\1/p')
    [[ $s != queued && $s != sent && -n $s ]] && break
    sleep 0.1
  done
  echo "$s"
}

# command_id: the id in `meter command`'s answer (on stdin).
command_id() { sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p'; }

# meter_field ADDRESS FIELD: metersim's value of one field of the meter.
meter_field() {
  tell "$METERS" "state $1"
  printf '%s' "${reply#ok }" | sed -n "s/.*\"$2\":[[:space:]]*\"\\{0,1\\}\\([^\",]*\\).*/\\1/p" | head -1
}

# central ARGS...: `backoffice meter command ARGS`, said in words, waited
# for until it ends at the back office; fails unless it ends done.
central() {
  local id state
  printf '  back office: backoffice meter command %s\n' "$*"
  id=$(bo meter command "$@" | command_id)
  [[ -n $id ]] || { echo "the back office did not queue the command" >&2; return 1; }
  state=$(await_command "$id")
  printf '  command %s: %s\n' "$id" "$state"
  LAST_COMMAND=$id
  [[ $state == done ]] || { echo "the command ended $state" >&2; return 1; }
}

# demo_centre: the back office trips meter 2's relay and closes it again,
# then orders a central credit for water meter 6; the kiosk's worker runs
# each at the meter. Says what happens; fails if anything did not arrive.
demo_centre() {
  local m=000000000002 w=000000000006 before
  echo "The centre at work: the back office sends commands; the kiosk's worker picks them up at once and runs them at the meter."
  echo "Meter $m is cut off for arrears (its relay trips):"
  central "$m" relay_trip --operator alice --reason "demo: arrears"
  echo "  metersim: meter $m's relay is $(meter_field "$m" relay)"
  [[ $(meter_field "$m" relay) == open ]] || { echo "the relay did not trip" >&2; return 1; }
  echo "The resident pays; the supply comes back (the relay closes):"
  central "$m" relay_close --operator alice --reason "demo: paid"
  echo "  metersim: meter $m's relay is $(meter_field "$m" relay)"
  [[ $(meter_field "$m" relay) == closed ]] || { echo "the relay did not close" >&2; return 1; }
  before=$(meter_field "$w" balance)
  echo "A resident pays CNY 40.00 for water meter $w at the utility's counter; the credit goes to the meter through the kiosk:"
  central "$w" credit --amount 4000 --paid-by counter --reference "DEMO-$(date +%s)" --operator bob \
    --reason "demo: paid at the utility's counter"
  echo "  metersim: water meter $w's balance went from $before to $(meter_field "$w" balance) (minor units)," \
    "purchase count $(meter_field "$w" purchase_count)"
  [[ $(meter_field "$w" balance) -ge $((before + 4000 - 100)) ]] || { echo "the credit did not arrive" >&2; return 1; }
  echo "  the kiosk's ledger holds it as a sale of method central:"
  ctl ledger list | grep -i central | tail -1 | sed 's/^/    /'
  for _ in $(seq 100); do # the worker uploads the outcome and the sale at once
    bo report sales --by method | grep -q '^central' && break
    sleep 0.1
  done
  echo "  the back office's sales report by method, central among them (uploaded by the worker):"
  bo report sales --by method | sed 's/^/    /'
  echo "  the commands, as the back office holds them:"
  bo meter commands | sed 's/^/    /'
}

# demo_centre_hint: the same, for a person to type in another terminal.
demo_centre_hint() {
  local b="$BIN/backoffice --config $SITE/bo.ini"
  cat <<TXT
The centre: in another terminal, the back office switches a meter and sends
a credit; the kiosk's worker runs each at the meter within a second or two:
  $b meter command 000000000002 relay_trip --operator alice --reason arrears
  $b meter command 000000000002 relay_close --operator alice --reason paid
  $b meter command 000000000006 credit --amount 4000 --paid-by counter --reference R-1 --operator bob --reason counter
  $b meter commands                     # each command's state (done) and outcome
  $b meter show 000000000006            # the water meter's latest state (valve, balance)
  $b report sales --by method           # the credit as a sale of method central
TXT
}
