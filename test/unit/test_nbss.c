/* Unit tests for nbss, the NetBIOS session service framing push parser
 * (include/smbneg/nbss.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/nbss.h"
#include "smbneg/smb_conn.h"
#include "smbneg/smb_const.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages on the wire ---- */

/* NBSS type 0x00, length 0x000048 (72), then an SMB2 header: "\xfeSMB",
 * StructureSize 64, CreditCharge 0, Status 0, Command 0 (NEGOTIATE),
 * Credits 1, Flags 0, NextCommand 0, MessageId 0, Reserved 0, TreeId 0,
 * SessionId 0, Signature 0; then the first 8 bytes of a NEGOTIATE request:
 * StructureSize 36, DialectCount 1, SecurityMode 1 (signing enabled), 0. */
static const uint8_t smb2_neg[] = {
	0x00, 0x00, 0x00, 0x48,                         /* NBSS */
	0xfe, 'S',  'M',  'B',  0x40, 0x00, 0x00, 0x00, /* protocol, size, charge */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, /* status, command, credits */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* flags, next command */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* message id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* reserved, tree id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* session id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* signature ... */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ... signature */
	0x24, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, /* NEGOTIATE body start */
};

/* NBSS type 0x00, length 0x000023 (35), then an SMB1 header: "\xffSMB",
 * Command 0x72 (NEGOTIATE), Status 0, Flags 0x18, Flags2 0xc853, PIDHigh 0,
 * SecurityFeatures 0, Reserved 0, TID 0, PIDLow 0xfeff, UID 0, MID 0; then
 * WordCount 0, ByteCount 0. */
static const uint8_t smb1_neg[] = {
	0x00, 0x00, 0x00, 0x23,                         /* NBSS */
	0xff, 'S',  'M',  'B',  0x72, 0x00, 0x00, 0x00, /* protocol, command, status */
	0x00, 0x18, 0x53, 0xc8, 0x00, 0x00, 0x00, 0x00, /* status, flags, flags2, pidhigh */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* security features, reserved */
	0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, /* tid, pid, uid, mid */
	0x00, 0x00, 0x00,                               /* word count, byte count */
};

/* NBSS type 0x00, length 52, then an SMB3 TRANSFORM_HEADER (MS-SMB2 2.2.41):
 * "\xfdSMB", Signature (16), Nonce (16), OriginalMessageSize 0,
 * Reserved 0, Flags 1 (encrypted), SessionId 1. No encrypted body. */
static const uint8_t smb3_transform[] = {
	0x00, 0x00, 0x00, 0x34,                         /* NBSS */
	0xfd, 'S',  'M',  'B',                          /* protocol */
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* signature */
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* signature */
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, /* nonce */
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, /* nonce */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, /* size, reserved, flags */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* session id */
};

/* NBSS type 0x00, length 16, then an SMB2 COMPRESSION_TRANSFORM_HEADER
 * (MS-SMB2 2.2.42, unchained): "\xfcSMB", OriginalCompressedSegmentSize 64,
 * CompressionAlgorithm 1 (LZNT1), Flags 0, Offset 0. */
static const uint8_t smb3_compressed[] = {
	0x00, 0x00, 0x00, 0x10,                         /* NBSS */
	0xfc, 'S',  'M',  'B',  0x40, 0x00, 0x00, 0x00, /* protocol, original size */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* algorithm, flags, offset */
};

/* NBSS keepalive: type 0x85, length 0 */
static const uint8_t keepalive[] = {0x85, 0x00, 0x00, 0x00};

/* NBSS SESSION REQUEST (RFC 1002 4.3.2): type 0x81, length 68; called name
 * "*SMBSERVER" and calling name "CLIENT", each first-level encoded (0x20,
 * 32 letters, 0x00). */
static const uint8_t session_request[] = "\x81\x00\x00\x44"
					 "\x20" "CKFDENECFDEFFCFGEFFCCACACACACACA" "\x00"
					 "\x20" "EDEMEJEFEOFECACACACACACACACACACA" "\x00";
/* NBSS POSITIVE SESSION RESPONSE: type 0x82, length 0 */
static const uint8_t positive_response[] = {0x82, 0x00, 0x00, 0x00};

/* ---- a sink that records messages ---- */

struct msg {
	uint8_t type;
	uint32_t length;
	bool truncated;
	size_t kept;
	uint8_t *p; /* copy of the kept bytes */
};

struct rec {
	struct msg *m;
	size_t n, cap;
};

static void on_message(void *arg, const struct nbss_msg *m)
{
	struct rec *r = arg;
	assert_true(m->kept <= NBSS_KEEP_LARGE);
	assert_true(m->kept <= m->length);
	if (m->kept)
		assert_non_null(m->p);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->m = realloc(r->m, r->cap * sizeof *r->m);
		assert_non_null(r->m);
	}
	struct msg *c = &r->m[r->n++];
	c->type = m->type;
	c->length = m->length;
	c->truncated = m->truncated;
	c->kept = m->kept;
	c->p = tu_dup(m->p, m->kept); /* also lets ASan check m->p[0..kept) */
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->m[i].p);
	free(r->m);
	memset(r, 0, sizeof *r);
}

/* The SMB layer's policy, as the conversation table uses it. */
static size_t keep(void *arg, const struct rd *prefix)
{
	(void)arg;
	return smb_conn_keep_limit(prefix);
}

struct t {
	struct nbss_dir d;
	struct rec r;
	struct nbss_sink sink;
};

static void t_init(struct t *t, bool netbios_139)
{
	memset(t, 0, sizeof *t);
	t->d.netbios_139 = netbios_139;
	t->sink.message = on_message;
	t->sink.keep = keep;
	t->sink.arg = &t->r;
}

static void t_free(struct t *t)
{
	nbss_free(&t->d);
	rec_free(&t->r);
}

