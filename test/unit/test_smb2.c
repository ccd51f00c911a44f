/* Unit tests for smb2: header (sync and async), signing test, Negotiate
 * request with 3.1.1 negotiate contexts, Negotiate response, Session Setup
 * and IOCTL FSCTL_VALIDATE_NEGOTIATE_INFO (MS-SMB2 2.2.1, 2.2.3, 2.2.3.1.x,
 * 2.2.4, 2.2.5, 2.2.6, 2.2.31, 2.2.31.4, 2.2.32, 2.2.32.6).
 * Every input is an exact-size heap copy. */
#include "testutil2.h"

#include "smbneg/anomaly.h"
#include "smbneg/rd.h"
#include "smbneg/smb2.h"
#include "smbneg/smb_const.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---- literal headers ---- */

/* Sync header of a signed Session Setup response. */
static const char hdr_sync[] =
	"\xfe" "SMB"                        /* ProtocolId */
	"\x40\x00"                          /* StructureSize 64 */
	"\x01\x00"                          /* CreditCharge 1 */
	"\x16\x00\x00\xc0"                  /* Status 0xC0000016 MORE_PROCESSING_REQUIRED */
	"\x01\x00"                          /* Command SESSION_SETUP */
	"\x21\x00"                          /* CreditResponse 33 */
	"\x09\x00\x00\x00"                  /* Flags SERVER_TO_REDIR|SIGNED */
	"\x00\x00\x00\x00"                  /* NextCommand 0 */
	"\x02\x00\x00\x00\x00\x00\x00\x00"  /* MessageId 2 */
	"\xff\xfe\x00\x00"                  /* Reserved (ProcessId 0xFEFF) */
	"\x05\x00\x00\x00"                  /* TreeId 5 */
	"\x01\x00\x00\x00\x00\x40\x00\x00"  /* SessionId 0x0000400000000001 */
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"; /* Signature */

/* Async header of an interim CREATE response. */
static const char hdr_async[] =
	"\xfe" "SMB"
	"\x40\x00"                          /* StructureSize 64 */
	"\x01\x00"                          /* CreditCharge */
	"\x03\x01\x00\x00"                  /* Status 0x00000103 STATUS_PENDING */
	"\x05\x00"                          /* Command CREATE */
	"\x01\x00"                          /* CreditResponse */
	"\x03\x00\x00\x00"                  /* Flags SERVER_TO_REDIR|ASYNC_COMMAND */
	"\x00\x00\x00\x00"                  /* NextCommand */
	"\x07\x00\x00\x00\x00\x00\x00\x00"  /* MessageId 7 */
	"\x08\x00\x00\x00\x00\x00\x00\x00"  /* AsyncId 8 */
	"\x01\x00\x00\x00\x00\x40\x00\x00"  /* SessionId */
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"; /* Signature */

/* ---- parse helpers (exact-size heap copies) ---- */

static enum smb_parse parse_hdr(const uint8_t *p, size_t n, struct smb2_header *h)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	memset(h, 0, sizeof *h);
	enum smb_parse res = smb2_parse_header(&r, h);
	if (res == SMB_PARSE_OK)
		assert_int_equal(r.pos, SMB2_HEADER_SIZE);
	free(c);
	return res;
}

static enum smb_parse parse_neg_req(const uint8_t *p, size_t n, struct smb2_negotiate_request *q)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	enum smb_parse res = smb2_parse_negotiate_request(&r, q);
	free(c);
	return res;
}

static enum smb_parse parse_neg_resp(const uint8_t *p, size_t n, struct smb2_negotiate_response *s)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	enum smb_parse res = smb2_parse_negotiate_response(&r, s);
	free(c);
	return res;
}

static enum smb_parse parse_ioctl(const uint8_t *p, size_t n, bool request,
				  struct smb2_validate_negotiate *v)
{
	uint8_t *c = heap_copy(p, n);
	struct rd r = rd_init(c, n);
	enum smb_parse res = smb2_parse_ioctl(&r, request, v);
	free(c);
	return res;
}

/* ---- builders ---- */

static const uint8_t client_guid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static const uint8_t server_guid[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
					0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};

/* Offsets from the start of the message (MS-SMB2 2.2.3, 2.2.4). */
#define REQ_CTX_OFFSET_AT (64 + 28) /* NegotiateContextOffset */
#define REQ_CTX_COUNT_AT (64 + 32)  /* NegotiateContextCount */
#define RESP_CTX_COUNT_AT (64 + 6)
#define RESP_SECBUF_AT (64 + 56)    /* SecurityBufferOffset, then Length */
#define RESP_CTX_OFFSET_AT (64 + 60)

/* Negotiate request up to the end of its dialects, padded to 8 bytes; the
 * context offset is left 0 and the count as given (patch them after). */
static void neg_req_start(struct tbuf *b, const uint16_t *dialects, uint16_t ndialects,
			  uint16_t secmode, uint16_t ctx_count)
{
	tb_smb2_header(b, SMB2_CMD_NEGOTIATE, 0, 0, 0, 0, 0, 0);
	tb_le16(b, 36);         /* StructureSize */
	tb_le16(b, ndialects);  /* DialectCount */
	tb_le16(b, secmode);    /* SecurityMode */
	tb_le16(b, 0);          /* Reserved */
	tb_le32(b, 0x7f);       /* Capabilities: DFS..ENCRYPTION */
	tb_bytes(b, client_guid, 16); /* ClientGuid */
	tb_le32(b, 0);          /* NegotiateContextOffset (patched) */
	tb_le16(b, ctx_count);  /* NegotiateContextCount */
	tb_le16(b, 0);          /* Reserved2 */
	assert_int_equal(b->n, 100);
	for (uint16_t i = 0; i < ndialects; i++)
		tb_le16(b, dialects[i]); /* Dialects */
}

/* Append one negotiate context (MS-SMB2 2.2.3.1), 8-byte aligned first. */
static size_t ctx_add(struct tbuf *b, uint16_t type, const void *data, uint16_t len)
{
	tb_pad8(b);
	size_t at = b->n;
	tb_le16(b, type); /* ContextType */
	tb_le16(b, len);  /* DataLength */
	tb_le32(b, 0);    /* Reserved */
	tb_bytes(b, data, len);
	return at;
}

static const uint16_t all_dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};

/* PREAUTH_INTEGRITY: HashAlgorithmCount 1, SaltLength 32, SHA-512, salt. */
static const char ctx_preauth[] = "\x01\x00" "\x20\x00" "\x01\x00"
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
/* ENCRYPTION: CipherCount 4: AES-128-GCM, AES-128-CCM, AES-256-GCM, AES-256-CCM. */
static const char ctx_encryption[] = "\x04\x00" "\x02\x00" "\x01\x00" "\x04\x00" "\x03\x00";
/* SIGNING: SigningAlgorithmCount 3: AES-GMAC, AES-CMAC, HMAC-SHA256. */
static const char ctx_signing[] = "\x03\x00" "\x02\x00" "\x01\x00" "\x00\x00";
/* COMPRESSION: CompressionAlgorithmCount 3, Padding, Flags 1 (CHAINED),
 * LZNT1, LZ77, LZ77+Huffman. */
