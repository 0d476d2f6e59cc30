#!/usr/bin/env bash
# Running as an appliance: the service units pass systemd-analyze verify
# with nothing to say and its security review within their limits, and the
# Debian package holds the programs (kiosk and kioskctl, and nothing of
# kiosk-demo), the services, the udev rules, the modules loaded at boot,
# the user, the catalogues and a configuration kept as a conffile, with its
# install scripts. The back office's package likewise; both pass lintian
# with no error and have a manual page for each program.
# Usage: package_test.sh CASE SOURCE_DIR BUILD_DIR KIOSK_BIN KIOSKCTL_BIN BACKOFFICE_BIN
CASE=$1 SRC=$2 BUILD=$3 KIOSK=$4 KIOSKCTL=$5 BACKOFFICE=$6
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

make_deb() { # sets $deb (the kiosk's) and $bodeb (the back office's): cpack makes both
  (cd "$SITE" && cpack --config "$BUILD/CPackConfig.cmake" -B "$SITE/pkg" >"$SITE/cpack.log" 2>&1) ||
    { fail "cpack failed: $(tail -5 "$SITE/cpack.log")"; finish; }
  deb=$(ls "$SITE"/pkg/prepaid-kiosk_*.deb 2>/dev/null | head -1)
  bodeb=$(ls "$SITE"/pkg/prepaid-backoffice_*.deb 2>/dev/null | head -1)
  [[ -n $deb && -n $bodeb ]] || { fail "the two packages were not made: $(tail -5 "$SITE/cpack.log")"; finish; }
}

# production_only DEB: the touchscreen as packaged holds none of
# kiosk-demo's code (the scripts, the gallery, the simulator client, the
# shots): neither its functions nor its messages.
production_only() {
  local x=$SITE/unpacked demo
  dpkg-deb -x "$1" "$x" || { fail "dpkg-deb -x failed"; return; }
  # the symbols of the program the package's stripped copy was made from
  demo=$(nm "$KIOSK" 2>/dev/null | grep -E ' (ui_gallery|ui_script_|ui_sim_send|ui_app_shot|ui_demo_)')
  [[ $(nm "$KIOSK" 2>/dev/null | grep -c ' T ') -gt 100 ]] || fail "nm finds no functions in $KIOSK"
  local id
  id=$(readelf -n "$KIOSK" 2>/dev/null | sed -n 's/.*Build ID: //p')
  [[ -n $id && $(readelf -n "$x/usr/bin/kiosk" 2>/dev/null | sed -n 's/.*Build ID: //p') == "$id" ]] ||
    fail "the packaged kiosk is not the program built (build id ${id:-none})"
  for p in kiosk kioskctl; do
    [[ $(file -b "$x/usr/bin/$p") == *", stripped"* ]] || fail "the packaged $p is not stripped"
  done
  [[ -z $demo ]] || fail "the packaged kiosk holds kiosk-demo's code: $demo"
  ! grep -q -a -E 'script failed|gallery: scene|no folder for shots' "$x/usr/bin/kiosk" ||
    fail "the packaged kiosk holds kiosk-demo's scripts or gallery"
  [[ $("$x/usr/bin/kiosk" --help 2>&1) != *--script* ]] || fail "the packaged kiosk offers --script"
}

# depends_on DEB NAME...: the package's Depends names each NAME.
depends_on() {
  local deb=$1 d; shift
  for d; do
    [[ $(dpkg-deb -f "$deb" Depends) =~ (^|, )$d( |,|$) ]] || fail "$(dpkg-deb -f "$deb" Package) does not depend on $d"
  done
}

# pkg ARGS: dpkg in the root $r, its scripts run there (DPKG_ROOT) and
# nowhere else.
pkg() { DPKG_ROOT=$r dpkg --root="$r" --force-script-chrootless --force-depends --force-not-root "$@" \
          >"$SITE/dpkg.log" 2>&1; }

# install_in_root DEB PACKAGE: a fresh root $r with DEB installed by dpkg.
install_in_root() {
  r=$SITE/root
  mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" && touch "$r/var/lib/dpkg/status"
  pkg -i "$1" || fail "dpkg -i failed: $(tail -5 "$SITE/dpkg.log")"
  contains "$(dpkg --root="$r" -s "$2" 2>&1)" "Status: install ok installed" "dpkg's status"
}

