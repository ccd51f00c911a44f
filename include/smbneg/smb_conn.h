/* smb_conn: the SMB layer of one connection. It takes whole NBSS messages
 * from the flow table, tells the protocols apart (smb_sniff), walks SMB2
 * compounds (MS-SMB2 3.2.4.1.4) and dispatches each message by protocol and
 * command through a table (smb_cmd.h) to one handler file per command
 * family. The state it keeps per connection is struct conv_smb; what
 * happened is reported through one generic event callback. */
#ifndef SMBNEG_SMB_CONN_H
#define SMBNEG_SMB_CONN_H

#include "smbneg/conv.h"
#include "smbneg/frame.h"
#include "smbneg/indicators.h"
#include "smbneg/nbss.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h"
#include "smbneg/smb2.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMB_MAX_SESSIONS 32 /* Session Setup exchanges kept per connection; more are counted */

/* Counters by who sent the message. */
struct conv_counts {
	uint32_t signed_msgs, unsigned_msgs;
};

/* How a session authenticated (MS-SPNG, MS-NLMP, RFC 4120; "lm-ntlm" is SMB1
 * without extended security, MS-CIFS 2.2.4.53.1). */
enum smb_auth {
	SMB_AUTH_NONE,     /* not seen */
	SMB_AUTH_NTLMSSP,
	SMB_AUTH_KERBEROS,
	SMB_AUTH_LM_NTLM,
	SMB_AUTH_OTHER,    /* NEGOEX or an unknown mechanism */
};

#define SMB_SESS_NAME_MAX 64  /* user, domain, workstation (bytes kept, cut beyond) */
#define SMB_SESS_KRB_MAX 128  /* Kerberos realm and service principal */

/* One Session Setup exchange (MS-SMB2 3.3.5.5, MS-CIFS 3.3.5.43): the legs
 * from the first request to the final (not MORE_PROCESSING_REQUIRED)
 * response, of SMB2 SessionId or SMB1 UID `id`. A re-authentication or a
 * new attempt after a failure is a new record. */
struct smb_session {
	uint64_t id;                  /* 0 until the server assigned one */
	uint64_t first_frame;         /* frame of its first Session Setup message */
	uint32_t rounds;              /* Session Setup requests */
	bool request_seen, response_seen;
	bool final;                   /* its final response was seen */
	bool ok;                      /* a Session Setup response succeeded */
	uint32_t status;              /* status of the last Session Setup response */
	uint16_t session_flags;       /* SMB2 SessionFlags of the last response (MS-SMB2 2.2.6) */
	bool guest, null_session, encrypt_data; /* SMB2_SESSION_FLAG_* / SMB1 Action guest bit */
	uint8_t req_security_mode;    /* SMB2 request SecurityMode (MS-SMB2 2.2.5) */
	uint16_t req_flags2;          /* SMB1 request Flags2 */
	/* The last security buffers seen, as offsets from the header (SMB2)
	 * and lengths; blobs are decoded by smb_session_blob(). */
	uint16_t req_blob_offset, req_blob_length;
	uint16_t resp_blob_offset, resp_blob_length;
	/* Who: from NTLMSSP AUTHENTICATE, a Kerberos AP-REQ, or the SMB1
	 * AccountName/PrimaryDomain without extended security. */
	uint8_t mech;                 /* enum smb_auth, carried across the legs */
	bool has_names;               /* user/domain/workstation were sent ("" = empty) */
	bool anonymous;               /* empty user and responses, or empty SMB1 account */
	char user[SMB_SESS_NAME_MAX], domain[SMB_SESS_NAME_MAX];
	char workstation[SMB_SESS_NAME_MAX];
	bool has_krb;                 /* an AP-REQ was seen */
	char krb_realm[SMB_SESS_KRB_MAX], krb_service[SMB_SESS_KRB_MAX];
	/* NTLM facts for relay detection (MS-NLMP 2.2.1.2, 2.2.2.8) */
	bool has_challenge, has_proof;
	uint8_t server_challenge[8];
	uint8_t nt_proof_str[16];     /* NTLMv2 NTProofStr */
	uint32_t ntlm_flags;          /* NegotiateFlags of the last NTLMSSP message */
};

/* The server as its NTLMSSP CHALLENGE describes it (MS-NLMP 2.2.1.2,
 * 2.2.2.1 MsvAvNb/DnsComputerName, MsvAvNb/DnsDomainName, 2.2.2.10). */
struct smb_server_id {
	bool has_names, has_version;
	uint32_t present;             /* bit (1 << AvId) per target info pair sent */
	char name[SMB_SESS_NAME_MAX], domain[SMB_SESS_NAME_MAX];
	char dns_name[SMB_SESS_KRB_MAX], dns_domain[SMB_SESS_KRB_MAX];
	uint8_t os_major, os_minor;
	uint16_t os_build;
};

/* SMB state, allocated at the first SMB message of a connection. */
struct conv_smb {
	int version; /* 1 or 2 once a Negotiate decided it, else 0 */
	bool smb1_req_seen, smb1_resp_seen, smb2_req_seen, smb2_resp_seen;
	uint16_t smb1_req_flags2;
	struct smb1_negotiate_request smb1_req;
	struct smb1_negotiate_response smb1_resp;
	struct smb2_negotiate_request smb2_req;
	struct smb2_negotiate_response smb2_resp;
	uint32_t smb1_resp_status, smb2_resp_status;
	char smb1_dialect[SMB1_DIALECT_NAME_MAX + 1];

