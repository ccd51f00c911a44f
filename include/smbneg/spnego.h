/* spnego: SPNEGO negotiation tokens (RFC 4178, MS-SPNG 2.2) in the GSS-API
 * framing of RFC 2743 3.1, decoded through der/rd into plain data. */
#ifndef SMBNEG_SPNEGO_H
#define SMBNEG_SPNEGO_H

#include "smbneg/der.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */

#include <stdbool.h>
#include <stdint.h>

#define SPNEGO_MAX_MECHS 8 /* mechTypes kept; more are counted */
#define SPNEGO_HINT_MAX 64 /* bytes kept of negHints.hintName */

enum spnego_kind {
	SPNEGO_KIND_NONE,
	SPNEGO_KIND_INIT, /* NegTokenInit [0] (and MS-SPNG NegTokenInit2) */
	SPNEGO_KIND_RESP, /* NegTokenResp [1] */
};

/* RFC 4178 4.2.2 negState; SPNEGO_NEG_STATE_ABSENT when the field is not sent. */
enum spnego_neg_state {
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
	SPNEGO_NEG_STATE_ABSENT = -1,
};

struct spnego_token {
	uint8_t kind;            /* enum spnego_kind */
	bool gss_wrapped;        /* [APPLICATION 0] + SPNEGO OID framing was present */
	/* NegTokenInit */
	uint8_t mech_count;      /* mechTypes seen (saturates at 255) */
	uint8_t mechs_kept;      /* min(mech_count, SPNEGO_MAX_MECHS) */
	uint8_t mechs[SPNEGO_MAX_MECHS]; /* enum der_oid, in the order offered */
	char first_mech_oid[DER_OID_MAX]; /* dotted text of mechTypes[0] */
	bool has_req_flags;
	bool has_neg_hints;      /* NegTokenInit2 negHints (MS-SPNG 2.2.1) */
	char hint_name[SPNEGO_HINT_MAX];
	/* NegTokenResp */
	int8_t neg_state;        /* enum spnego_neg_state */
	bool has_supported_mech;
	uint8_t supported_mech;  /* enum der_oid */
	char supported_mech_oid[DER_OID_MAX];
	/* both */
	bool has_mech_token;     /* mechToken (Init) or responseToken (Resp) */
	uint32_t mech_token_len;
	bool has_mech_list_mic;
	bool cut;                /* a string was cut to fit */
};

/* Decode a SPNEGO token: 0x60 InitialContextToken with the SPNEGO OID
 * wrapping [0] NegTokenInit, or a bare [0]/[1] (responses are sent bare).
 * *inner is set to the mechToken/responseToken (a view of r's memory, valid
 * while the packet is) or to an empty reader. Returns SMB_PARSE_OK,
 * SMB_PARSE_TRUNCATED (an element runs past the end) or SMB_PARSE_MALFORMED
 * (not SPNEGO, wrong element type, indefinite length). Facts read before an
 * error are kept in *t. */
enum smb_parse spnego_parse(struct rd *r, struct spnego_token *t, struct rd *inner);
/* "accept-completed", "accept-incomplete", "reject", "request-mic" or NULL. */
const char *spnego_neg_state_name(int neg_state);

#endif