/* Feed an exact-size heap copy. */
static void feed(struct t *t, const void *p, size_t n)
{
	uint8_t *q = tu_dup(p, n);
	nbss_feed(&t->d, q, n, &t->sink);
	free(q);
}

/* Feed in pieces of `step` bytes (1 = byte at a time). */
static void feed_step(struct t *t, const void *p, size_t n, size_t step)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i += step)
		feed(t, b + i, n - i < step ? n - i : step);
}

#define FEED(t, a) feed((t), (a), sizeof(a))

/* One recorded message equals a message of the stream. */
static void check_msg(const struct msg *m, uint8_t type, uint32_t length, bool truncated,
		      const uint8_t *body, size_t kept)
{
	assert_int_equal(m->type, type);
	assert_int_equal(m->length, length);
	assert_int_equal(m->truncated, truncated);
	assert_int_equal(m->kept, kept);
	if (kept)
		assert_memory_equal(m->p, body, kept);
}

/* The 4-byte-header message at a: body a + 4, kept whole. */
static void check_whole(const struct msg *m, const uint8_t *a, size_t size)
{
	check_msg(m, a[0], (uint32_t)(size - 4), false, a + 4, size - 4);
}

static void assert_same(const struct t *a, const struct t *b)
{
	assert_int_equal(a->r.n, b->r.n);
	for (size_t i = 0; i < a->r.n; i++) {
		const struct msg *x = &a->r.m[i], *y = &b->r.m[i];
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->length, y->length);
		assert_int_equal(x->truncated, y->truncated);
		assert_int_equal(x->kept, y->kept);
		if (x->kept)
			assert_memory_equal(x->p, y->p, x->kept);
	}
	assert_true(a->d.messages == b->d.messages);
	assert_int_equal(a->d.keepalives, b->d.keepalives);
	assert_int_equal(a->d.resyncs, b->d.resyncs);
	assert_int_equal(a->d.bad_headers, b->d.bad_headers);
	assert_true(a->d.skipped_bytes == b->d.skipped_bytes);
	assert_int_equal(a->d.state, b->d.state);
}

/* ---- a stream script: feeds and gaps, replayed with different cuts ---- */

struct op {
	const uint8_t *p; /* NULL: a gap of n */
	size_t n;
};

/* Replay: feeds cut into `step`-byte pieces (0 = whole). */
static void replay(struct t *t, bool nb139, const struct op *ops, size_t nops, size_t step)
{
	t_init(t, nb139);
	for (size_t i = 0; i < nops; i++) {
		if (!ops[i].p)
			nbss_gap(&t->d, ops[i].n, &t->sink);
		else if (step == 0)
			feed(t, ops[i].p, ops[i].n);
		else
			feed_step(t, ops[i].p, ops[i].n, step);
	}
}

/* The script gives the same result fed whole, byte at a time, and in pieces
 * of 2, 3, 5, 7 and 13 bytes; `ref` is left holding the whole-feed result. */
static void replay_all(struct t *ref, bool nb139, const struct op *ops, size_t nops)
{
	static const size_t steps[] = {1, 2, 3, 5, 7, 13};
	replay(ref, nb139, ops, nops, 0);
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct t t;
		replay(&t, nb139, ops, nops, steps[i]);
		assert_same(ref, &t);
		t_free(&t);
	}
}

/* Concatenate (pointer, length) pairs ending with NULL. */
static uint8_t *cat(size_t *len, ...)
{
	struct tu_buf b = {0};
	va_list ap;
	va_start(ap, len);
	for (;;) {
		const void *p = va_arg(ap, const void *);
		if (!p)
			break;
		size_t n = va_arg(ap, size_t);
		tu_buf_add(&b, p, n);
	}
	va_end(ap);
	*len = b.len;
	uint8_t *q = tu_dup(b.p, b.len);
	tu_buf_free(&b);
	return q;
}

#define P(a) (const void *)(a), sizeof(a)
/* session_request is a string literal: drop its NUL */
#define SESSION_REQUEST (const void *)session_request, sizeof(session_request) - 1

/* ---- framing ---- */

static void test_445_single(void **state)
{
	(void)state;
	struct t t;
	t_init(&t, false);
	FEED(&t, smb2_neg);
	assert_int_equal(t.r.n, 1);
	check_whole(&t.r.m[0], smb2_neg, sizeof smb2_neg);
	assert_true(t.d.messages == 1);
	assert_int_equal(t.d.state, NBSS_HEADER);
	assert_int_equal(t.d.bad_headers, 0);
	t_free(&t);
}

/* 24-bit length on 445: 00 01 00 00 is 65536 bytes; only NBSS_KEEP_MAX kept,
 * and the next message is found by length. */
static void test_445_24bit_length(void **state)
{
	(void)state;
	size_t blen = 0x010000;
	uint8_t *body = malloc(blen);
	assert_non_null(body);
	for (size_t i = 0; i < blen; i++)
		body[i] = (uint8_t)(i ^ i >> 8);
	static const uint8_t hdr[] = {0x00, 0x01, 0x00, 0x00}; /* type 0, length 0x010000 */
	size_t len;
	uint8_t *s = cat(&len, P(hdr), body, blen, P(smb2_neg), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, false, ops, 1);
	assert_int_equal(ref.r.n, 2);
	check_msg(&ref.r.m[0], 0x00, 0x010000, false, body, NBSS_KEEP_MAX);
	check_whole(&ref.r.m[1], smb2_neg, sizeof smb2_neg);
	t_free(&ref);

	/* the largest 24-bit length: 0xFFFFFF, then its first 100 bytes only */
	static const uint8_t hdr_max[] = {0x00, 0xff, 0xff, 0xff};
	struct t t;
	t_init(&t, false);
	FEED(&t, hdr_max);
	feed(&t, body, 100);
	assert_int_equal(t.r.n, 0);
	assert_int_equal(t.d.state, NBSS_BODY);
	assert_int_equal(t.d.length, 0xffffff);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 0xffffff, true, body, 100);
	t_free(&t);
	free(s);
	free(body);
}

