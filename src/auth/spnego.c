/* spnego: RFC 4178 / MS-SPNG negotiation tokens (see include/smbneg/spnego.h).
 *
 *   60 len  06 06 2b 06 01 05 05 02     InitialContextToken, OID 1.3.6.1.5.5.2
 *     a0 len 30 len                     [0] NegTokenInit ::= SEQUENCE {
 *       a0 30 {06 ..}*                    [0] mechTypes   SEQUENCE OF OID
 *       a1 03 ..                          [1] reqFlags    BIT STRING
 *       a2 04 ..                          [2] mechToken   OCTET STRING
 *       a3 30 {a0 1b ..}                  [3] negHints (NegTokenInit2) or mechListMIC
 *       a4 04 ..                          [4] mechListMIC (NegTokenInit2) }
 *   a1 len 30 len                       [1] NegTokenResp ::= SEQUENCE {
 *       a0 0a 01 xx                       [0] negState     ENUMERATED
 *       a1 06 ..                          [1] supportedMech OID
 *       a2 04 ..                          [2] responseToken OCTET STRING
 *       a3 04 ..                          [3] mechListMIC   OCTET STRING } */
#include "smbneg/spnego.h"

#include "smbneg/wstr.h"

#include <string.h>

/* [0] mechTypes: SEQUENCE OF MechType (OID). */
static enum smb_parse parse_mech_types(struct rd body, struct spnego_token *t)
{
	struct rd seq;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, true, DER_TAG_SEQUENCE, &seq);
	while (e == SMB_PARSE_OK && rd_left(&seq) > 0) {
		struct rd oid;
		e = der_expect(&seq, DER_UNIVERSAL, false, DER_TAG_OID, &oid);
		if (e != SMB_PARSE_OK)
			break;
		if (t->mech_count == 0)
			der_oid_text(oid, t->first_mech_oid, sizeof t->first_mech_oid);
		if (t->mechs_kept < SPNEGO_MAX_MECHS)
			t->mechs[t->mechs_kept++] = (uint8_t)der_oid_lookup(oid);
		if (t->mech_count < UINT8_MAX)
			t->mech_count++;
	}
	return e;
}

/* MS-SPNG 2.2.1 NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL,
 * hintAddress [1] OCTET STRING OPTIONAL }. */
static enum smb_parse parse_neg_hints(struct rd seq, struct spnego_token *t)
{
	t->has_neg_hints = true;
	for (int i = 0; rd_left(&seq) > 0 && i < DER_MAX_ELEMENTS; i++) {
		struct der_tlv f;
		enum smb_parse e = der_read(&seq, &f);
		if (e != SMB_PARSE_OK)
			return e;
		struct rd s;
		if (f.cls == DER_CONTEXT && f.tag == 0 &&
		    der_expect(&f.body, DER_UNIVERSAL, false, DER_TAG_GENERAL_STRING, &s) ==
			    SMB_PARSE_OK)
			wstr_oem(&s, rd_left(&s), t->hint_name, sizeof t->hint_name, &t->cut);
	}
	return SMB_PARSE_OK;
}

/* [3]: mechListMIC (OCTET STRING) in RFC 4178, negHints (SEQUENCE) in MS-SPNG. */
static enum smb_parse parse_init_3(struct rd body, struct spnego_token *t)
{
	struct der_tlv v;
	enum smb_parse e = der_read(&body, &v);
	if (e != SMB_PARSE_OK)
		return e;
	if (v.cls == DER_UNIVERSAL && v.constructed && v.tag == DER_TAG_SEQUENCE)
		return parse_neg_hints(v.body, t);
	if (v.cls == DER_UNIVERSAL && v.tag == DER_TAG_OCTET_STRING) {
		t->has_mech_list_mic = true;
		return SMB_PARSE_OK;
	}
	return SMB_PARSE_MALFORMED;
}

/* A mechToken/responseToken: OCTET STRING inside the context tag. */
static enum smb_parse take_token(struct rd body, struct spnego_token *t, struct rd *inner)
{
	struct rd s;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, false, DER_TAG_OCTET_STRING, &s);
	if (e != SMB_PARSE_OK)
		return e;
	t->has_mech_token = true;
	t->mech_token_len = (uint32_t)rd_left(&s);
	*inner = s;
	return SMB_PARSE_OK;
}