static const char ctx_compression[] = "\x03\x00" "\x00\x00" "\x01\x00\x00\x00"
	"\x01\x00" "\x02\x00" "\x03\x00";
/* NETNAME: "Caf\u00e9" in UTF-16LE. */
static const char ctx_netname[] = "C\0a\0f\0\xe9\0";
/* TRANSPORT: Flags 1 (SMB2_ACCEPT_TRANSPORT_LEVEL_SECURITY). */
static const char ctx_transport[] = "\x01\x00\x00\x00";
/* POSIX extensions (0x100): the 16-byte POSIX context id. */
static const char ctx_posix[] =
	"\x93\xad\x25\x50\x9c\xb4\x11\xe7\xb4\x23\x83\xde\x96\x8b\xcd\x7c";

/* The full 3.1.1 Negotiate request: 5 dialects, 7 contexts at offset 112. */
static void build_full_neg_req(struct tbuf *b)
{
	tb_init(b);
	neg_req_start(b, all_dialects, 5, SMB2_NEGOTIATE_SIGNING_ENABLED, 7);
	assert_int_equal(b->n, 110);
	assert_int_equal(ctx_add(b, 0x0001, ctx_preauth, sizeof ctx_preauth - 1), 112);
	assert_int_equal(ctx_add(b, 0x0002, ctx_encryption, sizeof ctx_encryption - 1), 160);
	assert_int_equal(ctx_add(b, 0x0008, ctx_signing, sizeof ctx_signing - 1), 184);
	assert_int_equal(ctx_add(b, 0x0003, ctx_compression, sizeof ctx_compression - 1), 200);
	assert_int_equal(ctx_add(b, 0x0005, ctx_netname, sizeof ctx_netname - 1), 224);
	assert_int_equal(ctx_add(b, 0x0006, ctx_transport, sizeof ctx_transport - 1), 240);
	assert_int_equal(ctx_add(b, 0x0100, ctx_posix, sizeof ctx_posix - 1), 256);
	assert_int_equal(b->n, 280);
	tb_set_le32(b, REQ_CTX_OFFSET_AT, 112);
}

/* Negotiate response (MS-SMB2 2.2.4) with a 10-byte security buffer at 128
 * and, for 3.1.1, two contexts (PREAUTH SHA-512, ENCRYPTION AES-128-GCM)
 * from offset 144. */
static void build_neg_resp(struct tbuf *b, uint16_t dialect, uint16_t secmode)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_NEGOTIATE, 0, SMB2_FLAGS_SERVER_TO_REDIR, 0, 0, 0, 0);
	tb_le16(b, 65);                  /* StructureSize */
	tb_le16(b, secmode);             /* SecurityMode */
	tb_le16(b, dialect);             /* DialectRevision */
	tb_le16(b, 2);                   /* NegotiateContextCount */
	tb_bytes(b, server_guid, 16);    /* ServerGuid */
	tb_le32(b, 0x2f);                /* Capabilities DFS|LEASING|LARGE_MTU|MULTI_CHANNEL|DIRECTORY_LEASING */
	tb_le32(b, 8388608);             /* MaxTransactSize */
	tb_le32(b, 4194304);             /* MaxReadSize */
	tb_le32(b, 2097152);             /* MaxWriteSize */
	tb_le64(b, UINT64_C(132223104000000000)); /* SystemTime 2020-01-01 */
	tb_le64(b, 0);                   /* ServerStartTime */
	tb_le16(b, 128);                 /* SecurityBufferOffset */
	tb_le16(b, 10);                  /* SecurityBufferLength */
	tb_le32(b, 144);                 /* NegotiateContextOffset */
	assert_int_equal(b->n, 128);
	tb_bytes(b, "\x60\x08\x06\x06\x2b\x06\x01\x05\x05\x02", 10); /* start of a SPNEGO token, enough for a length check */
	assert_int_equal(ctx_add(b, 0x0001, ctx_preauth, sizeof ctx_preauth - 1), 144);
	assert_int_equal(ctx_add(b, 0x0002, "\x01\x00" "\x02\x00", 4), 192);
	assert_int_equal(b->n, 204);
}

/* ---- header ---- */

static void test_is_smb2(void **state)
{
	(void)state;
	uint8_t *p = heap_copy("\xfe" "SMB", 4);
	assert_true(smb2_is_smb2(p, 4));
	assert_false(smb2_is_smb2(p, 3));
	free(p);
	p = heap_copy("\xff" "SMB", 4);
	assert_false(smb2_is_smb2(p, 4));
	free(p);
	p = heap_copy("\xfd" "SMB", 4); /* transform header is not a plain SMB2 message */
	assert_false(smb2_is_smb2(p, 4));
	free(p);
}

static void test_header_sync(void **state)
{
	(void)state;
	struct smb2_header h;
	assert_int_equal(sizeof hdr_sync - 1, SMB2_HEADER_SIZE);
	assert_int_equal(parse_hdr(LIT(hdr_sync), &h), SMB_PARSE_OK);
	assert_int_equal(h.structure_size, 64);
	assert_int_equal(h.status, 0xC0000016u);
	assert_int_equal(h.command, SMB2_CMD_SESSION_SETUP);
	assert_int_equal(h.flags, 0x9);
	assert_int_equal(h.next_command, 0);
	assert_int_equal(h.message_id, 2);
	assert_int_equal(h.tree_id, 5);
	assert_int_equal(h.async_id, 0);
	assert_int_equal(h.session_id, UINT64_C(0x0000400000000001));
	assert_memory_equal(h.signature,
			    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", 16);
}

static void test_header_async(void **state)
{
	(void)state;
	struct smb2_header h;
	assert_int_equal(sizeof hdr_async - 1, SMB2_HEADER_SIZE);
	assert_int_equal(parse_hdr(LIT(hdr_async), &h), SMB_PARSE_OK);
	assert_int_equal(h.status, 0x103);
	assert_int_equal(h.command, 5);
	assert_int_equal(h.flags, SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_ASYNC_COMMAND);
	assert_int_equal(h.message_id, 7);
	assert_int_equal(h.async_id, 8);
	assert_int_equal(h.tree_id, 0);
	assert_int_equal(h.session_id, UINT64_C(0x0000400000000001));
}

static void test_header_builder_matches_literal(void **state)
{
	(void)state;
	/* The builder the other tests use lays the header out as the literal does. */
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_NEGOTIATE, 0, 0, 0, 0, 0, 0);
	assert_int_equal(b.n, 64);
	struct smb2_header h;
	assert_int_equal(parse_hdr(b.p, b.n, &h), SMB_PARSE_OK);
	assert_int_equal(h.command, 0);
	tb_free(&b);
	tb_smb2_header(&b, 5, 0x103, 3, 0, 7, 8, UINT64_C(0x0000400000000001));
	assert_memory_equal(b.p + 4, hdr_async + 4, 2); /* StructureSize */
	assert_memory_equal(b.p + 8, hdr_async + 8, 56); /* Status..Signature */
	tb_free(&b);
}

