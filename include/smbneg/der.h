/* der: the slice of X.690 DER/BER the security-blob decoders need, on top of
 * rd. One TLV at a time: no recursion, so nesting depth is bounded by the fixed
 * structure of the types the callers know (SPNEGO and Kerberos descend at most
 * DER_MAX_DEPTH levels); a deeper or unexpected element is skipped or rejected
 * by the caller, never walked. */
#ifndef SMBNEG_DER_H
#define SMBNEG_DER_H

#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */

#include <stdbool.h>
#include <stdint.h>

#define DER_MAX_DEPTH 12    /* deepest path a caller follows (Kerberos sname) */
#define DER_MAX_TAG_BYTES 4 /* high-tag-number form: at most 4 continuation bytes */
#define DER_MAX_ELEMENTS 64 /* SEQUENCE members visited before giving up */
#define DER_OID_MAX 64      /* dotted text of an OID, with its NUL */

/* X.690 8.1.2 identifier classes (already shifted: 0x00, 0x40, 0x80, 0xC0). */
enum der_class {
	DER_UNIVERSAL = 0x00,
	DER_APPLICATION = 0x40,
	DER_CONTEXT = 0x80,
	DER_PRIVATE = 0xC0,
};

/* Universal tags used here. */
enum {
	DER_TAG_INTEGER = 2,
	DER_TAG_BIT_STRING = 3,
	DER_TAG_OCTET_STRING = 4,
	DER_TAG_OID = 6,
	DER_TAG_ENUMERATED = 10,
	DER_TAG_SEQUENCE = 16,
	DER_TAG_GENERAL_STRING = 27,
};

struct der_tlv {
	uint8_t cls;      /* enum der_class */
	bool constructed;
	uint32_t tag;
	struct rd body;   /* the contents, a child of the reader read from */
};

/* The object identifiers smbneg names (MS-SPNG 3.1.5.2, RFC 4178, RFC 1964,
 * MS-NLMP 1.9, MS-NEGOEX 1.9). */
enum der_oid {
	DER_OID_UNKNOWN,
	DER_OID_SPNEGO,  /* 1.3.6.1.5.5.2 */
	DER_OID_NTLMSSP, /* 1.3.6.1.4.1.311.2.2.10 */
	DER_OID_KRB5,    /* 1.2.840.113554.1.2.2 */
	DER_OID_MS_KRB5, /* 1.2.840.48018.1.2.2 */
	DER_OID_KRB5_U2U,/* 1.2.840.113554.1.2.2.3 */
	DER_OID_NEGOEX,  /* 1.3.6.1.4.1.311.2.2.30 */
	DER_OID_IAKERB,  /* 1.3.6.1.5.2.5 (Kerberos through the acceptor; Apple LKDC) */
	DER_OID_COUNT
};

/* Read one TLV at r's position. Returns SMB_PARSE_OK, SMB_PARSE_TRUNCATED when
 * the header or the contents run past the end of r, SMB_PARSE_MALFORMED for
 * the indefinite form (X.690 8.1.3.6, not allowed in DER), a length of more
 * than 4 bytes, or a tag number longer than DER_MAX_TAG_BYTES. */
enum smb_parse der_read(struct rd *r, struct der_tlv *t);
/* der_read() and check class/constructed/tag: MALFORMED when they differ. */
enum smb_parse der_expect(struct rd *r, uint8_t cls, bool constructed, uint32_t tag,
			  struct rd *body);
/* [n] EXPLICIT wrapper holding one element of universal `tag`: the body of the
 * inner element. */
enum smb_parse der_explicit(struct rd *r, uint32_t n, bool constructed, uint32_t tag,
			    struct rd *body);
/* RFC 2743 3.1 InitialContextToken: [APPLICATION 0] { thisMech OID, ... }.
 * *mech gets the OID contents, *rest the bytes after it (the innerToken). */
enum smb_parse der_gss_header(struct rd *r, struct rd *mech, struct rd *rest);
/* INTEGER / ENUMERATED contents (1 to 8 bytes, two's complement). */
bool der_int(struct rd body, int64_t *v);
/* OID contents to dotted text; false (and "") when malformed or too long. */
bool der_oid_text(struct rd body, char *dst, size_t size);
/* OID contents to a known name (DER_OID_UNKNOWN otherwise). */
enum der_oid der_oid_lookup(struct rd body);
/* "ntlmssp", "kerberos", "ms-kerberos", ... or "unknown". */
const char *der_oid_name(enum der_oid o);
/* The worse of two results (MALFORMED > TRUNCATED > OK). */
enum smb_parse der_worse(enum smb_parse a, enum smb_parse b);

#endif
