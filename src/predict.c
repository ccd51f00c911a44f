/* predict: --assume-client PROFILE (see include/smbneg/predict.h). */
#include "smbneg/predict.h"

#include "smbneg/knowledge.h"

#include <string.h>

const struct predict_profile predict_profiles[] = {
    {"win11-24h2", SIGNING_REQUIRED, false, true, true, true,
     "Windows 11 24H2: signing required, insecure guest logons refused, SMB1 off"},
    {"winserver2025", SIGNING_REQUIRED, false, true, true, true,
     "Windows Server 2025: signing required, insecure guest logons refused, SMB1 off"},
    {"win10", SIGNING_ENABLED, false, true, true, true,
     "Windows 10 1709+ (Enterprise/Education defaults): signing enabled, insecure guest "
     "logons refused, SMB1 off"},
    {"xp-patched", SIGNING_ENABLED, true, false, false, true,
     "Windows XP with the KB 916846 update: SMB1 only, signing enabled"},
    {"xp-unpatched", SIGNING_ENABLED, true, false, false, false,
     "Windows XP without the KB 916846 update: SMB1 only, signing enabled"},
    {"required", SIGNING_REQUIRED, true, true, false, true,
     "a client that requires signing (Set-SmbClientConfiguration -RequireSecuritySignature "
     "$true, Samba \"client signing = required\")"},
    {"enabled", SIGNING_ENABLED, true, true, false, true,
     "a client with signing enabled, not required (Samba \"client signing = if_required\")"},
    {"disabled", SIGNING_DISABLED, true, true, false, true,
     "a client with signing disabled (Samba \"client signing = disabled\")"},
    {NULL, SIGNING_UNKNOWN, false, false, false, false, NULL},
};