static void test_header_bad_magic(void **state)
{
	(void)state;
	struct smb2_header h;
	char buf[sizeof hdr_sync];
	memcpy(buf, hdr_sync, sizeof buf);
	buf[0] = '\xff';
	assert_int_equal(parse_hdr((const uint8_t *)buf, 64, &h), SMB_PARSE_MALFORMED);
	buf[0] = '\xfd'; /* transform header */
	assert_int_equal(parse_hdr((const uint8_t *)buf, 64, &h), SMB_PARSE_MALFORMED);
}

static void test_header_truncation_sweep(void **state)
{
	(void)state;
	struct smb2_header h;
	for (size_t k = 0; k < SMB2_HEADER_SIZE; k++) {
		assert_int_equal(parse_hdr((const uint8_t *)hdr_sync, k, &h), SMB_PARSE_TRUNCATED);
		assert_int_equal(parse_hdr((const uint8_t *)hdr_async, k, &h), SMB_PARSE_TRUNCATED);
	}
}

static void test_is_signed(void **state)
{
	(void)state;
	struct smb2_header h;
	assert_int_equal(parse_hdr(LIT(hdr_sync), &h), SMB_PARSE_OK);
	assert_true(smb2_is_signed(&h)); /* SIGNED + signature 10..1f */
	h.flags &= ~(uint32_t)SMB2_FLAGS_SIGNED;
	assert_false(smb2_is_signed(&h)); /* signature without the flag */
	h.flags |= SMB2_FLAGS_SIGNED;
	memset(h.signature, 0, 16);
	assert_false(smb2_is_signed(&h)); /* flag with a zero signature */
	h.signature[15] = 1;
	assert_true(smb2_is_signed(&h));
	assert_int_equal(parse_hdr(LIT(hdr_async), &h), SMB_PARSE_OK);
	assert_false(smb2_is_signed(&h));
}

/* ---- Negotiate request ---- */

static void test_negotiate_request_full(void **state)
{
	(void)state;
	struct tbuf b;
	build_full_neg_req(&b);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.anomalies, 0);
	assert_int_equal(q.dialect_count, 5);
	assert_int_equal(q.dialects_kept, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(q.dialects[i], all_dialects[i]);
	assert_int_equal(q.security_mode, SMB2_NEGOTIATE_SIGNING_ENABLED);
	assert_int_equal(q.capabilities, 0x7f);
	assert_memory_equal(q.client_guid, client_guid, 16);
	assert_int_equal(q.context_offset, 112);
	assert_int_equal(q.contexts.count, 7);
	assert_int_equal(q.contexts.kept, MIN(7, SMB2_MAX_CONTEXTS));
	const struct smb2_context *c = q.contexts.c;
	/* PREAUTH: SHA-512 with a 32-byte salt */
	assert_int_equal(c[0].type, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	assert_int_equal(c[0].length, 38);
	assert_int_equal(c[0].id_count, 1);
	assert_int_equal(c[0].ids_kept, 1);
	assert_int_equal(c[0].ids[0], 1);
	assert_int_equal(c[0].salt_length, 32);
	/* ENCRYPTION: four ciphers in the order sent */
	assert_int_equal(c[1].type, SMB2_ENCRYPTION_CAPABILITIES);
	assert_int_equal(c[1].id_count, 4);
	assert_int_equal(c[1].ids_kept, MIN(4, SMB2_MAX_CONTEXT_IDS));
	assert_int_equal(c[1].ids[0], 2);
	assert_int_equal(c[1].ids[1], 1);
	assert_int_equal(c[1].ids[2], 4);
	assert_int_equal(c[1].ids[3], 3);
	/* SIGNING: GMAC, CMAC, HMAC-SHA256 */
	assert_int_equal(c[2].type, SMB2_SIGNING_CAPABILITIES);
	assert_int_equal(c[2].id_count, 3);
	assert_int_equal(c[2].ids[0], 2);
	assert_int_equal(c[2].ids[1], 1);
	assert_int_equal(c[2].ids[2], 0);
	/* COMPRESSION: flags and three algorithms */
	assert_int_equal(c[3].type, SMB2_COMPRESSION_CAPABILITIES);
	assert_int_equal(c[3].id_count, 3);
	assert_int_equal(c[3].flags, 1);
	assert_int_equal(c[3].ids[0], 1);
	assert_int_equal(c[3].ids[1], 2);
	assert_int_equal(c[3].ids[2], 3);
	/* NETNAME: UTF-16LE to UTF-8 */
	assert_int_equal(c[4].type, SMB2_NETNAME_NEGOTIATE_CONTEXT_ID);
	assert_int_equal(c[4].length, 8);
	assert_string_equal(c[4].netname, "Caf\xc3\xa9");
	/* TRANSPORT */
	assert_int_equal(c[5].type, SMB2_TRANSPORT_CAPABILITIES);
	assert_int_equal(c[5].flags, 1);
	/* POSIX: kept by type and length */
	assert_int_equal(c[6].type, SMB2_POSIX_EXTENSIONS);
	assert_int_equal(c[6].length, 16);
	tb_free(&b);
}

static void test_negotiate_request_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	build_full_neg_req(&b);
	for (size_t k = 0; k < b.n; k++) {
		struct smb2_negotiate_request q;
		enum smb_parse res = parse_neg_req(b.p, k, &q);
		if (k < 100) { /* header or the fixed 36 bytes cut */
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
			continue;
		}
		assert_int_equal(res, SMB_PARSE_OK);
		if (k < 110) /* dialects cut */
			assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_DIALECT_COUNT));
		else /* contexts cut */
			assert_true(q.anomalies & (ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET) |
						   ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH)));
		assert_true(q.contexts.kept <= SMB2_MAX_CONTEXTS);
	}
	tb_free(&b);
}

static void test_negotiate_request_without_311_ignores_contexts(void **state)
{
	(void)state;
	/* Dialects 2.0.2..3.0.2 only: the 8 bytes at 92 are ClientStartTime and
	 * must not be read as a context offset/count, however wild. */
	static const uint16_t d[] = {0x0202, 0x0210, 0x0300, 0x0302};
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, d, 4, SMB2_NEGOTIATE_SIGNING_REQUIRED | SMB2_NEGOTIATE_SIGNING_ENABLED, 0xFFFF);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, 0xFFFFFFF0u);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.anomalies, 0);
	assert_int_equal(q.dialect_count, 4);
	assert_int_equal(q.security_mode, 3);
	assert_int_equal(q.context_offset, 0);
	assert_int_equal(q.contexts.count, 0);
	assert_int_equal(q.contexts.kept, 0);
	tb_free(&b);
}

