/* facts: what one concluded conversation showed, derived once from the
 * parser state (conv_smb) and read-only afterwards. The verdict rules, the
 * host inventory and every renderer read these, never the parser state.
 *
 * What each side asked: its signing setting with the field it came from and
 * how far that field can be trusted. What the wire showed: signed and
 * unsigned message counts, encryption, statuses, the Secure Negotiate
 * outcome, and the Session Setup records per session. */
#ifndef SMBNEG_FACTS_H
#define SMBNEG_FACTS_H

#include "smbneg/conv.h"
#include "smbneg/indicators.h"
#include "smbneg/smb_conn.h"

#include <stdbool.h>
#include <stdint.h>

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

extern const char *const signing_names[SIGNING_COUNT];
extern const char *const confidence_names[];

struct side_signing {
	enum signing setting;
	enum confidence confidence;
	const char *source; /* which field said so, e.g. "smb2-negotiate-request" */
	int raw;            /* the raw field (SMB1 client: Flags2 signing bits); -1 none */
};

/* Secure Negotiate, MS-SMB2 3.2.5.14.12 (FSCTL_VALIDATE_NEGOTIATE_INFO). */
enum secure_negotiate {
	SN_NOT_SEEN,        /* no response to a VALIDATE_NEGOTIATE request */
	SN_PASSED,          /* signed, and it repeats the Negotiate response (or a signed error) */
	SN_UNSIGNED,        /* the response was not signed */
	SN_UNSIGNED_ERROR,  /* an error response, not signed */
	SN_MISMATCH,        /* signed, but differs from the Negotiate response */
};

/* How the ordinary traffic after Session Setup was protected (README
 * "Verdicts": protection). */
enum protection {
	PROT_UNKNOWN,    /* no ordinary traffic seen: JSON null */
	PROT_NONE,
	PROT_SIGNING,
	PROT_ENCRYPTION, /* TRANSFORM messages, or SessionFlags ENCRYPT_DATA */
	PROT_COUNT
};

extern const char *const protection_names[PROT_COUNT]; /* [PROT_UNKNOWN] = NULL */

/* Why no dialect was agreed (README "Verdicts": `negotiate-failed`). */
enum negotiate_failure {
	NEG_OK,
	NEG_ERROR_STATUS,  /* an error status in the Negotiate response (STATUS_NOT_SUPPORTED) */
	NEG_NO_DIALECT,    /* SMB1 DialectIndex 0xFFFF: none of the client's dialects */
	NEG_UNANSWERED,    /* the server closed the connection without answering */
};

/* Message counts by sender role (0 client, 1 server). */
struct fact_counts {
	uint32_t signed_msgs, unsigned_msgs;
};

struct facts {
	bool smb_seen;                 /* any SMB message (else nothing below is set) */
	/* what each side asked */
	int smb_version;               /* 0 unknown, 1, 2 */
	struct side_signing client, server;
	unsigned predicted; /* bit (1 << enum kb_outcome) per outcome the settings allow */
	bool client_requires, server_requires;
	bool negotiated;               /* a successful Negotiate response */
	bool any_negotiate;            /* any Negotiate message, answered or not */
	bool smb2_chosen;              /* a successful SMB2 Negotiate response chose a dialect */
	uint16_t smb2_dialect;         /* ... this one (0x02FF: the SMB 2.??? wildcard) */
	char smb1_dialect[SMB1_DIALECT_NAME_MAX + 1]; /* chosen SMB1 dialect name, or "" */
	bool smb1_accepted;            /* an SMB1 LANMAN/NT LM response accepted a dialect */
	bool smb1_has_mode;
	uint16_t smb1_security_mode;
	bool session_setup_requested;  /* any Session Setup request */

	/* what the wire showed */
	struct fact_counts after_negotiate[2];  /* every message after Negotiate */
	struct fact_counts
	    after_session[2]; /* ordinary messages after a successful Session Setup */
	uint32_t signed_after_session, unsigned_after_session; /* both roles */
	uint32_t signed_after_negotiate, unsigned_after_negotiate;
	uint32_t encrypted_msgs, compressed_msgs;
	bool encrypted;                /* a session was set up and traffic was encrypted */
	bool session_ok, guest, anonymous;
	uint32_t session_fail_status;  /* last failing Session Setup status, or 0 */
	bool tree_connect_ok;
	uint32_t tree_connect_status;  /* first failing Tree Connect / Trans2 status, or 0 */
	bool invalid_signature;
	uint64_t invalid_signature_frame;
	bool guest_blocked_status;
	uint32_t guest_blocked_code;
	enum secure_negotiate secure_negotiate;
	bool closed;                   /* FIN or RST seen */
	bool cut_short;                /* messages were truncated (ANOM_TRUNCATED_MESSAGE) */

	/* negotiation failure and logon failure */
	enum negotiate_failure negotiate_failure;
	uint32_t negotiate_status;     /* the error status of NEG_ERROR_STATUS */
	char client_dialects[200];     /* what the client offered, "2.0.2, 2.1, ..." */
	bool server_closed;            /* FIN from the server, or RST */
	uint32_t logon_fail_status;    /* the last exchange failed and none succeeded after */
	bool smb1_unsigned_logon;      /* SMB1 final Session Setup response still "BSRSPYL " */

	/* protection and identity */
	enum protection protection;
	const char *signing_algorithm; /* README "JSON schema" names, or NULL */
	const char *cipher;
	bool encrypt_data; /* the server forced encryption (SessionFlags ENCRYPT_DATA) */
	struct smb_server_id server_id;
	char server_os_version[24];    /* "MAJOR.MINOR.BUILD", or "" */

	/* attack indicators (README "JSON schema": indicators): the handlers' bits,
	 * plus IND_NTLM_RELAY added by the relay correlation (correlate.h) */
	indicator_mask indicators;

	/* per session (MS-SMB2 SessionId / MS-CIFS UID); entries past
	 * nsessions are not set (facts_build), so read only below nsessions */
	unsigned nsessions;
	uint32_t sessions_dropped;
	struct smb_session sessions[SMB_MAX_SESSIONS];
};

/* The protection the counts and session flags show (what facts_build stores
 * in f->protection): encryption (a session set up, TRANSFORM messages or
 * ENCRYPT_DATA), signing (signed ordinary traffic, unsigned messages only
 * beside a side that requires), none, or unknown (no ordinary traffic). */
enum protection facts_protection(const struct facts *f);
/* Who one session was: "DOMAIN\\user" (or "user"), "anonymous", "guest",
 * the Kerberos realm (the client principal is encrypted), or "-". Raw wire
 * text: renderers escape it. */
const char *facts_session_who(const struct smb_session *x, char *buf, size_t size);
/* False when facts_build(c) would show neither a failure status (invalid
 * signature, guest blocked, failed Tree Connect or Session Setup, a
 * VALIDATE_NEGOTIATE response) nor `messages` ordinary or encrypted
 * messages: the cheap test before the verdict events' full look (analyze.c). */
bool facts_may_decide(const struct conv *c, uint32_t messages);
/* Derive the facts of a concluded conversation (c->smb may be NULL). */
void facts_build(const struct conv *c, struct facts *f);

#endif
