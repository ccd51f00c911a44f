/* explain: fixes per verdict and the error codes users report. */
#include "smbneg/explain.h"

#include "smbneg/codes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
	[V_INCOMPLETE] = "capture the whole connection, from the TCP handshake on, with a full snaplen "
			 "(tcpdump -s 0 'tcp port 445 or tcp port 139')",
};

const char *explain_fix(enum verdict_kind v)
{
	return v < V_COUNT ? fixes[v] : NULL;
}

/* `smbneg explain`: the table and the parser are the codes module. */
bool explain_code(const char *code, FILE *f)
{
	struct codes_match m;
	if (codes_parse(code, strnlen(code, CODES_MAX_INPUT + 1), &m) != CODES_OK)
		return false;
	codes_print(&m, f);
	return true;
}
