/* Unit tests for tomb, the recently concluded connections
 * (include/smbneg/tomb.h): lookup, the late-data window, the ring bound
 * and its hash chains. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "smbneg/tomb.h"

static int setup(void **state)
{
	static struct tomb_table t;
	assert_true(tomb_init(&t));
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	tomb_free(*state);
	return 0;
}

static void test_find_added(void **state)
{
	struct tomb_table *t = *state;
	assert_null(tomb_find(t, 42, 100));
	tomb_add(t, 42, 7, TOMB_CLOSED, 100);
	struct tomb *x = tomb_find(t, 42, 100);
	assert_non_null(x);
	assert_int_equal(x->row, 7);
	assert_int_equal(x->kind, TOMB_CLOSED);
	assert_null(tomb_find(t, 43, 100));
}

static void test_key_zero(void **state)
{
	/* 0 marks a free slot; a real key 0 is still found. */
	struct tomb_table *t = *state;
	assert_null(tomb_find(t, 0, 1));
	tomb_add(t, 0, 1, TOMB_IDLE, 1);
	assert_non_null(tomb_find(t, 0, 1));
}

static void test_closed_window(void **state)
{
	struct tomb_table *t = *state;
	tomb_add(t, 5, 1, TOMB_CLOSED, 1000);
	assert_non_null(tomb_find(t, 5, 1000 + TOMB_LATE_SECS));
	assert_null(tomb_find(t, 5, 1000 + TOMB_LATE_SECS + 1));
	tomb_add(t, 6, 2, TOMB_IDLE, 1000); /* idle: no limit */
	assert_non_null(tomb_find(t, 6, 1000 + 100 * TOMB_LATE_SECS));
}

static void test_newest_first(void **state)
{
	struct tomb_table *t = *state;
	tomb_add(t, 9, 1, TOMB_IDLE, 10);
	tomb_add(t, 9, 2, TOMB_CLOSED, 20);
	assert_int_equal(tomb_find(t, 9, 20)->row, 2);
}

static void test_ring_bound(void **state)
{
	/* TOMB_MAX entries are kept: the oldest is forgotten first, and the
	 * chains stay intact when slots are reused (keys sharing buckets). */
	struct tomb_table *t = *state;
	for (uint64_t k = 1; k <= 3 * TOMB_MAX; k++)
		tomb_add(t, k * 1000003u, k, TOMB_IDLE, 0);
	for (uint64_t k = 1; k <= 2 * TOMB_MAX; k++)
		assert_null(tomb_find(t, k * 1000003u, 0));
	for (uint64_t k = 2 * TOMB_MAX + 1; k <= 3 * TOMB_MAX; k++) {
		struct tomb *x = tomb_find(t, k * 1000003u, 0);
		assert_non_null(x);
		assert_int_equal(x->row, k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_find_added, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_zero, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closed_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ring_bound, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
