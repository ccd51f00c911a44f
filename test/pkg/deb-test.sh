#!/usr/bin/env bash
# deb-test.sh SRCDIR: the Debian package end to end (suite pkg).
#   build  dpkg-buildpackage -us -uc -b in a temporary copy of the tree (its unit
#          suite runs in dh_auto_test)
#   lint   lintian: no E: tag (warnings are printed)
#   use    dpkg -i; `smbneg --version` names the package version; `man smbneg`
#          renders (man-db); the unit, /etc/default/smbneg and the logrotate snippet
#          are installed, the files in /etc are conffiles, the unit is not enabled
#   remove dpkg --purge: `dpkg -L` knows nothing, no file of the package is left
# Exits 77 (skip) and says why when not root, when a tool or a build dependency is
# missing, or when an smbneg package is already installed (it is not touched).
set -u
src=$(realpath "$1")
. "$src/test/cli/lib.sh"
start=$(date +%s.%N)
KNOWN_FAILURES=""

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to install and remove the package"
for t in dpkg-buildpackage dpkg-checkbuilddeps lintian dpkg dpkg-deb; do
    command -v $t >/dev/null || skip "$t not installed (apt-get install dpkg-dev lintian debhelper)"
done
if dpkg-query -W -f='${Status}' smbneg 2>/dev/null | grep -q 'installed'; then
    skip "an smbneg package is installed already; not touching it"
fi
tmp=$(mktemp -d)
cleanup() {
    if dpkg-query -W -f='${Status}' smbneg 2>/dev/null | grep -q 'installed'; then
        dpkg --purge smbneg >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# A copy of the tree without build directories (from git when it is a checkout).
mkdir "$tmp/smbneg"
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$tmp/smbneg"
else
    tar -C "$src" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -xf - -C "$tmp/smbneg"
fi
cd "$tmp/smbneg" || exit 1
missing=$(dpkg-checkbuilddeps 2>&1) || skip "build dependencies missing: ${missing#*: }"

t0=$(date +%s)
built() { dpkg-buildpackage -us -uc -b > "$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; return 1; }; }
ok deb-build "dpkg-buildpackage -us -uc -b builds (unit suite in dh_auto_test)" built
echo "  build: $(( $(date +%s) - t0 )) s"
deb=$(ls "$tmp"/smbneg_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
    report deb "$start"
    exit 1
fi
version=$(dpkg-deb -f "$deb" Version)

t0=$(date +%s)
lintian_clean() {
    lintian --fail-on error "$deb" "$tmp"/smbneg_*.changes > "$tmp/lintian.log" 2>&1
    local rc=$?
    sed 's/^/  lintian: /' "$tmp/lintian.log"
    [ $rc = 0 ] && ! grep -q '^E:' "$tmp/lintian.log"
}
ok deb-lintian "lintian: no error" lintian_clean
echo "  lintian: $(( $(date +%s) - t0 )) s, $(grep -c '^W:' "$tmp/lintian.log") warnings, $(grep -c '^E:' "$tmp/lintian.log") errors"

ok deb-install "dpkg -i installs it" eval 'dpkg -i "$deb" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; false; }'
dpkg -L smbneg 2>/dev/null | sort > "$tmp/files"
ok deb-version "smbneg --version prints smbneg $version" \
    eval '[ "$(/usr/bin/smbneg --version)" = "smbneg $version" ]'
ok deb-runs "the installed smbneg reads a capture" \
    eval '/usr/bin/smbneg -q -r "$src/captures/smb2-srv_auto-cli_required-user.pcap" > /dev/null'
if command -v man >/dev/null; then
    ok deb-man "man smbneg renders the page" \
        eval 'MANPAGER=cat MANWIDTH=80 man smbneg 2>/dev/null | grep -q "SMBNEG"'
else
    echo "SKIP deb-man: man-db not installed (apt-get install man-db)"
fi
ok deb-files "unit, /etc/default/smbneg, logrotate snippet installed" \
    eval 'grep -qx /lib/systemd/system/smbneg.service "$tmp/files" && [ -f /etc/default/smbneg ] && [ -f /etc/logrotate.d/smbneg ] && grep -q "ExecStart=/usr/bin/smbneg " /lib/systemd/system/smbneg.service'
conffiles() {
    local c
    c=$(dpkg-query -W -f='${Conffiles}\n' smbneg | awk 'NF { print $1 }' | sort | tr '\n' ' ')
    echo "  conffiles: $c"
    [ "$c" = "/etc/default/smbneg /etc/logrotate.d/smbneg " ]
}
ok deb-conffiles "the files in /etc are conffiles" conffiles
ok deb-not-enabled "the unit is not enabled by the package" \
    eval '[ ! -e /etc/systemd/system/multi-user.target.wants/smbneg.service ]'

ok deb-purge "dpkg --purge removes it" eval 'dpkg --purge smbneg > "$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; false; }'
ok deb-gone "dpkg -L knows nothing of smbneg, the binary is gone" \
    eval '! dpkg -L smbneg >/dev/null 2>&1 && [ ! -e /usr/bin/smbneg ] && ! command -v smbneg >/dev/null'
left_files() {
    local f left=0
    while read -r f; do
        if [ -e "$f" ] && [ ! -d "$f" ]; then echo "  left: $f"; left=1; fi
    done < "$tmp/files"
    for f in /etc/default/smbneg /etc/logrotate.d/smbneg /lib/systemd/system/smbneg.service \
             /etc/systemd/system/multi-user.target.wants/smbneg.service; do
        if [ -e "$f" ]; then echo "  left: $f"; left=1; fi
    done
    [ $left = 0 ]
}
ok deb-clean "no file of the package left (conffiles included)" left_files

report deb "$start"
[ $FAIL = 0 ]
