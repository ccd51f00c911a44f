# session-scenarios.sh — sourced by make-captures.sh: the session-layer scenarios
# (failed negotiations, failed logons, the SMB1 BSRSPYL signing failure,
# encryption, guest and anonymous, several sessions on one connection, Kerberos) and
# the relay / attack-tool scenarios (test/captures/README-attacks.md).
#
# Each group is a function scenario_<group>; `make-captures.sh --only GROUPS` runs
# only those groups and leaves every other capture file untouched.  Uses the helpers
# of make-captures.sh (start_server, cap_start/cap_stop, run_smbclient, record,
# add_row, cmd_text, smb_filter).

SESSION_GROUPS=(negfail logon smb1sign encrypt anon multisession relay attacksrv kerberos)

# More server instances, each on its own loopback address (see start_session_servers).
IP_MIN3=127.0.0.61         # SMB2/3, server min protocol = SMB3_00, signing auto
IP_NOGUEST=127.0.0.62      # NT1..SMB3_11, map to guest = never, signing auto
IP_ENC=127.0.0.63          # SMB2/3, server smb encrypt = required, signing auto
IP_RAWNTLM=127.0.0.65     # NT1 only, raw NTLMv2 auth = yes, signing auto
IP_RAWNTLM_MANDATORY=127.0.0.67   # NT1 only, raw NTLMv2 auth = yes, signing mandatory
IP_ATTACKSRV=127.0.0.66   # impacket smbserver.py (an attack tool's SMB server)
# The relay runs in a network namespace of its own (see scenario_relay), so that the
# victim, the relay host and the targets each have their own source address.
IP_VICTIM=127.0.0.71      # smbclient (the victim)
IP_RELAY=127.0.0.70       # impacket ntlmrelayx.py (the relay host)
IP_RELAY_TARGET=127.0.0.72      # Samba, server signing = auto (relay works)
IP_RELAY_TARGET_SIGN=127.0.0.73 # Samba, server signing = mandatory (relay fails)

IP_DC=127.0.0.80           # Samba AD DC (samba, KDC on 88): Kerberos scenario
DC_REALM=SMBNEG.TEST
DC_DOMAIN=SMBNEGAD
DC_PASS='SmbNegAd-2024!'    # throwaway administrator password of the temporary domain

IMPACKET_EXAMPLES=${IMPACKET_EXAMPLES:-/usr/share/doc/python3-impacket/examples}
RELAY_NS=""                # the network namespace we created, for session_cleanup
MADE_WB_DIR=0              # 1: we created /run/samba/winbindd (Kerberos DC)
declare -a EXTRA_PIDS=()   # relay / attack servers we started

