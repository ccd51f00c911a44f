/* krb5: Kerberos tokens as SMB carries them (see include/smbneg/krb5.h).
 *
 *   60 len 06 09 2a864886f712010202 01 00   GSS framing, OID, TOK_ID AP-REQ
 *     6e len 30 len                         AP-REQ ::= [APPLICATION 14] SEQUENCE {
 *       a0 pvno, a1 msg-type, a2 ap-options    [0] [1] INTEGER, [2] BIT STRING
 *       a3 61 len 30 len                       [3] Ticket ::= [APPLICATION 1] SEQUENCE {
 *         a0 tkt-vno, a1 1b realm                [0] INTEGER, [1] GeneralString
 *         a2 30 { a0 name-type, a1 30 {1b ..}*}  [2] PrincipalName
 *         a3 30 { a0 etype, a1 kvno, a2 cipher}  [3] EncryptedData (etype only) }
 *       a4 authenticator                       [4] EncryptedData (skipped) } */
#include "smbneg/krb5.h"

#include "smbneg/der.h"
#include "smbneg/wstr.h"

#include <string.h>

enum {
	APP_TICKET = 1,
	APP_AP_REQ = 14,
	APP_AP_REP = 15,
	APP_KRB_ERROR = 30,
};

static enum smb_parse int_field(struct rd body, int32_t *out)
{
	struct rd v;
	int64_t n;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, false, DER_TAG_INTEGER, &v);
	if (e != SMB_PARSE_OK)
		return e;
	if (!der_int(v, &n) || n < INT32_MIN || n > INT32_MAX)
		return SMB_PARSE_MALFORMED;
	*out = (int32_t)n;
	return SMB_PARSE_OK;
}

static enum smb_parse string_field(struct rd body, char *dst, size_t size, bool *cut)
{
	struct rd v;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, false, DER_TAG_GENERAL_STRING, &v);
	if (e == SMB_PARSE_OK)
		wstr_oem(&v, rd_left(&v), dst, size, cut);
	return e;
}

/* RFC 4120 5.2.2 PrincipalName: components joined with '/'. */
static enum smb_parse principal(struct rd body, struct krb5_token *k)
{
	struct rd seq, f, names;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, true, DER_TAG_SEQUENCE, &seq);
	if (e == SMB_PARSE_OK)
		e = der_expect(&seq, DER_CONTEXT, true, 0, &f);
	if (e == SMB_PARSE_OK)
		e = int_field(f, &k->sname_type);
	if (e == SMB_PARSE_OK)
		e = der_explicit(&seq, 1, true, DER_TAG_SEQUENCE, &names);
	size_t at = 0;
	k->sname[0] = '\0';
	while (e == SMB_PARSE_OK && rd_left(&names) > 0) {
		if (k->sname_parts == KRB5_MAX_NAME_PARTS) {
			k->cut = true;
			break;
		}
		if (k->sname_parts > 0 && at + 1 < sizeof k->sname)
			k->sname[at++] = '/';
		struct rd v;
		e = der_expect(&names, DER_UNIVERSAL, false, DER_TAG_GENERAL_STRING, &v);
		if (e == SMB_PARSE_OK)
			wstr_oem(&v, rd_left(&v), k->sname + at, sizeof k->sname - at, &k->cut);
		at += strlen(k->sname + at);
		k->sname_parts++;
	}
	return e;
}

/* RFC 4120 5.2.9 EncryptedData: only the etype, which is in clear. */
static enum smb_parse enc_etype(struct rd body, struct krb5_token *k)
{
	struct rd seq, f;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, true, DER_TAG_SEQUENCE, &seq);
	if (e == SMB_PARSE_OK)
		e = der_expect(&seq, DER_CONTEXT, true, 0, &f);
	if (e == SMB_PARSE_OK)
		e = int_field(f, &k->ticket_etype);
	k->has_ticket_etype = e == SMB_PARSE_OK;
	return e;
}

/* One context-tagged field of a Ticket, AP-REQ, AP-REP or KRB-ERROR. */
static enum smb_parse field(uint32_t app, uint32_t tag, struct rd body, struct krb5_token *k);

/* SEQUENCE of context-tagged fields, each handed to field(). */
static enum smb_parse fields(uint32_t app, struct rd body, struct krb5_token *k)
{
	struct rd seq;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, true, DER_TAG_SEQUENCE, &seq);
	for (int i = 0; e == SMB_PARSE_OK && rd_left(&seq) > 0; i++) {
		struct der_tlv f;
		if (i == DER_MAX_ELEMENTS)
			return SMB_PARSE_MALFORMED;
		e = der_read(&seq, &f);
		if (e == SMB_PARSE_OK && (f.cls != DER_CONTEXT || !f.constructed))
			e = SMB_PARSE_MALFORMED;
		if (e == SMB_PARSE_OK)
			e = field(app, f.tag, f.body, k);
	}
	return e;
}

static enum smb_parse ticket(struct rd body, struct krb5_token *k)
{
	struct rd t;
	enum smb_parse e = der_expect(&body, DER_APPLICATION, true, APP_TICKET, &t);
	return e == SMB_PARSE_OK ? fields(APP_TICKET, t, k) : e;
}

