# Shared by the WeChat Pay tests: merchant and platform keys made fresh,
# wxpaysim started on a port of its own, a [wechatpay] section pointing
# the back office's client at it, and a receiver that keeps notifications.
# Needs WXPAYSIM (the simulator) and DIR (a scratch folder) set.
MCHID=1900000109
APPID=wxd678efh567hg6787
PUBKEY_ID=PUB_KEY_ID_0119000001092026120700000000000001

# make_keys: the merchant's and the platform's keys (sim/wxpaysim/make-keys.sh)
# in $DIR/keys (KEYS); sets MERCHANT_SERIAL and PLATFORM_CERT_SERIAL.
make_keys() {
  KEYS=$DIR/keys
  bash "$(dirname "${BASH_SOURCE[0]}")/../../sim/wxpaysim/make-keys.sh" "$KEYS" "$MCHID"
  MERCHANT_SERIAL=$(awk '$1 == "merchant" {print $2}' "$KEYS/serials")
  PLATFORM_CERT_SERIAL=$(awk '$1 == "platform_cert" {print $2}' "$KEYS/serials")
}

# start_wxpaysim [SERIAL]: the simulator announcing SERIAL (the public
# key's id by default) on its answers and notifications; sets WX_URL.
start_wxpaysim() {
  rm -f "$DIR/wx.ports"
  "$WXPAYSIM" --ports-file "$DIR/wx.ports" --mchid "$MCHID" --appid "$APPID" \
    --merchant-cert "$KEYS/merchant_cert.pem" --merchant-serial "$MERCHANT_SERIAL" \
    --platform-key "$KEYS/platform_key.pem" --platform-serial "${1:-$PUBKEY_ID}" \
    --apiv3-key-file "$KEYS/apiv3.key" 2>>"$DIR/wxpaysim.log" &
  WX_PID=$!
  for _ in $(seq 100); do [[ -s $DIR/wx.ports ]] && break; sleep 0.05; done
  WX_URL="http://127.0.0.1:$(awk '/^http/ {print $2}' "$DIR/wx.ports")"
  [[ $WX_URL != "http://127.0.0.1:" ]] || { echo "FAIL: wxpaysim did not start: $(cat "$DIR/wxpaysim.log")"; exit 1; }
}

stop_wxpaysim() { [[ -n ${WX_PID:-} ]] && kill "$WX_PID" 2>/dev/null && wait "$WX_PID" 2>/dev/null; WX_PID=; }

# wechat_ini NOTIFY_URL [KEY=VALUE...]: the [wechatpay] section on stdout (no
# notify_url when NOTIFY_URL is empty: the back office's own is used).
wechat_ini() {
  local notify=$1; shift
  printf '[wechatpay]\nmchid = %s\nappid = %s\nkey_file = %s\ncert_serial = %s\n' \
    "$MCHID" "$APPID" "$KEYS/merchant_key.pem" "$MERCHANT_SERIAL"
  printf 'platform_key_file = %s\nplatform_key_id = %s\napiv3_key_file = %s\nbase_url = %s\n' \
    "$KEYS/platform_pub.pem" "$PUBKEY_ID" "$KEYS/apiv3.key" "$WX_URL"
  [[ -z $notify ]] || printf 'notify_url = %s\n' "$notify"
  printf '%s\n' "$@"
}

# wx_sim METHOD PATH [BODY]: a control call; the answer in WX_ANSWER, the status echoed.
wx_sim() {
  curl -s -o "$DIR/wx.answer" -w '%{http_code}' -X "$1" ${3:+-d "$3"} "$WX_URL$2"
  WX_ANSWER=$(cat "$DIR/wx.answer")
}