# check_groups LIST: dies on an unknown group name ("session" = all of them).
check_groups() {
    local g
    [[ -z $1 ]] && return 0
    for g in ${1//,/ }; do
        [[ $g == session || " ${SESSION_GROUPS[*]} " == *" $g "* ]] ||
            die "unknown group '$g' (known: session ${SESSION_GROUPS[*]})"
    done
}

want_group() {   # want_group LIST GROUP
    [[ $1 == all || ",$1," == *",session,"* || ",$1," == *",$2,"* ]]
}

start_session_servers() {   # start_session_servers LIST
    local l=$1
    if want_group "$l" negfail; then
        start_server min3 "$IP_MIN3/8" auto "server min protocol = SMB3_00"
    fi
    if want_group "$l" logon || want_group "$l" anon; then
        start_server noguest "$IP_NOGUEST/8" auto "map to guest = never" \
            "server min protocol = NT1"
    fi
    if want_group "$l" encrypt; then
        start_server enc "$IP_ENC/8" auto "server smb encrypt = required"
    fi
    if want_group "$l" logon || want_group "$l" smb1sign; then
        # Samba refuses NTLMv2 in an SMB1 Session Setup without extended security
        # (STATUS_INVALID_PARAMETER) unless `raw NTLMv2 auth = yes`.
        local raw=("raw NTLMv2 auth = yes" "server min protocol = NT1" "server max protocol = NT1")
        start_server rawntlm "$IP_RAWNTLM/8" auto "${raw[@]}"
        start_server rawntlm_mand "$IP_RAWNTLM_MANDATORY/8" mandatory "${raw[@]}"
    fi
}

run_session_groups() {   # run_session_groups LIST
    local g
    for g in "${SESSION_GROUPS[@]}"; do
        want_group "$1" "$g" && "scenario_$g"
    done
    return 0
}

# Stop what the scenarios started (called from make-captures.sh's EXIT trap).
session_cleanup() {
    local pid
    for pid in "${EXTRA_PIDS[@]}"; do stop_pid "$pid"; done
    [[ -n $RELAY_NS ]] && ip netns del "$RELAY_NS" 2>/dev/null
    [[ $MADE_WB_DIR == 1 ]] && rm -rf /run/samba/winbindd
    return 0
}

# smb_cmd FILE IP SCENARIO "VERDICT|NOTE" SMBCLIENT_COMMAND [smbclient args...]
#   Like smb_session, with the smbclient command (-c) given.
smb_cmd() {
    local file=$1 ip=$2 scen=$3 exp=$4 c=$5; shift 5
    local out="$OUT/${file%.*}.client.txt"
    cap_start "$file" "$(smb_filter "$ip")"
    run_smbclient "$out" "$@" -c "$c"
    cap_stop
    record "$file" "$scen" "smbclient $(cmd_text "$@" -c "$c")" "$SMBCLIENT_RC" "$out" "$exp"
}

# exp_of KEY: the expected-verdict text of a scenario that runs in a loop.
exp_of() {
    case $1 in
        SMB1SIGN_auto) echo "invalid-signature|reviewed (?): SMB1 without extended security, the client requires signing (Session Setup Flags2 0xC057, SecuritySignature 'BSRSPYL '); the server (SecurityMode 0x07, raw NTLMv2 auth = yes) answers STATUS_SUCCESS with the placeholder 'BSRSPYL ' (0x4253525350594c20) instead of a signature; the client prints 'smb1_signing_good: BAD SIG: seq 1', reports NT_STATUS_ACCESS_DENIED and closes before Tree Connect. A real signing failure on a complete capture (never incomplete); no STATUS_INVALID_SIGNATURE is sent, the verdict must still name the bad signature" ;;
        SMB1SIGN_mandatory) echo "invalid-signature|reviewed (?): as smb1sign-...-srv_raw_ntlmv2_auto: the server requires signing too (SecurityMode 0x0F) and still answers the non-extended-security Session Setup with 'BSRSPYL '; the client prints 'BAD SIG: seq 1' and NT_STATUS_ACCESS_DENIED" ;;
        ENC_CLIENT_SMB3_11) echo "reviewed: client-chosen encryption: SESSION_SETUP response SessionFlags 0x0000 (the server did not ask), every message after it is an SMB2 TRANSFORM (Encrypted SMB3); cipher from the ENCRYPTION context of the Negotiate response (0x0002 AES-128-GCM); protection encryption, the reason says the client asked" ;;
        ENC_CLIENT_SMB3_00) echo "reviewed: client-chosen encryption at 3.0: SessionFlags 0x0000, TRANSFORM messages after SESSION_SETUP, cipher AES-128-CCM (the only 3.0 cipher); protection encryption, the client asked" ;;
        ENC_SERVER_SMB3_11) echo "reviewed: server-forced encryption: SESSION_SETUP response SessionFlags ENCRYPT_DATA (0x0004), TRANSFORM messages after it, cipher 0x0002 AES-128-GCM; protection encryption, the reason names the server (smb encrypt = required / Set-SmbServerConfiguration -EncryptData); not 'the client chose to encrypt', not not-signed" ;;
        ENC_SERVER_SMB3_00) echo "reviewed: server-forced encryption at 3.0: SessionFlags ENCRYPT_DATA (0x0004), TRANSFORM messages, AES-128-CCM; protection encryption, the server asked" ;;
        KRB_SMB3_11) echo "signed|reviewed: Kerberos: SPNEGO with a krb5 AP-REQ (ticket realm SMBNEG.TEST, service cifs/dc1.smbneg.test, auth_mechanism kerberos; user/domain/workstation null: the client name is in the encrypted part); no NTLMSSP, so server_name etc. null; the DC requires signing (SecurityMode 0x03): every message after SESSION_SETUP is signed" ;;
        KRB_SMB2_10) echo "signed|reviewed: Kerberos at 2.1: AP-REQ realm SMBNEG.TEST, service cifs/dc1.smbneg.test; the DC requires signing (0x03): every message after SESSION_SETUP is signed" ;;
        *) die "no expected verdict for $1" ;;
    esac
}

NT1_OPTS=(--option='client min protocol=NT1' --option='client max protocol=NT1')

# --------------------------------------------------------------------------------
# negfail: no dialect agreed.  (An NT1-only client against an SMB2+ server and an
# SMB2 client against an NT1-only server are already proto-*.pcap.)
scenario_negfail() {
    smb_session "negfail-cli_max_SMB2_10-srv_min_SMB3_00-user.pcap" "$IP_MIN3" \
        "client max protocol=SMB2_10 (offers 2.0.2, 2.1) against server min protocol=SMB3_00" \
        "negotiate-failed|reviewed: the client offers 2.0.2 and 2.1 only (SMB2 Negotiate, no SMB1), the server's minimum is 3.0: the Negotiate response is an SMB2 ERROR with STATUS_NOT_SUPPORTED (0xC00000BB) and the client prints NT_STATUS_NOT_SUPPORTED; no Session Setup. Fix: client max protocol = SMB3 (or higher) or server min protocol = SMB2_10" \
        "//$IP_MIN3/private" "${USER_CRED[@]}" --option='client max protocol=SMB2_10'
    smb_session "negfail-cli_NT1-srv_min_SMB3_00-user.pcap" "$IP_MIN3" \
        "SMB1-only client (NT1) against server min protocol=SMB3_00" \
        "negotiate-failed|reviewed: SMB1 Negotiate offering only 'NT LM 0.12'; the server (SMB1 off, min 3.0) answers with a WordCount-1 response, DialectIndex 0xFFFF; the client prints 'No compatible protocol selected by server' and NT_STATUS_INVALID_NETWORK_RESPONSE. Fix: enable SMB2/3 on the client (client max protocol), SMB1 stays off" \
        "//$IP_MIN3/private" "${USER_CRED[@]}" "${NT1_OPTS[@]}"
    impacket_session "negfail-impacket_smb2_10-srv_min_SMB3_00-user.pcap" "$IP_MIN3" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket preferredDialect=SMB2_DIALECT_21 (offers 2.1 only) against server min protocol=SMB3_00" \
        "negotiate-failed|reviewed: impacket offers 2.1 only (SMB2 Negotiate); the server answers STATUS_NOT_SUPPORTED (0xC00000BB) and impacket raises SessionError STATUS_NOT_SUPPORTED at connect"
}