static void test_negotiate_request_context_offset_past_end(void **state)
{
	(void)state;
	struct tbuf b;
	build_full_neg_req(&b);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)b.n + 8);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET));
	assert_int_equal(q.contexts.kept, 0);
	/* the largest offset */
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, 0xFFFFFFFFu);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET));
	/* inside the header */
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, 8);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET));
	/* 8 bytes before the end: room for a context header but not its data */
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)b.n - 8);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & (ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH) |
				   ANOM_BIT(ANOM_SMB2_CONTEXT_DATA)));
	tb_free(&b);
}

static void test_negotiate_request_context_count_65535(void **state)
{
	(void)state;
	struct tbuf b;
	build_full_neg_req(&b);
	tb_set_le16(&b, REQ_CTX_COUNT_AT, 65535);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.contexts.count, 65535);
	assert_int_equal(q.contexts.kept, MIN(7, SMB2_MAX_CONTEXTS));
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH));
	tb_free(&b);
}

static void test_negotiate_request_too_many_contexts(void **state)
{
	(void)state;
	/* SMB2_MAX_CONTEXTS + 4 well-formed contexts of distinct unknown types,
	 * 8 data bytes each. */
	const uint16_t n = SMB2_MAX_CONTEXTS + 4;
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, n);
	tb_pad8(&b);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)b.n);
	for (uint16_t i = 0; i < n; i++)
		ctx_add(&b, (uint16_t)(0x0200 + i), "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.contexts.count, n);
	assert_int_equal(q.contexts.kept, SMB2_MAX_CONTEXTS);
	assert_int_equal(q.contexts.c[SMB2_MAX_CONTEXTS - 1].type, 0x0200 + SMB2_MAX_CONTEXTS - 1);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_TOO_MANY_CONTEXTS));
	assert_false(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_DUPLICATE));
	/* and the count says 65535: stops at the end of the message */
	tb_set_le16(&b, REQ_CTX_COUNT_AT, 65535);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_TOO_MANY_CONTEXTS));
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH));
	tb_free(&b);
}

static void test_negotiate_request_context_length_past_end(void **state)
{
	(void)state;
	/* One PREAUTH context whose DataLength (0x0100) runs past the end. */
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 1);
	size_t at = ctx_add(&b, 0x0001, ctx_preauth, sizeof ctx_preauth - 1);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	tb_set_le16(&b, at + 2, 0x0100);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH));
	assert_int_equal(q.contexts.kept, 0);
	tb_free(&b);
}

static void test_negotiate_request_context_duplicate(void **state)
{
	(void)state;
	/* ENCRYPTION twice (MS-SMB2 3.3.5.4 fails such a request). */
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 3);
	size_t at = ctx_add(&b, 0x0001, ctx_preauth, sizeof ctx_preauth - 1);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	ctx_add(&b, 0x0002, ctx_encryption, sizeof ctx_encryption - 1);
	ctx_add(&b, 0x0002, "\x01\x00" "\x01\x00", 4);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_DUPLICATE));
	assert_int_equal(q.contexts.kept, 3);
	assert_int_equal(q.contexts.c[2].ids[0], 1);
	tb_free(&b);
}

static void test_negotiate_request_context_zero_length(void **state)
{
	(void)state;
	/* An ENCRYPTION context with DataLength 0, then a valid SIGNING one. */
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 2);
	size_t at = ctx_add(&b, 0x0002, "", 0);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	assert_int_equal(ctx_add(&b, 0x0008, ctx_signing, sizeof ctx_signing - 1), at + 8);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_DATA));
	assert_int_equal(q.contexts.kept, 2);
	assert_int_equal(q.contexts.c[0].length, 0);
	assert_int_equal(q.contexts.c[1].type, SMB2_SIGNING_CAPABILITIES);
	assert_int_equal(q.contexts.c[1].id_count, 3);
	tb_free(&b);
}

static void test_negotiate_request_context_inner_count(void **state)
{
	(void)state;
	/* ENCRYPTION says 5 ciphers in 4 data bytes; SIGNING says 0 algorithms. */
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 1);
	size_t at = ctx_add(&b, 0x0002, "\x05\x00" "\x02\x00", 4);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_DATA));
	assert_int_equal(q.contexts.c[0].id_count, 5);
	assert_int_equal(q.contexts.c[0].ids_kept, 1);
	tb_free(&b);

	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 1);
	at = ctx_add(&b, 0x0008, "\x00\x00", 2);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_DATA));
	tb_free(&b);
}

static void test_negotiate_request_many_ids(void **state)
{
	(void)state;
	/* More ciphers than are kept: counted, not an anomaly. */
	const uint16_t n = SMB2_MAX_CONTEXT_IDS + 3;
	struct tbuf data;
	tb_init(&data);
	tb_le16(&data, n);
	for (uint16_t i = 0; i < n; i++)
		tb_le16(&data, (uint16_t)(i % 4 + 1));
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 1);
	size_t at = ctx_add(&b, 0x0002, data.p, (uint16_t)data.n);
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.anomalies, 0);
	assert_int_equal(q.contexts.c[0].id_count, n);
	assert_int_equal(q.contexts.c[0].ids_kept, SMB2_MAX_CONTEXT_IDS);
	tb_free(&b);
	tb_free(&data);
}

static void test_negotiate_request_alignment(void **state)
{
	(void)state;
	/* Contexts sit at 8-byte boundaries counted from the SMB2 header: a
	 * first context of 5 data bytes is followed by 3 pad bytes. The pad is
	 * filled with 0xEE so that reading it as a context would show. */
	struct tbuf b;
	tb_init(&b);
	neg_req_start(&b, all_dialects, 5, 1, 2);
	size_t at = ctx_add(&b, 0x0005, "S\0R\0V", 5); /* NETNAME, odd length */
	tb_set_le32(&b, REQ_CTX_OFFSET_AT, (uint32_t)at);
	tb_fill(&b, 0xEE, 3);
	assert_int_equal(b.n % 8, 0);
	ctx_add(&b, 0x0006, ctx_transport, 4);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.contexts.kept, 2);
	assert_string_equal(q.contexts.c[0].netname, "SR");
	assert_int_equal(q.contexts.c[1].type, SMB2_TRANSPORT_CAPABILITIES);
	assert_int_equal(q.contexts.c[1].flags, 1);
	tb_free(&b);
}