/* Port 139: session request, positive response, keepalive and a session
 * message, each handed on with its type. */
static void test_139_framing(void **state)
{
	(void)state;
	size_t len;
	uint8_t *s = cat(&len, SESSION_REQUEST, P(positive_response), P(keepalive), P(smb2_neg),
			 P(keepalive), P(smb1_neg), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, true, ops, 1);
	assert_int_equal(ref.r.n, 6);
	check_whole(&ref.r.m[0], session_request, sizeof session_request - 1);
	assert_int_equal(ref.r.m[0].type, NBSS_SESSION_REQUEST);
	assert_int_equal(ref.r.m[0].length, 68);
	check_msg(&ref.r.m[1], NBSS_POSITIVE_RESPONSE, 0, false, NULL, 0);
	check_msg(&ref.r.m[2], NBSS_KEEPALIVE, 0, false, NULL, 0);
	check_whole(&ref.r.m[3], smb2_neg, sizeof smb2_neg);
	check_msg(&ref.r.m[4], NBSS_KEEPALIVE, 0, false, NULL, 0);
	check_whole(&ref.r.m[5], smb1_neg, sizeof smb1_neg);
	assert_true(ref.d.messages == 6);
	assert_int_equal(ref.d.keepalives, 2);
	assert_int_equal(ref.d.bad_headers, 0);
	t_free(&ref);
	free(s);
}

/* 139: the E bit (flags bit 0) extends the length to 17 bits. */
static void test_139_17bit_length(void **state)
{
	(void)state;
	size_t blen = 0x10010;
	uint8_t *body = calloc(blen, 1);
	assert_non_null(body);
	memcpy(body, "\xfeSMB", 4);
	body[12] = 0x0b; /* Command IOCTL: read past its header, not whole: NBSS_KEEP_MAX kept */
	/* type 0, flags 0x01 (E), length 0x0010: 0x10010 = 65552 bytes */
	static const uint8_t hdr[] = {0x00, 0x01, 0x00, 0x10};
	size_t len;
	uint8_t *s = cat(&len, P(hdr), body, blen, P(keepalive), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, true, ops, 1);
	assert_int_equal(ref.r.n, 2);
	check_msg(&ref.r.m[0], 0x00, 0x10010, false, body, NBSS_KEEP_MAX);
	check_msg(&ref.r.m[1], NBSS_KEEPALIVE, 0, false, NULL, 0);
	t_free(&ref);
	/* the same bytes on 445 read as a 24-bit length: 0x010010 too */
	replay_all(&ref, false, ops, 1);
	assert_int_equal(ref.r.n, 2);
	assert_int_equal(ref.r.m[0].length, 0x010010);
	t_free(&ref);
	free(s);
	free(body);
}

/* Flags 0x02 is a 24-bit length on 445 but an invalid header on 139. */
static void test_445_vs_139_flags(void **state)
{
	(void)state;
	/* type 0, byte 1 = 0x02, length 0x0000 */
	static const uint8_t hdr[] = {0x00, 0x02, 0x00, 0x00};
	struct t t;
	t_init(&t, false);
	FEED(&t, hdr);
	assert_int_equal(t.d.state, NBSS_BODY);
	assert_int_equal(t.d.length, 0x020000);
	assert_int_equal(t.d.bad_headers, 0);
	t_free(&t);

	t_init(&t, true);
	FEED(&t, hdr);
	assert_int_equal(t.d.bad_headers, 1);
	assert_int_equal(t.d.state, NBSS_RESYNC);
	assert_int_equal(t.r.n, 0);
	t_free(&t);
}

static void test_several_in_one_feed(void **state)
{
	(void)state;
	size_t len;
	uint8_t *s = cat(&len, P(smb1_neg), P(smb2_neg), P(keepalive), P(smb3_transform),
			 P(smb3_compressed), P(smb2_neg), NULL);
	struct t t;
	t_init(&t, false);
	feed(&t, s, len);
	assert_int_equal(t.r.n, 6);
	check_whole(&t.r.m[0], smb1_neg, sizeof smb1_neg);
	check_whole(&t.r.m[1], smb2_neg, sizeof smb2_neg);
	check_msg(&t.r.m[2], NBSS_KEEPALIVE, 0, false, NULL, 0);
	check_whole(&t.r.m[3], smb3_transform, sizeof smb3_transform);
	check_whole(&t.r.m[4], smb3_compressed, sizeof smb3_compressed);
	check_whole(&t.r.m[5], smb2_neg, sizeof smb2_neg);
	assert_int_equal(t.d.keepalives, 1);
	t_free(&t);
	free(s);
}

/* One message over many feeds of uneven sizes, header cut too. */
static void test_one_over_many_feeds(void **state)
{
	(void)state;
	static const size_t cuts[] = {1, 2, 4, 5, 17, 40, 71, 75, 76};
	struct t t;
	t_init(&t, false);
	size_t at = 0;
	for (size_t i = 0; i < ARRAY_LEN(cuts); i++) {
		assert_int_equal(t.r.n, 0);
		feed(&t, smb2_neg + at, cuts[i] - at);
		at = cuts[i];
	}
	assert_int_equal(at, sizeof smb2_neg);
	assert_int_equal(t.r.n, 1);
	check_whole(&t.r.m[0], smb2_neg, sizeof smb2_neg);
	t_free(&t);
}

/* Every split point, and every pair of split points, of a 3-message stream
 * gives what the whole stream gives. */
static void test_split_points(void **state)
{
	(void)state;
	size_t len;
	uint8_t *s = cat(&len, P(smb1_neg), P(keepalive), P(smb2_neg), NULL);
	struct t ref;
	t_init(&ref, false);
	feed(&ref, s, len);
	assert_int_equal(ref.r.n, 3);
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i; j <= len; j++) {
			struct t t;
			t_init(&t, false);
			feed(&t, s, i);
			feed(&t, s + i, j - i);
			feed(&t, s + j, len - j);
			assert_same(&ref, &t);
			t_free(&t);
		}
	}
	t_free(&ref);
	free(s);
}

