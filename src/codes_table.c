/* codes_table: the error codes SMB users meet. Message texts are Windows'
 * own (the SDK's ntstatus.h / winerror.h MessageText, MS-ERREF); where no
 * text was verified, `about` says what the code is in our words. The
 * NTSTATUS -> Win32 peers follow RtlNtStatusToDosError. */
#include "smbneg/codes.h"

#define V_SIGNED "signed"
#define V_NOT_SIGNED "not-signed"
#define V_NO_COMM "mismatch-no-communication"
#define V_DENIED "mismatch-access-denied"
#define V_GUEST "guest-blocked"
#define V_SECNEG "secure-negotiate-failed"
#define V_BADSIG "invalid-signature"
#define V_NEGFAIL "negotiate-failed"
#define V_LOGON "logon-failed"
#define V_INCOMPLETE "incomplete"

const char *const codes_verdicts[] = {
	V_SIGNED, V_NOT_SIGNED, V_NO_COMM, V_DENIED, V_GUEST, V_SECNEG,
	V_BADSIG, V_NEGFAIL, V_LOGON, V_INCOMPLETE, NULL,
};

#define NT(v, n) (v), CODE_NTSTATUS, (n)
#define W32(v, n) (v), CODE_WIN32, (n)
#define HR(v, n) (v), CODE_HRESULT, (n)
#define PEER(p) (p), true
#define NOPEER 0, false

/* Situations shared by the Win32 rows of the logon failures. */
#define LOGON_WHEN(s) {{"Session Setup fails: " s, V_LOGON}}

