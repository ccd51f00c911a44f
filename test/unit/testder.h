/* testder: DER building and truncation sweeps for the security-blob tests
 * (test_spnego, test_krb5, test_auth). Built on testutil2's tbuf. */
#ifndef SMBNEG_TESTDER_H
#define SMBNEG_TESTDER_H

#include "testutil2.h"

#include "smbneg/rd.h"
#include "smbneg/smb1.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Wrap everything in b into one TLV with identifier `id` (definite length,
 * shortest form). */
static inline void td_wrap(struct tbuf *b, uint8_t id)
{
	struct tbuf t;
	tb_init(&t);
	tb_u8(&t, id);
	if (b->n < 0x80) {
		tb_u8(&t, (uint8_t)b->n);
	} else if (b->n < 0x100) {
		tb_u8(&t, 0x81);
		tb_u8(&t, (uint8_t)b->n);
	} else {
		assert_true(b->n < 0x10000);
		tb_u8(&t, 0x82);
		tb_u8(&t, (uint8_t)(b->n >> 8));
		tb_u8(&t, (uint8_t)b->n);
	}
	tb_bytes(&t, b->p, b->n);
	tb_free(b);
	*b = t;
}

/* Append one primitive TLV. */
static inline void td_prim(struct tbuf *b, uint8_t id, const void *p, size_t n)
{
	struct tbuf t;
	tb_init(&t);
	tb_bytes(&t, p, n);
	td_wrap(&t, id);
	tb_bytes(b, t.p, t.n);
	tb_free(&t);
}

/* Append [n] EXPLICIT INTEGER v (0..0x7fffff). */
static inline void td_ctx_int(struct tbuf *b, uint8_t n, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 0};
	size_t skip = v < 0x80 ? 2 : v < 0x8000 ? 1 : 0;
	struct tbuf t;
	tb_init(&t);
	td_prim(&t, 0x02, x + skip, 3 - skip);
	td_wrap(&t, (uint8_t)(0xa0 | n));
	tb_bytes(b, t.p, t.n);
	tb_free(&t);
}

/* Append [n] EXPLICIT GeneralString s. */
static inline void td_ctx_str(struct tbuf *b, uint8_t n, const char *s)
{
	struct tbuf t;
	tb_init(&t);
	td_prim(&t, 0x1b, s, strlen(s));
	td_wrap(&t, (uint8_t)(0xa0 | n));
	tb_bytes(b, t.p, t.n);
	tb_free(&t);
}

/* Append the TLV held in `inner` under [n] (and free inner). */
static inline void td_ctx_take(struct tbuf *b, uint8_t n, struct tbuf *inner)
{
	td_wrap(inner, (uint8_t)(0xa0 | n));
	tb_bytes(b, inner->p, inner->n);
	tb_free(inner);
}

/* Hex text to bytes (the vectors copied from tshark); returns the length. */
static inline size_t td_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; hex[0] && hex[1]; hex += 2) {
		unsigned v;
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* A vector given as hex text, as bytes. */
struct td_vec {
	uint8_t b[512];
	size_t n;
};

static inline struct td_vec td_vec_of(const char *hex)
{
	struct td_vec v;
	v.n = td_unhex(hex, v.b, sizeof v.b);
	return v;
}

/* Run `parse` over every strict prefix of p from `from` bytes on (exact-size
 * heap copies) and check each gives `want` (SMB_PARSE_TRUNCATED unless the
 * caller knows some prefixes are complete messages, then pass -1 for
 * "anything but a crash"). */
static inline void td_sweep_from(const uint8_t *p, size_t n, size_t from,
				 enum smb_parse (*parse)(struct rd *), int want)
{
	for (size_t k = from; k < n; k++) {
		uint8_t *q = heap_copy(p, k);
		struct rd r = rd_init(k ? q : NULL, k);
		enum smb_parse e = parse(&r);
		if (want >= 0 && (int)e != want)
			fail_msg("prefix of %zu/%zu bytes gave %d, want %d", k, n, (int)e, want);
		free(q);
	}
}

static inline void td_sweep(const uint8_t *p, size_t n, enum smb_parse (*parse)(struct rd *),
			    int want)
{
	td_sweep_from(p, n, 0, parse, want);
}

/* Every single-byte input, and a few garbage lengths: no crash. */
static inline void td_garbage(enum smb_parse (*parse)(struct rd *))
{
	for (unsigned b = 0; b < 256; b++) {
		uint8_t *q = heap_copy(&b, 1);
		q[0] = (uint8_t)b;
		struct rd r = rd_init(q, 1);
		assert_int_not_equal(parse(&r), SMB_PARSE_OK);
		free(q);
	}
	uint8_t junk[300];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 167 + 13);
	for (size_t n = 2; n <= sizeof junk; n += 37) {
		uint8_t *q = heap_copy(junk, n);
		struct rd r = rd_init(q, n);
		(void)parse(&r);
		free(q);
	}
}

#endif