static void test_byte_at_a_time(void **state)
{
	(void)state;
	size_t len;
	uint8_t *s = cat(&len, P(smb1_neg), P(smb2_neg), P(smb3_transform), P(smb3_compressed),
			 NULL);
	struct t ref, t;
	t_init(&ref, false);
	feed(&ref, s, len);
	t_init(&t, false);
	feed_step(&t, s, len, 1);
	assert_int_equal(t.r.n, 4);
	assert_same(&ref, &t);
	check_whole(&t.r.m[2], smb3_transform, sizeof smb3_transform);
	t_free(&t);
	t_free(&ref);
	free(s);
}

/* Keepalives between every message (and before the first and after the
 * last), fed whole, byte at a time and in pieces. */
static void test_keepalives_between(void **state)
{
	(void)state;
	size_t len;
	uint8_t *s = cat(&len, P(keepalive), P(smb1_neg), P(keepalive), P(keepalive),
			 P(smb2_neg), P(keepalive), P(smb3_transform), P(keepalive), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, false, ops, 1);
	assert_int_equal(ref.r.n, 8);
	assert_int_equal(ref.d.keepalives, 5);
	assert_true(ref.d.messages == 8);
	check_whole(&ref.r.m[1], smb1_neg, sizeof smb1_neg);
	check_whole(&ref.r.m[4], smb2_neg, sizeof smb2_neg);
	check_whole(&ref.r.m[6], smb3_transform, sizeof smb3_transform);
	t_free(&ref);
	free(s);

	/* ... and the same on 139 */
	s = cat(&len, SESSION_REQUEST, P(keepalive), P(positive_response), P(keepalive),
		P(smb2_neg), P(keepalive), NULL);
	const struct op ops139[] = {{s, len}};
	replay_all(&ref, true, ops139, 1);
	assert_int_equal(ref.r.n, 6);
	assert_int_equal(ref.d.keepalives, 3);
	check_whole(&ref.r.m[4], smb2_neg, sizeof smb2_neg);
	t_free(&ref);
	free(s);
}

/* Framing is by length: keepalive bytes inside a body are body bytes. */
static void test_keepalive_bytes_inside_body(void **state)
{
	(void)state;
	/* NBSS length 76: the 72-byte SMB2 body with "\x85\0\0\0" after byte 36 */
	static const uint8_t hdr[] = {0x00, 0x00, 0x00, 0x4c};
	size_t len;
	uint8_t *s = cat(&len, P(hdr), smb2_neg + 4, (size_t)36, P(keepalive), smb2_neg + 40,
			 (size_t)36, P(keepalive), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, false, ops, 1);
	assert_int_equal(ref.r.n, 2);
	check_whole(&ref.r.m[0], s, 80);
	assert_int_equal(ref.r.m[0].length, 76);
	assert_memory_equal(ref.r.m[0].p + 36, keepalive, 4);
	check_msg(&ref.r.m[1], NBSS_KEEPALIVE, 0, false, NULL, 0);
	assert_int_equal(ref.d.keepalives, 1);
	t_free(&ref);
	free(s);
}

/* body (blen bytes on 445) then a Negotiate: the first delivered with its
 * first kept bytes and its whole length, the Negotiate found by length;
 * the same in pieces of each size in pieces[]. */
static void check_long_then_negotiate(const uint8_t *body, uint32_t blen, size_t kept,
				      const size_t *pieces, size_t npieces)
{
	uint8_t hdr[4] = {0x00, (uint8_t)(blen >> 16), (uint8_t)(blen >> 8), (uint8_t)blen};
	size_t len;
	uint8_t *s = cat(&len, P(hdr), body, (size_t)blen, P(smb2_neg), NULL);
	const struct op ops[] = {{s, len}};
	struct t ref;
	replay_all(&ref, false, ops, 1);
	assert_int_equal(ref.r.n, 2);
	check_msg(&ref.r.m[0], 0x00, blen, false, body, kept);
	check_whole(&ref.r.m[1], smb2_neg, sizeof smb2_neg);
	for (size_t k = 0; k < npieces; k++) {
		struct t t;
		replay(&t, false, ops, 1, pieces[k]);
		assert_same(&ref, &t);
		t_free(&t);
	}
	t_free(&ref);
	free(s);
}

/* A message longer than NBSS_KEEP_MAX: kept is the first NBSS_KEEP_MAX bytes,
 * length the whole body, and the stream stays in step. */
static void test_long_message(void **state)
{
	(void)state;
	static const uint32_t lens[] = {NBSS_KEEP_MAX - 1, NBSS_KEEP_MAX, NBSS_KEEP_MAX + 1,
					10000};
	static const size_t pieces[] = {997};
	for (size_t k = 0; k < ARRAY_LEN(lens); k++) {
		uint32_t blen = lens[k];
		uint8_t *body = malloc(blen);
		assert_non_null(body);
		for (size_t i = 0; i < blen; i++)
			body[i] = (uint8_t)(i * 13 + 1);
		memcpy(body, "\xfeSMB", 4);
		size_t kept = blen < NBSS_KEEP_MAX ? blen : NBSS_KEEP_MAX;
		check_long_then_negotiate(body, blen, kept, pieces, ARRAY_LEN(pieces));
		free(body);
	}
}