# --------------------------------------------------------------------------------
# logon: Session Setup ends in an authentication error.
scenario_logon() {
    smb_session "logon-smb2-badpass-srv_auto.pcap" "$IP_AUTO" \
        "SMB2/3 default client, right user, wrong password; server signing=auto" \
        "logon-failed|reviewed: NTLMSSP (SPNEGO) user smbnegtest, domain SMBNEG, workstation SMBNEGCLIENT; the final SESSION_SETUP response is STATUS_LOGON_FAILURE (0xC000006D); an authentication problem, not a signing one" \
        "//$IP_AUTO/private" -U "$TEST_USER%wrong-password"
    smb_session "logon-smb1-badpass-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" \
        "SMB1 NT1 client (NTLMSSP), right user, wrong password; NT1-only server" \
        "logon-failed|reviewed: SMB1 with extended security (NTLMSSP), user smbnegtest; the second Session Setup AndX response is STATUS_LOGON_FAILURE (0xC000006D, WordCount 0)" \
        "//$IP_SMB1_AUTO/private" -U "$TEST_USER%wrong-password" "${NT1_OPTS[@]}"
    smb_session "logon-smb2-unknown_user-srv_noguest.pcap" "$IP_NOGUEST" \
        "SMB2/3 default client, unknown user; server map to guest = never" \
        "logon-failed|reviewed: NTLMSSP user nosuchuser, domain SMBNEG; with map to guest = never an unknown user is refused: STATUS_LOGON_FAILURE (compare guest-smb2-baduser-srv_auto.pcap, where the same name becomes a guest)" \
        "//$IP_NOGUEST/private" -U "nosuchuser%whatever"
    smb_session "logon-smb1-unknown_user-srv_noguest.pcap" "$IP_NOGUEST" \
        "SMB1 NT1 client, unknown user; server map to guest = never" \
        "logon-failed|reviewed: SMB1 NTLMSSP user nosuchuser; map to guest = never: STATUS_LOGON_FAILURE" \
        "//$IP_NOGUEST/private" -U "nosuchuser%whatever" "${NT1_OPTS[@]}"
    smb_session "logon-smb2-ntlmv1-srv_auto.pcap" "$IP_AUTO" \
        "SMB2/3 client with client ntlmv2 auth = no (NTLMv1 inside NTLMSSP); server ntlm auth = ntlmv2-only (default)" \
        "logon-failed|reviewed: the AUTHENTICATE carries a 24-byte NTLMv1 NtChallengeResponse (no NTProofStr); Samba's default ntlm auth = ntlmv2-only refuses it: STATUS_LOGON_FAILURE. Fix: NTLMv2 on the client (client ntlmv2 auth = yes; Windows LmCompatibilityLevel 3 or more), not the server's ntlm auth" \
        "//$IP_AUTO/private" "${USER_CRED[@]}" --option='client ntlmv2 auth=no'
    smb_session "logon-smb1-nospnego-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" \
        "SMB1 NT1 client, client use spnego = no (no extended security, raw NTLMv2 response); NT1-only server, ntlm auth = ntlmv2-only (default)" \
        "logon-failed|reviewed: SMB1 without extended security (Negotiate and Session Setup Flags2 without 0x0800, auth_mechanism lm-ntlm): AccountName smbnegtest, PrimaryDomain SMBNEG, 24-byte LMv2 and a 64-byte NTLMv2 response in the clear Session Setup; Samba refuses NTLMv2 outside NTLMSSP (raw NTLMv2 auth = no, the default): STATUS_INVALID_PARAMETER (0xC000000D). Fix: client use spnego = yes (extended security) or, less safe, server raw NTLMv2 auth = yes" \
        "//$IP_SMB1_AUTO/private" "${USER_CRED[@]}" "${NT1_OPTS[@]}" --option='client use spnego=no'
    smb_session "logon-smb1-nospnego-srv_raw_ntlmv2-user.pcap" "$IP_RAWNTLM" \
        "SMB1 NT1 client, client use spnego = no (raw NTLMv2 response, no extended security); NT1-only server with raw NTLMv2 auth = yes, signing auto" \
        "not-signed|reviewed: the same client as logon-smb1-nospnego-srv_smb1_auto.pcap, accepted because this server has raw NTLMv2 auth = yes: auth_mechanism lm-ntlm, AccountName smbnegtest, PrimaryDomain SMBNEG, NativeOS Unix; no NTLMSSP CHALLENGE (server_name etc. null); nothing signed" \
        "//$IP_RAWNTLM/private" "${USER_CRED[@]}" "${NT1_OPTS[@]}" --option='client use spnego=no'
    impacket_session "logon-impacket_smb2_10-badpass_then_ok-srv_auto.pcap" "$IP_AUTO" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket 2.1: login with a wrong password, then with the right one, on the same TCP connection; server signing=auto" \
        "not-signed|reviewed (?): two Session Setup exchanges on one connection: the first (its own SessionId) ends STATUS_LOGON_FAILURE, impacket starts again with SessionId 0 and the second succeeds (same user); afterwards only that SESSION_SETUP response is signed (2.1, nobody requires). sessions[] holds both, the first with status STATUS_LOGON_FAILURE; the conversation verdict follows the successful session, not logon-failed" --pre-login "$TEST_USER" wrong-password
}

