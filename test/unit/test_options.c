/* Unit tests for options, the command line (include/smbneg/options.h): a
 * usage error exits 2 (run in a forked child), and the words after -r FILE
 * are capture files while they name existing files, then the BPF filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "smbneg/options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[PATH_MAX];

static void path_of(char *p, size_t size, const char *name)
{
	snprintf(p, size, "%s/%s", root, name);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "%s", "/tmp/smbneg-options-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	const char *names[] = {"a.pcap", "b.pcap"};
	for (size_t i = 0; i < 2; i++) {
		char p[PATH_MAX + 16];
		path_of(p, sizeof p, names[i]);
		FILE *f = fopen(p, "w");
		if (!f)
			return -1;
		fclose(f);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[PATH_MAX + 16];
	path_of(p, sizeof p, "a.pcap");
	unlink(p);
	path_of(p, sizeof p, "b.pcap");
	unlink(p);
	rmdir(root);
	return 0;
}

/* Parse argv in a child with stdout and stderr closed off; its exit status
 * (options_parse's result + 10 when it returned). */
static int parse_in_child(int argc, char **argv)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(98);
		struct opts o;
		memset(&o, 0, sizeof o);
		optind = 0;
		_exit(options_parse(&o, argc, argv) + 10);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_bad_option(void **state)
{
	(void)state;
	char *unknown[] = {"smbneg", "--no-such-option", NULL};
	assert_int_equal(parse_in_child(2, unknown), 2);
	char *missing[] = {"smbneg", "-r", NULL}; /* -r without its FILE */
	assert_int_equal(parse_in_child(2, missing), 2);
	char *count[] = {"smbneg", "-c", "ten", NULL}; /* not a number */
	assert_int_equal(parse_in_child(3, count), 2);
	char *format[] = {"smbneg", "-o", "xml", NULL};
	assert_int_equal(parse_in_child(3, format), 2);
}

static void test_empty_fail_on(void **state)
{
	(void)state;
	char *empty[] = {"smbneg", "--fail-on", "", NULL};
	assert_int_equal(parse_in_child(3, empty), 2);
	char *good[] = {"smbneg", "--fail-on", "not-signed,smb1", NULL};
	assert_int_equal(parse_in_child(3, good), -1 + 10);
}

static void test_help_version(void **state)
{
	(void)state;
	char *help[] = {"smbneg", "--help", NULL};
	assert_int_equal(parse_in_child(2, help), 0 + 10);
	char *version[] = {"smbneg", "--version", NULL};
	assert_int_equal(parse_in_child(2, version), 0 + 10);
}

/* -r a.pcap b.pcap host 10.0.0.5: the shell expanded a glob; the existing
 * files are inputs, the rest is the filter. */
static void test_files_then_bpf(void **state)
{
	(void)state;
	char a[PATH_MAX + 16], b[PATH_MAX + 16];
	path_of(a, sizeof a, "a.pcap");
	path_of(b, sizeof b, "b.pcap");
	char *argv[] = {"smbneg", "-r", a, b, "host", "10.0.0.5", NULL};
	struct opts o;
	memset(&o, 0, sizeof o);
	optind = 0;
	assert_int_equal(options_parse(&o, 6, argv), -1);
	assert_int_equal(o.in.n, 2);
	assert_string_equal(o.in.path[0], a);
	assert_string_equal(o.in.path[1], b);
	assert_string_equal(o.filter, "host 10.0.0.5");
	assert_int_equal(o.idle, 300); /* the default --idle */
	inputs_free(&o.in);
	free(o.filter);

	char *only_bpf[] = {"smbneg", "-q", "-r", a, "tcp", "port", "445", NULL};
	memset(&o, 0, sizeof o);
	optind = 0;
	assert_int_equal(options_parse(&o, 7, only_bpf), -1);
	assert_int_equal(o.in.n, 1);
	assert_true(o.quiet);
	assert_string_equal(o.filter, "tcp port 445");
	inputs_free(&o.in);
	free(o.filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_option),
	    cmocka_unit_test(test_empty_fail_on),
	    cmocka_unit_test(test_help_version),
	    cmocka_unit_test(test_files_then_bpf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
