#!/usr/bin/env bash
# Running as an appliance: the service units pass systemd-analyze verify
# with nothing to say and its security review within their limits, and the
# Debian package holds the programs (kiosk and kioskctl, and nothing of
# kiosk-demo), the services, the udev rules, the modules loaded at boot,
# the user, the catalogues and a configuration kept as a conffile, with its
# install scripts.
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

# score UNIT: systemd-analyze's overall exposure of the unit file (0.0 to
# 10.0, lower is safer), read offline, without installing it.
score() {
  local out
  out=$(systemd-analyze security --offline=true --no-pager "$1" 2>&1) ||
    { fail "systemd-analyze security --offline=true $1 failed: $(tail -2 <<<"$out")"; return; }
  sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' <<<"$out"
}

# at_most SCORE LIMIT WHAT: the score is a number no greater than the limit.
at_most() {
  [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] || { fail "$3: no exposure level in systemd-analyze's answer"; return; }
  awk -v s="$1" -v l="$2" 'BEGIN { exit !(s <= l) }' ||
    { fail "$3 scores $1 in systemd-analyze security, above $2"; return; }
  echo "$3: exposure $1 (at most $2)"
}

# Both services are hardened (docs/appliance.md, "Hardening"): the sync
# worker at most 4.0, the touchscreen at most 5.5.
case_security_scores() {
  at_most "$(score "$SRC/packaging/prepaid-kiosk-sync.service")" 4.0 prepaid-kiosk-sync.service
  at_most "$(score "$SRC/packaging/prepaid-kiosk.service")" 5.5 prepaid-kiosk.service
}

# setting UNIT KEY: the values of KEY= in the unit file, one per line.
setting() { sed -n "s/^$2=//p" "$SRC/packaging/$1"; }

# The hardening leaves each program what it uses: the touchscreen its
# serial lines, display and touch screen (exactly those device classes),
# its groups, local, Internet and netlink sockets (udev's monitor) and
# memory it may execute (a software OpenGL compiles shaders); the worker
# no device and only local and Internet sockets; neither a capability.
case_hardening_keeps_access() {
  local k=prepaid-kiosk.service s=prepaid-kiosk-sync.service
  [[ $(setting $k DeviceAllow | sort | tr '\n' ' ') == "char-drm rw char-input r char-ttyACM rw char-ttyS rw char-ttyUSB rw " ]] ||
    fail "the kiosk's devices are not exactly its serial lines, DRM and input: $(setting $k DeviceAllow | tr '\n' ' ')"
  [[ $(setting $k DevicePolicy) == closed ]] || fail "the kiosk's DevicePolicy is not closed"
  for g in dialout video input; do
    [[ " $(setting $k SupplementaryGroups) " == *" $g "* ]] || fail "the kiosk is not in group $g"
  done
  [[ $(setting $k RestrictAddressFamilies) == "AF_UNIX AF_INET AF_INET6 AF_NETLINK" ]] ||
    fail "the kiosk's socket families: $(setting $k RestrictAddressFamilies)"
  [[ -z $(setting $k MemoryDenyWriteExecute) ]] || fail "the kiosk denies executable memory (software OpenGL needs it)"
  [[ $(setting $s PrivateDevices) == yes && -z $(setting $s DeviceAllow) ]] || fail "the worker can reach devices"
  [[ $(setting $s RestrictAddressFamilies) == "AF_UNIX AF_INET AF_INET6" ]] ||
    fail "the worker's socket families: $(setting $s RestrictAddressFamilies)"
  for u in $k $s; do
    [[ $(grep -c '^CapabilityBoundingSet=$' "$SRC/packaging/$u") == 1 ]] || fail "$u keeps capabilities"
  done
}

make_deb() { # sets $deb
  (cd "$SITE" && cpack --config "$BUILD/CPackConfig.cmake" -B "$SITE/pkg" >"$SITE/cpack.log" 2>&1) ||
    { fail "cpack failed: $(tail -5 "$SITE/cpack.log")"; finish; }
  deb=$(ls "$SITE"/pkg/prepaid-kiosk_*.deb 2>/dev/null | head -1)
  [[ -n $deb ]] || { fail "no package was made: $(tail -5 "$SITE/cpack.log")"; finish; }
}

# production_only DEB: the touchscreen as packaged holds none of
# kiosk-demo's code (the scripts, the gallery, the simulator client, the
# shots): neither its functions nor its messages.
production_only() {
  local x=$SITE/unpacked demo
  dpkg-deb -x "$1" "$x" || { fail "dpkg-deb -x failed"; return; }
  demo=$(nm "$x/usr/bin/kiosk" 2>/dev/null | grep -E ' (ui_gallery|ui_script_|ui_sim_send|ui_app_shot|ui_demo_)')
  [[ -z $demo ]] || fail "the packaged kiosk holds kiosk-demo's code: $demo"
  ! grep -q -a -E 'script failed|gallery: scene|no folder for shots' "$x/usr/bin/kiosk" ||
    fail "the packaged kiosk holds kiosk-demo's scripts or gallery"
  [[ $("$x/usr/bin/kiosk" --help 2>&1) != *--script* ]] || fail "the packaged kiosk offers --script"
}

case_deb_contents() {
  local deb files
  make_deb
  files=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/kiosk ./usr/bin/kioskctl ./lib/systemd/system/prepaid-kiosk.service \
           ./lib/systemd/system/prepaid-kiosk-sync.service \
           ./lib/udev/rules.d/70-prepaid-kiosk.rules ./usr/lib/sysusers.d/prepaid-kiosk.conf \
           ./usr/lib/modules-load.d/prepaid-kiosk.conf \
           ./etc/prepaid-kiosk/kiosk.ini ./usr/share/prepaid-kiosk/kiosk.ini.sample \
           ./usr/share/locale/zh_CN/LC_MESSAGES/kiosk.mo ./usr/share/doc/prepaid-kiosk/README.md; do
    [[ $files == *" $f"* ]] || fail "the package lacks $f"
  done
  [[ $files != *"usr/bin/metersim"* && $files != *"usr/bin/backoffice"* ]] || fail "the package holds a simulator or the back office"
  local programs
  programs=$(sed -n 's|.* \./usr/bin/\([^ /][^ /]*\)$|\1|p' <<<"$files" | sort | tr '\n' ' ')
  [[ $programs == "kiosk kioskctl " ]] || fail "the package's programs are not exactly kiosk and kioskctl: $programs"
  production_only "$deb"
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