const struct code_row codes_table[] = {
	/* ---- NTSTATUS (MS-ERREF 2.3) ---- */
	{NT(0x00000000u, "STATUS_SUCCESS"), "NT_STATUS_OK ERROR_SUCCESS",
	 "The operation completed successfully.", NULL, NOPEER,
	 {{"every successful response, e.g. the final Session Setup response of a logon that "
	   "worked; not an error", NULL}}},
	{NT(0x00000103u, "STATUS_PENDING"), NULL,
	 "The operation that was requested is pending completion.", NULL, NOPEER,
	 {{"an interim SMB2 response: the server answers the request later (MS-SMB2 3.3.4.2); "
	   "normal, not an error", NULL}}},
	{NT(0x80000005u, "STATUS_BUFFER_OVERFLOW"), NULL,
	 "{Buffer Overflow} The data was too large to fit into the specified buffer.", NULL,
	 PEER(234),
	 {{"a read, IOCTL or query response that carries part of the data (a warning; the "
	   "client asks again); normal", NULL}}},
	{NT(0x80000006u, "STATUS_NO_MORE_FILES"), NULL,
	 "{No More Files} No more files were found which match the file specification.", NULL,
	 NOPEER, {{"the end of a directory listing; normal", NULL}}},
	{NT(0xC0000001u, "STATUS_UNSUCCESSFUL"), NULL,
	 "{Operation Failed} The requested operation was unsuccessful.",
	 "a generic failure; smbneg also reports it for an SMB1 response whose old DOS-style "
	 "error class/code it does not translate", NOPEER,
	 {{"any request; look at which command failed", NULL}}},
	{NT(0xC000000Du, "STATUS_INVALID_PARAMETER"), NULL,
	 "An invalid parameter was passed to a service or function.", NULL, PEER(87),
	 {{"Session Setup refused: the server will not accept the logon as sent, e.g. raw "
	   "NTLMv2 or a plain-text/LM logon without extended security (Samba client \"client "
	   "use spnego = no\"), or a malformed Session Setup", V_LOGON},
	  {"an SMB2 NEGOTIATE request the server rejects, e.g. one with SMB2_FLAGS_SIGNED set "
	   "(MS-SMB2 3.3.5.2.4)", V_NEGFAIL}}},
	{NT(0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST"), NULL,
	 "The specified request is not a valid operation for the target device.", NULL, PEER(1),
	 {{"FSCTL_VALIDATE_NEGOTIATE_INFO on a server that does not implement it (older "
	   "Samba): acceptable only when this error response is signed (MS-SMB2 3.2.5.14.12); "
	   "unsigned, Secure Negotiate fails", V_SECNEG},
	  {"an IOCTL/FSCTL the share does not support; not a signing problem", NULL}}},
	{NT(0xC0000016u, "STATUS_MORE_PROCESSING_REQUIRED"), NULL,
	 "{Still Busy} The specified I/O request packet (IRP) cannot be disposed of because the "
	 "I/O operation is not complete.", NULL, PEER(234),
	 {{"every multi-leg Session Setup (the NTLMSSP CHALLENGE, a SPNEGO continuation): "
	   "normal, the client sends the next leg", NULL}}},
	{NT(0xC0000022u, "STATUS_ACCESS_DENIED"), NULL,
	 "{Access Denied} A process has requested access to an object, but has not been granted "
	 "those access rights.", NULL, PEER(5),
	 {{"Tree Connect (or a Trans2 DFS referral) when the server requires signing and the "
	   "client has it disabled (KB 887429)", V_DENIED},
	  {"Tree Connect after a guest or anonymous session on a server that requires signing: "
	   "such sessions cannot be signed, so the server refuses the share", V_GUEST},
	  {"Session Setup refused, e.g. an anonymous logon the server does not allow", V_LOGON},
	  {"Tree Connect or Create refused by share or file permissions; not a signing "
	   "problem", NULL}}},
	{NT(0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND"), NULL, "Object Name not found.", NULL,
	 NOPEER, {{"opening a file or named pipe that does not exist; ordinary traffic", NULL}}},
	{NT(0xC000005Eu, "STATUS_NO_LOGON_SERVERS"), NULL,
	 "There are currently no logon servers available to service the logon request.", NULL,
	 PEER(1311),
	 {{"Session Setup on a domain member that cannot reach a domain controller to check the "
	   "user's NTLM response (DC down or unreachable, broken secure channel)", V_LOGON}}},
	{NT(0xC0000064u, "STATUS_NO_SUCH_USER"), NULL, "The specified account does not exist.",
	 NULL, PEER(1317),
	 {{"Session Setup with a user name the server or its domain does not know (servers "
	   "often answer STATUS_LOGON_FAILURE instead)", V_LOGON}}},
	{NT(0xC000006Au, "STATUS_WRONG_PASSWORD"), NULL,
	 "When trying to update a password, this return status indicates that the value "
	 "provided as the current password is not correct.", NULL, PEER(86),
	 {{"a password change with a wrong current password; a logon with a wrong password "
	   "gets STATUS_LOGON_FAILURE", V_LOGON}}},
	{NT(0xC000006Du, "STATUS_LOGON_FAILURE"), NULL,
	 "The attempted logon is invalid. This is either due to a bad username or "
	 "authentication information.", NULL, PEER(1326),
	 {{"Session Setup with a wrong user name or password (the NTLM response did not "
	   "verify), or a Kerberos ticket the server cannot use", V_LOGON},
	  {"a guest or anonymous logon the server refuses (Samba \"map to guest = never\", "
	   "\"restrict anonymous = 2\")", V_LOGON}}},
	{NT(0xC000006Eu, "STATUS_ACCOUNT_RESTRICTION"), NULL,
	 "Indicates a referenced user name and authentication information are valid, but some "
	 "user account restriction has prevented successful authentication (such as "
	 "time-of-day restrictions).", NULL, PEER(1327),
	 {{"Session Setup for an account whose policy forbids this logon, e.g. a blank password "
	   "over the network (Windows LimitBlankPasswordUse)", V_LOGON}}},
	{NT(0xC000006Fu, "STATUS_INVALID_LOGON_HOURS"), NULL,
	 "The user account has time restrictions and may not be logged onto at this time.", NULL,
	 PEER(1328), {{"Session Setup outside the account's allowed logon hours", V_LOGON}}},
	{NT(0xC0000070u, "STATUS_INVALID_WORKSTATION"), NULL,
	 "The user account is restricted such that it may not be used to log on from the source "
	 "workstation.", NULL, PEER(1329),
	 {{"Session Setup from a workstation the account may not log on from (Active Directory "
	   "\"Log On To\")", V_LOGON}}},
	{NT(0xC0000071u, "STATUS_PASSWORD_EXPIRED"), NULL,
	 "The user account's password has expired.", NULL, PEER(1330),
	 {{"Session Setup for an account whose password has expired; change it first", V_LOGON}}},
	{NT(0xC0000072u, "STATUS_ACCOUNT_DISABLED"), NULL,
	 "The referenced account is currently disabled and may not be logged on to.", NULL,
	 PEER(1331),
	 {{"Session Setup for a disabled account (Samba \"smbpasswd -d\", a disabled AD "
	   "account)", V_LOGON}}},
	{NT(0xC00000BBu, "STATUS_NOT_SUPPORTED"), NULL, "The request is not supported.", NULL,
	 PEER(50),
	 {{"a Negotiate response: no dialect in common, e.g. the server's minimum dialect is "
	   "above the client's maximum (Samba \"server min protocol\" / \"client max "
	   "protocol\")", V_NEGFAIL},
	  {"FSCTL_VALIDATE_NEGOTIATE_INFO on an old server: acceptable only when the error "
	   "response is signed (MS-SMB2 3.2.5.14.12)", V_SECNEG}}},
	{NT(0xC00000BEu, "STATUS_BAD_NETWORK_PATH"), NULL, "The network path cannot be located.",
	 NULL, PEER(53),
	 {{"the client cannot resolve or reach the server at all (name, DNS, TCP 445/139 "
	   "blocked); nothing to capture on the SMB wire", NULL}}},
	{NT(0xC00000C9u, "STATUS_NETWORK_NAME_DELETED"), NULL, "The network name was deleted.",
	 NULL, PEER(64),
	 {{"the server dropped the tree or connection while it was in use (share removed, "
	   "server restart, idle timeout, a network device resetting TCP)", NULL}}},
	{NT(0xC00000CAu, "STATUS_NETWORK_ACCESS_DENIED"), NULL, "Network access is denied.", NULL,
	 PEER(65),
	 {{"Tree Connect refused: this user may not use the share over the network (share "
	   "permissions, Samba \"valid users\" / \"hosts deny\")", NULL}}},
	{NT(0xC00000CCu, "STATUS_BAD_NETWORK_NAME"), NULL,
	 "{Network Name Not Found} The specified share name cannot be found on the remote "
	 "server.", NULL, PEER(67),
	 {{"Tree Connect to a share name the server does not have (typo, removed share)",
	   NULL}}},
	{NT(0xC00000D0u, "STATUS_REQUEST_NOT_ACCEPTED"), NULL,
	 "No more connections can be made to this remote computer at this time because there "
	 "are already as many connections as the computer can accept.", NULL, PEER(71),
	 {{"Session Setup or Tree Connect refused because the server reached its connection "
	   "limit (Windows client editions, Samba \"max connections\")", NULL}}},
	{NT(0xC0000133u, "STATUS_TIME_DIFFERENCE_AT_DC"), NULL,
	 "The time at the Primary Domain Controller is different than the time at the Backup "
	 "Domain Controller or member server by too large an amount.", NULL, PEER(1398),
	 {{"a Kerberos logon refused because the clocks of client, server and domain "
	   "controller differ by more than the allowed skew (5 minutes by default): fix time "
	   "synchronisation", V_LOGON}}},
	{NT(0xC000015Bu, "STATUS_LOGON_TYPE_NOT_GRANTED"), NULL,
	 "A user has requested a type of logon (e.g., interactive or network) that has not been "
	 "granted. An administrator has control over who may logon interactively and through "
	 "the network.", NULL, PEER(1385),
	 {{"Session Setup for an account without \"Access this computer from the network\" or "
	   "with \"Deny access to this computer from the network\"", V_LOGON}}},
	{NT(0xC000018Du, "STATUS_TRUSTED_RELATIONSHIP_FAILURE"), NULL,
	 "The logon request failed because the trust relationship between this workstation and "
	 "the primary domain failed.", NULL, PEER(1789),
	 {{"Session Setup on a server whose machine account or secure channel to its domain is "
	   "broken (rejoin the domain, Reset-ComputerMachinePassword)", V_LOGON}}},
	{NT(0xC0000193u, "STATUS_ACCOUNT_EXPIRED"), NULL, "The user's account has expired.", NULL,
	 PEER(1793), {{"Session Setup for an account past its expiry date", V_LOGON}}},
	{NT(0xC0000195u, "STATUS_NETWORK_CREDENTIAL_CONFLICT"), NULL,
	 "Multiple connections to a server or shared resource by the same user, using more than "
	 "one user name, are not allowed. Disconnect all previous connections to the server or "
	 "shared resource and try again.", NULL, PEER(1219),
	 {{"on the client, before anything is sent: a second connection to the same server "
	   "under another user name while one is open (net use \\\\server /delete)", NULL}}},
	{NT(0xC0000203u, "STATUS_USER_SESSION_DELETED"), NULL,
	 "The remote user session has been deleted.", NULL, PEER(59),
	 {{"a request on a SessionId the server no longer knows (session expired or logged off, "
	   "server restarted, or a Session Setup that had failed)", NULL}}},
	{NT(0xC0000205u, "STATUS_INSUFF_SERVER_RESOURCES"), NULL,
	 "Insufficient server resources exist to complete the request.", NULL, PEER(1130),
	 {{"the answer of an SMB1 server unpatched for MS17-010 to a Trans PeekNamedPipe on "
	   "FID 0 (smbneg indicator ms17-010-vulnerable)", NULL},
	  {"a server short of memory or work items", NULL}}},
	{NT(0xC0000224u, "STATUS_PASSWORD_MUST_CHANGE"), NULL,
	 "The user's password must be changed before signing in.", NULL, PEER(1907),
	 {{"Session Setup for an account flagged \"must change password at next logon\"",
	   V_LOGON}}},
	{NT(0xC0000234u, "STATUS_ACCOUNT_LOCKED_OUT"), NULL,
	 "The user account has been automatically locked because too many invalid logon "
	 "attempts or password change attempts have been requested.", NULL, PEER(1909),
	 {{"Session Setup for a locked-out account (often a stale saved credential or mapped "
	   "drive retrying an old password)", V_LOGON}}},
	{NT(0xC0000248u, "STATUS_LOGIN_WKSTA_RESTRICTION"), NULL,
	 "The account is not authorized to login from this station.", NULL, PEER(1240),
	 {{"Session Setup for an account not allowed to log on from this workstation", V_LOGON}}},
	{NT(0xC000035Cu, "STATUS_NETWORK_SESSION_EXPIRED"), NULL,
	 "The client's session has expired, so the client must reauthenticate to continue "
	 "accessing the remote resources.", NULL, NOPEER,
	 {{"the Kerberos ticket behind a long session expired: the client re-authenticates on "
	   "the same SessionId and retries (MS-SMB2 3.2.5.1); normal", NULL},
	  {"that re-authentication then fails", V_LOGON}}},
	{NT(0xC000A000u, "STATUS_INVALID_SIGNATURE"), NULL,
	 "The cryptographic signature is invalid.", NULL, NOPEER,
	 {{"a Windows 11 24H2 / Server 2025 client (signing required by default) against a "
	   "third-party server that does not sign or signs wrongly", V_BADSIG},
	  {"a message whose signature does not verify (wrong session key, a device rewriting "
	   "packets, a relay)", V_BADSIG}}},
	{NT(0xC05D0002u, "STATUS_SMB_GUEST_LOGON_BLOCKED"), NULL,
	 "You can't access this shared folder because your organization's security policies "
	 "block unauthenticated guest access. These policies help protect your PC from unsafe "
	 "or malicious devices on the network.", NULL, PEER(1272),
	 {{"the server granted only a guest session and the client refuses insecure guest "
	   "logons (AllowInsecureGuestAuth off) or requires signing (Windows 11 24H2)",
	   V_GUEST}}},
	{NT(0xC05D0003u, "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP"), NULL, NULL,
	 "the client and the server have no signing algorithm in common, so a session the "
	 "client requires to be signed cannot be signed", NOPEER,
	 {{"\"System error 3227320323 has occurred.\" (net use) on a Windows 11 24H2 client "
	   "(signing required by default) against a NAS or third-party server that hands out "
	   "a guest session or does not sign: a guest session has no key to sign with",
	   V_GUEST},
	  {"an SMB 3.1.1 server whose SIGNING_CAPABILITIES context offers no algorithm the "
	   "client accepts", NULL}}},

	/* ---- Win32 errors (MS-ERREF 2.2), as net use prints them ---- */
	{W32(1, "ERROR_INVALID_FUNCTION"), NULL, "Incorrect function.", NULL, NOPEER,
	 {{"the Win32 form of STATUS_INVALID_DEVICE_REQUEST", NULL}}},
	{W32(5, "ERROR_ACCESS_DENIED"), NULL, "Access is denied.", NULL, NOPEER,
	 {{"the server requires signing and the client has it disabled: Tree Connect fails "
	   "with STATUS_ACCESS_DENIED (KB 887429)", V_DENIED},
	  {"a guest or anonymous session on a server that requires signing", V_GUEST},
	  {"share or file permissions; not a signing problem", NULL}}},
	{W32(50, "ERROR_NOT_SUPPORTED"), NULL, "The request is not supported.", NULL, NOPEER,
	 {{"no dialect in common (e.g. a server with only SMB1, a client with SMB1 off)",
	   V_NEGFAIL}}},
	{W32(53, "ERROR_BAD_NETPATH"), NULL, "The network path was not found.", NULL, NOPEER,
	 {{"\"Error code: 0x80070035\" on Windows 11 24H2 refusing a guest-only NAS",
	   V_GUEST},
	  {"a server that closes the connection instead of answering the Negotiate (an "
	   "SMB1-only server, an SMB2 client)", V_NEGFAIL},
	  {"the server cannot be reached on TCP 445/139 or its name does not resolve", NULL}}},
	{W32(59, "ERROR_UNEXP_NET_ERR"), NULL, "An unexpected network error occurred.", NULL,
	 NOPEER, {{"the Win32 form of STATUS_USER_SESSION_DELETED and of lost connections", NULL}}},
	{W32(64, "ERROR_NETNAME_DELETED"), NULL,
	 "The specified network name is no longer available.", NULL, NOPEER,
	 {{"a server that resets or closes the TCP connection during Negotiate instead of "
	   "answering (e.g. SMB1 turned off on it)", V_NEGFAIL},
	  {"the server dropped the connection while the share was in use (restart, idle "
	   "timeout, a network device)", NULL}}},
	{W32(65, "ERROR_NETWORK_ACCESS_DENIED"), NULL, "Network access is denied.", NULL, NOPEER,
	 {{"Tree Connect refused by the share's permissions", NULL}}},
	{W32(67, "ERROR_BAD_NET_NAME"), NULL, "The network name cannot be found.", NULL, NOPEER,
	 {{"Tree Connect to a share name the server does not have", NULL}}},
	{W32(71, "ERROR_REQ_NOT_ACCEP"), NULL,
	 "No more connections can be made to this remote computer at this time because there "
	 "are already as many connections as the computer can accept.", NULL, NOPEER,
	 {{"the server's connection limit", NULL}}},
	{W32(86, "ERROR_INVALID_PASSWORD"), NULL, "The specified network password is not correct.",
	 NULL, NOPEER, LOGON_WHEN("a wrong share-level or current password")},
	{W32(87, "ERROR_INVALID_PARAMETER"), NULL, "The parameter is incorrect.", NULL, NOPEER,
	 LOGON_WHEN("the server refuses the logon as sent (e.g. NTLMv2 without extended "
		    "security)")},
	{W32(234, "ERROR_MORE_DATA"), NULL, "More data is available.", NULL, NOPEER,
	 {{"the Win32 form of STATUS_BUFFER_OVERFLOW / STATUS_MORE_PROCESSING_REQUIRED; normal",
	   NULL}}},
	{W32(1130, "ERROR_NOT_ENOUGH_SERVER_MEMORY"), NULL,
	 "Not enough server memory resources are available to process this command.", NULL,
	 NOPEER, {{"the Win32 form of STATUS_INSUFF_SERVER_RESOURCES", NULL}}},
	{W32(1208, "ERROR_EXTENDED_ERROR"), NULL, "An extended error has occurred.", NULL, NOPEER,
	 {{"Explorer browsing a UNC path when SMB 3.0 Secure Negotiate fails against a server "
	   "that does not sign its error responses (KB 2686098)", V_SECNEG}}},
	{W32(1219, "ERROR_SESSION_CREDENTIAL_CONFLICT"), NULL,
	 "Multiple connections to a server or shared resource by the same user, using more than "
	 "one user name, are not allowed. Disconnect all previous connections to the server or "
	 "shared resource and try again.", NULL, NOPEER,
	 {{"net use with a second user name for a server already connected under another; "
	   "decided on the client, nothing on the wire", NULL}}},
	{W32(1239, "ERROR_LOGIN_TIME_RESTRICTION"), NULL,
	 "Attempting to log in during an unauthorized time of day for this account.", NULL,
	 NOPEER, LOGON_WHEN("outside the account's logon hours")},
	{W32(1240, "ERROR_LOGIN_WKSTA_RESTRICTION"), NULL,
	 "The account is not authorized to log in from this station.", NULL, NOPEER,
	 {{"the client requires SMB signing and the server has it disabled: the client closes "
	   "the connection right after Negotiate (KB 887429)", V_NO_COMM},
	  {"an account not allowed to log on from this workstation", V_LOGON}}},
	{W32(1272, "ERROR_SMB_GUEST_LOGON_BLOCKED"), NULL,
	 "You can't access this shared folder because your organization's security policies "
	 "block unauthenticated guest access. These policies help protect your PC from unsafe "
	 "or malicious devices on the network.", NULL, NOPEER,
	 {{"the server offered a guest session and the client refuses insecure guest logons or "
	   "requires signing (Windows 11 24H2)", V_GUEST}}},
	{W32(1311, "ERROR_NO_LOGON_SERVERS"), NULL,
	 "There are currently no logon servers available to service the logon request.", NULL,
	 NOPEER, LOGON_WHEN("the server cannot reach a domain controller")},
	{W32(1317, "ERROR_NO_SUCH_USER"), NULL, "The specified account does not exist.", NULL,
	 NOPEER, LOGON_WHEN("unknown user name")},
	{W32(1326, "ERROR_LOGON_FAILURE"), NULL, "The user name or password is incorrect.", NULL,
	 NOPEER,
	 {{"Session Setup fails: wrong user name or password", V_LOGON},
	  {"a guest or anonymous logon the server refuses", V_LOGON}}},
	{W32(1327, "ERROR_ACCOUNT_RESTRICTION"), NULL,
	 "Account restrictions are preventing this user from signing in. For example: blank "
	 "passwords aren't allowed, sign-in times are limited, or a policy restriction has been "
	 "enforced.", NULL, NOPEER, LOGON_WHEN("an account restriction (blank password, ...)")},
	{W32(1328, "ERROR_INVALID_LOGON_HOURS"), NULL,
	 "Your account has time restrictions that keep you from signing in right now.", NULL,
	 NOPEER, LOGON_WHEN("outside the account's logon hours")},
	{W32(1329, "ERROR_INVALID_WORKSTATION"), NULL,
	 "This user isn't allowed to sign in to this computer.", NULL, NOPEER,
	 LOGON_WHEN("the account may not log on from this workstation")},
	{W32(1330, "ERROR_PASSWORD_EXPIRED"), NULL, "The password for this account has expired.",
	 NULL, NOPEER, LOGON_WHEN("expired password")},
	{W32(1331, "ERROR_ACCOUNT_DISABLED"), NULL,
	 "This user can't sign in because this account is currently disabled.", NULL, NOPEER,
	 LOGON_WHEN("disabled account")},
	{W32(1385, "ERROR_LOGON_TYPE_NOT_GRANTED"), NULL,
	 "Logon failure: the user has not been granted the requested logon type at this "
	 "computer.", NULL, NOPEER, LOGON_WHEN("no right to log on from the network")},
	{W32(1398, "ERROR_TIME_SKEW"), NULL,
	 "There is a time and/or date difference between the client and server.", NULL, NOPEER,
	 LOGON_WHEN("Kerberos clock skew above 5 minutes")},
	{W32(1789, "ERROR_TRUSTED_RELATIONSHIP_FAILURE"), NULL,
	 "The trust relationship between this workstation and the primary domain failed.", NULL,
	 NOPEER, LOGON_WHEN("the server's trust with its domain is broken")},
	{W32(1793, "ERROR_ACCOUNT_EXPIRED"), NULL, "The user's account has expired.", NULL, NOPEER,
	 LOGON_WHEN("expired account")},
	{W32(1907, "ERROR_PASSWORD_MUST_CHANGE"), NULL,
	 "The user's password must be changed before signing in.", NULL, NOPEER,
	 LOGON_WHEN("the password must be changed first")},
	{W32(1909, "ERROR_ACCOUNT_LOCKED_OUT"), NULL,
	 "The referenced account is currently locked out and may not be logged on to.", NULL,
	 NOPEER, LOGON_WHEN("locked-out account")},
	{W32(2242, "NERR_PasswordExpired"), NULL, "The password of this user has expired.", NULL,
	 NOPEER, LOGON_WHEN("net use with an account whose password has expired")},

	/* ---- HRESULTs (MS-ERREF 2.1); 0x8007XXXX wrap Win32 XXXX ---- */
	{HR(0x80070005u, "E_ACCESSDENIED"), NULL, "Access is denied.", NULL, NOPEER,
	 {{"Explorer, PowerShell or .NET reporting ERROR_ACCESS_DENIED (below)", NULL}}},
	{HR(0x80090006u, "NTE_BAD_SIGNATURE"), NULL, "Invalid Signature.", NULL, NOPEER,
	 {{"\"System error 2148073478 has occurred.\" (net use), \"Invalid Signature\" (dir): "
	   "SMB 3.0 Secure Negotiate failed because the server did not sign its error "
	   "response (KB 2686098)", V_SECNEG}}},
	{HR(0x8009030Cu, "SEC_E_LOGON_DENIED"), NULL, "The logon attempt failed", NULL,
	 PEER(1326), LOGON_WHEN("the security package rejected the credentials")},
	{HR(0x8009030Eu, "SEC_E_NO_CREDENTIALS"), NULL,
	 "No credentials are available in the security package", NULL, NOPEER,
	 {{"the client had no credentials to offer (no saved or single-sign-on credential for "
	   "the server, a service account, Kerberos without a ticket and NTLM disabled)",
	   V_LOGON}}},
	{HR(0x80090324u, "SEC_E_TIME_SKEW"), NULL,
	 "The clocks on the client and server machines are skewed.", NULL, NOPEER,
	 LOGON_WHEN("Kerberos clock skew above 5 minutes")},

	/* ---- Kerberos (RFC 4120 7.5.9) ---- */
	{37, CODE_KERBEROS, "KRB_AP_ERR_SKEW", "KRB5KRB_AP_ERR_SKEW", NULL,
	 "Kerberos error 37, \"Clock skew too great\" (RFC 4120 7.5.9): the time in the "
	 "client's authenticator differs from the server's by more than the allowed skew",
	 NOPEER,
	 {{"a Kerberos Session Setup when the clocks differ by more than 5 minutes; Windows "
	   "reports STATUS_TIME_DIFFERENCE_AT_DC, ERROR_TIME_SKEW or SEC_E_TIME_SKEW",
	   V_LOGON}}},
};

const size_t codes_count = sizeof codes_table / sizeof codes_table[0];
