/* Unit tests for rd, the bounds-checked reader (include/smbneg/rd.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/rd.h"

#include <stdlib.h>
#include <string.h>

/* Eight distinct bytes: 01 02 03 04 05 06 07 08. */
static const uint8_t seq8[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

static void test_init(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, sizeof seq8);
	struct rd r = rd_init(buf, sizeof seq8);
	assert_ptr_equal(r.p, buf);
	assert_int_equal(r.len, 8);
	assert_int_equal(r.pos, 0);
	assert_true(rd_ok(&r));
	assert_int_equal(rd_left(&r), 8);
	assert_true(rd_has(&r, 8));
	assert_false(rd_has(&r, 9));
	assert_ptr_equal(rd_cur(&r), buf);
	free(buf);
}

/* A NULL buffer is an empty reader whatever length is claimed. */
static void test_init_null(void **state)
{
	(void)state;
	struct rd r = rd_init(NULL, 100);
	assert_int_equal(r.len, 0);
	assert_true(rd_ok(&r));
	assert_int_equal(rd_left(&r), 0);
	assert_non_null(r.p);
	assert_int_equal(rd_u8(&r), 0);
	assert_false(rd_ok(&r));
}

static void test_integers(void **state)
{
	(void)state;
	/* u8 0xAB | le16 0x1234 | le32 0x89ABCDEF | le64 0x0102030405060708 |
	 * be16 0x1234 | be32 0x89ABCDEF */
	static const uint8_t in[] = {
		0xab,
		0x34, 0x12,
		0xef, 0xcd, 0xab, 0x89,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
		0x12, 0x34,
		0x89, 0xab, 0xcd, 0xef,
	};
	uint8_t *buf = tu_dup(in, sizeof in);
	struct rd r = rd_init(buf, sizeof in);
	assert_int_equal(rd_u8(&r), 0xab);
	assert_int_equal(r.pos, 1);
	assert_int_equal(rd_le16(&r), 0x1234);
	assert_int_equal(r.pos, 3);
	assert_int_equal(rd_le32(&r), 0x89abcdefu);
	assert_int_equal(r.pos, 7);
	assert_true(rd_le64(&r) == UINT64_C(0x0102030405060708));
	assert_int_equal(r.pos, 15);
	assert_int_equal(rd_be16(&r), 0x1234);
	assert_int_equal(r.pos, 17);
	assert_int_equal(rd_be32(&r), 0x89abcdefu);
	assert_int_equal(r.pos, 21);
	assert_true(rd_ok(&r));
	assert_int_equal(rd_left(&r), 0);
	/* One more byte is past the end. */
	assert_int_equal(rd_u8(&r), 0);
	assert_false(rd_ok(&r));
	assert_int_equal(r.pos, 21);
	free(buf);
}

/* High bits survive: no sign extension or truncation in the shifts. */
static void test_integers_high_bits(void **state)
{
	(void)state;
	/* eight 0xFF bytes */
	static const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t *buf = tu_dup(ff, sizeof ff);
	struct rd r = rd_init(buf, sizeof ff);
	assert_true(rd_le64(&r) == UINT64_MAX);
	r = rd_init(buf, sizeof ff);
	assert_true(rd_le32(&r) == UINT32_MAX);
	assert_true(rd_be32(&r) == UINT32_MAX);
	r = rd_init(buf, sizeof ff);
	assert_int_equal(rd_le16(&r), 0xffff);
	assert_int_equal(rd_be16(&r), 0xffff);
	assert_int_equal(rd_u8(&r), 0xff);
	free(buf);
}

enum rfn { F_U8, F_LE16, F_LE32, F_LE64, F_BE16, F_BE32, F_BYTES3, F_SKIP3, F_SUB3 };