/* nbss_skips: only bytes wholly inside a body, past the part kept of it. */
static void test_skips(void **state)
{
	(void)state;
	const uint32_t blen = NBSS_KEEP_MAX + 3000; /* an ordinary message: 8 KiB kept */
	uint8_t *body = calloc(1, blen);
	assert_non_null(body);
	memcpy(body, "\xfeSMB", 4);
	body[12] = 0x0b; /* SMB2 IOCTL: read past its header, not whole */
	uint8_t hdr[4] = {0x00, (uint8_t)(blen >> 16), (uint8_t)(blen >> 8), (uint8_t)blen};
	struct t t;
	t_init(&t, false);
	assert_false(nbss_skips(&t.d, 1)); /* a header comes next */
	FEED(&t, hdr);
	feed(&t, body, 100);
	assert_false(nbss_skips(&t.d, 1)); /* still kept */
	feed(&t, body + 100, NBSS_KEEP_MAX - 100);
	assert_true(nbss_skips(&t.d, 3000)); /* the rest of the body, unread */
	assert_false(nbss_skips(&t.d, 3001)); /* ... and the next header */
	feed(&t, body + NBSS_KEEP_MAX, 3000);
	assert_int_equal(t.r.n, 1);
	assert_false(nbss_skips(&t.d, 1));
	t_free(&t);
	free(body);
}

/* An SMB2 READ response alone (NextCommand 0): only its header is kept,
 * whether it arrives whole or in pieces (the header itself split), the rest
 * skipped unread; the next message is found by length. */
static void test_header_only(void **state)
{
	(void)state;
	static const size_t pieces[] = {1, 500, 999, 1498};
	const uint32_t blen = 48 * 1024 + 80;
	uint8_t *body = malloc(blen);
	assert_non_null(body);
	for (size_t i = 0; i < blen; i++)
		body[i] = (uint8_t)(i * 7 + 3);
	memcpy(body, "\xfeSMB", 4);
	memset(body + 12, 0, 12); /* Command READ (below), Credits, Flags, NextCommand 0 */
	body[12] = 0x08;
	check_long_then_negotiate(body, blen, SMB2_HEADER_SIZE, pieces, ARRAY_LEN(pieces));
	uint8_t hdr[4] = {0x00, (uint8_t)(blen >> 16), (uint8_t)(blen >> 8), (uint8_t)blen};
	struct t t; /* past its header, the rest is skipped */
	t_init(&t, false);
	FEED(&t, hdr);
	feed(&t, body, SMB2_HEADER_SIZE);
	assert_true(nbss_skips(&t.d, blen - SMB2_HEADER_SIZE));
	t_free(&t);
	free(body);
}

/* ---- gaps ---- */

/* A gap of known size inside a message: stay in step by length, deliver the
 * message as truncated with what was kept before the gap. */
static void test_gap_inside_message(void **state)
{
	(void)state;
	const uint8_t *m = smb2_neg;
	/* header + 10 body bytes | 20 lost | the last 42 body bytes | next message */
	const struct op ops[] = {
		{m, 14},
		{NULL, 20},
		{m + 34, 42},
		{smb1_neg, sizeof smb1_neg},
	};
	struct t ref;
	replay_all(&ref, false, ops, ARRAY_LEN(ops));
	assert_int_equal(ref.r.n, 2);
	check_msg(&ref.r.m[0], 0x00, 72, true, m + 4, 10);
	check_whole(&ref.r.m[1], smb1_neg, sizeof smb1_neg);
	assert_int_equal(ref.d.resyncs, 0);
	assert_int_equal(ref.d.state, NBSS_HEADER);
	t_free(&ref);
}

static void test_gap_edges(void **state)
{
	(void)state;
	const uint8_t *m = smb2_neg;
	struct t t;

	/* the gap takes the whole body: delivered at the gap, nothing kept */
	t_init(&t, false);
	feed(&t, m, 4);
	nbss_gap(&t.d, 72, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, NULL, 0);
	FEED(&t, smb1_neg);
	assert_int_equal(t.r.n, 2);
	check_whole(&t.r.m[1], smb1_neg, sizeof smb1_neg);
	t_free(&t);

	/* the gap ends the message exactly */
	t_init(&t, false);
	feed(&t, m, 50);
	nbss_gap(&t.d, 26, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, m + 4, 46);
	assert_int_equal(t.d.state, NBSS_HEADER);
	t_free(&t);

	/* two gaps in one message; bytes between them are not kept */
	t_init(&t, false);
	feed(&t, m, 10);             /* 6 body bytes */
	nbss_gap(&t.d, 5, &t.sink);  /* 11 */
	feed(&t, m + 15, 10);        /* 21 */
	nbss_gap(&t.d, 40, &t.sink); /* 61 */
	feed(&t, m + 65, 11);        /* 72 */
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, m + 4, 6);
	t_free(&t);

	/* a gap inside a long message after the keep cap was reached */
	uint8_t *body = malloc(10000);
	assert_non_null(body);
	for (size_t i = 0; i < 10000; i++)
		body[i] = (uint8_t)i;
	static const uint8_t hdr[] = {0x00, 0x00, 0x27, 0x10}; /* type 0, length 10000 */
	t_init(&t, false);
	FEED(&t, hdr);
	feed(&t, body, 9000);
	nbss_gap(&t.d, 500, &t.sink);
	feed(&t, body + 9500, 500);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 10000, true, body, NBSS_KEEP_MAX);
	t_free(&t);
	free(body);
}

/* A gap of unknown size (or bigger than the message): the partial message is
 * handed on as truncated and the parser looks for "\x00 len \xfe S M B". */
static void test_gap_unknown_resync(void **state)
{
	(void)state;
	const uint8_t *m = smb2_neg;
	static const uint64_t sizes[] = {0, 63, 1000}; /* 62 bytes are left after 10 */
	for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
		/* header + 10 body bytes | gap | the tail of some other message
		 * (garbage) | a whole message */
		const struct op ops[] = {
			{m, 14},
			{NULL, sizes[k]},
			{m + 40, 36},
			{smb2_neg, sizeof smb2_neg},
			{smb1_neg, sizeof smb1_neg},
		};
		struct t ref;
		replay_all(&ref, false, ops, ARRAY_LEN(ops));
		assert_int_equal(ref.r.n, 3);
		check_msg(&ref.r.m[0], 0x00, 72, true, m + 4, 10);
		check_whole(&ref.r.m[1], smb2_neg, sizeof smb2_neg);
		check_whole(&ref.r.m[2], smb1_neg, sizeof smb1_neg);
		assert_int_equal(ref.d.resyncs, 1);
		assert_true(ref.d.skipped_bytes == 36);
		t_free(&ref);
	}
}

