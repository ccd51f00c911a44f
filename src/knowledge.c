/* knowledge: the seed articles as data (see include/smbneg/knowledge.h). */
#include "smbneg/knowledge.h"

#include <string.h>

const char *const kb_outcome_names[] = {"signed", "not signed", "no communication"};

/* KB 916846 "Interoperability matrix for SMB signing", as published:
 * rows are the client, columns the server; within each, patched first, then
 * unpatched, each ordered required, enabled, disabled. */
#define S KB_SIGNED
#define N KB_NOT_SIGNED
#define X KB_NO_COMMUNICATION
static const enum kb_outcome kb916846[2][3][2][3] = {
	/* client patched */
	{
		/* required */ {{S, S, S}, {S, S, X}},
		/* enabled  */ {{S, S, N}, {S, S, N}},
		/* disabled */ {{S, N, N}, {S, N, N}},
	},
	/* client unpatched */
	{
		/* required */ {{S, S, X}, {S, S, X}},
		/* enabled  */ {{S, S, N}, {S, S, N}},
		/* disabled */ {{X, N, N}, {X, N, N}},
	},
};
#undef S
#undef N
#undef X

static int kb_index(enum signing s)
{
	return s == SIGNING_REQUIRED ? 0 : s == SIGNING_ENABLED ? 1 : 2;
}

enum kb_outcome kb916846_outcome(bool client_patched, enum signing client, bool server_patched,
				 enum signing server)
{
	return kb916846[client_patched ? 0 : 1][kb_index(client)][server_patched ? 0 : 1]
		       [kb_index(server)];
}

/* ---- reasons and notes per cause ---- */

#define KB887429 "KB 887429 \"Overview of Server Message Block signing\""
#define KB916846 "KB 916846 \"Interoperability matrix for SMB signing\""
#define KB2686098 "KB 2686098 \"System error 2148073478 ... Secure Negotiate\""
#define GUEST_24H2 "\"Control SMB signing behavior\" (Windows 11 24H2 guest access)"


/* Fixes that belong to one cause rather than to its verdict. */
#define FIX_REFUSE_GUEST                                                                          \
	"refuse guest and anonymous sessions, which cannot be signed: Samba \"map to guest = "    \
	"never\" and \"restrict anonymous = 2\"; Windows server: LanmanServer\\Parameters "        \
	"RestrictNullSessAccess=1, and on clients do not allow insecure guest logons "            \
	"(LanmanWorkstation AllowInsecureGuestAuth=0, Set-SmbClientConfiguration "                \
	"-EnableInsecureGuestLogons $false); give users real accounts"
#define FIX_NEGOTIATE_REFUSED                                                                     \
	"make the two sides share a dialect: raise the client's maximum (Samba \"client max "     \
	"protocol = SMB3\"), or lower the server's minimum (Samba \"server min protocol = "        \
	"SMB2_02\"; Windows Set-SmbServerConfiguration -EnableSMB2Protocol $true)"
#define FIX_NEGOTIATE_NO_DIALECT                                                                  \
	"the client offers only SMB1 dialects and the server has SMB1 turned off: let the client " \
	"speak SMB2/3 (Samba \"client max protocol = SMB3\", \"client min protocol = SMB2_02\"; "  \
	"Windows clients speak SMB2 unless it was disabled); enabling SMB1 on the server (Samba "  \
	"\"server min protocol = NT1\", Set-SmbServerConfiguration -EnableSMB1Protocol $true) "    \
	"works but brings back an insecure protocol Microsoft has deprecated"
#define FIX_NEGOTIATE_UNANSWERED                                                                  \
	"the server closed the connection instead of answering the dialects offered (an "         \
	"SMB1-only server meeting an SMB2/3 client): enable SMB2/3 on the server (Samba: remove " \
	"\"server max protocol = NT1\"; Windows Set-SmbServerConfiguration -EnableSMB2Protocol "   \
	"$true); letting the client fall back to SMB1 (Samba \"client min protocol = NT1\") is "   \
	"an insecure last resort"
