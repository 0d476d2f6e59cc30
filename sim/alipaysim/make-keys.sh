#!/usr/bin/env bash
# Makes the keys an Alipay app and alipaysim need, for tests and the demo,
# in DIR (mode 600): the app's key pair (app_private.pem, app_public.pem:
# the back office signs with the first, alipaysim checks with the second)
# and "Alipay's" (alipay_private.pem for alipaysim, alipay_public.pem for
# the back office). Usage: make-keys.sh DIR
set -eu
k=$1
mkdir -p "$k"
for who in app alipay; do
  openssl genrsa -out "$k/${who}_private.pem" 2048 2>/dev/null
  openssl rsa -in "$k/${who}_private.pem" -pubout -out "$k/${who}_public.pem" 2>/dev/null
done
chmod 600 "$k"/*.pem