static uint64_t call(enum rfn f, struct rd *r)
{
	uint8_t tmp[3] = {0xaa, 0xaa, 0xaa};
	switch (f) {
	case F_U8: return rd_u8(r);
	case F_LE16: return rd_le16(r);
	case F_LE32: return rd_le32(r);
	case F_LE64: return rd_le64(r);
	case F_BE16: return rd_be16(r);
	case F_BE32: return rd_be32(r);
	case F_BYTES3: {
		bool ok = rd_bytes(r, tmp, 3);
		/* On failure the destination is zero-filled. */
		if (!ok)
			assert_true(tmp[0] == 0 && tmp[1] == 0 && tmp[2] == 0);
		return ok ? (uint64_t)tmp[0] << 16 | (uint64_t)tmp[1] << 8 | tmp[2] : 0;
	}
	case F_SKIP3: return rd_skip(r, 3);
	case F_SUB3: {
		struct rd c = rd_sub(r, 3);
		return rd_ok(&c) ? c.len : 0;
	}
	}
	return 0;
}

static const size_t fn_width[] = {1, 2, 4, 8, 2, 4, 3, 3, 3};

/* Truncation sweep over every reader: with fewer bytes than it needs a read
 * returns 0, sets err and leaves pos where it was. (rd_le64 is in its own
 * test below, see test_le64_short_keeps_pos.) */
static void test_short_reads(void **state)
{
	(void)state;
	for (enum rfn f = F_U8; f <= F_SUB3; f++) {
		if (f == F_LE64)
			continue;
		size_t w = fn_width[f];
		for (size_t have = 0; have <= w; have++) {
			uint8_t *buf = tu_dup(seq8, have);
			struct rd r = rd_init(buf, have);
			uint64_t v = call(f, &r);
			if (have < w) {
				assert_true(v == 0);
				assert_false(rd_ok(&r));
				assert_int_equal(r.pos, 0);
			} else {
				assert_true(rd_ok(&r));
				assert_int_equal(r.pos, w);
				assert_true(v != 0);
			}
			free(buf);
		}
	}
}

/* rd.h: "A read past the end returns 0 ..., leaves the position unchanged".
 * rd_le64 is two rd_le32 calls; with 4 to 7 bytes left the first succeeds. */
static void test_le64_short_keeps_pos(void **state)
{
	(void)state;
	for (size_t have = 0; have < 8; have++) {
		uint8_t *buf = tu_dup(seq8, have);
		struct rd r = rd_init(buf, have);
		assert_true(rd_le64(&r) == 0);
		assert_false(rd_ok(&r));
		assert_int_equal(r.pos, 0);
		free(buf);
	}
}

/* rd_le64 failing short at least returns 0 and sets err (what callers check). */
static void test_le64_short_value(void **state)
{
	(void)state;
	for (size_t have = 0; have < 8; have++) {
		uint8_t *buf = tu_dup(seq8, have);
		struct rd r = rd_init(buf, have);
		assert_true(rd_le64(&r) == 0);
		assert_false(rd_ok(&r));
		assert_true(r.pos <= have);
		free(buf);
	}
}

/* After one failed read every later read fails, even ones that would fit. */
static void test_sticky_error(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, 3);
	struct rd r = rd_init(buf, 3);
	assert_int_equal(rd_le32(&r), 0); /* 4 > 3 */
	assert_false(rd_ok(&r));
	assert_int_equal(r.pos, 0);
	assert_false(rd_has(&r, 1));
	assert_null(rd_peek(&r, 1));
	assert_int_equal(rd_u8(&r), 0);
	assert_int_equal(rd_le16(&r), 0);
	assert_int_equal(rd_be16(&r), 0);
	assert_false(rd_skip(&r, 0));
	uint8_t two[2] = {9, 9};
	assert_false(rd_bytes(&r, two, 2));
	assert_int_equal(two[0], 0);
	assert_int_equal(two[1], 0);
	struct rd c = rd_sub(&r, 1);
	assert_false(rd_ok(&c));
	assert_int_equal(c.len, 0);
	assert_false(rd_ok(&r));
	assert_int_equal(r.pos, 0);
	free(buf);
}