static enum smb_parse init_field(struct der_tlv *f, struct spnego_token *t, struct rd *inner)
{
	switch (f->tag) {
	case 0:
		return parse_mech_types(f->body, t);
	case 1:
		t->has_req_flags = true;
		return SMB_PARSE_OK;
	case 2:
		return take_token(f->body, t, inner);
	case 3:
		return parse_init_3(f->body, t);
	case 4:
		t->has_mech_list_mic = true;
		return SMB_PARSE_OK;
	default:
		return SMB_PARSE_OK; /* unknown extension: skipped by length */
	}
}

static enum smb_parse resp_field(struct der_tlv *f, struct spnego_token *t, struct rd *inner)
{
	struct rd v;
	int64_t n;
	enum smb_parse e;
	switch (f->tag) {
	case 0:
		e = der_expect(&f->body, DER_UNIVERSAL, false, DER_TAG_ENUMERATED, &v);
		if (e != SMB_PARSE_OK)
			return e;
		if (!der_int(v, &n) || n < 0 || n > 127)
			return SMB_PARSE_MALFORMED;
		t->neg_state = (int8_t)n;
		return SMB_PARSE_OK;
	case 1:
		e = der_expect(&f->body, DER_UNIVERSAL, false, DER_TAG_OID, &v);
		if (e != SMB_PARSE_OK)
			return e;
		t->has_supported_mech = true;
		t->supported_mech = (uint8_t)der_oid_lookup(v);
		der_oid_text(v, t->supported_mech_oid, sizeof t->supported_mech_oid);
		return SMB_PARSE_OK;
	case 2:
		return take_token(f->body, t, inner);
	case 3:
		t->has_mech_list_mic = true;
		return SMB_PARSE_OK;
	default:
		return SMB_PARSE_OK;
	}
}

/* The SEQUENCE inside [0] or [1]: context-tagged fields in any order. */
static enum smb_parse parse_fields(struct rd choice, struct spnego_token *t, struct rd *inner)
{
	struct rd seq;
	enum smb_parse e = der_expect(&choice, DER_UNIVERSAL, true, DER_TAG_SEQUENCE, &seq);
	for (int i = 0; e == SMB_PARSE_OK && rd_left(&seq) > 0; i++) {
		struct der_tlv f;
		if (i == DER_MAX_ELEMENTS)
			return SMB_PARSE_MALFORMED;
		e = der_read(&seq, &f);
		if (e != SMB_PARSE_OK)
			break;
		if (f.cls != DER_CONTEXT || !f.constructed)
			return SMB_PARSE_MALFORMED;
		e = t->kind == SPNEGO_KIND_INIT ? init_field(&f, t, inner)
						: resp_field(&f, t, inner);
	}
	return e;
}

/* RFC 2743 3.1: [APPLICATION 0] { thisMech OID, innerToken }. */
static enum smb_parse unwrap_gss(struct rd *r, struct spnego_token *t)
{
	struct rd app, oid;
	enum smb_parse e = der_gss_header(r, &oid, &app);
	if (e != SMB_PARSE_OK)
		return e;
	if (der_oid_lookup(oid) != DER_OID_SPNEGO)
		return SMB_PARSE_MALFORMED;
	t->gss_wrapped = true;
	*r = app; /* the innerToken follows the OID */
	return SMB_PARSE_OK;
}

enum smb_parse spnego_parse(struct rd *r, struct spnego_token *t, struct rd *inner)
{
	memset(t, 0, sizeof *t);
	t->neg_state = SPNEGO_NEG_STATE_ABSENT;
	*inner = rd_init(NULL, 0);
	struct rd cur = *r;
	const uint8_t *id = rd_peek(&cur, 1);
	if (!id)
		return SMB_PARSE_TRUNCATED;
	enum smb_parse e = id[0] == 0x60 ? unwrap_gss(&cur, t) : SMB_PARSE_OK;
	struct der_tlv c;
	if (e == SMB_PARSE_OK)
		e = der_read(&cur, &c);
	if (e != SMB_PARSE_OK)
		return e;
	if (c.cls != DER_CONTEXT || !c.constructed || c.tag > 1)
		return SMB_PARSE_MALFORMED;
	t->kind = c.tag == 0 ? SPNEGO_KIND_INIT : SPNEGO_KIND_RESP;
	e = parse_fields(c.body, t, inner);
	rd_skip(r, rd_left(r)); /* the whole token is consumed */
	return e;
}

const char *spnego_neg_state_name(int neg_state)
{
	static const char *const names[] = {"accept-completed", "accept-incomplete", "reject",
					    "request-mic"};
	return neg_state >= 0 && neg_state < 4 ? names[neg_state] : NULL;
}
