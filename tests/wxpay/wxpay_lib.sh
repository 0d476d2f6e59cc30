# Shared by the WeChat Pay tests: merchant and platform keys made fresh,
# wxpaysim started on a port of its own, a [wechatpay] section pointing
# the back office's client at it, and a receiver that keeps notifications.
# Needs WXPAYSIM (the simulator) and DIR (a scratch folder) set.
MCHID=1900000109
APPID=wxd678efh567hg6787
PUBKEY_ID=PUB_KEY_ID_0119000001092026120700000000000001

# make_keys: the merchant's key and certificate, the platform's key, its
# public key and a certificate of it, the APIv3 key; sets MERCHANT_SERIAL
# and PLATFORM_CERT_SERIAL (upper-case hex, as WeChat Pay shows them).
make_keys() {
  local k=$DIR/keys
  mkdir -p "$k"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k/merchant_key.pem" -out "$k/merchant_cert.pem" \
    -subj "/CN=$MCHID/O=Test merchant" -days 30 -set_serial 0x5A1C3F2B9D0E11223344556677889900AABBCCDD 2>/dev/null
  openssl genrsa -out "$k/platform_key.pem" 2048 2>/dev/null
  openssl rsa -in "$k/platform_key.pem" -pubout -out "$k/platform_pub.pem" 2>/dev/null
  openssl req -x509 -new -key "$k/platform_key.pem" -out "$k/platform_cert.pem" -subj "/CN=Tenpay.com Root CA" \
    -days 30 -set_serial 0x3775B6A45ACD6F1D39F3CEF5E5C4BE2E1CB6E5C0 2>/dev/null
  printf 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb\n' >"$k/apiv3.key"
  chmod 600 "$k"/*.pem "$k/apiv3.key"
  MERCHANT_SERIAL=$(openssl x509 -in "$k/merchant_cert.pem" -noout -serial | cut -d= -f2)
  PLATFORM_CERT_SERIAL=$(openssl x509 -in "$k/platform_cert.pem" -noout -serial | cut -d= -f2)
  KEYS=$k
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