static void test_negotiate_request_dialect_count(void **state)
{
	(void)state;
	struct smb2_negotiate_request q;
	struct tbuf b;
	/* zero dialects */
	tb_init(&b);
	neg_req_start(&b, all_dialects, 0, 1, 0);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_DIALECT_COUNT));
	tb_free(&b);
	/* DialectCount 200 with 2 dialects present */
	tb_init(&b);
	neg_req_start(&b, all_dialects, 2, 1, 0);
	tb_set_le16(&b, 64 + 2, 200);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_DIALECT_COUNT));
	assert_int_equal(q.dialects_kept, 2);
	tb_free(&b);
	/* more dialects than are kept */
	uint16_t many[SMB2_MAX_DIALECTS + 8];
	for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
		many[i] = (uint16_t)(0x0202 + i);
	tb_init(&b);
	neg_req_start(&b, many, (uint16_t)(sizeof many / sizeof many[0]), 1, 0);
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_int_equal(q.dialect_count, SMB2_MAX_DIALECTS + 8);
	assert_int_equal(q.dialects_kept, SMB2_MAX_DIALECTS);
	assert_false(q.anomalies & ANOM_BIT(ANOM_SMB2_DIALECT_COUNT));
	tb_free(&b);
}

static void test_negotiate_request_structure_size(void **state)
{
	(void)state;
	struct tbuf b;
	build_full_neg_req(&b);
	tb_set_le16(&b, 64, 37);
	struct smb2_negotiate_request q;
	assert_int_equal(parse_neg_req(b.p, b.n, &q), SMB_PARSE_OK);
	assert_true(q.anomalies & ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE));
	tb_free(&b);
}

/* ---- Negotiate response ---- */

static void test_negotiate_response_full(void **state)
{
	(void)state;
	struct tbuf b;
	build_neg_resp(&b, 0x0311, SMB2_NEGOTIATE_SIGNING_ENABLED | SMB2_NEGOTIATE_SIGNING_REQUIRED);
	struct smb2_negotiate_response s;
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_int_equal(s.anomalies, 0);
	assert_int_equal(s.security_mode, 3);
	assert_int_equal(s.dialect, 0x0311);
	assert_memory_equal(s.server_guid, server_guid, 16);
	assert_int_equal(s.capabilities, 0x2f);
	assert_int_equal(s.max_transact_size, 8388608);
	assert_int_equal(s.max_read_size, 4194304);
	assert_int_equal(s.max_write_size, 2097152);
	assert_int_equal(s.system_time, UINT64_C(132223104000000000));
	assert_int_equal(s.server_start_time, 0);
	assert_int_equal(s.security_buffer_offset, 128);
	assert_int_equal(s.security_buffer_length, 10);
	assert_int_equal(s.context_offset, 144);
	assert_int_equal(s.contexts.count, 2);
	assert_int_equal(s.contexts.kept, 2);
	assert_int_equal(s.contexts.c[0].type, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	assert_int_equal(s.contexts.c[0].ids[0], 1);
	assert_int_equal(s.contexts.c[0].salt_length, 32);
	assert_int_equal(s.contexts.c[1].type, SMB2_ENCRYPTION_CAPABILITIES);
	assert_int_equal(s.contexts.c[1].id_count, 1);
	assert_int_equal(s.contexts.c[1].ids[0], 2);
	tb_free(&b);
}

static void test_negotiate_response_contexts_only_311(void **state)
{
	(void)state;
	/* Dialect 3.0.2: NegotiateContextCount/Offset are Reserved; even with
	 * non-zero values there, no contexts are read. */
	static const uint16_t dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x02FF};
	for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
		struct tbuf b;
		build_neg_resp(&b, dialects[i], SMB2_NEGOTIATE_SIGNING_ENABLED);
		tb_set_le32(&b, RESP_CTX_OFFSET_AT, 0xFFFFFFF8u); /* would be out of range */
		struct smb2_negotiate_response s;
		assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
		assert_int_equal(s.dialect, dialects[i]);
		assert_int_equal(s.anomalies, 0);
		assert_int_equal(s.contexts.count, 0);
		assert_int_equal(s.contexts.kept, 0);
		assert_int_equal(s.context_offset, 0);
		tb_free(&b);
	}
}

static void test_negotiate_response_secbuf_range(void **state)
{
	(void)state;
	static const struct {
		uint16_t off, len;
		bool bad;
	} cases[] = {
		{128, 10, false},     /* as built */
		{0, 0, false},        /* no buffer */
		{128, 0x1000, true},  /* runs past the end */
		{64, 4, true},        /* inside the fixed part */
		{0xFFFF, 1, true},    /* offset past the end */
		{204, 0, false},      /* empty at the end */
		{200, 4, false},      /* the last 4 bytes */
		{200, 5, true},       /* one byte too many */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tbuf b;
		build_neg_resp(&b, 0x0302, 1);
		tb_set_le16(&b, RESP_SECBUF_AT, cases[i].off);
		tb_set_le16(&b, RESP_SECBUF_AT + 2, cases[i].len);
		struct smb2_negotiate_response s;
		assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
		if (cases[i].bad)
			assert_true(s.anomalies & ANOM_BIT(ANOM_SMB2_SECBUF_RANGE));
		else
			assert_false(s.anomalies & ANOM_BIT(ANOM_SMB2_SECBUF_RANGE));
		tb_free(&b);
	}
}

static void test_negotiate_response_error(void **state)
{
	(void)state;
	/* MS-SMB2 2.2.2 error response: StructureSize 9, ErrorContextCount 0,
	 * Reserved, ByteCount 0, ErrorData 1 byte; Status in the header. */
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_NEGOTIATE, NT_STATUS_NOT_SUPPORTED, SMB2_FLAGS_SERVER_TO_REDIR,
		       0, 0, 0, 0);
	tb_le16(&b, 9); /* StructureSize */
	tb_u8(&b, 0);   /* ErrorContextCount */
	tb_u8(&b, 0);   /* Reserved */
	tb_le32(&b, 0); /* ByteCount */
	tb_u8(&b, 0);   /* ErrorData */
	struct smb2_negotiate_response s;
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_int_equal(s.security_mode, 0);
	assert_int_equal(s.dialect, 0);
	assert_int_equal(s.anomalies, 0);
	tb_free(&b);
}

static void test_negotiate_response_structure_size(void **state)
{
	(void)state;
	struct tbuf b;
	build_neg_resp(&b, 0x0302, 1);
	tb_set_le16(&b, 64, 64);
	struct smb2_negotiate_response s;
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB2_STRUCTURE_SIZE));
	tb_free(&b);
}

