#!/usr/bin/env bash
# Running as an appliance: the service unit passes systemd-analyze verify
# with nothing to say, and the Debian package holds the programs, the
# service, the udev rules, the user, the catalogues and a configuration
# kept as a conffile, with its install scripts.
# Usage: package_test.sh CASE SOURCE_DIR BUILD_DIR KIOSK_BIN KIOSKCTL_BIN
CASE=$1 SRC=$2 BUILD=$3 KIOSK=$4 KIOSKCTL=$5
CTL=unused
. "$(dirname "$0")/lib.sh"

case_unit_verifies() {
  # the unit as installed, but starting the program just built
  sed "s|^ExecStart=/usr/bin/kiosk |ExecStart=$KIOSK |" "$SRC/packaging/prepaid-kiosk.service" \
    >"$SITE/prepaid-kiosk.service"
  grep -q "^ExecStart=$KIOSK " "$SITE/prepaid-kiosk.service" || fail "the unit has no ExecStart of /usr/bin/kiosk"
  local said
  said=$(systemd-analyze verify --man=no "$SITE/prepaid-kiosk.service" 2>&1) || fail "verify failed: $said"
  [[ -z $said ]] || fail "systemd-analyze verify had something to say: $said"
  for key in "Type=notify" "WatchdogSec=" "Restart=on-failure" "StateDirectory=prepaid-kiosk" "User=kiosk"; do
    grep -q "^$key" "$SITE/prepaid-kiosk.service" || fail "the unit lacks $key"
  done
  # the back-office link's worker, likewise
  sed "s|^ExecStart=/usr/bin/kioskctl |ExecStart=$KIOSKCTL |" "$SRC/packaging/prepaid-kiosk-sync.service" \
    >"$SITE/prepaid-kiosk-sync.service"
  grep -q "^ExecStart=$KIOSKCTL .*worker --sync-only" "$SITE/prepaid-kiosk-sync.service" ||
    fail "the sync unit does not start kioskctl worker --sync-only"
  said=$(systemd-analyze verify --man=no "$SITE/prepaid-kiosk-sync.service" 2>&1) || fail "verify failed: $said"
  [[ -z $said ]] || fail "systemd-analyze verify had something to say about the sync unit: $said"
}

case_deb_contents() {
  (cd "$SITE" && cpack --config "$BUILD/CPackConfig.cmake" -B "$SITE/pkg" >"$SITE/cpack.log" 2>&1) ||
    { fail "cpack failed: $(tail -5 "$SITE/cpack.log")"; finish; }
  local deb
  deb=$(ls "$SITE"/pkg/prepaid-kiosk_*.deb 2>/dev/null | head -1)
  [[ -n $deb ]] || { fail "no package was made: $(tail -5 "$SITE/cpack.log")"; finish; }
  local files
  files=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/kiosk ./usr/bin/kioskctl ./lib/systemd/system/prepaid-kiosk.service \
           ./lib/systemd/system/prepaid-kiosk-sync.service \
           ./lib/udev/rules.d/70-prepaid-kiosk.rules ./usr/lib/sysusers.d/prepaid-kiosk.conf \
           ./etc/prepaid-kiosk/kiosk.ini ./usr/share/prepaid-kiosk/kiosk.ini.sample \
           ./usr/share/locale/zh_CN/LC_MESSAGES/kiosk.mo ./usr/share/doc/prepaid-kiosk/README.md; do
    [[ $files == *" $f"* ]] || fail "the package lacks $f"
  done
  [[ $files != *"usr/bin/metersim"* && $files != *"usr/bin/backoffice"* ]] || fail "the package holds a simulator or the back office"
  local info
  info=$(dpkg-deb -I "$deb")
  contains "$info" "Package: prepaid-kiosk" "the package's control"
  contains "$info" "pcscd" "the package's dependencies"
  contains "$(dpkg-deb -I "$deb" conffiles 2>&1)" "/etc/prepaid-kiosk/kiosk.ini" "the conffiles"
  contains "$(dpkg-deb -I "$deb" postinst 2>&1)" "systemctl enable prepaid-kiosk.service" "the postinst"
  echo "package: $(basename "$deb"), $(wc -l <<<"$files") entries"
}

"case_$CASE"
finish
