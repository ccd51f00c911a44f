/* Unit tests for smb1: header, signing test, Negotiate request/response and
 * Session Setup AndX response (MS-CIFS 2.2.3.1, 2.2.4.52, 2.2.4.53; MS-SMB
 * 2.2.4.5.2). Every input is an exact-size heap copy. */
#include "testutil2.h"

#include "smbneg/anomaly.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h"
#include "smbneg/smb1_logon.h"
#include "smbneg/smb_const.h"

/* ---- vectors ---- */

/* SMB1 header (32 bytes) of a client Negotiate request:
 * Command 0x72, Status 0, Flags 0x18 (caseless, canonical paths),
 * Flags2 0xC853 (UNICODE|NT_STATUS|EXTENDED_SECURITY|IS_LONG_NAME|
 * SECURITY_SIGNATURE_REQUIRED|EAS|LONG_NAMES), PIDHigh 0, zero signature,
 * TID 0, PIDLow 0xFEFF, UID 0, MID 0. */
#define HDR_NEG_REQ                                                                                \
	"\xff" "SMB"                      /* Protocol */                                           \
	"\x72"                            /* Command SMB_COM_NEGOTIATE */                          \
	"\x00\x00\x00\x00"                /* Status */                                             \
	"\x18"                            /* Flags */                                              \
	"\x53\xc8"                        /* Flags2 0xC853 */                                      \
	"\x00\x00"                        /* PIDHigh */                                            \
	"\x00\x00\x00\x00\x00\x00\x00\x00" /* SecuritySignature */                                 \
	"\x00\x00"                        /* Reserved */                                           \
	"\x00\x00"                        /* TID */                                                \
	"\xff\xfe"                        /* PIDLow 0xFEFF */                                      \
	"\x00\x00"                        /* UID */                                                \
	"\x00\x00"                        /* MID */

/* The same header as a reply (Flags 0x98: REPLY|caseless|canonical),
 * Flags2 given as two little-endian bytes. */
#define HDR_NEG_RESP(f2lo, f2hi)                                                                   \
	"\xff" "SMB" "\x72" "\x00\x00\x00\x00" "\x98" f2lo f2hi "\x00\x00"                           \
	"\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00" "\x00\x00" "\xff\xfe" "\x00\x00" "\x00\x00"

/* Negotiate request, MS-CIFS 2.2.4.52.1: WordCount 0, ByteCount 69, five
 * dialects each as 0x02 + NUL-terminated OEM string. */
static const char neg_req[] = HDR_NEG_REQ
	"\x00"                                /* WordCount 0 */
	"\x45\x00"                            /* ByteCount 69 */
	"\x02" "PC NETWORK PROGRAM 1.0" "\x00" /* 24 bytes */
	"\x02" "LANMAN1.0" "\x00"              /* 11 */
	"\x02" "NT LM 0.12" "\x00"             /* 12 */
	"\x02" "SMB 2.002" "\x00"              /* 11 */
	"\x02" "SMB 2.???" "\x00";             /* 11 */

/* A Session Setup AndX response header with every field distinct:
 * Command 0x73, Status 0xC0000016 (MORE_PROCESSING_REQUIRED), Flags 0x98,
 * Flags2 0xC807 (UNICODE|NT_STATUS|EXTENDED_SECURITY|SECURITY_SIGNATURE|EAS|
 * LONG_NAMES), signature 01..08, TID 0x1234, PIDLow 0xFEFF, UID 0x0800,
 * MID 5. */
static const char hdr_fields[] =
	"\xff" "SMB"
	"\x73"                             /* Command SMB_COM_SESSION_SETUP_ANDX */
	"\x16\x00\x00\xc0"                 /* Status 0xC0000016 */
	"\x98"                             /* Flags */
	"\x07\xc8"                         /* Flags2 0xC807 */
	"\x00\x00"                         /* PIDHigh */
	"\x01\x02\x03\x04\x05\x06\x07\x08" /* SecuritySignature */
	"\x00\x00"                         /* Reserved */
	"\x34\x12"                         /* TID 0x1234 */
	"\xff\xfe"                         /* PIDLow 0xFEFF */
	"\x00\x08"                         /* UID 0x0800 */
	"\x05\x00";                        /* MID 5 */

/* Negotiate response, NT LM 0.12 with extended security (MS-SMB 2.2.4.5.2.1):
 * WordCount 17, DialectIndex 2, SecurityMode 0x0F, MaxMpxCount 50,
 * MaxNumberVcs 1, MaxBufferSize 16644, MaxRawSize 65536, SessionKey 0,
 * Capabilities 0x8001F3FD (EXTENDED_SECURITY set), SystemTime
 * 116444736000000000 (1970-01-01), TimeZone 0, ChallengeLength 0,
 * ByteCount 24 = ServerGUID (16) + 8 bytes of security blob. */
