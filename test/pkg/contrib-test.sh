#!/usr/bin/env bash
# contrib-test.sh UNIT SMBNEG SRCDIR: checks contrib/ (suite pkg).
#   - `systemd-analyze verify` on the configured unit (as meson installs it, its
#     ExecStart pointed at the built binary, since verify checks that it exists):
#     exit 0 and no diagnostic at all (unknown keys only warn);
#   - `systemd-analyze security --offline=yes`: overall exposure at most 3.0;
#   - as root: the built smbneg, run as nobody with only the unit's
#     AmbientCapabilities, captures on a veth between two network namespaces
#     created for the test (TCP to port 445 from the other side is received);
#   - `logrotate --debug` parses the snippet without an error;
#   - the CI examples (contrib/ci/) are valid YAML and the smbneg commands they run
#     work: exit 0 on a samples/ folder of signed captures, 1 once a mismatch is
#     added (the built binary first in PATH);
#   - the README's minimal build: meson setup -Dtests=false, ninja, meson install
#     --destdir installs the binary, the man page, the unit, the settings file and
#     the logrotate snippet.
# A check whose tool is missing is skipped and named.
set -u
unit=$1 smbneg=$2 src=$3
. "$src/test/cli/lib.sh"
start=$(date +%s.%N)
KNOWN_FAILURES=""
have_sa=0 have_lr=0
command -v systemd-analyze >/dev/null && have_sa=1
command -v logrotate >/dev/null && have_lr=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bindir=$(sed -n 's#^ExecStart=\(/[^ ]*\)/smbneg .*#\1#p' "$unit")
sed "s#^ExecStart=$bindir/smbneg #ExecStart=$(realpath "$smbneg") #" "$unit" > "$tmp/smbneg.service"

verify_clean() {
    systemd-analyze verify --man=no "$tmp/smbneg.service" > "$tmp/verify.log" 2>&1
    local rc=$?
    cat "$tmp/verify.log"
    [ $rc = 0 ] && [ ! -s "$tmp/verify.log" ]
}
exposure_ok() {
    local level
    level=$(systemd-analyze security --offline=yes --no-pager "$tmp/smbneg.service" 2>&1 |
            sed -n 's/.*Overall exposure level for smbneg.service: \([0-9.]*\).*/\1/p')
    echo "exposure level: ${level:-?}"
    [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }'
}
unit_has() { grep -q "^$1\$" "$tmp/smbneg.service"; }
logrotate_parses() {
    logrotate --debug --state "$tmp/lr.state" "$src/contrib/smbneg.logrotate" > "$tmp/lr.log" 2>&1
    local rc=$?
    grep -i 'error' "$tmp/lr.log"
    [ $rc = 0 ] && ! grep -qi 'error' "$tmp/lr.log"
}

if [ $have_sa = 1 ]; then
    ok unit-verify "systemd-analyze verify: no error, no warning" verify_clean
    ok unit-exposure "systemd-analyze security --offline: exposure <= 3.0" exposure_ok
else
    echo "SKIP unit-verify, unit-exposure: systemd-analyze not installed (apt-get install systemd)"
fi
ok unit-hardening "DynamicUser, only CAP_NET_RAW, ProtectSystem=strict, NoNewPrivileges, LogsDirectory" \
    eval 'unit_has DynamicUser=yes && unit_has AmbientCapabilities=CAP_NET_RAW && unit_has CapabilityBoundingSet=CAP_NET_RAW && unit_has ProtectSystem=strict && unit_has NoNewPrivileges=yes && unit_has LogsDirectory=smbneg'

# The unit's capabilities suffice for a live capture (promiscuous mode included).
ns_a=smbneg-caps-a-$$ ns_b=smbneg-caps-b-$$
caps_capture() {
    local caps out
    caps=$(sed -n 's/^AmbientCapabilities=//p' "$tmp/smbneg.service" | tr 'A-Z' 'a-z' |
           sed 's/cap_//g; s/ \+/,+/g; s/^/+/')
    ip netns add $ns_a && ip netns add $ns_b &&
        ip link add va netns $ns_a type veth peer name vb netns $ns_b &&
        ip -n $ns_a addr add 10.99.0.1/24 dev va && ip -n $ns_b addr add 10.99.0.2/24 dev vb &&
        ip -n $ns_a link set va up && ip -n $ns_b link set vb up || return 1
    ip netns exec $ns_a setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps="$caps" --ambient-caps="$caps" --bounding-set="-all,$caps" \
        "$(realpath "$smbneg")" -i va --duration 3 -q > "$tmp/caps.out" 2>&1 &
    local pid=$!
    sleep 1
    ip netns exec $ns_b bash -c 'for i in 1 2 3; do (echo x > /dev/tcp/10.99.0.1/445) 2>/dev/null; done'
    wait $pid
    local rc=$?
    cat "$tmp/caps.out"
    [ $rc = 0 ] && grep -Eq 'capture: [1-9][0-9]* packets received' "$tmp/caps.out"
}
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && command -v setpriv >/dev/null; then
    ok unit-caps "as nobody with only the unit's AmbientCapabilities, smbneg -i captures on a veth" caps_capture
    ip netns del $ns_a 2>/dev/null
    ip netns del $ns_b 2>/dev/null
