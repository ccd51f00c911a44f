#!/usr/bin/env bash
# make-captures.sh — regenerate captures/ with a real Samba server and real clients.
#
# Run as root on Debian 12:   sudo test/captures/make-captures.sh [--only GROUPS] [OUTDIR]
#
#   without --only: wipes OUTDIR and regenerates every capture, MANIFEST.tsv and
#                   README.md from scratch;
#   --only GROUPS:  (or ONLY=GROUPS in the environment) runs only the named scenario
#                   groups (comma separated) of session-scenarios.sh: negfail, logon,
#                   smb1sign, encrypt, anon, multisession, relay, attacksrv, kerberos,
#                   or "session" for all of them.  Every other capture file is left
#                   untouched (byte for byte); MANIFEST.tsv keeps its other rows and
#                   gets this run's rows instead of the old ones of the same files,
#                   and README.md is rewritten from the merged manifest.
#
# What it does
#   * installs samba, smbclient, tcpdump, nmap, python3-impacket, tshark and (for
#     the Kerberos scenario) samba-ad-dc, winbind and krb5-user with apt-get when
#     (and only when) one of them is missing;
#   * starts several private smbd instances, each bound ONLY to its own loopback
#     address (127.0.0.2, 127.0.0.3, ... and ::1) with every state, lock, cache,
#     private, pid, ncalrpc and log directory under one `mktemp -d` folder;
#   * runs real clients (smbclient, nmap, python3-impacket) against them and records
#     every scenario with tcpdump on loopback, one capture file per scenario;
#   * writes captures/MANIFEST.tsv (machine readable: what each client printed) and
#     captures/README.md (one line per file: how it was made, what the client
#     printed, what smbneg should conclude);
#   * stops only the processes it started, by PID, from an EXIT trap.
#
# Nothing is ever sent outside 127.0.0.0/8 and ::1.  Takes one to two minutes.
#
# Environment:
#   KEEP_WORK=1   keep the temporary folder (server logs, configs) for debugging
#   PY=/path      python interpreter that has impacket (default /usr/bin/python3)

