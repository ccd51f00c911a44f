/* Unit tests for uid, the per-connection identifier (include/smbneg/uid.h):
 * base62 digits (also against a byte-wise reference), format, stability (same
 * inputs, same uid) and uniqueness (every input that differs gives another uid;
 * 200000 connections of a run all differ). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/uid.h"

#include <stdbool.h>
#include <time.h>

#define N_CONN 200000

/* 127.0.0.1:50000 -> 127.0.0.2:445, TCP */
static void flow_v4(struct community_id_flow *f)
{
	memset(f, 0, sizeof *f);
	f->family = 4;
	f->proto = 6;
	memcpy(f->src, "\x7f\x00\x00\x01", 4);
	memcpy(f->dst, "\x7f\x00\x00\x02", 4);
	f->sport = 50000;
	f->dport = 445;
}

static void test_base62(void **state)
{
	(void)state;
	char out[UID_DIGITS + 1];
	static const uint8_t zero[12] = {0};
	static const uint8_t ones[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t count[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	/* 62^17 - 1 and 62^17, 13 bytes big-endian */
	static const uint8_t max17[13] = {0x25, 0x4e, 0x58, 0x8f, 0x44, 0x3b, 0xb3,
					  0x89, 0x23, 0xc4, 0x3d, 0xff, 0xff};
	static const uint8_t over17[13] = {0x25, 0x4e, 0x58, 0x8f, 0x44, 0x3b, 0xb3,
					   0x89, 0x23, 0xc4, 0x3e, 0x00, 0x00};

	assert_int_equal(uid_base62(zero, sizeof zero, out, UID_DIGITS), 0);
	assert_string_equal(out, "00000000000000000");
	/* 2^96 - 1 (values from Python's integer arithmetic) */
	assert_int_equal(uid_base62(ones, sizeof ones, out, UID_DIGITS), 0);
	assert_string_equal(out, "1f2SI9UJPXvb7vdJ1");
	assert_int_equal(uid_base62(count, sizeof count, out, UID_DIGITS), 0);
	assert_string_equal(out, "00P9MVMcaXWHEX8yi");
	assert_int_equal(uid_base62(max17, sizeof max17, out, UID_DIGITS), 0);
	assert_string_equal(out, "zzzzzzzzzzzzzzzzz");
	assert_int_equal(uid_base62(over17, sizeof over17, out, UID_DIGITS), -1);
	assert_int_equal(uid_base62(ones, sizeof ones, out, 3), -1);
	assert_int_equal(uid_base62(ones, 33, out, UID_DIGITS), -1);
	/* 61 -> "z", 62 -> "10" */
	assert_int_equal(uid_base62((const uint8_t *)"\x3d", 1, out, 1), 0);
	assert_string_equal(out, "z");
	assert_int_equal(uid_base62((const uint8_t *)"\x3e", 1, out, 2), 0);
	assert_string_equal(out, "10");
}

/* The definition, one base62 digit a pass by long division of the bytes:
 * the reference the limb-wise uid_base62 must equal. */
static int base62_reference(const uint8_t *b, size_t n, char *out, size_t ndigits)
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint8_t num[32];
	memcpy(num, b, n);
	out[ndigits] = '\0';
	for (size_t d = ndigits; d > 0; d--) {
		unsigned rem = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned cur = rem * 256 + num[i];
			num[i] = (uint8_t)(cur / 62);
			rem = cur % 62;
		}
		out[d - 1] = digits[rem];
	}
	for (size_t i = 0; i < n; i++)
		if (num[i])
			return -1;
	return 0;
}

/* Every length 0..32 and digit count 1..45, random and all-ones numbers. */
static void test_base62_reference(void **state)
{
	(void)state;
	uint32_t x = 12345;
	for (size_t n = 0; n <= 32; n++)
		for (size_t nd = 1; nd <= 45; nd++)
			for (int round = 0; round < 20; round++) {
				uint8_t b[32];
				char got[46], want[46];
				for (size_t i = 0; i < n; i++) {
					x = x * 1103515245u + 12345u;
					b[i] = round == 0 ? 0xff : round == 1 ? 0 : (uint8_t)(x >> 16);
				}
				if (round > 2 && n) /* small numbers: leading zero bytes */
					memset(b, 0, (size_t)round % n);
				int rw = base62_reference(b, n, want, nd);
				assert_int_equal(uid_base62(b, n, got, nd), rw);
				if (rw == 0)
					assert_string_equal(got, want);
			}
}

static void check_format(const char *u)
{
	assert_int_equal(strlen(u), UID_SIZE - 1);
	assert_int_equal(u[0], 'C');
	for (size_t i = 1; u[i]; i++)
		assert_true((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'A' && u[i] <= 'Z') ||
			    (u[i] >= 'a' && u[i] <= 'z'));
}