# --------------------------------------------------------------------------------
# smb1sign: an SMB1 client that requires signing, without extended security.
scenario_smb1sign() {
    local s
    for s in auto mandatory; do
        local ip=$IP_RAWNTLM
        [[ $s == mandatory ]] && ip=$IP_RAWNTLM_MANDATORY
        smb_session "smb1sign-nospnego-cli_required-srv_raw_ntlmv2_$s-user.pcap" "$ip" \
            "SMB1 NT1 client, client signing = required, client use spnego = no (no extended security, raw NTLMv2); NT1-only server, raw NTLMv2 auth = yes, signing=$s" \
            "$(exp_of SMB1SIGN_$s)" \
            "//$ip/private" "${USER_CRED[@]}" "${NT1_OPTS[@]}" --option='client use spnego=no' \
            --option='client signing=required' --option='client ipc signing=required'
    done
}

# --------------------------------------------------------------------------------
# encrypt: client-chosen (smbclient --client-protection=encrypt) and server-forced
# (server smb encrypt = required), dialects 3.1.1 and 3.0.
scenario_encrypt() {
    local d
    for d in SMB3_11 SMB3_00; do
        smb_session "encrypt-client-cli_$d-srv_auto-user.pcap" "$IP_AUTO" \
            "client-chosen encryption: smbclient --client-protection=encrypt, client pinned to $d; server signing=auto, encryption offered (default)" \
            "signed|$(exp_of ENC_CLIENT_$d)" \
            "//$IP_AUTO/private" "${USER_CRED[@]}" --client-protection=encrypt \
            --option="client min protocol=$d" --option="client max protocol=$d"
        smb_session "encrypt-server-cli_$d-srv_enc_required-user.pcap" "$IP_ENC" \
            "server-forced encryption: server smb encrypt = required, signing auto; default smbclient pinned to $d" \
            "signed|$(exp_of ENC_SERVER_$d)" \
            "//$IP_ENC/private" "${USER_CRED[@]}" \
            --option="client min protocol=$d" --option="client max protocol=$d"
    done
    smb_session "encrypt-server-cli_SMB2_10-srv_enc_required-user.pcap" "$IP_ENC" \
        "server smb encrypt = required; client pinned to SMB2_10 (cannot encrypt)" \
        "logon-failed|reviewed (?): the server requires encryption (server smb encrypt = required) and the client negotiated 2.1, which cannot encrypt: the final SESSION_SETUP response is STATUS_ACCESS_DENIED (0xC0000022), the client prints session setup failed: NT_STATUS_ACCESS_DENIED. Neither side requires signing: the cause is encryption required by the server, not a signing mismatch. Fix: an SMB 3.x client, or server smb encrypt = if_required/desired" \
        "//$IP_ENC/private" "${USER_CRED[@]}" \
        --option='client min protocol=SMB2_10' --option='client max protocol=SMB2_10'
    impacket_session "encrypt-server-impacket_smb3_00-srv_enc_required-user.pcap" "$IP_ENC" smb3_00 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket preferredDialect=SMB2_DIALECT_30; server smb encrypt = required (SessionFlags ENCRYPT_DATA)" \
        "signed|reviewed: impacket at 3.0 against a server that forces encryption: SessionFlags ENCRYPT_DATA (0x0004), TRANSFORM messages after SESSION_SETUP; protection encryption, the server asked"
}

