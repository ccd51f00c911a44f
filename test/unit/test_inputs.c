/* Unit tests for inputs, the files a run reads (include/smbneg/inputs.h). Each
 * test builds a small folder tree under a fresh mkdtemp() folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/inputs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

static void touch(const char *rel)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static void dir(const char *rel)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "%s/smbneg-inputs.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* The path of input i relative to root. */
static const char *rel(const struct inputs *in, size_t i)
{
	size_t n = strlen(root);
	assert_true(i < in->n);
	assert_memory_equal(in->path[i], root, n);
	return in->path[i] + n + 1;
}

/* Subfolders, sorted; names that are not captures and dot files are left out;
 * a symlink back up the tree is walked once. */
static void test_tree(void **state)
{
	(void)state;
	dir("s");
	dir("s/b");
	dir("s/b/deep");
	dir("s/.git");
	touch("s/a.pcap");
	touch("s/c.pcapng.zst");
	touch("s/notes.txt");
	touch("s/.hidden.pcap");
	touch("s/.git/x.pcap");
	touch("s/b/x.cap");
	touch("s/b/y.pcap.gz");
	touch("s/b/z.pcap.bz2");
	touch("s/b/deep/t.etl");
	touch("s/b/deep/u.dmp");
	char link[PATH_MAX + 64], target[PATH_MAX + 64];
	snprintf(link, sizeof link, "%s/s/b/deep/up", root);
	snprintf(target, sizeof target, "%s/s", root);
	assert_int_equal(symlink(target, link), 0); /* a loop */
	snprintf(link, sizeof link, "%s/s/b/self", root);
	assert_int_equal(symlink(".", link), 0);     /* another */

	struct inputs in;
	char err[512] = "";
	assert_true(inputs_init(&in));
	snprintf(target, sizeof target, "%s/s", root);
	assert_true(inputs_add(&in, target, err, sizeof err));
	static const char *const want[] = {"s/a.pcap", "s/b/deep/t.etl", "s/b/deep/u.dmp",
					   "s/b/x.cap", "s/b/y.pcap.gz", "s/c.pcapng.zst"};
	assert_int_equal(in.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		assert_string_equal(rel(&in, i), want[i]);
	inputs_free(&in);
}

static void test_empty_and_missing(void **state)
{
	(void)state;
	struct inputs in;
	char err[512] = "", p[PATH_MAX + 64];
	dir("empty");
	dir("empty/sub");
	touch("empty/sub/readme.md");
	assert_true(inputs_init(&in));
	snprintf(p, sizeof p, "%s/empty", root);
	assert_false(inputs_add(&in, p, err, sizeof err));
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "no capture files"));
	/* a missing file is taken: reading it says what is wrong */
	snprintf(p, sizeof p, "%s/missing.pcap", root);
	assert_true(inputs_add(&in, p, err, sizeof err));
	assert_true(inputs_add(&in, "-", err, sizeof err));
	assert_int_equal(in.n, 2);
	assert_string_equal(in.path[1], "-");
	inputs_free(&in);
}

/* -r a.pcap b.pcap c.pcap host 10.0.0.1: the files are inputs, the rest is a
 * filter; a BPF keyword is never a file, even when a file has that name. */
static void test_words(void **state)
{
	(void)state;
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	dir("w");
	dir("w/more");
	touch("w/b.pcap");
	touch("w/c.pcap");
	touch("w/more/d.pcapng");
	touch("w/host");
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/w", root);
	assert_int_equal(chdir(p), 0);
	struct inputs in;
	char err[512] = "";
	assert_true(inputs_init(&in));
	char *argv1[] = {"b.pcap", "c.pcap", "more", "host", "10.0.0.1"};
	assert_int_equal(inputs_take_words(&in, 5, argv1, err, sizeof err), 3);
	assert_int_equal(in.n, 3);
	assert_string_equal(in.path[0], "b.pcap");
	assert_string_equal(in.path[2], "more/d.pcapng");
	char *argv2[] = {"tcp", "port", "445"};
	assert_int_equal(inputs_take_words(&in, 3, argv2, err, sizeof err), 0);
	char *argv3[] = {"host", "b.pcap"}; /* "host" is a file here, but a keyword */
	assert_int_equal(inputs_take_words(&in, 2, argv3, err, sizeof err), 0);
	char *argv4[] = {"nosuch.pcap", "b.pcap"}; /* missing: the filter starts there */
	assert_int_equal(inputs_take_words(&in, 2, argv4, err, sizeof err), 0);
	assert_int_equal(in.n, 3);
	inputs_free(&in);
	assert_int_equal(chdir(cwd), 0);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const yes[] = {"a.pcap", "a.pcapng", "a.cap", "a.dmp", "a.etl",
					  "a.snoop", "a.erf", "a.pcap.gz", "a.pcapng.zst",
					  "a.cap.gz", "x.y.pcap"};
	static const char *const no[] = {"pcap", ".pcap.gz", "a.gz", "a.zst", "a.pcap.bz2",
					 "a.txt", "a.pcapx", "", ".gz"};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		assert_true(inputs_is_capture_name(yes[i]));
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		assert_false(inputs_is_capture_name(no[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words, setup, teardown),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("inputs", tests, NULL, NULL);
}