set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ONLY=${ONLY:-}
declare -a POSITIONAL=()
while (( $# )); do
    case $1 in
        --only)   [[ $# -ge 2 ]] || { echo "--only needs GROUPS" >&2; exit 2; }
                  ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#*=}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d'; exit 0 ;;
        *)        POSITIONAL+=("$1"); shift ;;
    esac
done
OUT=$(realpath -m "${POSITIONAL[0]:-$REPO/captures}")
PY=${PY:-/usr/bin/python3}
IMPACKET_CLIENT="$HERE/impacket-client.py"

TEST_USER=smbnegtest
TEST_PASS=SmbNegTest-2024
CLIENT_TIMEOUT=20          # seconds, per smbclient / impacket run
NMAP_TIMEOUT=90            # seconds, per nmap run

# Loopback address of each server instance (see start_all_servers).
IP_MANDATORY=127.0.0.2     # SMB2/3, server signing = mandatory
IP_DISABLED=127.0.0.3      # SMB2/3, server signing = disabled (Samba: = auto for SMB2)
IP_AUTO=127.0.0.4          # SMB2/3, server signing = auto (also listens on ::1)
IP_CAP21=127.0.0.5         # SMB2/3, server max protocol = SMB2_10, signing auto
IP_SMB1_MANDATORY=127.0.0.12   # NT1 only, server signing = mandatory
IP_SMB1_DISABLED=127.0.0.13    # NT1 only, server signing = disabled
IP_SMB1_AUTO=127.0.0.14        # NT1 only, server signing = auto
IP6_AUTO=::1

log() { printf '[make-captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --------------------------------------------------------------------------------
# Bookkeeping of everything we start, for the EXIT trap.
# --------------------------------------------------------------------------------
WORK=""
declare -a SERVER_PIDS=()
declare -a SERVER_CONFS=()
declare -a CAPTURE_PIDS=()
CREATED_USER=0
declare -a NS_EXEC=()   # ("ip" "netns" "exec" NS) while a scenario runs in its own netns

# Kill one process we started, by PID, and reap it.
stop_pid() {
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# PIDs of the live processes whose command line names CONF (our private smb.conf,
# under our mktemp folder: only processes this script started can match).
pids_using_conf() {
    local conf=$1 p c
    for p in /proc/[0-9]*; do
        c=$( { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null ) || continue
        [[ -n $c && $c == *"$conf"* ]] && echo "${p#/proc/}"
    done
    return 0
}

# smbd runs as the leader of its own session/process group (it calls setsid() when
# started with --foreground and without --no-process-group).  Its children (one smbd
# per client connection, smbd-notifyd, smbd-cleanupd) share that group and smbd
# terminates them itself.  samba-dcerpcd and its rpcd_* workers, which smbd starts on
# demand (impacket's listShares needs srvsvc), run in a session of their own and
# outlive smbd; they carry `--configfile=CONF` on their command line.  Stop whatever
# is left, one PID at a time.
stop_server() {
    local pid=$1 conf=$2 p
    stop_pid "$pid"
    for p in $(ps -eo pid=,pgid=,sid=,stat= |
               awk -v g="$pid" '($2 == g || $3 == g) && $4 !~ /^Z/ { print $1 }') \
             $(pids_using_conf "$conf"); do
        kill "$p" 2>/dev/null || true
    done
}

cleanup() {
    local rc=$? pid
    set +e
    for pid in "${CAPTURE_PIDS[@]}"; do stop_pid "$pid"; done
    local i
    for i in "${!SERVER_PIDS[@]}"; do stop_server "${SERVER_PIDS[$i]}" "${SERVER_CONFS[$i]}"; done
    declare -F session_cleanup >/dev/null && session_cleanup
    if [[ $CREATED_USER == 1 ]]; then
        userdel "$TEST_USER" 2>/dev/null
    fi
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ ${KEEP_WORK:-0} == 1 ]]; then
            log "kept work folder $WORK"
        else
            rm -rf -- "$WORK"
        fi
    fi
    exit $rc
}

# --------------------------------------------------------------------------------
# Prerequisites
# --------------------------------------------------------------------------------
ensure_packages() {
    local -a missing=()
    command -v smbd      >/dev/null || missing+=(samba)
    command -v smbpasswd >/dev/null || missing+=(samba-common-bin)
    command -v smbclient >/dev/null || missing+=(smbclient)
    command -v tcpdump   >/dev/null || missing+=(tcpdump)
    command -v nmap      >/dev/null || missing+=(nmap)
    command -v tshark    >/dev/null || missing+=(tshark)
    command -v editcap   >/dev/null || missing+=(wireshark-common)
    command -v ss        >/dev/null || missing+=(iproute2)
    command -v ps        >/dev/null || missing+=(procps)
    command -v samba     >/dev/null || missing+=(samba-ad-dc winbind)   # Kerberos scenario
    command -v kinit     >/dev/null || missing+=(krb5-user)
    "$PY" -c 'import impacket.smbconnection' 2>/dev/null || missing+=(python3-impacket)
    if (( ${#missing[@]} )); then
        log "installing: ${missing[*]}"
        # Keep the Debian samba package from starting the system smbd/nmbd (they
        # would listen on every interface) while it is being installed.
        local made_policy=0
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod +x /usr/sbin/policy-rc.d
            made_policy=1
        fi
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
        [[ $made_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d
    fi
    "$PY" -c 'import impacket.smbconnection' ||
        die "$PY cannot import impacket (set PY=/path/to/python3)"
}

ensure_test_user() {
    if ! getent passwd "$TEST_USER" >/dev/null; then
        useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$TEST_USER"
        CREATED_USER=1
    fi
}

# --------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------
# start_server NAME "IFACES" SIGNING [extra smb.conf lines...]
#   IFACES: Samba `interfaces` value, e.g. "127.0.0.2/8".  An address given with a
#   netmask is used as-is even though only 127.0.0.1 is configured on lo (Linux
#   answers the whole 127/8 on lo); `bind interfaces only` binds exactly it.
start_server() {
    local name=$1 ifaces=$2 signing=$3; shift 3
    local d="$WORK/srv-$name" line
    mkdir -p "$d"/{lock,state,cache,private,pid,log,ncalrpc,binddns} \
             "$d/share-public" "$d/share-private"
    chmod 0755 "$d" "$d/share-public" "$d/share-private"
    echo "hello from $name (public)"  > "$d/share-public/readme.txt"
    echo "hello from $name (private)" > "$d/share-private/secret.txt"
    chmod 0644 "$d"/share-*/*.txt
    {
        cat <<EOF
# generated by make-captures.sh — server instance "$name"
[global]
    workgroup = SMBNEG
    netbios name = SMBNEG-$(echo "$name" | tr 'a-z_' 'A-Z-' | cut -c1-8)
    server role = standalone server
    interfaces = $ifaces
    bind interfaces only = yes
    smb ports = 445 139
    disable netbios = yes
    server signing = $signing
    map to guest = bad user
    guest account = nobody
    passdb backend = tdbsam:$d/private/passdb.tdb
    lock directory = $d/lock
    state directory = $d/state
    cache directory = $d/cache
    private dir = $d/private
    pid directory = $d/pid
    ncalrpc dir = $d/ncalrpc
    binddns dir = $d/binddns
    log file = $d/log/log.%m
    log level = 1
    max log size = 1000
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    usershare max shares = 0
    server multi channel support = no
    kernel oplocks = no
EOF
        for line in "$@"; do printf '    %s\n' "$line"; done
        cat <<EOF

[public]
    path = $d/share-public
    guest ok = yes
    read only = yes

[private]
    path = $d/share-private
    valid users = $TEST_USER
    read only = yes
EOF
    } > "$d/smb.conf"

    printf '%s\n%s\n' "$TEST_PASS" "$TEST_PASS" |
        smbpasswd -c "$d/smb.conf" -a -s "$TEST_USER" >"$d/smbpasswd.out" 2>&1 ||
        { cat "$d/smbpasswd.out" >&2; die "smbpasswd failed for $name"; }

    # --foreground: no daemon fork, so $! is smbd itself.  We deliberately do NOT
    # pass --no-process-group: on shutdown smbd signals its whole process group
    # (kill(0, SIGTERM)), which would otherwise be this script's group.
    "${NS_EXEC[@]}" smbd --foreground -s "$d/smb.conf" </dev/null >"$d/smbd.out" 2>&1 &
    local pid=$!
    SERVER_PIDS+=("$pid")
    SERVER_CONFS+=("$d/smb.conf")
    echo "$pid" > "$d/smbd.pid"

    # Wait until it listens on every address it was given.
    local want ok i
    for i in $(seq 1 100); do
        ok=1
        for want in $ifaces; do
            want=${want%/*}
            [[ $want == *:* ]] && want="[$want]"
            "${NS_EXEC[@]}" ss -Hltn "sport = :445" | awk '{print $4}' | grep -qxF "$want:445" || ok=0
        done
        [[ $ok == 1 ]] && break
        kill -0 "$pid" 2>/dev/null || { cat "$d/smbd.out" >&2; die "smbd $name died"; }
        sleep 0.1
    done
    [[ $ok == 1 ]] || { cat "$d/smbd.out" >&2; die "smbd $name does not listen on $ifaces"; }
    log "server $name (pid $pid) on $ifaces, server signing = $signing $*"
}

start_all_servers() {
    # SMB2/3 servers, default protocol range (SMB2_02 .. SMB3_11)
    start_server mandatory "$IP_MANDATORY/8" mandatory
    start_server disabled  "$IP_DISABLED/8"  disabled
    start_server auto      "$IP_AUTO/8 $IP6_AUTO/128" auto
    start_server cap21     "$IP_CAP21/8"     auto "server max protocol = SMB2_10"
    # SMB1-only servers.  NT1 needs `server min protocol = NT1`; NTLMSSP (extended
    # security) keeps working with the default `ntlm auth = ntlmv2-only`.
    local smb1=("server min protocol = NT1" "server max protocol = NT1")
    start_server smb1_mandatory "$IP_SMB1_MANDATORY/8" mandatory "${smb1[@]}"
    start_server smb1_disabled  "$IP_SMB1_DISABLED/8"  disabled  "${smb1[@]}"
    start_server smb1_auto      "$IP_SMB1_AUTO/8"      auto      "${smb1[@]}"
}

# --------------------------------------------------------------------------------
# Captures
# --------------------------------------------------------------------------------
CAP_PID=""
CAP_FILE=""
CAP_ERR=""
# cap_start FILE FILTER [tcpdump options...]   (default interface: lo)
cap_start() {
    local file=$1 filter=$2; shift 2
    local err="$WORK/tcpdump.$(basename "$file").err"
    CAP_FILE=$file CAP_ERR=$err
    local -a opts=(-i lo)
    [[ " $* " == *" -i "* ]] && opts=()
    : > "$err"
    # --immediate-mode: without it libpcap (TPACKET_V3) hands packets over in blocks
    # and the last block of a short session is lost when tcpdump is stopped.
    # -B 65536 (KiB): in immediate mode libpcap uses a ring of fixed-size slots sized
    # for lo's 64 KiB MTU, so the default 2 MiB buffer holds only a few dozen packets
    # and the burst at the end of a session got dropped (seen: holes in captures).
    "${NS_EXEC[@]}" tcpdump "${opts[@]}" "$@" -n -U --immediate-mode -B 65536 -Z root \
        -w "$OUT/$file" "$filter" 2>"$err" &
    CAP_PID=$!
    CAPTURE_PIDS+=("$CAP_PID")
    local i
    for i in $(seq 1 50); do
        grep -q 'listening on' "$err" && return 0
        kill -0 "$CAP_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$err" >&2
    die "tcpdump did not start for $file"
}

cap_stop() {
    sleep 0.5                 # let the last FIN/ACKs land
    stop_pid "$CAP_PID"
    CAP_PID=""
    # tcpdump reports "N packets dropped by kernel" when it exits: a capture with
    # holes would be a false test case, so refuse it.
    local dropped
    dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$CAP_ERR")
    [[ -n $dropped ]] || { cat "$CAP_ERR" >&2; die "no tcpdump statistics for $CAP_FILE"; }
    (( dropped == 0 )) || { cat "$CAP_ERR" >&2; die "$CAP_FILE: tcpdump dropped $dropped packets"; }
}

# --------------------------------------------------------------------------------
# Clients and the manifest
# --------------------------------------------------------------------------------
# MANIFEST.tsv columns (one row per client run; a capture with several clients has
# several rows):
#   file  scenario  client_command  client_exit  client_outcome  expected_verdict  note
MANIFEST_ROWS=()
declare -A PRODUCED=()     # files written by this run (--only: their old rows go)

# One line that says what the client experienced.
outcome_of() {
    local rc=$1 out=$2 line first
    if [[ $rc == 124 ]]; then echo "timeout after ${CLIENT_TIMEOUT}s"; return; fi
    if [[ $rc == 0 ]]; then
        if grep -q '^OK$' "$out"; then                     # impacket helper
            line=$(grep -E '^(negotiated|server signing|logged in|listed)' "$out" | paste -sd ';' -)
            echo "ok: $line"
        elif grep -q 'blocks of size' "$out"; then          # smbclient ls
            echo "ok: listed share ($(grep -cE '^  [^ ]' "$out") entries)"
        else
            line=$(grep -v '^\s*$' "$out" | tail -n 1 || true)
            echo "ok: ${line:-no output}"
        fi
        return
    fi
    # The final error line, plus the first diagnostic line before it if different
    # (smbclient prints e.g. "cli_negprot: SMB signing is required, but ..." first).
    line=$(grep -E 'NT_STATUS_[A-Z0-9_]+|FAILED|failed' "$out" | tail -n 1 || true)
    [[ -z $line ]] && line=$(grep -v '^\s*$' "$out" | tail -n 1)
    first=$(grep -vE '^\s*$|^\[[0-9A-F]{4}\]|^lpcfg_do_global_parameter: WARNING' "$out" | head -n 1)
    if [[ -n $first && $first != "$line" && $first != negotiated* ]]; then
        line="$line (first printed: $first)"
    fi
    echo "failed: ${line:-no output}"
}

# record FILE SCENARIO COMMAND RC OUTFILE "VERDICT|NOTE"
record() {
    local file=$1 scen=$2 cmd=$3 rc=$4 out=$5 exp=$6
    local oc; oc=$(outcome_of "$rc" "$out")
    add_row "$file" "$scen" "$cmd" "$rc" "$oc" "$exp"
}

add_row() {   # add_row FILE SCENARIO COMMAND RC OUTCOME "VERDICT|NOTE"
    local verdict=${6%%|*} note=""
    [[ $6 == *"|"* ]] && note=${6#*|}
    local -a f=("$1" "$2" "$3" "$4" "$5" "$verdict" "$note")
    local i row=""
    for i in "${!f[@]}"; do
        f[$i]=${f[$i]//$'\t'/ }; f[$i]=${f[$i]//$'\n'/ }
        row+=${f[$i]}; (( i < 6 )) && row+=$'\t'
    done
    MANIFEST_ROWS+=("$row")
    PRODUCED[$1]=1
    log "$(printf '%-56s rc=%-3s %-15s %s' "$1" "$4" "$verdict" "$5")"
}

SMBCLIENT_RC=0
run_smbclient() {          # run_smbclient OUTFILE smbclient-args...
    local out=$1; shift
    SMBCLIENT_RC=0
    timeout "$CLIENT_TIMEOUT" "${NS_EXEC[@]}" smbclient -s "$WORK/client.conf" "$@" \
        </dev/null >"$out" 2>&1 || SMBCLIENT_RC=$?
}

# Text form of a command for the manifest (the password is a throwaway test one).
cmd_text() { local a s=""; for a in "$@"; do
    if [[ $a == *[[:space:]\'\"]* || -z $a ]]; then s+=" '$a'"; else s+=" $a"; fi
  done; echo "${s# }"; }

# BPF filter for one server address (IPv4 or IPv6), SMB ports only.
smb_filter() { echo "host $1 and (tcp port 445 or tcp port 139)"; }

# smb_session FILE IP SCENARIO "VERDICT|NOTE" [smbclient args...]
#   One capture, one smbclient run (`ls` in the given share), one manifest row.
smb_session() {
    local file=$1 ip=$2 scen=$3 exp=$4; shift 4
    local out="$OUT/${file%.*}.client.txt"
    cap_start "$file" "$(smb_filter "$ip")"
    run_smbclient "$out" "$@" -c ls
    cap_stop
    record "$file" "$scen" "smbclient $(cmd_text "$@" -c ls)" "$SMBCLIENT_RC" "$out" "$exp"
}

USER_CRED=()    # set in main: (-U user%password)
signing_opts() {   # signing_opts VALUE -> smbclient options for SMB and IPC$ signing
    printf '%s\n' "--option=client signing=$1" "--option=client ipc signing=$1"
}

write_client_conf() {
    mkdir -p "$WORK/client"/{lock,state,cache,private,log}
    cat > "$WORK/client.conf" <<EOF
# client-side config: keeps smbclient away from /etc/samba and /var/lib/samba
[global]
    workgroup = SMBNEG
    netbios name = SMBNEGCLIENT
    lock directory = $WORK/client/lock
    state directory = $WORK/client/state
    cache directory = $WORK/client/cache
    private dir = $WORK/client/private
    log file = $WORK/client/log/log.%m
    name resolve order = host
EOF
}

# --------------------------------------------------------------------------------
# Expected verdicts: our reading of README "Verdicts" (KB 887429, KB 916846) given what the wire and the
# client showed when this script was written (Samba 4.17.12 on both ends).  Format
# "VERDICT|NOTE"; a "(?)" in the note marks a call we are not sure of.
# --------------------------------------------------------------------------------
# SMB2/3 matrix (dialect 3.1.1):
#   * the server always sets SIGNING_ENABLED; `disabled` behaves as `auto`;
#   * smbclient sends SecurityMode 0x01 for client signing disabled AND if_required
#     (0x03 for required): "disabled" cannot be seen on the wire in SMB2;
#   * user sessions are signed end to end when either side requires it; otherwise
#     only the final SESSION_SETUP response and the TREE_CONNECTs are signed (3.1.1
#     rules), all the rest is unsigned;
#   * Samba grants guest sessions (SessionFlags IS_GUEST) unsigned even when the
#     server requires signing; a client that requires signing then rejects the
#     unsigned SESSION_SETUP response ("Bad SMB2 signature") and disconnects.
expect_smb2() {   # expect_smb2 SRV CLI LOGIN
    local srv=$1 cli=$2 login=$3
    if [[ $login == guest ]]; then
        if [[ $cli == required ]]; then
            echo "guest-blocked|server granted a guest session (IS_GUEST) with an unsigned SESSION_SETUP response; the client requires signing, prints 'Bad SMB2 signature' and disconnects before TREE_CONNECT"
        elif [[ $srv == mandatory ]]; then
            echo "not-signed|server requires signing but Samba exempts the guest session: nothing after SESSION_SETUP is signed"
        else
            echo "not-signed|guest session (IS_GUEST), nothing signed"
        fi
        return
    fi
    if [[ $srv == mandatory || $cli == required ]]; then
        echo "signed|every message after SESSION_SETUP is signed"
    elif [[ $srv == disabled ]]; then
        echo "not-signed|server signing=disabled still advertises SecurityMode 0x01 for SMB2 (Samba treats it as auto); 3.1.1: only the last SESSION_SETUP response and TREE_CONNECTs are signed"
    else
        echo "not-signed|3.1.1: only the last SESSION_SETUP response and TREE_CONNECTs are signed, the rest is not"
    fi
}

# SMB1 matrix (NT LM 0.12, extended security):
#   * smbclient's Negotiate request carries Flags2 0xC843 whatever its setting; its
#     Session Setup requests carry 0xC857 (signatures + required) when it requires
#     signing and 0xC843 otherwise; the server's SecurityMode is 0x03/0x07/0x0F;
#   * server mandatory + client disabled: the *client* refuses right after
#     Negotiate ("cli_negprot: SMB signing is required, but client[disabled] and
#     server[required] mismatch", NT_STATUS_ACCESS_DENIED): no Session Setup;
#   * server disabled (mode 3) + client required: Samba signs anyway (KB 916846's
#     "patched" behaviour): signed, not the predicted no-communication;
#   * guest: unsigned even on a signing-mandatory server; a client that requires
#     signing rejects the guest Session Setup response ("BAD SIG") and leaves.
expect_smb1() {   # expect_smb1 SRV CLI LOGIN
    local srv=$1 cli=$2 login=$3
    if [[ $srv == mandatory && $cli == disabled ]]; then
        echo "mismatch-access-denied|reviewed: server requires (SecurityMode 0x0F), client signing disabled: the Samba client itself aborts after Negotiate with NT_STATUS_ACCESS_DENIED, so the wire shows only Negotiate + FIN (the shape KB 887429 gives for mismatch-no-communication) and no ACCESS_DENIED status; client signing is not visible on the wire (Negotiate Flags2 0xC843 in every case)"
        return
    fi
    if [[ $login == guest ]]; then
        if [[ $cli == required ]]; then
            echo "guest-blocked|server granted a guest session (Action bit 0x0001); the client requires signing, rejects the response ('BAD SIG') and disconnects before Tree Connect"
        elif [[ $srv == mandatory ]]; then
            echo "not-signed|server requires signing (0x0F) but the guest session is unsigned after Session Setup"
        else
            echo "not-signed|guest session, nothing signed"
        fi
        return
    fi
    if [[ $srv == disabled && $cli == required ]]; then
        echo "signed|predicted mismatch-no-communication (server SecurityMode 0x03, client requires), but Samba signs anyway: every message after Session Setup is signed (note, not the verdict)"
    elif [[ $srv == mandatory || $cli == required ]]; then
        echo "signed|every message from Session Setup on is signed"
    else
        echo "not-signed|no signatures"
    fi
}

# --------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------

# login_args user|guest -> smbclient share and credentials, one per line
login_args() {
    if [[ $1 == user ]]; then printf '%s\n' private "${USER_CRED[@]}"
    else printf '%s\n' public -U 'guest%'; fi
}

# 1. SMB2/3, default protocol range: server {disabled,auto,mandatory} x client
#    {disabled,if_required,required} x {user,guest}.
scenario_smb2_matrix() {
    local srv ip cli login
    local -a la sopt
    for srv in disabled auto mandatory; do
        case $srv in
            disabled)  ip=$IP_DISABLED ;;
            auto)      ip=$IP_AUTO ;;
            mandatory) ip=$IP_MANDATORY ;;
        esac
        for cli in disabled if_required required; do
            for login in user guest; do
                mapfile -t la < <(login_args "$login")
                mapfile -t sopt < <(signing_opts "$cli")
                smb_session "smb2-srv_$srv-cli_$cli-$login.pcap" "$ip" \
                    "SMB2/3 default dialects; server signing=$srv; client signing=$cli; $login login" \
                    "$(expect_smb2 "$srv" "$cli" "$login")" \
                    "//$ip/${la[0]}" "${la[@]:1}" "${sopt[@]}"
            done
        done
    done
}

# 2. SMB1 (NT1 pinned on both sides), same 3 x 3 x {user,guest}.
scenario_smb1_matrix() {
    local srv ip cli login
    local -a la sopt
    local -a nt1=(--option='client min protocol=NT1' --option='client max protocol=NT1')
    for srv in disabled auto mandatory; do
        case $srv in
            disabled)  ip=$IP_SMB1_DISABLED ;;
            auto)      ip=$IP_SMB1_AUTO ;;
            mandatory) ip=$IP_SMB1_MANDATORY ;;
        esac
        for cli in disabled if_required required; do
            for login in user guest; do
                mapfile -t la < <(login_args "$login")
                mapfile -t sopt < <(signing_opts "$cli")
                smb_session "smb1-srv_$srv-cli_$cli-$login.pcap" "$ip" \
                    "SMB1 NT1 only; server signing=$srv; client signing=$cli; $login login" \
                    "$(expect_smb1 "$srv" "$cli" "$login")" \
                    "//$ip/${la[0]}" "${la[@]:1}" "${nt1[@]}" "${sopt[@]}"
            done
        done
    done
}

# 3. Dialects pinned on the client (min = max), against the signing=auto server
#    and the signing=mandatory server (each dialect's signing algorithm; for dialects
#    below 3.1.1 smbclient sends a signed FSCTL_VALIDATE_NEGOTIATE_INFO after each
#    TREE_CONNECT); plus a server capped at SMB2_10 with a default client.
scenario_dialects() {
    local d srv ip exp
    for d in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
        for srv in auto mandatory; do
            if [[ $srv == mandatory ]]; then
                ip=$IP_MANDATORY; exp="signed|every message after SESSION_SETUP is signed"
            else
                ip=$IP_AUTO
                if [[ $d == SMB3_11 ]]; then
                    exp="not-signed|3.1.1: only the last SESSION_SETUP response and TREE_CONNECTs are signed"
                else
                    exp="not-signed|only the last SESSION_SETUP response, TREE_CONNECTs and the VALIDATE_NEGOTIATE_INFO IOCTLs (secure negotiate, which succeeds) are signed; the rest is not"
                fi
            fi
            smb_session "dialect-cli_$d-srv_$srv-user.pcap" "$ip" \
                "client pinned to $d (min=max); server signing=$srv; user login" "$exp" \
                "//$ip/private" "${USER_CRED[@]}" \
                --option="client min protocol=$d" --option="client max protocol=$d"
        done
    done
    smb_session "dialect-srv_max_SMB2_10-cli_default-user.pcap" "$IP_CAP21" \
        "server max protocol=SMB2_10 (signing auto); default smbclient offers 2.0.2..3.1.1; user login" \
        "not-signed|dialect 2.1 chosen from the client's 5; signed VALIDATE_NEGOTIATE_INFO succeeds (no downgrade: the server really is capped)" \
        "//$IP_CAP21/private" "${USER_CRED[@]}"
}

# Protocol-range mismatches (no common dialect): not a signing case, but a
# Negotiate that fails is exactly what an analyser must not mistake for success.
scenario_protocol_mismatch() {
    smb_session "proto-cli_NT1-srv_smb2only-user.pcap" "$IP_AUTO" \
        "SMB1-only client (NT1) against SMB2+ server (server min protocol default SMB2_02)" \
        "negotiate-failed|reviewed: no common dialect: the server answers the SMB1 Negotiate with DialectIndex 0xFFFF and the client leaves" \
        "//$IP_AUTO/private" "${USER_CRED[@]}" \
        --option='client min protocol=NT1' --option='client max protocol=NT1'
    smb_session "proto-cli_SMB2-srv_smb1only-user.pcap" "$IP_SMB1_AUTO" \
        "default smbclient (SMB2 Negotiate, 2.0.2..3.1.1) against an NT1-only server" \
        "negotiate-failed|reviewed: the NT1-only server closes the connection without answering the SMB2 Negotiate request" \
        "//$IP_SMB1_AUTO/private" "${USER_CRED[@]}"
}

# 4. nmap security-mode / protocol scripts; nmap's text output beside the capture.
scenario_nmap() {
    local name ip exp file rc txt summary
    for name in mandatory disabled smb1_disabled; do
        case $name in
            mandatory)     ip=$IP_MANDATORY
                exp="incomplete|reviewed: one incomplete per probe connection; Negotiate-only probes, no session: no conversation can be signed/not-signed; the per-server view (--hosts) must say SMB2 signing required (SecurityMode 0x03) and that SMB1 is refused (DialectIndex 0xFFFF)" ;;
            disabled)      ip=$IP_DISABLED
                exp="incomplete|reviewed: one incomplete per probe connection; Negotiate-only probes, no session; per server: signing enabled but not required (0x01) - relay target; SMB1 refused (0xFFFF)" ;;
            smb1_disabled) ip=$IP_SMB1_DISABLED
                exp="incomplete|reviewed: one incomplete per probe connection; Negotiate-only probes, no session (nmap prints 'account_used: guest' but sends no Session Setup); SMB1 Negotiate answered with SecurityMode 0x03, SMB2 Negotiate requests get no answer; per server: SMB1 only, signing disabled" ;;
        esac
        file="nmap-srv_$name.pcap"; txt="$OUT/nmap-srv_$name.nmap.txt"
        local -a cmd=(nmap -n -Pn -p445 --script smb2-security-mode,smb-security-mode,smb-protocols "$ip")
        cap_start "$file" "$(smb_filter "$ip")"
        rc=0
        timeout "$NMAP_TIMEOUT" "${cmd[@]}" -oN "$txt.tmp" </dev/null >"$WORK/nmap.out" 2>&1 || rc=$?
        cap_stop
        # Drop nmap's timestamp comment lines so reruns only differ where nmap does.
        grep -v '^# Nmap' "$txt.tmp" > "$txt" || true
        rm -f "$txt.tmp"
        summary=$(sed -n '/^Host script results:/,$p' "$txt" | tail -n +2 |
                  sed -E 's/^\|_?[[:space:]]*//' | grep -v '^$' | paste -sd ' ' - | tr -s ' ' || true)
        add_row "$file" "nmap security-mode/protocol scripts vs server $name" \
            "$(cmd_text "${cmd[@]}")" "$rc" "nmap: ${summary:-no script output}" "$exp"
    done
}

# 5. python3-impacket clients (impacket-client.py: login, listShares, listPath).
impacket_session() {   # impacket_session FILE IP DIALECT USER PASS SHARE SCENARIO "VERDICT|NOTE" [STEP U P]...
    local file=$1 ip=$2 dialect=$3 user=$4 pass=$5 share=$6 scen=$7 exp=$8; shift 8
    local out="$OUT/${file%.*}.client.txt" rc=0
    cap_start "$file" "$(smb_filter "$ip")"
    timeout "$CLIENT_TIMEOUT" "$PY" "$IMPACKET_CLIENT" "$ip" "$dialect" "$user" "$pass" "$share" "$@" \
        </dev/null >"$out" 2>&1 || rc=$?
    cap_stop
    record "$file" "$scen" "impacket-client.py $ip $dialect '$user' '$pass' $share${*:+ $(cmd_text "$@")}" \
        "$rc" "$out" "$exp"
}

# impacket 0.10 encrypts everything after SESSION_SETUP when it negotiates 3.0 with
# a server that offers encryption (Samba does by default): no signatures at all.
ENC_NOTE="reviewed: dialect 3.0: impacket encrypts every message after SESSION_SETUP (SMB2 TRANSFORM headers, \\xfdSMB): an encrypted session is protected, so signed with protection encryption, the client having asked for it (whether the server would also take unprotected sessions is in the host inventory)"
scenario_impacket() {
    impacket_session impacket-smb1-srv_smb1_auto-user.pcap "$IP_SMB1_AUTO" smb1 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket preferredDialect=SMB_DIALECT (NT LM 0.12); SMB1 server signing=auto" \
        "not-signed|impacket SMB1 Flags2 0x4801 (no signature bits), server 0x07"
    impacket_session impacket-smb2_02-srv_auto-user.pcap "$IP_AUTO" smb2_02 \
        "$TEST_USER" "$TEST_PASS" private "impacket preferredDialect=SMB2_DIALECT_002; server signing=auto" \
        "not-signed|only the last SESSION_SETUP response is signed"
    impacket_session impacket-smb2_10-srv_auto-user.pcap "$IP_AUTO" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private "impacket preferredDialect=SMB2_DIALECT_21; server signing=auto" \
        "not-signed|only the last SESSION_SETUP response is signed"
    impacket_session impacket-smb3_00-srv_auto-user.pcap "$IP_AUTO" smb3_00 \
        "$TEST_USER" "$TEST_PASS" private "impacket preferredDialect=SMB2_DIALECT_30; server signing=auto" \
        "signed|$ENC_NOTE"
    impacket_session impacket-default-srv_auto-user.pcap "$IP_AUTO" default \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket default: SMB1 multi-protocol Negotiate answered by SMB2 0x02FF, then SMB2 Negotiate (2.0.2/2.1/3.0); server signing=auto" \
        "signed|$ENC_NOTE"
    impacket_session impacket-smb2_10-srv_mandatory-user.pcap "$IP_MANDATORY" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private "impacket preferredDialect=SMB2_DIALECT_21; server signing=mandatory" \
        "signed|impacket signs (HMAC-SHA256) because the server requires it"
    impacket_session impacket-default-srv_mandatory-user.pcap "$IP_MANDATORY" default \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket default (multi-protocol Negotiate, then 3.0); server signing=mandatory" \
        "signed|$ENC_NOTE; server requires signing (0x03) and the requirement is met by encryption"
    impacket_session impacket-default-srv_auto-guest.pcap "$IP_AUTO" default \
        guest "" public "impacket default, guest login; server signing=auto" \
        "not-signed|guest session (IS_GUEST), nothing signed or encrypted"
    impacket_session impacket-default-srv_mandatory-guest.pcap "$IP_MANDATORY" default \
        guest "" public "impacket default, guest login; server signing=mandatory" \
        "mismatch-access-denied|reviewed: guest-blocked is for a client that requires signing; here the server requires signing (0x03) but grants a guest session (IS_GUEST); impacket (SecurityMode 0x01) signs the TREE_CONNECT anyway, with a key the server does not share, and gets STATUS_ACCESS_DENIED; could also be read as mismatch-access-denied"
}

# 6. Transports: NetBIOS over TCP 139 (session request), and IPv6 ::1.
scenario_transports() {
    smb_session "transport-tcp139-srv_auto-user.pcap" "$IP_AUTO" \
        "TCP 139 with NetBIOS session request; server signing=auto; default client" \
        "not-signed|3.1.1: only the last SESSION_SETUP response and TREE_CONNECTs are signed" \
        "//$IP_AUTO/private" "${USER_CRED[@]}" -p 139
    smb_session "transport-tcp139-srv_mandatory-user.pcap" "$IP_MANDATORY" \
        "TCP 139 with NetBIOS session request; server signing=mandatory; default client" \
        "signed|every message after SESSION_SETUP is signed" \
        "//$IP_MANDATORY/private" "${USER_CRED[@]}" -p 139
    smb_session "transport-ipv6-srv_auto-user.pcap" "$IP6_AUTO" \
        "IPv6 ::1 port 445; server signing=auto; client signing=required" \
        "signed|client requires (SecurityMode 0x03): every message after SESSION_SETUP is signed" \
        "//localhost6/private" -I "$IP6_AUTO" "${USER_CRED[@]}" "--option=client signing=required"
}

# 7. Link layers and file formats: -i any (Linux cooked v2 and v1), pcapng copy,
#    96-byte snaplen.
scenario_linktypes() {
    local f dlt ver file out
    for f in sll2 sll; do
        dlt=LINUX_SLL2 ver=2
        [[ $f == sll ]] && dlt=LINUX_SLL ver=1
        file="link-any_$f-srv_mandatory-user.pcap"
        out="$OUT/${file%.pcap}.client.txt"
        cap_start "$file" "$(smb_filter "$IP_MANDATORY")" -i any -y "$dlt"
        run_smbclient "$out" "//$IP_MANDATORY/private" "${USER_CRED[@]}" -c ls
        cap_stop
        record "$file" \
            "tcpdump -i any -y $dlt (Linux cooked capture v$ver); server signing=mandatory; default client" \
            "smbclient $(cmd_text "//$IP_MANDATORY/private" "${USER_CRED[@]}" -c ls)" \
            "$SMBCLIENT_RC" "$out" "signed|every message after SESSION_SETUP is signed"
    done

    # pcapng copy of a matrix capture (same packets, different file format).
    local src=smb2-srv_mandatory-cli_if_required-user
    editcap -F pcapng "$OUT/$src.pcap" "$OUT/format-pcapng-$src.pcapng"
    add_row "format-pcapng-$src.pcapng" "pcapng copy of $src.pcap (editcap -F pcapng)" \
        "editcap -F pcapng $src.pcap format-pcapng-$src.pcapng" 0 \
        "(see $src.pcap)" "signed|same packets as $src.pcap"

    file=snaplen96-srv_mandatory-user.pcap
    out="$OUT/${file%.pcap}.client.txt"
    cap_start "$file" "$(smb_filter "$IP_MANDATORY")" -s 96
    run_smbclient "$out" "//$IP_MANDATORY/private" "${USER_CRED[@]}" -c ls
    cap_stop
    record "$file" "tcpdump -s 96: every frame cut to 96 bytes (26 bytes of SMB2 header); server signing=mandatory" \
        "smbclient $(cmd_text "//$IP_MANDATORY/private" "${USER_CRED[@]}" -c ls)" \
        "$SMBCLIENT_RC" "$out" \
        "incomplete|Negotiate bodies are cut off: SecurityMode and dialect cannot be read (the client did connect and list, signed)"
}

# 8. Several clients at once against two servers in one capture.
scenario_concurrent() {
    local file=concurrent-two-servers.pcap
    local txt="$OUT/concurrent-two-servers.client.txt"
    local -a names=() cmds=() exps=() pids=()
    local i rc

    cap_start "$file" "(host $IP_MANDATORY or host $IP_DISABLED) and (tcp port 445 or tcp port 139)"
    launch() {   # launch NAME "VERDICT|NOTE" CMD...
        local n=$1 e=$2; shift 2
        names+=("$n"); exps+=("$e"); cmds+=("$(cmd_text "$@")")
        timeout "$CLIENT_TIMEOUT" "$@" </dev/null >"$WORK/conc.$n.out" 2>&1 &
        pids+=("$!")
    }
    local sc=(smbclient -s "$WORK/client.conf")
    launch A-user-default-to-mandatory "signed|to $IP_MANDATORY" \
        "${sc[@]}" "//$IP_MANDATORY/private" "${USER_CRED[@]}" -c ls
    launch B-user-cli_disabled-to-mandatory "signed|to $IP_MANDATORY; client signing disabled still signs for SMB2" \
        "${sc[@]}" "//$IP_MANDATORY/private" "${USER_CRED[@]}" "--option=client signing=disabled" -c ls
    launch C-guest-default-to-mandatory "not-signed|to $IP_MANDATORY; guest session exempt from signing" \
        "${sc[@]}" "//$IP_MANDATORY/public" -U 'guest%' -c ls
    launch D-user-cli_required-to-disabled "signed|to $IP_DISABLED; client requires" \
        "${sc[@]}" "//$IP_DISABLED/private" "${USER_CRED[@]}" "--option=client signing=required" -c ls
    launch E-user-SMB2_02-to-disabled "not-signed|to $IP_DISABLED; dialect 2.0.2, signed VALIDATE_NEGOTIATE_INFO only" \
        "${sc[@]}" "//$IP_DISABLED/private" "${USER_CRED[@]}" "--option=client max protocol=SMB2_02" -c ls
    launch F-impacket-default-to-disabled "not-signed|to $IP_DISABLED; $ENC_NOTE" \
        "$PY" "$IMPACKET_CLIENT" "$IP_DISABLED" default "$TEST_USER" "$TEST_PASS" private
    : > "$txt"
    for i in "${!pids[@]}"; do
        rc=0
        wait "${pids[$i]}" || rc=$?
        { echo "===== ${names[$i]}: ${cmds[$i]} (exit $rc)"; cat "$WORK/conc.${names[$i]}.out"; } >> "$txt"
        record "$file" "concurrent client ${names[$i]}" "${cmds[$i]}" "$rc" \
            "$WORK/conc.${names[$i]}.out" "${exps[$i]}"
    done
    cap_stop
}

# --------------------------------------------------------------------------------
# Output files
# --------------------------------------------------------------------------------
# --only: the rows of files this run did not produce, from the old MANIFEST.tsv,
# in their old order, then this run's rows.
merge_old_manifest() {
    local -a old=()
    local r
    [[ -f $OUT/MANIFEST.tsv ]] || return 0
    while IFS= read -r r; do
        [[ -n ${PRODUCED[${r%%$'\t'*}]:-} ]] || old+=("$r")
    done < <(tail -n +2 "$OUT/MANIFEST.tsv")
    MANIFEST_ROWS=("${old[@]}" "${MANIFEST_ROWS[@]}")
}

write_manifest() {
    {
        printf 'file\tscenario\tclient_command\tclient_exit\tclient_outcome\texpected_verdict\tnote\n'
        printf '%s\n' "${MANIFEST_ROWS[@]}"
    } > "$OUT/MANIFEST.tsv"
}

md_cell() { printf '%s' "${1//|/\\|}"; }

write_readme() {
    local versions
    versions="$(smbd --version | head -1 | sed 's/^Version/Samba/'), $(nmap --version | head -1 | sed 's/ ( .*//'), $("$PY" -c 'from impacket import version; print(version.BANNER.split(" - ")[0])'), $(tcpdump --version 2>&1 | head -1)"
    {
        cat <<'EOF'
# captures/ — real SMB traffic for smbneg's tests

Generated by `test/captures/make-captures.sh` (run as root on Debian 12; it wipes
and regenerates the capture files, `MANIFEST.tsv` and this README). Every capture is
real traffic between a real Samba `smbd` and a real client (`smbclient`, `nmap` or
`python3-impacket` through `test/captures/impacket-client.py`) on loopback, recorded
with `tcpdump -i lo -U --immediate-mode -w FILE 'host SERVER and (tcp port 445 or
tcp port 139)'`, one scenario per file. Do not edit by hand: change the script and
rerun it.

EOF
        echo "Generated with: $versions."
        cat <<EOF

## Servers

Each server is its own \`smbd --foreground -s CONF\`, bound only to its loopback
address (\`interfaces = ADDR/8\`, \`bind interfaces only = yes\`, \`smb ports = 445 139\`),
all its state under one temporary folder, a user \`$TEST_USER\` in a private tdbsam,
a guest share \`[public]\` (\`guest ok = yes\`, \`map to guest = bad user\`) and an
authenticated share \`[private]\` (\`valid users = $TEST_USER\`).

| address | server signing | protocols |
|---|---|---|
| $IP_MANDATORY | mandatory | SMB2_02 .. SMB3_11 (default) |
| $IP_DISABLED | disabled (Samba treats it as auto for SMB2) | SMB2_02 .. SMB3_11 |
| $IP_AUTO and $IP6_AUTO | auto | SMB2_02 .. SMB3_11 |
| $IP_CAP21 | auto | SMB2_02 .. SMB2_10 (\`server max protocol = SMB2_10\`) |
| $IP_SMB1_MANDATORY | mandatory | NT1 only (\`server min/max protocol = NT1\`) |
| $IP_SMB1_DISABLED | disabled | NT1 only |
| $IP_SMB1_AUTO | auto | NT1 only |
| $IP_MIN3 | auto | SMB3_00 .. SMB3_11 (\`server min protocol = SMB3_00\`) |
| $IP_NOGUEST | auto, \`map to guest = never\` | NT1 .. SMB3_11 |
| $IP_ENC | auto, \`server smb encrypt = required\` | SMB2_02 .. SMB3_11 |
| $IP_RAWNTLM | auto, \`raw NTLMv2 auth = yes\` | NT1 only |
| $IP_RAWNTLM_MANDATORY | mandatory, \`raw NTLMv2 auth = yes\` | NT1 only |
| $IP_ATTACKSRV | impacket \`smbserver.py -smb2support\` (attack tool's SMB server) | NT1, SMB2_02 |
| $IP_DC | Samba AD DC (\`samba\`, KDC), realm $DC_REALM, signing mandatory (DC default) | SMB2_02 .. SMB3_11 |
| $IP_RELAY_TARGET, $IP_RELAY_TARGET_SIGN | auto / mandatory; relay targets, in a network namespace of their own | SMB2_02 .. SMB3_11 |

The session-layer scenarios (files \`negfail-*\`, \`logon-*\`, \`smb1sign-*\`,
\`encrypt-*\`, \`anon-*\`, \`guest-*\`, \`multisession-*\`, \`relay-*\`,
\`attacksrv-*\`, \`kerberos-*\`) come from \`test/captures/session-scenarios.sh\` and
are regenerated alone with \`make-captures.sh --only session\` (or one group:
\`--only relay\`), which leaves every other file untouched. The relay captures are
made in a network namespace of their own whose routes give each host its own source
address: the victim ($IP_VICTIM, smbclient) connects to the relay host ($IP_RELAY,
impacket \`ntlmrelayx.py\` bound to that address, SMB server only), which connects to
the target ($IP_RELAY_TARGET or $IP_RELAY_TARGET_SIGN); both legs are in one file and
\`NAME.client.txt\` holds the victim's and the relay tool's output.

Clients connect from 127.0.0.1 (or ::1). smbclient runs \`-c ls\` in a share (user:
\`//IP/private -U $TEST_USER%PASSWORD\`; guest: \`//IP/public -U 'guest%'\`); client
signing is set with \`--option='client signing=X' --option='client ipc signing=X'\`;
dialects with \`--option='client min protocol=D' --option='client max protocol=D'\`.
The client's full output is in \`NAME.client.txt\` beside each capture (nmap's in
\`NAME.nmap.txt\`).

\`MANIFEST.tsv\` is the machine-readable form of the table below, one row per client
run (\`concurrent-two-servers.pcap\` has six): file, scenario, client command, client
exit status, client outcome, expected verdict, note.

## Files

"smbneg should conclude" is our reading of README "Verdicts" (KB 887429, KB 916846) given what the wire
and the client showed; "(?)" marks calls we are not sure of (the note says why).

| file | how it was made | client printed (exit status) | smbneg should conclude |
|---|---|---|---|
EOF
        local row file scen cmd rc oc exp note
        for row in "${MANIFEST_ROWS[@]}"; do
            IFS=$'\t' read -r file scen cmd rc oc exp note <<<"$row"
            printf '| `%s` | %s | %s (exit %s) | **%s** — %s |\n' \
                "$file" "$(md_cell "$scen")" "$(md_cell "$oc")" "$rc" "$exp" "$(md_cell "$note")"
        done
        echo
        cat "$HERE/README-notes.md"
    } > "$OUT/README.md"
}

# --------------------------------------------------------------------------------
main() {
    [[ $(id -u) == 0 ]] || die "run as root (smbd, tcpdump and useradd need it)"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ensure_packages
    [[ -f $HERE/README-notes.md ]] || die "missing $HERE/README-notes.md"
    [[ -f $IMPACKET_CLIENT ]] || die "missing $IMPACKET_CLIENT"
    check_groups "$ONLY"

    # Refuse to start if something already listens on one of our addresses
    # (or on the wildcard address) on port 445 or 139.
    local addr
    for addr in $(ss -Hltn '( sport = :445 or sport = :139 )' | awk '{print $4}'); do
        case ${addr%:*} in
            "$IP_MANDATORY"|"$IP_DISABLED"|"$IP_AUTO"|"$IP_CAP21"|"$IP_SMB1_MANDATORY"|\
            "$IP_SMB1_DISABLED"|"$IP_SMB1_AUTO"|"[$IP6_AUTO]"|0.0.0.0|"[::]"|"*"|\
            "$IP_MIN3"|"$IP_NOGUEST"|"$IP_ENC"|"$IP_RAWNTLM"|"$IP_RAWNTLM_MANDATORY"|"$IP_ATTACKSRV"|"$IP_DC")
                die "something already listens on $addr; stop it first" ;;
        esac
    done

    WORK=$(mktemp -d /tmp/smbneg-captures.XXXXXX)
    chmod 0755 "$WORK"           # share paths below must be reachable by smbd's users
    ensure_test_user
    USER_CRED=(-U "$TEST_USER%$TEST_PASS")

    mkdir -p "$OUT"
    write_client_conf
    if [[ -z $ONLY ]]; then
        # From scratch: remove what a previous run generated.
        find "$OUT" -mindepth 1 -maxdepth 1 \( -name '*.pcap' -o -name '*.pcapng' \
             -o -name '*.txt' -o -name MANIFEST.tsv -o -name README.md \) -delete
        start_all_servers
        start_session_servers all

        scenario_smb2_matrix
        scenario_smb1_matrix
        scenario_dialects
        scenario_protocol_mismatch
        scenario_nmap
        scenario_impacket
        scenario_transports
        scenario_linktypes
        scenario_concurrent
        run_session_groups all
    else
        start_all_servers
        start_session_servers "$ONLY"
        run_session_groups "$ONLY"
        merge_old_manifest
    fi

    write_manifest
    write_readme
    log "done: $(find "$OUT" -maxdepth 1 -name '*.pcap*' | wc -l) capture files, $(du -sh "$OUT" | cut -f1) in $OUT"
}

# The session-layer and relay scenarios (issues 9 and 10).
# shellcheck source=session-scenarios.sh
. "$HERE/session-scenarios.sh"

main