static const char neg_resp_ext[] = HDR_NEG_RESP("\x53", "\xc8")
	"\x11"                             /* WordCount 17 */
	"\x02\x00"                         /* DialectIndex 2 */
	"\x0f"                             /* SecurityMode 15 */
	"\x32\x00"                         /* MaxMpxCount 50 */
	"\x01\x00"                         /* MaxNumberVcs 1 */
	"\x04\x41\x00\x00"                 /* MaxBufferSize 16644 */
	"\x00\x00\x01\x00"                 /* MaxRawSize 65536 */
	"\x00\x00\x00\x00"                 /* SessionKey */
	"\xfd\xf3\x01\x80"                 /* Capabilities 0x8001F3FD */
	"\x00\x80\x3e\xd5\xde\xb1\x9d\x01" /* SystemTime */
	"\x00\x00"                         /* ServerTimeZone */
	"\x00"                             /* ChallengeLength */
	"\x18\x00"                         /* ByteCount 24 */
	"\x33\x22\x11\x00\x55\x44\x77\x66\x88\x99\xaa\xbb\xcc\xdd\xee\xff" /* ServerGUID */
	"\x60\x06\x06\x04\x2b\x06\x01\x05"; /* SecurityBlob (8 bytes) */

/* Negotiate response, NT LM 0.12 without extended security, Unicode
 * (Flags2 0xC001): SecurityMode 0x07, Capabilities 0x0000E3FD,
 * ChallengeLength 8, ByteCount 36 = challenge (8) + "WORKGROUP" UTF-16 with
 * NUL (20) + "SRV" UTF-16 with NUL (8). */
static const char neg_resp_uni[] = HDR_NEG_RESP("\x01", "\xc0")
	"\x11"                             /* WordCount 17 */
	"\x02\x00"                         /* DialectIndex 2 */
	"\x07"                             /* SecurityMode 7 */
	"\x32\x00"                         /* MaxMpxCount 50 */
	"\x01\x00"                         /* MaxNumberVcs 1 */
	"\x04\x41\x00\x00"                 /* MaxBufferSize 16644 */
	"\x00\x00\x01\x00"                 /* MaxRawSize 65536 */
	"\xef\xbe\xad\xde"                 /* SessionKey 0xDEADBEEF */
	"\xfd\xe3\x00\x00"                 /* Capabilities 0x0000E3FD */
	"\x00\x80\x3e\xd5\xde\xb1\x9d\x01" /* SystemTime */
	"\xc4\xff"                         /* ServerTimeZone -60 */
	"\x08"                             /* ChallengeLength 8 */
	"\x24\x00"                         /* ByteCount 36 */
	"\x11\x22\x33\x44\x55\x66\x77\x88" /* Challenge */
	"W\0O\0R\0K\0G\0R\0O\0U\0P\0" "\0\0" /* DomainName */
	"S\0R\0V\0" "\0\0";                  /* ServerName */

/* The same from a server without Unicode (Flags2 0x4001, Capabilities
 * 0x0000E3F9 without CAP_UNICODE): OEM strings. SecurityMode 0x03. */
static const char neg_resp_oem[] = HDR_NEG_RESP("\x01", "\x40")
	"\x11" "\x02\x00"
	"\x03"                             /* SecurityMode 3 */
	"\x32\x00" "\x01\x00" "\x04\x41\x00\x00" "\x00\x00\x01\x00" "\x00\x00\x00\x00"
	"\xf9\xe3\x00\x00"                 /* Capabilities 0x0000E3F9 */
	"\x00\x80\x3e\xd5\xde\xb1\x9d\x01" "\x00\x00"
	"\x08"                             /* ChallengeLength 8 */
	"\x16\x00"                         /* ByteCount 22 */
	"\x11\x22\x33\x44\x55\x66\x77\x88" /* Challenge */
	"WORKGROUP" "\x00"                 /* DomainName */
	"SRV" "\x00";                      /* ServerName */

/* Negotiate response, LANMAN 2.1 (MS-CIFS 2.2.4.52.2, WordCount 13). */
static const char neg_resp_lanman[] = HDR_NEG_RESP("\x01", "\x00")
	"\x0d"                             /* WordCount 13 */
	"\x01\x00"                         /* DialectIndex 1 */
	"\x03\x00"                         /* SecurityMode 0x0003 */
	"\x04\x11"                         /* MaxBufferSize 4356 */
	"\x32\x00"                         /* MaxMpxCount 50 */
	"\x01\x00"                         /* MaxNumberVcs 1 */
	"\x03\x00"                         /* RawMode */
	"\x78\x56\x34\x12"                 /* SessionKey 0x12345678 */
	"\x00\x00"                         /* ServerTime */
	"\x00\x00"                         /* ServerDate */
	"\xc4\xff"                         /* ServerTimeZone -60 */
	"\x08\x00"                         /* EncryptionKeyLength 8 */
	"\x00\x00"                         /* Reserved */
	"\x08\x00"                         /* ByteCount 8 */
	"\x01\x02\x03\x04\x05\x06\x07\x08"; /* EncryptionKey */

/* Core response: WordCount 1, DialectIndex 0xFFFF (none accepted), ByteCount 0. */
static const char neg_resp_none[] = HDR_NEG_RESP("\x01", "\x00") "\x01" "\xff\xff" "\x00\x00";