#define FIX_LOGON_FAILED                                                                          \
	"an authentication problem, not a signing one: check the account name, domain and "       \
	"password (Samba: \"pdbedit -L\", \"smbpasswd -a USER\"; Windows: the account is not "     \
	"disabled, locked or expired); STATUS_INVALID_PARAMETER on an SMB1 logon without "        \
	"extended security means the server refuses that logon form: let the client use SPNEGO " \
	"(Samba \"client use spnego = yes\", \"client ntlmv2 auth = yes\")"
#define FIX_SMB1_UNSIGNED_LOGON                                                                   \
	"the server did not sign its Session Setup response although the client requires "        \
	"signing: let the client use extended security (Samba \"client use spnego = yes\"), or "   \
	"update the server so that it signs SMB1 sessions; do not stop requiring signing on the " \
	"client to work around it"
#define FIX_UNSIGNED_DESPITE_REQUIRED                                                             \
	"a side that requires signing let the session run unsigned: update the peer that did not " \
	"enforce it (ask the vendor), and look for a device between them that rewrites SMB "      \
	"traffic; the signing settings themselves are already in force"
#define FIX_PROBE                                                                                 \
	"nothing to change for a Negotiate-only probe (nmap, a scanner); to judge signing, "      \
	"capture a connection that logs on and opens a share"
#define FIX_TREE_CONNECT                                                                          \
	"check that the share exists and the account may open it (Samba \"valid users\", share " \
	"ACLs; smbclient -L lists the shares)"
#define FIX_TREE_DENIED_GUEST                                                                      \
	"give the client a real account instead of guest access (Samba \"map to guest = "          \
	"never\", \"smbpasswd -a USER\"): the server already requires signing, and a guest "       \
	"session cannot be signed"
#define FIX_ENDS_EARLY                                                                            \
	"capture until the client has opened a share and used it (the capture stops right after " \
	"the logon)"

