/* testutil: small helpers shared by the cmocka unit tests.
 *
 * Include after <cmocka.h> (and the headers cmocka needs before it). */
#ifndef SMBNEG_TESTUTIL_H
#define SMBNEG_TESTUTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exact-size heap copy of n bytes, so ASan reports any read past the end.
 * n == 0 gives calloc(0): a pointer that must not be read through at all. */
static inline uint8_t *tu_dup(const void *p, size_t n)
{
	uint8_t *q = calloc(n, 1); /* calloc(0, 1): like malloc(0) */
	if (n) {
		assert_non_null(q);
		memcpy(q, p, n);
	}
	return q;
}

/* Heap copy of a string literal without its NUL. */
#define TU_DUP_LIT(lit) tu_dup((lit), sizeof(lit) - 1)

/* Growable byte buffer for sinks that collect a stream. */
struct tu_buf {
	uint8_t *p;
	size_t len, cap;
};

static inline void tu_buf_add(struct tu_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap - b->len < n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		assert_non_null(q);
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void tu_buf_free(struct tu_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* A test that demonstrates a known bug in the code under test: print why and
 * mark it skipped, so the suite stays green while the bug is open. Remove the
 * call once the bug is fixed and the test runs for real. Build with
 * -DTU_RUN_KNOWN_BUGS to run these tests and watch them fail. */
#ifdef TU_RUN_KNOWN_BUGS /* -DTU_RUN_KNOWN_BUGS: run them, to see them fail */
#define TU_SKIP_BUG(msg) print_message("# known bug, running: %s\n", (msg))
#else
#define TU_SKIP_BUG(msg)                                                                           \
	do {                                                                                       \
		print_message("# known bug: %s\n", (msg));                                         \
		skip();                                                                            \
	} while (0)
#endif

/* cmocka before 1.1.6 prints a skipped test as "not ok N # SKIP name", which
 * TAP consumers (meson's parser included) count as a failure; later versions
 * print "ok N # SKIP name". Call first thing in main(): when TAP output is
 * selected, the tests run in a child whose stdout comes back through a pipe,
 * and such lines are passed on as "ok N # SKIP name". Anything else, and the
 * exit status, pass through unchanged. */
static inline void tu_tap_fix_skips(void)
{
	const char *o = getenv("CMOCKA_MESSAGE_OUTPUT");
	if (!o || (strcmp(o, "TAP") != 0 && strcmp(o, "tap") != 0))
		return;
	int fd[2];
	if (pipe(fd) != 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (pid == 0) { /* the child runs the tests */
		close(fd[0]);
		dup2(fd[1], STDOUT_FILENO);
		close(fd[1]);
		return;
	}
	close(fd[1]);
	FILE *in = fdopen(fd[0], "r");
	if (in) {
		char line[4096];
		while (fgets(line, sizeof line, in)) {
			if (strncmp(line, "not ok ", 7) == 0 && strstr(line, " # SKIP"))
				fputs(line + 4, stdout);
			else
				fputs(line, stdout);
			fflush(stdout);
		}
		fclose(in);
	} else {
		close(fd[0]);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

#endif