/* Error response: WordCount 0, ByteCount 0. */
static const char neg_resp_err[] = HDR_NEG_RESP("\x01", "\x40") "\x00" "\x00\x00";

/* A WordCount no dialect uses (5), 10 bytes of words, ByteCount 0. */
static const char neg_resp_wc5[] = HDR_NEG_RESP("\x01", "\x40")
	"\x05" "\x02\x00" "\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00";

/* Session Setup AndX response header (Command 0x73, success, Flags2 0xC001). */
#define HDR_SESS_RESP                                                                              \
	"\xff" "SMB" "\x73" "\x00\x00\x00\x00" "\x98" "\x01\xc0" "\x00\x00"                          \
	"\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00" "\x00\x00" "\xff\xfe" "\x00\x08" "\x02\x00"

/* MS-CIFS 2.2.4.53.2: WordCount 3, AndXCommand 0xFF, AndXReserved 0,
 * AndXOffset 0, Action 0x0001 (SMB_SETUP_GUEST), ByteCount 0. */
static const char sess_resp_guest[] = HDR_SESS_RESP
	"\x03" "\xff" "\x00" "\x00\x00" "\x01\x00" "\x00\x00";

/* MS-SMB 2.2.4.6.2 (extended security): WordCount 4, AndX, Action 0,
 * SecurityBlobLength 0, ByteCount 0. */
static const char sess_resp_user[] = HDR_SESS_RESP
	"\x04" "\xff" "\x00" "\x00\x00" "\x00\x00" "\x00\x00" "\x00\x00";

/* Error response: WordCount 0, ByteCount 0. */
static const char sess_resp_err[] = HDR_SESS_RESP "\x00" "\x00\x00";

/* ---- helpers ---- */

static enum smb_parse parse_hdr(const uint8_t *p, size_t n, struct smb1_header *h)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	memset(h, 0, sizeof *h);
	enum smb_parse res = smb1_parse_header(&r, h);
	free(c);
	return res;
}

/* Header then Negotiate request; *hres is the header's result. */
static enum smb_parse parse_req(const uint8_t *p, size_t n, enum smb_parse *hres,
				struct smb1_negotiate_request *q)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	struct smb1_header h;
	memset(q, 0, sizeof *q);
	*hres = smb1_parse_header(&r, &h);
	enum smb_parse res = *hres == SMB_PARSE_OK ? smb1_parse_negotiate_request(&r, q) : *hres;
	free(c);
	return res;
}

static enum smb_parse parse_resp(const uint8_t *p, size_t n, enum smb_parse *hres,
				 struct smb1_negotiate_response *s)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	struct smb1_header h;
	memset(s, 0, sizeof *s);
	*hres = smb1_parse_header(&r, &h);
	enum smb_parse res =
		*hres == SMB_PARSE_OK ? smb1_parse_negotiate_response(&r, h.flags2, s) : *hres;
	free(c);
	return res;
}

/* Session Setup responses are parsed by smb1_logon.c (the one parser). */
static enum smb_parse parse_sess(const uint8_t *p, size_t n, enum smb_parse *hres,
				 struct smb1_logon_response *s)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n), blob;
	struct smb1_header h;
	memset(s, 0, sizeof *s);
	*hres = smb1_parse_header(&r, &h);
	enum smb_parse res =
	    *hres == SMB_PARSE_OK ? smb1_logon_parse_response(&r, h.flags2, s, &blob) : *hres;
	free(c);
	return res;
}

/* ---- header ---- */

static void test_is_smb1(void **state)
{
	(void)state;
	uint8_t *p = heap_copy("\xff" "SMB", 4);
	assert_true(smb1_is_smb1(p, 4));
	assert_false(smb1_is_smb1(p, 3)); /* too short */
	free(p);
	p = heap_copy("\xfe" "SMB", 4); /* SMB2 */
	assert_false(smb1_is_smb1(p, 4));
	free(p);
	p = heap_copy("\xff" "SMb", 4);
	assert_false(smb1_is_smb1(p, 4));
	free(p);
}

