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

make_deb() { # sets $deb
  (cd "$SITE" && cpack --config "$BUILD/CPackConfig.cmake" -B "$SITE/pkg" >"$SITE/cpack.log" 2>&1) ||
    { fail "cpack failed: $(tail -5 "$SITE/cpack.log")"; finish; }
  deb=$(ls "$SITE"/pkg/prepaid-kiosk_*.deb 2>/dev/null | head -1)
  [[ -n $deb ]] || { fail "no package was made: $(tail -5 "$SITE/cpack.log")"; finish; }
}

case_deb_contents() {
  local deb files
  make_deb
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

# dpkg installs the package into a root of its own (DPKG_ROOT: its
# scripts act there and nowhere else): the programs, the kiosk user, the
# state folder for it alone, the configuration readable by its group, both
# services enabled; removing it disables them and keeps the ledger's folder.
case_installs_as_service() {
  local deb r=$SITE/root
  make_deb
  mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" && touch "$r/var/lib/dpkg/status"
  pkg() { DPKG_ROOT=$r dpkg --root="$r" --force-script-chrootless --force-depends --force-not-root "$@" \
            >"$SITE/dpkg.log" 2>&1; }
  pkg -i "$deb" || fail "dpkg -i failed: $(tail -5 "$SITE/dpkg.log")"
  contains "$(dpkg --root="$r" -s prepaid-kiosk 2>&1)" "Status: install ok installed" "dpkg's status"
  [[ -x $r/usr/bin/kiosk && -x $r/usr/bin/kioskctl ]] || fail "the programs are not installed"
  local uid
  uid=$(awk -F: '$1 == "kiosk" { print $3 }' "$r/etc/passwd" 2>/dev/null)
  [[ -n $uid ]] || fail "no kiosk user in the root's /etc/passwd"
  [[ $(stat -c '%a %u' "$r/var/lib/prepaid-kiosk" 2>&1) == "700 $uid" ]] ||
    fail "the state folder is $(stat -c '%a %u' "$r/var/lib/prepaid-kiosk" 2>&1), not 700 of the kiosk user"
  [[ $(stat -c '%a %u' "$r/etc/prepaid-kiosk/kiosk.ini") == "640 0" ]] || fail "the configuration is not 0640 root's"
  for unit in prepaid-kiosk.service prepaid-kiosk-sync.service; do
    [[ $(readlink "$r/etc/systemd/system/multi-user.target.wants/$unit") == "/lib/systemd/system/$unit" ]] ||
      fail "$unit is not enabled"
  done
  pkg -r prepaid-kiosk || fail "dpkg -r failed: $(tail -5 "$SITE/dpkg.log")"
  [[ ! -e $r/etc/systemd/system/multi-user.target.wants/prepaid-kiosk.service ]] || fail "the service is still enabled"
  [[ -d $r/var/lib/prepaid-kiosk && ! -e $r/usr/bin/kiosk ]] || fail "removal took the state folder or left the program"
}

"case_$CASE"
finish