case_deb_contents() {
  local deb bodeb files
  make_deb
  files=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/kiosk ./usr/bin/kioskctl ./lib/systemd/system/prepaid-kiosk.service \
           ./lib/systemd/system/prepaid-kiosk-sync.service \
           ./lib/udev/rules.d/70-prepaid-kiosk.rules ./usr/lib/sysusers.d/prepaid-kiosk.conf \
           ./usr/lib/modules-load.d/prepaid-kiosk.conf \
           ./etc/prepaid-kiosk/kiosk.ini ./usr/share/prepaid-kiosk/kiosk.ini.sample \
           ./usr/share/locale/zh_CN/LC_MESSAGES/kiosk.mo ./usr/share/doc/prepaid-kiosk/README.md \
           ./usr/share/doc/prepaid-kiosk/copyright ./usr/share/doc/prepaid-kiosk/changelog.Debian.gz \
           ./usr/share/man/man1/kiosk.1.gz ./usr/share/man/man1/kioskctl.1.gz; do
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
  depends_on "$deb" pcscd fonts-noto-cjk espeak-ng-data systemd libc6 libsqlite3-0 libsdl2-2.0-0
  contains "$(dpkg-deb -I "$deb" conffiles 2>&1)" "/etc/prepaid-kiosk/kiosk.ini" "the conffiles"
  contains "$(dpkg-deb -I "$deb" postinst 2>&1)" "deb-systemd-helper enable prepaid-kiosk.service" "the postinst"
  echo "package: $(basename "$deb"), $(wc -l <<<"$files") entries"
}