static void test_bytes_skip(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, sizeof seq8);
	struct rd r = rd_init(buf, sizeof seq8);
	uint8_t out[3];
	assert_true(rd_skip(&r, 2));
	assert_true(rd_bytes(&r, out, 3));
	assert_memory_equal(out, "\x03\x04\x05", 3);
	assert_true(rd_skip(&r, 0));
	assert_true(rd_bytes(&r, out, 0));
	assert_int_equal(r.pos, 5);
	/* 4 > 3 left */
	assert_false(rd_skip(&r, 4));
	assert_int_equal(r.pos, 5);
	free(buf);

	/* Huge counts fail without wrapping pos. */
	buf = tu_dup(seq8, sizeof seq8);
	r = rd_init(buf, sizeof seq8);
	rd_u8(&r);
	assert_false(rd_skip(&r, SIZE_MAX));
	assert_int_equal(r.pos, 1);
	r = rd_init(buf, sizeof seq8);
	assert_false(rd_skip(&r, (size_t)-1 - 6)); /* pos + n would wrap to a small value */
	assert_int_equal(r.pos, 0);
	free(buf);
}

static void test_sub(void **state)
{
	(void)state;
	/* 2-byte length 0x0003, then a 3-byte record 0A 0B 0C, then trailer 0xEE */
	static const uint8_t in[] = {0x03, 0x00, 0x0a, 0x0b, 0x0c, 0xee};
	uint8_t *buf = tu_dup(in, sizeof in);
	struct rd r = rd_init(buf, sizeof in);
	uint16_t n = rd_le16(&r);
	struct rd c = rd_sub(&r, n);
	assert_true(rd_ok(&c));
	assert_int_equal(c.len, 3);
	assert_int_equal(c.pos, 0);
	assert_ptr_equal(c.p, buf + 2);
	assert_int_equal(r.pos, 5); /* parent advanced past the record */
	assert_int_equal(rd_u8(&c), 0x0a);
	assert_int_equal(rd_le16(&c), 0x0c0b);
	/* Reading past the child's end fails in the child only. */
	assert_int_equal(rd_u8(&c), 0);
	assert_false(rd_ok(&c));
	assert_true(rd_ok(&r));
	assert_int_equal(rd_u8(&r), 0xee);
	assert_true(rd_ok(&r));
	/* Empty child at the end is fine. */
	struct rd e = rd_sub(&r, 0);
	assert_true(rd_ok(&e));
	assert_int_equal(e.len, 0);
	free(buf);
}

/* rd.h: on a short parent the child is empty with err, the parent gets err. */
static void test_sub_short(void **state)
{
	(void)state;
	/* 6 is one more than is left; the rest would wrap pos + n */
	static const size_t ns[] = {6, 100, SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 5};
	for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
		uint8_t *buf = tu_dup(seq8, 6);
		struct rd r = rd_init(buf, 6);
		rd_u8(&r); /* pos 1, 5 left */
		struct rd c = rd_sub(&r, ns[i]);
		assert_false(rd_ok(&c));
		assert_int_equal(c.len, 0);
		assert_int_equal(rd_left(&c), 0);
		assert_int_equal(rd_u8(&c), 0);
		assert_false(rd_ok(&r));
		assert_int_equal(r.pos, 1);
		free(buf);
	}
}

/* rd_at: a window of the whole buffer, independent of pos. */
static void test_at(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, sizeof seq8);
	struct rd r = rd_init(buf, sizeof seq8);
	rd_skip(&r, 6);
	struct rd c = rd_at(&r, 2, 3); /* bytes 03 04 05, before pos */
	assert_true(rd_ok(&c));
	assert_int_equal(c.len, 3);
	assert_int_equal(c.pos, 0);
	assert_int_equal(rd_u8(&c), 0x03);
	assert_int_equal(rd_be16(&c), 0x0405);
	assert_int_equal(r.pos, 6); /* parent untouched */
	assert_true(rd_ok(&r));

	c = rd_at(&r, 0, 8); /* the whole buffer */
	assert_true(rd_ok(&c));
	assert_int_equal(c.len, 8);
	c = rd_at(&r, 8, 0); /* empty, at the very end */
	assert_true(rd_ok(&c));
	assert_int_equal(c.len, 0);
	assert_int_equal(rd_u8(&c), 0);
	free(buf);
}