static void test_stable(void **state)
{
	(void)state;
	struct uid_gen g1, g2;
	struct community_id_flow f;
	char a[UID_SIZE], b[UID_SIZE];

	flow_v4(&f);
	uid_gen_init(&g1, "", 0);
	uid_gen_init(&g2, "", 0);
	uid_make(&g1, &f, 1700000000123456000ull, 1, a);
	uid_make(&g2, &f, 1700000000123456000ull, 1, b);
	check_format(a);
	assert_string_equal(a, b);
	/* Pinned: a capture read by another version of smbneg keeps its uids.  The
	 * value is SHA-1 of the layout in uid.h (checked with Python's hashlib). */
	assert_string_equal(a, "C0qG8Mx2pyi5BFrWi5");
	/* Bytes after the 4th of an IPv4 address do not count. */
	f.src[10] = 0xaa;
	uid_make(&g1, &f, 1700000000123456000ull, 1, b);
	assert_string_equal(a, b);
	/* Live keys: same sensor, start and pid give the same key. */
	uid_gen_init_live(&g1, "sensor1", 1700000000000000001ull, 4242);
	uid_gen_init_live(&g2, "sensor1", 1700000000000000001ull, 4242);
	assert_memory_equal(g1.key, g2.key, sizeof g1.key);
	uid_gen_init_live(&g2, NULL, 1, 1);
	uid_gen_init_live(&g1, "", 1, 1);
	assert_memory_equal(g1.key, g2.key, sizeof g1.key);
}

static void test_inputs_differ(void **state)
{
	(void)state;
	struct uid_gen g, h;
	struct community_id_flow f;
	char a[UID_SIZE], b[UID_SIZE];

	flow_v4(&f);
	uid_gen_init_live(&g, "sensor1", 1700000000000000001ull, 4242);
	uid_make(&g, &f, 5, 1, a);
	/* A restart: another start time (1 ns later) or another pid, or another sensor. */
	uid_gen_init_live(&h, "sensor1", 1700000000000000002ull, 4242);
	uid_make(&h, &f, 5, 1, b);
	assert_string_not_equal(a, b);
	uid_gen_init_live(&h, "sensor1", 1700000000000000001ull, 4243);
	uid_make(&h, &f, 5, 1, b);
	assert_string_not_equal(a, b);
	uid_gen_init_live(&h, "sensor2", 1700000000000000001ull, 4242);
	uid_make(&h, &f, 5, 1, b);
	assert_string_not_equal(a, b);
	/* Same key: another first-frame time, seq, port, direction or family. */
	uid_make(&g, &f, 6, 1, b);
	assert_string_not_equal(a, b);
	uid_make(&g, &f, 5, 2, b);
	assert_string_not_equal(a, b);
	f.sport++;
	uid_make(&g, &f, 5, 1, b);
	assert_string_not_equal(a, b);
	f.sport--;
	f.family = 6;
	uid_make(&g, &f, 5, 1, b);
	assert_string_not_equal(a, b);
}

/* uid_gen_init_now: a live key, never the file-mode key, and the same as
 * uid_gen_init_live with a start time between two clock readings (checked by
 * trying each ns in that window, when it is short). */
static void test_init_now(void **state)
{
	(void)state;
	struct uid_gen g, file, live;
	struct timespec a, b;

	clock_gettime(CLOCK_REALTIME, &a);
	uid_gen_init_now(&g, "sensor1");
	clock_gettime(CLOCK_REALTIME, &b);
	uid_gen_init(&file, "", 0);
	assert_memory_not_equal(g.key, file.key, sizeof g.key);
	uint64_t lo = (uint64_t)a.tv_sec * 1000000000u + (uint64_t)a.tv_nsec;
	uint64_t hi = (uint64_t)b.tv_sec * 1000000000u + (uint64_t)b.tv_nsec;
	if (hi - lo > 2000000)
		skip(); /* preempted between the readings: too many candidates */
	bool found = false;
	for (uint64_t ns = lo; ns <= hi && !found; ns++) {
		uid_gen_init_live(&live, "sensor1", ns, (uint64_t)getpid());
		found = memcmp(live.key, g.key, sizeof g.key) == 0;
	}
	assert_true(found);
}

static int cmp_uid(const void *x, const void *y)
{
	return memcmp(x, y, UID_SIZE);
}

/* N_CONN connections of one run, all on the same 5-tuple and first-frame time
 * (the worst case: only seq differs), then N_CONN with only the time differing. */
static void test_unique(void **state)
{
	(void)state;
	struct uid_gen g;
	struct community_id_flow f;
	char(*u)[UID_SIZE] = calloc(2 * N_CONN, UID_SIZE);

	assert_non_null(u);
	flow_v4(&f);
	uid_gen_init_live(&g, "sensor1", 1700000000000000001ull, 4242);
	for (size_t i = 0; i < N_CONN; i++) {
		uid_make(&g, &f, 42, i, u[i]);
		uid_make(&g, &f, 43 + i, 0, u[N_CONN + i]);
	}
	qsort(u, 2 * N_CONN, UID_SIZE, cmp_uid);
	for (size_t i = 1; i < 2 * N_CONN; i++)
		assert_true(memcmp(u[i - 1], u[i], UID_SIZE) != 0);
	check_format(u[0]);
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base62),
		cmocka_unit_test(test_base62_reference),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_inputs_differ),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_init_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