static enum smb_parse ap_options(struct rd body, struct krb5_token *k)
{
	struct rd v;
	enum smb_parse e = der_expect(&body, DER_UNIVERSAL, false, DER_TAG_BIT_STRING, &v);
	if (e == SMB_PARSE_OK) {
		rd_skip(&v, 1); /* unused-bits count */
		k->ap_options = rd_left(&v) >= 4 ? rd_be32(&v) : 0;
	}
	return e;
}

static enum smb_parse field(uint32_t app, uint32_t tag, struct rd body, struct krb5_token *k)
{
	if (tag == 0 && app != APP_TICKET)
		return int_field(body, &k->pvno);
	if (tag == 1 && app != APP_TICKET)
		return int_field(body, &k->msg_type);
	switch (app) {
	case APP_AP_REQ:
		return tag == 2 ? ap_options(body, k) : tag == 3 ? ticket(body, k) : SMB_PARSE_OK;
	case APP_TICKET:
		if (tag == 0)
			return int_field(body, &k->tkt_vno);
		if (tag == 1)
			return string_field(body, k->realm, sizeof k->realm, &k->cut);
		if (tag == 2)
			return principal(body, k);
		return tag == 3 ? enc_etype(body, k) : SMB_PARSE_OK;
	case APP_KRB_ERROR: /* RFC 4120 5.9.1 */
		if (tag == 6) {
			enum smb_parse e = int_field(body, &k->error_code);
			k->has_error_code = e == SMB_PARSE_OK;
			return e;
		}
		if (tag == 9)
			return string_field(body, k->realm, sizeof k->realm, &k->cut);
		return tag == 10 ? principal(body, k) : SMB_PARSE_OK;
	default: /* AP-REP: the rest is encrypted */
		return SMB_PARSE_OK;
	}
}

/* RFC 2743 3.1 / RFC 4121 4.1: [APPLICATION 0] { OID, TOK_ID (2), message }. */
static enum smb_parse unwrap_gss(struct rd *r, struct krb5_token *k)
{
	struct rd app, oid;
	enum smb_parse e = der_gss_header(r, &oid, &app);
	if (e != SMB_PARSE_OK)
		return e;
	enum der_oid o = der_oid_lookup(oid);
	if (!krb5_is_mech_oid(o))
		return SMB_PARSE_MALFORMED;
	k->gss_wrapped = true;
	k->mech_oid = (uint8_t)o;
	k->tok_id = rd_be16(&app);
	if (!rd_ok(&app))
		return SMB_PARSE_TRUNCATED;
	*r = app;
	return SMB_PARSE_OK;
}

bool krb5_first_byte(uint8_t b)
{
	return b == 0x60 || b == 0x6e || b == 0x6f || b == 0x7e;
}

bool krb5_is_mech_oid(int oid)
{
	return oid == DER_OID_KRB5 || oid == DER_OID_MS_KRB5 || oid == DER_OID_KRB5_U2U ||
	       oid == DER_OID_IAKERB;
}

bool krb5_is(const struct rd *r)
{
	struct rd c = *r;
	struct krb5_token k;
	const uint8_t *p = rd_peek(&c, 1);
	if (!p)
		return false;
	if (p[0] != 0x60)
		return krb5_first_byte(p[0]);
	memset(&k, 0, sizeof k);
	return unwrap_gss(&c, &k) == SMB_PARSE_OK;
}

enum smb_parse krb5_parse(struct rd *r, struct krb5_token *k)
{
	memset(k, 0, sizeof *k);
	struct rd cur = rd_sub(r, rd_left(r));
	const uint8_t *p = rd_peek(&cur, 1);
	if (!p)
		return SMB_PARSE_TRUNCATED;
	enum smb_parse e = p[0] == 0x60 ? unwrap_gss(&cur, k) : SMB_PARSE_OK;
	if (e != SMB_PARSE_OK)
		return e;
	if (k->gss_wrapped && k->tok_id != 0x0100 && k->tok_id != 0x0200 && k->tok_id != 0x0300) {
		k->msg = KRB5_MSG_OTHER;
		return SMB_PARSE_OK;
	}
	struct der_tlv m;
	e = der_read(&cur, &m);
	if (e != SMB_PARSE_OK)
		return e;
	if (m.cls != DER_APPLICATION || !m.constructed)
		return SMB_PARSE_MALFORMED;
	if (m.tag == APP_AP_REQ)
		k->msg = KRB5_MSG_AP_REQ;
	else if (m.tag == APP_AP_REP)
		k->msg = KRB5_MSG_AP_REP;
	else if (m.tag == APP_KRB_ERROR)
		k->msg = KRB5_MSG_KRB_ERROR;
	else
		return SMB_PARSE_MALFORMED;
	return fields(m.tag, m.body, k);
}

const char *krb5_msg_name(int msg)
{
	static const char *const names[] = {NULL, "ap-req", "ap-rep", "krb-error", "other"};
	return msg >= 0 && msg <= KRB5_MSG_OTHER ? names[msg] : NULL;
}
