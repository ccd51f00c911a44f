/* Unit tests for junit (include/smbneg/junit.h): escaping of hostile strings
 * (exact bytes), and whole reports parsed back with python3's
 * xml.etree.ElementTree (the counts on <testsuites>/<testsuite> agree with the
 * testcases, names decode to what was given). Skipped without python3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/junit.h"

static char *escaped(const char *s, bool attr)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	assert_non_null(f);
	junit_escape(f, s, attr);
	fclose(f);
	return out;
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in, *text, *attr;
	} cases[] = {
	    /* the five entities */
	    {"a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&apos;f", "a&amp;b&lt;c&gt;d&quot;e&apos;f"},
	    /* "]]>" cannot close anything: '>' is always escaped */
	    {"]]>", "]]&gt;", "]]&gt;"},
	    /* tab and newline kept in text, references in attributes; CR always */
	    {"a\tb\nc\rd", "a\tb\nc&#13;d", "a&#9;b&#10;c&#13;d"},
	    /* other C0 controls are not XML 1.0 characters: the text \xNN */
	    {"\x01\x1f\x7f", "\\x01\\x1f\x7f", "\\x01\\x1f\x7f"},
	    /* invalid UTF-8: a stray continuation, a lone lead, an overlong '/',
	     * a surrogate (ED A0 80), past U+10FFFF (F4 90 80 80) */
	    {"\x80", "\xef\xbf\xbd", "\xef\xbf\xbd"},
	    {"a\xc3", "a\xef\xbf\xbd", "a\xef\xbf\xbd"},
	    {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    /* U+FFFE is not an XML character either */
	    {"\xef\xbf\xbe", "\xef\xbf\xbd", "\xef\xbf\xbd"},
	    /* valid multibyte text passes: e-acute, U+2028, an emoji */
	    {"\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80",
	     "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80"},
	    {"", "", ""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		for (int a = 0; a < 2; a++) {
			char *s = escaped(cases[i].in, a);
			const char *want = a ? cases[i].attr : cases[i].text;
			if (strcmp(s, want) != 0)
				fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i,
					 a ? "attr" : "text", s, want);
			free(s);
		}
	}
}

/* Checks the invariants of a JUnit file and prints its content as JSON:
 * [[suite, tests, failures, errors, skipped, [[classname, name, result,
 * message, type], ...]], ...] */
static const char checker[] =
    "import sys, json, xml.etree.ElementTree as ET\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == \"testsuites\", root.tag\n"
    "def n(e, k): return int(e.get(k))\n"
    "out = []\n"
    "tot = [0, 0, 0, 0]\n"
    "for s in root:\n"
    "    assert s.tag == \"testsuite\"\n"
    "    cases = []\n"
    "    cnt = [0, 0, 0, 0]\n"
    "    for c in s:\n"
    "        assert c.tag == \"testcase\"\n"
    "        kids = list(c)\n"
    "        assert len(kids) <= 1\n"
    "        res = kids[0].tag if kids else \"passed\"\n"
    "        cnt[0] += 1\n"
    "        for i, t in ((1, \"failure\"), (2, \"error\"), (3, \"skipped\")):\n"
    "            cnt[i] += res == t\n"
    "        msg = kids[0].get(\"message\") if kids else None\n"
    "        typ = kids[0].get(\"type\") if kids else None\n"
    "        cases.append([c.get(\"classname\"), c.get(\"name\"), res, msg, typ])\n"
    "    got = [n(s, k) for k in (\"tests\", \"failures\", \"errors\", \"skipped\")]\n"
    "    assert got == cnt, (got, cnt)\n"
    "    tot = [a + b for a, b in zip(tot, cnt)]\n"
    "    out.append([s.get(\"name\")] + cnt + [cases])\n"
    "assert [n(root, k) for k in (\"tests\", \"failures\", \"errors\", \"skipped\")] == tot\n"
    "print(json.dumps(out))\n";

