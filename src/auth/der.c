/* der: X.690 TLV reading over rd (see include/smbneg/der.h). */
#include "smbneg/der.h"

#include <string.h>

/* X.690 8.1.2.4: tag numbers >= 31 follow in base-128 bytes. */
static enum smb_parse read_tag(struct rd *r, uint8_t first, uint32_t *tag)
{
	if ((first & 0x1F) != 0x1F) {
		*tag = first & 0x1Fu;
		return SMB_PARSE_OK;
	}
	uint32_t v = 0;
	for (int i = 0; i < DER_MAX_TAG_BYTES; i++) {
		uint8_t b = rd_u8(r);
		if (!rd_ok(r))
			return SMB_PARSE_TRUNCATED;
		v = v << 7 | (b & 0x7Fu);
		if (!(b & 0x80)) {
			*tag = v;
			return SMB_PARSE_OK;
		}
	}
	return SMB_PARSE_MALFORMED;
}

/* X.690 8.1.3: short form, long form of 1..4 bytes; indefinite rejected. */
static enum smb_parse read_len(struct rd *r, size_t *len)
{
	uint8_t b = rd_u8(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	if (b < 0x80) {
		*len = b;
		return SMB_PARSE_OK;
	}
	unsigned n = b & 0x7Fu;
	if (n == 0 || n > 4) /* 0x80 indefinite; 0xFF reserved; > 4 GiB */
		return SMB_PARSE_MALFORMED;
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | rd_u8(r);
	if (!rd_ok(r))
		return SMB_PARSE_TRUNCATED;
	*len = v;
	return SMB_PARSE_OK;
}

enum smb_parse der_read(struct rd *r, struct der_tlv *t)
{
	struct rd tmp = *r; /* commit only on success */
	memset(t, 0, sizeof *t);
	t->body = rd_init(NULL, 0);
	t->body.err = true;
	uint8_t id = rd_u8(&tmp);
	if (!rd_ok(&tmp))
		return SMB_PARSE_TRUNCATED;
	t->cls = id & 0xC0;
	t->constructed = (id & 0x20) != 0;
	enum smb_parse e = read_tag(&tmp, id, &t->tag);
	size_t len = 0;
	if (e == SMB_PARSE_OK)
		e = read_len(&tmp, &len);
	if (e != SMB_PARSE_OK)
		return e;
	if (!rd_has(&tmp, len))
		return SMB_PARSE_TRUNCATED;
	t->body = rd_sub(&tmp, len);
	*r = tmp;
	return SMB_PARSE_OK;
}

enum smb_parse der_expect(struct rd *r, uint8_t cls, bool constructed, uint32_t tag,
			  struct rd *body)
{
	struct der_tlv t;
	enum smb_parse e = der_read(r, &t);
	*body = t.body;
	if (e != SMB_PARSE_OK)
		return e;
	if (t.cls != cls || t.constructed != constructed || t.tag != tag)
		return SMB_PARSE_MALFORMED;
	return SMB_PARSE_OK;
}

enum smb_parse der_explicit(struct rd *r, uint32_t n, bool constructed, uint32_t tag,
			    struct rd *body)
{
	struct rd outer;
	enum smb_parse e = der_expect(r, DER_CONTEXT, true, n, &outer);
	if (e != SMB_PARSE_OK) {
		*body = outer;
		return e;
	}
	return der_expect(&outer, DER_UNIVERSAL, constructed, tag, body);
}

enum smb_parse der_gss_header(struct rd *r, struct rd *mech, struct rd *rest)
{
	enum smb_parse e = der_expect(r, DER_APPLICATION, true, 0, rest);
	*mech = rd_init(NULL, 0);
	if (e == SMB_PARSE_OK)
		e = der_expect(rest, DER_UNIVERSAL, false, DER_TAG_OID, mech);
	return e;
}

bool der_int(struct rd body, int64_t *v)
{
	size_t n = rd_left(&body);
	*v = 0;
	if (n == 0 || n > 8)
		return false;
	uint8_t first = rd_u8(&body);
	uint64_t u = first & 0x80 ? ~(uint64_t)0 : 0; /* sign extension */
	u = u << 8 | first;
	while (rd_left(&body) > 0)
		u = u << 8 | rd_u8(&body);
	*v = (int64_t)u;
	return rd_ok(&body);
}

/* Append the decimal form of v to dst at *at; false when it does not fit. */
static bool put_arc(char *dst, size_t size, size_t *at, uint64_t v, bool dot)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if ((dot ? 1 : 0) + n >= size - *at)
		return false;
	if (dot)
		dst[(*at)++] = '.';
	while (n)
		dst[(*at)++] = tmp[--n];
	dst[*at] = '\0';
	return true;
}

bool der_oid_text(struct rd body, char *dst, size_t size)
{
	size_t at = 0;
	uint64_t v = 0;
	bool first = true, pending = false;
	if (size == 0)
		return false;
	dst[0] = '\0';
	if (rd_left(&body) == 0 || rd_left(&body) > DER_OID_MAX)
		return false;
	while (rd_left(&body) > 0) {
		uint8_t b = rd_u8(&body);
		if (v > (UINT64_MAX >> 7))
			goto bad;
		v = v << 7 | (b & 0x7Fu);
		pending = (b & 0x80) != 0;
		if (pending)
			continue;
		bool ok = first ? put_arc(dst, size, &at, v < 80 ? v / 40 : 2, false) &&
					  put_arc(dst, size, &at, v < 80 ? v % 40 : v - 80, true)
				: put_arc(dst, size, &at, v, true);
		if (!ok)
			goto bad;
		first = false;
		v = 0;
	}
	if (!pending) /* the last byte ended an arc */
		return true;
bad:
	dst[0] = '\0';
	return false;
}

/* Encoded contents of the known OIDs, indexed by enum der_oid. */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t enc[11];
} known_oids[DER_OID_COUNT] = {
    [DER_OID_UNKNOWN] = {"unknown", 0, {0}},
    [DER_OID_SPNEGO] = {"spnego", 6, {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02}},
    [DER_OID_NTLMSSP] = {"ntlmssp",
			 10,
			 {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a}},
    [DER_OID_KRB5] = {"kerberos", 9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02}},
    [DER_OID_MS_KRB5] = {"ms-kerberos", 9, {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02}},
    [DER_OID_KRB5_U2U] = {"kerberos-u2u",
			  10,
			  {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03}},
    [DER_OID_NEGOEX] = {"negoex", 10, {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e}},
    [DER_OID_IAKERB] = {"iakerb", 6, {0x2b, 0x06, 0x01, 0x05, 0x02, 0x05}},
};

enum der_oid der_oid_lookup(struct rd body)
{
	size_t n = rd_left(&body);
	const uint8_t *p = rd_peek(&body, n);
	for (int i = 1; p && i < DER_OID_COUNT; i++)
		if (known_oids[i].len == n && memcmp(known_oids[i].enc, p, n) == 0)
			return (enum der_oid)i;
	return DER_OID_UNKNOWN;
}

const char *der_oid_name(enum der_oid o)
{
	return (unsigned)o < DER_OID_COUNT ? known_oids[o].name : "unknown";
}

enum smb_parse der_worse(enum smb_parse a, enum smb_parse b)
{
	if (a == SMB_PARSE_MALFORMED || b == SMB_PARSE_MALFORMED)
		return SMB_PARSE_MALFORMED;
	if (a == SMB_PARSE_TRUNCATED || b == SMB_PARSE_TRUNCATED)
		return SMB_PARSE_TRUNCATED;
	return SMB_PARSE_OK;
}