# --------------------------------------------------------------------------------
# anon: null sessions (smbclient -N -U%) and guest sessions from a bad user name.
scenario_anon() {
    smb_cmd "anon-smb2-ipc-srv_auto.pcap" "$IP_AUTO" \
        "anonymous (null session, smbclient -N -U%) to IPC\$, SMB2/3 default; server signing=auto" \
        "not-signed|reviewed: anonymous: NTLMSSP AUTHENTICATE with empty user and domain (tshark prints NULL) and an empty NT response; Samba sets no IS_NULL flag (SessionFlags 0x0000): anonymous must still be recognised from the empty user; Tree Connect IPC\$, nothing signed. Cause: anonymous sessions cannot be signed; fix: refuse them (restrict anonymous = 2, RestrictNullSessAccess), not signing settings" exit \
        "//$IP_AUTO/IPC\$" -N -U%
    smb_session "anon-smb2-public-srv_auto.pcap" "$IP_AUTO" \
        "anonymous (smbclient -N -U%) to the guest-ok share, SMB2/3 default; server signing=auto" \
        "not-signed|reviewed: anonymous (empty NTLMSSP user, SessionFlags 0x0000) listing the guest-ok share; nothing signed; fix: refuse anonymous access" \
        "//$IP_AUTO/public" -N -U%
    smb_cmd "anon-smb1-ipc-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" \
        "anonymous (smbclient -N -U%) to IPC\$, SMB1 NT1; NT1-only server signing=auto" \
        "not-signed|reviewed: SMB1 anonymous: NTLMSSP AUTHENTICATE with empty user, Session Setup AndX Action 0x0000 (not guest); Tree Connect IPC\$; nothing signed" exit \
        "//$IP_SMB1_AUTO/IPC\$" -N -U% "${NT1_OPTS[@]}"
    smb_session "anon-smb1-public-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" \
        "anonymous (smbclient -N -U%) to the guest-ok share, SMB1 NT1; NT1-only server signing=auto" \
        "not-signed|reviewed: SMB1 anonymous (empty NTLMSSP user, Action 0x0000) listing the guest-ok share; nothing signed" \
        "//$IP_SMB1_AUTO/public" -N -U% "${NT1_OPTS[@]}"
    smb_session "anon-smb2-public-srv_mandatory.pcap" "$IP_MANDATORY" \
        "anonymous (smbclient -N -U%) to the guest-ok share, SMB2/3; server signing=mandatory" \
        "not-signed|reviewed: the server requires signing (SecurityMode 0x03) yet grants the anonymous session (empty NTLMSSP user, SessionFlags 0x0000) and signs nothing: the advice must NOT be server signing = mandatory (already in force) but to refuse anonymous sessions (restrict anonymous = 2)" \
        "//$IP_MANDATORY/public" -N -U%
    smb_session "anon-smb1-public-srv_smb1_mandatory.pcap" "$IP_SMB1_MANDATORY" \
        "anonymous (smbclient -N -U%) to the guest-ok share, SMB1 NT1; NT1-only server signing=mandatory" \
        "not-signed|reviewed: SMB1 server requires signing (SecurityMode 0x0F) yet the anonymous session (empty NTLMSSP user) is unsigned; fix: refuse anonymous, not server signing" \
        "//$IP_SMB1_MANDATORY/public" -N -U% "${NT1_OPTS[@]}"
    smb_session "anon-smb2-public-srv_noguest.pcap" "$IP_NOGUEST" \
        "anonymous (smbclient -N -U%) to the guest-ok share; server map to guest = never" \
        "not-signed|reviewed: map to guest = never does not stop null sessions: the anonymous session (empty NTLMSSP user, SessionFlags 0x0000) is granted and lists the guest-ok share; nothing signed; fix: restrict anonymous = 2" \
        "//$IP_NOGUEST/public" -N -U%
    smb_session "guest-smb2-baduser-srv_auto.pcap" "$IP_AUTO" \
        "unknown user name mapped to guest (map to guest = bad user), SMB2/3 default; server signing=auto" \
        "not-signed|reviewed: NTLMSSP user nosuchuser, domain SMBNEG, mapped to guest (map to guest = bad user): SessionFlags IS_GUEST (0x0001); nothing signed; fix: map to guest = never" \
        "//$IP_AUTO/public" -U "nosuchuser%whatever"
    smb_session "guest-smb1-baduser-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" \
        "unknown user name mapped to guest (map to guest = bad user), SMB1 NT1; NT1-only server signing=auto" \
        "not-signed|reviewed: SMB1 NTLMSSP user nosuchuser mapped to guest: Session Setup AndX Action 0x0001; nothing signed" \
        "//$IP_SMB1_AUTO/public" -U "nosuchuser%whatever" "${NT1_OPTS[@]}"
    smb_session "guest-smb2-baduser-srv_mandatory.pcap" "$IP_MANDATORY" \
        "unknown user name mapped to guest, SMB2/3 default; server signing=mandatory" \
        "not-signed|reviewed: the server requires signing (SecurityMode 0x03) but grants the bad-user guest session (IS_GUEST) unsigned: the advice must NOT repeat server signing = mandatory; fix: map to guest = never" \
        "//$IP_MANDATORY/public" -U "nosuchuser%whatever"
    impacket_session "anon-impacket-default-srv_auto.pcap" "$IP_AUTO" default \
        "" "" public "impacket default dialect, anonymous login (empty user and password); server signing=auto" \
        "not-signed|reviewed: impacket anonymous (empty user and password) after a multi-protocol Negotiate, dialect 3.0: NTLMSSP AUTHENTICATE with empty user, SessionFlags 0x0000 (no IS_NULL), and no encryption (no session key); nothing signed"
}

# --------------------------------------------------------------------------------
# multisession: several Session Setups on one TCP connection (impacket).
scenario_multisession() {
    impacket_session "multisession-impacket_smb2_10-relogin-srv_auto.pcap" "$IP_AUTO" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket 2.1: log in as $TEST_USER, list, log off, log in again as guest (a second SessionId on the same connection); server signing=auto" \
        "not-signed|reviewed: two sessions on one connection: SessionId A (smbnegtest, SessionFlags 0x0000) lists, LOGOFF, then SessionId B (guest, IS_GUEST 0x0001) lists again; only A's final SESSION_SETUP response is signed (2.1, nobody requires); sessions[] has two entries with different session_id" --relogin guest ""
    impacket_session "multisession-impacket_smb2_10-reauth-srv_auto.pcap" "$IP_AUTO" smb2_10 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket 2.1: log in as $TEST_USER, list, then a second Session Setup on the same SessionId (re-authentication), list again; server signing=auto" \
        "not-signed|reviewed: re-authentication: after the first SESSION_SETUP exchange and a listing, a second exchange on the same SessionId (user smbnegtest again) succeeds and the client lists again; sessions[] has two entries with the same session_id; nothing signed apart from the SESSION_SETUP responses" --reauth "$TEST_USER" "$TEST_PASS"
    impacket_session "multisession-impacket_smb1-relogin-srv_smb1_auto.pcap" "$IP_SMB1_AUTO" smb1 \
        "$TEST_USER" "$TEST_PASS" private \
        "impacket SMB1: log in as $TEST_USER, list, log off, log in again as guest (a second UID on the same connection); NT1-only server signing=auto" \
        "not-signed|reviewed: SMB1: UID A (smbnegtest, Action 0x0000) lists, LOGOFF_ANDX, then UID B (guest, Action 0x0001) lists again on the same connection; nothing signed" --relogin guest ""
}

