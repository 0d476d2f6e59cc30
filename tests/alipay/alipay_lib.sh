# Shared by the shell tests with Alipay played by alipaysim: keys made
# fresh (sim/alipaysim/make-keys.sh), the simulator started on ports of its
# own, an [alipay] section pointing the back office's client at it, and its
# control port. Needs ALIPAYSIM (the simulator) and DIR (a scratch folder).
ALI_APP_ID=2021000000000001

# start_alipaysim: keys in $DIR/alikeys, the simulator started (logging
# at ALI_LOG_LEVEL if set: info logs each call); sets ALI_URL (its
# gateway) and ALI_CTL (its control port).
start_alipaysim() {
  ALI_KEYS=$DIR/alikeys
  bash "$(dirname "${BASH_SOURCE[0]}")/../../sim/alipaysim/make-keys.sh" "$ALI_KEYS"
  rm -f "$DIR/ali.ports"
  "$ALIPAYSIM" --ports-file "$DIR/ali.ports" --app-id "$ALI_APP_ID" --app-public-key "$ALI_KEYS/app_public.pem" \
    --alipay-private-key "$ALI_KEYS/alipay_private.pem" --notify-retry-ms 100 ${ALI_LOG_LEVEL:+--log-level "$ALI_LOG_LEVEL"} 2>>"$DIR/alipaysim.log" &
  ALI_PID=$!
  for _ in $(seq 100); do grep -q control "$DIR/ali.ports" 2>/dev/null && break; sleep 0.05; done
  ALI_URL="http://127.0.0.1:$(awk '$1 == "http" {print $2}' "$DIR/ali.ports")/gateway.do"
  ALI_CTL=$(awk '$1 == "control" {print $2}' "$DIR/ali.ports")
  [[ -n $ALI_CTL ]] || { echo "FAIL: alipaysim did not start: $(cat "$DIR/alipaysim.log")"; exit 1; }
}

stop_alipaysim() { [[ -n ${ALI_PID:-} ]] && kill "$ALI_PID" 2>/dev/null && wait "$ALI_PID" 2>/dev/null; ALI_PID=; }

# alipay_ini [KEY=VALUE...]: the [alipay] section on stdout (no notify_url:
# the back office's own is used).
alipay_ini() {
  printf '[alipay]\napp_id = %s\nprivate_key_file = %s\nalipay_public_key_file = %s\ngateway = %s\n' \
    "$ALI_APP_ID" "$ALI_KEYS/app_private.pem" "$ALI_KEYS/alipay_public.pem" "$ALI_URL"
  printf '%s\n' "$@"
}

# ali COMMAND: one line to the control port; its reply in ALI_REPLY;
# true when it is "ok ...".
ali() {
  exec 3<>"/dev/tcp/127.0.0.1/$ALI_CTL"
  printf '%s\n' "$1" >&3
  IFS= read -r ALI_REPLY <&3
  exec 3>&-
  [[ $ALI_REPLY == ok* ]]
}