static void test_at_out_of_range(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, sizeof seq8);
	struct rd r = rd_init(buf, sizeof seq8);
	static const struct {
		size_t off, n;
	} bad[] = {
		{9, 0},                     /* offset past the end */
		{8, 1},                     /* one byte past the end */
		{0, 9},                     /* longer than the buffer */
		{4, 5},                     /* runs off the end */
		{SIZE_MAX, 0},              /* off near SIZE_MAX */
		{SIZE_MAX, 1},              /* off + n wraps to 0 */
		{SIZE_MAX - 3, 8},          /* off + n wraps to 4 */
		{1, SIZE_MAX},              /* n near SIZE_MAX: off + n wraps to 0 */
		{4, SIZE_MAX - 3},          /* off + n wraps to 0 */
		{SIZE_MAX, SIZE_MAX},       /* both */
		{(size_t)1 << 63, (size_t)1 << 63}, /* sum wraps to exactly 0 */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct rd c = rd_at(&r, bad[i].off, bad[i].n);
		assert_false(rd_ok(&c));
		assert_int_equal(c.len, 0);
		assert_int_equal(rd_u8(&c), 0);
	}
	/* Only the child gets err. */
	assert_true(rd_ok(&r));
	assert_int_equal(r.pos, 0);
	free(buf);
}

static void test_peek(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup(seq8, 4);
	struct rd r = rd_init(buf, 4);
	rd_u8(&r);
	const uint8_t *q = rd_peek(&r, 3);
	assert_ptr_equal(q, buf + 1);
	assert_int_equal(r.pos, 1); /* no advance */
	assert_null(rd_peek(&r, 4));
	assert_true(rd_ok(&r)); /* a failed peek is not an error */
	assert_null(rd_peek(&r, SIZE_MAX));
	assert_non_null(rd_peek(&r, 0));
	rd_skip(&r, 3);
	assert_null(rd_peek(&r, 1));
	assert_non_null(rd_peek(&r, 0));
	free(buf);
}

/* Decode n bytes of UTF-16LE from an exact-size heap copy. */
static bool u16(const char *in, size_t n, char *dst, size_t size, size_t *pos)
{
	uint8_t *buf = tu_dup(in, n);
	struct rd r = rd_init(buf, n);
	bool ok = rd_utf16le(&r, n, dst, size);
	*pos = r.pos;
	free(buf);
	return ok;
}

static void test_utf16_ascii(void **state)
{
	(void)state;
	char out[32];
	size_t pos;
	/* "SMB 2.002" in UTF-16LE */
	assert_true(u16("S\0M\0B\0 \0" "2\0.\0" "0\0" "0\0" "2\0", 18, out, sizeof out, &pos));
	assert_string_equal(out, "SMB 2.002");
	assert_int_equal(pos, 18);
	/* empty */
	assert_true(u16("", 0, out, sizeof out, &pos));
	assert_string_equal(out, "");
}

static void test_utf16_bmp(void **state)
{
	(void)state;
	char out[32];
	size_t pos;
	/* U+00E9 (e acute, 2 UTF-8 bytes), U+20AC (euro, 3), U+FFFF (3) */
	assert_true(u16("\xe9\x00\xac\x20\xff\xff", 6, out, sizeof out, &pos));
	assert_string_equal(out, "\xc3\xa9\xe2\x82\xac\xef\xbf\xbf");
	/* U+007F / U+0080 and U+07FF / U+0800 boundaries */
	assert_true(u16("\x7f\x00\x80\x00\xff\x07\x00\x08", 8, out, sizeof out, &pos));
	assert_string_equal(out, "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80");
}