# dpkg installs the package into a root of its own (DPKG_ROOT: its
# scripts act there and nowhere else): the programs, the kiosk user, the
# state folder for it alone, the configuration readable by its group, both
# services enabled; removing it disables them and keeps the ledger's folder.
case_installs_as_service() {
  local deb bodeb r
  make_deb
  install_in_root "$deb" prepaid-kiosk
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

# The back office's unit: verified as installed but starting the program
# just built, hardened (at most 2.0), as its own user in its state folder.
case_backoffice_unit() {
  local u=prepaid-backoffice.service said
  sed "s|^ExecStart=/usr/bin/backoffice |ExecStart=$BACKOFFICE |" "$SRC/packaging/$u" >"$SITE/$u"
  grep -q "^ExecStart=$BACKOFFICE --config /etc/prepaid-backoffice/backoffice.ini serve$" "$SITE/$u" ||
    fail "the unit does not start backoffice serve with its settings"
  said=$(systemd-analyze verify --man=no "$SITE/$u" 2>&1) || fail "verify failed: $said"
  [[ -z $said ]] || fail "systemd-analyze verify had something to say: $said"
  for key in "User=prepaid-backoffice" "StateDirectory=prepaid-backoffice" "ProtectSystem=strict" \
             "ReadWritePaths=/var/lib/prepaid-backoffice" "WorkingDirectory=/var/lib/prepaid-backoffice" \
             "NoNewPrivileges=yes" "PrivateTmp=yes" "ProtectHome=yes" "SystemCallFilter=@system-service" \
             "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"; do
    grep -qx "$key" "$SRC/packaging/$u" || fail "the unit lacks $key"
  done
  [[ $(grep -c '^CapabilityBoundingSet=$' "$SRC/packaging/$u") == 1 ]] || fail "$u keeps capabilities"
  ! grep -q '^DynamicUser=yes' "$SRC/packaging/$u" || fail "$u runs as a dynamic user"
  at_most "$(score "$SRC/packaging/$u")" 2.0 $u
}

case_backoffice_deb_contents() {
  local deb bodeb files
  make_deb
  files=$(dpkg-deb -c "$bodeb")
  for f in ./usr/bin/backoffice ./lib/systemd/system/prepaid-backoffice.service \
           ./usr/lib/sysusers.d/prepaid-backoffice.conf ./etc/prepaid-backoffice/backoffice.ini \
           ./usr/share/prepaid-backoffice/backoffice.ini.sample ./usr/share/man/man1/backoffice.1.gz \
           ./usr/share/doc/prepaid-backoffice/copyright ./usr/share/doc/prepaid-backoffice/changelog.Debian.gz \
           ./usr/share/prepaid-backoffice/console/index.html; do
    [[ $files == *" $f"* ]] || fail "the back office's package lacks $f"
  done
  # the web console's built script and style sheet, where [console] dir says by default (docs/console.md)
  [[ $files =~ \./usr/share/prepaid-backoffice/console/app-[A-Z0-9]+\.js ]] || fail "the package lacks the console's script"
  [[ $files =~ \./usr/share/prepaid-backoffice/console/style-[A-Z0-9]+\.css ]] || fail "the package lacks the console's style"
  local programs
  programs=$(sed -n 's|.* \./usr/bin/\([^ /][^ /]*\)$|\1|p' <<<"$files" | sort | tr '\n' ' ')
  [[ $programs == "backoffice " ]] || fail "the back office's programs are not exactly backoffice: $programs"
  [[ $files != *kiosk.ini* && $files != *prepaid-kiosk.service* ]] || fail "the back office's package holds the kiosk's files"
  local x=$SITE/bo
  dpkg-deb -x "$bodeb" "$x"
  cmp -s "$x/etc/prepaid-backoffice/backoffice.ini" "$SRC/backoffice/backoffice.ini.sample" ||
    fail "the configuration is not the sample"
  [[ $(file -b "$x/usr/bin/backoffice") == *", stripped"* ]] || fail "backoffice is not stripped"
  contains "$(dpkg-deb -I "$bodeb" conffiles 2>&1)" "/etc/prepaid-backoffice/backoffice.ini" "the conffiles"
  contains "$(dpkg-deb -f "$bodeb" Package Depends)" "Package: prepaid-backoffice" "the control"
  depends_on "$bodeb" libc6 libsqlite3-0 libmicrohttpd12 systemd
  echo "package: $(basename "$bodeb"), $(wc -l <<<"$files") entries"
}

# As the kiosk's: installed into a root of its own, the user and its state
# folder, the settings readable by its group; the service not enabled (it
# needs its certificates first); removed, the database's folder stays.
case_backoffice_installs_as_service() {
  local deb bodeb r
  make_deb
  install_in_root "$bodeb" prepaid-backoffice
  [[ -x $r/usr/bin/backoffice ]] || fail "the program is not installed"
  local uid gid
  uid=$(awk -F: '$1 == "prepaid-backoffice" { print $3 }' "$r/etc/passwd" 2>/dev/null)
  gid=$(awk -F: '$1 == "prepaid-backoffice" { print $3 }' "$r/etc/group" 2>/dev/null)
  [[ -n $uid && -n $gid ]] || { fail "no prepaid-backoffice user or group in the root"; return; }
  (( uid < 1000 )) || fail "prepaid-backoffice is not a system user (uid $uid)"
  [[ $(stat -c '%a %u' "$r/var/lib/prepaid-backoffice" 2>&1) == "700 $uid" ]] ||
    fail "the state folder is $(stat -c '%a %u' "$r/var/lib/prepaid-backoffice" 2>&1), not 700 of its user"
  [[ $(stat -c '%a %u %g' "$r/etc/prepaid-backoffice/backoffice.ini") == "640 0 $gid" ]] ||
    fail "the configuration is not 0640 root's and its group's"
  [[ ! -e $r/etc/systemd/system/multi-user.target.wants/prepaid-backoffice.service ]] ||
    fail "the service was enabled before it has its certificates"
  pkg -r prepaid-backoffice || fail "dpkg -r failed: $(tail -5 "$SITE/dpkg.log")"
  [[ -d $r/var/lib/prepaid-backoffice && ! -e $r/usr/bin/backoffice ]] ||
    fail "removal took the state folder or left the program"
}

# Debian's checks: lintian on both packages finds no error. Its warnings
# are printed.
case_lintian() {
  local deb bodeb out rc
  command -v lintian >/dev/null || { fail "lintian is not installed (scripts/install-deps)"; return; }
  make_deb
  for d in "$deb" "$bodeb"; do
    out=$(lintian --fail-on error --tag-display-limit 0 "$d" 2>&1)
    rc=$?
    out=$(grep -v 'running with root privileges' <<<"$out")
    echo "lintian $(basename "$d"): exit $rc"
    [[ -n $out ]] && echo "$out"
    (( rc == 0 )) || fail "lintian finds errors in $(basename "$d"): $(grep '^E:' <<<"$out" | tr '\n' ' ')"
  done
}

# man_page PROGRAM DEB: the package's page for PROGRAM renders without a
# warning, has the sections a page needs, and names every command the
# program's --help lists (the first word of each).
man_page() {
  local x=$SITE/man-$1 page text
  dpkg-deb -x "$2" "$x"
  page=$x/usr/share/man/man1/$1.1.gz
  [[ -f $page ]] || { fail "no manual page for $1"; return; }
  text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man --warnings -l "$page" 2>"$SITE/man.err")
  [[ ! -s $SITE/man.err ]] || fail "man warns about $1.1: $(head -3 "$SITE/man.err")"
  for sec in NAME SYNOPSIS DESCRIPTION OPTIONS FILES "EXIT STATUS" "SEE ALSO"; do
    grep -qx "$sec" <<<"$text" || fail "$1.1 has no $sec section"
  done
  local word
  for word in $(cat "$SITE/commands"); do
    grep -qE "^ {7}(.*, )?$word( |,|$)" <<<"$text" || fail "$1.1 does not describe '$word'"
  done
}

case_man_pages() {
  local deb bodeb
  make_deb
  : >"$SITE/commands"
  man_page kiosk "$deb"
  # kioskctl's verbs: "  name [sub] args" lines under "Verbs:"
  "$KIOSKCTL" --help | sed -n '/^Verbs:/,/^Common/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u >"$SITE/commands"
  [[ $(wc -l <"$SITE/commands") -ge 10 ]] || fail "kioskctl --help lists too few verbs: $(cat "$SITE/commands")"
  man_page kioskctl "$deb"
  "$BACKOFFICE" --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u >"$SITE/commands"
  [[ $(wc -l <"$SITE/commands") -ge 10 ]] || fail "backoffice --help lists too few commands: $(cat "$SITE/commands")"
  man_page backoffice "$bodeb"
}

"case_$CASE"
finish