/* Write the report to a file, parse it with python3; returns its JSON dump
 * (free it), or NULL when python3 is not there. */
static char *parse_report(const struct baseline *cur, const struct baseline *old,
			  const struct baseline_diffs *d, const char *name)
{
	if (system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") != 0)
		return NULL;
	char xml[] = "/tmp/test_junit_XXXXXX", py[] = "/tmp/test_junit_py_XXXXXX";
	int fd = mkstemp(xml), pfd = mkstemp(py);
	assert_true(fd >= 0 && pfd >= 0);
	FILE *f = fdopen(fd, "w"), *p = fdopen(pfd, "w");
	assert_int_equal(junit_report(f, name, cur, old, d), 0);
	fclose(f);
	fputs(checker, p);
	fclose(p);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "python3 %s %s", py, xml);
	FILE *in = popen(cmd, "r");
	assert_non_null(in);
	struct tu_buf b = {0};
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
		tu_buf_add(&b, chunk, got);
	int st = pclose(in);
	tu_buf_add(&b, "", 1);
	if (st != 0)
		fail_msg("python3 rejected the report (%d): %s", st, (char *)b.p);
	unlink(xml);
	unlink(py);
	return (char *)b.p;
}

static struct baseline_rec *conv(struct baseline *b, size_t file, const char *client,
				 const char *verdict)
{
	struct baseline_rec *r = baseline_add_rec(b, file);
	assert_non_null(r);
	baseline_set(r->client, sizeof r->client, client);
	baseline_set(r->server, sizeof r->server, "10.0.0.2:445");
	baseline_set(r->verdict, sizeof r->verdict, verdict);
	return r;
}

/* Without a baseline: an unreadable file is an error, a --fail-on hit a
 * failure, the rest pass; a file-level hit (no-conversations) fails "(file)". */
static void test_report_no_baseline(void **state)
{
	(void)state;
	struct baseline cur;
	baseline_init(&cur);
	size_t a, e, m;
	baseline_add_file(&cur, "a.pcap", true, &a);
	baseline_add_file(&cur, "empty.pcap", true, &e);
	baseline_add_file(&cur, "netmon.cap", false, &m);
	snprintf(cur.files[m].error, sizeof cur.files[m].error, "unknown file format");
	snprintf(cur.files[e].fail_on, sizeof cur.files[e].fail_on, "no-conversations");
	conv(&cur, a, "10.0.0.1:1", "signed");
	struct baseline_rec *r = conv(&cur, a, "10.0.0.1:2", "not-signed");
	snprintf(r->fail_on, sizeof r->fail_on, "not-signed");
	assert_int_equal(baseline_finish(&cur), 0);
	char *s = parse_report(&cur, NULL, NULL, "smbneg");
	if (!s) {
		baseline_free(&cur);
		skip();
	}
	assert_string_equal(
	    s, "[[\"a.pcap\", 2, 1, 0, 0, [[\"a.pcap\", \"10.0.0.1:1 -> 10.0.0.2:445\", "
	       "\"passed\", null, null], [\"a.pcap\", \"10.0.0.1:2 -> 10.0.0.2:445\", "
	       "\"failure\", \"--fail-on not-signed\", \"fail-on\"]]], "
	       "[\"empty.pcap\", 1, 1, 0, 0, [[\"empty.pcap\", \"(file)\", \"failure\", "
	       "\"--fail-on no-conversations\", \"fail-on\"]]], "
	       "[\"netmon.cap\", 1, 0, 1, 0, [[\"netmon.cap\", \"(file)\", \"error\", "
	       "\"unknown file format\", \"unreadable\"]]]]\n");
	free(s);
	baseline_free(&cur);
}

/* With a baseline: changed, added and removed conversations fail, a file
 * unreadable in both is skipped, a removed file has its own suite. */