static void test_utf16_surrogates(void **state)
{
	(void)state;
	char out[32];
	size_t pos;
	/* U+1F600 as the pair D83D DE00 -> F0 9F 98 80 */
	assert_true(u16("\x3d\xd8\x00\xde", 4, out, sizeof out, &pos));
	assert_string_equal(out, "\xf0\x9f\x98\x80");
	/* U+10000 (D800 DC00) and U+10FFFF (DBFF DFFF) */
	assert_true(u16("\x00\xd8\x00\xdc\xff\xdb\xff\xdf", 8, out, sizeof out, &pos));
	assert_string_equal(out, "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
}

static void test_utf16_unpaired(void **state)
{
	(void)state;
	char out[32];
	size_t pos;
	/* high surrogate D83D then 'A': U+FFFD then A (A is not swallowed) */
	assert_true(u16("\x3d\xd8" "A\0", 4, out, sizeof out, &pos));
	assert_string_equal(out, "\xef\xbf\xbd" "A");
	/* lone low surrogate DE00 then 'B' */
	assert_true(u16("\x00\xde" "B\0", 4, out, sizeof out, &pos));
	assert_string_equal(out, "\xef\xbf\xbd" "B");
	/* high surrogate as the last unit */
	assert_true(u16("A\0\x3d\xd8", 4, out, sizeof out, &pos));
	assert_string_equal(out, "A\xef\xbf\xbd");
	/* two high surrogates, then a low: FFFD, then the pair D83D DE00 */
	assert_true(u16("\x3d\xd8\x3d\xd8\x00\xde", 6, out, sizeof out, &pos));
	assert_string_equal(out, "\xef\xbf\xbd\xf0\x9f\x98\x80");
	/* reversed pair DE00 D83D: two replacement characters */
	assert_true(u16("\x00\xde\x3d\xd8", 4, out, sizeof out, &pos));
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd");
	/* high surrogate followed by a NUL unit: FFFD and stop */
	assert_true(u16("\x3d\xd8\x00\x00" "C\0", 6, out, sizeof out, &pos));
	assert_string_equal(out, "\xef\xbf\xbd");
}

static void test_utf16_nul_and_odd(void **state)
{
	(void)state;
	char out[32];
	size_t pos;
	/* "A", NUL, "B": cut at the NUL, but all n bytes are consumed */
	assert_true(u16("A\0\0\0B\0", 6, out, sizeof out, &pos));
	assert_string_equal(out, "A");
	assert_int_equal(pos, 6);
	/* odd count: "AB" then a stray byte 'C' -> "AB", 5 bytes consumed */
	assert_true(u16("A\0B\0C", 5, out, sizeof out, &pos));
	assert_string_equal(out, "AB");
	assert_int_equal(pos, 5);
	/* one byte only */
	assert_true(u16("C", 1, out, sizeof out, &pos));
	assert_string_equal(out, "");
	assert_int_equal(pos, 1);
}

static void test_utf16_small_dst(void **state)
{
	(void)state;
	char out[8];
	size_t pos;
	/* "ABCD": a 3-byte dst keeps "AB" + NUL */
	memset(out, 'x', sizeof out);
	assert_true(u16("A\0B\0C\0D\0", 8, out, 3, &pos));
	assert_string_equal(out, "AB");
	assert_int_equal(out[3], 'x'); /* nothing written past size */
	assert_int_equal(pos, 8);
	/* size 1: just the NUL */
	memset(out, 'x', sizeof out);
	assert_true(u16("A\0", 2, out, 1, &pos));
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[1], 'x');
	/* a character is never split: euro (3 bytes) does not fit in size 3 */
	memset(out, 'x', sizeof out);
	assert_true(u16("\xac\x20", 2, out, 3, &pos));
	assert_string_equal(out, "");
	assert_int_equal(out[1], 'x');
	/* ... but fits exactly in size 4 */
	assert_true(u16("\xac\x20", 2, out, 4, &pos));
	assert_string_equal(out, "\xe2\x82\xac");
	/* U+1F600 needs 5 bytes with the NUL */
	assert_true(u16("\x3d\xd8\x00\xde", 4, out, 4, &pos));
	assert_string_equal(out, "");
	/* e-acute, euro, 'A' in size 4: cut after e-acute; 'A' is not written
	 * after a character that did not fit */
	assert_true(u16("\xe9\x00\xac\x20" "A\0", 6, out, 4, &pos));
	assert_string_equal(out, "\xc3\xa9");
	assert_int_equal(pos, 6);
}

/* Fewer than n bytes left: false, err on the parent, dst empty. */
static void test_utf16_short(void **state)
{
	(void)state;
	char out[16];
	for (size_t have = 0; have < 6; have++) {
		uint8_t *buf = tu_dup("A\0B\0C\0", have);
		struct rd r = rd_init(buf, have);
		memset(out, 'x', sizeof out);
		assert_false(rd_utf16le(&r, 6, out, sizeof out));
		assert_false(rd_ok(&r));
		assert_int_equal(r.pos, 0);
		assert_string_equal(out, "");
		free(buf);
	}
	/* n near SIZE_MAX */
	uint8_t *buf = tu_dup("A\0", 2);
	struct rd r = rd_init(buf, 2);
	assert_false(rd_utf16le(&r, SIZE_MAX, out, sizeof out));
	assert_string_equal(out, "");
	free(buf);
}