static const struct knowledge table[] = {
    {CAUSE_NO_SMB, "no SMB message was seen", "", "MS-SMB2 2.1", NULL},
    {CAUSE_INVALID_SIGNATURE,
     "the server rejected a message with STATUS_INVALID_SIGNATURE (frame {frame}); Windows shows "
     "0xC000A000 (-1073700864) \"The cryptographic signature is invalid.\"",
     "", "\"Control SMB signing behavior\" (Windows 11 24H2 / Server 2025)", NULL},
    {CAUSE_SMB1_UNSIGNED_LOGON,
     "the client requires signing (client {client}) but the server's final Session Setup "
     "response was not signed (it still carries the \"BSRSPYL \" placeholder): the client "
     "rejected its signature and closed the connection (Samba prints a bad-signature / "
     "NT_STATUS_ACCESS_DENIED error; Windows shows System error 1240 or \"The cryptographic "
     "signature is invalid.\")",
     "", "MS-CIFS 3.2.4.2.4, 3.2.5.3", FIX_SMB1_UNSIGNED_LOGON},
    {CAUSE_SECURE_NEGOTIATE_FAILED,
     "Secure Negotiate failed: {sn_failure}; Windows 8 / Server 2012 and later show \"System "
     "error 2148073478\" (0x80090006, Invalid Signature)",
     "", KB2686098, NULL},
    {CAUSE_GUEST_BLOCKED,
     "the server granted a {session_kind} session, which cannot be signed, while the client "
     "requires signing{guest_status}; Windows shows System error 1272 (0xC05D0002, guest access "
     "blocked) or 3227320323 (0xC05D0003)",
     "", GUEST_24H2, NULL},
    {CAUSE_ENCRYPTED_BY_SERVER,
     "traffic after Session Setup was encrypted ({cipher}), which also protects integrity: the "
     "server asked for it (SessionFlags ENCRYPT_DATA: Samba \"smb encrypt = required\", "
     "Set-SmbServerConfiguration -EncryptData $true)",
     "", "MS-SMB2 3.3.5.5.3, 3.1.4.3", NULL},
    {CAUSE_SIGNED_ENCRYPTED,
     "traffic after Session Setup was encrypted ({cipher}), which also protects integrity: the "
     "client asked for it (the server did not set SessionFlags ENCRYPT_DATA; whether the server "
     "also accepts unprotected sessions is in the host inventory, --hosts)",
     "", "MS-SMB2 3.2.4.1.1, 3.1.4.3", NULL},
    {CAUSE_SIGNED_PARTLY, "", "{unsigned} of {total} messages after Session Setup were not signed",
     "MS-SMB2 3.2.4.1.1", NULL},
    {CAUSE_SIGNED_AGAINST_PREDICTION, "", "the settings predict {predicted}, but the peers signed",
     KB916846, NULL},
    {CAUSE_SIGNED_KB_NO_COMMUNICATION, "", "KB 916846 predicts {predicted}; these peers signed",
     KB916846, NULL},
    {CAUSE_SIGNED, "", "", "MS-SMB2 3.2.5.3.1", NULL},
    {CAUSE_TREE_DENIED_GUEST,
     "the server requires signing and granted a {session_kind} session, which cannot be signed: "
     "Tree Connect failed with STATUS_ACCESS_DENIED (0xC0000022); Windows shows System error 5 "
     "\"Access is denied.\"",
     "", KB887429, FIX_TREE_DENIED_GUEST},
    {CAUSE_TREE_DENIED_UNSIGNED_CLIENT,
     "the server requires signing and the client did not sign (client {client}): Tree Connect "
     "failed with STATUS_ACCESS_DENIED (0xC0000022); Windows shows System error 5 \"Access is "
     "denied.\"",
     "", KB887429, NULL},
    {CAUSE_CLIENT_SIGNING_DISABLED,
     "the server requires signing and the client has it disabled: the client gave up after "
     "Negotiate (Samba's smbclient prints NT_STATUS_ACCESS_DENIED; Windows clients fail Tree "
     "Connect with STATUS_ACCESS_DENIED, System error 5 \"Access is denied.\")",
     "", KB887429, NULL},
    {CAUSE_SERVER_SIGNING_DISABLED,
     "the client requires signing and the server has it disabled (SecurityMode 0x{secmode}): the "
     "client closed the connection after Negotiate; Windows shows System error 1240 \"The account "
     "is not authorized to log in from this station.\"",
     "", KB887429, NULL},
    {CAUSE_NEGOTIATE_REFUSED,
     "no dialect was agreed: the client offered {client_dialects} and the server answered "
     "{negotiate_status} (none of them is within its protocol range); not a signing problem",
     "", "MS-SMB2 3.3.5.4", FIX_NEGOTIATE_REFUSED},
    {CAUSE_NEGOTIATE_NO_DIALECT,
     "no dialect was agreed: the client offered {client_dialects} and the server answered "
     "DialectIndex 0xFFFF (none of them; SMB1 is off on the server); not a signing problem",
     "", "MS-CIFS 2.2.4.52.2", FIX_NEGOTIATE_NO_DIALECT},
    {CAUSE_NEGOTIATE_UNANSWERED,
     "no dialect was agreed: the client offered {client_dialects} and the server closed the "
     "connection without answering (smbclient prints NT_STATUS_CONNECTION_DISCONNECTED); not a "
     "signing problem",
     "", "MS-SMB2 3.3.5.3.1", FIX_NEGOTIATE_UNANSWERED},
    {CAUSE_CLOSED_AFTER_NEGOTIATE,
     "the client closed the connection after Negotiate without a Session Setup (a probe such as "
     "nmap's, or a client that gave up; settings predict {predicted})",
     "", KB916846, FIX_PROBE},
    {CAUSE_UNSIGNED_GUEST_EXEMPTED,
     "signing is required (client {client}, server {server}) yet traffic after Session Setup "
     "flowed unsigned: this was a {session_kind} session, and guest and anonymous sessions cannot "
     "be signed (the server exempted it); no error is shown, but this session can be tampered "
     "with",
     "", "MS-SMB2 3.3.5.5.3", FIX_REFUSE_GUEST},
    {CAUSE_UNSIGNED_DESPITE_REQUIRED,
     "signing is required (client {client}, server {server}) yet traffic after Session Setup "
     "flowed unsigned; no error is shown, but this session can be tampered with",
     "", "MS-SMB2 3.2.5.3.1", FIX_UNSIGNED_DESPITE_REQUIRED},
    {CAUSE_NOT_REQUIRED_GUEST,
     "neither side requires signing (client {client}, server {server}) and this was a "
     "{session_kind} session, which cannot be signed: traffic after Session Setup flowed "
     "unsigned; no error is shown, but the session can be tampered with",
     "", "MS-SMB2 3.3.5.5.3", FIX_REFUSE_GUEST},
    {CAUSE_NOT_REQUIRED,
     "neither side requires signing (client {client}, server {server}): traffic after Session "
     "Setup flowed unsigned; no error is shown, but the session can be tampered with and the "
     "server is an NTLM relay target",
     "", KB916846, NULL},
    {CAUSE_SESSION_SETUP_FAILED,
     "the logon failed: Session Setup ended with {session_status}{session_message} ({auth} "
     "logon{who}), so no traffic followed; an authentication problem, not a signing one "
     "(settings predict {predicted}){logon_hint}",
     "", "MS-SMB2 3.3.5.5", FIX_LOGON_FAILED},
    {CAUSE_TREE_CONNECT_FAILED,
     "Tree Connect failed with {tree_status} and no traffic followed (settings predict "
     "{predicted})",
     "", "MS-SMB2 3.3.5.7", FIX_TREE_CONNECT},
    {CAUSE_SNAPLEN_CUT,
     "the capture cut the SMB messages short (a small snaplen, or lost packets), so the "
     "Negotiate could not be read; capture with tcpdump -s 0",
     "", "pcap-savefile(5) snaplen", NULL},
    {CAUSE_MID_STREAM,
     "the capture does not hold the Negotiate (it starts mid-stream); {all_signed} of {all_total} "
     "messages seen were signed",
     "", "MS-SMB2 3.2.4.2", NULL},
    {CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED,
     "no successful Negotiate response was seen before the connection closed", "",
     "MS-SMB2 3.3.5.4", NULL},
    {CAUSE_NO_NEGOTIATE_RESPONSE,
     "no successful Negotiate response was seen (the capture ends first)", "", "MS-SMB2 3.3.5.4",
     NULL},
    {CAUSE_ATTACK, "attack ({indicators}): {attack}; signing on the wire: {wire}", "{wire_note}",
     "README \"JSON schema\" (indicators, relay); knowledge_attack.c", NULL},
    {CAUSE_ENDS_BEFORE_TRAFFIC,
     "the capture ends before any traffic after Session Setup (settings predict {predicted})", "",
     KB916846, FIX_ENDS_EARLY},
};

