/* Unit tests for tok, the value-to-name and flag-to-name tables
 * (include/smbneg/tok.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/tok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value table shaped like the SMB2 dialect names. */
static const struct tok dialects[] = {
	{0x0202, "SMB 2.0.2"},
	{0x0210, "SMB 2.1"},
	{0x0300, "SMB 3.0"},
	{0x0311, "SMB 3.1.1"},
	{0x0202, "duplicate"}, /* never reached: the first match wins */
	{0, NULL},
};

/* A flag table shaped like SMB2 SecurityMode, plus a multi-bit entry and a
 * zero entry (which must never be printed as a flag). */
static const struct tok flags[] = {
	{0x0000, "NONE"},
	{0x0001, "SIGNING_ENABLED"},
	{0x0002, "SIGNING_REQUIRED"},
	{0x0030, "BOTH_30"}, /* named only when both 0x10 and 0x20 are set */
	{0x8000, "HIGH"},
	{0, NULL},
};

static const struct tok empty[] = {{0, NULL}};

static void test_name(void **state)
{
	(void)state;
	assert_string_equal(tok_name(dialects, 0x0202), "SMB 2.0.2");
	assert_string_equal(tok_name(dialects, 0x0311), "SMB 3.1.1");
	assert_null(tok_name(dialects, 0x0302));
	assert_null(tok_name(dialects, 0));
	assert_null(tok_name(empty, 0));
	assert_null(tok_name(empty, 1));
	/* A value entry of 0 is found by value. */
	assert_string_equal(tok_name(flags, 0), "NONE");
}

static void test_str(void **state)
{
	(void)state;
	static const char unknown[] = "unknown";
	assert_string_equal(tok_str(dialects, 0x0210, unknown), "SMB 2.1");
	/* Not found: the caller's pointer itself comes back. */
	assert_ptr_equal(tok_str(dialects, 0x02ff, unknown), unknown);
	assert_ptr_equal(tok_str(empty, 7, unknown), unknown);
	assert_null(tok_str(dialects, 0x02ff, NULL));
}

struct names {
	char seen[8][32];
	int n;
};

static void collect(const char *name, void *arg)
{
	struct names *c = arg;
	assert_true(c->n < 8);
	snprintf(c->seen[c->n], sizeof c->seen[c->n], "%s", name);
	c->n++;
}

static void test_each_bit(void **state)
{
	(void)state;
	struct names c = {.n = 0};
	/* SIGNING_ENABLED | SIGNING_REQUIRED: both named, in table order */
	assert_int_equal(tok_each_bit(flags, 0x0003, collect, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.seen[0], "SIGNING_ENABLED");
	assert_string_equal(c.seen[1], "SIGNING_REQUIRED");

	/* v == 0: no calls (the zero entry is not a flag), nothing left */
	c.n = 0;
	assert_int_equal(tok_each_bit(flags, 0, collect, &c), 0);
	assert_int_equal(c.n, 0);

	/* 0x10 alone: half of BOTH_30 is not BOTH_30; comes back unnamed */
	c.n = 0;
	assert_int_equal(tok_each_bit(flags, 0x0010, collect, &c), 0x0010);
	assert_int_equal(c.n, 0);

	/* 0x30 | 0x8000 | 0x4 | 0x1: BOTH_30, HIGH, SIGNING_ENABLED; 0x4 left */
	c.n = 0;
	assert_int_equal(tok_each_bit(flags, 0x8035, collect, &c), 0x0004);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.seen[0], "SIGNING_ENABLED");
	assert_string_equal(c.seen[1], "BOTH_30");
	assert_string_equal(c.seen[2], "HIGH");

	/* all bits */
	c.n = 0;
	assert_int_equal(tok_each_bit(flags, 0xffffffffu, collect, &c), 0xffff7fcc);
	assert_int_equal(c.n, 4);

	/* empty table: everything left, no calls */
	c.n = 0;
	assert_int_equal(tok_each_bit(empty, 0x1234, collect, &c), 0x1234);
	assert_int_equal(c.n, 0);
}

/* tok_bits into an exact-size heap buffer (ASan sees a write past size). */
static const char *bits(const struct tok *t, uint32_t v, size_t size, char *copy)
{
	char *buf = malloc(size ? size : 1);
	assert_non_null(buf);
	if (size)
		memset(buf, 'x', size);
	const char *ret = tok_bits(t, v, buf, size);
	assert_ptr_equal(ret, buf);
	if (size) {
		assert_non_null(memchr(buf, '\0', size));
		memcpy(copy, buf, strlen(buf) + 1);
	}
	free(buf);
	return copy;
}

static void test_bits(void **state)
{
	(void)state;
	char out[128];
	/* v == 0 gives "-" */
	assert_string_equal(bits(flags, 0, 64, out), "-");
	assert_string_equal(bits(empty, 0, 64, out), "-");
	assert_string_equal(bits(flags, 0x0001, 64, out), "SIGNING_ENABLED");
	assert_string_equal(bits(flags, 0x0003, 64, out), "SIGNING_ENABLED|SIGNING_REQUIRED");
	/* unnamed leftover bits printed as hex after the names */
	assert_string_equal(bits(flags, 0x0041, 64, out), "SIGNING_ENABLED|0x40");
	assert_string_equal(bits(flags, 0x8034, 64, out), "BOTH_30|HIGH|0x4");
	/* only unnamed bits */
	assert_string_equal(bits(flags, 0x0040, 64, out), "0x40");
	assert_string_equal(bits(empty, 0x80000000u, 64, out), "0x80000000");
	assert_string_equal(bits(flags, 0x0010, 64, out), "0x10");
	assert_string_equal(bits(flags, 0xffffffffu, 64, out),
			    "SIGNING_ENABLED|SIGNING_REQUIRED|BOTH_30|HIGH|0xffff7fcc");
}

/* Every buffer size from 1 up gives a NUL-terminated prefix of the full text;
 * size 0 writes nothing. */
static void test_bits_small_buffers(void **state)
{
	(void)state;
	static const char full[] = "SIGNING_ENABLED|SIGNING_REQUIRED|BOTH_30|HIGH|0xffff7fcc";
	char out[128];
	for (size_t size = 1; size <= sizeof full + 2; size++) {
		bits(flags, 0xffffffffu, size, out);
		size_t want = size - 1 < sizeof full - 1 ? size - 1 : sizeof full - 1;
		assert_int_equal(strlen(out), want);
		assert_memory_equal(out, full, want);
	}
	/* "-" in a 1-byte buffer is just the NUL */
	assert_string_equal(bits(flags, 0, 1, out), "");
	/* hex leftover cut: "0x40" in 3 bytes */
	assert_string_equal(bits(flags, 0x40, 3, out), "0x");

	/* size 0: the buffer is not touched */
	char one = 'x';
	assert_ptr_equal(tok_bits(flags, 3, &one, 0), &one);
	assert_int_equal(one, 'x');
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_each_bit),
		cmocka_unit_test(test_bits),
		cmocka_unit_test(test_bits_small_buffers),
	};
	return cmocka_run_group_tests_name("tok", tests, NULL, NULL);
}
