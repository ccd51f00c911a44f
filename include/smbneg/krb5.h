/* krb5: the clear parts of Kerberos tokens in GSS-API framing (RFC 4121 4.1,
 * RFC 1964 1.1) as SMB carries them: AP-REQ ticket realm and service
 * principal (RFC 4120 5.5.1, 5.3), AP-REP, KRB-ERROR error-code (5.9.1).
 * Nothing encrypted is touched. */
#ifndef SMBNEG_KRB5_H
#define SMBNEG_KRB5_H

#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */

#include <stdbool.h>
#include <stdint.h>

#define KRB5_REALM_MAX 128
#define KRB5_PRINCIPAL_MAX 192 /* name-string components joined by '/' */
#define KRB5_MAX_NAME_PARTS 8

enum krb5_msg {
	KRB5_MSG_NONE,
	KRB5_MSG_AP_REQ,    /* TOK_ID 01 00, [APPLICATION 14] */
	KRB5_MSG_AP_REP,    /* TOK_ID 02 00, [APPLICATION 15] */
	KRB5_MSG_KRB_ERROR, /* TOK_ID 03 00, [APPLICATION 30] */
	KRB5_MSG_OTHER,     /* another TOK_ID (04 00 user-to-user TGT-REQ, 05 01 IAKERB proxy) */
};

struct krb5_token {
	uint8_t msg;          /* enum krb5_msg */
	bool gss_wrapped;     /* [APPLICATION 0] + Kerberos OID + TOK_ID was present */
	uint8_t mech_oid;     /* enum der_oid of the wrapper */
	uint16_t tok_id;      /* big-endian TOK_ID, 0 when bare */
	int32_t pvno, msg_type;
	/* AP-REQ */
	uint32_t ap_options;  /* first 32 bits of the BIT STRING */
	int32_t tkt_vno;
	char realm[KRB5_REALM_MAX];       /* Ticket realm */
	int32_t sname_type;               /* PrincipalName name-type (2 = NT-SRV-INST) */
	uint8_t sname_parts;
	char sname[KRB5_PRINCIPAL_MAX];   /* "cifs/host.example.com" */
	bool has_ticket_etype;
	int32_t ticket_etype;             /* enc-part etype of the ticket (in clear) */
	/* KRB-ERROR */
	bool has_error_code;
	int32_t error_code;               /* RFC 4120 7.5.9 */
	bool cut;                         /* a string was cut to fit */
};

/* Decode a Kerberos GSS token ([APPLICATION 0], a Kerberos OID, TOK_ID, then
 * the message) or a bare AP-REQ/AP-REP/KRB-ERROR. Returns SMB_PARSE_OK,
 * SMB_PARSE_TRUNCATED (an element runs past the end; facts so far kept) or
 * SMB_PARSE_MALFORMED (not Kerberos, wrong element types). */
enum smb_parse krb5_parse(struct rd *r, struct krb5_token *k);
/* True when the first bytes look like a Kerberos GSS token or bare message. */
bool krb5_is(const struct rd *r);
/* A first byte that can start one: 0x60 GSS [APPLICATION 0] (RFC 2743 3.1),
 * 0x6e AP-REQ, 0x6f AP-REP, 0x7e KRB-ERROR (RFC 4120 5.5.1, 5.5.2, 5.9.1). */
bool krb5_first_byte(uint8_t b);
/* One of the Kerberos mechanism OIDs (der.h enum der_oid): RFC 4121, MS
 * Kerberos, user-to-user, IAKERB. */
bool krb5_is_mech_oid(int oid);
/* "ap-req", "ap-rep", "krb-error", "other" or NULL for none. */
const char *krb5_msg_name(int msg);

#endif