/* Resynchronisation on each SMB protocol id, 445 and 139. */
static void test_resync_each_protocol(void **state)
{
	(void)state;
	static const struct {
		const uint8_t *p;
		size_t n;
	} msgs[] = {
		{smb1_neg, sizeof smb1_neg},
		{smb2_neg, sizeof smb2_neg},
		{smb3_transform, sizeof smb3_transform},
		{smb3_compressed, sizeof smb3_compressed},
	};
	/* garbage: "SMB" and 0xFE bytes that never line up as a header */
	static const uint8_t junk[] = {'S', 'M', 'B', 0xfe, 0x00, 0x00, 0x00, 0xfe, 'S', 'M'};
	for (int nb139 = 0; nb139 < 2; nb139++) {
		for (size_t k = 0; k < ARRAY_LEN(msgs); k++) {
			const struct op ops[] = {
				{NULL, 0},
				{junk, sizeof junk},
				{msgs[k].p, msgs[k].n},
				{keepalive, sizeof keepalive},
			};
			struct t ref;
			replay_all(&ref, nb139, ops, ARRAY_LEN(ops));
			assert_int_equal(ref.r.n, 2);
			check_whole(&ref.r.m[0], msgs[k].p, msgs[k].n);
			check_msg(&ref.r.m[1], NBSS_KEEPALIVE, 0, false, NULL, 0);
			assert_int_equal(ref.d.resyncs, 1);
			assert_true(ref.d.skipped_bytes == sizeof junk);
			t_free(&ref);
		}
	}
}

/* In resync mode, near misses are passed over. */
static void test_resync_garbage(void **state)
{
	(void)state;
	/* Each of these is 8 bytes that almost look like a header + protocol id:
	 * SMB2 length 16 < 64, SMB1 length 31 < 32, transform 48 < 52,
	 * compression 15 < 16, type 0x01, protocol id 0xFB, "SMX". */
	static const uint8_t near[] = {
		0x00, 0x00, 0x00, 0x10, 0xfe, 'S', 'M', 'B', /* SMB2, len 16 */
		0x00, 0x00, 0x00, 0x1f, 0xff, 'S', 'M', 'B', /* SMB1, len 31 */
		0x00, 0x00, 0x00, 0x30, 0xfd, 'S', 'M', 'B', /* transform, len 48 */
		0x00, 0x00, 0x00, 0x0f, 0xfc, 'S', 'M', 'B', /* compression, len 15 */
		0x01, 0x00, 0x00, 0x48, 0xfe, 'S', 'M', 'B', /* type 0x01 */
		0x00, 0x00, 0x00, 0x48, 0xfb, 'S', 'M', 'B', /* id 0xFB */
		0x00, 0x00, 0x00, 0x48, 0xfe, 'S', 'M', 'X', /* "SMX" */
		0x00, 0x00, 0x00,                            /* odd tail */
	};
	for (int nb139 = 0; nb139 < 2; nb139++) {
		const struct op ops[] = {
			{NULL, 0},
			{near, sizeof near},
			{smb2_neg, sizeof smb2_neg},
			{smb1_neg, sizeof smb1_neg},
		};
		struct t ref;
		replay_all(&ref, nb139, ops, ARRAY_LEN(ops));
		assert_int_equal(ref.r.n, 2);
		check_whole(&ref.r.m[0], smb2_neg, sizeof smb2_neg);
		check_whole(&ref.r.m[1], smb1_neg, sizeof smb1_neg);
		assert_true(ref.d.skipped_bytes == sizeof near);
		assert_int_equal(ref.d.resyncs, 1);
		t_free(&ref);
	}
	/* 139 only: flags 0x02 is not a plausible header (on 445 it would be a
	 * 24-bit length and be taken) */
	static const uint8_t bad_flags[] = {0x00, 0x02, 0x00, 0x48, 0xfe, 'S', 'M', 'B'};
	const struct op ops[] = {
		{NULL, 0},
		{bad_flags, sizeof bad_flags},
		{smb2_neg, sizeof smb2_neg},
	};
	struct t ref;
	replay_all(&ref, true, ops, ARRAY_LEN(ops));
	assert_int_equal(ref.r.n, 1);
	check_whole(&ref.r.m[0], smb2_neg, sizeof smb2_neg);
	assert_true(ref.d.skipped_bytes == sizeof bad_flags);
	t_free(&ref);
}

/* Every split of garbage + message in resync mode finds the same message. */
static void test_resync_split_points(void **state)
{
	(void)state;
	static const uint8_t junk[] = "the tail of a lost message \xfe\x00\x00";
	size_t len;
	uint8_t *s = cat(&len, (const void *)junk, sizeof junk - 1, P(smb2_neg), P(keepalive),
			 NULL);
	struct t ref;
	t_init(&ref, false);
	nbss_gap(&ref.d, 0, &ref.sink);
	feed(&ref, s, len);
	assert_int_equal(ref.r.n, 2);
	check_whole(&ref.r.m[0], smb2_neg, sizeof smb2_neg);
	assert_true(ref.d.skipped_bytes == sizeof junk - 1);
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i; j <= len; j += 3) {
			struct t t;
			t_init(&t, false);
			nbss_gap(&t.d, 0, &t.sink);
			feed(&t, s, i);
			feed(&t, s + i, j - i);
			feed(&t, s + j, len - j);
			assert_same(&ref, &t);
			t_free(&t);
		}
	}
	t_free(&ref);
	free(s);
}