# --------------------------------------------------------------------------------
# wait_listen IP PORT: until something listens there (in NS_EXEC's namespace).
wait_listen() {
    local ip=$1 port=$2 pid=$3 i
    for i in $(seq 1 100); do
        "${NS_EXEC[@]}" ss -Hltn "sport = :$port" | awk '{print $4}' | grep -qxF "$ip:$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# One line that says what ntlmrelayx printed.
relay_outcome() {
    local l
    l=$(grep -E 'Authenticating against|SUCCEED|FAILED|[Ss]igning is required|ERROR|Exception|rejected|Done dumping|Service RemoteRegistry' "$1" |
        sed -E 's/^\[[^]]*\] *//' | awk '!seen[$0]++' | head -n 6 | paste -sd ';' -)
    echo "ntlmrelayx: ${l:-no relay line}"
}

# relay_run FILE TARGET_IP SCENARIO "VERDICT|NOTE" "VERDICT|NOTE"
#   victim smbclient (from IP_VICTIM) -> ntlmrelayx on IP_RELAY -> Samba at TARGET_IP,
#   both legs in one capture; the expected verdicts of the victim's conversation and
#   of the relay host's conversation with the target.
relay_run() {
    local file=$1 tgt=$2 scen=$3 exp=$4 rexp=$5
    local out="$OUT/${file%.*}.client.txt" rlog="$WORK/relay.${file%.*}.log" rpid
    mkdir -p "$WORK/loot"
    cap_start "$file" "tcp port 445 or tcp port 139"
    ( cd "$WORK" && exec "${NS_EXEC[@]}" "$PY" -u "$HERE/ntlmrelayx-launch.py" "$IMPACKET_EXAMPLES" \
        -t "smb://$tgt" -ip "$IP_RELAY" -smb2support --no-multirelay \
        --no-http-server --no-wcf-server --no-raw-server -l "$WORK/loot" ) \
        </dev/null >"$rlog" 2>&1 &
    rpid=$!
    EXTRA_PIDS+=("$rpid")
    wait_listen "$IP_RELAY" 445 "$rpid" || { cat "$rlog" >&2; die "ntlmrelayx does not listen"; }
    run_smbclient "$WORK/victim.out" "//$IP_RELAY/share" "${USER_CRED[@]}" -c ls
    sleep 3                  # let the relay finish what it does on the target
    stop_pid "$rpid"
    cap_stop
    { echo "===== victim: smbclient //$IP_RELAY/share (exit $SMBCLIENT_RC)"; cat "$WORK/victim.out"
      echo "===== relay host: ntlmrelayx.py -t smb://$tgt -ip $IP_RELAY"; cat "$rlog"; } > "$out"
    record "$file" "$scen (victim)" \
        "smbclient $(cmd_text "//$IP_RELAY/share" "${USER_CRED[@]}" -c ls)" \
        "$SMBCLIENT_RC" "$WORK/victim.out" "$exp"
    add_row "$file" "$scen (relay host)" \
        "ntlmrelayx.py -t smb://$tgt -ip $IP_RELAY -smb2support --no-multirelay --no-http-server --no-wcf-server --no-raw-server" \
        "-" "$(relay_outcome "$rlog")" "$rexp"
}

# relay: in a network namespace of our own, with routes that give each host its own
# source address (connections to the relay come from IP_VICTIM, connections to the
# targets from IP_RELAY), as on a real network.
scenario_relay() {
    RELAY_NS=smbneg-relay-$$
    ip netns add "$RELAY_NS" || die "cannot create network namespace $RELAY_NS"
    NS_EXEC=(ip netns exec "$RELAY_NS")
    "${NS_EXEC[@]}" ip link set lo up
    "${NS_EXEC[@]}" ip route add local "$IP_RELAY/32" dev lo scope host src "$IP_VICTIM" table local
    "${NS_EXEC[@]}" ip route add local "$IP_RELAY_TARGET/32" dev lo scope host src "$IP_RELAY" table local
    "${NS_EXEC[@]}" ip route add local "$IP_RELAY_TARGET_SIGN/32" dev lo scope host src "$IP_RELAY" table local
    start_server relaytgt "$IP_RELAY_TARGET/8" auto
    start_server relaysign "$IP_RELAY_TARGET_SIGN/8" mandatory
    local who="victim $IP_VICTIM (smbclient, user $TEST_USER, domain SMBNEG), relay host $IP_RELAY (impacket ntlmrelayx)"
    relay_run "relay-ntlmrelayx-smb2-target_signing_auto.pcap" "$IP_RELAY_TARGET" \
        "NTLM relay: $who, target $IP_RELAY_TARGET (Samba, server signing=auto)" \
        "not-signed|reviewed (?): the victim's conversation (127.0.0.71 -> relay 127.0.0.70, dialect 2.0.2, neither side requires signing): the relay's SESSION_SETUP success is unsigned and the victim's signed TREE_CONNECT gets an unsigned STATUS_OBJECT_PATH_NOT_FOUND (smbclient prints tree connect failed: NT_STATUS_ACCESS_DENIED); what matters is the ntlm-relay indicator and the relay event, and that the reason calls the peer a relay, not a server to update" \
        "not-signed|reviewed (?): NTLM relay in one capture: victim 127.0.0.71 -> relay 127.0.0.70:445 (ntlmrelayx SMB server, dialect 2.0.2) and relay 127.0.0.70 -> target 127.0.0.72:445 (Samba, signing auto: not required; the relay sends SecurityMode 0x00). The target's server challenge is forwarded unchanged to the victim and the victim's AUTHENTICATE (same NTProofStr, user smbnegtest, domain SMBNEG) to the target, where the session succeeds; the relay then opens svcctl on IPC\$ (its default attack fails: rpc_s_access_denied). Expected: a relay event (victim 127.0.0.71:PORT, relay 127.0.0.70, target 127.0.0.72:445, user smbnegtest, domain SMBNEG, evidence ntproofstr-reused and challenge-forwarded) and ntlm-relay on both conversations; the relayed session to a target that does not require signing is the attack signing exists to stop. The victim's own session gets an unsigned SESSION_SETUP success and its signed TREE_CONNECT an unsigned STATUS_OBJECT_PATH_NOT_FOUND (the victim prints NT_STATUS_ACCESS_DENIED): that is the relay, not a server bug"
    relay_run "relay-ntlmrelayx-smb2-target_signing_mandatory.pcap" "$IP_RELAY_TARGET_SIGN" \
        "NTLM relay attempt: $who, target $IP_RELAY_TARGET_SIGN (Samba, server signing=mandatory)" \
        "not-signed|reviewed (?): the victim's conversation (127.0.0.71 -> relay 127.0.0.70, dialect 2.0.2, neither side requires signing): the relay's SESSION_SETUP success is unsigned and the victim's signed TREE_CONNECT gets an unsigned STATUS_OBJECT_PATH_NOT_FOUND (smbclient prints tree connect failed: NT_STATUS_ACCESS_DENIED); what matters is the ntlm-relay indicator and the relay event, and that the reason calls the peer a relay, not a server to update" \
        "mismatch-access-denied|reviewed (?): relay attempt against a target that requires signing (SecurityMode 0x03): the relay's session setup succeeds (ntlmrelayx prints SUCCEED after 'Signing is required'), but its unsigned TREE_CONNECT (relay SecurityMode 0x00) gets STATUS_ACCESS_DENIED: the relay fails. The relay event and ntlm-relay still fire (same NTProofStr, challenge forwarded); the relay->target conversation is mismatch-access-denied, the victim conversation as in relay-...-target_signing_auto.pcap"
    NS_EXEC=()
}

# attacksrv: impacket's smbserver.py (an attack tool's SMB server) and smbclient.
scenario_attacksrv() {
    local d="$WORK/attack-share" pid log="$WORK/smbserver.log"
    mkdir -p "$d"; echo "attack tool share" > "$d/readme.txt"
    ( cd "$WORK" && exec "$PY" -u "$IMPACKET_EXAMPLES/smbserver.py" -ip "$IP_ATTACKSRV" -smb2support \
        SHARE "$d" ) </dev/null >"$log" 2>&1 &
    pid=$!
    EXTRA_PIDS+=("$pid")
    wait_listen "$IP_ATTACKSRV" 445 "$pid" || { cat "$log" >&2; die "smbserver.py does not listen"; }
    smb_session "attacksrv-impacket_smbserver-smb2-user.pcap" "$IP_ATTACKSRV" \
        "impacket smbserver.py -smb2support (attack tool SMB server, no credentials configured) on $IP_ATTACKSRV; default smbclient, user login" \
        "not-signed|reviewed: impacket smbserver.py: NTLMSSP CHALLENGE server challenge 0xAAAAAAAAAAAAAAAA (impacket 0.10 SimpleSMBServer sets its 'challenge' option to 'A'*16, i.e. the bytes 0xAA, not the letters 0x41): indicator ntlm-fixed-challenge (Responder and Metasploit use 0x4141414141414141 and 0x1122334455667788: add 0xAAAAAAAAAAAAAAAA); dialect 2.0.2; the tool grants any login as guest (SessionFlags IS_GUEST 0x0001); nothing signed" "//$IP_ATTACKSRV/SHARE" "${USER_CRED[@]}"
    smb_session "attacksrv-impacket_smbserver-smb1-user.pcap" "$IP_ATTACKSRV" \
        "impacket smbserver.py on $IP_ATTACKSRV; smbclient NT1 only, user login" \
        "not-signed|reviewed: impacket smbserver.py over SMB1 (NT LM 0.12, SecurityMode 0x03): NTLMSSP server challenge 0xAAAAAAAAAAAAAAAA: indicator ntlm-fixed-challenge; nothing signed" "//$IP_ATTACKSRV/SHARE" "${USER_CRED[@]}" "${NT1_OPTS[@]}"
    stop_pid "$pid"
}

# kerberos: a Samba AD DC provisioned into the work folder, bound to IP_DC only, a
# krb5.conf and a credential cache of our own (KRB5_CONFIG, KRB5CCNAME), kinit, then
# smbclient --use-kerberos=required.  The capture keeps the SMB ports only (the
# TGS exchange on port 88 is not SMB); the AP-REQ is in the Session Setup request.
# The DC's winbindd uses the compiled-in socket directory /run/samba/winbindd
# (smbd's libwbclient only looks there), which we remove afterwards when we made it.
scenario_kerberos() {
    local d="$WORK/dc" pid i
    if ! command -v samba >/dev/null || ! command -v kinit >/dev/null; then
        log "kerberos: samba (samba-ad-dc) or kinit (krb5-user) missing, skipped"
        return 0
    fi
    [[ -e /run/samba/winbindd ]] || MADE_WB_DIR=1
    log "kerberos: provisioning a temporary AD domain $DC_REALM (about 20 s)"
    samba-tool domain provision --realm="$DC_REALM" --domain="$DC_DOMAIN" --server-role=dc \
        --dns-backend=NONE --adminpass="$DC_PASS" --host-name=dc1 --targetdir="$d" \
        --option="interfaces=$IP_DC/8" --option="bind interfaces only=yes" \
        --option="disable netbios=yes" >"$WORK/provision.out" 2>&1 ||
        { tail -20 "$WORK/provision.out" >&2; die "samba-tool domain provision failed"; }
    mkdir -p "$d/log" "$d/pid" "$d/ncalrpc" "$d/ntp" "$d/client"
    dc_conf_edit "$d"
    samba --foreground -s "$d/etc/smb.conf" </dev/null >"$d/samba.out" 2>&1 &
    pid=$!
    SERVER_PIDS+=("$pid")
    SERVER_CONFS+=("$d/etc/smb.conf")
    if ! wait_listen "$IP_DC" 445 "$pid" || ! wait_listen "$IP_DC" 88 "$pid"; then
        cat "$d/samba.out" >&2; die "samba AD DC does not listen on $IP_DC"
    fi
    printf '%s\n' "[libdefaults]" "    default_realm = $DC_REALM" \
        "    dns_lookup_realm = false" "    dns_lookup_kdc = false" "    rdns = false" \
        "[realms]" "    $DC_REALM = {" "        kdc = $IP_DC" "    }" \
        "[domain_realm]" "    .${DC_REALM,,} = $DC_REALM" > "$d/krb5.conf"
    printf '%s\n' "[global]" "    workgroup = $DC_DOMAIN" "    realm = $DC_REALM" \
        "    netbios name = KRBCLIENT" "    lock directory = $d/client" \
        "    state directory = $d/client" "    cache directory = $d/client" \
        "    private dir = $d/client" "    name resolve order = host" > "$d/client.conf"
    export KRB5_CONFIG="$d/krb5.conf" KRB5CCNAME="FILE:$d/ccache"
    for i in $(seq 1 30); do
        echo "$DC_PASS" | kinit "administrator@$DC_REALM" >"$WORK/kinit.out" 2>&1 && break
        sleep 1
    done
    klist >>"$WORK/kinit.out" 2>&1 || { cat "$WORK/kinit.out" >&2; die "kinit failed"; }
    sleep 5                  # winbindd must be up before smbd can map the user
    local host="dc1.${DC_REALM,,}" file out c
    for c in SMB3_11 SMB2_10; do
        file="kerberos-smb2-cli_$c-dc_signing_default.pcap"
        out="$OUT/${file%.*}.client.txt"
        cap_start "$file" "$(smb_filter "$IP_DC")"
        SMBCLIENT_RC=0
        timeout "$CLIENT_TIMEOUT" smbclient -s "$d/client.conf" "//$host/netlogon" -I "$IP_DC" \
            --use-kerberos=required -N --option="client max protocol=$c" -c ls \
            </dev/null >"$out" 2>&1 || SMBCLIENT_RC=$?
        cap_stop
        record "$file" \
            "Kerberos: kinit administrator@$DC_REALM, smbclient --use-kerberos=required to //$host/netlogon (Samba AD DC on $IP_DC, server signing default = mandatory on a DC), client max protocol=$c" \
            "smbclient $(cmd_text "//$host/netlogon" -I "$IP_DC" --use-kerberos=required -N --option="client max protocol=$c" -c ls)" \
            "$SMBCLIENT_RC" "$out" "$(exp_of KRB_$c)"
    done
    unset KRB5_CONFIG KRB5CCNAME
    stop_server "$pid" "$d/etc/smb.conf"
    return 0
}

# dc_conf_edit DIR: keep the provisioned [global], [sysvol] and [netlogon]; every
# path under DIR; no printers, no home shares, only the services we need.
dc_conf_edit() {
    "$PY" - "$1" <<'PYEOF'
import re, sys
d = sys.argv[1]
p = d + "/etc/smb.conf"
s = open(p).read()
if "[homes]" in s:
    s = s[:s.index("[homes]")] + s[s.index("[sysvol]"):]
s = re.sub(r"\tlog file = .*\n", "\tlog file = %s/log/log.%%m\n\tpid directory = %s/pid\n"
           "\tncalrpc dir = %s/ncalrpc\n\tntp signd socket directory = %s/ntp\n"
           "\tload printers = no\n\tprinting = bsd\n\tprintcap name = /dev/null\n"
           "\tdisable spoolss = yes\n\tsmb ports = 445\n\tlog level = 1\n" % (d, d, d, d), s)
s = re.sub(r"\tserver services = .*\n", "", s)
s = re.sub(r"\tpanic action = .*\n", "", s)
s = s.replace("[global]\n", "[global]\n\tserver services = s3fs, rpc, ldap, kdc, winbindd\n", 1)
open(p, "w").write(s)
PYEOF
}