	/* Session Setup, over all sessions of the connection */
	bool sess_req_seen;
	uint16_t sess_req_flags2;        /* SMB1: Flags2 of the first Session Setup request */
	bool smb2_sess_req_seen;
	uint8_t sess_req_security_mode;  /* SMB2: of the first Session Setup request */
	bool session_ok;                 /* a Session Setup succeeded */
	bool session_guest, session_null;
	uint32_t session_fail_status;    /* last failing Session Setup status */
	/* ... and per session */
	struct smb_session *sessions;    /* grown on demand up to SMB_MAX_SESSIONS */
	unsigned nsessions, sessions_cap;
	uint32_t sessions_dropped;       /* sessions beyond SMB_MAX_SESSIONS */
	struct smb_server_id server_id;  /* from the first NTLMSSP CHALLENGE */
	bool smb1_bsrspyl;               /* an SMB1 Session Setup response carried "BSRSPYL " */

	/* Messages after Negotiate, by sender (0 client, 1 server). */
	struct conv_counts after_negotiate[2];
	/* Ordinary messages after a successful Session Setup: not Negotiate,
	 * Session Setup, Tree Connect, Validate Negotiate, interim or
	 * unsolicited responses (which follow their own signing rules). */
	struct conv_counts ordinary[2];
	uint32_t encrypted[2], compressed[2];

	/* What the client saw. */
	bool tree_connect_ok;
	uint32_t tree_connect_status; /* first failing Tree Connect / Trans2 status */
	bool invalid_signature;
	uint64_t invalid_signature_frame;
	bool guest_blocked_status; /* STATUS_SMB_GUEST_LOGON_BLOCKED or NO_SIGNING_ALGORITHM_OVERLAP
				    */
	uint32_t guest_blocked_code;

	/* Secure Negotiate (MS-SMB2 3.3.5.15.12) */
	bool vn_req_seen, vn_resp_seen, vn_resp_signed;
	uint64_t vn_pending_mid;       /* MessageId of the last VALIDATE_NEGOTIATE request */
	uint32_t vn_status;
	struct smb2_validate_negotiate vn_req, vn_resp;

	/* Attack indicators (indicators.h): raised by smb1_trans.c, the NBSS
	 * and compression hooks in smb_conn.c and the NTLMSSP CHALLENGE hook. */
	struct indicator_state ind;
};

enum smb_event_kind {
	SMB_EV_SMB1_NEGOTIATE_REQUEST,
	SMB_EV_SMB1_NEGOTIATE_RESPONSE,
	SMB_EV_SMB2_NEGOTIATE_REQUEST,
	SMB_EV_SMB2_NEGOTIATE_RESPONSE,
	SMB_EV_SESSION_SETUP,  /* a Session Setup response (SMB1 or SMB2); `session` set */
};

/* One thing the SMB layer saw, with the frame that completed its message. */
struct smb_event {
	enum smb_event_kind kind;
	const struct frame_ctx *f;
	const struct conv *conv;
	int sender;         /* index in conv->ep */
	bool truncated;     /* bytes of the message were not captured */
	/* Negotiate kinds */
	const struct smb1_header *h1; /* SMB1 kinds */
	const struct smb2_header *h2; /* SMB2 kinds */
	const struct smb1_negotiate_request *smb1_req;
	const struct smb1_negotiate_response *smb1_resp;
	const struct smb2_negotiate_request *smb2_req;
	const struct smb2_negotiate_response *smb2_resp;
	const char *smb1_dialect; /* chosen name (response), or NULL */
	/* Session kinds */
	const struct smb_session *session;
};

struct ntlmssp_msg; /* ntlmssp.h */
struct smb_events {
	void (*event)(void *arg, const struct smb_event *e);
	void *arg;
	/* Optional: an NTLMSSP CHALLENGE (in a Session Setup response) or
	 * AUTHENTICATE (in a request) of conversation c, completed by frame f
	 * (smb_ntlm.c; for the relay correlation). */
	void (*ntlm)(void *arg, const struct conv *c, const struct frame_ctx *f,
		     const struct ntlmssp_msg *m);
};

/* One NBSS message sent by c->ep[dir], completed by frame f. */
void smb_conn_message(struct conv *c, int dir, const struct nbss_msg *m, const struct frame_ctx *f,
		      const struct smb_events *ev);
/* How much of an NBSS message whose body starts with prefix the SMB layer
 * reads: Negotiate and Session Setup whole up to NBSS_KEEP_LARGE (dialect
 * lists, security blobs with Kerberos tickets); an SMB2 message that is not
 * compounded and whose body no handler reads (READ, WRITE...), its header;
 * others NBSS_KEEP_MAX. */
size_t smb_conn_keep_limit(const struct rd *prefix);
/* "ntlmssp", "kerberos", "lm-ntlm", or NULL (none or other). */
const char *smb_auth_name(int mech);
/* Release c->smb. */
void smb_conn_free(struct conv *c);

#endif