static void test_negotiate_response_context_anomalies(void **state)
{
	(void)state;
	struct smb2_negotiate_response s;
	struct tbuf b;
	/* offset past the end */
	build_neg_resp(&b, 0x0311, 1);
	tb_set_le32(&b, RESP_CTX_OFFSET_AT, 0x1000);
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET));
	tb_free(&b);
	/* count 65535 */
	build_neg_resp(&b, 0x0311, 1);
	tb_set_le16(&b, RESP_CTX_COUNT_AT, 65535);
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_int_equal(s.contexts.count, 65535);
	assert_int_equal(s.contexts.kept, 2);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH));
	tb_free(&b);
	/* the ENCRYPTION context's DataLength past the end */
	build_neg_resp(&b, 0x0311, 1);
	tb_set_le16(&b, 192 + 2, 0x00F0);
	assert_int_equal(parse_neg_resp(b.p, b.n, &s), SMB_PARSE_OK);
	assert_true(s.anomalies & ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH));
	assert_int_equal(s.contexts.kept, 1);
	tb_free(&b);
}

static void test_negotiate_response_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	build_neg_resp(&b, 0x0311, 1);
	for (size_t k = 0; k < b.n; k++) {
		struct smb2_negotiate_response s;
		enum smb_parse res = parse_neg_resp(b.p, k, &s);
		if (k < 128) {
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
		} else {
			assert_int_equal(res, SMB_PARSE_OK);
			assert_true(s.anomalies & (ANOM_BIT(ANOM_SMB2_SECBUF_RANGE) |
						   ANOM_BIT(ANOM_SMB2_CONTEXT_OFFSET) |
						   ANOM_BIT(ANOM_SMB2_CONTEXT_LENGTH)));
		}
	}
	tb_free(&b);
}

/* ---- Session Setup ---- */

/* MS-SMB2 2.2.5: StructureSize 25, Flags 0, SecurityMode, Capabilities 1
 * (DFS), Channel 0, SecurityBufferOffset 88, SecurityBufferLength 4,
 * PreviousSessionId, then a 4-byte buffer. */
static void build_sess_req(struct tbuf *b, uint8_t secmode, uint64_t previous)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_SESSION_SETUP, 0, 0, 0, 1, 0, 0);
	tb_le16(b, 25);       /* StructureSize */
	tb_u8(b, 0);          /* Flags */
	tb_u8(b, secmode);    /* SecurityMode */
	tb_le32(b, 1);        /* Capabilities */
	tb_le32(b, 0);        /* Channel */
	tb_le16(b, 88);       /* SecurityBufferOffset */
	tb_le16(b, 4);        /* SecurityBufferLength */
	tb_le64(b, previous); /* PreviousSessionId */
	assert_int_equal(b->n, 88);
	tb_bytes(b, "\x60\x48\x06\x06", 4); /* start of a SPNEGO token, enough for a length check */
}

static void test_session_setup_request(void **state)
{
	(void)state;
	static const uint8_t modes[] = {0x00, 0x01, 0x02, 0x03};
	for (size_t i = 0; i < sizeof modes; i++) {
		struct tbuf b;
		build_sess_req(&b, modes[i], UINT64_C(0x0000400000000009));
		uint8_t *c = heap_copy(b.p, b.n);
		struct rd r = rd_init(c, b.n);
		struct smb2_session_setup_request q;
		assert_int_equal(smb2_parse_session_setup_request(&r, &q), SMB_PARSE_OK);
		assert_int_equal(q.flags, 0);
		assert_int_equal(q.security_mode, modes[i]);
		assert_int_equal(q.capabilities, 1);
		assert_int_equal(q.previous_session_id, UINT64_C(0x0000400000000009));
		free(c);
		tb_free(&b);
	}
}

/* The security buffer range (MS-SMB2 2.2.5): in range it is a reader over
 * the blob; past the message, or inside the fixed part, it is not. */
static void test_session_setup_request_security_buffer(void **state)
{
	(void)state;
	static const struct {
		uint16_t off, len;
		bool ok;
	} cases[] = {{88, 4, true}, {88, 5, false}, {89, 3, true}, {80, 4, false},
		     {0, 0, true}, {0xffff, 0xffff, false}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tbuf b;
		build_sess_req(&b, 1, 0);
		b.p[64 + 12] = (uint8_t)cases[i].off; /* SecurityBufferOffset */
		b.p[64 + 13] = (uint8_t)(cases[i].off >> 8);
		b.p[64 + 14] = (uint8_t)cases[i].len; /* SecurityBufferLength */
		b.p[64 + 15] = (uint8_t)(cases[i].len >> 8);
		uint8_t *c = heap_copy(b.p, b.n);
		struct rd r = rd_init(c, b.n);
		struct smb2_session_setup_request q;
		assert_int_equal(smb2_parse_session_setup_request(&r, &q), SMB_PARSE_OK);
		assert_int_equal(q.security_buffer_offset, cases[i].off);
		assert_int_equal(q.security_buffer_length, cases[i].len);
		assert_int_equal(q.security_buffer_ok, cases[i].ok);
		size_t want = cases[i].ok ? cases[i].len : 0;
		assert_int_equal(rd_left(&q.security_buffer), want);
		if (cases[i].ok && cases[i].off == 88)
			assert_int_equal(rd_u8(&q.security_buffer), 0x60); /* SPNEGO [APPLICATION 0] */
		free(c);
		tb_free(&b);
	}
}

/* smb_sniff: one function tells the four protocol identifiers apart. */
static void test_sniff(void **state)
{
	(void)state;
	static const struct {
		const char *p;
		size_t n;
		enum smb_proto want;
	} cases[] = {
		{"\xffSMB", 4, SMB_PROTO_SMB1},      {"\xfeSMB", 4, SMB_PROTO_SMB2},
		{"\xfdSMB", 4, SMB_PROTO_TRANSFORM}, {"\xfcSMB", 4, SMB_PROTO_COMPRESSED},
		{"\xfbSMB", 4, SMB_PROTO_NONE},      {"\xfeSMC", 4, SMB_PROTO_NONE},
		{"\xfeSM", 3, SMB_PROTO_SHORT},      {"", 0, SMB_PROTO_SHORT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *c = heap_copy(cases[i].p, cases[i].n);
		struct rd r = rd_init(c, cases[i].n);
		assert_int_equal(smb_sniff(&r), cases[i].want);
		assert_int_equal(r.pos, 0); /* not advanced */
		free(c);
	}
}

static void test_session_setup_request_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	build_sess_req(&b, 2, 0);
	for (size_t k = 0; k < 64 + 24; k++) {
		uint8_t *c = heap_copy(b.p, k);
		struct rd r = rd_init(c, k);
		struct smb2_session_setup_request q;
		assert_int_equal(smb2_parse_session_setup_request(&r, &q), SMB_PARSE_TRUNCATED);
		free(c);
	}
	tb_free(&b);
}

/* MS-SMB2 2.2.6: StructureSize 9, SessionFlags, SecurityBufferOffset 72,
 * SecurityBufferLength 0. */