const struct predict_profile *predict_profile_find(const char *name)
{
	for (const struct predict_profile *p = predict_profiles; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* The server's setting from the settings seen on one protocol: where some
 * connections did not require signing, the weakest (a client meets that). */
static enum signing setting_of(uint32_t seen)
{
	if (seen & (1u << SIGNING_DISABLED))
		return SIGNING_DISABLED;
	if (seen & (1u << SIGNING_ENABLED))
		return SIGNING_ENABLED;
	return seen & (1u << SIGNING_REQUIRED) ? SIGNING_REQUIRED : SIGNING_UNKNOWN;
}

#define ERR_GUEST_SIGNING                                                                          \
	"System error 3227320323 (0xC05D0003) or 1272 (0xC05D0002): the guest session cannot be "  \
	"signed"
#define ERR_GUEST_REFUSED                                                                          \
	"System error 1272 (0xC05D0002): \"You can't access this shared folder because your "      \
	"organization's security policies block unauthenticated guest access\""
#define FIX_GUEST                                                                                  \
	"give the users a real account on the server and refuse guest access (Samba \"map to "     \
	"guest = never\"); do not re-enable insecure guest logons on the clients"

static void set(struct prediction *o, const char *verdict, const char *error, const char *reason,
		const char *fix)
{
	o->verdict = verdict;
	o->error = error;
	o->reason = reason;
	o->fix = fix;
}

/* KB 887429: an SMB1 client with signing disabled meets a server that requires it. */
static void access_denied(struct prediction *o)
{
	set(o, "mismatch-access-denied", "System error 5 \"Access is denied.\" (0xC0000022)",
	    "the server requires signing and the client has it disabled (KB 887429)",
	    knowledge_fix(V_MISMATCH_ACCESS_DENIED));
}

/* A guest logon (MS-SMB2 3.3.5.5.3: guest sessions are not signed). */
static void guest(const struct predict_profile *p, bool smb1, enum signing srv,
		  struct prediction *o)
{
	if (p->client == SIGNING_REQUIRED)
		set(o, "guest-blocked", ERR_GUEST_SIGNING,
		    "the server grants guest sessions, which cannot be signed, and this client "
		    "requires signing",
		    FIX_GUEST);
	else if (p->refuses_guest && !smb1)
		set(o, "guest-blocked", ERR_GUEST_REFUSED,
		    "the server grants guest sessions, which this client refuses", FIX_GUEST);
	else if (smb1 && srv == SIGNING_REQUIRED && p->client == SIGNING_DISABLED)
		access_denied(o);
	else
		set(o, "not-signed", NULL,
		    "the server grants guest sessions, which are never signed: no error, but "
		    "no protection",
		    FIX_GUEST);
}

static void smb2_user(const struct predict_profile *p, const struct host *x, enum signing srv,
		      struct prediction *o)
{
	if (p->client != SIGNING_REQUIRED && srv != SIGNING_REQUIRED)
		set(o, "not-signed", NULL,
		    "neither side requires signing: no error, but the session is not protected",
		    knowledge_fix(V_NOT_SIGNED));
	else if (x->verdicts[V_INVALID_SIGNATURE])
		set(o, "invalid-signature",
		    "0xC000A000 (-1073700864) \"The cryptographic signature is invalid.\"",
		    "this server was already seen failing signatures",
		    knowledge_fix(V_INVALID_SIGNATURE));
	else
		set(o, "signed", NULL, "one side requires signing and the server signs", NULL);
}

/* SMB1: KB 887429 for a client with signing disabled, else KB 916846's
 * matrix (the server taken as patched: Samba and updated Windows sign when
 * the client requires it). */
static void smb1_user(const struct predict_profile *p, enum signing srv, struct prediction *o)
{
	if (p->client == SIGNING_DISABLED && srv == SIGNING_REQUIRED) {
		access_denied(o);
		return;
	}
	switch (kb916846_outcome(p->patched, p->client, true, srv)) {
	case KB_SIGNED:
		set(o, "signed", NULL, "KB 916846: this pair signs", NULL);
		break;
	case KB_NOT_SIGNED:
		set(o, "not-signed", NULL,
		    "KB 916846: this pair does not sign; no error, but the session is not "
		    "protected",
		    knowledge_fix(V_NOT_SIGNED));
		break;
	default:
		set(o, "mismatch-no-communication",
		    "System error 1240 \"The account is not authorized to log in from this "
		    "station.\"",
		    "KB 916846: this pair cannot communicate",
		    knowledge_fix(V_MISMATCH_NO_COMMUNICATION));
	}
}

void predict_host(const struct predict_profile *p, const struct host *x, struct prediction *o)
{
	memset(o, 0, sizeof *o);
	bool srv2 = x->max_dialect != 0 || x->smb2_signing_seen;
	bool srv1 = x->smb1 || x->smb1_signing_seen;
	o->guest_logon = x->guest_sessions > 0 && x->sessions_accepted <= x->guest_sessions;
	bool smb1 = !(p->smb2 && srv2);
	if (!srv1 && !srv2) {
		set(o, "unknown", NULL, "no Negotiate of this server was seen", NULL);
		return;
	}
	if (smb1 && !(p->smb1 && srv1)) {
		set(o, "negotiate-failed",
		    p->smb1 ? "System error 53 \"The network path was not found.\" (0x80070035)"
			    : "\"You can't connect to the file share because it's not secure. This "
			      "share requires the obsolete SMB1 protocol\" (0x80070035)",
		    p->smb1 ? "the client speaks only SMB1 and the server was seen only with SMB2"
			    : "the client has SMB1 off and the server was seen only with SMB1",
		    p->smb1 ? "replace the client (do not enable SMB1 on the server)"
			    : "enable SMB2/SMB3 on the server (update the NAS firmware; Samba "
			      "\"server min protocol = SMB2_02\"); do not turn SMB1 back on in the "
			      "clients");
		return;
	}
	o->protocol = smb1 ? "SMB1" : "SMB2";
	enum signing srv = setting_of(smb1 ? x->smb1_signing_seen : x->smb2_signing_seen);
	if (srv == SIGNING_UNKNOWN)
		set(o, "unknown", NULL, "the server's signing setting was not seen", NULL);
	else if (o->guest_logon)
		guest(p, smb1, srv, o);
	else if (smb1)
		smb1_user(p, srv, o);
	else
		smb2_user(p, x, srv, o);
}
