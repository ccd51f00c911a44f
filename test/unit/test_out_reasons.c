/* Unit tests for out_reasons, the text output's grouped "Reasons and notes":
 * rows sharing verdict, cause and text under one line as ranges, one-row
 * reasons as before, the bounds. Output is captured with open_memstream. */
#include "testutil2.h"

#include "smbneg/out_reasons.h"

struct sink {
	struct out o;
	char *buf;
	size_t len;
};

static void sink_open(struct sink *s)
{
	memset(s, 0, sizeof *s);
	s->o.f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->o.f);
}

/* Print the list and return it (the caller frees s->buf). */
static const char *sink_print(struct sink *s)
{
	reasons_print(&s->o);
	reasons_free(&s->o);
	assert_int_equal(fclose(s->o.f), 0);
	return s->buf;
}

static void test_single_row_unchanged(void **state)
{
	(void)state;
	struct sink s;
	sink_open(&s);
	reasons_keep(&s.o, 7, V_NOT_SIGNED, 1, "neither side requires signing", "");
	assert_string_equal(sink_print(&s), "\nReasons and notes:\n"
					    "  #7    not-signed: neither side requires signing\n");
	free(s.buf);
}

static void test_ranges(void **state)
{
	(void)state;
	struct sink s;
	sink_open(&s);
	for (uint64_t r = 3; r <= 40; r++)
		reasons_keep(&s.o, r, V_INCOMPLETE, 2, "probe", "nothing");
	reasons_keep(&s.o, 41, V_NOT_SIGNED, 1, "unsigned", "");
	reasons_keep(&s.o, 52, V_INCOMPLETE, 2, "probe", "nothing");
	reasons_keep(&s.o, 60, V_INCOMPLETE, 2, "probe", "nothing");
	reasons_keep(&s.o, 61, V_INCOMPLETE, 2, "probe", "nothing");
	assert_string_equal(
	    sink_print(&s),
	    "\nReasons and notes:\n"
	    "  #3-#40, #52, #60, #61 (41 conversations) incomplete: probe (nothing)\n"
	    "  #41   not-signed: unsigned\n");
	free(s.buf);
}

static void test_cause_and_verdict_split(void **state)
{
	/* The same words under another verdict or cause are another group. */
	(void)state;
	struct sink s;
	sink_open(&s);
	reasons_keep(&s.o, 1, V_INCOMPLETE, 2, "same", "");
	reasons_keep(&s.o, 2, V_INCOMPLETE, 3, "same", "");
	reasons_keep(&s.o, 3, V_NOT_SIGNED, 2, "same", "");
	reasons_keep(&s.o, 4, V_INCOMPLETE, 2, "same", "");
	assert_string_equal(sink_print(&s), "\nReasons and notes:\n"
					    "  #1, #4 (2 conversations) incomplete: same\n"
					    "  #2    incomplete: same\n"
					    "  #3    not-signed: same\n");
	free(s.buf);
}

static void test_bounds(void **state)
{
	/* OUT_MAX_RANGES ranges a reason, then counted; OUT_MAX_REASONS reasons,
	 * then counted. */
	(void)state;
	struct sink s;
	sink_open(&s);
	for (uint64_t r = 1; r <= 2 * (OUT_MAX_RANGES + 10); r += 2)
		reasons_keep(&s.o, r, V_INCOMPLETE, 2, "every other row", "");
	char text[32];
	for (int i = 0; i < OUT_MAX_REASONS + 5; i++) {
		snprintf(text, sizeof text, "reason %d", i);
		reasons_keep(&s.o, 100000 + (uint64_t)i, V_NOT_SIGNED, 1, text, "");
	}
	assert_int_equal(s.o.nreasons, OUT_MAX_REASONS);
	assert_int_equal(s.o.reasons_dropped, 6);
	assert_int_equal(s.o.reasons->nranges, OUT_MAX_RANGES);
	assert_int_equal(s.o.reasons->rows_unlisted, 10);
	const char *out = sink_print(&s);
	assert_non_null(strstr(out, ", #511 and 10 more (266 conversations) incomplete: every"));
	assert_non_null(strstr(out, "  ... and 6 more conversations with other reasons"));
	free(s.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_row_unchanged),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_cause_and_verdict_split),
	    cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