static void build_sess_resp(struct tbuf *b, uint16_t flags)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_SESSION_SETUP, 0, SMB2_FLAGS_SERVER_TO_REDIR, 0, 1, 0,
		       UINT64_C(0x0000400000000001));
	tb_le16(b, 9);     /* StructureSize */
	tb_le16(b, flags); /* SessionFlags */
	tb_le16(b, 72);    /* SecurityBufferOffset */
	tb_le16(b, 0);     /* SecurityBufferLength */
}

static void test_session_setup_response_flags(void **state)
{
	(void)state;
	static const uint16_t flags[] = {0x0000, SMB2_SESSION_FLAG_IS_GUEST, SMB2_SESSION_FLAG_IS_NULL,
					 SMB2_SESSION_FLAG_ENCRYPT_DATA};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		struct tbuf b;
		build_sess_resp(&b, flags[i]);
		uint8_t *c = heap_copy(b.p, b.n);
		struct rd r = rd_init(c, b.n);
		struct smb2_session_setup_response s;
		assert_int_equal(smb2_parse_session_setup_response(&r, &s), SMB_PARSE_OK);
		assert_int_equal(s.session_flags, flags[i]);
		free(c);
		tb_free(&b);
	}
}

static void test_session_setup_response_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	build_sess_resp(&b, SMB2_SESSION_FLAG_IS_GUEST);
	for (size_t k = 0; k < 64 + 4; k++) {
		uint8_t *c = heap_copy(b.p, k);
		struct rd r = rd_init(c, k);
		struct smb2_session_setup_response s;
		assert_int_equal(smb2_parse_session_setup_response(&r, &s), SMB_PARSE_TRUNCATED);
		free(c);
	}
	tb_free(&b);
}

static void test_session_setup_response_security_buffer(void **state)
{
	(void)state;
	struct tbuf b;
	build_sess_resp(&b, 0);
	b.p[64 + 6] = 3; /* SecurityBufferLength 3 */
	tb_bytes(&b, "\xa1\x07\x30", 3); /* start of a SPNEGO NegTokenResp */
	uint8_t *c = heap_copy(b.p, b.n);
	struct rd r = rd_init(c, b.n);
	struct smb2_session_setup_response s;
	assert_int_equal(smb2_parse_session_setup_response(&r, &s), SMB_PARSE_OK);
	assert_true(s.security_buffer_ok);
	assert_int_equal(s.security_buffer_offset, 72);
	assert_int_equal(rd_left(&s.security_buffer), 3);
	assert_int_equal(rd_u8(&s.security_buffer), 0xa1);
	free(c);
	/* the same, one byte short: out of range */
	c = heap_copy(b.p, b.n - 1);
	r = rd_init(c, b.n - 1);
	assert_int_equal(smb2_parse_session_setup_response(&r, &s), SMB_PARSE_OK);
	assert_false(s.security_buffer_ok);
	free(c);
	tb_free(&b);
}

/* ---- IOCTL FSCTL_VALIDATE_NEGOTIATE_INFO ---- */

/* MS-SMB2 2.2.31 request (fixed part 56 bytes, buffer at 120) carrying
 * VALIDATE_NEGOTIATE_INFO (2.2.31.4): Capabilities 0x7f, Guid, SecurityMode
 * 1, DialectCount 4, 2.0.2 2.1 3.0 3.0.2. */
static void build_vn_req(struct tbuf *b, uint32_t ctl)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_IOCTL, 0, SMB2_FLAGS_SIGNED, 0, 4, 1, 0x55);
	tb_le16(b, 57);                /* StructureSize */
	tb_le16(b, 0);                 /* Reserved */
	tb_le32(b, ctl);               /* CtlCode */
	tb_fill(b, 0xff, 16);          /* FileId {-1,-1} */
	tb_le32(b, 120);               /* InputOffset */
	tb_le32(b, 32);                /* InputCount */
	tb_le32(b, 0);                 /* MaxInputResponse */
	tb_le32(b, 120);               /* OutputOffset */
	tb_le32(b, 0);                 /* OutputCount */
	tb_le32(b, 24);                /* MaxOutputResponse */
	tb_le32(b, 1);                 /* Flags SMB2_0_IOCTL_IS_FSCTL */
	tb_le32(b, 0);                 /* Reserved2 */
	assert_int_equal(b->n, 120);
	tb_le32(b, 0x7f);              /* Capabilities */
	tb_bytes(b, client_guid, 16);  /* Guid */
	tb_le16(b, 1);                 /* SecurityMode */
	tb_le16(b, 4);                 /* DialectCount */
	tb_le16(b, 0x0202);
	tb_le16(b, 0x0210);
	tb_le16(b, 0x0300);
	tb_le16(b, 0x0302);
	assert_int_equal(b->n, 152);
}

/* MS-SMB2 2.2.32 response (fixed part 48 bytes, buffer at 112) carrying
 * VALIDATE_NEGOTIATE_INFO response (2.2.32.6): Capabilities 0x2f, server
 * Guid, SecurityMode 1, Dialect 3.0.2. */
static void build_vn_resp(struct tbuf *b)
{
	tb_init(b);
	tb_smb2_header(b, SMB2_CMD_IOCTL, 0, SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_SIGNED, 0, 4,
		       1, 0x55);
	tb_le16(b, 49);                      /* StructureSize */
	tb_le16(b, 0);                       /* Reserved */
	tb_le32(b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO); /* CtlCode */
	tb_fill(b, 0xff, 16);                /* FileId */
	tb_le32(b, 112);                     /* InputOffset */
	tb_le32(b, 0);                       /* InputCount */
	tb_le32(b, 112);                     /* OutputOffset */
	tb_le32(b, 24);                      /* OutputCount */
	tb_le32(b, 0);                       /* Flags */
	tb_le32(b, 0);                       /* Reserved2 */
	assert_int_equal(b->n, 112);
	tb_le32(b, 0x2f);                    /* Capabilities */
	tb_bytes(b, server_guid, 16);        /* Guid */
	tb_le16(b, 1);                       /* SecurityMode */
	tb_le16(b, 0x0302);                  /* Dialect */
	assert_int_equal(b->n, 136);
}