static void test_report_with_baseline(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	baseline_init(&old);
	baseline_init(&cur);
	size_t a, g, m;
	baseline_add_file(&old, "a.pcap", true, &a);
	baseline_add_file(&old, "gone.pcap", true, &g);
	baseline_add_file(&old, "netmon.cap", false, &m);
	conv(&old, a, "10.0.0.1:1", "signed");
	conv(&old, a, "10.0.0.1:3", "signed");
	conv(&old, g, "10.0.0.1:9", "signed");
	baseline_add_file(&cur, "netmon.cap", false, &m);
	baseline_add_file(&cur, "a.pcap", true, &a);
	conv(&cur, a, "10.0.0.1:1", "not-signed");
	assert_int_equal(baseline_finish(&old), 0);
	assert_int_equal(baseline_finish(&cur), 0);
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	char *s = parse_report(&cur, &old, &d, "regression");
	if (!s) {
		baseline_diffs_free(&d);
		baseline_free(&old);
		baseline_free(&cur);
		skip();
	}
	assert_string_equal(
	    s, "[[\"a.pcap\", 2, 2, 0, 0, [[\"a.pcap\", \"10.0.0.1:1 -> 10.0.0.2:445\", "
	       "\"failure\", \"baseline: changed: verdict signed -> not-signed\", \"changed\"], "
	       "[\"a.pcap\", \"10.0.0.1:3 -> 10.0.0.2:445\", \"failure\", \"baseline: removed: "
	       "verdict signed\", \"removed\"]]], "
	       "[\"gone.pcap\", 2, 2, 0, 0, [[\"gone.pcap\", \"(file)\", \"failure\", "
	       "\"baseline: file-removed\", \"file-removed\"], [\"gone.pcap\", "
	       "\"10.0.0.1:9 -> 10.0.0.2:445\", \"failure\", \"baseline: removed: verdict "
	       "signed\", \"removed\"]]], "
	       "[\"netmon.cap\", 1, 0, 0, 1, [[\"netmon.cap\", \"(file)\", \"skipped\", "
	       "\"unreadable, as in the baseline: the file could not be read\", null]]]]\n");
	free(s);
	baseline_diffs_free(&d);
	baseline_free(&old);
	baseline_free(&cur);
}

/* Every byte value 1..255 in a file name, a conversation and a fail_on
 * condition: the report stays well-formed and decodes to the sanitised text. */
static void test_report_hostile(void **state)
{
	(void)state;
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	struct baseline cur;
	baseline_init(&cur);
	size_t a;
	assert_int_equal(baseline_add_file(&cur, all, true, &a), 0);
	struct baseline_rec *r = conv(&cur, a, "<c>&\"'", "x]]>y");
	baseline_set(r->fail_on, sizeof r->fail_on, all + 1); /* truncated: fine */
	baseline_set(r->anomalies, sizeof r->anomalies, "a\x01");
	assert_int_equal(baseline_finish(&cur), 0);
	char *s = parse_report(&cur, NULL, NULL, all);
	if (!s) {
		baseline_free(&cur);
		skip();
	}
	/* the classname as python decoded it: controls but tab/newline/CR as the
	 * text \xNN, 0x80..0xFF (not UTF-8 on their own) as U+FFFD */
	assert_non_null(strstr(s, "\"\\\\x01\\\\x02\\\\x03\\\\x04\\\\x05\\\\x06\\\\x07\\\\x08\\t\\n"
				  "\\\\x0b\\\\x0c\\r\\\\x0e"));
	assert_non_null(strstr(s, " !\\\"#$%&'()*+,-./0123456789:;<=>?@ABC"));
	assert_non_null(strstr(s, "xyz{|}~\\u007f\\ufffd\\ufffd"));
	assert_non_null(strstr(s, "\"<c>&\\\"' -> 10.0.0.2:445\""));
	free(s);
	baseline_free(&cur);
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_report_no_baseline),
	    cmocka_unit_test(test_report_with_baseline),
	    cmocka_unit_test(test_report_hostile),
	};
	return cmocka_run_group_tests_name("junit", tests, NULL, NULL);
}