/* A header with an unknown type is counted and the parser resynchronises. */
static void test_bad_header(void **state)
{
	(void)state;
	/* type 0x01, length 4, body "abcd" */
	static const uint8_t bad_type[] = {0x01, 0x00, 0x00, 0x04, 'a', 'b', 'c', 'd'};
	/* type 0x86 (not an NBSS type), length 0 */
	static const uint8_t bad_86[] = {0x86, 0x00, 0x00, 0x00};
	/* 445: type 0x82 (positive response) with byte 1 = 0x01 */
	static const uint8_t bad_82[] = {0x82, 0x01, 0x00, 0x00};
	static const struct {
		const uint8_t *p;
		size_t n;
		bool nb139;
	} cases[] = {
		{bad_type, sizeof bad_type, false},
		{bad_type, sizeof bad_type, true},
		{bad_86, sizeof bad_86, false},
		{bad_86, sizeof bad_86, true},
		{bad_82, sizeof bad_82, false},
	};
	for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
		const struct op ops[] = {
			{smb1_neg, sizeof smb1_neg},
			{cases[k].p, cases[k].n},
			{smb2_neg, sizeof smb2_neg},
			{keepalive, sizeof keepalive},
		};
		struct t ref;
		replay_all(&ref, cases[k].nb139, ops, ARRAY_LEN(ops));
		assert_int_equal(ref.d.bad_headers, 1);
		assert_int_equal(ref.d.resyncs, 1);
		assert_int_equal(ref.r.n, 3);
		check_whole(&ref.r.m[0], smb1_neg, sizeof smb1_neg);
		check_whole(&ref.r.m[1], smb2_neg, sizeof smb2_neg);
		check_msg(&ref.r.m[2], NBSS_KEEPALIVE, 0, false, NULL, 0);
		/* the 4 header bytes were consumed; the rest was skipped */
		assert_true(ref.d.skipped_bytes == cases[k].n - 4);
		t_free(&ref);
	}
}

/* ---- end of stream ---- */

static void test_finish(void **state)
{
	(void)state;
	struct t t;
	/* a partial message comes out as truncated */
	t_init(&t, false);
	feed(&t, smb2_neg, 14);
	feed(&t, smb2_neg + 14, 6);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, smb2_neg + 4, 16);
	assert_int_equal(t.d.state, NBSS_HEADER);
	/* finishing again adds nothing */
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 1);
	t_free(&t);

	/* a partial header is dropped silently */
	t_init(&t, false);
	feed(&t, smb2_neg, 3);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 0);
	t_free(&t);

	/* header only: the body is empty and truncated */
	t_init(&t, false);
	feed(&t, smb2_neg, 4);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, NULL, 0);
	t_free(&t);

	/* in resync mode, before a header is found, nothing is delivered */
	t_init(&t, false);
	nbss_gap(&t.d, 0, &t.sink);
	feed(&t, smb2_neg, 7);
	assert_int_equal(t.d.state, NBSS_RESYNC);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 0);
	t_free(&t);

	/* ... once one is found, its partial body comes out as truncated */
	t_init(&t, false);
	nbss_gap(&t.d, 0, &t.sink);
	feed(&t, smb2_neg, 20);
	assert_int_equal(t.d.state, NBSS_BODY);
	nbss_finish(&t.d, &t.sink);
	assert_int_equal(t.r.n, 1);
	check_msg(&t.r.m[0], 0x00, 72, true, smb2_neg + 4, 16);
	assert_int_equal(t.d.resyncs, 1);
	t_free(&t);
}

/* Truncation sweep: every prefix of a stream, then nbss_finish, fed whole and
 * byte at a time: the complete messages, plus the cut one as truncated. */
static void test_truncation_sweep(void **state)
{
	(void)state;
	for (int nb139 = 0; nb139 < 2; nb139++) {
		size_t len;
		uint8_t *s = nb139 ? cat(&len, SESSION_REQUEST, P(positive_response), P(smb1_neg),
					 P(keepalive), P(smb2_neg), NULL)
				   : cat(&len, P(smb1_neg), P(keepalive), P(smb2_neg),
					 P(smb3_transform), NULL);
		for (size_t n = 0; n <= len; n++) {
			for (size_t step = 0; step < 2; step++) {
				struct t t;
				t_init(&t, nb139);
				if (step)
					feed_step(&t, s, n, 1);
				else
					feed(&t, s, n);
				nbss_finish(&t.d, &t.sink);
				/* walk the messages of the stream */
				size_t at = 0, i = 0;
				while (at < len) {
					uint32_t blen = (uint32_t)s[at + 1] << 16 |
							(uint32_t)s[at + 2] << 8 | s[at + 3];
					size_t end = at + 4 + blen;
					if (n < at + 4)
						break; /* header cut: nothing */
					assert_true(i < t.r.n);
					if (n >= end) {
						check_whole(&t.r.m[i], s + at, 4 + blen);
					} else {
						check_msg(&t.r.m[i], s[at], blen, true, s + at + 4,
							  n - at - 4);
					}
					i++;
					at = end;
				}
				assert_int_equal(t.r.n, i);
				t_free(&t);
			}
		}
		free(s);
	}
}

/* nbss_free releases the buffer of a message in progress (ASan leak check). */
static void test_free_partial(void **state)
{
	(void)state;
	struct t t;
	t_init(&t, false);
	feed(&t, smb2_neg, 30);
	feed(&t, smb2_neg + 30, 10);
	assert_int_equal(t.d.state, NBSS_BODY);
	nbss_free(&t.d);
	assert_null(t.d.buf);
	assert_int_equal(t.r.n, 0);
	nbss_free(&t.d); /* twice is harmless */
	t_free(&t);
}

/* The budget: buffers are taken from it and given back; a grow it refuses
 * (no reclaim) truncates the message; nbss_give_up keeps the first
 * NBSS_GIVE_UP_HEAD bytes and hands the message on truncated at its end. */