const struct knowledge *knowledge_of(enum verdict_cause cause)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].cause == cause)
			return &table[i];
	return NULL;
}

static const char *lookup(const struct knowledge_vars *vars, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return vars[i].value ? vars[i].value : "";
	return "";
}

const char *knowledge_render(const char *template, const struct knowledge_vars *vars, size_t n,
			     char *buf, size_t size)
{
	size_t at = 0;
	if (size == 0)
		return buf;
	for (const char *p = template; *p && at + 1 < size;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *piece = p;
		size_t len = 1;
		if (close) {
			piece = lookup(vars, n, p + 1, (size_t)(close - p - 1));
			len = strlen(piece);
			p = close + 1;
		} else {
			p++;
		}
		if (len > size - 1 - at)
			len = size - 1 - at;
		memcpy(buf + at, piece, len);
		at += len;
	}
	buf[at] = '\0';
	return buf;
}

const char *knowledge_secure_negotiate(enum secure_negotiate sn)
{
	switch (sn) {
	case SN_UNSIGNED_ERROR:
		return "the server answered FSCTL_VALIDATE_NEGOTIATE_INFO with an unsigned error";
	case SN_UNSIGNED:
		return "the server's FSCTL_VALIDATE_NEGOTIATE_INFO response was not signed";
	case SN_MISMATCH:
		return "the FSCTL_VALIDATE_NEGOTIATE_INFO response differs from the Negotiate "
		       "response "
		       "(a downgrade or a tampered negotiation)";
	default:
		return "";
	}
}