/* Reads n bytes from pos, not from the start. */
static void test_utf16_from_pos(void **state)
{
	(void)state;
	char out[16];
	/* 2-byte length 4, then "hi" in UTF-16LE, then 0xEE */
	static const uint8_t in[] = {0x04, 0x00, 'h', 0, 'i', 0, 0xee};
	uint8_t *buf = tu_dup(in, sizeof in);
	struct rd r = rd_init(buf, sizeof in);
	uint16_t n = rd_le16(&r);
	assert_true(rd_utf16le(&r, n, out, sizeof out));
	assert_string_equal(out, "hi");
	assert_int_equal(rd_u8(&r), 0xee);
	assert_true(rd_ok(&r));
	free(buf);
}

static void test_strlen_narrow(void **state)
{
	(void)state;
	bool term;
	/* "abc" NUL "def" */
	uint8_t *buf = tu_dup("abc\0def", 7);
	struct rd r = rd_init(buf, 7);
	assert_int_equal(rd_strlen(&r, false, &term), 3);
	assert_true(term);
	assert_int_equal(r.pos, 0); /* no advance */
	rd_skip(&r, 4);
	/* "def", no terminator: bounded by what is left */
	term = true;
	assert_int_equal(rd_strlen(&r, false, &term), 3);
	assert_false(term);
	/* empty string */
	rd_skip(&r, 3);
	term = true;
	assert_int_equal(rd_strlen(&r, false, &term), 0);
	assert_false(term);
	free(buf);

	/* NUL as first byte */
	buf = tu_dup("\0x", 2);
	r = rd_init(buf, 2);
	assert_int_equal(rd_strlen(&r, false, &term), 0);
	assert_true(term);
	free(buf);

	/* after an error nothing is left */
	buf = tu_dup("ab\0", 3);
	r = rd_init(buf, 3);
	rd_le32(&r);
	term = true;
	assert_int_equal(rd_strlen(&r, false, &term), 0);
	assert_false(term);
	free(buf);
}

static void test_strlen_wide(void **state)
{
	(void)state;
	bool term;
	/* "ab" NUL in UTF-16LE, then "c" */
	uint8_t *buf = tu_dup("a\0b\0\0\0c\0", 8);
	struct rd r = rd_init(buf, 8);
	assert_int_equal(rd_strlen(&r, true, &term), 4);
	assert_true(term);
	free(buf);

	/* 41 00 | 00 42 | 00 00: the 00 00 at odd offset 1 is not a terminator */
	buf = tu_dup("A\0\0B\0\0", 6);
	r = rd_init(buf, 6);
	assert_int_equal(rd_strlen(&r, true, &term), 4);
	assert_true(term);
	free(buf);

	/* "AB" without terminator */
	buf = tu_dup("A\0B\0", 4);
	r = rd_init(buf, 4);
	term = true;
	assert_int_equal(rd_strlen(&r, true, &term), 4);
	assert_false(term);
	free(buf);

	/* odd length, no terminator: whole units only */
	buf = tu_dup("A\0B\0\0", 5);
	r = rd_init(buf, 5);
	term = true;
	assert_int_equal(rd_strlen(&r, true, &term), 4);
	assert_false(term);
	free(buf);

	/* a single byte, and nothing */
	buf = tu_dup("\0", 1);
	r = rd_init(buf, 1);
	term = true;
	assert_int_equal(rd_strlen(&r, true, &term), 0);
	assert_false(term);
	free(buf);
	r = rd_init(NULL, 0);
	term = true;
	assert_int_equal(rd_strlen(&r, true, &term), 0);
	assert_false(term);

	/* after an error */
	buf = tu_dup("\0\0", 2);
	r = rd_init(buf, 2);
	rd_le32(&r);
	term = true;
	assert_int_equal(rd_strlen(&r, true, &term), 0);
	assert_false(term);
	free(buf);
}

/* Truncation sweep over a small record parsed the way the SMB parsers do:
 * every prefix fails cleanly, only the whole record succeeds. */