static void test_budget(void **state)
{
	(void)state;
	struct t t;
	struct budget b = {0, 1 << 20, NULL, NULL, 0};
	t_init(&t, false);
	t.d.budget = &b;
	size_t n = sizeof smb2_neg;
	feed(&t, smb2_neg, 40); /* the NBSS header and 36 bytes of the SMB2 header */
	assert_int_equal(b.used, t.d.buf_cap);
	assert_true(b.used > 0);
	feed(&t, smb2_neg + 40, n - 40);
	assert_int_equal(t.r.n, 1);
	assert_int_equal(b.used, 0); /* given back with the message */
	check_whole(&t.r.m[0], smb2_neg, n);

	/* given up mid-message: the head is kept, the message ends truncated */
	feed(&t, smb2_neg, n - 10);
	assert_true(nbss_give_up(&t.d));
	assert_false(nbss_give_up(&t.d)); /* nothing held any more */
	assert_int_equal(b.used, 0);
	feed(&t, smb2_neg + n - 10, 10);
	assert_int_equal(t.r.n, 2);
	size_t held = n - 10 - 4; /* body bytes in the buffer when it was given up */
	size_t head = held < NBSS_GIVE_UP_HEAD ? held : NBSS_GIVE_UP_HEAD;
	check_msg(&t.r.m[1], 0, (uint32_t)(n - 4), true, smb2_neg + 4, head);
	assert_int_equal(t.d.given_up, 1);

	/* no room and nothing to reclaim: kept short, truncated, counted */
	b.limit = 0;
	feed(&t, smb2_neg, 40);
	feed(&t, smb2_neg + 40, n - 40);
	assert_int_equal(t.r.n, 3);
	assert_true(t.r.m[2].truncated);
	assert_int_equal(t.r.m[2].kept, 0);
	assert_true(t.d.budget_refused >= 1);
	assert_int_equal(b.used, 0);
	t_free(&t);
}

/* ---- nbss_looks_like_smb ---- */

static bool looks(const uint8_t h[8], bool nb139)
{
	uint8_t *p = tu_dup(h, 8);
	bool r = nbss_looks_like_smb(p, nb139);
	free(p);
	return r;
}

static void test_looks_like_smb(void **state)
{
	(void)state;
	static const struct {
		uint8_t id;
		uint32_t min;
	} ids[] = {
		{0xff, SMB1_HEADER_SIZE}, /* 32 */
		{0xfe, SMB2_HEADER_SIZE}, /* 64 */
		{0xfd, 52},               /* transform header */
		{0xfc, 16},               /* compression header */
	};
	for (size_t k = 0; k < ARRAY_LEN(ids); k++) {
		for (int nb139 = 0; nb139 < 2; nb139++) {
			uint32_t min = ids[k].min;
			/* type 0, length min - 1 / min / min + 1, id, "SMB" */
			uint8_t h[8] = {0x00,      0x00, 0x00, (uint8_t)(min - 1),
					ids[k].id, 'S',  'M',  'B'};
			assert_false(looks(h, nb139));
			h[3] = (uint8_t)min;
			assert_true(looks(h, nb139));
			h[3] = (uint8_t)(min + 1);
			assert_true(looks(h, nb139));
			/* length 0 */
			h[3] = 0;
			assert_false(looks(h, nb139));
			/* 17-bit (139, E bit) or 24-bit (445) lengths are big enough */
			h[1] = 0x01;
			assert_true(looks(h, nb139));
			/* 24-bit only on 445 */
			h[1] = 0x02;
			assert_int_equal(looks(h, nb139), !nb139);
			h[1] = 0x80;
			assert_int_equal(looks(h, nb139), !nb139);
		}
	}
	/* not type 0 */
	static const uint8_t t81[8] = {0x81, 0x00, 0x00, 0x48, 0xfe, 'S', 'M', 'B'};
	static const uint8_t t85[8] = {0x85, 0x00, 0x00, 0x48, 0xfe, 'S', 'M', 'B'};
	/* not "SMB" */
	static const uint8_t smx[8] = {0x00, 0x00, 0x00, 0x48, 0xfe, 'S', 'M', 'X'};
	static const uint8_t lower[8] = {0x00, 0x00, 0x00, 0x48, 0xfe, 's', 'm', 'b'};
	/* unknown protocol ids */
	static const uint8_t fb[8] = {0x00, 0x00, 0x00, 0x48, 0xfb, 'S', 'M', 'B'};
	static const uint8_t zero[8] = {0x00, 0x00, 0x00, 0x48, 0x00, 'S', 'M', 'B'};
	for (int nb139 = 0; nb139 < 2; nb139++) {
		assert_false(looks(t81, nb139));
		assert_false(looks(t85, nb139));
		assert_false(looks(smx, nb139));
		assert_false(looks(lower, nb139));
		assert_false(looks(fb, nb139));
		assert_false(looks(zero, nb139));
	}
	/* the messages used above all look like SMB */
	assert_true(looks(smb1_neg, false));
	assert_true(looks(smb2_neg, false));
	assert_true(looks(smb3_transform, false));
	assert_true(looks(smb3_compressed, false));
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_445_single),
		cmocka_unit_test(test_445_24bit_length),
		cmocka_unit_test(test_139_framing),
		cmocka_unit_test(test_139_17bit_length),
		cmocka_unit_test(test_445_vs_139_flags),
		cmocka_unit_test(test_several_in_one_feed),
		cmocka_unit_test(test_one_over_many_feeds),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_keepalives_between),
		cmocka_unit_test(test_keepalive_bytes_inside_body),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_gap_inside_message),
		cmocka_unit_test(test_gap_edges),
		cmocka_unit_test(test_gap_unknown_resync),
		cmocka_unit_test(test_resync_each_protocol),
		cmocka_unit_test(test_resync_garbage),
		cmocka_unit_test(test_resync_split_points),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_free_partial),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_looks_like_smb),
	};
	return cmocka_run_group_tests_name("nbss", tests, NULL, NULL);
}
