/* explain: the error codes users report (the fixes are in knowledge.c). */
#include "smbneg/explain.h"

#include "smbneg/knowledge.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *explain_fix(enum verdict_kind v)
{
	return knowledge_fix(v);
}

struct code_info {
	uint32_t code;
	const char *name;
	const char *text;
};

/* Codes the seeds name, with what Windows shows. */
static const struct code_info codes[] = {
	{1240, "ERROR_LOGIN_WKSTA_RESTRICTION",
	 "\"The account is not authorized to log in from this station.\" KB 887429: the client "
	 "requires SMB signing and the server has it disabled; the client closes the connection "
	 "after Negotiate (verdict mismatch-no-communication)."},
	{5, "ERROR_ACCESS_DENIED",
	 "\"Access is denied.\" With SMB signing, KB 887429: the server requires signing and the "
	 "client has it disabled; Tree Connect (or a Trans2 DFS referral) fails with "
	 "STATUS_ACCESS_DENIED (verdict mismatch-access-denied)."},
	{0xC0000022u, "STATUS_ACCESS_DENIED",
	 "Access denied. KB 887429: returned on Tree Connect when the server requires signing and "
	 "the client does not sign (verdict mismatch-access-denied)."},
	{0x80090006u, "NTE_BAD_SIGNATURE",
	 "\"System error 2148073478\", \"Invalid Signature\", \"An extended error has occurred\". "
	 "KB 2686098: SMB 3.0 Secure Negotiate (FSCTL_VALIDATE_NEGOTIATE_INFO) failed because the "
	 "server did not sign its error response (verdict secure-negotiate-failed)."},
	{0xC000A000u, "STATUS_INVALID_SIGNATURE",
	 "\"The cryptographic signature is invalid.\" Windows 11 24H2 / Server 2025 require "
	 "signing; a third-party server that does not sign fails (verdict invalid-signature)."},
	{0xC05D0002u, "STATUS_SMB_GUEST_LOGON_BLOCKED",
	 "Win32 error 1272: \"You can't access this shared folder because your organization's "
	 "security policies block unauthenticated guest access.\" Requiring signing blocks guest "
	 "sessions (verdict guest-blocked)."},
	{1272, "ERROR_SMB_GUEST_LOGON_BLOCKED",
	 "Guest access blocked by policy: the server offered a guest session and the client "
	 "requires signing or refuses insecure guest logons (verdict guest-blocked)."},
	{0xC05D0003u, "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP",
	 "\"System error 3227320323 has occurred.\" Seen with Windows 11 24H2 clients that require "
	 "signing against guest-only or non-signing third-party servers (verdict guest-blocked)."},
	{0x80070035u, "ERROR_BAD_NETPATH (HRESULT)",
	 "\"The network path was not found.\" (Error code 0x80070035.) With Windows 11 24H2, a "
	 "common symptom of blocked guest access when signing is required."},
	{0xC000006Du, "STATUS_LOGON_FAILURE",
	 "Wrong user name or password: not a signing problem."},
	{0xC0000016u, "STATUS_MORE_PROCESSING_REQUIRED",
	 "Normal: an authentication round trip in Session Setup."},
	{0xC00000BBu, "STATUS_NOT_SUPPORTED",
	 "A server that does not implement a request; for FSCTL_VALIDATE_NEGOTIATE_INFO it is "
	 "acceptable only when the response is signed (MS-SMB2 3.2.5.14.12)."},
	{0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST",
	 "As STATUS_NOT_SUPPORTED: acceptable for VALIDATE_NEGOTIATE only when signed."},
};

bool explain_code(const char *code, FILE *f)
{
	char *end;
	errno = 0;
	long long v;
	if ((code[0] == '0' && (code[1] == 'x' || code[1] == 'X'))) {
		unsigned long long h = strtoull(code + 2, &end, 16);
		if (end == code + 2 || h > UINT32_MAX)
			return false;
		v = (long long)h;
	} else {
		v = strtoll(code, &end, 10);
	}
	/* 32 bits, read signed or unsigned: -1073700864 and 3221266432 are one code. */
	if (errno || *end || end == code || v < INT32_MIN || v > (long long)UINT32_MAX)
		return false;
	uint32_t u = (uint32_t)v;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		if (codes[i].code != u)
			continue;
		fprintf(f, "%s: %" PRIu32 " = 0x%08" PRIX32 " = %" PRId32 "\n%s\n", codes[i].name,
			u, u, (int32_t)u, codes[i].text);
		return true;
	}
	return false;
}
