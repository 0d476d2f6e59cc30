#!/usr/bin/env bash
# Makes the keys a WeChat Pay merchant account and wxpaysim need, for tests
# and the demo, in DIR (mode 600): the merchant's key and certificate
# (merchant_key.pem, merchant_cert.pem), the platform's key, its public key
# and a certificate of it (platform_key.pem, platform_pub.pem,
# platform_cert.pem), the APIv3 key (apiv3.key); DIR/serials holds
# "merchant SERIAL" and "platform_cert SERIAL" (upper-case hex, as WeChat
# Pay shows them). Usage: make-keys.sh DIR [MCHID]
set -eu
k=$1 mchid=${2:-1900000109}
mkdir -p "$k"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k/merchant_key.pem" -out "$k/merchant_cert.pem" \
  -subj "/CN=$mchid/O=Test merchant" -days 30 -set_serial 0x5A1C3F2B9D0E11223344556677889900AABBCCDD 2>/dev/null
openssl genrsa -out "$k/platform_key.pem" 2048 2>/dev/null
openssl rsa -in "$k/platform_key.pem" -pubout -out "$k/platform_pub.pem" 2>/dev/null
openssl req -x509 -new -key "$k/platform_key.pem" -out "$k/platform_cert.pem" -subj "/CN=Tenpay.com Root CA" \
  -days 30 -set_serial 0x3775B6A45ACD6F1D39F3CEF5E5C4BE2E1CB6E5C0 2>/dev/null
printf 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb\n' >"$k/apiv3.key"
chmod 600 "$k"/*.pem "$k/apiv3.key"
{
  echo "merchant $(openssl x509 -in "$k/merchant_cert.pem" -noout -serial | cut -d= -f2)"
  echo "platform_cert $(openssl x509 -in "$k/platform_cert.pem" -noout -serial | cut -d= -f2)"
} >"$k/serials"