else
    echo "SKIP unit-caps: needs root, ip (iproute2) and setpriv"
fi
ok unit-reload "ExecReload sends SIGHUP" unit_has 'ExecReload=/bin/kill -HUP $MAINPID'
if [ $have_lr = 1 ]; then
    ok logrotate-parses "logrotate --debug parses contrib/smbneg.logrotate" logrotate_parses
else
    echo "SKIP logrotate-parses: logrotate not installed (apt-get install logrotate)"
fi

# The commands of the CI examples, run on a samples/ folder in a scratch directory.
ci_commands() { # FILE: the smbneg lines the example runs, one a line
    python3 - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
runs = []
# GitHub: jobs under "jobs" (YAML 1.1 reads the key "on" as true); GitLab: top level.
jobs = doc["jobs"] if "jobs" in doc else doc
for job in jobs.values():
    if not isinstance(job, dict):
        continue
    runs += job.get("script", [])
    for step in job.get("steps", []):
        runs += [step.get("run", "")] if isinstance(step, dict) else []
for r in runs:
    for line in str(r).splitlines():
        if line.strip().startswith("smbneg "):
            print(line.strip())
PY
}
ci_example_works() { # FILE
    local cmds rc
    cmds=$(ci_commands "$1") || return 1
    [ -n "$cmds" ] || { echo "  no smbneg command in $1"; return 1; }
    rm -rf "$tmp/ci" && mkdir -p "$tmp/ci/bin" "$tmp/ci/samples"
    ln -s "$(realpath "$smbneg")" "$tmp/ci/bin/smbneg"
    cp "$src/captures/smb2-srv_mandatory-cli_required-user.pcap" "$tmp/ci/samples/"
    cp "$src/captures/smb1-srv_mandatory-cli_required-user.pcap" "$tmp/ci/samples/"
    # the baseline the examples compare with, recorded as their comments say
    (cd "$tmp/ci" && "$(realpath "$smbneg")" -q -r samples/ --write-baseline samples/smbneg-baseline.jsonl) ||
        { echo "  --write-baseline: exit $?"; return 1; }
    (cd "$tmp/ci" && PATH="$tmp/ci/bin:$PATH" bash -e -c "$cmds" 2>&1) || { echo "  signed samples: exit $?"; return 1; }
    [ -s "$tmp/ci/smbneg-junit.xml" ] || { echo "  no JUnit report"; return 1; }
    cp "$src/captures/smb1-srv_mandatory-cli_disabled-user.pcap" "$tmp/ci/samples/" # mismatch-access-denied
    (cd "$tmp/ci" && PATH="$tmp/ci/bin:$PATH" bash -e -c "$cmds" > "$tmp/ci/out" 2>&1)
    rc=$?
    [ $rc = 1 ] || { echo "  with a mismatch: exit $rc, expected 1"; cat "$tmp/ci/out"; return 1; }
}
if python3 -c 'import yaml' 2>/dev/null; then
    ok ci-github "contrib/ci/github-actions.yml: YAML, its smbneg command passes signed samples against their baseline, fails on a mismatch" \
        ci_example_works "$src/contrib/ci/github-actions.yml"
    ok ci-gitlab "contrib/ci/gitlab-ci.yml: YAML, its smbneg command passes signed samples against their baseline, fails on a mismatch" \
        ci_example_works "$src/contrib/ci/gitlab-ci.yml"
else
    echo "SKIP ci-github, ci-gitlab: python3-yaml not installed (apt-get install python3-yaml)"
fi

# The README's minimal build and install into a scratch prefix.
minimal_install() {
    local d=$tmp/min f
    meson setup "$d/build" "$src" -Dtests=false --prefix=/usr/local > "$d.log" 2>&1 &&
        ninja -C "$d/build" >> "$d.log" 2>&1 &&
        meson install -C "$d/build" --destdir "$d/root" >> "$d.log" 2>&1 ||
        { tail -20 "$d.log"; return 1; }
    for f in bin/smbneg share/man/man1/smbneg.1 lib/systemd/system/smbneg.service \
             etc/logrotate.d/smbneg etc/default/smbneg; do
        [ -e "$d/root/usr/local/$f" ] || { echo "  missing /usr/local/$f"; return 1; }
    done
    grep -q '^ExecStart=/usr/local/bin/smbneg ' "$d/root/usr/local/lib/systemd/system/smbneg.service" &&
        grep -q '^EnvironmentFile=-/usr/local/etc/default/smbneg$' "$d/root/usr/local/lib/systemd/system/smbneg.service" &&
        [ "$("$d/root/usr/local/bin/smbneg" --version)" = "smbneg $(sed -n "s/^  version : '\(.*\)',/\1/p" "$src/meson.build")" ]
}
if command -v meson >/dev/null && command -v ninja >/dev/null; then
    ok minimal-install "meson setup -Dtests=false, ninja, meson install --destdir" minimal_install
fi
report contrib "$start"
[ $FAIL = 0 ]