static void test_header_fields(void **state)
{
	(void)state;
	struct smb1_header h;
	assert_int_equal(sizeof hdr_fields - 1, SMB1_HEADER_SIZE);
	assert_int_equal(parse_hdr(LIT(hdr_fields), &h), SMB_PARSE_OK);
	assert_int_equal(h.command, SMB1_CMD_SESSION_SETUP_ANDX);
	assert_int_equal(h.status, 0xC0000016u);
	assert_int_equal(h.flags, 0x98);
	assert_int_equal(h.flags2, 0xC807);
	assert_memory_equal(h.signature, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(h.tid, 0x1234);
	assert_int_equal(h.pid_low, 0xFEFF);
	assert_int_equal(h.uid, 0x0800);
	assert_int_equal(h.mid, 5);
}

static void test_header_reader_position(void **state)
{
	(void)state;
	/* After the header the reader stands on WordCount. */
	uint8_t *c = heap_copy(LIT(neg_req));
	struct rd r = rd_init(c, sizeof neg_req - 1);
	struct smb1_header h;
	assert_int_equal(smb1_parse_header(&r, &h), SMB_PARSE_OK);
	assert_int_equal(r.pos, SMB1_HEADER_SIZE);
	assert_int_equal(rd_u8(&r), 0); /* WordCount */
	free(c);
}

static void test_header_bad_magic(void **state)
{
	(void)state;
	struct smb1_header h;
	char buf[sizeof hdr_fields];
	memcpy(buf, hdr_fields, sizeof buf);
	buf[0] = '\xfe'; /* an SMB2 protocol id */
	assert_int_equal(parse_hdr((const uint8_t *)buf, 32, &h), SMB_PARSE_MALFORMED);
	memcpy(buf, hdr_fields, sizeof buf);
	buf[3] = 'X';
	assert_int_equal(parse_hdr((const uint8_t *)buf, 32, &h), SMB_PARSE_MALFORMED);
	/* A wrong id is malformed even when the rest is short. */
	assert_int_equal(parse_hdr((const uint8_t *)"\xfe" "SMB", 4, &h), SMB_PARSE_MALFORMED);
}

static void test_header_truncation_sweep(void **state)
{
	(void)state;
	struct smb1_header h;
	for (size_t k = 0; k < SMB1_HEADER_SIZE; k++)
		assert_int_equal(parse_hdr((const uint8_t *)hdr_fields, k, &h), SMB_PARSE_TRUNCATED);
	assert_int_equal(parse_hdr((const uint8_t *)hdr_fields, SMB1_HEADER_SIZE, &h), SMB_PARSE_OK);
}

static void test_is_signed(void **state)
{
	(void)state;
	/* smb1.h: signed when SecuritySignature is neither zero nor the
	 * "BSRSPYL " placeholder (MS-CIFS 3.1.5.1, 3.2.4.2.4); the
	 * FLAGS2_SECURITY_SIGNATURE bit is not required (Samba 4.17 omits it). */
	struct smb1_header h;
	memset(&h, 0, sizeof h);
	/* SECURITY_SIGNATURE and a non-zero signature: signed */
	h.flags2 = 0xC807;
	memcpy(h.signature, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(smb1_is_signed(&h));
	/* one non-zero byte is enough */
	memset(h.signature, 0, 8);
	h.signature[7] = 0x80;
	assert_true(smb1_is_signed(&h));
	/* flag with an all-zero signature: unsigned */
	memset(h.signature, 0, 8);
	assert_false(smb1_is_signed(&h));
	/* flag with the "BSRSPYL " placeholder of a first Session Setup: unsigned */
	memcpy(h.signature, "BSRSPYL ", 8);
	assert_false(smb1_is_signed(&h));
	/* a near miss of the placeholder is a real signature */
	memcpy(h.signature, "BSRSPYL!", 8);
	assert_true(smb1_is_signed(&h));
	/* a signature without the flag (Samba 4.17): signed */
	h.flags2 = 0xC803;
	memcpy(h.signature, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(smb1_is_signed(&h));
	/* neither flag nor signature: unsigned, whatever else Flags2 says */
	memset(h.signature, 0, 8);
	h.flags2 = 0xC810; /* SECURITY_SIGNATURE_REQUIRED alone */
	assert_false(smb1_is_signed(&h));
}

static void test_is_signed_from_wire(void **state)
{
	(void)state;
	struct smb1_header h;
	assert_int_equal(parse_hdr(LIT(hdr_fields), &h), SMB_PARSE_OK);
	assert_true(smb1_is_signed(&h)); /* Flags2 0xC807 + signature 01..08 */
	assert_int_equal(parse_hdr(LIT(neg_req), &h), SMB_PARSE_OK);
	assert_false(smb1_is_signed(&h)); /* 0xC853: no 0x0004, zero signature */
}

/* ---- Negotiate request ---- */

static void test_negotiate_request_dialects(void **state)
{
	(void)state;
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(sizeof neg_req - 1, 32 + 3 + 69);
	assert_int_equal(parse_req(LIT(neg_req), &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, 5);
	assert_int_equal(q.dialects_kept, 5);
	assert_string_equal(q.dialects[0], "PC NETWORK PROGRAM 1.0");
	assert_string_equal(q.dialects[1], "LANMAN1.0");
	assert_string_equal(q.dialects[2], "NT LM 0.12");
	assert_string_equal(q.dialects[3], "SMB 2.002");
	assert_string_equal(q.dialects[4], "SMB 2.???");
	assert_int_equal(q.anomalies, 0);
}

static void test_negotiate_request_bad_buffer_format(void **state)
{
	(void)state;
	/* Second dialect's BufferFormat is 0x03 instead of 0x02. */
	static const char msg[] = HDR_NEG_REQ "\x00" "\x17\x00"
		"\x02" "LANMAN1.0" "\x00"  /* 11 */
		"\x03" "NT LM 0.12" "\x00"; /* 12 */
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(LIT(msg), &hres, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB1_DIALECT_FORMAT));
	assert_false(q.anomalies & ANOM_BIT(ANOM_SMB1_DIALECT_UNTERMINATED));
	assert_int_equal(q.dialect_count, 2);
	assert_string_equal(q.dialects[0], "LANMAN1.0");
	assert_string_equal(q.dialects[1], "NT LM 0.12");
}

static void test_negotiate_request_unterminated(void **state)
{
	(void)state;
	/* The last dialect has no NUL; ByteCount covers exactly what is there. */
	static const char msg[] = HDR_NEG_REQ "\x00" "\x16\x00"
		"\x02" "LANMAN1.0" "\x00" /* 11 */
		"\x02" "NT LM 0.12";      /* 11, no terminator */
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(LIT(msg), &hres, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB1_DIALECT_UNTERMINATED));
	assert_false(q.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
	assert_int_equal(q.dialect_count, 2);
	assert_string_equal(q.dialects[1], "NT LM 0.12");
}

static void test_negotiate_request_too_many_dialects(void **state)
{
	(void)state;
	/* SMB1_MAX_DIALECTS + 8 dialects "DIALECT 00", "DIALECT 01", ..., each
	 * 0x02 + 10 chars + NUL (12 bytes). */
	const int ndialects = SMB1_MAX_DIALECTS + 8;
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, HDR_NEG_REQ, 32);
	tb_u8(&b, 0);                            /* WordCount */
	tb_le16(&b, (uint16_t)(ndialects * 12)); /* ByteCount */
	for (int i = 0; i < ndialects; i++) {
		char name[16];
		snprintf(name, sizeof name, "DIALECT %02d", i);
		tb_u8(&b, 0x02);
		tb_bytes(&b, name, strlen(name) + 1);
	}
	assert_int_equal(b.n, 32 + 3 + (size_t)ndialects * 12);
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(b.p, b.n, &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, ndialects);
	assert_int_equal(q.dialects_kept, SMB1_MAX_DIALECTS);
	assert_string_equal(q.dialects[0], "DIALECT 00");
	char last[16];
	snprintf(last, sizeof last, "DIALECT %02d", SMB1_MAX_DIALECTS - 1);
	assert_string_equal(q.dialects[SMB1_MAX_DIALECTS - 1], last);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB1_TOO_MANY_DIALECTS));
	tb_free(&b);
}

