/* predict: --assume-client PROFILE, what a client with another policy would
 * get from each server seen (ARCHITECTURE "correlate": predictions across
 * conversations). Pure: from the per-server inventory (host.h) and a client
 * profile to a predicted verdict, the error the user would see and the fix.
 *
 * Sources: the seeds (KB 887429 errors 5 and 1240; KB 916846 matrix, as
 * knowledge.c's table; "Control SMB signing behavior" for Windows 11 24H2 and
 * Windows Server 2025, which require signing and refuse guest access by
 * default), MS-SMB2 3.3.5.5.3 (guest and anonymous sessions are not signed)
 * and Microsoft's "SMBv1 is not installed by default in Windows 10 version
 * 1709 and Windows Server version 1709 and later" and "Guest access in SMB2
 * and SMB3 disabled by default in Windows" (AllowInsecureGuestAuth). */
#ifndef SMBNEG_PREDICT_H
#define SMBNEG_PREDICT_H

#include "smbneg/facts.h"
#include "smbneg/host.h"

#include <stdbool.h>

struct predict_profile {
	const char *name;
	enum signing client;	 /* the client's signing setting */
	bool smb1, smb2;	 /* dialect families the client offers */
	bool refuses_guest;	 /* insecure guest logons refused (SMB2/3) */
	bool patched;		 /* KB 916846 column (SMB1 only) */
	const char *description; /* one line, for --help and the text section */
};

/* win11-24h2, winserver2025, win10, xp-patched, xp-unpatched, required,
 * enabled, disabled; then {NULL}. */
extern const struct predict_profile predict_profiles[];
/* The profile named name, or NULL. */
const struct predict_profile *predict_profile_find(const char *name);

struct prediction {
	const char *verdict;  /* README "Verdicts" name, or "unknown" (server unseen) */
	const char *protocol; /* "SMB1", "SMB2" or NULL when none would be agreed */
	bool guest_logon;     /* predicted for a guest logon (only guest sessions were seen) */
	const char *error;    /* what the user would see; NULL when nothing fails */
	const char *reason;   /* why, in one clause */
	const char *fix;      /* what to change; NULL when nothing */
};

/* The prediction for profile p against server x. */
void predict_host(const struct predict_profile *p, const struct host *x, struct prediction *out);

#endif
