/* verdict: each side's signing setting, the KB 916846 prediction, and what
 * the wire shows happened (SPEC "Verdicts"). */
#ifndef SMBNEG_VERDICT_H
#define SMBNEG_VERDICT_H

#include "smbneg/conv.h"
#include "smbneg/smb_conn.h"

#include <stdbool.h>

enum signing {
	SIGNING_UNKNOWN,
	SIGNING_DISABLED,
	SIGNING_ENABLED,
	SIGNING_REQUIRED,
	SIGNING_COUNT
};

enum confidence {
	CONF_NONE,   /* nothing seen */
	CONF_LOW,    /* SMB1 Negotiate Flags2 only: clients set these bits by habit */
	CONF_MEDIUM, /* SMB1 Session Setup Flags2 */
	CONF_HIGH,   /* a SecurityMode field, or signatures actually sent */
};

enum verdict_kind {
	V_SIGNED,
	V_NOT_SIGNED,
	V_MISMATCH_NO_COMMUNICATION,
	V_MISMATCH_ACCESS_DENIED,
	V_GUEST_BLOCKED,
	V_SECURE_NEGOTIATE_FAILED,
	V_INVALID_SIGNATURE,
	V_INCOMPLETE,
	V_COUNT
};

/* The cells of the KB 916846 interoperability matrix. */
enum kb_outcome {
	KB_SIGNED,
	KB_NOT_SIGNED,
	KB_NO_COMMUNICATION,
};

extern const char *const signing_names[SIGNING_COUNT];
extern const char *const confidence_names[];
extern const char *const verdict_names[V_COUNT];
extern const char *const kb_outcome_names[];

struct side_signing {
	enum signing setting;
	enum confidence confidence;
	const char *source; /* which field said so, e.g. "smb2-negotiate-request" */
	int raw;            /* the raw field (SMB1 client: Flags2 signing bits); -1 none */
};

struct verdict {
	enum verdict_kind verdict;
	int smb_version; /* 0 unknown, 1, 2 */
	struct side_signing client, server;
	/* What the settings predict (bit (1 << enum kb_outcome) per possible
	 * outcome; SMB1 outcomes depend on the peers' patch level); 0 unknown. */
	unsigned predicted;
	bool encrypted; /* ordinary traffic was encrypted (SMB 3.x transform) */
	char reason[512];  /* one line: what happened and the error a user sees */
	char note[512];    /* a prediction the wire did not bear out, or empty */
};

/* KB 916846: the outcome for one pair. setting must be disabled, enabled or required. */
enum kb_outcome kb916846_outcome(bool client_patched, enum signing client, bool server_patched,
				 enum signing server);
/* Infer each side's setting and decide the verdict of a concluded conversation. */
void verdict_compute(const struct conv *c, struct verdict *v);
/* Parse a verdict name; V_COUNT when unknown. */
enum verdict_kind verdict_from_name(const char *name);

#endif