static void test_negotiate_request_exactly_max_dialects(void **state)
{
	(void)state;
	/* SMB1_MAX_DIALECTS dialects are all kept, with no anomaly. */
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, HDR_NEG_REQ, 32);
	tb_u8(&b, 0);
	tb_le16(&b, SMB1_MAX_DIALECTS * 3);
	for (int i = 0; i < SMB1_MAX_DIALECTS; i++) {
		tb_u8(&b, 0x02);
		tb_u8(&b, (uint8_t)('A' + i % 26));
		tb_u8(&b, 0);
	}
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(b.p, b.n, &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, SMB1_MAX_DIALECTS);
	assert_int_equal(q.dialects_kept, SMB1_MAX_DIALECTS);
	assert_int_equal(q.anomalies, 0);
	tb_free(&b);
}

static void test_negotiate_request_long_name(void **state)
{
	(void)state;
	/* A 60-character dialect name is kept to SMB1_DIALECT_NAME_MAX bytes. */
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, HDR_NEG_REQ, 32);
	tb_u8(&b, 0);
	tb_le16(&b, 1 + 60 + 1 + 11);
	tb_u8(&b, 0x02);
	tb_fill(&b, 'A', 60);
	tb_u8(&b, 0);
	tb_bytes(&b, "\x02" "LANMAN1.0", 11); /* 0x02, 9 chars and the literal's NUL */
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(b.p, b.n, &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, 2);
	assert_int_equal(strlen(q.dialects[0]), SMB1_DIALECT_NAME_MAX);
	assert_int_equal(q.dialects[0][0], 'A');
	assert_string_equal(q.dialects[1], "LANMAN1.0");
	tb_free(&b);
}