/* ---- fixes per verdict (KB 887429, KB 916846, KB 2686098, "Control SMB
 * signing behavior") ---- */

static const char *const fixes[V_COUNT] = {
    [V_NOT_SIGNED] =
	"require signing on the server: Windows registry LanmanServer\\Parameters "
	"RequireSecuritySignature=1 (Group Policy \"Microsoft network server: Digitally sign "
	"communications (always)\", PowerShell Set-SmbServerConfiguration "
	"-RequireSecuritySignature $true), Samba \"server signing = mandatory\"; and/or on the "
	"client: LanmanWorkstation\\Parameters RequireSecuritySignature=1 (\"Microsoft network "
	"client: Digitally sign communications (always)\", Set-SmbClientConfiguration "
	"-RequireSecuritySignature $true), Samba \"client signing = required\"",
    [V_MISMATCH_NO_COMMUNICATION] =
	"enable signing on the server: LanmanServer\\Parameters EnableSecuritySignature=1 "
	"(\"Microsoft network server: Digitally sign communications (if client agrees)\"), "
	"Samba \"server signing = auto\" or \"mandatory\"; only as a temporary measure, stop "
	"requiring it on the client (LanmanWorkstation RequireSecuritySignature=0, "
	"Set-SmbClientConfiguration -RequireSecuritySignature $false, Samba \"client signing = "
	"auto\"), which leaves the connection open to tampering and relay",
    [V_MISMATCH_ACCESS_DENIED] =
	"enable signing on the client: LanmanWorkstation\\Parameters EnableSecuritySignature=1 "
	"(\"Microsoft network client: Digitally sign communications (if server agrees)\"), "
	"Samba \"client signing = auto\" or \"required\"; do not lower the server's "
	"requirement (LanmanServer RequireSecuritySignature) to work around it",
    [V_GUEST_BLOCKED] =
	"give the client a real account on the server instead of guest access (Samba: \"map to "
	"guest = never\", a user with \"smbpasswd -a\"); turning off the client's signing "
	"requirement (Set-SmbClientConfiguration -RequireSecuritySignature $false, Group Policy "
	"\"Microsoft network client: Digitally sign communications (always)\" = Disabled) "
	"restores guest access, but Microsoft advises against signing with, or allowing, guest",
    [V_SECURE_NEGOTIATE_FAILED] =
	"update the server so that it signs its error responses (ask the vendor); workaround: "
	"require signing on the server (Samba \"server signing = mandatory\"), or on the client "
	"Set-SmbClientConfiguration -RequireSecuritySignature $true; disabling Secure Negotiate "
	"(LanmanWorkstation\\Parameters RequireSecureNegotiate=0) is a temporary, not "
	"recommended, troubleshooting step only",
    [V_INVALID_SIGNATURE] =
	"allow (enable) signing on the third-party server (Samba \"server signing = auto\" or "
	"\"mandatory\"); Microsoft does not recommend disabling client signing "
	"(Set-SmbClientConfiguration -RequireSecuritySignature $false) as a workaround",
    [V_NEGOTIATE_FAILED] = FIX_NEGOTIATE_REFUSED,
    [V_LOGON_FAILED] = FIX_LOGON_FAILED,
    [V_INCOMPLETE] = "capture the whole connection, from the TCP handshake on, with a full snaplen "
		     "(tcpdump -s 0 'tcp port 445 or tcp port 139')",
};

const char *knowledge_fix(enum verdict_kind v)
{
	return v < V_COUNT ? fixes[v] : NULL;
}

const char *knowledge_cause_fix(enum verdict_cause cause, enum verdict_kind v)
{
	const struct knowledge *k = knowledge_of(cause);
	if (v == V_SIGNED)
		return NULL;
	return k && k->fix ? k->fix : knowledge_fix(v);
}
