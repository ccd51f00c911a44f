/* auth: security buffer dispatch (see include/smbneg/auth.h). */
#include "smbneg/auth.h"

#include "smbneg/der.h"

#include <string.h>

static uint8_t mech_of_oid(uint8_t oid)
{
	if (oid == DER_OID_NTLMSSP)
		return AUTH_MECH_NTLMSSP;
	return krb5_is_mech_oid(oid) ? AUTH_MECH_KERBEROS : AUTH_MECH_OTHER;
}

/* The first bytes of an NTLMSSP message or a Kerberos token. */
static bool looks_inner(const struct rd *r)
{
	size_t n = rd_left(r) < 8 ? rd_left(r) : 8;
	const uint8_t *p = rd_peek(r, n);
	if (!p || n == 0)
		return false;
	return memcmp(p, "NTLMSSP", n < 8 ? n : 8) == 0 || krb5_first_byte(p[0]);
}

/* A token that is not SPNEGO: NTLMSSP or Kerberos, else MALFORMED. */
static enum smb_parse parse_inner(struct rd *r, struct auth_token *t)
{
	const uint8_t *p = rd_peek(r, 8);
	if (p && ntlmssp_is(p, 8)) {
		t->has_ntlmssp = true;
		t->mech = AUTH_MECH_NTLMSSP;
		return ntlmssp_parse(r, &t->ntlm);
	}
	p = rd_peek(r, 1);
	if (!p || !looks_inner(r))
		return SMB_PARSE_MALFORMED;
	if (!krb5_first_byte(p[0]))
		return SMB_PARSE_TRUNCATED; /* a cut "NTLMSSP\0" signature */
	enum smb_parse e = krb5_parse(r, &t->krb5);
	if (e == SMB_PARSE_MALFORMED && !t->krb5.gss_wrapped)
		return e; /* neither a Kerberos message nor its GSS framing */
	t->has_krb5 = true;
	t->mech = AUTH_MECH_KERBEROS;
	return e;
}

/* SPNEGO: a bare [0]/[1] choice (0xa0/0xa1), or 0x60 whose first element is
 * the SPNEGO OID. A cut token that still shows the OID's first bytes counts. */
static bool is_spnego(const struct rd *r)
{
	static const uint8_t oid[] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
	struct rd c = *r;
	uint8_t id = rd_u8(&c);
	if (!rd_ok(&c))
		return false;
	if (id == 0xa0 || id == 0xa1)
		return true;
	if (id != 0x60)
		return false;
	uint8_t l = rd_u8(&c);
	if (l > 0x80 && l < 0x85)
		rd_skip(&c, l & 0x7Fu); /* X.690 8.1.3.5 long form */
	struct der_tlv o;
	struct rd e = c;
	if (der_read(&e, &o) == SMB_PARSE_OK)
		return o.cls == DER_UNIVERSAL && o.tag == DER_TAG_OID &&
		       der_oid_lookup(o.body) == DER_OID_SPNEGO;
	size_t have = rd_left(&c) < sizeof oid ? rd_left(&c) : sizeof oid;
	const uint8_t *q = rd_peek(&c, have);
	return q && have > 0 && memcmp(q, oid, have) == 0;
}

enum smb_parse auth_parse_blob(struct rd *r, struct auth_token *t)
{
	memset(t, 0, sizeof *t);
	struct rd buf = rd_sub(r, rd_left(r));
	if (rd_left(&buf) == 0)
		return SMB_PARSE_OK;
	if (!is_spnego(&buf))
		return parse_inner(&buf, t);
	struct rd inner;
	t->spnego = true;
	enum smb_parse e = spnego_parse(&buf, &t->sp, &inner);
	if (t->sp.has_mech_token && looks_inner(&inner)) { /* NEGOEX etc. not decoded */
		enum smb_parse ie = parse_inner(&inner, t);
		e = der_worse(e, ie);
		if (t->mech != AUTH_MECH_NONE)
			return e;
	}
	if (t->sp.has_supported_mech)
		t->mech = mech_of_oid(t->sp.supported_mech);
	else if (t->sp.mechs_kept > 0)
		t->mech = mech_of_oid(t->sp.mechs[0]);
	return e;
}

const char *auth_mech_name(int mech)
{
	static const char *const names[] = {NULL, "ntlmssp", "kerberos", "other"};
	return mech >= 0 && mech <= AUTH_MECH_OTHER ? names[mech] : NULL;
}