static void test_record_sweep(void **state)
{
	(void)state;
	/* le16 StructureSize 0x0024 | le16 count 2 | le32 flags 0x00000001 |
	 * le16 name offset 14 | le16 name length 4 | le16 pad | "hi" (UTF-16LE) */
	static const uint8_t rec[] = {0x24, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0e, 0x00,
				      0x04, 0x00, 0x00, 0x00, 'h',  0x00, 'i',  0x00};
	for (size_t have = 0; have <= sizeof rec; have++) {
		uint8_t *buf = tu_dup(rec, have);
		struct rd r = rd_init(buf, have);
		uint16_t size = rd_le16(&r);
		uint16_t count = rd_le16(&r);
		uint32_t flags = rd_le32(&r);
		uint16_t off = rd_le16(&r);
		uint16_t len = rd_le16(&r);
		rd_skip(&r, 2);
		struct rd name = rd_at(&r, off, len);
		char out[8];
		bool nok = rd_utf16le(&name, len, out, sizeof out);
		if (have < 14) {
			/* the fixed part is cut: one check catches it */
			assert_false(rd_ok(&r));
			/* pos stops at the start of the first field that did not fit */
			static const size_t field_end[] = {2, 4, 8, 10, 12, 14};
			size_t stop = 0;
			for (size_t k = 0; k < ARRAY_LEN(field_end) && field_end[k] <= have; k++)
				stop = field_end[k];
			assert_int_equal(r.pos, stop);
		} else {
			assert_true(rd_ok(&r));
			assert_int_equal(size, 0x24);
			assert_int_equal(count, 2);
			assert_int_equal(flags, 1);
			assert_int_equal(off, 14);
			assert_int_equal(len, 4);
			if (have < sizeof rec) {
				/* the name at [14, 18) does not fit */
				assert_false(rd_ok(&name));
				assert_false(nok);
				assert_string_equal(out, "");
			} else {
				assert_true(nok);
				assert_string_equal(out, "hi");
			}
		}
		free(buf);
	}
}

/* rd_seek moves anywhere in 0..len; rd_align pads from the buffer start
 * (MS-SMB2 2.2.3.1 8-byte alignment); both set the sticky error past the end. */
static void test_seek_align(void **state)
{
	(void)state;
	uint8_t *buf = tu_dup("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", 10);
	struct rd r = rd_init(buf, 10);
	assert_true(rd_seek(&r, 9));
	assert_int_equal(rd_u8(&r), 0x0a);
	assert_true(rd_seek(&r, 10)); /* the end itself is a position */
	assert_int_equal(rd_left(&r), 0);
	assert_true(rd_seek(&r, 1));
	assert_true(rd_align(&r, 8));
	assert_int_equal(r.pos, 8);
	assert_true(rd_align(&r, 8)); /* aligned already: no move */
	assert_int_equal(r.pos, 8);
	rd_u8(&r);
	assert_false(rd_align(&r, 8)); /* 16 is past the end */
	assert_false(rd_ok(&r));
	assert_false(rd_seek(&r, 0)); /* sticky */
	struct rd s = rd_init(buf, 10);
	assert_false(rd_seek(&s, 11));
	assert_false(rd_ok(&s));
	free(buf);
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_init_null),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_integers_high_bits),
		cmocka_unit_test(test_short_reads),
		cmocka_unit_test(test_le64_short_keeps_pos),
		cmocka_unit_test(test_le64_short_value),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_bytes_skip),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_sub_short),
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_at_out_of_range),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_utf16_ascii),
		cmocka_unit_test(test_utf16_bmp),
		cmocka_unit_test(test_utf16_surrogates),
		cmocka_unit_test(test_utf16_unpaired),
		cmocka_unit_test(test_utf16_nul_and_odd),
		cmocka_unit_test(test_utf16_small_dst),
		cmocka_unit_test(test_utf16_short),
		cmocka_unit_test(test_utf16_from_pos),
		cmocka_unit_test(test_strlen_narrow),
		cmocka_unit_test(test_strlen_wide),
		cmocka_unit_test(test_record_sweep),
		cmocka_unit_test(test_seek_align),
	};
	return cmocka_run_group_tests_name("rd", tests, NULL, NULL);
}