static void test_ioctl_validate_request(void **state)
{
	(void)state;
	struct tbuf b;
	build_vn_req(&b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	struct smb2_validate_negotiate v;
	assert_int_equal(parse_ioctl(b.p, b.n, true, &v), SMB_PARSE_OK);
	assert_int_equal(v.ctl_code, 0x00140204u);
	assert_true(v.is_validate);
	assert_int_equal(v.capabilities, 0x7f);
	assert_memory_equal(v.guid, client_guid, 16);
	assert_int_equal(v.security_mode, 1);
	assert_int_equal(v.dialect_count, 4);
	assert_int_equal(v.dialects_kept, 4);
	assert_int_equal(v.dialects[0], 0x0202);
	assert_int_equal(v.dialects[3], 0x0302);
	tb_free(&b);
}

static void test_ioctl_validate_response(void **state)
{
	(void)state;
	struct tbuf b;
	build_vn_resp(&b);
	struct smb2_validate_negotiate v;
	assert_int_equal(parse_ioctl(b.p, b.n, false, &v), SMB_PARSE_OK);
	assert_int_equal(v.ctl_code, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	assert_true(v.is_validate);
	assert_int_equal(v.capabilities, 0x2f);
	assert_memory_equal(v.guid, server_guid, 16);
	assert_int_equal(v.security_mode, 1);
	assert_int_equal(v.dialect, 0x0302);
	tb_free(&b);
}

static void test_ioctl_error_response(void **state)
{
	(void)state;
	/* STATUS_NOT_SUPPORTED error response (StructureSize 9): no CtlCode. */
	struct tbuf b;
	tb_init(&b);
	tb_smb2_header(&b, SMB2_CMD_IOCTL, NT_STATUS_NOT_SUPPORTED, SMB2_FLAGS_SERVER_TO_REDIR, 0,
		       4, 1, 0x55);
	tb_le16(&b, 9);
	tb_u8(&b, 0);
	tb_u8(&b, 0);
	tb_le32(&b, 0);
	tb_u8(&b, 0);
	struct smb2_validate_negotiate v;
	assert_int_equal(parse_ioctl(b.p, b.n, false, &v), SMB_PARSE_OK);
	assert_false(v.is_validate);
	assert_int_equal(v.ctl_code, 0);
	tb_free(&b);
}

static void test_ioctl_other_fsctl(void **state)
{
	(void)state;
	/* FSCTL_DFS_GET_REFERRALS (0x00060194): the CtlCode only. */
	struct tbuf b;
	build_vn_req(&b, 0x00060194u);
	struct smb2_validate_negotiate v;
	assert_int_equal(parse_ioctl(b.p, b.n, true, &v), SMB_PARSE_OK);
	assert_int_equal(v.ctl_code, 0x00060194u);
	assert_false(v.is_validate);
	assert_int_equal(v.dialect_count, 0);
	tb_free(&b);
}

static void test_ioctl_input_out_of_range(void **state)
{
	(void)state;
	struct tbuf b;
	struct smb2_validate_negotiate v;
	/* InputOffset past the end */
	build_vn_req(&b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	tb_set_le32(&b, 64 + 24, 0xFFFFFFF0u);
	assert_int_equal(parse_ioctl(b.p, b.n, true, &v), SMB_PARSE_OK);
	assert_false(v.is_validate);
	tb_free(&b);
	/* InputCount too small for the fixed part */
	build_vn_req(&b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	tb_set_le32(&b, 64 + 28, 10);
	assert_int_equal(parse_ioctl(b.p, b.n, true, &v), SMB_PARSE_OK);
	assert_false(v.is_validate);
	tb_free(&b);
	/* DialectCount 1000 in a 32-byte input: the ids stop at the input's end */
	build_vn_req(&b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	tb_set_le16(&b, 120 + 22, 1000);
	assert_int_equal(parse_ioctl(b.p, b.n, true, &v), SMB_PARSE_OK);
	assert_int_equal(v.dialect_count, 1000);
	assert_int_equal(v.dialects_kept, 4);
	tb_free(&b);
	/* response OutputCount past the end */
	build_vn_resp(&b);
	tb_set_le32(&b, 64 + 36, 0x1000);
	assert_int_equal(parse_ioctl(b.p, b.n, false, &v), SMB_PARSE_OK);
	assert_false(v.is_validate);
	tb_free(&b);
}

static void test_ioctl_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	struct smb2_validate_negotiate v;
	build_vn_req(&b, SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO);
	for (size_t k = 0; k < b.n; k++) {
		enum smb_parse res = parse_ioctl(b.p, k, true, &v);
		if (k < 64 + 32) /* up to InputCount */
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
		else /* the input is cut: not taken as a validate request */
			assert_true(res == SMB_PARSE_OK && !v.is_validate);
	}
	tb_free(&b);
	build_vn_resp(&b);
	for (size_t k = 0; k < b.n; k++) {
		enum smb_parse res = parse_ioctl(b.p, k, false, &v);
		if (k < 64 + 40) /* up to OutputCount */
			assert_int_equal(res, SMB_PARSE_TRUNCATED);
		else
			assert_true(res == SMB_PARSE_OK && !v.is_validate);
	}
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_smb2),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_session_setup_request_security_buffer),
		cmocka_unit_test(test_session_setup_response_security_buffer),
		cmocka_unit_test(test_header_sync),
		cmocka_unit_test(test_header_async),
		cmocka_unit_test(test_header_builder_matches_literal),
		cmocka_unit_test(test_header_bad_magic),
		cmocka_unit_test(test_header_truncation_sweep),
		cmocka_unit_test(test_is_signed),
		cmocka_unit_test(test_negotiate_request_full),
		cmocka_unit_test(test_negotiate_request_truncation_sweep),
		cmocka_unit_test(test_negotiate_request_without_311_ignores_contexts),
		cmocka_unit_test(test_negotiate_request_context_offset_past_end),
		cmocka_unit_test(test_negotiate_request_context_count_65535),
		cmocka_unit_test(test_negotiate_request_too_many_contexts),
		cmocka_unit_test(test_negotiate_request_context_length_past_end),
		cmocka_unit_test(test_negotiate_request_context_duplicate),
		cmocka_unit_test(test_negotiate_request_context_zero_length),
		cmocka_unit_test(test_negotiate_request_context_inner_count),
		cmocka_unit_test(test_negotiate_request_many_ids),
		cmocka_unit_test(test_negotiate_request_alignment),
		cmocka_unit_test(test_negotiate_request_dialect_count),
		cmocka_unit_test(test_negotiate_request_structure_size),
		cmocka_unit_test(test_negotiate_response_full),
		cmocka_unit_test(test_negotiate_response_contexts_only_311),
		cmocka_unit_test(test_negotiate_response_secbuf_range),
		cmocka_unit_test(test_negotiate_response_error),
		cmocka_unit_test(test_negotiate_response_structure_size),
		cmocka_unit_test(test_negotiate_response_context_anomalies),
		cmocka_unit_test(test_negotiate_response_truncation_sweep),
		cmocka_unit_test(test_session_setup_request),
		cmocka_unit_test(test_session_setup_request_truncation_sweep),
		cmocka_unit_test(test_session_setup_response_flags),
		cmocka_unit_test(test_session_setup_response_truncation_sweep),
		cmocka_unit_test(test_ioctl_validate_request),
		cmocka_unit_test(test_ioctl_validate_response),
		cmocka_unit_test(test_ioctl_error_response),
		cmocka_unit_test(test_ioctl_other_fsctl),
		cmocka_unit_test(test_ioctl_input_out_of_range),
		cmocka_unit_test(test_ioctl_truncation_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