static void test_negotiate_request_bytecount_lie(void **state)
{
	(void)state;
	/* ByteCount 0x00FF, but only 12 bytes follow. */
	static const char msg[] = HDR_NEG_REQ "\x00" "\xff\x00" "\x02" "NT LM 0.12" "\x00";
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(LIT(msg), &hres, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
	assert_int_equal(q.dialect_count, 1);
	assert_string_equal(q.dialects[0], "NT LM 0.12");
}

static void test_negotiate_request_bytecount_short(void **state)
{
	(void)state;
	/* ByteCount 12 covers only the first dialect: the rest is not a dialect. */
	static const char msg[] = HDR_NEG_REQ "\x00" "\x0c\x00"
		"\x02" "NT LM 0.12" "\x00" "\x02" "SMB 2.002" "\x00";
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(LIT(msg), &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, 1);
	assert_int_equal(q.anomalies, 0);
}

static void test_negotiate_request_empty(void **state)
{
	(void)state;
	/* WordCount 0, ByteCount 0: no dialects at all. */
	static const char msg[] = HDR_NEG_REQ "\x00" "\x00\x00";
	struct smb1_negotiate_request q;
	enum smb_parse hres;
	assert_int_equal(parse_req(LIT(msg), &hres, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, 0);
	assert_int_equal(q.dialects_kept, 0);
}

static void test_negotiate_request_truncation_sweep(void **state)
{
	(void)state;
	const size_t n = sizeof neg_req - 1;
	for (size_t k = 0; k < n; k++) {
		struct smb1_negotiate_request q;
		enum smb_parse hres;
		enum smb_parse res = parse_req((const uint8_t *)neg_req, k, &hres, &q);
		if (k < SMB1_HEADER_SIZE + 3) {
			/* header, WordCount or ByteCount cut */
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
		} else {
			/* ByteCount promises more than is there */
			assert_int_equal(res, SMB_PARSE_OK);
			assert_true(q.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
			assert_true(q.dialects_kept <= 5);
		}
	}
}

/* ---- Negotiate response ---- */

static void test_negotiate_response_no_dialect(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(LIT(neg_resp_none), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 1);
	assert_int_equal(s.dialect_index, 0xFFFF);
	assert_false(s.has_security_mode);
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_error(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(LIT(neg_resp_err), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 0);
	assert_false(s.has_security_mode);
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_lanman(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(sizeof neg_resp_lanman - 1, 32 + 1 + 26 + 2 + 8);
	assert_int_equal(parse_resp(LIT(neg_resp_lanman), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 13);
	assert_int_equal(s.dialect_index, 1);
	assert_true(s.has_security_mode);
	assert_int_equal(s.security_mode, 0x0003);
	assert_int_equal(s.max_buffer_size, 4356);
	assert_int_equal(s.max_mpx_count, 50);
	assert_int_equal(s.max_number_vcs, 1);
	assert_int_equal(s.session_key, 0x12345678);
	assert_int_equal(s.server_time_zone, -60);
	assert_int_equal(s.challenge_length, 8);
	assert_false(s.extended_security);
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_extended(void **state)
{
	(void)state;
	static const uint8_t guid[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(sizeof neg_resp_ext - 1, 32 + 1 + 34 + 2 + 24);
	assert_int_equal(parse_resp(LIT(neg_resp_ext), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 17);
	assert_int_equal(s.dialect_index, 2);
	assert_true(s.has_security_mode);
	assert_int_equal(s.security_mode, 0x0F);
	assert_int_equal(s.max_mpx_count, 50);
	assert_int_equal(s.max_number_vcs, 1);
	assert_int_equal(s.max_buffer_size, 16644);
	assert_int_equal(s.max_raw_size, 65536);
	assert_int_equal(s.session_key, 0);
	assert_int_equal(s.capabilities, 0x8001F3FDu);
	assert_int_equal(s.system_time, UINT64_C(116444736000000000));
	assert_int_equal(s.server_time_zone, 0);
	assert_int_equal(s.challenge_length, 0);
	assert_true(s.extended_security);
	assert_memory_equal(s.server_guid, guid, 16);
	assert_int_equal(s.security_blob_length, 8);
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_challenge_unicode(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(LIT(neg_resp_uni), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 17);
	assert_int_equal(s.security_mode, 7);
	assert_int_equal(s.session_key, 0xDEADBEEFu);
	assert_int_equal(s.capabilities, 0x0000E3FDu);
	assert_int_equal(s.server_time_zone, -60);
	assert_false(s.extended_security);
	assert_int_equal(s.challenge_length, 8);
	assert_memory_equal(s.challenge, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_string_equal(s.domain_name, "WORKGROUP");
	assert_int_equal(s.security_blob_length, 0);
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_challenge_oem(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(LIT(neg_resp_oem), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.security_mode, 3);
	assert_false(s.extended_security);
	assert_memory_equal(s.challenge, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_string_equal(s.domain_name, "WORKGROUP");
	assert_int_equal(s.anomalies, 0);
}

static void test_negotiate_response_unicode_non_ascii(void **state)
{
	(void)state;
	/* DomainName "Caf\u00e9" in UTF-16LE comes out as UTF-8. */
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, neg_resp_uni, 32 + 1 + 34); /* header and words (ChallengeLength 8) */
	tb_le16(&b, 8 + 10);                     /* ByteCount */
	tb_bytes(&b, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	tb_bytes(&b, "C\0a\0f\0\xe9\0\0\0", 10);
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(b.p, b.n, &hres, &s), SMB_PARSE_OK);
	assert_string_equal(s.domain_name, "Caf\xc3\xa9");
	tb_free(&b);
}

static void test_negotiate_response_security_modes(void **state)
{
	(void)state;
	/* KB 887429: 3 disabled, 7 enabled, 15 required; raw values kept. */
	static const uint8_t modes[] = {0x03, 0x07, 0x0F, 0x0B, 0x00};
	const size_t secmode_at = 32 + 1 + 2; /* after WordCount and DialectIndex */
	for (size_t i = 0; i < sizeof modes; i++) {
		uint8_t buf[sizeof neg_resp_ext - 1];
		memcpy(buf, neg_resp_ext, sizeof buf);
		buf[secmode_at] = modes[i];
		struct smb1_negotiate_response s;
		enum smb_parse hres;
		assert_int_equal(parse_resp(buf, sizeof buf, &hres, &s), SMB_PARSE_OK);
		assert_true(s.has_security_mode);
		assert_int_equal(s.security_mode, modes[i]);
		assert_int_equal(s.max_mpx_count, 50); /* the fields after stay in place */
	}
}

static void test_negotiate_response_unknown_wordcount(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(LIT(neg_resp_wc5), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 5);
	assert_int_equal(s.dialect_index, 2);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB1_WORDCOUNT));
	assert_false(s.has_security_mode);
}

static void test_negotiate_response_extended_short_blob(void **state)
{
	(void)state;
	/* Extended security, but ByteCount 10 < the 16-byte ServerGUID. */
	uint8_t buf[32 + 1 + 34 + 2 + 10];
	memcpy(buf, neg_resp_ext, 32 + 1 + 34);
	buf[32 + 1 + 34] = 10;
	buf[32 + 1 + 34 + 1] = 0;
	memset(buf + 32 + 1 + 34 + 2, 0x5a, 10);
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(buf, sizeof buf, &hres, &s), SMB_PARSE_OK);
	assert_true(s.extended_security);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
	assert_int_equal(s.security_blob_length, 0);
}

static void test_negotiate_response_challenge_too_long(void **state)
{
	(void)state;
	/* ChallengeLength 200 with ByteCount 8: clipped, anomaly, no over-read. */
	uint8_t buf[32 + 1 + 34 + 2 + 8];
	memcpy(buf, neg_resp_oem, 32 + 1 + 34);
	buf[32 + 1 + 33] = 200; /* ChallengeLength, the last byte of the words */
	buf[32 + 1 + 34] = 8;
	buf[32 + 1 + 34 + 1] = 0;
	memcpy(buf + 32 + 1 + 34 + 2, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	assert_int_equal(parse_resp(buf, sizeof buf, &hres, &s), SMB_PARSE_OK);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
	assert_memory_equal(s.challenge, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_string_equal(s.domain_name, "");
}

/* Every prefix of a WordCount 17 response: truncated, or an anomaly. */
static void sweep_nt_lm(const char *msg, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct smb1_negotiate_response s;
		enum smb_parse hres;
		enum smb_parse res = parse_resp((const uint8_t *)msg, k, &hres, &s);
		if (k < SMB1_HEADER_SIZE + 1 + 34 + 2) {
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
		} else {
			assert_int_equal(res, SMB_PARSE_OK);
			assert_true(s.anomalies & ANOM_BIT(ANOM_SMB1_BYTECOUNT));
		}
	}
}

static void test_negotiate_response_truncation_sweep_nt_lm(void **state)
{
	(void)state;
	sweep_nt_lm(neg_resp_ext, sizeof neg_resp_ext - 1);
	sweep_nt_lm(neg_resp_uni, sizeof neg_resp_uni - 1);
	sweep_nt_lm(neg_resp_oem, sizeof neg_resp_oem - 1);
}

static void test_negotiate_response_truncation_sweep_lanman_words(void **state)
{
	(void)state;
	/* Cut anywhere before the end of the 13 words: truncated. */
	for (size_t k = 0; k < SMB1_HEADER_SIZE + 1 + 26; k++) {
		struct smb1_negotiate_response s;
		enum smb_parse hres;
		assert_int_equal(parse_resp((const uint8_t *)neg_resp_lanman, k, &hres, &s),
				 SMB_PARSE_TRUNCATED);
	}
}

/* Prefixes that keep the words but cut the ByteCount or the Bytes of a
 * WordCount 13 or WordCount 1 response must still say so. */
static bool bytes_cut_reported(const char *msg, size_t from, size_t n, size_t *bad)
{
	for (size_t k = from; k < n; k++) {
		struct smb1_negotiate_response s;
		enum smb_parse hres;
		enum smb_parse res = parse_resp((const uint8_t *)msg, k, &hres, &s);
		if (!(res == SMB_PARSE_TRUNCATED || s.anomalies != 0)) {
			*bad = k;
			return false;
		}
	}
	return true;
}

static void test_negotiate_response_truncation_sweep_bytecount(void **state)
{
	(void)state;
	const size_t lanman_words = SMB1_HEADER_SIZE + 1 + 26, core_words = SMB1_HEADER_SIZE + 3;
	size_t bad13 = 0, bad1 = 0;
	bool ok13 = bytes_cut_reported(neg_resp_lanman, lanman_words, sizeof neg_resp_lanman - 1, &bad13);
	bool ok1 = bytes_cut_reported(neg_resp_none, core_words, sizeof neg_resp_none - 1, &bad1);
	assert_true(ok13);
	assert_true(ok1);
}

static void test_negotiate_response_truncation_sweep_short_forms(void **state)
{
	(void)state;
	struct smb1_negotiate_response s;
	enum smb_parse hres;
	/* WordCount 1: cut in the header, WordCount or DialectIndex. */
	for (size_t k = 0; k < SMB1_HEADER_SIZE + 3; k++)
		assert_int_equal(parse_resp((const uint8_t *)neg_resp_none, k, &hres, &s),
				 SMB_PARSE_TRUNCATED);
	/* WordCount 0 (error): cut before WordCount. */
	for (size_t k = 0; k < SMB1_HEADER_SIZE + 1; k++)
		assert_int_equal(parse_resp((const uint8_t *)neg_resp_err, k, &hres, &s),
				 SMB_PARSE_TRUNCATED);
	/* Unknown WordCount: never crashes; with the DialectIndex, an anomaly. */
	for (size_t k = 0; k < sizeof neg_resp_wc5 - 1; k++) {
		enum smb_parse res = parse_resp((const uint8_t *)neg_resp_wc5, k, &hres, &s);
		assert_true(res == SMB_PARSE_TRUNCATED ||
			    (s.anomalies & ANOM_BIT(ANOM_SMB1_WORDCOUNT)));
	}
}

/* ---- Session Setup AndX response ---- */

static void test_session_setup_guest(void **state)
{
	(void)state;
	struct smb1_logon_response s;
	enum smb_parse hres;
	assert_int_equal(parse_sess(LIT(sess_resp_guest), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 3);
	assert_int_equal(s.action, 0x0001);
	assert_true((s.action & SMB1_SESSION_ACTION_GUEST) && s.guest);
}

static void test_session_setup_user(void **state)
{
	(void)state;
	struct smb1_logon_response s;
	enum smb_parse hres;
	assert_int_equal(parse_sess(LIT(sess_resp_user), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 4);
	assert_int_equal(s.action, 0);
	assert_false((s.action & SMB1_SESSION_ACTION_GUEST) || s.guest);
}

static void test_session_setup_error(void **state)
{
	(void)state;
	struct smb1_logon_response s;
	enum smb_parse hres;
	assert_int_equal(parse_sess(LIT(sess_resp_err), &hres, &s), SMB_PARSE_OK);
	assert_int_equal(s.word_count, 0);
	assert_int_equal(s.action, 0);
}

static void test_session_setup_truncation_sweep(void **state)
{
	(void)state;
	/* Cut anywhere up to and including the Action field: truncated. */
	for (size_t k = 0; k < SMB1_HEADER_SIZE + 1 + 6; k++) {
		struct smb1_logon_response s;
		enum smb_parse hres;
		assert_int_equal(parse_sess((const uint8_t *)sess_resp_guest, k, &hres, &s),
				 SMB_PARSE_TRUNCATED);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_smb1),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_header_reader_position),
		cmocka_unit_test(test_header_bad_magic),
		cmocka_unit_test(test_header_truncation_sweep),
		cmocka_unit_test(test_is_signed),
		cmocka_unit_test(test_is_signed_from_wire),
		cmocka_unit_test(test_negotiate_request_dialects),
		cmocka_unit_test(test_negotiate_request_bad_buffer_format),
		cmocka_unit_test(test_negotiate_request_unterminated),
		cmocka_unit_test(test_negotiate_request_too_many_dialects),
		cmocka_unit_test(test_negotiate_request_exactly_max_dialects),
		cmocka_unit_test(test_negotiate_request_long_name),
		cmocka_unit_test(test_negotiate_request_bytecount_lie),
		cmocka_unit_test(test_negotiate_request_bytecount_short),
		cmocka_unit_test(test_negotiate_request_empty),
		cmocka_unit_test(test_negotiate_request_truncation_sweep),
		cmocka_unit_test(test_negotiate_response_no_dialect),
		cmocka_unit_test(test_negotiate_response_error),
		cmocka_unit_test(test_negotiate_response_lanman),
		cmocka_unit_test(test_negotiate_response_extended),
		cmocka_unit_test(test_negotiate_response_challenge_unicode),
		cmocka_unit_test(test_negotiate_response_challenge_oem),
		cmocka_unit_test(test_negotiate_response_unicode_non_ascii),
		cmocka_unit_test(test_negotiate_response_security_modes),
		cmocka_unit_test(test_negotiate_response_unknown_wordcount),
		cmocka_unit_test(test_negotiate_response_extended_short_blob),
		cmocka_unit_test(test_negotiate_response_challenge_too_long),
		cmocka_unit_test(test_negotiate_response_truncation_sweep_nt_lm),
		cmocka_unit_test(test_negotiate_response_truncation_sweep_lanman_words),
		cmocka_unit_test(test_negotiate_response_truncation_sweep_bytecount),
		cmocka_unit_test(test_negotiate_response_truncation_sweep_short_forms),
		cmocka_unit_test(test_session_setup_guest),
		cmocka_unit_test(test_session_setup_user),
		cmocka_unit_test(test_session_setup_error),
		cmocka_unit_test(test_session_setup_truncation_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
